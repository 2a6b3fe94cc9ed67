// tokenizer.json from a model folder: any file is either a working tokenizer or an
// abc::Error; one that loads must also encode and decode a sentence.
#include <cstddef>
#include <cstdint>

#include "core/io/error.h"
#include "core/text/tokenizer.h"
#include "tests/fuzz/scratch_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto path = abc::fuzz::writeScratchFile(data, size, ".tokenizer.json");
    try {
        const abc::Tokenizer tokenizer = abc::Tokenizer::fromFile(path);
        const auto ids = tokenizer.encode("A dog on the beach, 12\" vinyl <|image_pad|> héllo");
        for (const std::int64_t id : ids) {
            if (id < 0 || static_cast<std::size_t>(id) >= tokenizer.vocabSize()) {
                __builtin_trap();  // an id the embedding table would not have
            }
        }
        volatile std::size_t length = tokenizer.decode(ids).size();
        (void)length;
    } catch (const abc::Error&) {
    }
    return 0;
}
