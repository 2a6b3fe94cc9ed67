#include "core/library/library_store.h"

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <unordered_map>

#include "core/io/error.h"
#include "core/io/path.h"
#include "core/library/instruction_fingerprint.h"
#include "core/library/sqlite_database.h"

namespace abc {

namespace {

// Step N takes a database at user_version N-1 to N. Steps are append-only: a released step
// is never edited, so every older library follows the same path.
const char* const kMigrations[] = {
    // 1: photos by content, the paths that show them, models and vectors.
    R"sql(
    CREATE TABLE photos (
        id INTEGER PRIMARY KEY,
        content_hash TEXT NOT NULL UNIQUE,
        media_type TEXT NOT NULL,
        width INTEGER NOT NULL DEFAULT 0,
        height INTEGER NOT NULL DEFAULT 0,
        taken_at TEXT
    );
    CREATE TABLE files (
        path TEXT PRIMARY KEY,
        photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL
    );
    CREATE INDEX files_by_photo ON files(photo_id);
    CREATE TABLE models (
        id INTEGER PRIMARY KEY,
        fingerprint TEXT NOT NULL UNIQUE,
        dimension INTEGER NOT NULL
    );
    CREATE TABLE vectors (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        instruction TEXT NOT NULL DEFAULT '',
        vector BLOB NOT NULL,
        UNIQUE (model_id, instruction, photo_id)
    );
    CREATE INDEX vectors_by_photo ON vectors(photo_id);
    )sql",
    // 2: library folders, files that could not be indexed, date filter index.
    R"sql(
    CREATE TABLE folders (path TEXT PRIMARY KEY);
    CREATE TABLE failures (
        path TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        reason TEXT NOT NULL
    );
    CREATE INDEX photos_by_date ON photos(taken_at);
    )sql",
    // 3: the instruct adapter leaves the plain fingerprint (it is off for text and image
    // inputs): "abc-qwen2vl|base=B|pretrain=P|instruct=I|precision=..." becomes
    // "abc-qwen2vl|base=B|pretrain=P|precision=...", and the instruction vectors move to a row
    // of their own, "<new fingerprint>|instruct=I" (ModelPhotoEmbedder's form). The first row
    // of each new fingerprint is renamed in place, keeping its id and its vectors' row ids; a
    // row that differed from it only by the instruct adapter hands over the photos it lacks
    // (same plain vectors) and is dropped.
    R"sql(
    CREATE TEMP TABLE instruct_split AS
        SELECT id AS old_id, dimension,
               head || substr(rest, instr(rest, '|')) AS plain,
               substr(rest, 10, instr(rest, '|') - 10) AS instruct
        FROM (SELECT id, dimension,
                     substr(fingerprint, 1, instr(fingerprint, '|instruct=') - 1) AS head,
                     substr(fingerprint, instr(fingerprint, '|instruct=') + 1) AS rest
              FROM models WHERE fingerprint GLOB 'abc-qwen2vl|*|instruct=*|*');
    UPDATE models SET fingerprint = (SELECT plain FROM instruct_split WHERE old_id = models.id)
    WHERE id IN (SELECT min(old_id) FROM instruct_split GROUP BY plain)
      AND NOT EXISTS (SELECT 1 FROM models AS taken JOIN instruct_split AS s
                      ON taken.fingerprint = s.plain WHERE s.old_id = models.id);
    INSERT OR IGNORE INTO models(fingerprint, dimension)
        SELECT plain || '|instruct=' || instruct, dimension FROM instruct_split AS s
        WHERE EXISTS (SELECT 1 FROM vectors WHERE model_id = s.old_id AND instruction <> '')
        ORDER BY old_id;
    UPDATE OR IGNORE vectors SET model_id =
        (SELECT m.id FROM instruct_split AS s JOIN models AS m
         ON m.fingerprint = s.plain || '|instruct=' || s.instruct WHERE s.old_id = vectors.model_id)
    WHERE instruction <> '' AND model_id IN (SELECT old_id FROM instruct_split);
    CREATE TEMP TABLE instruct_merged AS
        SELECT s.old_id, m.id AS new_id FROM instruct_split AS s
        JOIN models AS m ON m.fingerprint = s.plain WHERE m.id <> s.old_id;
    UPDATE OR IGNORE vectors SET model_id =
        (SELECT new_id FROM instruct_merged WHERE old_id = vectors.model_id)
    WHERE instruction = '' AND model_id IN (SELECT old_id FROM instruct_merged);
    DELETE FROM vectors WHERE model_id IN (SELECT old_id FROM instruct_merged);
    DELETE FROM models WHERE id IN (SELECT old_id FROM instruct_merged);
    DROP TABLE instruct_merged;
    DROP TABLE instruct_split;
    )sql",
    // 4: zero-shot tag sets (TagStore) and their results per (set, plain model), each run
    // stamped with the hash of the set text it was computed for (tagSetHash).
    R"sql(
    CREATE TABLE tag_sets (
        name TEXT PRIMARY KEY,
        labels TEXT NOT NULL,
        instruction TEXT NOT NULL DEFAULT '',
        threshold REAL,
        top_k INTEGER,
        set_hash TEXT NOT NULL,
        CHECK ((threshold IS NULL) <> (top_k IS NULL))
    );
    CREATE TABLE tag_runs (
        tag_set TEXT NOT NULL REFERENCES tag_sets(name) ON DELETE CASCADE,
        model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        set_hash TEXT NOT NULL,
        scored INTEGER NOT NULL,
        PRIMARY KEY (tag_set, model_id)
    );
    CREATE TABLE photo_tags (
        tag_set TEXT NOT NULL,
        model_id INTEGER NOT NULL,
        photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        label TEXT NOT NULL,
        score REAL NOT NULL,
        PRIMARY KEY (tag_set, model_id, photo_id, label),
        FOREIGN KEY (tag_set, model_id) REFERENCES tag_runs(tag_set, model_id) ON DELETE CASCADE
    );
    CREATE INDEX photo_tags_by_photo ON photo_tags(photo_id);
    )sql",
    // 5: text query vectors by (model fingerprint, query text), so a repeated query does not
    // run the model (cachedQueryVector).
    R"sql(
    CREATE TABLE query_vectors (
        id INTEGER PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        query TEXT NOT NULL,
        vector BLOB NOT NULL,
        UNIQUE (fingerprint, query)
    );
    )sql",
};
static_assert(std::size(kMigrations) == LibraryStore::kSchemaVersion);

// An empty folder would match every path, so forgetting it would empty the library.
Path folderPath(const std::string& folder) {
    Path path(folder);
    if (path.isEmpty()) {
        throw Error("", "no folder given (an empty path)");
    }
    return path;
}

// How often loadVectors reports: about 50 MB of 3584-d vectors, a few times a second.
constexpr std::size_t kLoadProgressRows = 4096;

std::string underPrefix(const std::string& folder) {
    return folderPath(folder).childPrefix();
}

}  // namespace

std::vector<std::uint8_t> encodeVector(const std::vector<float>& vector) {
    std::vector<std::uint8_t> bytes(vector.size() * sizeof(float));
    if constexpr (std::endian::native == std::endian::little) {
        std::memcpy(bytes.data(), vector.data(), bytes.size());
    } else {
        for (std::size_t i = 0; i < vector.size(); ++i) {
            const auto bits = std::bit_cast<std::uint32_t>(vector[i]);
            for (int b = 0; b < 4; ++b) {
                bytes[i * 4 + b] = static_cast<std::uint8_t>(bits >> (8 * b));
            }
        }
    }
    return bytes;
}

std::vector<float> decodeVector(const std::uint8_t* bytes, std::size_t size) {
    std::vector<float> vector(size / sizeof(float));
    if constexpr (std::endian::native == std::endian::little) {
        std::memcpy(vector.data(), bytes, vector.size() * sizeof(float));
    } else {
        for (std::size_t i = 0; i < vector.size(); ++i) {
            std::uint32_t bits = 0;
            for (int b = 0; b < 4; ++b) {
                bits |= static_cast<std::uint32_t>(bytes[i * 4 + b]) << (8 * b);
            }
            vector[i] = std::bit_cast<float>(bits);
        }
    }
    return vector;
}

struct LibraryStore::Impl {
    std::string path;
    SqliteDatabase db;
    std::recursive_mutex mutex;
    std::int64_t localWrites = 0;

    explicit Impl(const std::string& file) : path(file), db(file) {}

    void migrate(int target) {
        // Read and migrate under one write lock so two processes opening an old library at
        // once cannot both run a step.
        SqliteTransaction transaction(db);
        const int current = db.userVersion();
        if (current > LibraryStore::kSchemaVersion) {
            throw Error(path,
                        "this library was written by a newer version of ABC Photos "
                        "(schema " +
                            std::to_string(current) + ", this program knows up to " +
                            std::to_string(LibraryStore::kSchemaVersion) +
                            "); update ABC Photos or use another --db");
        }
        for (int version = current + 1; version <= target; ++version) {
            db.execute(kMigrations[version - 1]);
        }
        if (target > current) {
            db.setUserVersion(target);
        }
        transaction.commit();
    }

    void wrote() { ++localWrites; }

    void deleteOrphan(PhotoId photo) {
        SqliteStatement statement(db,
                                  "DELETE FROM photos WHERE id = :id AND NOT EXISTS "
                                  "(SELECT 1 FROM files WHERE photo_id = :id)");
        statement.bind(":id", photo).run();
    }
};

std::string LibraryStore::defaultPath() {
    namespace fs = std::filesystem;
    fs::path base;
    const char* xdg = std::getenv("XDG_DATA_HOME");
    if (xdg != nullptr && *xdg != '\0' && fs::path(xdg).is_absolute()) {
        base = xdg;
    } else {
        const char* home = std::getenv("HOME");
        if (home == nullptr || *home == '\0') {
            throw Error("HOME", "is not set; pass --db to choose the library file");
        }
        base = fs::path(home) / ".local" / "share";
    }
    return (base / "abc-photos" / "library.sqlite3").string();
}

LibraryStore::LibraryStore(const std::string& path) : LibraryStore(path, std::nullopt) {}

LibraryStore::LibraryStore(const std::string& path, std::optional<int> targetVersion) {
    namespace fs = std::filesystem;
    const fs::path parent = fs::path(path).parent_path();
    if (!parent.empty()) {
        std::error_code ec;
        fs::create_directories(parent, ec);
        if (ec) {
            throw Error(parent.string(), "cannot create the library folder: " + ec.message());
        }
    }
    impl_ = std::make_unique<Impl>(path);
    impl_->migrate(targetVersion.value_or(kSchemaVersion));
}

std::unique_ptr<LibraryStore> LibraryStore::openAtVersion(const std::string& path, int version) {
    if (version < 0 || version > kSchemaVersion) {
        throw Error("schema version", "no such version " + std::to_string(version));
    }
    return std::unique_ptr<LibraryStore>(new LibraryStore(path, version));
}

LibraryStore::~LibraryStore() = default;

const std::string& LibraryStore::path() const {
    return impl_->path;
}

int LibraryStore::schemaVersion() {
    std::lock_guard lock(impl_->mutex);
    return impl_->db.userVersion();
}

std::int64_t LibraryStore::dataVersion() {
    std::lock_guard lock(impl_->mutex);
    SqliteStatement statement(impl_->db, "PRAGMA data_version");
    statement.step();
    return (statement.columnInt(0) << 32) + impl_->localWrites;
}

std::string LibraryStore::integrityCheck() {
    std::lock_guard lock(impl_->mutex);
    SqliteStatement statement(impl_->db, "PRAGMA integrity_check");
    return statement.step() ? statement.columnText(0) : "no answer";
}

void LibraryStore::transaction(const std::function<void()>& work) {
    std::lock_guard lock(impl_->mutex);
    SqliteTransaction transaction(impl_->db);
    work();
    transaction.commit();
    impl_->wrote();
}

void LibraryStore::addFolder(const std::string& folder) {
    std::lock_guard lock(impl_->mutex);
    SqliteStatement(impl_->db, "INSERT OR IGNORE INTO folders(path) VALUES (:path)")
        .bind(":path", folder)
        .run();
    impl_->wrote();
}

void LibraryStore::removeFolder(const std::string& folder) {
    std::lock_guard lock(impl_->mutex);
    SqliteStatement(impl_->db, "DELETE FROM folders WHERE path = :path")
        .bind(":path", folder)
        .run();
    impl_->wrote();
}

std::vector<std::string> LibraryStore::folders() {
    std::lock_guard lock(impl_->mutex);
    SqliteStatement statement(impl_->db, "SELECT path FROM folders ORDER BY path");
    std::vector<std::string> result;
    while (statement.step()) {
        result.push_back(statement.columnText(0));
    }
    return result;
}

std::vector<LibraryStore::FolderCount> LibraryStore::folderCounts(
    std::optional<std::int64_t> model) {
    std::lock_guard lock(impl_->mutex);
    // The prefix is Path::childPrefix() in SQL: "/a/" for "/a", "/" for the root.
    SqliteStatement statement(
        impl_->db,
        "SELECT d.path, COUNT(f.path), COUNT(v.photo_id), COUNT(DISTINCT f.photo_id), "
        "       COUNT(DISTINCT v.photo_id), "
        "       COUNT(DISTINCT CASE WHEN v.photo_id IS NULL AND x.path IS NOT NULL "
        "                           THEN f.photo_id END) "
        "FROM (SELECT path, CASE WHEN path = '/' THEN '/' ELSE path || '/' END AS prefix "
        "      FROM folders) d "
        "LEFT JOIN files f ON substr(f.path, 1, length(d.prefix)) = d.prefix "
        "LEFT JOIN vectors v ON v.photo_id = f.photo_id AND v.model_id = :model "
        "                   AND v.instruction = '' "
        "LEFT JOIN failures x ON x.path = f.path "
        "GROUP BY d.path ORDER BY d.path");
    if (model) {
        statement.bind(":model", *model);
    } else {
        statement.bindNull(":model");
    }
    std::vector<FolderCount> result;
    while (statement.step()) {
        result.push_back({statement.columnText(0), statement.columnInt(1), statement.columnInt(2),
                          statement.columnInt(3), statement.columnInt(4), statement.columnInt(5)});
    }
    return result;
}

std::optional<PhotoRecord> LibraryStore::photo(PhotoId id) {
    std::lock_guard lock(impl_->mutex);
    SqliteStatement statement(impl_->db,
                              "SELECT content_hash, media_type, width, height, taken_at "
                              "FROM photos WHERE id = :id");
    statement.bind(":id", id);
    if (!statement.step()) {
        return std::nullopt;
    }
    PhotoRecord record;
    record.id = id;
    record.contentHash = statement.columnText(0);
    record.mediaType = statement.columnText(1);
    record.width = static_cast<int>(statement.columnInt(2));
    record.height = static_cast<int>(statement.columnInt(3));
    record.takenAt = statement.columnOptionalText(4);
    SqliteStatement files(impl_->db,
                          "SELECT path, size, mtime_ns FROM files "
                          "WHERE photo_id = :id ORDER BY path");
    files.bind(":id", id);
    while (files.step()) {
        record.files.push_back({files.columnText(0), files.columnInt(1), files.columnInt(2)});
    }
    return record;
}

std::optional<PhotoId> LibraryStore::photoByHash(const std::string& contentHash) {
    std::lock_guard lock(impl_->mutex);
    SqliteStatement statement(impl_->db, "SELECT id FROM photos WHERE content_hash = :hash");
    statement.bind(":hash", contentHash);
    if (!statement.step()) {
        return std::nullopt;
    }
    return statement.columnInt(0);
}

std::optional<std::pair<PhotoFile, PhotoId>> LibraryStore::fileByPath(const std::string& path) {
    std::lock_guard lock(impl_->mutex);
    SqliteStatement statement(impl_->db,
                              "SELECT size, mtime_ns, photo_id FROM files WHERE path = :path");
    statement.bind(":path", path);
    if (!statement.step()) {
        return std::nullopt;
    }
    return std::make_pair(PhotoFile{path, statement.columnInt(0), statement.columnInt(1)},
                          statement.columnInt(2));
}

std::vector<std::pair<PhotoFile, PhotoId>> LibraryStore::filesUnder(const std::string& folder) {
    std::lock_guard lock(impl_->mutex);
    const std::string prefix = underPrefix(folder);
    SqliteStatement statement(impl_->db,
                              "SELECT path, size, mtime_ns, photo_id FROM files "
                              "WHERE substr(path, 1, length(:prefix)) = :prefix ORDER BY path");
    statement.bind(":prefix", prefix);
    std::vector<std::pair<PhotoFile, PhotoId>> result;
    while (statement.step()) {
        result.emplace_back(
            PhotoFile{statement.columnText(0), statement.columnInt(1), statement.columnInt(2)},
            statement.columnInt(3));
    }
    return result;
}

std::vector<PhotoRecord> LibraryStore::allPhotos() {
    std::lock_guard lock(impl_->mutex);
    std::vector<PhotoRecord> result;
    std::unordered_map<PhotoId, std::size_t> rowOf;
    SqliteStatement photos(impl_->db,
                           "SELECT id, content_hash, media_type, width, height, "
                           "taken_at FROM photos ORDER BY id");
    while (photos.step()) {
        PhotoRecord record;
        record.id = photos.columnInt(0);
        record.contentHash = photos.columnText(1);
        record.mediaType = photos.columnText(2);
        record.width = static_cast<int>(photos.columnInt(3));
        record.height = static_cast<int>(photos.columnInt(4));
        record.takenAt = photos.columnOptionalText(5);
        rowOf[record.id] = result.size();
        result.push_back(std::move(record));
    }
    SqliteStatement files(impl_->db,
                          "SELECT photo_id, path, size, mtime_ns FROM files ORDER BY path");
    while (files.step()) {
        const auto found = rowOf.find(files.columnInt(0));
        if (found != rowOf.end()) {
            result[found->second].files.push_back(
                {files.columnText(1), files.columnInt(2), files.columnInt(3)});
        }
    }
    return result;
}

std::int64_t LibraryStore::photoCount() {
    std::lock_guard lock(impl_->mutex);
    SqliteStatement statement(impl_->db, "SELECT count(*) FROM photos");
    statement.step();
    return statement.columnInt(0);
}

std::int64_t LibraryStore::fileCount() {
    std::lock_guard lock(impl_->mutex);
    SqliteStatement statement(impl_->db, "SELECT count(*) FROM files");
    statement.step();
    return statement.columnInt(0);
}

PhotoId LibraryStore::recordFile(const PhotoFile& file, const PhotoFacts& facts) {
    const FileRecord record{file, facts};
    return recordFiles(std::span(&record, 1)).front();
}

std::vector<PhotoId> LibraryStore::recordFiles(std::span<const FileRecord> records) {
    std::vector<PhotoId> ids;
    if (records.empty()) {
        return ids;
    }
    ids.reserve(records.size());
    std::lock_guard lock(impl_->mutex);
    SqliteTransaction transaction(impl_->db);
    SqliteStatement findPhoto(impl_->db, "SELECT id FROM photos WHERE content_hash = :hash");
    SqliteStatement insertPhoto(impl_->db,
                                "INSERT INTO photos(content_hash, media_type, width, height, "
                                "taken_at) VALUES (:hash, :type, :width, :height, :taken)");
    SqliteStatement findFile(impl_->db, "SELECT photo_id FROM files WHERE path = :path");
    SqliteStatement upsertFile(
        impl_->db,
        "INSERT INTO files(path, photo_id, size, mtime_ns) "
        "VALUES (:path, :photo, :size, :mtime) ON CONFLICT(path) DO UPDATE SET "
        "photo_id = excluded.photo_id, size = excluded.size, "
        "mtime_ns = excluded.mtime_ns");
    SqliteStatement clearFailure(impl_->db, "DELETE FROM failures WHERE path = :path");
    for (const auto& [file, facts] : records) {
        PhotoId photo = 0;
        findPhoto.bind(":hash", facts.contentHash);
        if (findPhoto.step()) {
            photo = findPhoto.columnInt(0);
        }
        findPhoto.reset();
        if (photo == 0) {
            insertPhoto.bind(":hash", facts.contentHash)
                .bind(":type", facts.mediaType)
                .bind(":width", facts.width)
                .bind(":height", facts.height)
                .bind(":taken", facts.takenAt)
                .run();
            photo = impl_->db.lastInsertRowId();
        }
        std::optional<PhotoId> previous;
        findFile.bind(":path", file.path);
        if (findFile.step()) {
            previous = findFile.columnInt(0);
        }
        findFile.reset();
        upsertFile.bind(":path", file.path)
            .bind(":photo", photo)
            .bind(":size", file.sizeBytes)
            .bind(":mtime", file.mtimeNs)
            .run();
        if (previous && *previous != photo) {
            impl_->deleteOrphan(*previous);
        }
        clearFailure.bind(":path", file.path).run();
        ids.push_back(photo);
    }
    transaction.commit();
    impl_->wrote();
    return ids;
}

void LibraryStore::removeFiles(const std::vector<std::string>& paths) {
    if (paths.empty()) {
        return;
    }
    std::lock_guard lock(impl_->mutex);
    SqliteTransaction transaction(impl_->db);
    SqliteStatement find(impl_->db, "SELECT photo_id FROM files WHERE path = :path");
    SqliteStatement remove(impl_->db, "DELETE FROM files WHERE path = :path");
    SqliteStatement unfail(impl_->db, "DELETE FROM failures WHERE path = :path");
    for (const auto& path : paths) {
        std::optional<PhotoId> photo;
        find.bind(":path", path);
        if (find.step()) {
            photo = find.columnInt(0);
        }
        find.reset();
        remove.bind(":path", path).run();
        unfail.bind(":path", path).run();
        if (photo) {
            impl_->deleteOrphan(*photo);
        }
    }
    transaction.commit();
    impl_->wrote();
}

std::size_t LibraryStore::forgetFolder(const std::string& folder) {
    std::lock_guard lock(impl_->mutex);
    std::vector<std::string> paths;
    for (const auto& [file, photo] : filesUnder(folder)) {
        paths.push_back(file.path);
    }
    SqliteTransaction transaction(impl_->db);
    removeFiles(paths);
    const std::string prefix = underPrefix(folder);
    SqliteStatement(impl_->db,
                    "DELETE FROM failures WHERE substr(path, 1, length(:prefix)) = "
                    ":prefix")
        .bind(":prefix", prefix)
        .run();
    SqliteStatement(impl_->db,
                    "DELETE FROM folders WHERE path = :path OR "
                    "substr(path, 1, length(:prefix)) = :prefix")
        .bind(":path", folderPath(folder).string())
        .bind(":prefix", prefix)
        .run();
    transaction.commit();
    impl_->wrote();
    return paths.size();
}

std::int64_t LibraryStore::modelId(const std::string& fingerprint, int dimension) {
    std::lock_guard lock(impl_->mutex);
    SqliteStatement find(impl_->db,
                         "SELECT id, dimension FROM models WHERE fingerprint = :fingerprint");
    find.bind(":fingerprint", fingerprint);
    if (find.step()) {
        if (find.columnInt(1) != dimension) {
            throw Error(impl_->path, "model " + fingerprint + " is recorded with dimension " +
                                         std::to_string(find.columnInt(1)) + ", not " +
                                         std::to_string(dimension));
        }
        return find.columnInt(0);
    }
    find.reset();
    SqliteStatement(impl_->db,
                    "INSERT OR IGNORE INTO models(fingerprint, dimension) "
                    "VALUES (:fingerprint, :dimension)")
        .bind(":fingerprint", fingerprint)
        .bind(":dimension", dimension)
        .run();
    impl_->wrote();
    find.bind(":fingerprint", fingerprint);
    find.step();
    return find.columnInt(0);
}

std::optional<std::int64_t> LibraryStore::findModel(const std::string& fingerprint) {
    std::lock_guard lock(impl_->mutex);
    SqliteStatement find(impl_->db, "SELECT id FROM models WHERE fingerprint = :fingerprint");
    find.bind(":fingerprint", fingerprint);
    if (!find.step()) {
        return std::nullopt;
    }
    return find.columnInt(0);
}

bool LibraryStore::adoptModel(const std::string& fingerprint,
                              const std::vector<std::string>& formers) {
    if (formers.empty()) {
        return false;
    }
    std::lock_guard lock(impl_->mutex);
    // Read-only first: opening a library that needs no rename takes no write lock.
    if (findModel(fingerprint)) {
        return false;
    }
    SqliteTransaction transaction(impl_->db);
    if (findModel(fingerprint)) {
        return false;  // another process adopted it meanwhile
    }
    for (const auto& former : formers) {
        const auto id = findModel(former);
        if (!id) {
            continue;
        }
        SqliteStatement(impl_->db, "UPDATE models SET fingerprint = :fingerprint WHERE id = :id")
            .bind(":fingerprint", fingerprint)
            .bind(":id", *id)
            .run();
        transaction.commit();
        impl_->wrote();
        return true;
    }
    return false;
}

std::vector<LibraryStore::ModelSummary> LibraryStore::models() {
    std::lock_guard lock(impl_->mutex);
    SqliteStatement all(
        impl_->db,
        "SELECT m.id, m.fingerprint, m.dimension, "
        "(SELECT count(*) FROM vectors v WHERE v.model_id = m.id AND v.instruction = ''), "
        "(SELECT count(*) FROM vectors v WHERE v.model_id = m.id AND v.instruction <> '') "
        "FROM models m ORDER BY m.id");
    std::vector<ModelSummary> result;
    while (all.step()) {
        result.push_back({all.columnInt(0), all.columnText(1), static_cast<int>(all.columnInt(2)),
                          all.columnInt(3), all.columnInt(4)});
    }
    return result;
}

std::vector<LibraryStore::VectorSetUsage> LibraryStore::vectorSets() {
    std::lock_guard lock(impl_->mutex);
    SqliteStatement all(impl_->db,
                        "SELECT m.id, m.fingerprint, m.dimension, "
                        "coalesce(sum(v.instruction = ''), 0), "
                        "coalesce(sum(v.instruction <> ''), 0), "
                        "coalesce(sum(length(v.vector)), 0) "
                        "FROM models m LEFT JOIN vectors v ON v.model_id = m.id "
                        "GROUP BY m.id ORDER BY m.id");
    std::vector<VectorSetUsage> plain;
    struct Instructed {
        std::string plain;
        std::int64_t vectors;
        std::int64_t bytes;
    };
    std::vector<Instructed> instructed;
    while (all.step()) {
        const std::string fingerprint = all.columnText(1);
        if (auto parts = parseInstructionFingerprint(fingerprint)) {
            instructed.push_back({parts->plain, all.columnInt(4), all.columnInt(5)});
            continue;
        }
        // Rows of a plain set hold only plain vectors; instruction rows only instructed ones.
        plain.push_back({all.columnInt(0), fingerprint, static_cast<int>(all.columnInt(2)),
                         all.columnInt(3), all.columnInt(4), all.columnInt(5)});
    }
    for (const Instructed& row : instructed) {
        const auto owner = std::find_if(plain.begin(), plain.end(), [&](const VectorSetUsage& set) {
            return set.fingerprint == row.plain;
        });
        if (owner != plain.end()) {
            owner->instructedVectors += row.vectors;
            owner->bytes += row.bytes;
        }
    }
    return plain;
}

LibraryStore::VectorSetRemoval LibraryStore::removeVectorSet(const std::string& plainFingerprint) {
    std::lock_guard lock(impl_->mutex);
    if (parseInstructionFingerprint(plainFingerprint)) {
        throw Error(impl_->path, "vector set " + plainFingerprint +
                                     " is an instruction set; remove the plain set it belongs to");
    }
    SqliteTransaction transaction(impl_->db);
    std::vector<std::pair<std::int64_t, std::string>> rows;
    SqliteStatement find(impl_->db, "SELECT id, fingerprint FROM models");
    while (find.step()) {
        const std::string fingerprint = find.columnText(1);
        const auto parts = parseInstructionFingerprint(fingerprint);
        if (fingerprint == plainFingerprint || (parts && parts->plain == plainFingerprint)) {
            rows.emplace_back(find.columnInt(0), fingerprint);
        }
    }
    if (std::none_of(rows.begin(), rows.end(),
                     [&](const auto& row) { return row.second == plainFingerprint; })) {
        throw Error(impl_->path, "the library holds no vector set " + plainFingerprint);
    }
    VectorSetRemoval removed;
    for (const auto& [id, fingerprint] : rows) {
        SqliteStatement count(impl_->db, "SELECT count(*) FROM vectors WHERE model_id = :model");
        count.bind(":model", id);
        count.step();
        removed.vectors += count.columnInt(0);
        // Vectors and the tag runs made with them go with the row (ON DELETE CASCADE).
        SqliteStatement(impl_->db, "DELETE FROM models WHERE id = :model").bind(":model", id).run();
        SqliteStatement(impl_->db, "DELETE FROM query_vectors WHERE fingerprint = :fingerprint")
            .bind(":fingerprint", fingerprint)
            .run();
        ++removed.sets;
    }
    transaction.commit();
    impl_->wrote();
    return removed;
}

void LibraryStore::putVectors(std::int64_t model, const std::string& instruction,
                              const std::vector<VectorRow>& rows) {
    if (rows.empty()) {
        return;  // no write lock taken, and dataVersion() does not move
    }
    std::lock_guard lock(impl_->mutex);
    SqliteTransaction transaction(impl_->db);
    SqliteStatement insert(
        impl_->db,
        "INSERT OR REPLACE INTO vectors(photo_id, model_id, instruction, vector) "
        "VALUES (:photo, :model, :instruction, :vector)");
    for (const auto& row : rows) {
        const auto bytes = encodeVector(row.vector);
        insert.bind(":photo", row.photo)
            .bind(":model", model)
            .bind(":instruction", instruction)
            .bindBlob(":vector", bytes)
            .run();
    }
    transaction.commit();
    impl_->wrote();
}

std::optional<std::vector<float>> LibraryStore::vector(PhotoId photo, std::int64_t model,
                                                       const std::string& instruction) {
    std::lock_guard lock(impl_->mutex);
    SqliteStatement find(impl_->db,
                         "SELECT vector FROM vectors WHERE photo_id = :photo AND "
                         "model_id = :model AND instruction = :instruction");
    find.bind(":photo", photo).bind(":model", model).bind(":instruction", instruction);
    if (!find.step()) {
        return std::nullopt;
    }
    const auto blob = find.columnBlob(0);
    return decodeVector(blob.data(), blob.size());
}

std::optional<std::vector<float>> LibraryStore::cachedQueryVector(const std::string& fingerprint,
                                                                  const std::string& query) {
    std::lock_guard lock(impl_->mutex);
    SqliteStatement find(impl_->db,
                         "SELECT vector FROM query_vectors WHERE fingerprint = :fingerprint AND "
                         "query = :query");
    find.bind(":fingerprint", fingerprint).bind(":query", query);
    if (!find.step()) {
        return std::nullopt;
    }
    const auto blob = find.columnBlob(0);
    return decodeVector(blob.data(), blob.size());
}

void LibraryStore::cacheQueryVector(const std::string& fingerprint, const std::string& query,
                                    const std::vector<float>& vector) {
    std::lock_guard lock(impl_->mutex);
    SqliteTransaction transaction(impl_->db);
    // Vectors of another model answer no query of this one.
    SqliteStatement(impl_->db, "DELETE FROM query_vectors WHERE fingerprint <> :fingerprint")
        .bind(":fingerprint", fingerprint)
        .run();
    // REPLACE gives the row a new id: a query asked again counts as the newest.
    const auto bytes = encodeVector(vector);
    SqliteStatement(impl_->db,
                    "INSERT OR REPLACE INTO query_vectors(fingerprint, query, vector) "
                    "VALUES (:fingerprint, :query, :vector)")
        .bind(":fingerprint", fingerprint)
        .bind(":query", query)
        .bindBlob(":vector", bytes)
        .run();
    SqliteStatement(impl_->db,
                    "DELETE FROM query_vectors WHERE id <= (SELECT id FROM query_vectors "
                    "ORDER BY id DESC LIMIT 1 OFFSET :keep)")
        .bind(":keep", static_cast<std::int64_t>(kCachedQueryVectors))
        .run();
    transaction.commit();
    // Not wrote(): no photo or vector changed, so searches need not look for changes.
}

std::int64_t LibraryStore::cachedQueryVectorCount() {
    std::lock_guard lock(impl_->mutex);
    SqliteStatement count(impl_->db, "SELECT COUNT(*) FROM query_vectors");
    count.step();
    return count.columnInt(0);
}

bool LibraryStore::hasVector(PhotoId photo, std::int64_t model, const std::string& instruction) {
    std::lock_guard lock(impl_->mutex);
    SqliteStatement find(impl_->db,
                         "SELECT 1 FROM vectors WHERE photo_id = :photo AND "
                         "model_id = :model AND instruction = :instruction");
    find.bind(":photo", photo).bind(":model", model).bind(":instruction", instruction);
    return find.step();
}

std::vector<PhotoId> LibraryStore::photosWithoutVector(std::int64_t model,
                                                       const std::string& instruction) {
    std::lock_guard lock(impl_->mutex);
    SqliteStatement find(impl_->db,
                         "SELECT id FROM photos p WHERE NOT EXISTS (SELECT 1 FROM vectors v "
                         "WHERE v.photo_id = p.id AND v.model_id = :model AND "
                         "v.instruction = :instruction) ORDER BY id");
    find.bind(":model", model).bind(":instruction", instruction);
    std::vector<PhotoId> result;
    while (find.step()) {
        result.push_back(find.columnInt(0));
    }
    return result;
}

std::int64_t LibraryStore::vectorCount(std::int64_t model, const std::string& instruction) {
    std::lock_guard lock(impl_->mutex);
    SqliteStatement count(impl_->db,
                          "SELECT count(*) FROM vectors WHERE model_id = :model AND "
                          "instruction = :instruction");
    count.bind(":model", model).bind(":instruction", instruction);
    count.step();
    return count.columnInt(0);
}

StoredVectors LibraryStore::loadVectors(std::int64_t model, const std::string& instruction,
                                        const LoadProgress& progress) {
    std::lock_guard lock(impl_->mutex);
    StoredVectors result;
    {
        SqliteStatement dimension(impl_->db, "SELECT dimension FROM models WHERE id = :model");
        dimension.bind(":model", model);
        if (!dimension.step()) {
            throw Error(impl_->path, "no model with id " + std::to_string(model));
        }
        result.dimension = static_cast<int>(dimension.columnInt(0));
    }
    const auto dimension = static_cast<std::size_t>(result.dimension);
    const std::size_t bytesPerRow = dimension * sizeof(float);
    // Sized once from a count: growing the block row by row copied it again and again. The
    // count is only a hint (another process may write meanwhile); the statement decides.
    const auto expected = static_cast<std::size_t>(vectorCount(model, instruction));
    std::size_t capacity = expected;
    result.ids.reserve(capacity);
    result.values.resize(capacity * dimension);
    SqliteStatement rows(impl_->db,
                         "SELECT photo_id, vector, id FROM vectors WHERE model_id = "
                         ":model AND instruction = :instruction ORDER BY photo_id");
    rows.bind(":model", model).bind(":instruction", instruction);
    std::size_t count = 0;
    while (rows.step()) {
        const auto blob = rows.columnBlob(1);
        if (blob.size() != bytesPerRow) {
            throw Error(impl_->path, "vector of photo " + std::to_string(rows.columnInt(0)) +
                                         " has " + std::to_string(blob.size()) +
                                         " bytes, expected " + std::to_string(bytesPerRow));
        }
        if (count == capacity) {
            capacity = std::max<std::size_t>(16, capacity * 2);
            result.values.resize(capacity * dimension);
        }
        result.ids.push_back(rows.columnInt(0));
        result.lastRow = std::max(result.lastRow, rows.columnInt(2));
        float* row = result.values.data() + count * dimension;
        if constexpr (std::endian::native == std::endian::little) {
            std::memcpy(row, blob.data(), bytesPerRow);
        } else {
            const auto decoded = decodeVector(blob.data(), blob.size());
            std::copy(decoded.begin(), decoded.end(), row);
        }
        ++count;
        if (progress && count % kLoadProgressRows == 0) {
            progress(count, std::max(count, expected));
        }
    }
    result.values.resize(count * dimension);
    if (progress) {
        progress(count, count);
    }
    return result;
}

StoredVectors LibraryStore::vectorsAfter(std::int64_t model, const std::string& instruction,
                                         std::int64_t afterRow, std::int64_t& lastRow) {
    std::lock_guard lock(impl_->mutex);
    StoredVectors result;
    lastRow = afterRow;
    SqliteStatement rows(impl_->db,
                         "SELECT v.id, v.photo_id, v.vector, m.dimension FROM vectors v "
                         "JOIN models m ON m.id = v.model_id WHERE v.model_id = :model "
                         "AND v.instruction = :instruction AND v.id > :after ORDER BY v.id");
    rows.bind(":model", model).bind(":instruction", instruction).bind(":after", afterRow);
    while (rows.step()) {
        result.dimension = static_cast<int>(rows.columnInt(3));
        const auto blob = rows.columnBlob(2);
        if (blob.size() != static_cast<std::size_t>(result.dimension) * sizeof(float)) {
            throw Error(impl_->path, "vector of photo " + std::to_string(rows.columnInt(1)) +
                                         " has the wrong size");
        }
        lastRow = rows.columnInt(0);
        result.ids.push_back(rows.columnInt(1));
        const auto decoded = decodeVector(blob.data(), blob.size());
        result.values.insert(result.values.end(), decoded.begin(), decoded.end());
    }
    return result;
}

std::vector<PhotoId> LibraryStore::vectorPhotoIds(std::int64_t model,
                                                  const std::string& instruction) {
    std::lock_guard lock(impl_->mutex);
    SqliteStatement rows(impl_->db,
                         "SELECT photo_id FROM vectors WHERE model_id = :model AND "
                         "instruction = :instruction ORDER BY photo_id");
    rows.bind(":model", model).bind(":instruction", instruction);
    std::vector<PhotoId> result;
    while (rows.step()) {
        result.push_back(rows.columnInt(0));
    }
    return result;
}

void LibraryStore::recordFailure(const PhotoFile& file, const std::string& reason) {
    std::lock_guard lock(impl_->mutex);
    SqliteStatement(impl_->db,
                    "INSERT OR REPLACE INTO failures(path, size, mtime_ns, reason) "
                    "VALUES (:path, :size, :mtime, :reason)")
        .bind(":path", file.path)
        .bind(":size", file.sizeBytes)
        .bind(":mtime", file.mtimeNs)
        .bind(":reason", reason)
        .run();
    impl_->wrote();
}

void LibraryStore::clearFailure(const std::string& path) {
    std::lock_guard lock(impl_->mutex);
    SqliteStatement(impl_->db, "DELETE FROM failures WHERE path = :path").bind(":path", path).run();
    impl_->wrote();
}

std::optional<PhotoFile> LibraryStore::failedFile(const std::string& path) {
    std::lock_guard lock(impl_->mutex);
    SqliteStatement find(impl_->db, "SELECT size, mtime_ns FROM failures WHERE path = :path");
    find.bind(":path", path);
    if (!find.step()) {
        return std::nullopt;
    }
    return PhotoFile{path, find.columnInt(0), find.columnInt(1)};
}

std::vector<PhotoFile> LibraryStore::failedFilesUnder(const std::string& folder) {
    std::lock_guard lock(impl_->mutex);
    SqliteStatement statement(impl_->db,
                              "SELECT path, size, mtime_ns FROM failures "
                              "WHERE substr(path, 1, length(:prefix)) = :prefix ORDER BY path");
    statement.bind(":prefix", underPrefix(folder));
    std::vector<PhotoFile> result;
    while (statement.step()) {
        result.push_back({statement.columnText(0), statement.columnInt(1), statement.columnInt(2)});
    }
    return result;
}

std::vector<IndexFailure> LibraryStore::failures() {
    std::lock_guard lock(impl_->mutex);
    SqliteStatement all(impl_->db, "SELECT path, reason FROM failures ORDER BY path");
    std::vector<IndexFailure> result;
    while (all.step()) {
        result.push_back({all.columnText(0), all.columnText(1)});
    }
    return result;
}

}  // namespace abc
