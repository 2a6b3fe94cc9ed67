// A PEFT adapter's settings (adapter_config.json), without its tensors: no libtorch here, so
// the parser can be tested and fuzzed on its own.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/model/module_pattern.h"

namespace abc {

// The parts of a PEFT adapter_config.json the engine implements (peft 0.13.2 LoRA).
struct LoraConfig {
    std::int64_t rank = 0;
    double alpha = 0.0;
    bool useRslora = false;
    // target_modules: a list matches a module whose name equals an entry or ends with
    // "." + entry; a string is a regular expression that must match the whole name (Python
    // re.fullmatch; see ModulePattern).
    std::vector<std::string> targetList;
    std::optional<std::string> targetPattern;
    std::vector<std::string> modulesToSave;

    // lora_alpha / r, or lora_alpha / sqrt(r) with use_rslora.
    double scaling() const;
    bool targets(const std::string& moduleName) const;

    static LoraConfig fromFile(const std::filesystem::path& adapterConfigJson);
    // The same from the file's text; `origin` names it in errors.
    static LoraConfig fromJsonText(const std::string& text, const std::string& origin);

  private:
    static LoraConfig parse(const std::string& text, const std::string& origin);

    std::optional<ModulePattern> compiled_;
};

}  // namespace abc
