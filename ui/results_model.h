#pragma once

#include <QAbstractListModel>
#include <QHash>

#include "ui/photo_hit.h"

namespace abc::ui {

class ThumbnailProvider;

// The ranked results behind the grid. Only rows the view asks for touch the thumbnail
// provider, so 10,000 results cost one list copy, not 10,000 decodes, and only those rows are
// remembered for the thumbnail's arrival (no index of every path on the way to the first paint).
class ResultsModel : public QAbstractListModel {
    Q_OBJECT

  public:
    enum Role {
        PathRole = Qt::UserRole + 1,
        ScoreRole,
        ThumbnailRole,  // QPixmap; null until the provider has it
    };

    explicit ResultsModel(ThumbnailProvider* thumbnails, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setHits(PhotoHits hits);
    void clear() { setHits({}); }
    const PhotoHits& hits() const { return hits_; }
    PhotoHit hit(int row) const { return hits_.value(row); }

  private:
    void onThumbnailReady(const QString& path);

    ThumbnailProvider* thumbnails_;
    PhotoHits hits_;
    mutable QHash<QString, int> waitingRows_;  // asked for, thumbnail not there yet
};

}  // namespace abc::ui
