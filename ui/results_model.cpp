#include "ui/results_model.h"

#include <QFileInfo>

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
            return tr("%1, score %2").arg(QFileInfo(hit.path).fileName()).arg(hit.score, 0, 'f', 3);
        case PathRole:
            return hit.path;
        case ScoreRole:
            return hit.score;
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

void ResultsModel::setHits(PhotoHits hits) {
    beginResetModel();
    if (thumbnails_)
        thumbnails_->cancelPending();
    hits_ = std::move(hits);
    waitingRows_.clear();
    endResetModel();
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
