#include "ui/duplicates_model.h"

#include <QDir>
#include <QFileInfo>
#include <QPainter>
#include <QPixmap>

#include "ui/thumbnail_provider.h"

namespace abc::ui {

namespace {

constexpr int kIconCacheEntries = 400;

// Centred on a transparent square, so every row's text starts at the same place whatever the
// photo's shape.
QPixmap squared(const QPixmap& thumbnail, int edge) {
    QPixmap square(edge, edge);
    square.fill(Qt::transparent);
    if (thumbnail.isNull())
        return square;
    const QPixmap fitted =
        thumbnail.scaled(edge, edge, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    QPainter painter(&square);
    painter.drawPixmap((edge - fitted.width()) / 2, (edge - fitted.height()) / 2, fitted);
    return square;
}

}  // namespace

DuplicatesModel::DuplicatesModel(ThumbnailProvider* thumbnails, int iconEdge, QObject* parent)
    : QAbstractTableModel(parent),
      thumbnails_(thumbnails),
      iconEdge_(iconEdge),
      placeholder_(squared({}, iconEdge)),
      icons_(kIconCacheEntries) {
    if (thumbnails_) {
        connect(thumbnails_, &ThumbnailProvider::thumbnailReady, this,
                &DuplicatesModel::onThumbnailReady);
    }
}

int DuplicatesModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(pairs_.size());
}

int DuplicatesModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QString DuplicatesModel::pathAt(int row, int column) const {
    if (row < 0 || row >= pairs_.size())
        return {};
    if (column == FirstPhoto)
        return pairs_[row].first;
    if (column == SecondPhoto)
        return pairs_[row].second;
    return {};
}

QIcon DuplicatesModel::icon(const QString& path) const {
    if (const QIcon* cached = icons_.object(path))
        return *cached;
    const QPixmap thumbnail = thumbnails_->thumbnail(path);  // schedules it when missing
    if (thumbnail.isNull())
        return placeholder_;
    auto* made = new QIcon(squared(thumbnail, iconEdge_));
    const QIcon out = *made;
    icons_.insert(path, made);
    return out;
}

QVariant DuplicatesModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.parent().isValid() || index.row() >= pairs_.size() ||
        index.column() >= ColumnCount) {
        return {};
    }
    const DuplicatePairRow& pair = pairs_[index.row()];
    if (role == SimilarityRole)
        return pair.similarity;
    if (role == IdenticalRole)
        return pair.identical;
    if (index.column() == Similarity) {
        switch (role) {
            case Qt::DisplayRole:
                return pair.identical ? tr("identical copy")
                                      : QString::number(pair.similarity, 'f', 4);
            case Qt::TextAlignmentRole:
                return QVariant::fromValue(Qt::Alignment(Qt::AlignCenter));
            case Qt::ToolTipRole:
            case Qt::AccessibleTextRole:
                return pair.identical ? tr("identical copy: the same file content under two paths")
                                      : tr("similarity %1").arg(pair.similarity, 0, 'f', 4);
            default:
                return {};
        }
    }
    const QString path = index.column() == FirstPhoto ? pair.first : pair.second;
    switch (role) {
        case Qt::DisplayRole:
            return QDir::toNativeSeparators(path);
        case Qt::ToolTipRole:
            return QDir::toNativeSeparators(path);
        case Qt::AccessibleTextRole:
            return (index.column() == FirstPhoto ? tr("First photo: %1") : tr("Second photo: %1"))
                .arg(QDir::toNativeSeparators(path));
        case Qt::DecorationRole:
            return thumbnails_ ? QVariant(icon(path)) : QVariant();
        case PathRole:
            return path;
        default:
            return {};
    }
}

QVariant DuplicatesModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
        case FirstPhoto:
            return tr("Photo");
        case SecondPhoto:
            return tr("Near duplicate");
        case Similarity:
            return tr("Similarity");
        default:
            return {};
    }
}

void DuplicatesModel::setPairs(DuplicatePairRows pairs) {
    beginResetModel();
    pairs_ = std::move(pairs);
    cellsOfPath_.clear();
    for (int row = 0; row < pairs_.size(); ++row) {
        cellsOfPath_.insert(pairs_[row].first, index(row, FirstPhoto));
        cellsOfPath_.insert(pairs_[row].second, index(row, SecondPhoto));
    }
    endResetModel();
}

void DuplicatesModel::onThumbnailReady(const QString& path) {
    const auto cells = cellsOfPath_.values(path);
    if (cells.isEmpty())
        return;
    icons_.remove(path);  // a placeholder never goes into the cache, but a stale icon might
    for (const QModelIndex& cell : cells)
        emit dataChanged(cell, cell, {Qt::DecorationRole});
}

}  // namespace abc::ui
