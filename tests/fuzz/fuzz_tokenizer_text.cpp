// The real Qwen2-VL tokenizer on arbitrary bytes (what a user types, pastes or a file name
// holds): invalid UTF-8 is an abc::Error; valid text gives ids inside the vocabulary, and
// decoding them gives the text back (byte-level BPE is lossless; NFC may recompose).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/io/error.h"
#include "core/text/tokenizer.h"

namespace {

const abc::Tokenizer& qwenTokenizer() {
    static const abc::Tokenizer tokenizer = abc::Tokenizer::fromFile(ABC_FUZZ_TOKENIZER_JSON);
    return tokenizer;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    qwenTokenizer();  // load once, outside the timed inputs
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const abc::Tokenizer& tokenizer = qwenTokenizer();
    std::vector<std::int64_t> ids;
    try {
        ids = tokenizer.encode(text);
    } catch (const abc::Error&) {
        return 0;
    }
    for (const std::int64_t id : ids) {
        if (id < 0 || static_cast<std::size_t>(id) >= tokenizer.vocabSize()) {
            __builtin_trap();
        }
    }
    if (!text.empty() && ids.empty()) {
        __builtin_trap();  // text that vanished
    }
    volatile std::size_t length = tokenizer.decode(ids).size();
    (void)length;
    return 0;
}
