#include "app/cli/stored_vector_choice.h"

#include <sstream>

#include "app/cli/vector_set_check.h"
#include "core/hub/model_identity.h"
#include "core/hub/model_resolver.h"
#include "core/io/error.h"
#include "core/library/photo_decoder.h"
#include "core/library/stored_vector_set.h"
#include "core/library/vector_set_fields.h"

namespace abc::cli {

namespace {

std::string chosen(const std::string& option, const std::string& setting) {
    return option.empty() ? setting : option;
}

// Every name the library may hold a checkpoint's vectors under (its current and former ones).
std::vector<std::string> identitiesOf(const std::string& location) {
    const ResolvedModel resolved = resolveModel(location);
    std::vector<std::string> names{modelIdentity(resolved)};
    for (auto& former : formerModelIdentities(resolved)) {
        names.push_back(std::move(former));
    }
    return names;
}

[[noreturn]] void reportSeveral(LibraryStore& store,
                                const std::vector<LibraryStore::ModelSummary>& sets,
                                const std::string& why) {
    std::ostringstream text;
    text << "the library has " << sets.size() << " vector sets these options could mean; " << why
         << ":";
    for (const auto& set : sets) {
        text << "\n  " << set.plainVectors << " photos: " << set.fingerprint;
    }
    throw Error(store.path(), text.str());
}

}  // namespace

LibraryStore::ModelSummary chooseStoredVectorSet(LibraryStore& store, const ModelOptions& options) {
    const SharedSettings settings = sharedSettings();
    const auto decoder =
        makePhotoDecoder(decoderOptionsForImageTokens(imageTokens(options, settings)));
    // The decoder part of the fingerprint ("image:pixels=..,exif-orientation=on") as fields.
    std::map<std::string, std::string> known = vectorSetFields(";" + decoder->fingerprint());
    known["positions"] = options.positions;
    known["weights"] = options.weights.empty() ? "bf16" : options.weights;
    const std::string precision = chosen(options.dtype, settings.precision);
    if (!precision.empty() && precision != "auto") {
        known["precision"] = precision;
    }
    WantedVectorSetFields wanted;
    for (const auto& [key, value] : known) {
        wanted[key] = {value};
    }
    auto sets = plainVectorSetsMatching(store, wanted);
    if (sets.empty()) {
        reportMissingVectors(store, known);
    }
    if (sets.size() > 1) {
        try {
            wanted["base"] = identitiesOf(chosen(options.model.base, settings.model.base));
            wanted["pretrain"] =
                identitiesOf(chosen(options.model.pretrainAdapter, settings.model.pretrainAdapter));
        } catch (const Error& e) {
            reportSeveral(store, sets,
                          std::string("the model that would tell them apart is not readable (") +
                              e.what() + ")");
        }
        sets = plainVectorSetsMatching(store, wanted);
        if (sets.empty()) {
            reportMissingVectors(store, known);
        }
    }
    if (sets.size() > 1 && !wanted.contains("precision")) {
        // The engine's default: float32 on the CPU, bfloat16 on CUDA. Which one "the best
        // available" device is would take loading libtorch; --device or --dtype says it.
        const std::string device = chosen(options.device, settings.device);
        if (device == "cpu") {
            wanted["precision"] = {"float32"};
        } else if (device.starts_with("cuda")) {
            wanted["precision"] = {"bfloat16"};
        } else {
            reportSeveral(store, sets, "--dtype or --device chooses one");
        }
        sets = plainVectorSetsMatching(store, wanted);
        if (sets.empty()) {
            reportMissingVectors(store, known);
        }
    }
    if (sets.size() > 1) {
        reportSeveral(store, sets, "the options given here cannot tell them apart");
    }
    return sets.front();
}

}  // namespace abc::cli
