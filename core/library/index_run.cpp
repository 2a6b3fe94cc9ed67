#include "core/library/index_run.h"

#include <utility>

namespace abc {

IndexRun::IndexRun(PauseGate& pause, std::stop_token stop, const ProgressCallback& onProgress)
    : pause_(pause), stop_(std::move(stop)), onProgress_(onProgress) {}

void IndexRun::report() {
    if (onProgress_) {
        progress.paused = pause_.isPaused();
        onProgress_(progress);
    }
}

bool IndexRun::holdWhilePaused() {
    if (pause_.isPaused()) {
        report();
    }
    return pause_.wait(stop_);
}

void IndexRun::startPhase(IndexProgress::Phase phase, std::size_t total) {
    progress.phase = phase;
    progress.total = total;
    progress.done = 0;
    progress.photosPerSecond = 0.0;
    progress.etaSeconds = -1.0;
    phaseStart_ = PauseGate::Clock::now();
    pausedBeforePhase_ = pause_.pausedSoFar();
}

double IndexRun::activeSeconds() const {
    const auto paused = pause_.pausedSoFar() - pausedBeforePhase_;
    return std::chrono::duration<double>(PauseGate::Clock::now() - phaseStart_ - paused).count();
}

}  // namespace abc
