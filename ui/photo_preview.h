#pragma once

#include <QDialog>
#include <QFutureWatcher>
#include <QImage>

class QLabel;

namespace abc::ui {

// Decodes a photo for display off the GUI thread with the library's decoder
// (decodePhotoForDisplay: every format the library indexes, EXIF orientation applied), at most
// `edge` pixels on its longest side.
QFuture<QImage> loadPreviewAsync(const QString& path, int edge);

// A large look at one photo (Space in the grid); Space or Escape closes it.
class PhotoPreview : public QDialog {
    Q_OBJECT

  public:
    explicit PhotoPreview(const QString& path, QWidget* parent = nullptr);
    ~PhotoPreview() override;

  protected:
    void keyPressEvent(QKeyEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

  private:
    void showImage();

    QLabel* image_ = nullptr;
    QImage loaded_;
    QFutureWatcher<QImage> watcher_;
};

}  // namespace abc::ui
