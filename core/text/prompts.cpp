#include "core/text/prompts.h"

#include <algorithm>

#include "core/io/error.h"
#include "core/text/tokenizer.h"

namespace abc {

namespace {

constexpr std::string_view kImagePad = "<|image_pad|>";
constexpr std::string_view kVideoPad = "<|video_pad|>";
constexpr std::string_view kImage = "<|vision_start|><|image_pad|><|vision_end|>";

std::int64_t requireToken(const Tokenizer& tokenizer, std::string_view token) {
    const auto id = tokenizer.tokenId(token);
    if (!id) {
        throw Error("tokenizer", "has no " + std::string(token) + " token");
    }
    return *id;
}

}  // namespace

std::int64_t imageTokenCount(const GridThw& grid, std::int64_t mergeSize) {
    const std::int64_t window = mergeSize * mergeSize;
    if (grid.t <= 0 || grid.h <= 0 || grid.w <= 0 || mergeSize <= 0 || grid.h % mergeSize != 0 ||
        grid.w % mergeSize != 0) {
        throw Error("image grid", "(" + std::to_string(grid.t) + ", " + std::to_string(grid.h) +
                                      ", " + std::to_string(grid.w) +
                                      ") does not split into merge windows of " +
                                      std::to_string(mergeSize) + "x" + std::to_string(mergeSize));
    }
    return grid.t * grid.h * grid.w / window;
}

std::string abcPrompt(PromptKind kind, std::string_view text) {
    std::string user;
    switch (kind) {
        case PromptKind::Text:
            user = text;
            break;
        case PromptKind::Image:
            user = kImage;
            break;
        case PromptKind::ImageWithInstruction:
            user = std::string(kImage) + "Instruction: " + std::string(text);
            break;
    }
    return "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n" + user +
           "<|im_end|>\n<|im_start|>assistant\n";
}

std::vector<std::int64_t> abcInputIds(const Tokenizer& tokenizer, PromptKind kind,
                                      std::string_view text, const GridThw& grid,
                                      std::int64_t mergeSize) {
    const std::int64_t imagePad = requireToken(tokenizer, kImagePad);
    const auto videoPad = tokenizer.tokenId(kVideoPad);
    const auto promptIds = tokenizer.encode(abcPrompt(kind, text));
    const auto pads = std::count(promptIds.begin(), promptIds.end(), imagePad);
    const auto videoPads = videoPad ? std::count(promptIds.begin(), promptIds.end(), *videoPad) : 0;
    if (pads != (kind == PromptKind::Text ? 0 : 1) || videoPads != 0) {
        throw Error("query text", "contains " + std::string(kImagePad) + " or " +
                                      std::string(kVideoPad) + ", which only images may use");
    }
    if (kind == PromptKind::Text) {
        return promptIds;
    }
    const std::int64_t copies = imageTokenCount(grid, mergeSize);
    std::vector<std::int64_t> ids;
    ids.reserve(promptIds.size() + static_cast<std::size_t>(copies));
    for (const std::int64_t id : promptIds) {
        if (id == imagePad) {
            ids.insert(ids.end(), static_cast<std::size_t>(copies), imagePad);
        } else {
            ids.push_back(id);
        }
    }
    return ids;
}

}  // namespace abc
