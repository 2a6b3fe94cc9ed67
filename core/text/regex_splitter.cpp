#include "core/text/regex_splitter.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "core/io/error.h"

namespace abc::text {

struct RegexSplitter::Code {
    pcre2_code* code = nullptr;
    bool jit = false;
    ~Code() { pcre2_code_free(code); }
};

std::string withUnicodeWhiteSpace(std::string_view pattern) {
    std::string out;
    out.reserve(pattern.size() + 32);
    std::size_t i = 0;
    while (i < pattern.size()) {
        const char c = pattern[i];
        if (c != '\\' || i + 1 == pattern.size()) {
            out.push_back(c);
            ++i;
            continue;
        }
        const char e = pattern[i + 1];
        if (e == 's') {
            out += "\\p{White_Space}";
        } else if (e == 'S') {
            out += "\\P{White_Space}";
        } else if (e == 'Q') {
            const std::size_t end = pattern.find("\\E", i + 2);
            const std::size_t stop = end == std::string_view::npos ? pattern.size() : end + 2;
            out.append(pattern.substr(i, stop - i));
            i = stop;
            continue;
        } else {
            out.push_back(c);
            out.push_back(e);
        }
        i += 2;
    }
    return out;
}

RegexSplitter::RegexSplitter(std::string_view pattern, bool literal, SplitBehavior behavior,
                             bool invert, const std::string& subject)
    : behavior_(behavior), invert_(invert) {
    const std::string source = literal ? std::string(pattern) : withUnicodeWhiteSpace(pattern);
    std::uint32_t options = PCRE2_UTF | PCRE2_UCP;
    if (literal) {
        options |= PCRE2_LITERAL;
    }
    int errorCode = 0;
    PCRE2_SIZE errorOffset = 0;
    pcre2_code* compiled = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(source.data()), source.size(),
                                         options, &errorCode, &errorOffset, nullptr);
    if (compiled == nullptr) {
        PCRE2_UCHAR message[256];
        pcre2_get_error_message(errorCode, message, sizeof message);
        throw Error(subject, "the split pattern does not compile at offset " +
                                 std::to_string(errorOffset) + ": " +
                                 reinterpret_cast<const char*>(message));
    }
    auto code = std::make_shared<Code>();
    code->code = compiled;
    code->jit = pcre2_jit_compile(compiled, PCRE2_JIT_COMPLETE) == 0;
    code_ = std::move(code);
}

void RegexSplitter::split(std::string_view text, std::vector<std::string_view>& pieces) const {
    const auto keep = [&](std::size_t begin, std::size_t end, bool isMatch) {
        if (end <= begin) {
            return;
        }
        const bool removed = behavior_ == SplitBehavior::Removed && (isMatch != invert_);
        if (!removed) {
            pieces.push_back(text.substr(begin, end - begin));
        }
    };
    const std::unique_ptr<pcre2_match_data, decltype(&pcre2_match_data_free)> match(
        pcre2_match_data_create_from_pattern(code_->code, nullptr), &pcre2_match_data_free);
    if (!match) {
        throw std::bad_alloc();
    }
    const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    std::size_t start = 0;
    std::size_t last = 0;  // end of the previous match
    while (start <= text.size()) {
        const int rc = code_->jit ? pcre2_jit_match(code_->code, subject, text.size(), start, 0,
                                                    match.get(), nullptr)
                                  : pcre2_match(code_->code, subject, text.size(), start,
                                                PCRE2_NO_UTF_CHECK, match.get(), nullptr);
        if (rc == PCRE2_ERROR_NOMATCH) {
            break;
        }
        if (rc < 0) {
            PCRE2_UCHAR message[256];
            pcre2_get_error_message(rc, message, sizeof message);
            throw Error("text", std::string("pre-tokenizer pattern failed: ") +
                                    reinterpret_cast<const char*>(message));
        }
        const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(match.get());
        const std::size_t begin = ov[0];
        const std::size_t end = ov[1];
        if (end == begin) {
            // An empty match produces no piece; step over one character and search on.
            std::size_t next = begin + 1;
            while (next < text.size() && (static_cast<unsigned char>(text[next]) & 0xC0) == 0x80) {
                ++next;
            }
            start = next;
            continue;
        }
        keep(last, begin, false);
        keep(begin, end, true);
        last = end;
        start = end;
    }
    keep(last, text.size(), false);
}

}  // namespace abc::text
