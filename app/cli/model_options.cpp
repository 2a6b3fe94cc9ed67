#include "app/cli/model_options.h"

#include <CLI/CLI.hpp>

#include "core/library/library_store.h"

namespace abc::cli {

void addModelOptions(CLI::App& command, ModelOptions& options) {
    command.add_option("--base", options.model.base, "Base model folder or hub id")
        ->capture_default_str();
    command
        .add_option("--pretrain-adapter", options.model.pretrainAdapter,
                    "Merged ABC pretrain adapter (folder or hub id)")
        ->capture_default_str();
    command
        .add_option("--instruct-adapter", options.model.instructAdapter,
                    "Switched ABC instruct adapter (folder or hub id)")
        ->capture_default_str();
    command.add_flag("--no-instruct", options.noInstruct,
                     "Run without the instruct adapter (ABC-Qwen2VL-Pretrain alone)");
    command.add_option("--device", options.device, "cpu, cuda or cuda:N")->capture_default_str();
    command.add_option("--dtype", options.dtype, "float32 or bfloat16 (default: per device)")
        ->check(CLI::IsMember({"float32", "bfloat16"}));
    command.add_option("--positions", options.positions, "sequential (ABC's runtime) or mrope")
        ->check(CLI::IsMember({"sequential", "mrope"}))
        ->capture_default_str();
    command.add_option("--threads", options.threads, "CPU threads (0: libtorch's default)");
    command
        .add_option("--max-image-tokens", options.maxImageTokens,
                    "Image-token budget per photo (256 fast, 576 balanced, 1024 best = ABC)")
        ->check(CLI::Range(256, 16384))
        ->capture_default_str();
}

EmbedderOptions toEmbedderOptions(const ModelOptions& options) {
    EmbedderOptions engine;
    engine.model = options.model;
    if (options.noInstruct) {
        engine.model.instructAdapter.clear();
    }
    engine.device = options.device;
    if (options.dtype == "float32") {
        engine.precision = Precision::Float32;
    } else if (options.dtype == "bfloat16") {
        engine.precision = Precision::BFloat16;
    }
    engine.positions =
        options.positions == "mrope" ? PositionMode::MRope : PositionMode::Sequential;
    engine.cpuThreads = options.threads;
    return engine;
}

LoadedModel loadModel(const ModelOptions& options) {
    LoadedModel loaded;
    PhotoDecoderOptions decoding;
    decoding.maxImageTokens = options.maxImageTokens;
    decoding.minImageTokens = std::min(decoding.minImageTokens, options.maxImageTokens);
    loaded.decoder = makePhotoDecoder(decoding);
    std::shared_ptr<Embedder> embedder = Embedder::load(toEmbedderOptions(options));
    loaded.embedder =
        std::make_unique<ModelPhotoEmbedder>(std::move(embedder), loaded.decoder->fingerprint());
    return loaded;
}

void addDatabaseOption(CLI::App& command, std::string& database) {
    command.add_option("--db", database,
                       "Library file (default: $XDG_DATA_HOME/abc-photos/library.sqlite3)");
}

std::string databasePath(const std::string& option) {
    return option.empty() ? LibraryStore::defaultPath() : option;
}

}  // namespace abc::cli
