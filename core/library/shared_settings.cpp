#include "core/library/shared_settings.h"

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/io/error.h"
#include "core/library/library_store.h"
#include "core/model/device.h"

namespace abc {

namespace {

nlohmann::json readJson(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        throw Error(file.string(), "cannot be read");
    }
    std::stringstream text;
    text << in.rdbuf();
    try {
        nlohmann::json json = nlohmann::json::parse(text.str());
        if (!json.is_object()) {
            throw Error(file.string(), "is not a JSON object of settings");
        }
        return json;
    } catch (const nlohmann::json::exception& e) {
        throw Error(file.string(), std::string("is not valid JSON: ") + e.what());
    }
}

template <typename T>
void readKey(const nlohmann::json& json, const char* key, T& out,
             const std::filesystem::path& file) {
    const auto it = json.find(key);
    if (it == json.end() || it->is_null()) {
        return;
    }
    try {
        out = it->get<T>();
    } catch (const nlohmann::json::exception&) {
        throw Error(file.string(),
                    std::string("setting \"") + key + "\" has the wrong type (" + it->dump() + ")");
    }
}

}  // namespace

std::filesystem::path SharedSettings::defaultPath() {
    const char* xdg = std::getenv("XDG_CONFIG_HOME");
    std::filesystem::path base;
    if (xdg != nullptr && *xdg == '/') {
        base = xdg;
    } else {
        const char* home = std::getenv("HOME");
        base = std::filesystem::path(home != nullptr ? home : ".") / ".config";
    }
    return base / "abc-photos" / "settings.json";
}

SharedSettings SharedSettings::load(const std::filesystem::path& file) {
    SharedSettings settings;
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) {
        return settings;
    }
    const nlohmann::json json = readJson(file);
    readKey(json, "base_model", settings.model.base, file);
    readKey(json, "pretrain_adapter", settings.model.pretrainAdapter, file);
    readKey(json, "instruct_adapter", settings.model.instructAdapter, file);
    readKey(json, "device", settings.device, file);
    readKey(json, "precision", settings.precision, file);
    readKey(json, "image_tokens", settings.imageTokens, file);
    readKey(json, "library_file", settings.libraryFile, file);
    if (settings.precision != "auto" && settings.precision != "float32" &&
        settings.precision != "bfloat16") {
        throw Error(file.string(), "setting \"precision\" is \"" + settings.precision +
                                       "\"; expected auto, float32 or bfloat16");
    }
    if (settings.imageTokens < 4 || settings.imageTokens > 16384) {
        throw Error(file.string(), "setting \"image_tokens\" is " +
                                       std::to_string(settings.imageTokens) +
                                       "; expected 256 (fast), 576 (balanced) or 1024 (best)");
    }
    return settings;
}

void SharedSettings::save(const std::filesystem::path& file) const {
    nlohmann::json json = nlohmann::json::object();
    std::error_code ec;
    if (std::filesystem::exists(file, ec)) {
        try {
            json = readJson(file);
        } catch (const Error&) {
            // Not settings any more (edited by hand, a crash of another program): kept aside
            // for the user rather than silently replaced.
            std::filesystem::rename(file, file.string() + ".unreadable", ec);
        }
    }
    json["base_model"] = model.base;
    json["pretrain_adapter"] = model.pretrainAdapter;
    json["instruct_adapter"] = model.instructAdapter;
    json["device"] = device;
    json["precision"] = precision;
    json["image_tokens"] = imageTokens;
    json["library_file"] = libraryFile;

    std::filesystem::create_directories(file.parent_path(), ec);
    const std::filesystem::path temporary = file.string() + ".tmp";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << json.dump(2) << "\n";
        if (!out.flush()) {
            throw Error(temporary.string(), "cannot be written");
        }
    }
    std::filesystem::rename(temporary, file, ec);
    if (ec) {
        throw Error(file.string(), "cannot be replaced: " + ec.message());
    }
}

std::string SharedSettings::libraryPath() const {
    return libraryFile.empty() ? LibraryStore::defaultPath() : libraryFile;
}

EmbedderOptions SharedSettings::embedderOptions() const {
    EmbedderOptions options;
    options.model = model;
    if (!device.empty()) {
        options.device = device;
    } else if (runtimeInfo().cudaAvailable) {
        options.device = "cuda:0";  // a GPU is tens of times faster than the CPU for a 7B model
    } else {
        options.device = "cpu";
    }
    if (precision == "float32") {
        options.precision = Precision::Float32;
    } else if (precision == "bfloat16") {
        options.precision = Precision::BFloat16;
    }
    return options;
}

}  // namespace abc
