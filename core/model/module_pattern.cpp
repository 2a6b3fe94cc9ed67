#include "core/model/module_pattern.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "core/io/error.h"

namespace abc {

namespace {

// Far above what any real pattern needs on a module name (a few hundred steps), far below
// what a second of backtracking costs.
constexpr std::uint32_t kMatchSteps = 200000;
constexpr std::uint32_t kMatchDepth = 10000;

}  // namespace

struct ModulePattern::Code {
    pcre2_code* code = nullptr;
    pcre2_match_context* limits = nullptr;
    ~Code() {
        pcre2_match_context_free(limits);
        pcre2_code_free(code);
    }
};

ModulePattern::ModulePattern(const std::string& pattern, std::string subject)
    : subject_(std::move(subject)) {
    int errorCode = 0;
    PCRE2_SIZE errorOffset = 0;
    auto code = std::make_shared<Code>();
    code->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                               PCRE2_UTF | PCRE2_ANCHORED | PCRE2_ENDANCHORED, &errorCode,
                               &errorOffset, nullptr);
    if (code->code == nullptr) {
        PCRE2_UCHAR message[256];
        pcre2_get_error_message(errorCode, message, sizeof message);
        throw Error(subject_, "regular expression does not compile at offset " +
                                  std::to_string(errorOffset) + ": " +
                                  reinterpret_cast<const char*>(message));
    }
    code->limits = pcre2_match_context_create(nullptr);
    if (code->limits == nullptr) {
        throw Error(subject_, "out of memory");
    }
    pcre2_set_match_limit(code->limits, kMatchSteps);
    pcre2_set_depth_limit(code->limits, kMatchDepth);
    code_ = std::move(code);
}

bool ModulePattern::fullMatch(const std::string& name) const {
    pcre2_match_data* match = pcre2_match_data_create_from_pattern(code_->code, nullptr);
    if (match == nullptr) {
        throw Error(subject_, "out of memory");
    }
    const int rc = pcre2_match(code_->code, reinterpret_cast<PCRE2_SPTR>(name.data()), name.size(),
                               0, 0, match, code_->limits);
    pcre2_match_data_free(match);
    if (rc >= 0) {
        return true;
    }
    if (rc == PCRE2_ERROR_NOMATCH) {
        return false;
    }
    if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT) {
        throw Error(subject_, "regular expression too costly to match against \"" + name +
                                  "\" (it backtracks without end)");
    }
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(rc, message, sizeof message);
    throw Error(subject_,
                "cannot match \"" + name + "\": " + reinterpret_cast<const char*>(message));
}

}  // namespace abc
