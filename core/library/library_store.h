#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/library/photo_record.h"

namespace abc {

class SqliteDatabase;

// Vectors of one (model, instruction) pair, as a dense row-major matrix.
struct StoredVectors {
    std::vector<PhotoId> ids;   // row i belongs to ids[i], ascending
    std::vector<float> values;  // ids.size() x dimension
    int dimension = 0;
    std::int64_t lastRow = 0;  // the largest vector row id read (see vectorsAfter)
};

// Facts about a file found by the scanner and hashed, ready to be recorded.
struct PhotoFacts {
    std::string contentHash;
    std::string mediaType;
    int width = 0;
    int height = 0;
    std::optional<std::string> takenAt;
};

// One file and the content it shows, for recording many at once.
struct FileRecord {
    PhotoFile file;
    PhotoFacts facts;
};

// One library: a SQLite file with photos (by content hash), the paths that show them, model
// fingerprints, embedding vectors and the files that could not be indexed.
//
// Schema (user_version = kSchemaVersion), see docs/library.md:
//   photos(id, content_hash UNIQUE, media_type, width, height, taken_at)
//   files(path PRIMARY KEY, photo_id -> photos ON DELETE CASCADE, size, mtime_ns)
//   models(id, fingerprint UNIQUE, dimension); instruction vectors have a row of their own
//     (PhotoEmbedder::instructionFingerprint), see migration 3
//   vectors(photo_id -> photos, model_id -> models, instruction ('' = none), vector BLOB)
//   failures(path PRIMARY KEY, size, mtime_ns, reason), folders(path PRIMARY KEY)
//   tag_sets, tag_runs, photo_tags: zero-shot tags (TagStore, migration 4)
//   query_vectors(id, fingerprint, query, vector BLOB): text query vectors (migration 5)
// Vectors are BLOBs of `dimension` IEEE-754 float32 values in little-endian byte order.
//
// Thread-safety: every method is serialised by an internal mutex, so one store may be shared
// by threads (the indexer's model thread writes while the UI reads). Other processes may use
// the same file at the same time (WAL + busy timeout); dataVersion() tells when they wrote.
class LibraryStore {
  public:
    static constexpr int kSchemaVersion = 5;

    // $XDG_DATA_HOME/abc-photos/library.sqlite3, or ~/.local/share/abc-photos/library.sqlite3.
    static std::string defaultPath();

    // Opens or creates the library and migrates it step by step, all steps in one
    // transaction. A library written by a newer program is refused (abc::Error) untouched.
    explicit LibraryStore(const std::string& path);
    // Opens without migrating to a given version; for tests of the migrations only.
    static std::unique_ptr<LibraryStore> openAtVersion(const std::string& path, int version);
    ~LibraryStore();
    LibraryStore(const LibraryStore&) = delete;
    LibraryStore& operator=(const LibraryStore&) = delete;

    const std::string& path() const;
    int schemaVersion();
    // Changes whenever any connection (this or another process) commits. Cheap; poll it.
    std::int64_t dataVersion();
    // PRAGMA integrity_check: "ok" or the first problem.
    std::string integrityCheck();

    // --- folders (library roots) ---
    void addFolder(const std::string& folder);
    void removeFolder(const std::string& folder);
    std::vector<std::string> folders();
    struct FolderCount {
        std::string folder;
        std::int64_t files = 0;
        std::int64_t indexed = 0;  // files whose photo has a plain vector of the model
        // The same counted by photo, a copy of one counted once: what the grid shows.
        std::int64_t photos = 0;
        std::int64_t indexedPhotos = 0;
        // Photos without a plain vector of the model of which a file could not be read: an
        // indexing run would not give them one, so they are not "left to index".
        std::int64_t failedPhotos = 0;
    };
    // Every folder, sorted by path, with its files counted as filesUnder() lists them, in one
    // query: the sidebar asks after every indexing batch, and a query per photo took seconds
    // on a large library. No model: nothing counts as indexed.
    std::vector<FolderCount> folderCounts(std::optional<std::int64_t> model);

    // --- photos and files ---
    std::optional<PhotoRecord> photo(PhotoId id);
    std::optional<PhotoId> photoByHash(const std::string& contentHash);
    // The file row for a path, with the photo it shows.
    std::optional<std::pair<PhotoFile, PhotoId>> fileByPath(const std::string& path);
    // Every file under a folder (prefix match on path components), sorted by path.
    std::vector<std::pair<PhotoFile, PhotoId>> filesUnder(const std::string& folder);
    std::vector<PhotoRecord> allPhotos();
    std::int64_t photoCount();
    std::int64_t fileCount();

    // Records that `file` shows the content `facts` (inserting the photo if new) and returns
    // its id. Moves the path to the new photo if it showed another content before.
    PhotoId recordFile(const PhotoFile& file, const PhotoFacts& facts);
    // recordFile for each record in order, all in one transaction (all-or-nothing): a commit
    // per file is what limits a first scan, not the rows. Returns the photo ids in order.
    std::vector<PhotoId> recordFiles(std::span<const FileRecord> records);
    // Forgets paths; photos left without any path are deleted with their vectors.
    void removeFiles(const std::vector<std::string>& paths);
    // Forgets every file under a folder and the folder itself; returns the files removed.
    std::size_t forgetFolder(const std::string& folder);

    // --- models and vectors ---
    // The id of a model fingerprint, created on first use. A fingerprint seen before with a
    // different dimension is an error.
    std::int64_t modelId(const std::string& fingerprint, int dimension);
    std::optional<std::int64_t> findModel(const std::string& fingerprint);
    // When `fingerprint` has no row and one of `formers` has, renames the first such row to
    // `fingerprint` (keeping its id and vectors) and returns true; otherwise changes nothing.
    // For a model whose naming changed between versions while its vectors did not.
    bool adoptModel(const std::string& fingerprint, const std::vector<std::string>& formers);
    struct ModelSummary {
        std::int64_t id = 0;
        std::string fingerprint;
        int dimension = 0;
        std::int64_t plainVectors = 0;       // without instruction
        std::int64_t instructedVectors = 0;  // cached instruction-mode vectors
    };
    std::vector<ModelSummary> models();
    // A plain vector set with everything that belongs to it: the instruction-mode rows made
    // over it (instructionFingerprint(plain, ...)) and their vectors, as Settings lists them.
    struct VectorSetUsage {
        std::int64_t id = 0;  // the plain set's models row
        std::string fingerprint;
        int dimension = 0;
        std::int64_t photos = 0;             // photos with a plain vector (one each)
        std::int64_t instructedVectors = 0;  // over every instruction row of the set
        std::int64_t bytes = 0;              // the vectors' stored bytes, instructed included
    };
    // Every plain vector set, empty ones included, in models() order; one query.
    std::vector<VectorSetUsage> vectorSets();
    struct VectorSetRemoval {
        std::int64_t vectors = 0;  // plain and instructed
        std::int64_t sets = 0;     // models rows: the plain one and its instruction rows
    };
    // Deletes the plain vector set `plainFingerprint`, its instruction rows, their vectors, the
    // tags computed with them and the query vectors cached under it, in one transaction (all
    // or nothing). Other sets are not touched. An unknown fingerprint, or an instruction
    // fingerprint, is an abc::Error naming the library.
    VectorSetRemoval removeVectorSet(const std::string& plainFingerprint);
    struct VectorRow {
        PhotoId photo = 0;
        std::vector<float> vector;
    };
    // Writes rows for one (model, instruction) in one transaction, replacing existing ones.
    // No rows: nothing is written (no lock, no data version change).
    void putVectors(std::int64_t model, const std::string& instruction,
                    const std::vector<VectorRow>& rows);
    std::optional<std::vector<float>> vector(PhotoId photo, std::int64_t model,
                                             const std::string& instruction);
    bool hasVector(PhotoId photo, std::int64_t model, const std::string& instruction);

    // --- text query vectors ---
    // A query text's vector under a model fingerprint, as cacheQueryVector stored it.
    std::optional<std::vector<float>> cachedQueryVector(const std::string& fingerprint,
                                                        const std::string& query);
    // Stores it. The cache holds one model's vectors (storing under another fingerprint drops
    // the rest: the model changed) and at most kCachedQueryVectors, the ones stored longest
    // ago dropped first (storing a query again makes it the newest).
    void cacheQueryVector(const std::string& fingerprint, const std::string& query,
                          const std::vector<float>& vector);
    std::int64_t cachedQueryVectorCount();
    static constexpr std::size_t kCachedQueryVectors = 1000;
    // Photos of which no vector exists for (model, instruction).
    std::vector<PhotoId> photosWithoutVector(std::int64_t model, const std::string& instruction);
    std::int64_t vectorCount(std::int64_t model, const std::string& instruction);
    // Every vector of (model, instruction) in one statement (one read snapshot), copied
    // straight from SQLite's buffers into one block sized up front: no per-row allocation.
    // `progress` (may be empty) gets (rows read, rows expected) every few thousand rows and
    // once at the end, with both equal.
    using LoadProgress = std::function<void(std::size_t done, std::size_t total)>;
    StoredVectors loadVectors(std::int64_t model, const std::string& instruction,
                              const LoadProgress& progress = {});
    // Rows written after vector row `afterRow` (row ids only grow; a rewrite gets a new one),
    // for keeping an in-memory copy in step; `lastRow` receives the largest row id seen.
    StoredVectors vectorsAfter(std::int64_t model, const std::string& instruction,
                               std::int64_t afterRow, std::int64_t& lastRow);
    std::vector<PhotoId> vectorPhotoIds(std::int64_t model, const std::string& instruction);

    // --- files that could not be indexed ---
    void recordFailure(const PhotoFile& file, const std::string& reason);
    void clearFailure(const std::string& path);
    std::optional<PhotoFile> failedFile(const std::string& path);  // as it was when it failed
    // Every failed file under a folder (prefix match on path components), sorted by path; a
    // file that failed on its first read has no `files` row, so filesUnder does not list it.
    std::vector<PhotoFile> failedFilesUnder(const std::string& folder);
    std::vector<IndexFailure> failures();

    // Runs `work` inside one transaction on this store's connection (all-or-nothing).
    void transaction(const std::function<void()>& work);

  private:
    LibraryStore(const std::string& path, std::optional<int> targetVersion);
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Encodes a vector as the stored BLOB (float32 little-endian) and back.
std::vector<std::uint8_t> encodeVector(const std::vector<float>& vector);
std::vector<float> decodeVector(const std::uint8_t* bytes, std::size_t size);

}  // namespace abc
