#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/library/photo_record.h"
#include "core/library/tag_set.h"

namespace abc {

class LibraryStore;

// One label given to one photo by a tag set, with the score that gave it.
struct PhotoTag {
    PhotoId photo = 0;
    std::string label;
    float score = 0.0f;
};

// A label of a set the detail pane shows for one photo.
struct PhotoLabel {
    std::string tagSet;
    std::string label;
    float score = 0.0f;
};

// Tag sets and their results in a library's SQLite file (tables tag_sets, tag_runs,
// photo_tags: LibraryStore's migration 4, see docs/tags.md). Results are kept per (set, plain
// model) with the set's hash (tagSetHash) they were computed for: a result whose hash is not
// the set's current one is never returned, so an edited set shows nothing until it is applied
// again, and another model's results are never mixed in. Photo rows are keyed by content, so
// tags survive re-indexing, moves and copies; a forgotten photo's tags go with it (cascade).
//
// Uses a connection of its own to the library file (WAL: the LibraryStore and other
// processes write alongside). Thread-safety: calls are serialised by an internal mutex.
class TagStore {
  public:
    // `library` must be open (it ran the migrations); the built-in sets that the library
    // does not have yet (by name) are added.
    explicit TagStore(LibraryStore& library);
    ~TagStore();
    TagStore(const TagStore&) = delete;
    TagStore& operator=(const TagStore&) = delete;

    // Adds a set or replaces the set of that name (validateTagSet first).
    void putSet(const TagSet& set);
    // False when no set has that name. Its results go with it.
    bool removeSet(const std::string& name);
    std::optional<TagSet> set(const std::string& name);
    std::vector<TagSet> sets();  // sorted by name

    // The results of one application of `set` for plain model `model`: replaces every earlier
    // result of (set, model), in one transaction. `scored` is the number of photos scored
    // (photos that got no label count too).
    void putResults(const TagSet& set, std::int64_t model, std::int64_t scored,
                    const std::vector<PhotoTag>& tags);

    struct RunState {
        bool current = false;     // computed for the set's present text
        std::int64_t scored = 0;  // photos scored by that run
    };
    struct Run {
        std::int64_t model = 0;
        std::string fingerprint;  // the plain model's
        bool current = false;
        std::int64_t scored = 0;
    };
    // Every model the set was applied for, the most recent application last: lets a command
    // show results without loading a model to learn its fingerprint.
    std::vector<Run> runs(const std::string& setName);
    // Nothing when the set was never applied for the model.
    std::optional<RunState> runState(const std::string& setName, std::int64_t model);

    // Current results only (see the class comment), by photo then score, best first.
    std::vector<PhotoTag> tags(const std::string& setName, std::int64_t model);
    // How many photos have each label of the set (labels without photos included, as 0).
    std::map<std::string, std::int64_t> labelCounts(const std::string& setName, std::int64_t model);
    std::vector<PhotoId> photosWithLabel(const std::string& setName, std::int64_t model,
                                         const std::string& label);
    // Every current label of one photo, over all sets, by set then score.
    std::vector<PhotoLabel> labelsOf(PhotoId photo, std::int64_t model);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace abc
