#pragma once

#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace abc::ui {

// Cosine similarities of one image under several instructions (rows) against several
// candidate texts (columns), as the experiment panel shows and exports them.
struct SimilarityMatrix {
    QStringList instructions;  // rows
    QStringList candidates;    // columns
    QList<float> values;       // row-major, instructions.size() x candidates.size()

    int rows() const { return static_cast<int>(instructions.size()); }
    int columns() const { return static_cast<int>(candidates.size()); }
    bool isEmpty() const { return values.isEmpty(); }
    float at(int row, int column) const { return values.at(row * columns() + column); }

    // RFC 4180 CSV: a header row of candidates, then one row per instruction.
    QString toCsv() const;
};

}  // namespace abc::ui

Q_DECLARE_METATYPE(abc::ui::SimilarityMatrix)
