#include <sys/resource.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <random>

#include "app/cli/command.h"
#include "core/io/error.h"
#include "core/model/abc_model.h"

namespace abc::cli {

namespace {

using Clock = std::chrono::steady_clock;

struct BenchOptions {
    std::string config = "mid";
    std::string device = "cpu";
    std::string dtype;
    std::string weights = "bf16";
    int threads = 0;
    int repeat = 3;
    int textLength = 24;
    std::vector<int> imageTokens{256, 1024};
    std::int64_t headDim = 4096;
    std::string base;  // a checkpoint instead of random weights
    std::string pretrain;
    std::string instruct;
};

// Qwen2-VL-7B-Instruct + ABC's head, as the hub files describe them.
ModelConfig qwen2vl7b() {
    return ModelConfig{};
}

// The reference's tiny checkpoint shapes.
ModelConfig tinyConfig() {
    ModelConfig c;
    c.vision = {2, 32, 64, 4, 3, 14, 2, 2, 4.0, "quick_gelu"};
    c.text.hiddenSize = 64;
    c.text.numLayers = 2;
    c.text.numHeads = 4;
    c.text.numKeyValueHeads = 2;
    c.text.intermediateSize = 128;
    c.text.vocabSize = 151936;
    c.text.mropeSection = {2, 3, 3};
    return c;
}

// A mid-size model (~0.3 B parameters) for CPU comparisons.
ModelConfig midConfig() {
    ModelConfig c;
    c.vision = {8, 640, 1024, 10, 3, 14, 2, 2, 4.0, "quick_gelu"};
    c.text.hiddenSize = 1024;
    c.text.numLayers = 8;
    c.text.numHeads = 16;
    c.text.numKeyValueHeads = 4;
    c.text.intermediateSize = 2816;
    c.text.vocabSize = 151936;
    c.text.mropeSection = {8, 12, 12};
    return c;
}

double peakRssMiB() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

// Resident set now (Linux /proc; 0 elsewhere).
double currentRssMiB() {
    std::ifstream statm("/proc/self/statm");
    long pages = 0;
    long resident = 0;
    if (!(statm >> pages >> resident)) {
        return 0.0;
    }
    return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) /
           (1024.0 * 1024.0);
}

double safetensorsMiB(const std::filesystem::path& folder) {
    std::uintmax_t bytes = 0;
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
        if (entry.path().extension() == ".safetensors") {
            bytes += entry.file_size();
        }
    }
    return static_cast<double>(bytes) / (1024.0 * 1024.0);
}

// Prompt-shaped ids: a system/user preamble, the image pads, the closing turn.
std::vector<std::int64_t> promptIds(const ModelConfig& config, std::int64_t imageTokens,
                                    int textTokens, std::mt19937& rng) {
    // Ordinary words: below the special tokens at the top of the vocabulary.
    std::uniform_int_distribution<std::int64_t> word(
        1, std::min<std::int64_t>(150000, config.tokens.visionStart - 1));
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 14; ++i) {
        ids.push_back(word(rng));
    }
    if (imageTokens > 0) {
        ids.push_back(config.tokens.visionStart);
        ids.insert(ids.end(), static_cast<std::size_t>(imageTokens), config.tokens.imageToken);
        ids.push_back(config.tokens.visionEnd);
    }
    for (int i = 0; i < textTokens; ++i) {
        ids.push_back(word(rng));
    }
    for (int i = 0; i < 5; ++i) {
        ids.push_back(word(rng));
    }
    return ids;
}

ImagePatches squareImage(const ModelConfig& config, std::int64_t imageTokens, std::mt19937& rng) {
    const std::int64_t merge = config.vision.spatialMergeSize;
    const auto side = static_cast<std::int64_t>(std::lround(std::sqrt(double(imageTokens))));
    ImagePatches patches;
    patches.grid.t = 1;
    patches.grid.h = side * merge;
    patches.grid.w = side * merge;
    patches.patchDim = config.vision.patchDim();
    patches.rows = patches.grid.h * patches.grid.w;
    patches.values.resize(static_cast<std::size_t>(patches.rows * patches.patchDim));
    std::normal_distribution<float> pixel(0.0f, 1.0f);
    for (auto& v : patches.values) {
        v = pixel(rng);
    }
    return patches;
}

void run(const BenchOptions& options) {
    ModelConfig config;
    if (options.config == "7b") {
        config = qwen2vl7b();
    } else if (options.config == "mid") {
        config = midConfig();
    } else if (options.config == "tiny") {
        config = tinyConfig();
    } else {
        config = ModelConfig::fromFile(options.config);
    }
    EngineOptions engine;
    engine.device = options.device;
    if (options.dtype == "float32") {
        engine.precision = Precision::Float32;
    } else if (options.dtype == "bfloat16") {
        engine.precision = Precision::BFloat16;
    }
    engine.cpuThreads = options.threads;
    engine.weights = parseWeightQuantization(options.weights, "--weights");

    const double rssBefore = currentRssMiB();
    const double peakBefore = peakRssMiB();
    const auto loadStart = Clock::now();
    std::unique_ptr<AbcModel> model;
    if (options.base.empty()) {
        // Checkpoint-like random values (bf16, outlier input channels) whenever weights are
        // quantized, so the figures reflect the value distribution quantization meets.
        model = AbcModel::random(config, options.headDim, engine, 0,
                                 engine.weights != WeightQuantization::None);
    } else {
        model = AbcModel::load({options.base, options.pretrain, options.instruct}, engine);
        config = model->config();
    }
    const double loadSeconds = std::chrono::duration<double>(Clock::now() - loadStart).count();
    const double weightsMiB = static_cast<double>(model->weightBytes()) / (1024.0 * 1024.0);
    const double peak = peakRssMiB();
    const double rssAfter = currentRssMiB();
    std::cout << std::fixed << std::setprecision(3);
    std::cout << "config " << (options.base.empty() ? options.config : options.base) << " device "
              << model->deviceName() << " dtype "
              << (model->precision() == Precision::Float32 ? "float32" : "bfloat16") << " weights "
              << weightQuantizationName(model->weights()) << "\nload_s " << loadSeconds
              << (options.base.empty() ? " (random weights)" : " (checkpoint)");
    if (!options.base.empty()) {
        std::cout << "\ncheckpoint_mib " << safetensorsMiB(options.base);
    }
    std::cout << "\nweights_mib " << weightsMiB << "\nrss_before_load_mib " << rssBefore
              << " (peak " << peakBefore << ")\nrss_after_load_mib " << rssAfter
              << "\npeak_rss_after_load_mib " << peak << "\nload_peak_over_weights "
              << peak / weightsMiB << "\nload_growth_over_weights "
              << (peak - rssBefore) / weightsMiB << "\n";

    std::mt19937 rng(7);
    for (const int tokens : options.imageTokens) {
        const ImagePatches image = squareImage(config, tokens, rng);
        const auto ids =
            promptIds(config, image.tokenCount(config.vision.spatialMergeSize), 0, rng);
        model->embed(ids, {&image}, false);  // warm-up
        StageTimes times;
        const auto start = Clock::now();
        for (int i = 0; i < options.repeat; ++i) {
            model->embed(ids, {&image}, false, nullptr, &times);
        }
        const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
        std::cout << "image_tokens " << tokens << " seq_len " << ids.size() << " photos_per_s "
                  << options.repeat / seconds << " vision_s " << times.vision / options.repeat
                  << " llm_s " << times.text / options.repeat << " head_s "
                  << times.head / options.repeat << "\n";
    }
    {
        const auto ids = promptIds(config, 0, options.textLength, rng);
        model->embed(ids, {}, false);
        const int queries = options.repeat * 5;
        const auto start = Clock::now();
        for (int i = 0; i < queries; ++i) {
            model->embed(ids, {}, false);
        }
        const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
        std::cout << "text seq_len " << ids.size() << " queries_per_s " << queries / seconds
                  << "\n";
    }
    std::cout << "peak_rss_mib " << peakRssMiB() << "\n";
}

}  // namespace

// `bench`: load time, memory and throughput of the engine on random weights of any
// configuration (7b: the real shapes), without downloading anything.
void registerBench(CLI::App& app, int& exitCode) {
    auto* cmd = app.add_subcommand("bench", "Time the engine on random weights (no download)");
    auto options = std::make_shared<BenchOptions>();
    cmd->add_option("--config", options->config, "tiny, mid, 7b or a config.json path")
        ->capture_default_str();
    cmd->add_option("--device", options->device, "cpu, cuda or cuda:N")->capture_default_str();
    cmd->add_option("--dtype", options->dtype, "float32 or bfloat16 (default: per device)")
        ->check(CLI::IsMember({"float32", "bfloat16"}));
    cmd->add_option("--weights", options->weights,
                    "Linear-layer weights: bf16 (unquantized), int8 or int4")
        ->check(CLI::IsMember({"bf16", "int8", "int4"}))
        ->capture_default_str();
    cmd->add_option("--threads", options->threads, "CPU threads (0: libtorch's default)");
    cmd->add_option("--repeat", options->repeat, "Timed passes per measurement")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
    cmd->add_option("--image-tokens", options->imageTokens, "Image sizes in tokens")
        ->capture_default_str();
    cmd->add_option("--text-tokens", options->textLength, "Query length in tokens")
        ->capture_default_str();
    cmd->add_option("--head-dim", options->headDim, "Width of ABC's MLP head")
        ->capture_default_str();
    cmd->add_option("--base", options->base,
                    "Load this checkpoint folder instead of random weights (load memory)")
        ->check(CLI::ExistingDirectory);
    cmd->add_option("--pretrain", options->pretrain, "Pretrain adapter folder (with --base)")
        ->check(CLI::ExistingDirectory);
    cmd->add_option("--instruct", options->instruct, "Instruct adapter folder (with --base)")
        ->check(CLI::ExistingDirectory);
    cmd->callback([options, &exitCode]() {
        try {
            run(*options);
            exitCode = 0;
        } catch (const std::exception& e) {
            std::cerr << "bench: " << e.what() << "\n";
            exitCode = 1;
        }
    });
}

}  // namespace abc::cli
