#pragma once

namespace abc {

// Width x height in pixels (the order Pillow's Image.size uses).
struct ImageSize {
    int width = 0;
    int height = 0;

    friend bool operator==(const ImageSize&, const ImageSize&) = default;
};

}  // namespace abc
