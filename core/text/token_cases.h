#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace abc {

// The JSON-lines exchange format of `abc-photos-cli tokenize` and of the tokenizer goldens:
// one object per line with a "text" string (and, in output, its "ids").

// The "text" of every non-empty line, in order. Throws abc::Error naming the file and line
// for unreadable files, invalid JSON or a missing "text" string.
std::vector<std::string> readTextCases(const std::filesystem::path& jsonl);

struct TokenizedText {
    std::string text;
    std::vector<std::int64_t> ids;
};

// One {"text": ..., "ids": [...]} line; `textKey` names the text member to read. The text
// keeps every byte (a leading U+FEFF included). Throws abc::Error("token case", ...) for
// invalid JSON or missing members.
TokenizedText parseTokenizedText(std::string_view jsonLine, const std::string& textKey = "text");

// {"text": ..., "ids": [...]} on one line, without a trailing newline.
std::string tokenizedCaseJson(const std::string& text, const std::vector<std::int64_t>& ids);

}  // namespace abc
