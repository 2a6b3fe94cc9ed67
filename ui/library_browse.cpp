#include "ui/library_browse.h"

#include <algorithm>

#include "core/io/path.h"
#include "core/library/library_store.h"

namespace abc::ui {

namespace {

bool takenWithin(const PhotoRecord& photo, const PhotoFilter& filter) {
    if (!filter.hasDateRange())
        return true;
    if (!photo.takenAt)
        return false;  // as the search's filter: a date range leaves undated photos out
    const QDate day =
        QDate::fromString(QString::fromStdString(photo.takenAt->substr(0, 10)), Qt::ISODate);
    return (!filter.takenFrom.isValid() || day >= filter.takenFrom) &&
           (!filter.takenUntil.isValid() || day <= filter.takenUntil);
}

}  // namespace

PhotoHits browseLibrary(LibraryStore& store, const PhotoFilter& filter) {
    const std::optional<Path> folder =
        filter.folder.isEmpty() ? std::nullopt : std::optional(Path(filter.folder.toStdString()));
    const std::string mediaType = filter.mediaType.toStdString();
    PhotoHits hits;
    for (const PhotoRecord& photo : store.allPhotos()) {
        if ((!mediaType.empty() && photo.mediaType != mediaType) || !takenWithin(photo, filter))
            continue;
        const auto file =
            std::find_if(photo.files.begin(), photo.files.end(), [&](const PhotoFile& candidate) {
                return !folder || folder->contains(candidate.path);
            });
        if (file == photo.files.end())
            continue;
        PhotoHit hit;
        hit.path = QString::fromStdString(file->path);
        hit.scored = false;
        hit.takenAt = photo.takenAt ? QString::fromStdString(*photo.takenAt) : QString();
        hits.append(std::move(hit));
    }
    std::sort(hits.begin(), hits.end(), [](const PhotoHit& a, const PhotoHit& b) {
        if (a.takenAt.isEmpty() != b.takenAt.isEmpty())
            return b.takenAt.isEmpty();
        if (a.takenAt != b.takenAt)
            return a.takenAt > b.takenAt;
        return a.path < b.path;
    });
    return hits;
}

PhotoHits withTakenDates(LibraryStore& store, PhotoHits hits) {
    for (PhotoHit& hit : hits) {
        const auto file = store.fileByPath(hit.path.toStdString());
        const auto photo = file ? store.photo(file->second) : std::nullopt;
        hit.takenAt = photo && photo->takenAt ? QString::fromStdString(*photo->takenAt) : QString();
    }
    return hits;
}

}  // namespace abc::ui
