#include "core/image/gif_codec.h"

#include <gif_lib.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

#include "core/io/error.h"

namespace abc::detail {
namespace {

struct MemorySource {
    std::span<const std::uint8_t> bytes;
    std::size_t pos = 0;
};

int readFromMemory(GifFileType* gif, GifByteType* out, int count) {
    auto* source = static_cast<MemorySource*>(gif->UserData);
    const std::size_t wanted = count > 0 ? static_cast<std::size_t>(count) : 0;
    const std::size_t n = std::min(wanted, source->bytes.size() - source->pos);
    if (n > 0) {
        std::memcpy(out, source->bytes.data() + source->pos, n);
        source->pos += n;
    }
    return static_cast<int>(n);
}

struct GifCloser {
    void operator()(GifFileType* gif) const {
        int error = 0;
        DGifCloseFile(gif, &error);
    }
};
using GifHandle = std::unique_ptr<GifFileType, GifCloser>;

[[noreturn]] void fail(const std::string& subject, int giflibError) {
    if (giflibError == D_GIF_ERR_READ_FAILED) {
        throw Error(subject, "truncated GIF: the data ends before the first image does");
    }
    const char* text = GifErrorString(giflibError);
    throw Error(
        subject,
        "damaged GIF: " +
            std::string(text != nullptr ? text : "giflib error " + std::to_string(giflibError)));
}

// `source` must outlive the handle: giflib reads through it until the handle is closed.
GifHandle openGif(MemorySource& source, const std::string& subject) {
    int error = 0;
    GifHandle gif(DGifOpen(&source, readFromMemory, &error));
    if (!gif) {
        fail(subject, error);
    }
    return gif;
}

struct FirstImage {
    int canvasWidth = 0;
    int canvasHeight = 0;
    std::optional<int> transparency;  // from the last graphic control extension that sets one
};

// Walks the blocks before the first image the way Pillow's GifImagePlugin does and leaves
// `gif` at the start of that image's pixel data.
FirstImage readToFirstImage(GifFileType* gif, const std::string& subject) {
    FirstImage first;
    for (;;) {
        GifRecordType type = UNDEFINED_RECORD_TYPE;
        if (DGifGetRecordType(gif, &type) == GIF_ERROR) {
            if (gif->Error == D_GIF_ERR_WRONG_RECORD) {
                continue;  // Pillow skips stray bytes between blocks; so do we
            }
            fail(subject, gif->Error);
        }
        if (type == TERMINATE_RECORD_TYPE) {
            throw Error(subject, "damaged GIF: no image before the trailer");
        }
        if (type == EXTENSION_RECORD_TYPE) {
            int code = 0;
            GifByteType* block = nullptr;
            if (DGifGetExtension(gif, &code, &block) == GIF_ERROR) {
                fail(subject, gif->Error);
            }
            // Only the first sub-block of a graphic control extension matters (block[0] is
            // its length): flags, delay, transparency index.
            if (code == GRAPHICS_EXT_FUNC_CODE && block != nullptr) {
                const bool hasTransparency = (block[1] & 1) != 0;
                if (block[0] < 3 || (hasTransparency && block[0] < 4)) {
                    throw Error(subject, "damaged GIF: short graphic control extension");
                }
                if (hasTransparency) {
                    first.transparency = block[4];
                }
            }
            while (block != nullptr) {
                if (DGifGetExtensionNext(gif, &block) == GIF_ERROR) {
                    fail(subject, gif->Error);
                }
            }
            continue;
        }
        if (DGifGetImageDesc(gif) == GIF_ERROR) {
            fail(subject, gif->Error);
        }
        const GifImageDesc& image = gif->Image;
        if (image.Width <= 0 || image.Height <= 0) {
            throw Error(subject, "damaged GIF: the first image has zero width or height");
        }
        // Pillow grows the canvas to hold an image that reaches past the logical screen.
        first.canvasWidth = std::max(gif->SWidth, image.Left + image.Width);
        first.canvasHeight = std::max(gif->SHeight, image.Top + image.Height);
        return first;
    }
}

// Pillow ignores a palette that is the identity grey ramp (entry i = (i, i, i)) and reads
// the pixels as grey levels, which differs from a lookup only for indices past its end.
bool isUsablePalette(const ColorMapObject* map) {
    if (map == nullptr || map->Colors == nullptr) {
        return false;
    }
    for (int i = 0; i < map->ColorCount; ++i) {
        const GifColorType& c = map->Colors[i];
        if (c.Red != i || c.Green != i || c.Blue != i) {
            return true;
        }
    }
    return false;
}

// 256 RGB triplets: the frame's palette (local, else global) with black past its end, or
// grey levels when neither is usable.
std::array<std::uint8_t, 256 * 3> colourTable(const GifFileType* gif) {
    std::array<std::uint8_t, 256 * 3> table{};
    const ColorMapObject* map = isUsablePalette(gif->Image.ColorMap) ? gif->Image.ColorMap
                                : isUsablePalette(gif->SColorMap)    ? gif->SColorMap
                                                                     : nullptr;
    if (map == nullptr) {
        for (int i = 0; i < 256; ++i) {
            std::fill_n(table.begin() + 3 * i, 3, static_cast<std::uint8_t>(i));
        }
        return table;
    }
    const int count = std::min(map->ColorCount, 256);
    for (int i = 0; i < count; ++i) {
        table[3 * i] = map->Colors[i].Red;
        table[3 * i + 1] = map->Colors[i].Green;
        table[3 * i + 2] = map->Colors[i].Blue;
    }
    return table;
}

// Row order of the stored lines: four passes for an interlaced image.
std::vector<int> storedRowOrder(int height, bool interlaced) {
    std::vector<int> order;
    order.reserve(static_cast<std::size_t>(height));
    if (!interlaced) {
        for (int y = 0; y < height; ++y) {
            order.push_back(y);
        }
        return order;
    }
    static constexpr std::array<std::array<int, 2>, 4> kPasses{{{0, 8}, {4, 8}, {2, 4}, {1, 2}}};
    for (const auto& [start, step] : kPasses) {
        for (int y = start; y < height; y += step) {
            order.push_back(y);
        }
    }
    return order;
}

}  // namespace

bool looksLikeGif(std::span<const std::uint8_t> bytes) {
    return bytes.size() >= 6 && (std::memcmp(bytes.data(), "GIF87a", 6) == 0 ||
                                 std::memcmp(bytes.data(), "GIF89a", 6) == 0);
}

void probeGif(std::span<const std::uint8_t> bytes, const std::string& subject, ImageProbe& probe) {
    MemorySource source{bytes};
    const GifHandle gif = openGif(source, subject);
    const FirstImage first = readToFirstImage(gif.get(), subject);
    probe.width = first.canvasWidth;
    probe.height = first.canvasHeight;
    probe.channels = 1;  // palette indices
    probe.bitDepth = 8;
}

RgbImage decodeGif(std::span<const std::uint8_t> bytes, const std::string& subject,
                   std::int64_t maxPixels) {
    MemorySource source{bytes};
    const GifHandle gif = openGif(source, subject);
    const FirstImage first = readToFirstImage(gif.get(), subject);
    const std::int64_t pixels = std::int64_t{first.canvasWidth} * first.canvasHeight;
    if (maxPixels > 0 && pixels > maxPixels) {
        throw Error(subject, "image has " + std::to_string(pixels) +
                                 " pixels, above the limit of " + std::to_string(maxPixels));
    }
    const std::array<std::uint8_t, 256 * 3> table = colourTable(gif.get());

    RgbImage rgb(first.canvasWidth, first.canvasHeight);
    const std::uint8_t* fill = table.data() + 3 * first.transparency.value_or(0);
    for (std::size_t i = 0; i < rgb.pixels.size(); i += 3) {
        std::memcpy(rgb.pixels.data() + i, fill, 3);
    }

    const GifImageDesc image = gif->Image;
    std::vector<GifPixelType> line(static_cast<std::size_t>(image.Width));
    for (const int y : storedRowOrder(image.Height, image.Interlace)) {
        if (DGifGetLine(gif.get(), line.data(), image.Width) == GIF_ERROR) {
            fail(subject, gif->Error);
        }
        std::uint8_t* out = rgb.row(image.Top + y) + 3 * std::size_t(image.Left);
        for (const GifPixelType index : line) {
            std::memcpy(out, table.data() + 3 * std::size_t{index}, 3);
            out += 3;
        }
    }
    return rgb;
}

}  // namespace abc::detail
