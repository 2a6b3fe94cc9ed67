// Every image format the library indexes, from arbitrary bytes through the model's
// preprocessing, as the indexer runs it. The pixel limit keeps each input small so the fuzzer
// explores headers rather than spending its time resizing; the limit itself is part of what
// is tested (a header claiming 65535x65535 must be refused before any pixel is allocated).
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/image/decode.h"
#include "core/image/image_preprocessor.h"
#include "core/io/error.h"

namespace {

const abc::ImagePreprocessor& preprocessor() {
    static const abc::ImagePreprocessor instance([] {
        abc::ImagePreprocessorOptions options;
        options.minPixels = 4 * 28 * 28;
        options.maxPixels = 16 * 28 * 28;
        options.decode.maxPixels = 1 << 20;
        return options;
    }());
    return instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> bytes(data, size);
    try {
        const abc::PreprocessedImage image = preprocessor().preprocessBytes(bytes, "photo");
        if (image.resized.width <= 0 || image.resized.height <= 0) {
            __builtin_trap();
        }
    } catch (const abc::Error&) {
    }
    return 0;
}
