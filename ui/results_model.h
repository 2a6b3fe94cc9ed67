#pragma once

#include <QAbstractListModel>
#include <QHash>

#include "ui/photo_hit.h"

namespace abc::ui {

class ThumbnailProvider;

// The ranked results behind the grid. Only rows the view asks for touch the thumbnail
// provider, so 10,000 results cost one list copy, not 10,000 decodes, and only those rows are
// remembered for the thumbnail's arrival (no index of every path on the way to the first paint).
// The hits keep their ranking; the grid shows them in the order chosen (score, date taken,
// name), and dragging tiles out gives file URLs.
class ResultsModel : public QAbstractListModel {
    Q_OBJECT

  public:
    enum Role {
        PathRole = Qt::UserRole + 1,
        ScoreRole,      // invalid for photos listed without a query
        ThumbnailRole,  // QPixmap; null until the provider has it
    };
    enum class Order { Score, TakenDate, Name };

    explicit ResultsModel(ThumbnailProvider* thumbnails, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QStringList mimeTypes() const override;
    QMimeData* mimeData(const QModelIndexList& indexes) const override;
    Qt::DropActions supportedDragActions() const override;

    // `takenDatesKnown`: every hit's takenAt was looked up ("" then means undated).
    void setHits(PhotoHits hits, bool takenDatesKnown = false);
    void clear() { setHits({}); }
    // In the order shown.
    const PhotoHits& hits() const { return hits_; }
    PhotoHit hit(int row) const { return hits_.value(row); }
    // In the order the search ranked them.
    const PhotoHits& rankedHits() const { return ranked_; }
    bool takenDatesKnown() const { return datesKnown_; }

    void setOrder(Order order);
    Order order() const { return order_; }

  private:
    void onThumbnailReady(const QString& path);
    void arrange();

    ThumbnailProvider* thumbnails_;
    PhotoHits ranked_;
    PhotoHits hits_;
    bool datesKnown_ = false;
    Order order_ = Order::Score;
    mutable QHash<QString, int> waitingRows_;  // asked for, thumbnail not there yet
};

}  // namespace abc::ui
