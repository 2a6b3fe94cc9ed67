#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace abc {

// A list of labels a library's photos are classified by, zero-shot: each label is embedded as
// text and scored against each photo's vector (cosine). A photo gets either every label that
// scores at least `threshold` or its `topK` best labels (whichever `rule` says), so one set can
// be exclusive ("the main scene") or a multi-label list ("what is in it").
struct TagSet {
    enum class Rule { Threshold, TopK };
    std::string name;
    std::vector<std::string> labels;
    // Non-empty: the photos are embedded with this instruction (instruct adapter on), cached
    // per instruction like instruction search; empty: the stored plain vectors are used.
    std::string instruction;
    Rule rule = Rule::TopK;
    float threshold = 0.0f;  // Rule::Threshold: a label is given when its score >= threshold
    std::size_t topK = 1;    // Rule::TopK: the k best labels of each photo
};

// Throws abc::Error naming the set for an empty name, no labels, an empty or repeated label,
// or topK of 0.
void validateTagSet(const TagSet& set);

// Everything that changes a set's tags (labels in order, instruction, rule), one line each, so
// results computed for one text are never shown for another. The name is not part of it.
std::string tagSetText(const TagSet& set);
// A short digest of tagSetText (16 hex digits), stored with the results it produced.
std::string tagSetHash(const TagSet& set);

// The rule in words for lists: "top 1", "score >= 0.25".
std::string describeRule(const TagSet& set);

// The example sets every library offers: scenes, animals, documents (screenshots, receipts).
std::vector<TagSet> builtInTagSets();

}  // namespace abc
