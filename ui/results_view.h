#pragma once

#include <QListView>

namespace abc::ui {

// The results grid: icon mode with uniform tiles, batched layout for long lists, Space for a
// large preview (Space or Enter), and a signal after the first paint of new results (what the
// person sees).
class ResultsView : public QListView {
    Q_OBJECT

  public:
    explicit ResultsView(QWidget* parent = nullptr);

    // Down or Page Down in `field` (the search bar) moves the keyboard focus on to the results,
    // so a person can type, run and browse without the mouse.
    void enterFrom(QWidget* field);

    // The next paint of the viewport reports `resultsPainted`.
    void expectPaint() { paintPending_ = true; }

  signals:
    void previewRequested(const QModelIndex& index);
    void resultsPainted();

  protected:
    void keyPressEvent(QKeyEvent* event) override;
    void paintEvent(QPaintEvent* event) override;

  private:
    bool paintPending_ = false;
};

}  // namespace abc::ui
