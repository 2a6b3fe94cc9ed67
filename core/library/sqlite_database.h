#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/io/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace abc {

// Another connection (a migration, a long indexing commit, maybe in another process) held the
// database for longer than the busy timeout: unlike every other SQL failure, one worth
// trying again later.
class DatabaseBusy : public Error {
  public:
    using Error::Error;
};

// A thin RAII layer over one SQLite connection. Errors become abc::Error with the database
// path as subject. Thread-safety: a connection and its statements belong to one thread at a
// time (SQLite is built serialised, but a statement's cursor state is not shareable); use one
// SqliteDatabase per thread. Several connections and processes may use one file (WAL).
class SqliteDatabase {
  public:
    enum class Mode { ReadWrite, ReadOnly };
    // Opens (creating if ReadWrite) the file, turns on WAL, foreign keys and a busy timeout,
    // and checks that WAL really took effect.
    explicit SqliteDatabase(const std::string& path, Mode mode = Mode::ReadWrite,
                            int busyTimeoutMs = 10000);
    ~SqliteDatabase();
    SqliteDatabase(const SqliteDatabase&) = delete;
    SqliteDatabase& operator=(const SqliteDatabase&) = delete;

    void execute(const std::string& sql);  // one or more statements, no results
    int userVersion();
    void setUserVersion(int version);
    std::int64_t lastInsertRowId() const;
    int changes() const;
    const std::string& path() const { return path_; }
    sqlite3* handle() const { return db_; }

  private:
    std::string path_;
    sqlite3* db_ = nullptr;
};

// A prepared statement with named binds (":name"). Reset automatically by bind after a step.
class SqliteStatement {
  public:
    SqliteStatement(SqliteDatabase& db, const std::string& sql);
    ~SqliteStatement();
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    SqliteStatement& bind(std::string_view name, std::int64_t value);
    SqliteStatement& bind(std::string_view name, int value) {
        return bind(name, static_cast<std::int64_t>(value));
    }
    SqliteStatement& bind(std::string_view name, double value);
    SqliteStatement& bind(std::string_view name, std::string_view text);
    SqliteStatement& bind(std::string_view name, const char* text) {
        return bind(name, std::string_view(text));
    }
    SqliteStatement& bind(std::string_view name, const std::string& text) {
        return bind(name, std::string_view(text));
    }
    SqliteStatement& bindBlob(std::string_view name, std::span<const std::uint8_t> bytes);
    SqliteStatement& bindNull(std::string_view name);
    SqliteStatement& bind(std::string_view name, const std::optional<std::string>& text);

    // true while a row is available; false when done.
    bool step();
    // Runs to completion (INSERT/UPDATE/DELETE), then resets for the next binds.
    void run();
    void reset();

    bool isNull(int column) const;
    std::int64_t columnInt(int column) const;
    double columnDouble(int column) const;
    std::string columnText(int column) const;
    std::optional<std::string> columnOptionalText(int column) const;
    std::span<const std::uint8_t> columnBlob(int column) const;  // valid until the next step

  private:
    int index(std::string_view name) const;
    SqliteDatabase& db_;
    sqlite3_stmt* stmt_ = nullptr;
    bool needsReset_ = false;
};

// BEGIN IMMEDIATE on construction (the write lock is taken up front, so a busy database
// waits in the busy handler instead of failing at COMMIT); ROLLBACK in the destructor unless
// commit() was called. Nested in another transaction it becomes a SAVEPOINT.
class SqliteTransaction {
  public:
    explicit SqliteTransaction(SqliteDatabase& db);
    ~SqliteTransaction();
    SqliteTransaction(const SqliteTransaction&) = delete;
    SqliteTransaction& operator=(const SqliteTransaction&) = delete;
    void commit();

  private:
    SqliteDatabase& db_;
    bool nested_ = false;
    bool done_ = false;
};

}  // namespace abc
