#pragma once

#include <QProgressBar>

namespace abc::ui {

// The status bar's sign that a large library's vectors are being read into memory (the first
// search after the model loads: seconds at a hundred thousand photos). Hidden otherwise.
// Fed by SearchWorker::libraryLoading.
class LibraryLoadIndicator : public QProgressBar {
    Q_OBJECT

  public:
    explicit LibraryLoadIndicator(QWidget* parent = nullptr);

  public slots:
    // `done` of `total` vectors read; shown until done reaches total.
    void setLoaded(int done, int total);
};

}  // namespace abc::ui
