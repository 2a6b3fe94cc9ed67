#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "app/cli/command.h"
#include "app/cli/model_options.h"
#include "app/cli/progress_printer.h"
#include "app/cli/usage_error.h"
#include "core/eval/dataset_embedding.h"
#include "core/eval/dataset_readers.h"
#include "core/eval/eval_report.h"
#include "core/eval/retrieval_metrics.h"
#include "core/io/error.h"

namespace abc::cli {

namespace {

struct EvalCommand {
    ModelOptions model;
    std::string folder;
    std::string csv;
    std::string instruction;
    std::string report;   // folder for report.html, metrics.json and the PNGs
    std::string vectors;  // file for every vector the metrics were computed from
    bool json = false;
};

nlohmann::json recallJson(const RecallAtK& recall) {
    return {{"r1", recall.r1}, {"r5", recall.r5}, {"r10", recall.r10}};
}

nlohmann::json metricsJson(const EvalMetrics& metrics) {
    nlohmann::json out = {{"text_to_image", recallJson(metrics.textToImage)},
                          {"image_to_text", recallJson(metrics.imageToText)},
                          {"confusion", metrics.confusion}};
    out["accuracy"] = metrics.accuracy ? nlohmann::json(*metrics.accuracy) : nlohmann::json();
    return out;
}

nlohmann::json reportJson(const EvalReport& report) {
    nlohmann::json out = {{"dataset", report.dataset},     {"model", report.model},
                          {"images", report.plain.images}, {"texts", report.plain.texts},
                          {"labels", report.labels},       {"plain", metricsJson(report.plain)}};
    if (report.instructed) {
        out["instruction"] = report.instruction;
        out["instructed"] = metricsJson(*report.instructed);
    }
    return out;
}

// Every vector the metrics used, for checking them with other tools (see
// tools/reference/eval_metrics.py).
void writeVectors(const std::string& file, const LabelledDataset& dataset, const EvalVectors& plain,
                  const EvalVectors* instructed) {
    nlohmann::json images = nlohmann::json::array();
    for (std::size_t i = 0; i < dataset.images.size(); ++i) {
        nlohmann::json image = {{"path", dataset.images[i].path},
                                {"text", plain.imageText[i]},
                                {"vector", plain.images[i]}};
        image["label"] = plain.imageLabel[i] == EvalVectors::kNoLabel
                             ? nlohmann::json()
                             : nlohmann::json(plain.imageLabel[i]);
        if (instructed != nullptr) {
            image["instructed_vector"] = instructed->images[i];
        }
        images.push_back(image);
    }
    const nlohmann::json out = {{"labels", plain.labels},
                                {"label_vectors", plain.labelVectors},
                                {"texts", plain.texts},
                                {"text_vectors", plain.textVectors},
                                {"images", images}};
    std::ofstream stream(file, std::ios::binary | std::ios::trunc);
    stream << out.dump() << "\n";
    stream.close();
    if (!stream) {
        throw Error(file, "cannot be written");
    }
}

void printMetrics(const char* title, const EvalMetrics& m) {
    std::printf("%s\n", title);
    if (m.accuracy) {
        std::printf("  zero-shot accuracy      %6.2f%%\n", *m.accuracy * 100.0);
    }
    std::printf("  text -> image  R@1 %6.2f%%  R@5 %6.2f%%  R@10 %6.2f%%\n",
                m.textToImage.r1 * 100.0, m.textToImage.r5 * 100.0, m.textToImage.r10 * 100.0);
    std::printf("  image -> text  R@1 %6.2f%%  R@5 %6.2f%%  R@10 %6.2f%%\n",
                m.imageToText.r1 * 100.0, m.imageToText.r5 * 100.0, m.imageToText.r10 * 100.0);
}

void run(const EvalCommand& command) {
    if (command.folder.empty() == command.csv.empty()) {
        throw UsageError("give either FOLDER (subfolders are labels) or --csv FILE");
    }
    const LabelledDataset dataset =
        command.csv.empty() ? readLabelledFolder(command.folder) : readCsvDataset(command.csv);
    const LoadedModel model = loadModel(command.model);
    ProgressPrinter printer;
    const auto progress = [&printer](const char* stage) {
        return [&printer, stage](std::size_t done, std::size_t total) {
            printer.update(stage, done, total);
        };
    };
    const EvalVectors plain =
        embedDataset(dataset, *model.embedder, *model.decoder, "", progress("embedding"));
    printer.finish();
    std::optional<EvalVectors> instructed;
    if (!command.instruction.empty()) {
        // The texts do not depend on the instruction: only the images are embedded again.
        auto images =
            embedDatasetImages(dataset, *model.embedder, *model.decoder, command.instruction,
                               progress("embedding with the instruction"));
        printer.finish();
        instructed = withImages(plain, std::move(images));
    }
    EvalReport report;
    report.dataset = dataset.source;
    report.model = model.embedder->fingerprint();
    report.labels = dataset.labels;
    report.plain = computeMetrics(plain);
    if (instructed) {
        report.instruction = command.instruction;
        report.instructed = computeMetrics(*instructed);
    }
    if (!command.vectors.empty()) {
        writeVectors(command.vectors, dataset, plain, instructed ? &*instructed : nullptr);
    }
    if (!command.report.empty()) {
        namespace fs = std::filesystem;
        const fs::path folder(command.report);
        std::error_code ec;
        fs::create_directories(folder, ec);
        if (ec) {
            throw Error(command.report, "cannot create the report folder: " + ec.message());
        }
        std::vector<std::string> pngs;
        if (!report.labels.empty()) {
            pngs.push_back("confusion.png");
            writeConfusionPng(report.plain, folder / pngs.back());
            if (report.instructed) {
                pngs.push_back("confusion-instructed.png");
                writeConfusionPng(*report.instructed, folder / pngs.back());
            }
        }
        writeHtmlReport(report, pngs, folder / "report.html");
        std::ofstream metrics(folder / "metrics.json", std::ios::binary | std::ios::trunc);
        metrics << reportJson(report).dump(2) << "\n";
        metrics.close();
        if (!metrics) {
            throw Error((folder / "metrics.json").string(), "cannot be written");
        }
    }
    if (command.json) {
        std::cout << reportJson(report).dump(2) << "\n";
        return;
    }
    std::printf("%zu images, %zu labels, %zu texts from %s\n", report.plain.images,
                report.labels.size(), report.plain.texts, report.dataset.c_str());
    printMetrics("without instruction", report.plain);
    if (report.instructed) {
        printMetrics(("with the instruction \"" + report.instruction + "\"").c_str(),
                     *report.instructed);
    }
    if (!command.report.empty()) {
        std::printf("report: %s\n",
                    (std::filesystem::path(command.report) / "report.html").string().c_str());
    }
}

}  // namespace

// `eval`: zero-shot accuracy and retrieval recall of the model on a labelled set of images.
void registerEval(CLI::App& app, int& exitCode) {
    auto* cmd = app.add_subcommand(
        "eval", "Measure zero-shot accuracy and retrieval on a labelled folder or CSV");
    auto command = std::make_shared<EvalCommand>();
    addModelOptions(*cmd, command->model);
    cmd->add_option("FOLDER", command->folder, "A folder whose subfolder names are the labels")
        ->type_name("FOLDER");
    cmd->add_option("--csv", command->csv,
                    "A CSV with columns path and label and/or caption (paths relative to it)")
        ->type_name("FILE");
    cmd->add_option("--instruction", command->instruction,
                    "Also measure with the images embedded with this instruction")
        ->type_name("INSTRUCTION");
    cmd->add_option("--report", command->report,
                    "Write report.html, metrics.json and confusion PNGs into this folder")
        ->type_name("FOLDER");
    cmd->add_option("--vectors", command->vectors,
                    "Write every image, label and text vector used to this JSON file")
        ->type_name("FILE");
    cmd->add_flag("--json", command->json, "The metrics as JSON on stdout");
    cmd->callback([command, &exitCode]() {
        run(*command);
        exitCode = 0;
    });
}

}  // namespace abc::cli
