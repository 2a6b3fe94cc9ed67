// PEFT's target_modules as a string: a Python regular expression that must match a module's
// whole name (re.fullmatch). An adapter file is input from the internet, so matching is
// bounded: a pattern that backtracks without end is an error, not a hung model load.
#pragma once

#include <memory>
#include <string>

namespace abc {

class ModulePattern {
  public:
    // PCRE2, whose syntax is a superset of what Python's re offers for module names (groups,
    // alternation, classes, (?P<name>...), inline flags). Throws abc::Error(subject, ...)
    // naming the offset when the pattern does not compile.
    ModulePattern(const std::string& pattern, std::string subject);

    // Throws abc::Error(subject, ...) when matching needs more than the step budget.
    bool fullMatch(const std::string& name) const;

  private:
    struct Code;
    std::shared_ptr<const Code> code_;
    std::string subject_;
};

}  // namespace abc
