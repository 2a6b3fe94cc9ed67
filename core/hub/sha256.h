#pragma once

#include <filesystem>
#include <functional>
#include <string>

namespace abc {

// The sha256 of a file's bytes as 64 lowercase hex digits (OpenSSL's libcrypto), which is the
// name the hub gives an LFS file (its X-Linked-Etag). `keepGoing` is asked between chunks so a
// long check can be cancelled (it then throws abc::Cancelled). Throws abc::Error naming the
// file when it cannot be read.
std::string sha256OfFile(const std::filesystem::path& file,
                         const std::function<bool()>& keepGoing = {});

// A name that is a sha256 (64 lowercase hex digits): an LFS blob whose content can be checked.
bool isSha256Hex(const std::string& text);

}  // namespace abc
