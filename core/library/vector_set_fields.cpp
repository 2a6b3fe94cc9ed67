#include "core/library/vector_set_fields.h"

#include <charconv>
#include <string_view>
#include <vector>

#include "core/image/patch_geometry.h"
#include "core/library/instruction_fingerprint.h"

namespace abc {

namespace {

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t end = std::min(text.find(separator, start), text.size());
        parts.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return parts;
}

void addField(std::map<std::string, std::string>& fields, std::string_view item) {
    const auto equals = item.find('=');
    if (equals == std::string_view::npos) {
        if (!item.empty() && !fields.contains("model")) {
            fields["model"] = std::string(item);
        }
        return;
    }
    fields[std::string(item.substr(0, equals))] = std::string(item.substr(equals + 1));
}

// "pixels=MIN..MAX" in pixels; the image-token budgets they stand for (one token per 28x28).
void addPixelRange(std::map<std::string, std::string>& fields, std::string_view range) {
    const auto dots = range.find("..");
    if (dots == std::string_view::npos) {
        fields["pixels"] = std::string(range);
        return;
    }
    const auto tokens = [](std::string_view pixels) -> std::string {
        long value = 0;
        const auto [end, ec] = std::from_chars(pixels.data(), pixels.data() + pixels.size(), value);
        if (ec != std::errc() || end != pixels.data() + pixels.size()) {
            return std::string(pixels);
        }
        return std::to_string(value / kModelPatchGeometry.pixelsPerToken());
    };
    fields["min_image_tokens"] = tokens(range.substr(0, dots));
    fields["image_tokens"] = tokens(range.substr(dots + 2));
}

}  // namespace

std::map<std::string, std::string> vectorSetFields(const std::string& fingerprint) {
    std::map<std::string, std::string> fields;
    const auto instructed = parseInstructionFingerprint(fingerprint);
    if (instructed) {
        fields["instruct"] = instructed->adapter;
    }
    std::string_view text = instructed ? std::string_view(instructed->plain) : fingerprint;
    std::string_view decoder;
    const auto semicolon = text.find(';');
    if (semicolon != std::string_view::npos) {
        decoder = text.substr(semicolon + 1);
        text = text.substr(0, semicolon);
    }
    for (const auto item : split(text, '|')) {
        addField(fields, item);
    }
    if (decoder.starts_with("image:")) {
        decoder.remove_prefix(6);
    }
    for (const auto item : split(decoder, ',')) {
        if (item.starts_with("pixels=")) {
            addPixelRange(fields, item.substr(7));
        } else if (!item.empty()) {
            addField(fields, item);
        }
    }
    return fields;
}

}  // namespace abc
