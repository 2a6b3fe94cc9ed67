#pragma once

#include <filesystem>
#include <string>

#include "core/model/embedder.h"

namespace abc {

// The settings the command-line tool and the desktop application share, so that
// `abc-photos-cli search "a dog"` finds the vectors the application computed: which model,
// how it runs, how finely photos are seen, and which library. One JSON file
// ($XDG_CONFIG_HOME/abc-photos/settings.json); keys this version does not know are kept.
struct SharedSettings {
    ModelLocation model;             // hub ids (Hugging Face cache) or folders
    std::string device;              // "" = the best available (a CUDA GPU), "cpu", "cuda:N"
    std::string precision = "auto";  // "auto" (float32 on the CPU, bfloat16 on CUDA), "float32",
                                     // "bfloat16"
    int imageTokens = 576;           // image detail: 256 fast, 576 balanced, 1024 best (= ABC)
    std::string libraryFile;         // "" = LibraryStore::defaultPath()

    // $XDG_CONFIG_HOME/abc-photos/settings.json, or ~/.config/abc-photos/settings.json.
    static std::filesystem::path defaultPath();

    // A missing file gives the defaults. A file that is not valid settings throws abc::Error
    // naming it and the key at fault.
    static SharedSettings load(const std::filesystem::path& file);
    // Writes atomically (a temporary file renamed over it), keeping keys it does not know.
    // Throws abc::Error naming the file when it cannot be written.
    void save(const std::filesystem::path& file) const;

    // The library file these settings name.
    std::string libraryPath() const;
    // The engine options: device and precision resolved ("" device: cuda:0 when a GPU is
    // usable, else the CPU).
    EmbedderOptions embedderOptions() const;
};

// The image-detail presets users choose from (Settings, --max-image-tokens).
struct ImageDetailPreset {
    const char* key;
    const char* label;
    int tokens;
};
inline constexpr ImageDetailPreset kImageDetailPresets[] = {
    {"fast", "Fast", 256}, {"balanced", "Balanced", 576}, {"best", "Best", 1024}};

}  // namespace abc
