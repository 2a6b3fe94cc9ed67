#include "core/hub/model_identity.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <optional>

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

namespace {

std::string hexDigest(const XXH128_hash_t& hash) {
    char text[33];
    std::snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(hash.high64),
                  static_cast<unsigned long long>(hash.low64));
    return text;
}

// The folder's top-level regular files (symlinks followed) that take part in its identity,
// in name order.
std::vector<fs::path> coveredFiles(const fs::path& folder) {
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
    return files;
}

// The etag a snapshot file names: its link target is ../../blobs/<etag>. Nothing for a copy.
std::optional<std::string> linkedEtag(const fs::path& file) {
    std::error_code ec;
    if (!fs::is_symlink(file, ec)) {
        return std::nullopt;
    }
    const fs::path target = fs::read_symlink(file, ec);
    if (ec || target.parent_path().filename() != "blobs" || target.filename().empty()) {
        return std::nullopt;
    }
    return target.filename().string();
}

}  // namespace

std::string folderContentIdentity(const fs::path& folder) {
    const std::vector<fs::path> files = coveredFiles(folder);
    std::error_code ec;
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
    return "content-xxh3:" + hexDigest(XXH3_128bits_digest(&state));
}

std::string snapshotContentIdentity(const fs::path& snapshot) {
    XXH3_state_t state;
    XXH3_128bits_reset(&state);
    for (const auto& file : coveredFiles(snapshot)) {
        const auto etag = linkedEtag(file);
        if (!etag) {
            return folderContentIdentity(snapshot);
        }
        const std::string name = file.filename().string();
        XXH3_128bits_update(&state, name.data(), name.size() + 1);  // with its terminator
        XXH3_128bits_update(&state, etag->data(), etag->size() + 1);
    }
    return "content-etag:" + hexDigest(XXH3_128bits_digest(&state));
}

std::string modelIdentity(const ResolvedModel& resolved) {
    return resolved.fromHubCache ? snapshotContentIdentity(resolved.folder)
                                 : folderContentIdentity(resolved.folder);
}

std::vector<std::string> formerModelIdentities(const ResolvedModel& resolved) {
    if (!resolved.fromHubCache) {
        return {};
    }
    std::vector<std::string> commits{resolved.revision};
    const std::string identity = snapshotContentIdentity(resolved.folder);
    std::error_code ec;
    fs::directory_iterator it(resolved.folder.parent_path(), ec);
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
        const std::string commit = it->path().filename().string();
        if (commit == resolved.revision || !it->is_directory(ec)) {
            continue;
        }
        try {
            if (snapshotContentIdentity(it->path()) == identity) {
                commits.push_back(commit);
            }
        } catch (const Error&) {
            // Another snapshot being unreadable only means its commit is not an alias.
        }
    }
    std::sort(commits.begin() + 1, commits.end());
    return commits;
}

}  // namespace abc
