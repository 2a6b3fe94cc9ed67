// config.json of the base model: any text is either a ModelConfig or an abc::Error.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/io/error.h"
#include "core/model/model_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const abc::ModelConfig config = abc::ModelConfig::fromJsonText(text, "config.json");
        (void)config;
    } catch (const abc::Error&) {
    }
    return 0;
}
