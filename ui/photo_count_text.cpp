#include "ui/photo_count_text.h"

#include <QCoreApplication>
#include <QStringList>

namespace abc::ui {

namespace {

QString tr(const char* text) {
    return QCoreApplication::translate("PhotoCountText", text);
}

}  // namespace

QString photoCountText(int count) {
    // Spelled out rather than Qt's "%n photo(s)": without a translation loaded, that is what a
    // person would read.
    if (count == 0)
        return tr("No photos");
    if (count == 1)
        return tr("1 photo");
    return tr("%1 photos").arg(count);
}

QString photosInText(int count) {
    return count == 1 ? tr("1 photo") : tr("%1 photos").arg(count);
}

QString countText(int count, const QString& one, const QString& many) {
    return count == 1 ? one : QString(many).arg(count);
}

QString withPhotoCount(const QString& description, int count) {
    return tr("%1 · %2").arg(description, photoCountText(count));
}

QString folderCountText(int photos, int indexed) {
    if (photos == 0)
        return tr("not indexed yet");
    if (indexed >= photos)
        return tr("%1, all indexed").arg(photoCountText(photos));
    return tr("%1 of %2 indexed").arg(indexed).arg(photoCountText(photos));
}

QString notIndexedText(int unreadable, int notImages) {
    QStringList parts;
    if (unreadable > 0)
        parts << tr("%1 could not be read").arg(unreadable);
    if (notImages == 1)
        parts << tr("1 not an image");
    else if (notImages > 1)
        parts << tr("%1 not images").arg(notImages);
    return parts.join(QStringLiteral(", "));
}

}  // namespace abc::ui
