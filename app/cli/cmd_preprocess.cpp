#include <CLI/CLI.hpp>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli/command.h"
#include "core/image/decode.h"
#include "core/image/image_preprocessor.h"
#include "core/image/patch_geometry.h"
#include "core/image/png_writer.h"
#include "core/io/error.h"
#include "core/io/safetensors.h"

namespace abc::cli {
namespace {

namespace fs = std::filesystem;

struct PreprocessOptions {
    std::string image;
    std::string out;
    std::int64_t minPixels = 256 * kModelPatchGeometry.pixelsPerToken();
    std::int64_t maxPixels = 1024 * kModelPatchGeometry.pixelsPerToken();
    bool noExifOrientation = false;
    std::int64_t maxImagePixels = kDefaultMaxImagePixels;
    int bench = 0;
};

double threadCpuSeconds() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

// Decode + both stages + patches, `runs` times on one thread, file already in memory (the
// same work tools/reference/image_bench.py times for Pillow + transformers).
void runBench(const ImagePreprocessor& preprocessor, const PreprocessOptions& options) {
    const std::vector<std::uint8_t> bytes = readFileBytes(options.image);
    preprocessor.preprocessBytes(bytes, options.image);  // warm-up: page cache, tables
    const auto wallStart = std::chrono::steady_clock::now();
    const double cpuStart = threadCpuSeconds();
    for (int i = 0; i < options.bench; ++i) {
        preprocessor.preprocessBytes(bytes, options.image);
    }
    const double cpu = threadCpuSeconds() - cpuStart;
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();
    nlohmann::json report = {{"image", options.image},
                             {"runs", options.bench},
                             {"ms_per_photo_wall", 1e3 * wall / options.bench},
                             {"ms_per_photo_cpu", 1e3 * cpu / options.bench},
                             {"photos_per_s_per_core", options.bench / cpu}};
    std::cout << report.dump() << "\n";
}

void run(const PreprocessOptions& options) {
    ImagePreprocessorOptions settings;
    settings.minPixels = options.minPixels;
    settings.maxPixels = options.maxPixels;
    settings.decode.applyExifOrientation = !options.noExifOrientation;
    settings.decode.maxPixels = options.maxImagePixels;
    const ImagePreprocessor preprocessor(settings);
    if (options.bench > 0) {
        runBench(preprocessor, options);
        return;
    }
    if (options.out.empty()) {
        throw Error("--out", "required unless --bench is given");
    }

    const PreprocessedImage result = preprocessor.preprocessFile(options.image);
    const fs::path dir(options.out);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
        throw Error(dir.string(), "cannot create directory: " + ec.message());
    }
    writePng(result.stage1, dir / "stage1.png");
    writePng(result.resized, dir / "resized.png");
    const ImagePatches& patches = result.patches;
    writeSafetensors(dir / "pixel_values.safetensors",
                     {TensorToWrite{"pixel_values",
                                    TensorDType::F32,
                                    {patches.rows, patches.patchDim},
                                    patches.values.data(),
                                    patches.values.size() * sizeof(float)}});
    const nlohmann::json info = {{"original", {result.original.width, result.original.height}},
                                 {"stage1", {result.stage1.width, result.stage1.height}},
                                 {"resized", {result.resized.width, result.resized.height}},
                                 {"grid_thw", {patches.grid.t, patches.grid.h, patches.grid.w}},
                                 {"image_tokens", patches.tokenCount()}};
    const fs::path infoPath = dir / "info.json";
    std::ofstream out(infoPath, std::ios::trunc);
    if (!(out << info.dump() << "\n")) {
        throw Error(infoPath.string(), "cannot write file");
    }
    std::cout << info.dump() << "\n";
}

}  // namespace

// `preprocess`: ABC's image pipeline on one file, with every stage written out for
// inspection and comparison with Python (or timed with --bench).
void registerPreprocess(CLI::App& app, int& exitCode) {
    auto options = std::make_shared<PreprocessOptions>();
    auto* cmd = app.add_subcommand(
        "preprocess", "Decode and preprocess one image exactly as ABC does; write every stage");
    cmd->add_option("--image", options->image, "Image file (JPEG, PNG, WebP, TIFF, BMP, HEIC)")
        ->required();
    cmd->add_option("--out", options->out,
                    "Output folder: stage1.png, resized.png, pixel_values.safetensors, info.json");
    cmd->add_option("--min-pixels", options->minPixels, "Stage-2 minimum pixel count")
        ->capture_default_str();
    cmd->add_option("--max-pixels", options->maxPixels, "Stage-2 maximum pixel count")
        ->capture_default_str();
    cmd->add_flag("--no-exif-orientation", options->noExifOrientation,
                  "Ignore the EXIF orientation tag (what ABC's Python pipeline does)");
    cmd->add_option("--max-image-pixels", options->maxImagePixels,
                    "Refuse larger images before decoding (<= 0: no limit)")
        ->capture_default_str();
    cmd->add_option("--bench", options->bench,
                    "Time N decode + preprocess runs on one thread instead of writing files")
        ->check(CLI::NonNegativeNumber);
    cmd->callback([options, &exitCode]() {
        run(*options);
        exitCode = 0;
    });
}

}  // namespace abc::cli
