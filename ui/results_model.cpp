#include "ui/results_model.h"

#include <QCollator>
#include <QFileInfo>
#include <QMimeData>
#include <QUrl>
#include <algorithm>

#include "ui/thumbnail_provider.h"

namespace abc::ui {

ResultsModel::ResultsModel(ThumbnailProvider* thumbnails, QObject* parent)
    : QAbstractListModel(parent), thumbnails_(thumbnails) {
    if (thumbnails_) {
        connect(thumbnails_, &ThumbnailProvider::thumbnailReady, this,
                &ResultsModel::onThumbnailReady);
    }
}

int ResultsModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(hits_.size());
}

QVariant ResultsModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.parent().isValid() || index.row() >= hits_.size())
        return {};
    const PhotoHit& hit = hits_[index.row()];
    switch (role) {
        case Qt::DisplayRole:
            return QFileInfo(hit.path).fileName();
        case Qt::ToolTipRole:
            return hit.path;
        case Qt::AccessibleTextRole:
            if (!hit.scored)
                return QFileInfo(hit.path).fileName();
            return tr("%1, score %2").arg(QFileInfo(hit.path).fileName()).arg(hit.score, 0, 'f', 3);
        case PathRole:
            return hit.path;
        case ScoreRole:
            return hit.scored ? QVariant(hit.score) : QVariant();
        case ThumbnailRole: {
            if (!thumbnails_)
                return QPixmap();
            const QPixmap pixmap = thumbnails_->thumbnail(hit.path);
            if (pixmap.isNull())
                waitingRows_.insert(hit.path, index.row());
            return pixmap;
        }
        default:
            return {};
    }
}

QHash<int, QByteArray> ResultsModel::roleNames() const {
    auto names = QAbstractListModel::roleNames();
    names.insert(PathRole, "path");
    names.insert(ScoreRole, "score");
    names.insert(ThumbnailRole, "thumbnail");
    return names;
}

Qt::ItemFlags ResultsModel::flags(const QModelIndex& index) const {
    const Qt::ItemFlags base = QAbstractListModel::flags(index);
    return index.isValid() ? base | Qt::ItemIsDragEnabled : base;
}

QStringList ResultsModel::mimeTypes() const {
    return {QStringLiteral("text/uri-list")};
}

QMimeData* ResultsModel::mimeData(const QModelIndexList& indexes) const {
    // File URLs, as a file manager, a mail program or an image editor take a dropped file.
    QList<QUrl> urls;
    for (const QModelIndex& index : indexes) {
        if (index.isValid() && index.row() < hits_.size())
            urls << QUrl::fromLocalFile(hits_[index.row()].path);
    }
    auto* mime = new QMimeData;
    mime->setUrls(urls);
    return mime;
}

Qt::DropActions ResultsModel::supportedDragActions() const {
    return Qt::CopyAction;  // the photos stay where they are
}

void ResultsModel::setHits(PhotoHits hits, bool takenDatesKnown) {
    beginResetModel();
    if (thumbnails_)
        thumbnails_->cancelPending();
    ranked_ = std::move(hits);
    datesKnown_ = takenDatesKnown;
    arrange();
    waitingRows_.clear();
    endResetModel();
}

void ResultsModel::setOrder(Order order) {
    if (order == order_)
        return;
    beginResetModel();
    order_ = order;
    arrange();
    waitingRows_.clear();
    endResetModel();
}

void ResultsModel::arrange() {
    hits_ = ranked_;
    QCollator names;
    names.setNumericMode(true);  // IMG_2 before IMG_10
    names.setCaseSensitivity(Qt::CaseInsensitive);
    const auto byName = [&](const PhotoHit& a, const PhotoHit& b) {
        return names.compare(QFileInfo(a.path).fileName(), QFileInfo(b.path).fileName()) < 0;
    };
    switch (order_) {
        case Order::Score:
            break;  // as ranked
        case Order::TakenDate:
            // Newest first; photos without a date after all dated ones.
            std::stable_sort(hits_.begin(), hits_.end(), [&](const PhotoHit& a, const PhotoHit& b) {
                if (a.takenAt.isEmpty() != b.takenAt.isEmpty())
                    return b.takenAt.isEmpty();
                if (a.takenAt != b.takenAt)
                    return a.takenAt > b.takenAt;
                return byName(a, b);
            });
            break;
        case Order::Name:
            std::stable_sort(hits_.begin(), hits_.end(), byName);
            break;
    }
}

void ResultsModel::onThumbnailReady(const QString& path) {
    const auto it = waitingRows_.constFind(path);
    if (it == waitingRows_.cend())
        return;
    const QModelIndex changed = index(it.value());
    waitingRows_.erase(it);
    emit dataChanged(changed, changed, {ThumbnailRole});
}

}  // namespace abc::ui
