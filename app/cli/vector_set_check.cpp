#include "app/cli/vector_set_check.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <sstream>
#include <vector>

#include "core/io/error.h"
#include "core/library/library_store.h"
#include "core/library/vector_set_fields.h"

namespace abc::cli {

namespace {

using Fields = std::map<std::string, std::string>;

std::string field(const Fields& fields, const std::string& key) {
    const auto it = fields.find(key);
    return it == fields.end() ? std::string() : it->second;
}

std::string shortId(const std::string& id) {
    return id.size() > 16 ? id.substr(0, 16) + "..." : id;
}

// "precision float32, 576 image tokens, positions sequential"; a setting not known (a
// command that chooses among stored vectors without the model) is left out.
std::string describe(const Fields& fields) {
    std::string out;
    const auto add = [&](const std::string& text) { out += (out.empty() ? "" : ", ") + text; };
    if (const std::string precision = field(fields, "precision"); !precision.empty()) {
        add("precision " + precision);
    }
    if (const std::string tokens = field(fields, "image_tokens"); !tokens.empty()) {
        add(tokens + " image tokens");
    }
    if (const std::string positions = field(fields, "positions"); !positions.empty()) {
        add("positions " + positions);
    }
    for (const auto& [key, value] : fields) {
        if (key == "weights") {
            add("weights " + value);
        }
    }
    return out;
}

// How to ask for `have` when running with `want`: options for what the command line can
// change, words for what it cannot (another checkpoint).
std::string howToSelect(const Fields& have, const Fields& want) {
    static const std::pair<const char*, const char*> kOptions[] = {
        {"precision", "--dtype"},
        {"image_tokens", "--max-image-tokens"},
        {"positions", "--positions"},
        {"weights", "--weights"}};
    std::string options;
    for (const auto& [key, option] : kOptions) {
        const std::string value = field(have, key);
        if (!value.empty() && value != field(want, key)) {
            options += (options.empty() ? "" : " ") + std::string(option) + " " + value;
        }
    }
    std::string other;
    for (const auto& [key, value] : have) {
        const bool selectable = std::any_of(std::begin(kOptions), std::end(kOptions),
                                            [&](const auto& o) { return key == o.first; });
        // A setting the caller does not know (no model loaded) tells nothing apart.
        if (selectable || key == "min_image_tokens" || !want.contains(key) ||
            field(want, key) == value) {
            continue;
        }
        std::string item = key == "base"       ? "another base model (" + shortId(value) + ")"
                           : key == "pretrain" ? "another pretrain adapter (" + shortId(value) + ")"
                                               : key + "=" + value;
        other += (other.empty() ? "made with " : ", ") + item;
    }
    if (!options.empty()) {
        other += (other.empty() ? "" : "; ") + std::string("use ") + options;
    }
    return other.empty() ? "the same settings" : other;
}

}  // namespace

void requireVectorsFor(LibraryStore& store, const std::string& fingerprint) {
    for (auto& model : store.models()) {
        if (model.fingerprint == fingerprint && model.plainVectors > 0) {
            return;
        }
    }
    reportMissingVectors(store, vectorSetFields(fingerprint));
}

void reportMissingVectors(LibraryStore& store, const std::map<std::string, std::string>& want) {
    std::vector<LibraryStore::ModelSummary> others;
    for (auto& model : store.models()) {
        // Instructed sets belong to a plain set listed on its own.
        if (model.plainVectors > 0 && !vectorSetFields(model.fingerprint).contains("instruct")) {
            others.push_back(model);
        }
    }
    if (others.empty()) {
        throw Error(store.path(),
                    "no photos are indexed yet; `abc-photos-cli index FOLDER` "
                    "indexes a folder");
    }
    std::ostringstream text;
    text << "no photos are indexed with these settings (" << describe(want)
         << "). The library has:";
    for (const auto& model : others) {
        const Fields have = vectorSetFields(model.fingerprint);
        text << "\n  " << model.plainVectors << " photos indexed with " << describe(have) << ": "
             << howToSelect(have, want);
    }
    text << "\nThe desktop application's Settings choose the same; `abc-photos-cli index` "
            "indexes the library with the settings given here too.";
    throw Error(store.path(), text.str());
}

}  // namespace abc::cli
