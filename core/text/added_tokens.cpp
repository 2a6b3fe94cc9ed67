#include "core/text/added_tokens.h"

namespace abc::text {

AddedTokenMatcher::AddedTokenMatcher(const std::vector<AddedToken>& tokens) {
    for (const AddedToken& token : tokens) {
        if (token.content.empty()) {
            continue;
        }
        std::int32_t node = 0;
        for (const char ch : token.content) {
            const auto c = static_cast<unsigned char>(ch);
            std::int32_t child = -1;
            for (const auto& [label, index] : nodes_[node].children) {
                if (label == c) {
                    child = index;
                }
            }
            if (child < 0) {
                child = static_cast<std::int32_t>(nodes_.size());
                nodes_[node].children.emplace_back(c, child);
                nodes_.emplace_back();
            }
            node = child;
        }
        if (nodes_[node].id < 0) {
            nodes_[node].id = token.id;
        }
        firstByte_[static_cast<unsigned char>(token.content[0])] = true;
    }
}

std::optional<AddedTokenMatcher::Match> AddedTokenMatcher::find(std::string_view text,
                                                                std::size_t from) const {
    if (empty()) {
        return std::nullopt;
    }
    for (std::size_t begin = from; begin < text.size(); ++begin) {
        if (!firstByte_[static_cast<unsigned char>(text[begin])]) {
            continue;
        }
        std::optional<Match> longest;
        std::int32_t node = 0;
        for (std::size_t pos = begin; pos < text.size(); ++pos) {
            const auto c = static_cast<unsigned char>(text[pos]);
            std::int32_t child = -1;
            for (const auto& [label, index] : nodes_[node].children) {
                if (label == c) {
                    child = index;
                    break;
                }
            }
            if (child < 0) {
                break;
            }
            node = child;
            if (nodes_[node].id >= 0) {
                longest = Match{begin, pos + 1 - begin, nodes_[node].id};
            }
        }
        if (longest) {
            return longest;
        }
    }
    return std::nullopt;
}

}  // namespace abc::text
