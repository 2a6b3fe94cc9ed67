#include "core/model/weight_quantization.h"

#include "core/io/error.h"

namespace abc {

std::string weightQuantizationName(WeightQuantization quantization) {
    switch (quantization) {
        case WeightQuantization::None:
            return "bf16";
        case WeightQuantization::Int8:
            return "int8";
        case WeightQuantization::Int4:
            return "int4";
    }
    return "bf16";
}

WeightQuantization parseWeightQuantization(const std::string& name, const std::string& subject) {
    for (const WeightQuantization q :
         {WeightQuantization::None, WeightQuantization::Int8, WeightQuantization::Int4}) {
        if (name == weightQuantizationName(q)) {
            return q;
        }
    }
    throw Error(subject, "\"" + name + "\" is not bf16, int8 or int4");
}

std::int64_t int4GroupSize(std::int64_t inFeatures) {
    for (const std::int64_t group : {128, 64, 32}) {
        if (inFeatures % group == 0) {
            return group;
        }
    }
    for (std::int64_t group = std::min<std::int64_t>(127, inFeatures); group > 1; --group) {
        if (inFeatures % group == 0) {
            return group;
        }
    }
    return 1;
}

}  // namespace abc
