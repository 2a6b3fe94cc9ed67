#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace abc {

// The JSON-lines exchange format of `abc-photos-cli tokenize` and of the tokenizer goldens:
// one object per line with a "text" string (and, in output, its "ids").

// The "text" of every non-empty line, in order. Throws abc::Error naming the file and line
// for unreadable files, invalid JSON or a missing "text" string.
std::vector<std::string> readTextCases(const std::filesystem::path& jsonl);

// {"text": ..., "ids": [...]} on one line, without a trailing newline.
std::string tokenizedCaseJson(const std::string& text, const std::vector<std::int64_t>& ids);

}  // namespace abc
