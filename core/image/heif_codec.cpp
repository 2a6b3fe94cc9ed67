#include "core/image/heif_codec.h"

#include <libheif/heif.h>

#include <cstring>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "core/image/exif.h"
#include "core/io/error.h"

namespace abc::detail {
namespace {

struct ContextDeleter {
    void operator()(heif_context* context) const { heif_context_free(context); }
};
struct HandleDeleter {
    void operator()(heif_image_handle* handle) const { heif_image_handle_release(handle); }
};
struct ImageDeleter {
    void operator()(heif_image* image) const { heif_image_release(image); }
};

void check(const heif_error& error, const std::string& subject, std::string_view what) {
    if (error.code != heif_error_Ok) {
        throw Error(subject, std::string(what) + ": " +
                                 (error.message != nullptr ? error.message : "libheif error"));
    }
}

struct OpenedHeif {
    std::unique_ptr<heif_context, ContextDeleter> context;
    std::unique_ptr<heif_image_handle, HandleDeleter> primary;
};

OpenedHeif openHeif(std::span<const std::uint8_t> bytes, const std::string& subject) {
    static std::once_flag initialised;
    std::call_once(initialised, [] { heif_init(nullptr); });
    OpenedHeif opened;
    opened.context.reset(heif_context_alloc());
    if (!opened.context) {
        throw Error(subject, "cannot allocate a HEIF decoder");
    }
    check(heif_context_read_from_memory_without_copy(opened.context.get(), bytes.data(),
                                                     bytes.size(), nullptr),
          subject, "damaged HEIF");
    heif_image_handle* handle = nullptr;
    check(heif_context_get_primary_image_handle(opened.context.get(), &handle), subject,
          "damaged HEIF");
    opened.primary.reset(handle);
    return opened;
}

}  // namespace

bool looksLikeHeif(std::span<const std::uint8_t> bytes) {
    if (bytes.size() < 12 || std::memcmp(bytes.data() + 4, "ftyp", 4) != 0) {
        return false;
    }
    static constexpr std::string_view kBrands[] = {"heic", "heix", "heim", "heis", "hevc", "hevx",
                                                   "hevm", "hevs", "mif1", "msf1", "avif", "avis"};
    const std::string_view major(reinterpret_cast<const char*>(bytes.data()) + 8, 4);
    for (std::string_view brand : kBrands) {
        if (major == brand) {
            return true;
        }
    }
    return false;
}

void probeHeif(std::span<const std::uint8_t> bytes, const std::string& subject, ImageProbe& probe) {
    const OpenedHeif heif = openHeif(bytes, subject);
    probe.width = heif_image_handle_get_width(heif.primary.get());
    probe.height = heif_image_handle_get_height(heif.primary.get());
    probe.channels = heif_image_handle_has_alpha_channel(heif.primary.get()) ? 4 : 3;
    probe.bitDepth = heif_image_handle_get_luma_bits_per_pixel(heif.primary.get());

    heif_item_id exifId = 0;
    if (heif_image_handle_get_list_of_metadata_block_IDs(heif.primary.get(), "Exif", &exifId, 1) ==
        1) {
        const std::size_t size = heif_image_handle_get_metadata_size(heif.primary.get(), exifId);
        std::vector<std::uint8_t> block(size);
        if (size > 4 &&
            heif_image_handle_get_metadata(heif.primary.get(), exifId, block.data()).code ==
                heif_error_Ok) {
            // The block starts with a 4-byte big-endian offset to the TIFF header.
            const std::size_t offset = (std::size_t{block[0]} << 24) |
                                       (std::size_t{block[1]} << 16) |
                                       (std::size_t{block[2]} << 8) | block[3];
            if (offset < size - 4) {
                const ExifFields exif =
                    readExif(std::span<const std::uint8_t>(block).subspan(4 + offset));
                probe.orientation = exif.orientation;
                probe.dateTimeOriginal = exif.dateTimeOriginal;
            }
        }
    }
}

RgbImage decodeHeif(std::span<const std::uint8_t> bytes, const std::string& subject,
                    std::int64_t maxPixels) {
    const OpenedHeif heif = openHeif(bytes, subject);
    const std::int64_t pixels = std::int64_t{heif_image_handle_get_width(heif.primary.get())} *
                                heif_image_handle_get_height(heif.primary.get());
    if (maxPixels > 0 && pixels > maxPixels) {
        throw Error(subject, "image has " + std::to_string(pixels) +
                                 " pixels, above the limit of " + std::to_string(maxPixels));
    }
    heif_image* decoded = nullptr;
    check(heif_decode_image(heif.primary.get(), &decoded, heif_colorspace_RGB,
                            heif_chroma_interleaved_RGB, nullptr),
          subject, "cannot decode HEIF");
    const std::unique_ptr<heif_image, ImageDeleter> image(decoded);
    int stride = 0;
    const std::uint8_t* plane =
        heif_image_get_plane_readonly(image.get(), heif_channel_interleaved, &stride);
    const int width = heif_image_get_width(image.get(), heif_channel_interleaved);
    const int height = heif_image_get_height(image.get(), heif_channel_interleaved);
    if (plane == nullptr || width <= 0 || height <= 0 || stride < width * 3) {
        throw Error(subject, "cannot decode HEIF: no 8-bit RGB plane");
    }
    RgbImage rgb(width, height);
    for (int y = 0; y < height; ++y) {
        std::memcpy(rgb.row(y), plane + static_cast<std::size_t>(y) * stride, rgb.rowBytes());
    }
    return rgb;
}

}  // namespace abc::detail
