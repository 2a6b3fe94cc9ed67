#include "core/image/jpeg_codec.h"

// clang-format off
#include <cstdio>  // jpeglib.h needs FILE and size_t first
#include <jpeglib.h>
#include <jerror.h>
// clang-format on

#include <csetjmp>
#include <cstring>
#include <new>
#include <vector>

#include "core/io/error.h"

namespace abc::detail {
namespace {

struct ErrorManager {
    jpeg_error_mgr base;
    std::jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
    bool truncated;
};

[[noreturn]] void onFatalError(j_common_ptr info) {
    auto* manager = reinterpret_cast<ErrorManager*>(info->err);
    (*info->err->format_message)(info, manager->message);
    std::longjmp(manager->jump, 1);
}

void onMessage(j_common_ptr info, int level) {
    // Pillow refuses a JPEG whose data ends early ("image file is truncated"); libjpeg only
    // warns and pads with grey, so remember it. Other warnings (extraneous bytes) are benign.
    if (level < 0 && info->err->msg_code == JWRN_JPEG_EOF) {
        reinterpret_cast<ErrorManager*>(info->err)->truncated = true;
    }
}

// Pillow reads every 4-component JPEG as Adobe-inverted CMYK ("CMYK;I") and then converts
// with its rounded cmyk2rgb: r = nk - nk*c/255 with nk = 255 - k, on the inverted samples.
// On libjpeg's raw samples (c_raw = 255 - c, k_raw = 255 - k) that is k_raw - muldiv255(255 -
// c_raw, k_raw).
inline std::uint8_t cmykChannel(std::uint32_t rawC, std::uint32_t rawK) {
    const std::uint32_t product = (255 - rawC) * rawK + 128;
    return static_cast<std::uint8_t>(rawK - (((product >> 8) + product) >> 8));
}

struct JpegJob {
    std::span<const std::uint8_t> bytes;
    int scaleDenom = 1;
    RgbImage* out = nullptr;
    std::vector<std::uint8_t>* cmykRows = nullptr;
    ErrorManager errors{};
};

// All libjpeg calls live here, behind one setjmp, with no C++ object whose destructor a
// longjmp could skip. Returns false with errors.message set on failure.
bool runDecode(JpegJob& job) {
    jpeg_decompress_struct info;
    info.err = jpeg_std_error(&job.errors.base);
    job.errors.base.error_exit = onFatalError;
    job.errors.base.emit_message = onMessage;
    job.errors.truncated = false;
    if (setjmp(job.errors.jump) != 0) {
        jpeg_destroy_decompress(&info);
        return false;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, job.bytes.data(), static_cast<unsigned long>(job.bytes.size()));
    jpeg_read_header(&info, TRUE);
    const bool cmyk = info.num_components == 4;
    info.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;  // libjpeg-turbo expands grey to RGB
    info.scale_num = 1;
    info.scale_denom = static_cast<unsigned int>(job.scaleDenom);
    jpeg_start_decompress(&info);

    const int width = static_cast<int>(info.output_width);
    const int height = static_cast<int>(info.output_height);
    try {
        *job.out = RgbImage(width, height);
        if (cmyk) {
            job.cmykRows->assign(static_cast<std::size_t>(width) * 4 * info.rec_outbuf_height, 0);
        }
    } catch (const std::bad_alloc&) {
        std::snprintf(job.errors.message, sizeof(job.errors.message), "out of memory");
        jpeg_destroy_decompress(&info);
        return false;
    }

    JSAMPROW rows[16];
    while (info.output_scanline < info.output_height) {
        const int first = static_cast<int>(info.output_scanline);
        const int batch = std::min<int>(std::min<int>(info.rec_outbuf_height, 16), height - first);
        for (int i = 0; i < batch; ++i) {
            rows[i] = cmyk ? job.cmykRows->data() + static_cast<std::size_t>(i) * width * 4
                           : job.out->row(first + i);
        }
        const int read =
            static_cast<int>(jpeg_read_scanlines(&info, rows, static_cast<JDIMENSION>(batch)));
        if (cmyk) {
            for (int i = 0; i < read; ++i) {
                const std::uint8_t* in = rows[i];
                std::uint8_t* out = job.out->row(first + i);
                for (int x = 0; x < width; ++x, in += 4, out += 3) {
                    out[0] = cmykChannel(in[0], in[3]);
                    out[1] = cmykChannel(in[1], in[3]);
                    out[2] = cmykChannel(in[2], in[3]);
                }
            }
        }
        if (read == 0) {
            break;
        }
    }
    const bool complete = info.output_scanline == info.output_height;
    // Everything needed is decoded; what follows the last scan (EOI, trailing bytes) is
    // ignored, as Pillow does.
    jpeg_abort_decompress(&info);
    jpeg_destroy_decompress(&info);
    if (!complete || job.errors.truncated) {
        std::snprintf(job.errors.message, sizeof(job.errors.message),
                      "image data ends early (truncated file)");
        return false;
    }
    return true;
}

}  // namespace

RgbImage decodeJpeg(std::span<const std::uint8_t> bytes, const std::string& subject,
                    int scaleDenom) {
    RgbImage out;
    std::vector<std::uint8_t> cmykRows;
    JpegJob job;
    job.bytes = bytes;
    job.scaleDenom = scaleDenom;
    job.out = &out;
    job.cmykRows = &cmykRows;
    if (!runDecode(job)) {
        throw Error(subject, std::string("cannot decode JPEG: ") + job.errors.message);
    }
    return out;
}

}  // namespace abc::detail
