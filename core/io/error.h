#pragma once

#include <stdexcept>
#include <string>

namespace abc {

// Every failure that reaches a user carries the thing it concerns (a file, a tensor, a
// setting) so the message alone says what to fix. Thrown by value, caught by const reference.
class Error : public std::runtime_error {
  public:
    Error(std::string subject, const std::string& problem)
        : std::runtime_error(subject.empty() ? problem : subject + ": " + problem),
          subject_(std::move(subject)),
          problem_(problem) {}

    // The file, tensor or setting the error is about (may be empty).
    const std::string& subject() const { return subject_; }
    // What is wrong with it, without the subject.
    const std::string& problem() const { return problem_; }

  private:
    std::string subject_;
    std::string problem_;
};

// The user asked to stop (cancel hook); not a failure, so callers can tell it apart.
class Cancelled : public std::runtime_error {
  public:
    Cancelled() : std::runtime_error("cancelled") {}
};

}  // namespace abc
