#include "core/library/tag_store.h"

#include <mutex>

#include "core/io/error.h"
#include "core/library/library_store.h"
#include "core/library/sqlite_database.h"

namespace abc {

namespace {

std::string joinLabels(const std::vector<std::string>& labels) {
    std::string text;
    for (const auto& label : labels) {
        text += label + "\n";
    }
    return text;
}

std::vector<std::string> splitLabels(const std::string& text) {
    std::vector<std::string> labels;
    std::size_t start = 0;
    while (start < text.size()) {
        const auto end = text.find('\n', start);
        labels.push_back(text.substr(start, end - start));
        if (end == std::string::npos) {
            break;
        }
        start = end + 1;
    }
    return labels;
}

// The rows of current results: a run whose hash is the set's present one.
constexpr const char* kCurrentRun =
    "JOIN tag_runs r ON r.tag_set = t.tag_set AND r.model_id = t.model_id "
    "JOIN tag_sets s ON s.name = r.tag_set AND s.set_hash = r.set_hash ";

}  // namespace

struct TagStore::Impl {
    SqliteDatabase db;
    std::mutex mutex;

    explicit Impl(const std::string& path) : db(path) {}

    TagSet readSet(SqliteStatement& row) {
        TagSet set;
        set.name = row.columnText(0);
        set.labels = splitLabels(row.columnText(1));
        set.instruction = row.columnText(2);
        if (row.isNull(3)) {
            set.rule = TagSet::Rule::TopK;
            set.topK = static_cast<std::size_t>(row.columnInt(4));
        } else {
            set.rule = TagSet::Rule::Threshold;
            set.threshold = static_cast<float>(row.columnDouble(3));
        }
        return set;
    }

    void write(const TagSet& set, bool replace) {
        SqliteStatement insert(
            db, std::string(replace ? "INSERT OR REPLACE" : "INSERT OR IGNORE") +
                    " INTO tag_sets(name, labels, instruction, threshold, top_k, set_hash) "
                    "VALUES (:name, :labels, :instruction, :threshold, :top_k, :hash)");
        insert.bind(":name", set.name)
            .bind(":labels", joinLabels(set.labels))
            .bind(":instruction", set.instruction)
            .bind(":hash", tagSetHash(set));
        if (set.rule == TagSet::Rule::Threshold) {
            insert.bind(":threshold", static_cast<double>(set.threshold)).bindNull(":top_k");
        } else {
            insert.bindNull(":threshold").bind(":top_k", static_cast<std::int64_t>(set.topK));
        }
        insert.run();
    }
};

TagStore::TagStore(LibraryStore& library) : impl_(std::make_unique<Impl>(library.path())) {
    if (impl_->db.userVersion() < 4) {
        throw Error(library.path(), "this library has no tag tables (schema " +
                                        std::to_string(impl_->db.userVersion()) + ")");
    }
    // Read first: opening a library that has every built-in set takes no write lock.
    std::vector<TagSet> missing;
    for (const auto& set : builtInTagSets()) {
        SqliteStatement find(impl_->db, "SELECT 1 FROM tag_sets WHERE name = :name");
        if (!find.bind(":name", set.name).step()) {
            missing.push_back(set);
        }
    }
    if (!missing.empty()) {
        SqliteTransaction transaction(impl_->db);
        for (const auto& set : missing) {
            impl_->write(set, false);
        }
        transaction.commit();
    }
}

TagStore::~TagStore() = default;

void TagStore::putSet(const TagSet& set) {
    validateTagSet(set);
    std::lock_guard lock(impl_->mutex);
    // REPLACE would delete the row and cascade to the runs: update in place instead, so the
    // results stay (and stay hidden while their hash is not the set's).
    SqliteTransaction transaction(impl_->db);
    SqliteStatement exists(impl_->db, "SELECT 1 FROM tag_sets WHERE name = :name");
    const bool known = exists.bind(":name", set.name).step();
    if (known) {
        SqliteStatement update(impl_->db,
                               "UPDATE tag_sets SET labels = :labels, instruction = :instruction, "
                               "threshold = :threshold, top_k = :top_k, set_hash = :hash "
                               "WHERE name = :name");
        update.bind(":name", set.name)
            .bind(":labels", joinLabels(set.labels))
            .bind(":instruction", set.instruction)
            .bind(":hash", tagSetHash(set));
        if (set.rule == TagSet::Rule::Threshold) {
            update.bind(":threshold", static_cast<double>(set.threshold)).bindNull(":top_k");
        } else {
            update.bindNull(":threshold").bind(":top_k", static_cast<std::int64_t>(set.topK));
        }
        update.run();
    } else {
        impl_->write(set, true);
    }
    transaction.commit();
}

bool TagStore::removeSet(const std::string& name) {
    std::lock_guard lock(impl_->mutex);
    SqliteStatement(impl_->db, "DELETE FROM tag_sets WHERE name = :name").bind(":name", name).run();
    return impl_->db.changes() > 0;
}

std::optional<TagSet> TagStore::set(const std::string& name) {
    std::lock_guard lock(impl_->mutex);
    SqliteStatement row(impl_->db,
                        "SELECT name, labels, instruction, threshold, top_k FROM tag_sets "
                        "WHERE name = :name");
    if (!row.bind(":name", name).step()) {
        return std::nullopt;
    }
    return impl_->readSet(row);
}

std::vector<TagSet> TagStore::sets() {
    std::lock_guard lock(impl_->mutex);
    SqliteStatement rows(impl_->db,
                         "SELECT name, labels, instruction, threshold, top_k FROM tag_sets "
                         "ORDER BY name");
    std::vector<TagSet> result;
    while (rows.step()) {
        result.push_back(impl_->readSet(rows));
    }
    return result;
}

void TagStore::putResults(const TagSet& set, std::int64_t model, std::int64_t scored,
                          const std::vector<PhotoTag>& tags) {
    std::lock_guard lock(impl_->mutex);
    SqliteTransaction transaction(impl_->db);
    SqliteStatement known(impl_->db, "SELECT set_hash FROM tag_sets WHERE name = :name");
    if (!known.bind(":name", set.name).step()) {
        throw Error("tag set " + set.name, "is not in the library");
    }
    SqliteStatement(impl_->db, "DELETE FROM tag_runs WHERE tag_set = :name AND model_id = :model")
        .bind(":name", set.name)
        .bind(":model", model)
        .run();
    SqliteStatement(impl_->db,
                    "INSERT INTO tag_runs(tag_set, model_id, set_hash, scored) "
                    "VALUES (:name, :model, :hash, :scored)")
        .bind(":name", set.name)
        .bind(":model", model)
        .bind(":hash", tagSetHash(set))
        .bind(":scored", scored)
        .run();
    SqliteStatement insert(impl_->db,
                           "INSERT INTO photo_tags(tag_set, model_id, photo_id, label, score) "
                           "VALUES (:name, :model, :photo, :label, :score)");
    for (const auto& tag : tags) {
        insert.bind(":name", set.name)
            .bind(":model", model)
            .bind(":photo", tag.photo)
            .bind(":label", tag.label)
            .bind(":score", static_cast<double>(tag.score))
            .run();
    }
    transaction.commit();
}

std::vector<TagStore::Run> TagStore::runs(const std::string& setName) {
    std::lock_guard lock(impl_->mutex);
    // putResults deletes and inserts the run, so rowid order is the order of application.
    SqliteStatement rows(impl_->db,
                         "SELECT r.model_id, m.fingerprint, r.set_hash = s.set_hash, r.scored "
                         "FROM tag_runs r JOIN tag_sets s ON s.name = r.tag_set "
                         "JOIN models m ON m.id = r.model_id "
                         "WHERE r.tag_set = :name ORDER BY r.rowid");
    rows.bind(":name", setName);
    std::vector<Run> result;
    while (rows.step()) {
        result.push_back(
            {rows.columnInt(0), rows.columnText(1), rows.columnInt(2) != 0, rows.columnInt(3)});
    }
    return result;
}

std::optional<TagStore::RunState> TagStore::runState(const std::string& setName,
                                                     std::int64_t model) {
    std::lock_guard lock(impl_->mutex);
    SqliteStatement row(impl_->db,
                        "SELECT r.set_hash = s.set_hash, r.scored FROM tag_runs r "
                        "JOIN tag_sets s ON s.name = r.tag_set "
                        "WHERE r.tag_set = :name AND r.model_id = :model");
    if (!row.bind(":name", setName).bind(":model", model).step()) {
        return std::nullopt;
    }
    return RunState{row.columnInt(0) != 0, row.columnInt(1)};
}

std::vector<PhotoTag> TagStore::tags(const std::string& setName, std::int64_t model) {
    std::lock_guard lock(impl_->mutex);
    SqliteStatement rows(impl_->db, std::string("SELECT t.photo_id, t.label, t.score FROM "
                                                "photo_tags t ") +
                                        kCurrentRun +
                                        "WHERE t.tag_set = :name AND t.model_id = :model "
                                        "ORDER BY t.photo_id, t.score DESC, t.label");
    rows.bind(":name", setName).bind(":model", model);
    std::vector<PhotoTag> result;
    while (rows.step()) {
        result.push_back(
            {rows.columnInt(0), rows.columnText(1), static_cast<float>(rows.columnDouble(2))});
    }
    return result;
}

std::map<std::string, std::int64_t> TagStore::labelCounts(const std::string& setName,
                                                          std::int64_t model) {
    std::map<std::string, std::int64_t> counts;
    const auto stored = set(setName);
    if (!stored) {
        throw Error("tag set " + setName, "is not in the library");
    }
    for (const auto& label : stored->labels) {
        counts[label] = 0;
    }
    std::lock_guard lock(impl_->mutex);
    SqliteStatement rows(impl_->db, std::string("SELECT t.label, count(*) FROM photo_tags t ") +
                                        kCurrentRun +
                                        "WHERE t.tag_set = :name AND t.model_id = :model "
                                        "GROUP BY t.label");
    rows.bind(":name", setName).bind(":model", model);
    while (rows.step()) {
        counts[rows.columnText(0)] = rows.columnInt(1);
    }
    return counts;
}

std::vector<PhotoId> TagStore::photosWithLabel(const std::string& setName, std::int64_t model,
                                               const std::string& label) {
    std::lock_guard lock(impl_->mutex);
    SqliteStatement rows(impl_->db, std::string("SELECT t.photo_id FROM photo_tags t ") +
                                        kCurrentRun +
                                        "WHERE t.tag_set = :name AND t.model_id = :model "
                                        "AND t.label = :label ORDER BY t.photo_id");
    rows.bind(":name", setName).bind(":model", model).bind(":label", label);
    std::vector<PhotoId> result;
    while (rows.step()) {
        result.push_back(rows.columnInt(0));
    }
    return result;
}

std::vector<PhotoLabel> TagStore::labelsOf(PhotoId photo, std::int64_t model) {
    std::lock_guard lock(impl_->mutex);
    SqliteStatement rows(impl_->db, std::string("SELECT t.tag_set, t.label, t.score FROM "
                                                "photo_tags t ") +
                                        kCurrentRun +
                                        "WHERE t.photo_id = :photo AND t.model_id = :model "
                                        "ORDER BY t.tag_set, t.score DESC");
    rows.bind(":photo", photo).bind(":model", model);
    std::vector<PhotoLabel> result;
    while (rows.step()) {
        result.push_back(
            {rows.columnText(0), rows.columnText(1), static_cast<float>(rows.columnDouble(2))});
    }
    return result;
}

}  // namespace abc
