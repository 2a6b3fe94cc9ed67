#include "ui/similarity_matrix.h"

namespace abc::ui {

namespace {

QString csvField(const QString& text) {
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')) &&
        !text.contains(QLatin1Char('\n')) && !text.contains(QLatin1Char('\r'))) {
        return text;
    }
    QString quoted = text;
    quoted.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

}  // namespace

QString SimilarityMatrix::toCsv() const {
    QString csv = QStringLiteral("instruction");
    for (const QString& candidate : candidates)
        csv += QLatin1Char(',') + csvField(candidate);
    csv += QStringLiteral("\r\n");
    for (int row = 0; row < rows(); ++row) {
        csv += csvField(instructions.at(row));
        for (int column = 0; column < columns(); ++column) {
            // Nine digits round-trip a float32 exactly.
            csv += QLatin1Char(',') + QString::number(at(row, column), 'g', 9);
        }
        csv += QStringLiteral("\r\n");
    }
    return csv;
}

}  // namespace abc::ui
