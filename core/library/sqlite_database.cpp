#include "core/library/sqlite_database.h"

#include <sqlite3.h>

#include <chrono>
#include <thread>

#include "core/io/error.h"

namespace abc {

namespace {

// What a user can act on comes first; the statement that met it stays for whoever debugs.
std::string problemText(sqlite3* db, const std::string& what, const std::string& message) {
    const int code = db != nullptr ? (sqlite3_extended_errcode(db) & 0xFF) : SQLITE_NOMEM;
    const std::string detail = " (" + what + ": " + message + ")";
    switch (code) {
        case SQLITE_FULL:
            return "the disk is full; nothing committed before was lost" + detail;
        case SQLITE_READONLY:
            return "the library cannot be written (a read-only file system or no write "
                   "permission); searching it still works" +
                   detail;
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB:
            return "the library file is damaged or not a library" + detail;
        case SQLITE_IOERR:
            return "the disk reported an input/output error" + detail;
        default:
            return what + ": " + message;
    }
}

bool isBusy(int code) {
    return (code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED;
}

[[noreturn]] void fail(const std::string& subject, sqlite3* db, const std::string& what) {
    const char* message = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    if (db != nullptr && isBusy(sqlite3_extended_errcode(db))) {
        throw DatabaseBusy(subject, what + ": " + message);
    }
    throw Error(subject, problemText(db, what, message));
}

// SQLite does not call the busy handler while a connection changes the journal mode (the switch
// to WAL needs the file to itself, and waiting inside could deadlock two openers), so a
// second process opening a new library while the first one switches it would fail at once
// with "database is locked". Waiting here, up to the same busy timeout, is safe: this
// connection holds no lock between tries.
void switchToWal(SqliteDatabase& db, int busyTimeoutMs) {
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(busyTimeoutMs);
    for (;;) {
        try {
            SqliteStatement wal(db, "PRAGMA journal_mode = WAL");
            if (!wal.step() || wal.columnText(0) != "wal") {
                throw Error(db.path(), "the database could not be switched to WAL journaling");
            }
            return;
        } catch (const DatabaseBusy&) {
            if (std::chrono::steady_clock::now() >= deadline) {
                throw;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }
}

}  // namespace

SqliteDatabase::SqliteDatabase(const std::string& path, Mode mode, int busyTimeoutMs)
    : path_(path) {
    const int flags = mode == Mode::ReadOnly ? SQLITE_OPEN_READONLY
                                             : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (sqlite3_open_v2(path.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
        const std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        db_ = nullptr;
        throw Error(path, "cannot open the database: " + message);
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, busyTimeoutMs);
    try {
        execute("PRAGMA foreign_keys = ON");
        if (mode == Mode::ReadWrite) {
            switchToWal(*this, busyTimeoutMs);
            // NORMAL is durable across application crashes in WAL mode; only a power loss
            // may drop the last commits, never corrupt the file.
            execute("PRAGMA synchronous = NORMAL");
        }
    } catch (...) {
        sqlite3_close(db_);
        db_ = nullptr;
        throw;
    }
}

SqliteDatabase::~SqliteDatabase() {
    sqlite3_close(db_);
}

void SqliteDatabase::execute(const std::string& sql) {
    char* message = nullptr;
    const int code = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
    if (code != SQLITE_OK) {
        const std::string text = message != nullptr ? message : sqlite3_errmsg(db_);
        sqlite3_free(message);
        const std::string what = "SQL failed (" + sql.substr(0, 60) + ")";
        if (isBusy(code)) {
            throw DatabaseBusy(path_, what + ": " + text);
        }
        throw Error(path_, problemText(db_, what, text));
    }
}

int SqliteDatabase::userVersion() {
    SqliteStatement statement(*this, "PRAGMA user_version");
    statement.step();
    return static_cast<int>(statement.columnInt(0));
}

void SqliteDatabase::setUserVersion(int version) {
    execute("PRAGMA user_version = " + std::to_string(version));
}

std::int64_t SqliteDatabase::lastInsertRowId() const {
    return sqlite3_last_insert_rowid(db_);
}

int SqliteDatabase::changes() const {
    return sqlite3_changes(db_);
}

SqliteStatement::SqliteStatement(SqliteDatabase& db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v2(db.handle(), sql.c_str(), static_cast<int>(sql.size()), &stmt_,
                           nullptr) != SQLITE_OK) {
        fail(db.path(), db.handle(), "cannot prepare \"" + sql.substr(0, 80) + "\"");
    }
}

SqliteStatement::~SqliteStatement() {
    sqlite3_finalize(stmt_);
}

int SqliteStatement::index(std::string_view name) const {
    const std::string key(name);
    const int i = sqlite3_bind_parameter_index(stmt_, key.c_str());
    if (i == 0) {
        throw Error(db_.path(), "the statement has no parameter " + key);
    }
    return i;
}

#define ABC_SQLITE_BIND(call)                                      \
    do {                                                           \
        if (needsReset_) {                                         \
            reset();                                               \
        }                                                          \
        if ((call) != SQLITE_OK) {                                 \
            fail(db_.path(), db_.handle(), "cannot bind a value"); \
        }                                                          \
    } while (false)

SqliteStatement& SqliteStatement::bind(std::string_view name, std::int64_t value) {
    ABC_SQLITE_BIND(sqlite3_bind_int64(stmt_, index(name), value));
    return *this;
}

SqliteStatement& SqliteStatement::bind(std::string_view name, double value) {
    ABC_SQLITE_BIND(sqlite3_bind_double(stmt_, index(name), value));
    return *this;
}

SqliteStatement& SqliteStatement::bind(std::string_view name, std::string_view text) {
    ABC_SQLITE_BIND(sqlite3_bind_text64(stmt_, index(name), text.data(), text.size(),
                                        SQLITE_TRANSIENT, SQLITE_UTF8));
    return *this;
}

SqliteStatement& SqliteStatement::bindBlob(std::string_view name,
                                           std::span<const std::uint8_t> bytes) {
    ABC_SQLITE_BIND(
        sqlite3_bind_blob64(stmt_, index(name), bytes.data(), bytes.size(), SQLITE_TRANSIENT));
    return *this;
}

SqliteStatement& SqliteStatement::bindNull(std::string_view name) {
    ABC_SQLITE_BIND(sqlite3_bind_null(stmt_, index(name)));
    return *this;
}

SqliteStatement& SqliteStatement::bind(std::string_view name,
                                       const std::optional<std::string>& text) {
    return text ? bind(name, std::string_view(*text)) : bindNull(name);
}

#undef ABC_SQLITE_BIND

bool SqliteStatement::step() {
    needsReset_ = true;
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) {
        return true;
    }
    if (rc == SQLITE_DONE) {
        return false;
    }
    const std::string sql = sqlite3_sql(stmt_) != nullptr ? sqlite3_sql(stmt_) : "";
    sqlite3_reset(stmt_);
    needsReset_ = false;
    fail(db_.path(), db_.handle(), "\"" + sql.substr(0, 60) + "\" failed");
}

void SqliteStatement::run() {
    while (step()) {
    }
    reset();
}

void SqliteStatement::reset() {
    sqlite3_reset(stmt_);
    needsReset_ = false;
}

bool SqliteStatement::isNull(int column) const {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t SqliteStatement::columnInt(int column) const {
    return sqlite3_column_int64(stmt_, column);
}

double SqliteStatement::columnDouble(int column) const {
    return sqlite3_column_double(stmt_, column);
}

std::string SqliteStatement::columnText(int column) const {
    const auto* text = sqlite3_column_text(stmt_, column);
    const int size = sqlite3_column_bytes(stmt_, column);
    return text != nullptr ? std::string(reinterpret_cast<const char*>(text), size) : std::string();
}

std::optional<std::string> SqliteStatement::columnOptionalText(int column) const {
    if (isNull(column)) {
        return std::nullopt;
    }
    return columnText(column);
}

std::span<const std::uint8_t> SqliteStatement::columnBlob(int column) const {
    const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column));
    const int size = sqlite3_column_bytes(stmt_, column);
    return {data, static_cast<std::size_t>(size)};
}

// Inside an open transaction a savepoint stands in, so helpers that make their own
// transaction compose into a caller's (a batch commit spans many row writes).
SqliteTransaction::SqliteTransaction(SqliteDatabase& db)
    : db_(db), nested_(sqlite3_get_autocommit(db.handle()) == 0) {
    db_.execute(nested_ ? "SAVEPOINT abc_nested" : "BEGIN IMMEDIATE");
}

SqliteTransaction::~SqliteTransaction() {
    if (!done_) {
        sqlite3_exec(db_.handle(),
                     nested_ ? "ROLLBACK TO abc_nested; RELEASE abc_nested" : "ROLLBACK", nullptr,
                     nullptr, nullptr);
    }
}

void SqliteTransaction::commit() {
    db_.execute(nested_ ? "RELEASE abc_nested" : "COMMIT");
    done_ = true;
}

}  // namespace abc
