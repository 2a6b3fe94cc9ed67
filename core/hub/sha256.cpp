#include "core/hub/sha256.h"

#include <openssl/evp.h>

#include <fstream>
#include <memory>
#include <regex>
#include <vector>

#include "core/io/error.h"

namespace abc {

std::string sha256OfFile(const std::filesystem::path& file,
                         const std::function<bool()>& keepGoing) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        throw Error(file.string(), "cannot be read");
    }
    const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                          &EVP_MD_CTX_free);
    if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1) {
        throw Error("OpenSSL", "cannot start a sha256");
    }
    std::vector<char> chunk(4 << 20);
    while (in) {
        in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        const auto got = in.gcount();
        if (got > 0 &&
            EVP_DigestUpdate(context.get(), chunk.data(), static_cast<size_t>(got)) != 1) {
            throw Error("OpenSSL", "sha256 update failed");
        }
        if (keepGoing && !keepGoing()) {
            throw Cancelled();
        }
    }
    if (in.bad()) {
        throw Error(file.string(), "read failed while checking its sha256");
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(context.get(), digest, &length);
    static const char* kHex = "0123456789abcdef";
    std::string hex;
    for (unsigned int i = 0; i < length; ++i) {
        hex += kHex[digest[i] >> 4];
        hex += kHex[digest[i] & 15];
    }
    return hex;
}

bool isSha256Hex(const std::string& text) {
    static const std::regex pattern("^[0-9a-f]{64}$");
    return std::regex_match(text, pattern);
}

}  // namespace abc
