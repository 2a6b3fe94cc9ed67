#include "app/cli/progress_printer.h"

#include <unistd.h>

namespace abc::cli {

namespace {

constexpr auto kQuietLogInterval = std::chrono::seconds(30);

}  // namespace

ProgressPrinter::ProgressPrinter(std::FILE* out)
    : ProgressPrinter(out, ::isatty(fileno(out)) != 0) {}

ProgressPrinter::ProgressPrinter(std::FILE* out, bool terminal) : out_(out), terminal_(terminal) {}

void ProgressPrinter::update(const std::string& stage, std::size_t done, std::size_t total,
                             const std::string& detail) {
    if (total == 0) {
        return;  // nothing to count: a stage with no work says nothing
    }
    const auto now = std::chrono::steady_clock::now();
    if (stage != stage_) {
        finish();
        stage_ = stage;
        lastTenth_ = -1;
    }
    const std::string tail = detail.empty() ? std::string() : "  " + detail;
    if (terminal_) {
        constexpr std::size_t kWidth = 30;
        const std::size_t filled = done >= total ? kWidth : kWidth * done / total;
        std::fprintf(out_, "\r%-18s [%s%s] %zu/%zu%s\x1b[K", stage.c_str(),
                     std::string(filled, '#').c_str(), std::string(kWidth - filled, '.').c_str(),
                     done, total, tail.c_str());
        lineOpen_ = true;
    } else {
        const int tenth = done >= total ? 10 : static_cast<int>(10 * done / total);
        if (tenth == lastTenth_ && now - lastLine_ < kQuietLogInterval) {
            return;
        }
        lastTenth_ = tenth;
        lastLine_ = now;
        std::fprintf(out_, "%s %zu/%zu%s\n", stage.c_str(), done, total, tail.c_str());
    }
    std::fflush(out_);
}

void ProgressPrinter::finish() {
    if (lineOpen_) {
        std::fprintf(out_, "\n");
        std::fflush(out_);
        lineOpen_ = false;
    }
    stage_.clear();
}

std::string clockText(double seconds) {
    if (seconds < 0) {
        return "--:--";
    }
    const auto total = static_cast<long>(seconds + 0.5);
    char text[32];
    std::snprintf(text, sizeof text, "%ld:%02ld:%02ld", total / 3600, (total / 60) % 60,
                  total % 60);
    return text;
}

}  // namespace abc::cli
