#pragma once

#include <chrono>
#include <functional>
#include <string>

namespace abc {

// Runs `work` on a thread of its own and waits at most `limit` for it. Reading a photo can
// block for good (a stalled network share, a FIFO put where a photo was, a decoder looping on
// a crafted file), and no C or C++ decoder can be interrupted, so a call that overruns is
// abandoned: the caller gets abc::Error(subject, "still <doing> after N s ...") and moves on,
// while the abandoned thread runs to its end and its result is dropped. `work` therefore
// must own everything it touches (capture by value, shared_ptr): it may outlive the caller.
// A limit of zero or less runs `work` on the calling thread, unlimited.
void runWithTimeLimit(const std::function<void()>& work, std::chrono::milliseconds limit,
                      const std::string& subject, const std::string& doing);

// Calls abandoned and still running in this process (a count for reports and tests).
int abandonedCallsRunning();

}  // namespace abc
