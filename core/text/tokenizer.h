#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace abc {

// Byte-level BPE tokenizer loaded from a Hugging Face tokenizer.json (the Qwen2 family):
// added tokens split off first (leftmost-longest on the raw text), NFC, the Split
// pre-tokenizer's regex, GPT-2 byte mapping, BPE by merge rank. Ids match the Rust
// `tokenizers` library with add_special_tokens=false (no BOS/EOS; the post-processor is not
// applied). Features outside that pipeline are refused at load time with an abc::Error.
// Copies share the loaded data; all const methods may be called from several threads.
class Tokenizer {
  public:
    // Throws abc::Error naming the file for unreadable or malformed files.
    static Tokenizer fromFile(const std::filesystem::path& tokenizerJson);
    // `dir`/tokenizer.json.
    static Tokenizer fromModelDir(const std::filesystem::path& dir);

    // Throws abc::Error when `utf8` is not well-formed UTF-8.
    std::vector<std::int64_t> encode(std::string_view utf8) const;
    // Concatenates the tokens' bytes and repairs ill-formed UTF-8 with U+FFFD (one per
    // maximal ill-formed subsequence). Ids the tokenizer does not know are skipped, as in
    // tokenizers.
    std::string decode(const std::vector<std::int64_t>& ids, bool skipSpecialTokens = false) const;

    // The id of an added token ("<|image_pad|>") or of a vocabulary entry in the
    // vocabulary's own byte-level spelling ("Ġthe").
    std::optional<std::int64_t> tokenId(std::string_view token) const;
    // One past the highest id (BPE vocabulary plus added tokens: 151657 for Qwen2-VL; the
    // model's embedding table may be larger).
    std::size_t vocabSize() const;

    struct Impl;

  private:
    explicit Tokenizer(std::shared_ptr<const Impl> impl);
    std::shared_ptr<const Impl> impl_;
};

}  // namespace abc
