// The safetensors reader on arbitrary files: opening validates the header (length, JSON,
// dtypes, shapes, offsets); every tensor it accepts must lie inside the mapping, which reading
// each byte proves under ASan.
#include <cstddef>
#include <cstdint>

#include "core/io/error.h"
#include "core/io/safetensors.h"
#include "tests/fuzz/scratch_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto path = abc::fuzz::writeScratchFile(data, size, ".safetensors");
    try {
        const abc::SafetensorsFile file = abc::SafetensorsFile::open(path);
        unsigned checksum = 0;
        for (const abc::TensorInfo& tensor : file.tensors()) {
            if (tensor.byteLength() !=
                static_cast<std::uint64_t>(tensor.elementCount()) * abc::dtypeSize(tensor.dtype)) {
                __builtin_trap();  // accepted a tensor whose size disagrees with its shape
            }
            const std::byte* bytes = file.data(tensor);
            for (std::uint64_t i = 0; i < tensor.byteLength(); ++i) {
                checksum += static_cast<unsigned>(bytes[i]);
            }
        }
        volatile unsigned sink = checksum;
        (void)sink;
    } catch (const abc::Error&) {
        // a clear error naming the file is the expected answer to a malformed file
    }
    return 0;
}
