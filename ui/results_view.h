#pragma once

#include <QListView>

namespace abc::ui {

// The results grid: icon mode with uniform tiles, batched layout for long lists, Space for a
// large preview (Space or Enter), and a signal after the first paint of new results (what the
// person sees). Several photos are selected with Ctrl/Shift-click or Ctrl+A; selected tiles drag
// out as files; Ctrl+wheel changes the size of the thumbnails.
class ResultsView : public QListView {
    Q_OBJECT

  public:
    static constexpr int kSmallestThumbnail = 64;
    static constexpr int kLargestThumbnail = 256;  // the thumbnail cache's edge

    explicit ResultsView(QWidget* parent = nullptr);

    // Down or Page Down in `field` (the search bar) moves the keyboard focus on to the results,
    // so a person can type, run and browse without the mouse.
    void enterFrom(QWidget* field);

    // The next paint of the viewport reports `resultsPainted`.
    void expectPaint() { paintPending_ = true; }
    void cancelPaintReport() { paintPending_ = false; }

    // The paths of the selected photos, in the grid's order.
    QStringList selectedPaths() const;

    int thumbnailEdge() const;
    // Bounded to [kSmallestThumbnail, kLargestThumbnail]; lays the grid out again.
    void setThumbnailEdge(int edge);

  signals:
    void previewRequested(const QModelIndex& index);
    void resultsPainted();
    void thumbnailEdgeChanged(int edge);

  protected:
    void keyPressEvent(QKeyEvent* event) override;
    void paintEvent(QPaintEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;

  private:
    bool paintPending_ = false;
};

}  // namespace abc::ui
