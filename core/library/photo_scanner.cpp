#include "core/library/photo_scanner.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <utility>

#include "core/io/error.h"
#include "core/io/path.h"

namespace abc {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kHeadBytes = 32;
using Head = std::array<unsigned char, kHeadBytes>;

bool startsWith(const Head& head, std::size_t got, std::initializer_list<int> magic,
                std::size_t offset = 0) {
    if (got < offset + magic.size()) {
        return false;
    }
    std::size_t i = offset;
    for (const int byte : magic) {
        if (head[i++] != static_cast<unsigned char>(byte)) {
            return false;
        }
    }
    return true;
}

std::int64_t mtimeNs(const struct stat& info) {
    return static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1000000000LL + info.st_mtim.tv_nsec;
}

bool hidden(const fs::path& path) {
    const std::string name = path.filename().string();
    return !name.empty() && name[0] == '.';
}

std::uint32_t le32(const Head& head, std::size_t offset) {
    return static_cast<std::uint32_t>(head[offset]) |
           static_cast<std::uint32_t>(head[offset + 1]) << 8 |
           static_cast<std::uint32_t>(head[offset + 2]) << 16 |
           static_cast<std::uint32_t>(head[offset + 3]) << 24;
}

// "BM" alone is two letters any text may start with. A bitmap's info header size is one of
// the few its versions define (OS/2 1.x core 12, OS/2 2.x 16 or 64, Windows 40, 52, 56, 108,
// 124), and its pixels start after both headers; text gives neither. The file size field is
// not checked: writers leave it 0 or wrong, and decoders ignore it.
bool looksLikeBmp(const Head& head, std::size_t got) {
    if (!startsWith(head, got, {'B', 'M'}) || got < 18) {
        return false;
    }
    const std::uint32_t infoSize = le32(head, 14);
    static const std::set<std::uint32_t> known = {12, 16, 40, 52, 56, 64, 108, 124};
    if (!known.contains(infoSize)) {
        return false;
    }
    // 0 is read as "right after the headers" by decoders, so some writers leave it so.
    const std::uint32_t pixelOffset = le32(head, 10);
    return pixelOffset == 0 || pixelOffset >= 14 + infoSize;
}

// The part of a scan report that records what could not be seen: the folder is both a
// problem to show and a place whose recorded files must be kept.
void unreadable(ScanReport& report, const fs::path& folder, const std::string& reason) {
    const std::string path = Path(folder.string()).string();
    report.problems.push_back({path, reason});
    report.unreadableFolders.push_back({path, reason});
}

std::string errnoText(int error) {
    return std::error_code(error, std::generic_category()).message();
}

}  // namespace

std::optional<std::string> detectMediaType(const std::string& path) {
    Head head{};
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) {
        return std::nullopt;
    }
    const std::size_t got = std::fread(head.data(), 1, head.size(), file);
    std::fclose(file);
    if (startsWith(head, got, {0xFF, 0xD8, 0xFF})) {
        return "jpeg";
    }
    if (startsWith(head, got, {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A})) {
        return "png";
    }
    if (startsWith(head, got, {'G', 'I', 'F', '8'})) {
        return "gif";
    }
    if (looksLikeBmp(head, got)) {
        return "bmp";
    }
    if (startsWith(head, got, {'I', 'I', 0x2A, 0x00}) ||
        startsWith(head, got, {'M', 'M', 0x00, 0x2A})) {
        return "tiff";
    }
    if (startsWith(head, got, {'R', 'I', 'F', 'F'}) &&
        startsWith(head, got, {'W', 'E', 'B', 'P'}, 8)) {
        return "webp";
    }
    // ISO-BMFF: size, "ftyp", brand. HEIF/HEIC/AVIF brands are decoded by libheif.
    if (startsWith(head, got, {'f', 't', 'y', 'p'}, 4)) {
        const std::string brand(reinterpret_cast<const char*>(head.data()) + 8, 4);
        static const std::set<std::string> heif = {"heic", "heix", "hevc", "hevx", "heim",
                                                   "heis", "mif1", "msf1", "avif"};
        if (heif.contains(brand)) {
            return "heic";
        }
    }
    return std::nullopt;
}

std::string notAnImageReason(const std::string& path, std::int64_t sizeBytes) {
    if (sizeBytes == 0) {
        return "empty file (0 bytes)";
    }
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) {
        return "cannot read the file: " + errnoText(errno);
    }
    std::fclose(file);
    std::string extension = fs::path(path).extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    static const std::set<std::string> imageNames = {".jpg",  ".jpeg", ".jpe",  ".jfif", ".png",
                                                     ".webp", ".tif",  ".tiff", ".bmp",  ".dib",
                                                     ".gif",  ".heic", ".heif", ".hif",  ".avif"};
    if (imageNames.contains(extension)) {
        // Damaged (the first bytes overwritten), renamed, or a format we do not read.
        return "not an image: named " + extension +
               " but the content is not JPEG, PNG, WebP, TIFF, BMP, GIF or HEIC";
    }
    return "not an image";
}

bool isNotAPhotoReason(const std::string& reason) {
    return reason.starts_with("not an image") || reason.starts_with("empty file") ||
           reason.starts_with("not a regular file");
}

ScanReport scanFolders(const std::vector<std::string>& roots, const ScanOptions& options,
                       std::stop_token stop, const std::function<void()>& beforeFolder) {
    ScanReport report;
    std::set<std::pair<dev_t, ino_t>> seenFolders;
    std::set<std::pair<dev_t, ino_t>> seenFiles;
    std::vector<fs::path> pending;
    for (const auto& root : roots) {
        fs::path absolute;
        try {
            absolute = Path::absolute(root).string();
        } catch (const Error& error) {
            unreadable(report, root, "cannot reach the folder: " + error.problem());
            continue;
        }
        struct stat info {};
        if (::stat(absolute.c_str(), &info) != 0) {
            const int error = errno;
            unreadable(report, absolute,
                       error == ENOENT ? std::string("folder not found")
                                       : "cannot reach the folder: " + errnoText(error));
            continue;
        }
        if (!S_ISDIR(info.st_mode)) {
            unreadable(report, absolute, "not a folder");
            continue;
        }
        pending.push_back(absolute);
    }
    while (!pending.empty()) {
        if (beforeFolder) {
            beforeFolder();
        }
        if (stop.stop_requested()) {
            throw Cancelled();
        }
        const fs::path folder = pending.back();
        pending.pop_back();
        struct stat folderInfo {};
        if (::stat(folder.c_str(), &folderInfo) != 0) {
            const int error = errno;
            unreadable(report, folder, "cannot read the folder: " + errnoText(error));
            continue;
        }
        if (!seenFolders.insert({folderInfo.st_dev, folderInfo.st_ino}).second) {
            report.problems.push_back({folder.string(),
                                       "folder already scanned through another path (symlink loop "
                                       "or duplicate link); skipped"});
            continue;
        }
        // No skip_permission_denied: a folder we may not list would read as an empty one, and
        // everything recorded in it would look deleted.
        std::error_code ec;
        fs::directory_iterator it(folder, ec);
        if (ec) {
            unreadable(report, folder, "cannot read the folder: " + ec.message());
            continue;
        }
        std::vector<fs::path> children;
        for (; it != fs::directory_iterator(); it.increment(ec)) {
            children.push_back(it->path());
        }
        // A listing that broke off (an I/O error, a share going down) is incomplete: what it
        // did not list is unknown, not gone. The entries listed are still taken.
        std::optional<std::string> folderProblem;
        if (ec) {
            folderProblem = "cannot read the whole folder: " + ec.message();
        }
        std::sort(children.begin(), children.end());
        // Reverse so the depth-first walk pops folders in name order.
        std::vector<fs::path> subfolders;
        for (const auto& child : children) {
            if (!options.includeHidden && hidden(child)) {
                continue;
            }
            struct stat linkInfo {};
            if (::lstat(child.c_str(), &linkInfo) != 0) {
                // Gone since the listing is fine; anything else (a folder we may list but not
                // enter) leaves the entry unknown.
                const int error = errno;
                if (error != ENOENT && !folderProblem) {
                    folderProblem = "cannot examine the folder's entries: " + errnoText(error);
                }
                continue;
            }
            const bool isLink = S_ISLNK(linkInfo.st_mode);
            if (isLink && !options.followSymlinks) {
                continue;
            }
            struct stat info {};
            if (::stat(child.c_str(), &info) != 0) {
                const int error = errno;
                if (isLink) {
                    // The target may be a folder on a drive that is not mounted right now.
                    unreadable(report, child,
                               error == ELOOP ? "symbolic link loop" : "broken symbolic link");
                } else if (error != ENOENT && !folderProblem) {
                    folderProblem = "cannot examine the folder's entries: " + errnoText(error);
                }
                continue;
            }
            if (S_ISDIR(info.st_mode)) {
                subfolders.push_back(child);
            } else if (S_ISREG(info.st_mode)) {
                // A file reached through two links is one photo file; keep the first path.
                if (!seenFiles.insert({info.st_dev, info.st_ino}).second) {
                    continue;
                }
                const PhotoFile file{child.string(), static_cast<std::int64_t>(info.st_size),
                                     mtimeNs(info)};
                if (const auto type = detectMediaType(file.path)) {
                    report.photos.push_back({file, *type});
                } else {
                    report.skipped.push_back({file, notAnImageReason(file.path, file.sizeBytes)});
                }
            } else {
                // Opening a named pipe would block the scan; a device is no photo.
                const char* kind = S_ISFIFO(info.st_mode)   ? "a named pipe"
                                   : S_ISSOCK(info.st_mode) ? "a socket"
                                                            : "a device";
                report.skipped.push_back({PhotoFile{child.string(), 0, mtimeNs(info)},
                                          std::string("not a regular file (") + kind + ")"});
            }
        }
        if (folderProblem) {
            unreadable(report, folder, *folderProblem);
        }
        for (auto sub = subfolders.rbegin(); sub != subfolders.rend(); ++sub) {
            pending.push_back(*sub);
        }
    }
    std::sort(report.photos.begin(), report.photos.end(),
              [](const ScannedFile& a, const ScannedFile& b) { return a.file.path < b.file.path; });
    std::sort(report.skipped.begin(), report.skipped.end(),
              [](const SkippedFile& a, const SkippedFile& b) { return a.file.path < b.file.path; });
    return report;
}

std::string hashFileContent(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw Error(path, "cannot open the file");
    }
    XXH3_state_t state;
    XXH3_128bits_reset(&state);
    std::vector<char> buffer(1 << 20);
    while (in) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        const auto got = in.gcount();
        if (got > 0) {
            XXH3_128bits_update(&state, buffer.data(), static_cast<std::size_t>(got));
        }
    }
    if (in.bad()) {
        throw Error(path, "read error while hashing");
    }
    const XXH128_hash_t hash = XXH3_128bits_digest(&state);
    char text[33];
    std::snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(hash.high64),
                  static_cast<unsigned long long>(hash.low64));
    return text;
}

}  // namespace abc
