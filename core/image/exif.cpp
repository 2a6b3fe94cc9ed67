#include "core/image/exif.h"

#include <libexif/exif-data.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

namespace abc {
namespace {

constexpr std::uint8_t kExifHeader[6] = {'E', 'x', 'i', 'f', 0, 0};

struct ExifDataDeleter {
    void operator()(ExifData* data) const { exif_data_unref(data); }
};

bool startsWithTiffHeader(std::span<const std::uint8_t> block) {
    return block.size() >= 4 && ((block[0] == 'I' && block[1] == 'I' && block[2] == 42) ||
                                 (block[0] == 'M' && block[1] == 'M' && block[3] == 42));
}

}  // namespace

ExifFields readExif(std::span<const std::uint8_t> block) {
    ExifFields fields;
    // libexif only recognises blocks that start with the APP1 "Exif\0\0" signature.
    std::vector<std::uint8_t> prefixed;
    if (startsWithTiffHeader(block)) {
        prefixed.reserve(block.size() + sizeof(kExifHeader));
        prefixed.insert(prefixed.end(), std::begin(kExifHeader), std::end(kExifHeader));
        prefixed.insert(prefixed.end(), block.begin(), block.end());
        block = prefixed;
    }
    if (block.size() < sizeof(kExifHeader) + 8 ||
        std::memcmp(block.data(), kExifHeader, sizeof(kExifHeader)) != 0 ||
        block.size() > 0xFFFFFFFFu) {
        return fields;
    }

    std::unique_ptr<ExifData, ExifDataDeleter> data(exif_data_new());
    if (!data) {
        return fields;
    }
    // Reading only: do not let libexif add or "repair" tags, which also costs time.
    exif_data_unset_option(data.get(), EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
    exif_data_load_data(data.get(), block.data(), static_cast<unsigned int>(block.size()));
    const ExifByteOrder order = exif_data_get_byte_order(data.get());

    if (ExifEntry* entry = exif_content_get_entry(data->ifd[EXIF_IFD_0], EXIF_TAG_ORIENTATION);
        entry != nullptr && entry->format == EXIF_FORMAT_SHORT && entry->components >= 1 &&
        entry->data != nullptr && entry->size >= 2) {
        const int value = exif_get_short(entry->data, order);
        if (value >= 1 && value <= 8) {
            fields.orientation = value;
        }
    }

    if (ExifEntry* entry =
            exif_content_get_entry(data->ifd[EXIF_IFD_EXIF], EXIF_TAG_DATE_TIME_ORIGINAL);
        entry != nullptr && entry->format == EXIF_FORMAT_ASCII && entry->data != nullptr) {
        const char* text = reinterpret_cast<const char*>(entry->data);
        std::string value(text, strnlen(text, entry->size));
        while (!value.empty() && (value.back() == ' ' || value.back() == '\0')) {
            value.pop_back();
        }
        if (!value.empty()) {
            fields.dateTimeOriginal = std::move(value);
        }
    }
    return fields;
}

}  // namespace abc
