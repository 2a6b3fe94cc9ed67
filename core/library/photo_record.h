#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace abc {

// Row id of a photo in a LibraryStore. A photo is one distinct file content (keyed by its
// content hash); several paths may show the same photo (copies), and a moved file keeps it.
using PhotoId = std::int64_t;

// One file of the library as it was last seen on disk.
struct PhotoFile {
    std::string path;  // absolute, lexically normal
    std::int64_t sizeBytes = 0;
    std::int64_t mtimeNs = 0;  // nanoseconds since the epoch

    // Same size and modification time: taken for the same content without reading it.
    bool looksUnchangedFrom(const PhotoFile& before) const {
        return sizeBytes == before.sizeBytes && mtimeNs == before.mtimeNs;
    }
};

// What the library knows about one photo (one content).
struct PhotoRecord {
    PhotoId id = 0;
    std::string contentHash;  // 32 hex digits, XXH3-128 of the file bytes
    std::string mediaType;    // "jpeg", "png", "heic", "webp", "gif", "bmp", "tiff"
    int width = 0;            // 0 when unknown
    int height = 0;
    std::optional<std::string> takenAt;  // EXIF DateTimeOriginal as "YYYY-MM-DD HH:MM:SS"
    std::vector<PhotoFile> files;        // every path with this content, sorted by path
};

// A file that could not be indexed, and why; kept in the store until the file changes.
struct IndexFailure {
    std::string path;
    std::string reason;
};

}  // namespace abc
