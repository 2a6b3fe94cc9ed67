#pragma once

#include <memory>
#include <string>

#include "core/library/photo_decoder.h"
#include "core/library/photo_embedder.h"
#include "core/model/embedder.h"

namespace CLI {
class App;
}

namespace abc::cli {

// The model options every command that runs the model shares (the same names as `embed`).
struct ModelOptions {
    ModelLocation model;
    bool noInstruct = false;
    std::string device = "cpu";
    std::string dtype;  // "", "float32", "bfloat16"
    std::string positions = "sequential";
    int threads = 0;
    int maxImageTokens = 1024;
};

void addModelOptions(CLI::App& command, ModelOptions& options);
EmbedderOptions toEmbedderOptions(const ModelOptions& options);

// The decoder and the model as the library uses them (the model fingerprint combines both).
struct LoadedModel {
    std::unique_ptr<PhotoDecoder> decoder;
    std::unique_ptr<ModelPhotoEmbedder> embedder;
};
LoadedModel loadModel(const ModelOptions& options);

// `--db FILE`, defaulting to the XDG data location.
void addDatabaseOption(CLI::App& command, std::string& database);
std::string databasePath(const std::string& option);

}  // namespace abc::cli
