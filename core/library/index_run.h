#pragma once

#include <functional>
#include <set>
#include <stop_token>

#include "core/library/pause_gate.h"
#include "core/library/photo_indexer.h"

namespace abc {

// What the phases of one PhotoIndexer::run share: the summary they add to, the progress they
// report, the pause gate they park at and the stop token that ends the run.
//
// Thread-safety: report(), holdWhilePaused() and the members are for the thread that runs
// the run (the only one that reports); waitWhilePaused() and stopRequested() may be called
// from the phases' worker threads.
class IndexRun {
  public:
    using ProgressCallback = std::function<void(const IndexProgress&)>;

    IndexRun(PauseGate& pause, std::stop_token stop, const ProgressCallback& onProgress);

    IndexSummary summary;
    IndexProgress progress;
    // The photos that new paths of this run showed again. Whether each is a move or a copy is
    // known only once the forget phase has seen which old paths went.
    std::multiset<PhotoId> contentAtNewPaths;

    void report();
    // Parks while paused, saying so once through the progress callback; false once stopped.
    bool holdWhilePaused();
    // The same without a report, for worker threads.
    bool waitWhilePaused() { return pause_.wait(stop_); }
    bool isPaused() const { return pause_.isPaused(); }
    bool stopRequested() const { return stop_.stop_requested(); }
    const std::stop_token& stopToken() const { return stop_; }

    // Starts counting `total` items of `phase` from zero, its rate and ETA unknown.
    void startPhase(IndexProgress::Phase phase, std::size_t total);
    // The current phase's running time without its pauses.
    double activeSeconds() const;

  private:
    PauseGate& pause_;
    std::stop_token stop_;
    const ProgressCallback& onProgress_;
    PauseGate::Clock::time_point phaseStart_ = PauseGate::Clock::now();
    PauseGate::Clock::duration pausedBeforePhase_{};
};

}  // namespace abc
