#include "core/image/decode.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <cstring>
#include <fstream>

#include "core/image/gif_codec.h"
#include "core/image/heif_codec.h"
#include "core/image/jpeg_codec.h"
#include "core/image/orientation.h"
#include "core/io/error.h"

namespace abc {
namespace {

// OpenCV hands back BGR(A) or grey at 8 or 16 bits; map that to Pillow's convert("RGB").
RgbImage rgbFromMat(const cv::Mat& mat, const std::string& subject) {
    const int channels = mat.channels();
    const int depth = mat.depth();
    if ((depth != CV_8U && depth != CV_16U) || (channels != 1 && channels != 3 && channels != 4)) {
        throw Error(subject, "unsupported pixel format (" + std::to_string(channels) +
                                 " channels, OpenCV depth " + std::to_string(depth) + ")");
    }
    RgbImage rgb(mat.cols, mat.rows);
    for (int y = 0; y < mat.rows; ++y) {
        std::uint8_t* out = rgb.row(y);
        if (depth == CV_8U) {
            const std::uint8_t* in = mat.ptr<std::uint8_t>(y);
            if (channels == 1) {
                for (int x = 0; x < mat.cols; ++x, out += 3) {
                    out[0] = out[1] = out[2] = in[x];
                }
            } else {
                for (int x = 0; x < mat.cols; ++x, in += channels, out += 3) {
                    out[0] = in[2];
                    out[1] = in[1];
                    out[2] = in[0];
                }
            }
        } else {
            const std::uint16_t* in = mat.ptr<std::uint16_t>(y);
            if (channels == 1) {
                // Pillow opens 16-bit grey as "I;16" and its RGB conversion clamps to 255.
                for (int x = 0; x < mat.cols; ++x, out += 3) {
                    const auto v = static_cast<std::uint8_t>(in[x] > 255 ? 255 : in[x]);
                    out[0] = out[1] = out[2] = v;
                }
            } else {
                // Pillow unpacks 16-bit colour ("RGB;16B", "RGBA;16B") to its high byte.
                for (int x = 0; x < mat.cols; ++x, in += channels, out += 3) {
                    out[0] = static_cast<std::uint8_t>(in[2] >> 8);
                    out[1] = static_cast<std::uint8_t>(in[1] >> 8);
                    out[2] = static_cast<std::uint8_t>(in[0] >> 8);
                }
            }
        }
    }
    return rgb;
}

RgbImage decodeWithOpenCv(std::span<const std::uint8_t> bytes, const ImageProbe& probe,
                          const std::string& subject) {
    cv::Mat mat;
    try {
        const cv::Mat buffer(1, static_cast<int>(bytes.size()), CV_8UC1,
                             const_cast<std::uint8_t*>(bytes.data()));
        // UNCHANGED: no orientation, no colour or depth conversion by OpenCV; we do Pillow's.
        mat = cv::imdecode(buffer, cv::IMREAD_UNCHANGED);
    } catch (const cv::Exception& e) {
        throw Error(subject, "cannot decode " + std::string(imageFormatName(probe.format)) + ": " +
                                 e.what());
    }
    if (mat.empty()) {
        throw Error(subject, "cannot decode " + std::string(imageFormatName(probe.format)) +
                                 ": damaged or truncated image data");
    }
    return rgbFromMat(mat, subject);
}

}  // namespace

DecodedImage decodeImage(std::span<const std::uint8_t> bytes, const std::string& subject,
                         const DecodeOptions& options) {
    if (bytes.size() > static_cast<std::size_t>(INT32_MAX)) {
        throw Error(subject, "file too large to decode (over 2 GiB)");
    }
    DecodedImage decoded;
    decoded.probe = probeImage(bytes, subject);
    checkPixelLimit(decoded.probe, options.maxPixels, subject);

    switch (decoded.probe.format) {
        case ImageFormat::Jpeg:
            decoded.rgb = detail::decodeJpeg(bytes, subject, options.jpegScaleDenom);
            break;
        case ImageFormat::Heif:
            decoded.rgb = detail::decodeHeif(bytes, subject, options.maxPixels);
            return decoded;  // libheif already applied the container's orientation
        case ImageFormat::Gif:
            decoded.rgb = detail::decodeGif(bytes, subject, options.maxPixels);
            break;
        default:
            decoded.rgb = decodeWithOpenCv(bytes, decoded.probe, subject);
            break;
    }
    if (options.applyExifOrientation) {
        decoded.rgb = applyExifOrientation(std::move(decoded.rgb), decoded.probe.orientation);
    }
    return decoded;
}

std::vector<std::uint8_t> readFileBytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) {
        throw Error(path.string(), "cannot open file");
    }
    const std::streamoff size = in.tellg();
    if (size < 0) {
        throw Error(path.string(), "cannot read file size");
    }
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
    in.seekg(0);
    if (size > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), size)) {
        throw Error(path.string(), "cannot read file");
    }
    return bytes;
}

DecodedImage decodeImageFile(const std::filesystem::path& path, const DecodeOptions& options) {
    const std::vector<std::uint8_t> bytes = readFileBytes(path);
    return decodeImage(bytes, path.string(), options);
}

}  // namespace abc
