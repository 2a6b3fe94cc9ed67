#include "core/model/tensor_names.h"

#include <array>
#include <utility>

namespace abc {

std::string canonicalTensorName(std::string_view checkpointName) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 2> kRenames{{
        {"model.language_model.", "model."},
        {"model.visual.", "visual."},
    }};
    for (const auto& [from, to] : kRenames) {
        if (checkpointName.starts_with(from)) {
            return std::string(to) + std::string(checkpointName.substr(from.size()));
        }
    }
    return std::string(checkpointName);
}

}  // namespace abc
