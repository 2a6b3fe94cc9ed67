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
        case ThumbnailRole:
            return thumbnails_ ? thumbnails_->thumbnail(hit.path) : QPixmap();
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
    rowOfPath_.clear();
    rowOfPath_.reserve(hits_.size());
    for (int row = 0; row < hits_.size(); ++row)
        rowOfPath_.insert(hits_[row].path, row);
    endResetModel();
}

void ResultsModel::onThumbnailReady(const QString& path) {
    const auto it = rowOfPath_.constFind(path);
    if (it == rowOfPath_.cend())
        return;
    const QModelIndex changed = index(it.value());
    emit dataChanged(changed, changed, {ThumbnailRole});
}

}  // namespace abc::ui
