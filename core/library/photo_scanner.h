#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "core/library/photo_record.h"

namespace abc {

struct ScanOptions {
    bool includeHidden = false;  // descend into / take files whose name starts with '.'
    bool followSymlinks = true;  // symlinked folders are followed once; loops are detected
};

struct ScannedFile {
    PhotoFile file;
    std::string mediaType;  // from the magic bytes
};

// A file the scan saw but will not index, and why ("not an image", "empty file (0 bytes)"):
// every file under a library folder is either a photo or listed with its reason.
struct SkippedFile {
    PhotoFile file;
    std::string reason;
};

struct ScanReport {
    std::vector<ScannedFile> photos;     // sorted by path, each real file once
    std::vector<IndexFailure> problems;  // unreadable folders, symlink loops, missing roots
    // Where this scan could not see what is there: a root that is missing, not a folder or
    // unreachable; a folder that cannot be listed, or whose entries cannot be examined; a
    // symbolic link whose target is gone (an unmounted drive or a share that is down looks
    // like that). Files recorded under these paths are unknown to this scan, not deleted.
    // Absolute and lexically normal, without a trailing '/'; each is in `problems` too.
    std::vector<IndexFailure> unreadableFolders;
    std::vector<SkippedFile> skipped;  // sorted by path: files that are not a supported image
};

// The media type by the file's first bytes ("jpeg", "png", "heic", "webp", "gif", "bmp",
// "tiff"), or nullopt when it is not an image we can decode. The extension is not trusted.
std::optional<std::string> detectMediaType(const std::string& path);

// Why a regular file whose media type detectMediaType() does not know is not indexed: empty,
// unreadable, an image name on other content, or simply not an image.
std::string notAnImageReason(const std::string& path, std::int64_t sizeBytes);
// Whether a recorded failure reason is one of the scan's "not a photo" reasons above (or a
// non-regular file's), as opposed to a photo that could not be read.
bool isNotAPhotoReason(const std::string& reason);

// Walks folders recursively. Paths are absolute and lexically normal; a folder reached twice
// through symlinks (a loop, or two links to one place) is walked once and the repeat is
// reported. Before each folder `beforeFolder` runs (it may block: an indexer parks there
// while paused), then a stop request on `stop` ends the walk by throwing abc::Cancelled.
// Thread-safety: a free function with no shared state.
ScanReport scanFolders(const std::vector<std::string>& roots, const ScanOptions& options = {},
                       std::stop_token stop = {}, const std::function<void()>& beforeFolder = {});

// XXH3-128 of the file's bytes as 32 hex digits; reads the file in chunks.
std::string hashFileContent(const std::string& path);

}  // namespace abc
