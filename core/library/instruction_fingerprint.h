#pragma once

#include <optional>
#include <string>

namespace abc {

// The model row that instruction-mode vectors are cached under:
// "<plain fingerprint>|instruct=<instruct adapter's fingerprint>" ("none" without an adapter).
// Plain vectors do not depend on the instruct adapter, so they keep the plain fingerprint's
// row; instructed vectors made with another adapter must never be reused, so they get a row
// per adapter. Built by ModelPhotoEmbedder, read back by the front ends that list a library's
// vector sets (LibraryStore's migration 3 writes the same form in SQL).
std::string instructionFingerprint(const std::string& plainFingerprint,
                                   const std::string& instructAdapter);

struct InstructionFingerprint {
    std::string plain;    // the fingerprint of the plain vectors it belongs to
    std::string adapter;  // the instruct adapter's fingerprint, or "none"
};
// The two parts of an instruction fingerprint; nullopt for a plain one.
std::optional<InstructionFingerprint> parseInstructionFingerprint(const std::string& fingerprint);

}  // namespace abc
