#include "core/image/probe.h"

#include <cstring>

#include "core/image/exif.h"
#include "core/image/gif_codec.h"
#include "core/image/heif_codec.h"
#include "core/io/error.h"

namespace abc {
namespace {

using Bytes = std::span<const std::uint8_t>;

// Bounds-checked readers: a header field that lies past the end means a truncated file.
struct Reader {
    Bytes bytes;
    const std::string& subject;
    std::string_view format;

    void need(std::size_t pos, std::size_t count) const {
        if (pos > bytes.size() || count > bytes.size() - pos) {
            throw Error(subject, "truncated or damaged " + std::string(format) + " header");
        }
    }
    std::uint32_t be16(std::size_t pos) const {
        need(pos, 2);
        return (std::uint32_t{bytes[pos]} << 8) | bytes[pos + 1];
    }
    std::uint32_t be32(std::size_t pos) const {
        need(pos, 4);
        return (be16(pos) << 16) | be16(pos + 2);
    }
    std::uint32_t le16(std::size_t pos) const {
        need(pos, 2);
        return std::uint32_t{bytes[pos]} | (std::uint32_t{bytes[pos + 1]} << 8);
    }
    std::uint32_t le24(std::size_t pos) const {
        return le16(pos) | (std::uint32_t{at(pos + 2)} << 16);
    }
    std::uint32_t le32(std::size_t pos) const { return le16(pos) | (le16(pos + 2) << 16); }
    std::uint8_t at(std::size_t pos) const {
        need(pos, 1);
        return bytes[pos];
    }
    bool matches(std::size_t pos, std::string_view text) const {
        return pos <= bytes.size() && text.size() <= bytes.size() - pos &&
               std::memcmp(bytes.data() + pos, text.data(), text.size()) == 0;
    }
};

void applyExif(ImageProbe& probe, Bytes block) {
    const ExifFields exif = readExif(block);
    probe.orientation = exif.orientation;
    probe.dateTimeOriginal = exif.dateTimeOriginal;
}

bool isStartOfFrame(std::uint8_t marker) {
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

void probeJpeg(const Reader& r, ImageProbe& probe) {
    std::size_t pos = 2;
    bool sawFrame = false;
    for (;;) {
        if (r.at(pos) != 0xFF) {
            throw Error(r.subject,
                        "damaged JPEG: expected a marker at byte " + std::to_string(pos));
        }
        while (r.at(pos) == 0xFF) {
            ++pos;
        }
        const std::uint8_t marker = r.at(pos++);
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {
            continue;  // markers without a length field
        }
        if (marker == 0xD9 || marker == 0xDA) {
            break;  // end of image / start of scan: all headers seen
        }
        const std::uint32_t length = r.be16(pos);
        if (length < 2) {
            throw Error(r.subject, "damaged JPEG: segment length below 2");
        }
        r.need(pos, length);
        const std::size_t payload = pos + 2;
        if (isStartOfFrame(marker)) {
            probe.bitDepth = r.at(payload);
            probe.height = static_cast<int>(r.be16(payload + 1));
            probe.width = static_cast<int>(r.be16(payload + 3));
            probe.channels = r.at(payload + 5);
            sawFrame = true;
        } else if (marker == 0xE1 && r.matches(payload, std::string_view("Exif\0\0", 6))) {
            applyExif(probe, r.bytes.subspan(payload, length - 2));
        }
        pos += length;
    }
    if (!sawFrame) {
        throw Error(r.subject, "damaged JPEG: no frame header before the image data");
    }
}

void probePng(const Reader& r, ImageProbe& probe) {
    if (!r.matches(12, "IHDR") || r.be32(8) != 13) {
        throw Error(r.subject, "damaged PNG: the first chunk is not IHDR");
    }
    probe.width = static_cast<int>(std::min<std::uint32_t>(r.be32(16), 0x7FFFFFFF));
    probe.height = static_cast<int>(std::min<std::uint32_t>(r.be32(20), 0x7FFFFFFF));
    probe.bitDepth = r.at(24);
    probe.pngColorType = r.at(25);
    switch (probe.pngColorType) {
        case 0:
            probe.channels = 1;
            break;
        case 2:
            probe.channels = 3;
            break;
        case 3:
            probe.channels = 1;
            break;
        case 4:
            probe.channels = 2;
            break;
        case 6:
            probe.channels = 4;
            break;
        default:
            throw Error(r.subject, "damaged PNG: unknown colour type");
    }
    // eXIf may sit anywhere before IEND; chunk headers are cheap to walk.
    std::size_t pos = 8;
    while (pos + 12 <= r.bytes.size()) {
        const std::uint32_t length = r.be32(pos);
        if (length > r.bytes.size() - pos - 12) {
            break;  // truncated: the decoder reports it
        }
        if (r.matches(pos + 4, "eXIf")) {
            applyExif(probe, r.bytes.subspan(pos + 8, length));
            break;
        }
        if (r.matches(pos + 4, "IEND")) {
            break;
        }
        pos += 12 + std::size_t{length};
    }
}

void probeWebP(const Reader& r, ImageProbe& probe) {
    std::size_t pos = 12;
    bool sawSize = false;
    while (pos + 8 <= r.bytes.size()) {
        const std::uint32_t length = r.le32(pos + 4);
        const std::size_t payload = pos + 8;
        if (r.matches(pos, "VP8 ") && !sawSize) {
            if (r.at(payload + 3) != 0x9D || r.at(payload + 4) != 0x01 ||
                r.at(payload + 5) != 0x2A) {
                throw Error(r.subject, "damaged WebP: bad VP8 frame signature");
            }
            probe.width = static_cast<int>(r.le16(payload + 6) & 0x3FFF);
            probe.height = static_cast<int>(r.le16(payload + 8) & 0x3FFF);
            probe.channels = 3;
            sawSize = true;
        } else if (r.matches(pos, "VP8L") && !sawSize) {
            if (r.at(payload) != 0x2F) {
                throw Error(r.subject, "damaged WebP: bad VP8L signature");
            }
            const std::uint32_t bits = r.le32(payload + 1);
            probe.width = static_cast<int>((bits & 0x3FFF) + 1);
            probe.height = static_cast<int>(((bits >> 14) & 0x3FFF) + 1);
            probe.channels = 4;
            sawSize = true;
        } else if (r.matches(pos, "VP8X")) {
            probe.width = static_cast<int>(r.le24(payload + 4) + 1);
            probe.height = static_cast<int>(r.le24(payload + 7) + 1);
            sawSize = true;
        } else if (r.matches(pos, "EXIF") && length <= r.bytes.size() - payload) {
            applyExif(probe, r.bytes.subspan(payload, length));
        }
        if (length > r.bytes.size() - payload) {
            break;
        }
        pos = payload + length + (length & 1);
    }
    if (!sawSize) {
        throw Error(r.subject, "damaged WebP: no image chunk");
    }
}

void probeTiff(const Reader& r, ImageProbe& probe) {
    const bool little = r.at(0) == 'I';
    auto u16 = [&](std::size_t pos) { return little ? r.le16(pos) : r.be16(pos); };
    auto u32 = [&](std::size_t pos) { return little ? r.le32(pos) : r.be32(pos); };
    const std::size_t ifd = u32(4);
    const std::uint32_t entries = u16(ifd);
    for (std::uint32_t i = 0; i < entries; ++i) {
        const std::size_t entry = ifd + 2 + 12 * std::size_t{i};
        const std::uint32_t tag = u16(entry);
        const std::uint32_t type = u16(entry + 2);
        const std::uint32_t count = u32(entry + 4);
        // Only single SHORT/LONG values matter here; they live inside the entry.
        const std::uint32_t value = type == 3 ? u16(entry + 8) : u32(entry + 8);
        switch (tag) {
            case 256:
                probe.width = static_cast<int>(std::min<std::uint32_t>(value, 0x7FFFFFFF));
                break;
            case 257:
                probe.height = static_cast<int>(std::min<std::uint32_t>(value, 0x7FFFFFFF));
                break;
            case 258:
                probe.bitDepth = count == 1 || type == 3 ? static_cast<int>(value & 0xFFFF) : 0;
                break;
            case 277:
                probe.channels = static_cast<int>(value);
                break;
            default:
                break;
        }
        if (type == 3 && count > 2 && tag == 258) {
            probe.bitDepth = 0;  // per-sample list stored elsewhere; the decoder knows
        }
    }
    // The whole file is a TIFF structure; libexif finds IFD0's Orientation and the EXIF IFD.
    applyExif(probe, r.bytes);
}

void probeBmp(const Reader& r, ImageProbe& probe) {
    const std::uint32_t headerSize = r.le32(14);
    if (headerSize == 12) {
        probe.width = static_cast<int>(r.le16(18));
        probe.height = static_cast<int>(r.le16(20));
        probe.bitDepth = static_cast<int>(r.le16(24));
    } else {
        const auto width = static_cast<std::int32_t>(r.le32(18));
        const auto height = static_cast<std::int32_t>(r.le32(22));
        if (width == INT32_MIN || height == INT32_MIN) {
            throw Error(r.subject, "damaged BMP header");
        }
        probe.width = width < 0 ? -width : width;
        probe.height = height < 0 ? -height : height;  // negative = stored top-down
        probe.bitDepth = static_cast<int>(r.le16(28));
    }
}

}  // namespace

std::string_view imageFormatName(ImageFormat format) {
    switch (format) {
        case ImageFormat::Jpeg:
            return "JPEG";
        case ImageFormat::Png:
            return "PNG";
        case ImageFormat::WebP:
            return "WebP";
        case ImageFormat::Tiff:
            return "TIFF";
        case ImageFormat::Bmp:
            return "BMP";
        case ImageFormat::Heif:
            return "HEIF";
        case ImageFormat::Gif:
            return "GIF";
    }
    return "unknown";
}

ImageProbe probeImage(std::span<const std::uint8_t> bytes, const std::string& subject) {
    ImageProbe probe;
    Reader r{bytes, subject, "image"};
    if (bytes.empty()) {
        throw Error(subject, "empty file");
    }
    if (r.matches(0, "\xFF\xD8\xFF")) {
        probe.format = ImageFormat::Jpeg;
        r.format = "JPEG";
        probeJpeg(r, probe);
    } else if (r.matches(0, "\x89PNG\r\n\x1A\n")) {
        probe.format = ImageFormat::Png;
        r.format = "PNG";
        probePng(r, probe);
    } else if (r.matches(0, "RIFF") && r.matches(8, "WEBP")) {
        probe.format = ImageFormat::WebP;
        r.format = "WebP";
        probeWebP(r, probe);
    } else if (r.matches(0, std::string_view("II*\0", 4)) ||
               r.matches(0, std::string_view("MM\0*", 4))) {
        probe.format = ImageFormat::Tiff;
        r.format = "TIFF";
        probeTiff(r, probe);
    } else if (r.matches(0, "BM") && bytes.size() >= 26) {
        probe.format = ImageFormat::Bmp;
        r.format = "BMP";
        probeBmp(r, probe);
    } else if (detail::looksLikeHeif(bytes)) {
        probe.format = ImageFormat::Heif;
        detail::probeHeif(bytes, subject, probe);
    } else if (detail::looksLikeGif(bytes)) {
        probe.format = ImageFormat::Gif;
        detail::probeGif(bytes, subject, probe);
    } else {
        throw Error(subject, "not a supported image (JPEG, PNG, WebP, TIFF, BMP, HEIC/HEIF, GIF)");
    }
    if (probe.width <= 0 || probe.height <= 0) {
        throw Error(subject, "damaged " + std::string(imageFormatName(probe.format)) +
                                 " header: zero width or height");
    }
    return probe;
}

void checkPixelLimit(const ImageProbe& probe, std::int64_t maxPixels, const std::string& subject) {
    if (maxPixels > 0 && probe.pixelCount() > maxPixels) {
        throw Error(subject, "image is " + std::to_string(probe.width) + " x " +
                                 std::to_string(probe.height) + " = " +
                                 std::to_string(probe.pixelCount()) +
                                 " pixels, above the limit of " + std::to_string(maxPixels) +
                                 " (possible decompression bomb)");
    }
}

}  // namespace abc
