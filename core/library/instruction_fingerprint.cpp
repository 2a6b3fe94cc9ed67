#include "core/library/instruction_fingerprint.h"

#include <string_view>

namespace abc {

namespace {

constexpr std::string_view kInstruct = "|instruct=";
constexpr std::string_view kNoAdapter = "none";

}  // namespace

std::string instructionFingerprint(const std::string& plainFingerprint,
                                   const std::string& instructAdapter) {
    return plainFingerprint + std::string(kInstruct) +
           (instructAdapter.empty() ? std::string(kNoAdapter) : instructAdapter);
}

std::optional<InstructionFingerprint> parseInstructionFingerprint(const std::string& fingerprint) {
    // The suffix is the last part: the plain fingerprint never ends in one.
    const auto at = fingerprint.rfind(kInstruct);
    if (at == std::string::npos) {
        return std::nullopt;
    }
    return InstructionFingerprint{fingerprint.substr(0, at),
                                  fingerprint.substr(at + kInstruct.size())};
}

}  // namespace abc
