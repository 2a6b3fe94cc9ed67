#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/eval/labelled_dataset.h"
#include "core/eval/retrieval_metrics.h"

namespace abc {

// One evaluation as it is reported: the set, and the metrics without and (when an
// instruction was given) with the instruction.
struct EvalReport {
    std::string dataset;
    std::string model;  // the model fingerprint
    std::vector<std::string> labels;
    EvalMetrics plain;
    std::string instruction;
    std::optional<EvalMetrics> instructed;
};

// The confusion matrix as a heat map: one square cell per (true row, predicted column), white
// for none to dark blue for a row's every image, a grey grid between cells. Labels are in the
// HTML report, in the same order. Throws abc::Error naming the file when it cannot be written.
void writeConfusionPng(const EvalMetrics& metrics, const std::filesystem::path& file);

// A self-contained HTML page: the metrics table (and the instructed run beside the plain
// one), each confusion matrix as a table with the labels, and the PNGs beside it by file name.
// `pngNames`: the PNG of the plain run, then of the instructed run (may be empty).
void writeHtmlReport(const EvalReport& report, const std::vector<std::string>& pngNames,
                     const std::filesystem::path& file);

}  // namespace abc
