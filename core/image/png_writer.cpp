#include "core/image/png_writer.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <fstream>
#include <vector>

#include "core/io/error.h"

namespace abc {

void writePng(const RgbImage& image, const std::filesystem::path& path) {
    if (image.empty()) {
        throw Error(path.string(), "cannot write an empty image");
    }
    cv::Mat bgr(image.height, image.width, CV_8UC3);
    for (int y = 0; y < image.height; ++y) {
        const std::uint8_t* in = image.row(y);
        std::uint8_t* out = bgr.ptr<std::uint8_t>(y);
        for (int x = 0; x < image.width; ++x, in += 3, out += 3) {
            out[0] = in[2];
            out[1] = in[1];
            out[2] = in[0];
        }
    }
    std::vector<std::uint8_t> encoded;
    try {
        if (!cv::imencode(".png", bgr, encoded)) {
            throw Error(path.string(), "PNG encoding failed");
        }
    } catch (const cv::Exception& e) {
        throw Error(path.string(), std::string("PNG encoding failed: ") + e.what());
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out || !out.write(reinterpret_cast<const char*>(encoded.data()),
                           static_cast<std::streamsize>(encoded.size()))) {
        throw Error(path.string(), "cannot write file");
    }
}

}  // namespace abc
