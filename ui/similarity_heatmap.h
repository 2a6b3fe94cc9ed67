#pragma once

#include <QWidget>

#include "ui/similarity_matrix.h"

namespace abc::ui {

// The experiment's matrix as a heatmap: instructions down the side, candidates across the top,
// each cell coloured by its similarity and labelled with the value; the best candidate of each
// instruction is outlined, because "which text wins under this instruction" is the question.
class SimilarityHeatmap : public QWidget {
    Q_OBJECT

  public:
    explicit SimilarityHeatmap(QWidget* parent = nullptr);

    void setMatrix(SimilarityMatrix matrix);
    const SimilarityMatrix& matrix() const { return matrix_; }

    // The heatmap drawn at `width` pixels wide on the window colour, for export.
    QImage toImage(int width = 900) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

  protected:
    void paintEvent(QPaintEvent* event) override;

  private:
    void paintMatrix(QPainter& painter, const QRect& area) const;

    SimilarityMatrix matrix_;
};

}  // namespace abc::ui
