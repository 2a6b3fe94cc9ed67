#pragma once

#include <stdexcept>

namespace abc::cli {

// A command line that asks for something impossible (a date that does not exist, a folder the
// library does not hold): exit status 2 like a malformed command line, never an empty answer.
// The message names the option and the value.
class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

}  // namespace abc::cli
