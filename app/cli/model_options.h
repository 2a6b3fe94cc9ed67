#pragma once

#include <memory>
#include <string>

#include "core/library/photo_decoder.h"
#include "core/library/photo_embedder.h"
#include "core/library/shared_settings.h"
#include "core/model/embedder.h"

namespace CLI {
class App;
}

namespace abc::cli {

// The model options every command that runs the model shares. What is not given on the
// command line (empty, 0) comes from the settings the desktop application shares
// (SharedSettings), so both see the same vectors.
struct ModelOptions {
    ModelLocation model{"", "", ""};
    bool noInstruct = false;
    std::string device;
    std::string dtype;    // "", "float32", "bfloat16"
    std::string weights;  // "", "bf16", "int8", "int4"
    std::string positions = "sequential";
    int threads = 0;
    int maxImageTokens = 0;
};

// `imageDetail`: whether the command takes --max-image-tokens (library commands do; `embed`
// preprocesses exactly as ABC does).
void addModelOptions(CLI::App& command, ModelOptions& options, bool imageDetail = true);

// The settings file's values, or abc::Error naming the file when it cannot be used.
SharedSettings sharedSettings();

// The options completed from `settings`.
EmbedderOptions toEmbedderOptions(const ModelOptions& options, const SharedSettings& settings);
int imageTokens(const ModelOptions& options, const SharedSettings& settings);

// The decoder and the model as the library uses them (the model fingerprint combines both).
struct LoadedModel {
    std::unique_ptr<PhotoDecoder> decoder;
    std::unique_ptr<ModelPhotoEmbedder> embedder;
};
LoadedModel loadModel(const ModelOptions& options);

// `--db FILE`, defaulting to the shared settings' library (the XDG data location unless the
// desktop application chose another).
void addDatabaseOption(CLI::App& command, std::string& database);
std::string databasePath(const std::string& option);
// The same for a command that only reads a library: a path that holds none is an error naming
// it (a mistyped --db), never a new empty library. Only `index` creates one.
std::string existingLibraryPath(const std::string& option);

}  // namespace abc::cli
