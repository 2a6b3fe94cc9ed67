#pragma once

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <string>

namespace abc::cli {

// Progress on stderr as a person or a log file wants it. On a terminal: one line redrawn in
// place with a bar. Otherwise (a pipe, a log, cron): a line when a stage starts, at every tenth
// of the way and at most every 30 s in between, and when it ends; a stage with nothing to do
// prints nothing.
class ProgressPrinter {
  public:
    explicit ProgressPrinter(std::FILE* out = stderr);
    // For tests and callers that know better than isatty().
    ProgressPrinter(std::FILE* out, bool terminal);

    // `stage` names what is being counted ("embedding"); `detail` follows the counts
    // ("4.1 photos/s, ETA 0:01:10").
    void update(const std::string& stage, std::size_t done, std::size_t total,
                const std::string& detail = {});
    // Ends the redrawn line, if any; nothing more is printed for the current stage.
    void finish();

    bool terminal() const { return terminal_; }

  private:
    std::FILE* out_;
    bool terminal_;
    std::string stage_;
    int lastTenth_ = -1;
    bool lineOpen_ = false;
    std::chrono::steady_clock::time_point lastLine_;
};

// h:mm:ss, or --:-- while unknown (negative).
std::string clockText(double seconds);

}  // namespace abc::cli
