#include "core/hub/model_identity.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>

#include "core/io/error.h"

namespace abc {

namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kEdgeBytes = 64 * 1024;
constexpr std::uint64_t kBlockBytes = 4 * 1024;
constexpr std::uint64_t kInteriorBlocks = 32;
// A JSON header larger than this is not a safetensors header; the file is then sampled as
// opaque bytes (the loader has already rejected it if it is really broken).
constexpr std::uint64_t kMaxHeaderBytes = 100 * 1024 * 1024;

enum class Coverage { Whole, Safetensors, Ignored };

Coverage coverageOf(const fs::path& file) {
    const std::string ext = file.extension().string();
    if (ext == ".safetensors") {
        return Coverage::Safetensors;
    }
    if (ext == ".json" || ext == ".txt" || ext == ".model" || ext == ".jinja") {
        return Coverage::Whole;
    }
    return Coverage::Ignored;
}

void addNumber(XXH3_state_t& state, std::uint64_t value) {
    std::array<unsigned char, 8> bytes{};
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        bytes[i] = static_cast<unsigned char>(value >> (8 * i));
    }
    XXH3_128bits_update(&state, bytes.data(), bytes.size());
}

void addRange(XXH3_state_t& state, std::ifstream& in, const fs::path& file, std::uint64_t offset,
              std::uint64_t size, std::vector<char>& buffer) {
    in.clear();
    in.seekg(static_cast<std::streamoff>(offset));
    while (size > 0) {
        const std::uint64_t chunk = std::min<std::uint64_t>(size, buffer.size());
        in.read(buffer.data(), static_cast<std::streamsize>(chunk));
        if (static_cast<std::uint64_t>(in.gcount()) != chunk) {
            throw Error(file.string(), "read error while computing the model identity");
        }
        XXH3_128bits_update(&state, buffer.data(), chunk);
        size -= chunk;
    }
}

}  // namespace

std::vector<ByteRange> sampledWeightRanges(std::uint64_t fileSize, std::uint64_t dataStart) {
    if (dataStart >= fileSize) {
        return {};
    }
    const std::uint64_t dataBytes = fileSize - dataStart;
    if (dataBytes <= 2 * kEdgeBytes + kInteriorBlocks * kBlockBytes) {
        return {{dataStart, dataBytes}};  // small enough to take every byte
    }
    std::vector<ByteRange> ranges;
    ranges.push_back({dataStart, kEdgeBytes});
    const std::uint64_t interiorStart = dataStart + kEdgeBytes;
    const std::uint64_t interiorEnd = fileSize - kEdgeBytes - kBlockBytes;  // last block start
    for (std::uint64_t k = 1; k <= kInteriorBlocks; ++k) {
        const std::uint64_t start =
            interiorStart + (interiorEnd - interiorStart) * k / (kInteriorBlocks + 1);
        ranges.push_back({start, kBlockBytes});
    }
    ranges.push_back({fileSize - kEdgeBytes, kEdgeBytes});
    return ranges;
}

std::string folderContentIdentity(const fs::path& folder) {
    std::error_code ec;
    fs::directory_iterator it(folder, ec);
    if (ec) {
        throw Error(folder.string(), "cannot read the model folder: " + ec.message());
    }
    std::vector<fs::path> files;
    for (; it != fs::directory_iterator(); it.increment(ec)) {
        if (ec) {
            throw Error(folder.string(), "cannot read the model folder: " + ec.message());
        }
        if (it->is_regular_file(ec) && coverageOf(it->path()) != Coverage::Ignored) {
            files.push_back(it->path());
        }
    }
    std::sort(files.begin(), files.end());

    XXH3_state_t state;
    XXH3_128bits_reset(&state);
    std::vector<char> buffer(1 << 20);
    for (const auto& file : files) {
        const std::uint64_t size = fs::file_size(file, ec);
        if (ec) {
            throw Error(file.string(), "cannot read the file size: " + ec.message());
        }
        std::ifstream in(file, std::ios::binary);
        if (!in) {
            throw Error(file.string(), "cannot open the file");
        }
        const std::string name = file.filename().string();
        XXH3_128bits_update(&state, name.data(), name.size() + 1);  // with its terminator
        addNumber(state, size);
        if (coverageOf(file) == Coverage::Whole) {
            addRange(state, in, file, 0, size, buffer);
            continue;
        }
        std::uint64_t dataStart = 0;
        if (size >= 8) {
            std::array<unsigned char, 8> lengthBytes{};
            in.read(reinterpret_cast<char*>(lengthBytes.data()), 8);
            std::uint64_t headerBytes = 0;
            for (std::size_t i = 0; i < 8; ++i) {
                headerBytes |= std::uint64_t{lengthBytes[i]} << (8 * i);
            }
            if (in && headerBytes <= kMaxHeaderBytes && headerBytes <= size - 8) {
                dataStart = 8 + headerBytes;
            }
        }
        addRange(state, in, file, 0, dataStart, buffer);  // length + JSON header, every byte
        for (const ByteRange& range : sampledWeightRanges(size, dataStart)) {
            addNumber(state, range.offset);
            addRange(state, in, file, range.offset, range.size, buffer);
        }
    }
    const XXH128_hash_t hash = XXH3_128bits_digest(&state);
    char text[33];
    std::snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(hash.high64),
                  static_cast<unsigned long long>(hash.low64));
    return std::string("content-xxh3:") + text;
}

std::string modelIdentity(const ResolvedModel& resolved) {
    return resolved.fromHubCache ? resolved.revision : folderContentIdentity(resolved.folder);
}

}  // namespace abc
