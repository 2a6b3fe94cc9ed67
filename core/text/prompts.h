#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/text/grid_thw.h"

namespace abc {

class Tokenizer;

// The three inputs ABC embeds (README 2.1): a text query, an image, or an image with an
// instruction that steers what the embedding attends to.
enum class PromptKind { Text, Image, ImageWithInstruction };

// The prompt as the Qwen2-VL chat template renders a single user turn with the default
// system prompt and the generation prompt, before <|image_pad|> expansion. `text` is the
// query (Text) or the instruction (ImageWithInstruction); it is ignored for Image.
std::string abcPrompt(PromptKind kind, std::string_view text = {});

// The model's input ids: the tokenized prompt with its single <|image_pad|> replaced by
// imageTokenCount(grid, mergeSize) copies, as Qwen2VLProcessor does. `grid` is ignored for
// Text. Throws abc::Error when the user text itself contains image or video placeholders
// (the image features could then not be placed).
std::vector<std::int64_t> abcInputIds(const Tokenizer& tokenizer, PromptKind kind,
                                      std::string_view text, const GridThw& grid = {},
                                      std::int64_t mergeSize = 2);

}  // namespace abc
