#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace abc::text {

// What the tokenizers "Split" pre-tokenizer keeps of the text (SplitDelimiterBehavior).
enum class SplitBehavior {
    Isolated,  // every match and every stretch between matches is its own piece
    Removed,   // matches are dropped, the stretches between them are kept
};

// The Split pre-tokenizer: cuts text at the matches of a regular expression (PCRE2, UTF +
// Unicode properties, JIT-compiled). Hugging Face tokenizers runs these patterns on
// Oniguruma, where \s and \S mean the Unicode White_Space property; PCRE2's \s also takes
// U+180E, so \s / \S are rewritten to \p{White_Space} / \P{White_Space} (PCRE2's own
// Unicode tables). \p{L}, \p{N} and (?i) case folding already agree.
// Thread-safe: split() allocates its match state per call.
class RegexSplitter {
  public:
    // `literal`: the pattern is a plain string (tokenizers' {"String": ...} form).
    // Throws abc::Error(subject, ...) when the pattern does not compile.
    RegexSplitter(std::string_view pattern, bool literal, SplitBehavior behavior, bool invert,
                  const std::string& subject);

    // Appends the non-empty pieces of `text` (well-formed UTF-8) as views into it.
    void split(std::string_view text, std::vector<std::string_view>& pieces) const;

  private:
    struct Code;
    std::shared_ptr<const Code> code_;
    SplitBehavior behavior_;
    bool invert_;
};

// \s -> \p{White_Space}, \S -> \P{White_Space}; other escapes and \Q...\E quotes untouched.
std::string withUnicodeWhiteSpace(std::string_view pattern);

}  // namespace abc::text
