#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace abc::text {

// A token added on top of the BPE vocabulary (tokenizer.json "added_tokens"), e.g.
// <|im_start|>. It is matched as a whole in the text before any other processing.
struct AddedToken {
    std::string content;
    std::int64_t id = 0;
    bool special = false;     // removed by decode(..., skipSpecialTokens = true)
    bool normalized = false;  // matched in the normalized text instead of the raw text
};

// Finds added tokens in text with leftmost-longest semantics (the earliest match wins; at
// the same position the longest), like the Aho-Corasick automaton tokenizers uses.
class AddedTokenMatcher {
  public:
    struct Match {
        std::size_t begin = 0;
        std::size_t length = 0;
        std::int64_t id = 0;
    };

    AddedTokenMatcher() = default;
    explicit AddedTokenMatcher(const std::vector<AddedToken>& tokens);

    bool empty() const { return nodes_.size() <= 1; }
    std::optional<Match> find(std::string_view text, std::size_t from) const;

  private:
    struct Node {
        std::vector<std::pair<unsigned char, std::int32_t>> children;
        std::int64_t id = -1;  // >= 0: a token ends here
    };
    std::vector<Node> nodes_{Node{}};
    std::array<bool, 256> firstByte_{};
};

}  // namespace abc::text
