#include "app/cli/model_options.h"

#include <CLI/CLI.hpp>

#include <filesystem>

#include "core/io/error.h"
#include "core/library/library_store.h"

namespace abc::cli {

void addModelOptions(CLI::App& command, ModelOptions& options, bool imageDetail) {
    const ModelLocation defaults;
    const std::string fromSettings = " (default: the settings file, else ";
    command
        .add_option("--base", options.model.base,
                    "Base model folder or hub id" + fromSettings + defaults.base + ")")
        ->type_name("MODEL");
    command
        .add_option("--pretrain-adapter", options.model.pretrainAdapter,
                    "Merged ABC pretrain adapter, folder or hub id" + fromSettings +
                        defaults.pretrainAdapter + ")")
        ->type_name("MODEL");
    command
        .add_option("--instruct-adapter", options.model.instructAdapter,
                    "Switched ABC instruct adapter, folder or hub id" + fromSettings +
                        defaults.instructAdapter + ")")
        ->type_name("MODEL");
    command.add_flag("--no-instruct", options.noInstruct,
                     "Run without the instruct adapter (ABC-Qwen2VL-Pretrain alone)");
    command
        .add_option("--device", options.device,
                    "cpu, cuda or cuda:N (default: the settings file, else a GPU when present)")
        ->type_name("DEVICE");
    command
        .add_option("--dtype", options.dtype,
                    "float32 or bfloat16 (default: the settings file, else per device)")
        ->check(CLI::IsMember({"float32", "bfloat16"}));
    command
        .add_option("--weights", options.weights,
                    "Linear-layer weights: bf16 (as stored), int8 or int4, quantized at load "
                    "time (default: bf16); vectors of each are kept apart")
        ->check(CLI::IsMember({"bf16", "int8", "int4"}));
    command.add_option("--positions", options.positions, "sequential (ABC's runtime) or mrope")
        ->check(CLI::IsMember({"sequential", "mrope"}))
        ->capture_default_str();
    command.add_option("--threads", options.threads, "CPU threads (0: libtorch's default)");
    if (imageDetail) {
        command
            .add_option("--max-image-tokens", options.maxImageTokens,
                        "Image-token budget per photo: 256 fast, 576 balanced, 1024 best = ABC "
                        "(default: the settings file, else 576)")
            ->check(CLI::Range(4, 16384));
    }
}

SharedSettings sharedSettings() {
    return SharedSettings::load(SharedSettings::defaultPath());
}

EmbedderOptions toEmbedderOptions(const ModelOptions& options, const SharedSettings& settings) {
    SharedSettings chosen = settings;
    const auto given = [](const std::string& flag, std::string& setting) {
        if (!flag.empty()) {
            setting = flag;
        }
    };
    given(options.model.base, chosen.model.base);
    given(options.model.pretrainAdapter, chosen.model.pretrainAdapter);
    given(options.model.instructAdapter, chosen.model.instructAdapter);
    given(options.device, chosen.device);
    given(options.dtype, chosen.precision);
    EmbedderOptions engine = chosen.embedderOptions();
    if (options.noInstruct) {
        engine.model.instructAdapter.clear();
    }
    engine.positions =
        options.positions == "mrope" ? PositionMode::MRope : PositionMode::Sequential;
    engine.cpuThreads = options.threads;
    if (!options.weights.empty()) {
        engine.weights = parseWeightQuantization(options.weights, "--weights");
    }
    return engine;
}

int imageTokens(const ModelOptions& options, const SharedSettings& settings) {
    return options.maxImageTokens > 0 ? options.maxImageTokens : settings.imageTokens;
}

LoadedModel loadModel(const ModelOptions& options) {
    const SharedSettings settings = sharedSettings();
    LoadedModel loaded;
    loaded.decoder = makePhotoDecoder(decoderOptionsForImageTokens(imageTokens(options, settings)));
    std::shared_ptr<Embedder> embedder = Embedder::load(toEmbedderOptions(options, settings));
    loaded.embedder =
        std::make_unique<ModelPhotoEmbedder>(std::move(embedder), loaded.decoder->fingerprint());
    return loaded;
}

void addDatabaseOption(CLI::App& command, std::string& database) {
    command
        .add_option("--db", database,
                    "Library file (default: the settings file's, else "
                    "$XDG_DATA_HOME/abc-photos/library.sqlite3)")
        ->type_name("FILE");
}

std::string databasePath(const std::string& option) {
    return option.empty() ? sharedSettings().libraryPath() : option;
}

std::string existingLibraryPath(const std::string& option) {
    const std::string path = databasePath(option);
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        throw Error(path, "no library here; `abc-photos-cli index FOLDER` creates one" +
                              std::string(option.empty() ? "" : " (is --db mistyped?)"));
    }
    if (!std::filesystem::is_regular_file(path, ec)) {
        throw Error(path, "not a library file");
    }
    return path;
}

}  // namespace abc::cli
