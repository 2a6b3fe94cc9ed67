// adapter_config.json of a PEFT adapter, including the target_modules regular expression an
// adapter may carry: parse, then ask it which modules it targets.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/io/error.h"
#include "core/model/lora_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const abc::LoraConfig config = abc::LoraConfig::fromJsonText(text, "adapter_config.json");
        volatile double scaling = config.scaling();
        (void)scaling;
        for (const char* module :
             {"model.layers.0.self_attn.q_proj", "visual.blocks.3.attn.qkv", "lm_head", ""}) {
            volatile bool hit = config.targets(module);
            (void)hit;
        }
    } catch (const abc::Error&) {
    }
    return 0;
}
