#include "core/library/file_record_batch.h"

#include <algorithm>

namespace abc {

FileRecordBatch::FileRecordBatch(LibraryStore& store, std::size_t maxFiles,
                                 std::chrono::milliseconds maxDelay)
    : store_(store), maxFiles_(std::max<std::size_t>(1, maxFiles)), maxDelay_(maxDelay) {}

FileRecordBatch::~FileRecordBatch() {
    try {
        commit();
    } catch (...) {
        // Unwinding from another error, or the store is unwritable: the pending entries are
        // simply not recorded, and the next scan finds those files again.
    }
}

void FileRecordBatch::recordFile(const PhotoFile& file, const PhotoFacts& facts) {
    std::lock_guard lock(mutex_);
    entries_.push_back({{file, facts}, std::nullopt});
    contents_.insert(facts.contentHash);
    afterAdd();
}

void FileRecordBatch::recordFailure(const PhotoFile& file, const std::string& reason) {
    std::lock_guard lock(mutex_);
    entries_.push_back({{file, {}}, reason});
    afterAdd();
}

bool FileRecordBatch::pendingContent(const std::string& contentHash) const {
    std::lock_guard lock(mutex_);
    return contents_.contains(contentHash);
}

std::size_t FileRecordBatch::pending() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

std::size_t FileRecordBatch::commits() const {
    std::lock_guard lock(mutex_);
    return commits_;
}

void FileRecordBatch::commit() {
    std::lock_guard lock(mutex_);
    commitLocked();
}

void FileRecordBatch::afterAdd() {
    const auto now = std::chrono::steady_clock::now();
    if (entries_.size() == 1) {
        firstPending_ = now;
    }
    if (entries_.size() >= maxFiles_ || now - firstPending_ >= maxDelay_) {
        commitLocked();
    }
}

void FileRecordBatch::commitLocked() {
    if (entries_.empty()) {
        return;
    }
    store_.transaction([&] {
        // Runs of records go through recordFiles (statements prepared once per run); the
        // order of records and failures is kept.
        std::vector<FileRecord> run;
        auto flush = [&] {
            store_.recordFiles(run);
            run.clear();
        };
        for (const auto& entry : entries_) {
            if (entry.failure) {
                flush();
                store_.recordFailure(entry.record.file, *entry.failure);
            } else {
                run.push_back(entry.record);
            }
        }
        flush();
    });
    entries_.clear();
    contents_.clear();
    ++commits_;
}

}  // namespace abc
