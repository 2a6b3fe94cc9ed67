#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace abc::text {

// Byte-level BPE (the tokenizers "BPE" model behind a ByteLevel pre-tokenizer): a word's
// bytes start as one symbol each and adjacent pairs are merged lowest merge rank first,
// leftmost on ties, until no listed pair remains. Thread-safe: const methods only read,
// except the word cache, which is guarded.
class BpeModel {
  public:
    struct Options {
        bool ignoreMerges = false;        // a word that is itself a vocabulary entry skips BPE
        std::optional<std::int32_t> unk;  // for bytes without a vocabulary entry (else dropped)
        bool fuseUnk = false;             // consecutive unknowns become one
    };

    // `vocab` maps the vocabulary's spelling (byte-level characters) to ids; merges are in
    // rank order. Throws abc::Error(subject, ...) for ids out of range, duplicate ids, or
    // merges whose parts or result are not in the vocabulary.
    BpeModel(std::vector<std::pair<std::string, std::int64_t>> vocab,
             const std::vector<std::pair<std::string, std::string>>& merges, Options options,
             const std::string& subject);
    ~BpeModel();

    // Appends the ids of one pre-token given as raw bytes.
    void encodeWord(std::string_view bytes, std::vector<std::int64_t>& ids) const;

    std::optional<std::int64_t> tokenId(std::string_view spelling) const;
    // The vocabulary's spelling of an id (empty when the id is unused).
    const std::string& spelling(std::int64_t id) const;
    // One past the highest id.
    std::size_t idLimit() const { return spellings_.size(); }

  private:
    struct Merge {
        std::int32_t rank;
        std::int32_t result;
    };
    static std::uint64_t pairKey(std::int32_t left, std::int32_t right) {
        return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(left)) << 32) |
               static_cast<std::uint32_t>(right);
    }
    const Merge* findMerge(std::int32_t left, std::int32_t right) const;
    void mergeWord(std::string_view bytes, std::vector<std::int32_t>& out) const;

    std::unordered_map<std::string, std::int32_t> vocab_;
    std::vector<std::string> spellings_;
    std::array<std::int32_t, 256> byteIds_{};  // -1: the byte has no vocabulary entry
    std::unordered_map<std::uint64_t, Merge> merges_;
    Options options_;

    // Words seen before (like tokenizers' BPE cache: bounded, short words only).
    mutable std::shared_mutex cacheMutex_;
    mutable std::unordered_map<std::string, std::vector<std::int32_t>> cache_;
};

}  // namespace abc::text
