#include "core/library/tag_set.h"

#include <cstdint>
#include <cstdio>
#include <set>

#include "core/io/error.h"

namespace abc {

void validateTagSet(const TagSet& set) {
    const std::string subject =
        "tag set " + (set.name.empty() ? std::string("(unnamed)") : set.name);
    if (set.name.empty()) {
        throw Error(subject, "has no name");
    }
    if (set.labels.empty()) {
        throw Error(subject, "has no labels");
    }
    std::set<std::string> seen;
    for (const auto& label : set.labels) {
        if (label.empty()) {
            throw Error(subject, "has an empty label");
        }
        if (label.find('\n') != std::string::npos) {
            throw Error(subject, "label \"" + label + "\" spans several lines");
        }
        if (!seen.insert(label).second) {
            throw Error(subject, "lists the label \"" + label + "\" twice");
        }
    }
    if (set.rule == TagSet::Rule::TopK && set.topK == 0) {
        throw Error(subject, "top-k must be at least 1");
    }
    if (set.instruction.find('\n') != std::string::npos) {
        throw Error(subject, "its instruction spans several lines");
    }
}

std::string describeRule(const TagSet& set) {
    if (set.rule == TagSet::Rule::TopK) {
        return "top " + std::to_string(set.topK);
    }
    char text[32];
    std::snprintf(text, sizeof text, "score >= %.4g", static_cast<double>(set.threshold));
    return text;
}

std::string tagSetText(const TagSet& set) {
    std::string text = "instruction: " + set.instruction + "\n";
    if (set.rule == TagSet::Rule::TopK) {
        text += "top-k: " + std::to_string(set.topK) + "\n";
    } else {
        // %a: the exact float, so 0.25 and 0.2500001 are different sets.
        char threshold[48];
        std::snprintf(threshold, sizeof threshold, "%a", static_cast<double>(set.threshold));
        text += std::string("threshold: ") + threshold + "\n";
    }
    for (const auto& label : set.labels) {
        text += "label: " + label + "\n";
    }
    return text;
}

std::string tagSetHash(const TagSet& set) {
    // FNV-1a: a change detector for a few hundred bytes of our own text, not a security check.
    std::uint64_t hash = 14695981039346656037ull;
    for (const unsigned char c : tagSetText(set)) {
        hash ^= c;
        hash *= 1099511628211ull;
    }
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
    return hex;
}

std::vector<TagSet> builtInTagSets() {
    TagSet scenes;
    scenes.name = "scenes";
    scenes.labels = {"a beach",           "a mountain landscape", "a city street",
                     "a forest",          "an indoor room",       "a night sky",
                     "a snowy landscape", "a lake or river"};
    scenes.rule = TagSet::Rule::TopK;
    scenes.topK = 1;

    TagSet animals;
    animals.name = "animals";
    animals.labels = {"a dog", "a cat", "a bird", "a horse", "a fish", "an insect"};
    animals.instruction = "What animal is in the photo?";
    animals.rule = TagSet::Rule::Threshold;
    animals.threshold = 0.25f;

    TagSet documents;
    documents.name = "documents";
    documents.labels = {"a screenshot",       "a receipt",    "a scanned document",
                        "a handwritten note", "a whiteboard", "a photo of a person",
                        "a photo of a place"};
    documents.rule = TagSet::Rule::TopK;
    documents.topK = 1;
    return {scenes, animals, documents};
}

}  // namespace abc
