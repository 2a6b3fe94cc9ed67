#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/library/library_store.h"

namespace abc {

// Groups the file records (and failures) of a scan into one transaction per `maxFiles` files
// or per `maxDelay`, whichever comes first: a commit per file is what bounds a first scan.
// Entries are written in the order they were added, exactly as one recordFile /
// recordFailure call each would leave the store; what is pending is not in the store yet
// (a SIGKILL loses at most the pending entries, never a committed batch).
//
// The delay is checked when an entry is added; call commit() before waiting on anything
// (a pause, the end of the work). The destructor commits what is pending (errors there are
// swallowed; call commit() to see them).
//
// Thread-safety: every method may be called from any thread (an internal mutex), so a
// thread that parks for a pause can commit what the writer left pending.
class FileRecordBatch {
  public:
    static constexpr std::size_t kDefaultMaxFiles = 256;
    static constexpr std::chrono::milliseconds kDefaultMaxDelay{200};

    explicit FileRecordBatch(LibraryStore& store, std::size_t maxFiles = kDefaultMaxFiles,
                             std::chrono::milliseconds maxDelay = kDefaultMaxDelay);
    ~FileRecordBatch();
    FileRecordBatch(const FileRecordBatch&) = delete;
    FileRecordBatch& operator=(const FileRecordBatch&) = delete;

    // As LibraryStore::recordFile / recordFailure, committed with the batch.
    void recordFile(const PhotoFile& file, const PhotoFacts& facts);
    void recordFailure(const PhotoFile& file, const std::string& reason);
    // Whether a pending record shows this content (the store does not know it yet).
    bool pendingContent(const std::string& contentHash) const;
    std::size_t pending() const;
    // Writes what is pending in one transaction; nothing when nothing is pending. On an error
    // the transaction is rolled back, the entries stay pending and the error propagates.
    void commit();
    std::size_t commits() const;  // transactions written so far

  private:
    struct Entry {
        FileRecord record;
        std::optional<std::string> failure;  // set: a failure, not a record
    };
    void commitLocked();
    void afterAdd();

    LibraryStore& store_;
    const std::size_t maxFiles_;
    const std::chrono::milliseconds maxDelay_;
    mutable std::mutex mutex_;
    std::vector<Entry> entries_;
    std::unordered_set<std::string> contents_;
    std::chrono::steady_clock::time_point firstPending_;
    std::size_t commits_ = 0;
};

}  // namespace abc
