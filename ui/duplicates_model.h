#pragma once

#include <QAbstractTableModel>
#include <QCache>
#include <QIcon>
#include <QList>
#include <QMetaType>
#include <QMultiHash>
#include <QString>

namespace abc::ui {

class ThumbnailProvider;

// Two photos whose vectors are nearly the same (a copy re-encoded, resized, lightly edited), or
// two files with the same bytes (`identical`: one photo of the library under two paths).
struct DuplicatePairRow {
    QString first;
    QString second;
    float similarity = 0.0f;  // cosine of their vectors; 1 for an identical copy
    bool identical = false;
};
using DuplicatePairRows = QList<DuplicatePairRow>;

// The near-duplicate pairs as a table: the first photo, the second, their similarity ("identical
// copy" for files with the same bytes). Photo cells carry a square thumbnail (from the
// provider, off the GUI thread) and the path.
class DuplicatesModel : public QAbstractTableModel {
    Q_OBJECT

  public:
    enum Column { FirstPhoto = 0, SecondPhoto = 1, Similarity = 2, ColumnCount = 3 };
    enum Role {
        PathRole = Qt::UserRole + 1,  // the photo of a photo cell
        SimilarityRole,               // on every cell of a row
        IdenticalRole,                // on every cell of a row: the same file content
    };

    // `thumbnails` may be null (no pictures); `iconEdge` is the side of the square icons.
    explicit DuplicatesModel(ThumbnailProvider* thumbnails, int iconEdge = 96,
                             QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    void setPairs(DuplicatePairRows pairs);
    const DuplicatePairRows& pairs() const { return pairs_; }
    DuplicatePairRow pair(int row) const { return pairs_.value(row); }
    // The photo of a cell in the first or second column; "" elsewhere.
    QString pathAt(int row, int column) const;

  private:
    QIcon icon(const QString& path) const;
    void onThumbnailReady(const QString& path);

    ThumbnailProvider* thumbnails_;
    int iconEdge_;
    DuplicatePairRows pairs_;
    QMultiHash<QString, QModelIndex> cellsOfPath_;
    QIcon placeholder_;
    // Square icons made from the provider's thumbnails; bounded like its memory cache.
    mutable QCache<QString, QIcon> icons_;
};

}  // namespace abc::ui

Q_DECLARE_METATYPE(abc::ui::DuplicatePairRow)
Q_DECLARE_METATYPE(abc::ui::DuplicatePairRows)
