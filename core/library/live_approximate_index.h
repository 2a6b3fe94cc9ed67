#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "core/library/approximate_index.h"
#include "core/library/embedding_matrix.h"

namespace abc {

// When a PhotoSearch answers from an ApproximateIndex instead of scanning every vector.
struct PhotoSearchOptions {
    // From this many vectors on, an approximate index is built on a background thread and
    // answers once ready (exact scans until then); 0: never. At 200k x 3584 an exact int8
    // scan reads 0.7 GB per query (~140 ms on the 2-core VM), the index a few MB.
    std::size_t approximateIndexRows = 200000;
    // Rebuilt in the background once this share of its rows was deleted or rewritten.
    double rebuildFraction = 0.10;
    ApproximateIndex::Options index;
};

// How the last ranking was answered.
struct SearchStats {
    bool approximate = false;    // by the approximate index (plus any rows not yet in it)
    bool fellBack = false;       // the index was asked, too few of its candidates passed the
                                 // filter, and the exact scan answered
    std::size_t candidates = 0;  // rows the index proposed
};

// The approximate index's state, for tests, status lines and logs.
struct ApproximateIndexStatus {
    enum class State {
        Off,       // approximateIndexRows = 0
        Exact,     // fewer vectors than the threshold: exact scans
        Building,  // first build running: exact scans meanwhile
        Ready,     // answering (possibly while a rebuild runs)
        Failed,    // the build threw: exact scans; `error` says why
    };
    State state = State::Off;
    std::size_t threshold = 0;
    std::size_t vectors = 0;      // rows in the matrix
    std::size_t indexedRows = 0;  // rows in the graph, stale ones included
    std::size_t staleRows = 0;    // of those, deleted or rewritten since: skipped
    std::size_t pendingRows = 0;  // appended since the build: scanned exactly until added
    bool rebuilding = false;
    std::size_t builds = 0;         // completed builds
    double lastBuildSeconds = 0.0;  // wall time of the last completed build
    std::string error;
    std::string describe() const;  // one line, e.g. "approximate index: ready, 250000 rows, ..."
};

// Copies the rows of those `wanted` photos the matrix holds into `found` / `values`.
void copyMatrixRows(const EmbeddingMatrix& matrix, std::span<const PhotoId> wanted,
                    std::vector<PhotoId>& found, std::vector<float>& values);

// The life cycle of the approximate index over an EmbeddingMatrix that changes: built once the
// matrix reaches the threshold, extended with appended rows and rebuilt once too many of its
// rows went stale, all on a thread of its own, so a search never waits for more than a block
// of rows being copied. The owner tells it of every change to the matrix (noteUpsert,
// noteRemove, then scheduleWork).
//
// Thread-safety: the owner's `mutex` guards the matrix and this object alike; every method
// is called with it held. The worker takes it only to copy rows and to swap results in.
// The destructor stops and joins the worker.
class LiveApproximateIndex {
  public:
    LiveApproximateIndex(const EmbeddingMatrix& matrix, std::recursive_mutex& mutex,
                         const PhotoSearchOptions& options);
    ~LiveApproximateIndex();
    LiveApproximateIndex(const LiveApproximateIndex&) = delete;
    LiveApproximateIndex& operator=(const LiveApproximateIndex&) = delete;

    void noteUpsert(PhotoId id);
    void noteRemove(PhotoId id);
    // Decides what the worker should do after the matrix changed.
    void scheduleWork();

    // Neither an index nor a build: the matrix may be replaced whole without notes.
    bool idle() const { return !index_ && !building_; }
    // Whether searches should ask answer() first.
    bool answers() const { return index_ != nullptr; }
    // The index's answer, or nothing when fewer than k candidates pass `keep`. Rows not in the
    // index yet are scored exactly.
    std::optional<std::vector<ScoredPhoto>> answer(std::span<const float> query, std::size_t k,
                                                   const std::function<bool(PhotoId)>& keep,
                                                   bool filtered, SearchStats& stats) const;

    ApproximateIndexStatus status() const;
    // Waits, releasing `lock` meanwhile, until the index is ready with no build or addition in
    // progress; false on timeout or when no index is coming.
    bool waitUntilSettled(std::unique_lock<std::recursive_mutex>& lock,
                          std::chrono::milliseconds timeout);

  private:
    void drop();
    void work(std::stop_token stop);
    void runBuild(std::unique_lock<std::recursive_mutex>& lock, const std::stop_token& stop);
    std::unique_ptr<ApproximateIndex> build(std::unique_lock<std::recursive_mutex>& lock,
                                            const std::stop_token& stop,
                                            std::vector<PhotoId>& added);
    void swapIn(std::unique_ptr<ApproximateIndex> built, const std::vector<PhotoId>& added);
    void addPendingChunk();
    // Copies rows under the lock, for the worker (which does not hold it).
    void fetchRows(std::span<const PhotoId> wanted, std::vector<PhotoId>& found,
                   std::vector<float>& values);
    bool settled() const;
    bool noneComing() const;

    const EmbeddingMatrix& matrix_;
    std::recursive_mutex& mutex_;
    const PhotoSearchOptions options_;
    // Answering index, null until the first build. It re-ranks on the matrix by photo id, so
    // deleted photos drop out of its answers by themselves.
    std::unique_ptr<ApproximateIndex> index_;
    // While `index_` is set, every matrix row is in exactly one of these: `indexed_` (the
    // index holds its current vector) or `pending_` (appended or rewritten since: scanned
    // exactly with each query until the worker adds it).
    std::unordered_set<PhotoId> indexed_;
    std::unordered_set<PhotoId> pending_;
    std::size_t staleRows_ = 0;  // index rows whose photo was deleted or rewritten since
    bool buildWanted_ = false;
    bool building_ = false;
    std::unordered_set<PhotoId> touchedDuringBuild_;  // rows the running build may hold stale
    std::string buildError_;
    std::size_t builds_ = 0;
    double lastBuildSeconds_ = 0.0;
    std::condition_variable_any changed_;  // work for the worker, or work done
    // Last member: stopped and joined before the state it uses is destroyed.
    std::jthread worker_;
};

}  // namespace abc
