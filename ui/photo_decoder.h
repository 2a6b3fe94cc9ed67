#pragma once

#include <QImage>
#include <QString>

namespace abc::ui {

// A photo decoded for the screen, or why it could not be.
struct DisplayImage {
    QImage image;   // null when the photo could not be decoded
    QString error;  // the decoder's message (names the file) when `image` is null
};

// Decodes `path` for display with the decoder the library indexes with (core/image/decode.h),
// so every photo the library holds can be shown: HEIC/HEIF, GIF, CMYK JPEG, 16-bit PNG, EXIF
// orientation applied. Large JPEGs are decoded at a reduced size (libjpeg's 1/2, 1/4, 1/8) that
// still covers `edge`; the result's longest side is at most `edge` (<= 0: full size). Blocking
// and thread-safe: call it from a worker thread, never the GUI thread.
DisplayImage decodePhotoForDisplay(const QString& path, int edge);

}  // namespace abc::ui
