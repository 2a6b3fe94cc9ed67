#include "core/eval/eval_report.h"

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "core/image/png_writer.h"
#include "core/image/rgb_image.h"
#include "core/io/error.h"

namespace abc {

namespace {

constexpr int kCell = 24;  // pixels per cell
constexpr int kGrid = 1;   // pixels of grid line

std::string escapeHtml(const std::string& text) {
    std::string out;
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string percent(double value) {
    char text[16];
    std::snprintf(text, sizeof text, "%.1f%%", value * 100.0);
    return text;
}

std::string metricsRows(const EvalMetrics& m) {
    const auto row = [](const std::string& name, double value) {
        return "<tr><th>" + name + "</th><td>" + percent(value) + "</td></tr>\n";
    };
    std::string rows;
    if (m.accuracy) {
        rows += row("zero-shot accuracy", *m.accuracy);
    }
    rows += row("text &rarr; image R@1", m.textToImage.r1);
    rows += row("text &rarr; image R@5", m.textToImage.r5);
    rows += row("text &rarr; image R@10", m.textToImage.r10);
    rows += row("image &rarr; text R@1", m.imageToText.r1);
    rows += row("image &rarr; text R@5", m.imageToText.r5);
    rows += row("image &rarr; text R@10", m.imageToText.r10);
    return rows;
}

std::string confusionTable(const EvalMetrics& m, const std::vector<std::string>& labels) {
    std::string html = "<table class=\"confusion\"><tr><th>true \\ predicted</th>";
    for (const auto& label : labels) {
        html += "<th>" + escapeHtml(label) + "</th>";
    }
    html += "</tr>\n";
    for (std::size_t t = 0; t < labels.size(); ++t) {
        html += "<tr><th>" + escapeHtml(labels[t]) + "</th>";
        for (std::size_t p = 0; p < labels.size(); ++p) {
            html += std::string("<td") + (t == p ? " class=\"diagonal\"" : "") + ">" +
                    std::to_string(m.confusion[t][p]) + "</td>";
        }
        html += "</tr>\n";
    }
    return html + "</table>\n";
}

}  // namespace

void writeConfusionPng(const EvalMetrics& metrics, const std::filesystem::path& file) {
    const int n = static_cast<int>(metrics.confusion.size());
    if (n == 0) {
        throw Error(file.string(), "no labels: no confusion matrix to draw");
    }
    const int side = n * kCell + (n + 1) * kGrid;
    RgbImage image(side, side);
    std::fill(image.pixels.begin(), image.pixels.end(), std::uint8_t{160});  // the grid
    for (int t = 0; t < n; ++t) {
        std::size_t rowTotal = 0;
        for (const auto count : metrics.confusion[t]) {
            rowTotal += count;
        }
        for (int p = 0; p < n; ++p) {
            const double share = rowTotal == 0 ? 0.0
                                               : static_cast<double>(metrics.confusion[t][p]) /
                                                     static_cast<double>(rowTotal);
            // White (255,255,255) to dark blue (8,48,107), like matplotlib's "Blues".
            const auto mix = [share](int from, int to) {
                return static_cast<std::uint8_t>(from + (to - from) * share + 0.5);
            };
            const std::uint8_t rgb[3] = {mix(255, 8), mix(255, 48), mix(255, 107)};
            const int x0 = kGrid + p * (kCell + kGrid);
            const int y0 = kGrid + t * (kCell + kGrid);
            for (int y = y0; y < y0 + kCell; ++y) {
                std::uint8_t* row = image.row(y);
                for (int x = x0; x < x0 + kCell; ++x) {
                    std::copy(rgb, rgb + 3, row + x * 3);
                }
            }
        }
    }
    writePng(image, file);
}

void writeHtmlReport(const EvalReport& report, const std::vector<std::string>& pngNames,
                     const std::filesystem::path& file) {
    std::string html =
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n<title>ABC evaluation: " +
        escapeHtml(report.dataset) +
        "</title>\n<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;"
        "margin:1em 0}td,th{border:1px solid #bbb;padding:4px 8px;text-align:right}"
        ".diagonal{background:#dbe9f6}section{display:inline-block;vertical-align:top;"
        "margin-right:3em}</style>\n</head><body>\n<h1>ABC evaluation</h1>\n<p>Set: <code>" +
        escapeHtml(report.dataset) + "</code>, " + std::to_string(report.plain.images) +
        " images, " + std::to_string(report.labels.size()) + " labels, " +
        std::to_string(report.plain.texts) + " texts.<br>Model: <code>" + escapeHtml(report.model) +
        "</code></p>\n";
    const auto section = [&](const std::string& title, const EvalMetrics& metrics,
                             std::size_t png) {
        html += "<section><h2>" + title + "</h2>\n<table>\n" + metricsRows(metrics) + "</table>\n";
        if (!report.labels.empty()) {
            html += "<h3>Confusion matrix</h3>\n" + confusionTable(metrics, report.labels);
            if (png < pngNames.size()) {
                html +=
                    "<img alt=\"confusion matrix\" src=\"" + escapeHtml(pngNames[png]) + "\">\n";
            }
        }
        html += "</section>\n";
    };
    section("Without instruction", report.plain, 0);
    if (report.instructed) {
        section("With the instruction &ldquo;" + escapeHtml(report.instruction) + "&rdquo;",
                *report.instructed, 1);
    }
    html += "</body></html>\n";
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << html;
    out.close();
    if (!out) {
        throw Error(file.string(), "cannot be written");
    }
}

}  // namespace abc
