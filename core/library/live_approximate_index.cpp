#include "core/library/live_approximate_index.h"

#include <algorithm>
#include <sstream>

#include "core/library/vector_math.h"

namespace abc {

namespace {

// ApproximateIndex::Options::trainingRows = 0 means this many.
constexpr std::size_t kDefaultTrainingRows = 20000;
// Rows copied per lock while building: 1024 x 3584 floats are 14 MB, a few ms of copying, so a
// search waits at most that long for the builder.
constexpr std::size_t kBuildBlockRows = 1024;
// Appended rows added to a live index per lock: ~0.3 ms each (projection + graph links).
constexpr std::size_t kAddChunkRows = 64;
// A filtered search asks the index for this many candidates at least (40 per result above).
constexpr std::size_t kFilteredCandidates = 4096;

}  // namespace

std::string ApproximateIndexStatus::describe() const {
    std::ostringstream out;
    switch (state) {
        case State::Off:
            out << "exact search (approximate index off)";
            break;
        case State::Exact:
            out << "exact search (" << vectors << " vectors; approximate index from " << threshold
                << ")";
            break;
        case State::Building:
            out << "exact search while the approximate index is built (" << vectors << " vectors)";
            break;
        case State::Ready:
            out << "approximate index: " << indexedRows << " rows, " << pendingRows << " pending, "
                << staleRows << " stale";
            if (builds > 0) {
                out << "; built in " << static_cast<long long>(lastBuildSeconds * 10 + 0.5) / 10.0
                    << " s";
            }
            if (rebuilding) {
                out << "; rebuilding";
            }
            break;
        case State::Failed:
            out << "exact search (the approximate index could not be built: " << error << ")";
            break;
    }
    return out.str();
}

void copyMatrixRows(const EmbeddingMatrix& matrix, std::span<const PhotoId> wanted,
                    std::vector<PhotoId>& found, std::vector<float>& values) {
    const auto dimension = static_cast<std::size_t>(matrix.dimension());
    found.clear();
    values.clear();
    found.reserve(wanted.size());
    values.reserve(wanted.size() * dimension);
    for (const PhotoId id : wanted) {
        const auto row = matrix.indexOf(id);
        if (row >= 0) {
            const auto vector = matrix.row(static_cast<std::size_t>(row));
            found.push_back(id);
            values.insert(values.end(), vector.begin(), vector.end());
        }
    }
}

LiveApproximateIndex::LiveApproximateIndex(const EmbeddingMatrix& matrix,
                                           std::recursive_mutex& mutex,
                                           const PhotoSearchOptions& options)
    : matrix_(matrix), mutex_(mutex), options_(options) {}

LiveApproximateIndex::~LiveApproximateIndex() = default;

void LiveApproximateIndex::noteUpsert(PhotoId id) {
    if (building_) {
        touchedDuringBuild_.insert(id);
    }
    if (index_) {
        if (indexed_.erase(id) > 0) {
            ++staleRows_;  // rewritten: the graph placed the old vector
        }
        pending_.insert(id);
    }
}

void LiveApproximateIndex::noteRemove(PhotoId id) {
    if (index_) {
        if (indexed_.erase(id) > 0) {
            ++staleRows_;
        } else {
            pending_.erase(id);
        }
    }
}

void LiveApproximateIndex::drop() {
    index_.reset();
    indexed_.clear();
    pending_.clear();
    staleRows_ = 0;
}

void LiveApproximateIndex::scheduleWork() {
    const std::size_t threshold = options_.approximateIndexRows;
    if (threshold == 0) {
        return;
    }
    const bool large = matrix_.size() >= threshold;
    // A failed build is not retried (the status says why); appends still reach a live index.
    if (buildError_.empty() && !building_) {
        if (index_ && static_cast<double>(staleRows_) >
                          options_.rebuildFraction * static_cast<double>(index_->size())) {
            if (large) {
                buildWanted_ = true;
            } else {
                drop();  // shrunk below the threshold: exact, like any small library
            }
        }
        if (!index_ && large) {
            buildWanted_ = true;
        }
    }
    if (buildWanted_ || (index_ && !pending_.empty())) {
        if (!worker_.joinable()) {
            worker_ = std::jthread([this](std::stop_token stop) { work(stop); });
        }
        changed_.notify_all();
    }
}

void LiveApproximateIndex::fetchRows(std::span<const PhotoId> wanted, std::vector<PhotoId>& found,
                                     std::vector<float>& values) {
    std::lock_guard lock(mutex_);
    copyMatrixRows(matrix_, wanted, found, values);
}

void LiveApproximateIndex::work(std::stop_token stop) {
    std::unique_lock lock(mutex_);
    while (true) {
        changed_.wait(lock, stop,
                      [&] { return buildWanted_ || (index_ && !building_ && !pending_.empty()); });
        if (stop.stop_requested()) {
            return;
        }
        if (buildWanted_) {
            buildWanted_ = false;
            runBuild(lock, stop);
        } else {
            // An exception must not leave this thread (std::terminate): a failed addition
            // (memory, FAISS) drops the index, and searches scan exactly again.
            try {
                addPendingChunk();
            } catch (const std::exception& error) {
                buildError_ = std::string("adding rows: ") + error.what();
                drop();
            }
        }
        changed_.notify_all();
        // Let waiting searches in between two chunks.
        lock.unlock();
        std::this_thread::yield();
        lock.lock();
    }
}

// Called and returns with `lock` held; holds it only to copy rows and to swap the result in.
void LiveApproximateIndex::runBuild(std::unique_lock<std::recursive_mutex>& lock,
                                    const std::stop_token& stop) {
    building_ = true;
    touchedDuringBuild_.clear();
    const auto started = std::chrono::steady_clock::now();
    try {
        std::vector<PhotoId> added;
        auto built = build(lock, stop, added);
        if (built) {
            swapIn(std::move(built), added);
            lastBuildSeconds_ =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        }
    } catch (const std::exception& error) {
        if (!lock.owns_lock()) {
            lock.lock();
        }
        // Not retried: searches are exact and the status says why. A failed rebuild drops the
        // old index too, which would otherwise answer with ever more stale rows.
        buildError_ = error.what();
        drop();
    }
    building_ = false;
    touchedDuringBuild_.clear();
}

std::unique_ptr<ApproximateIndex> LiveApproximateIndex::build(
    std::unique_lock<std::recursive_mutex>& lock, const std::stop_token& stop,
    std::vector<PhotoId>& added) {
    const std::vector<PhotoId> ids = matrix_.ids();
    const int dimension = matrix_.dimension();
    if (ids.empty()) {
        return nullptr;
    }
    std::size_t training =
        options_.index.trainingRows > 0 ? options_.index.trainingRows : kDefaultTrainingRows;
    training = std::min(training, ids.size());
    // An evenly spread sample: ids follow indexing order.
    std::vector<PhotoId> sampleIds(training);
    for (std::size_t i = 0; i < training; ++i) {
        sampleIds[i] = ids[i * ids.size() / training];
    }
    lock.unlock();
    std::vector<float> sample;
    std::vector<PhotoId> found;
    std::vector<float> values;
    for (std::size_t first = 0; first < training; first += kBuildBlockRows) {
        if (stop.stop_requested()) {
            lock.lock();
            return nullptr;
        }
        const std::size_t count = std::min(kBuildBlockRows, training - first);
        fetchRows(std::span<const PhotoId>(sampleIds).subspan(first, count), found, values);
        sample.insert(sample.end(), values.begin(), values.end());
    }
    if (sample.empty()) {
        lock.lock();
        return nullptr;
    }
    auto built = std::make_unique<ApproximateIndex>();
    built->train(sample, dimension, options_.index);
    std::vector<float>().swap(sample);
    built->rerankOn(&matrix_);
    for (std::size_t first = 0; first < ids.size(); first += kBuildBlockRows) {
        if (stop.stop_requested()) {
            lock.lock();
            return nullptr;
        }
        const std::size_t count = std::min(kBuildBlockRows, ids.size() - first);
        fetchRows(std::span<const PhotoId>(ids).subspan(first, count), found, values);
        built->add(found, values);
        added.insert(added.end(), found.begin(), found.end());
    }
    lock.lock();
    return built;
}

// Rows changed while building are not trusted: they go to `pending_` like later appends.
void LiveApproximateIndex::swapIn(std::unique_ptr<ApproximateIndex> built,
                                  const std::vector<PhotoId>& added) {
    std::unordered_set<PhotoId> current;
    current.reserve(added.size());
    for (const PhotoId id : added) {
        if (matrix_.indexOf(id) >= 0 && !touchedDuringBuild_.contains(id)) {
            current.insert(id);
        }
    }
    std::unordered_set<PhotoId> notIndexed;
    for (const PhotoId id : matrix_.ids()) {
        if (!current.contains(id)) {
            notIndexed.insert(id);
        }
    }
    staleRows_ = built->size() - current.size();
    index_ = std::move(built);
    indexed_ = std::move(current);
    pending_ = std::move(notIndexed);
    ++builds_;
}

// With the lock held: a few ms, so searches barely wait.
void LiveApproximateIndex::addPendingChunk() {
    std::vector<PhotoId> chunk;
    for (auto it = pending_.begin(); it != pending_.end() && chunk.size() < kAddChunkRows; ++it) {
        chunk.push_back(*it);
    }
    std::sort(chunk.begin(), chunk.end());
    std::vector<PhotoId> found;
    std::vector<float> values;
    fetchRows(chunk, found, values);
    index_->add(found, values);
    for (const PhotoId id : chunk) {
        pending_.erase(id);
    }
    indexed_.insert(found.begin(), found.end());
}

ApproximateIndexStatus LiveApproximateIndex::status() const {
    ApproximateIndexStatus status;
    status.threshold = options_.approximateIndexRows;
    status.vectors = matrix_.size();
    status.builds = builds_;
    status.lastBuildSeconds = lastBuildSeconds_;
    status.error = buildError_;
    if (options_.approximateIndexRows == 0) {
        status.state = ApproximateIndexStatus::State::Off;
    } else if (!buildError_.empty()) {
        status.state = ApproximateIndexStatus::State::Failed;
    } else if (index_) {
        status.state = ApproximateIndexStatus::State::Ready;
        status.rebuilding = building_ || buildWanted_;
    } else if (building_ || buildWanted_) {
        status.state = ApproximateIndexStatus::State::Building;
    } else {
        status.state = ApproximateIndexStatus::State::Exact;
    }
    if (index_) {
        status.indexedRows = index_->size();
        status.staleRows = staleRows_;
        status.pendingRows = pending_.size();
    }
    return status;
}

bool LiveApproximateIndex::settled() const {
    return index_ && !building_ && !buildWanted_ && pending_.empty() && buildError_.empty();
}

bool LiveApproximateIndex::noneComing() const {
    return options_.approximateIndexRows == 0 || !buildError_.empty() ||
           (!index_ && !building_ && !buildWanted_);
}

bool LiveApproximateIndex::waitUntilSettled(std::unique_lock<std::recursive_mutex>& lock,
                                            std::chrono::milliseconds timeout) {
    changed_.wait_for(lock, timeout, [&] { return settled() || noneComing(); });
    return settled();
}

std::optional<std::vector<ScoredPhoto>> LiveApproximateIndex::answer(
    std::span<const float> query, std::size_t k, const std::function<bool(PhotoId)>& keep,
    bool filtered, SearchStats& stats) const {
    // Unfiltered: rewritten rows sit twice in the graph, so a few more cover the repeats.
    const std::size_t wanted =
        filtered ? std::max(kFilteredCandidates, 40 * k) : k + std::min(staleRows_, k);
    const auto candidates = index_->topK(query, wanted);
    stats.candidates = candidates.size();
    TopKHeap heap(k);
    std::unordered_set<PhotoId> seen;
    for (const auto& candidate : candidates) {
        if ((keep && !keep(candidate.photo)) || !seen.insert(candidate.photo).second) {
            continue;
        }
        heap.push(candidate);
    }
    const auto dimension = static_cast<std::size_t>(matrix_.dimension());
    for (const PhotoId id : pending_) {
        if (seen.contains(id) || (keep && !keep(id))) {
            continue;
        }
        const auto row = matrix_.indexOf(id);
        if (row >= 0) {
            heap.push({id, dot(matrix_.row(static_cast<std::size_t>(row)).data(), query.data(),
                               dimension)});
        }
    }
    auto best = heap.take();
    if (best.size() < k) {
        return std::nullopt;
    }
    return best;
}

}  // namespace abc
