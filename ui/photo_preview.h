#pragma once

#include <QDialog>
#include <QFutureWatcher>
#include <QImage>
#include <QStringList>

class QLabel;
class QScrollArea;
class QToolButton;

namespace abc::ui {

// Decodes a photo for display off the GUI thread with the library's decoder
// (decodePhotoForDisplay: every format the library indexes, EXIF orientation applied), at most
// `edge` pixels on its longest side.
QFuture<QImage> loadPreviewAsync(const QString& path, int edge);

// A large look at the photos of the grid, from `current` on (Space or a double-click in the
// grid): Left/Right (or Page Up/Down) go to the previous and next photo, + and - zoom, 0 fits
// the photo to the window again; Space or Escape closes it.
class PhotoPreview : public QDialog {
    Q_OBJECT

  public:
    PhotoPreview(const QStringList& paths, int current, QWidget* parent = nullptr);
    ~PhotoPreview() override;

    QString path() const { return paths_.value(current_); }
    int current() const { return current_; }
    // 0 when fitted to the window; otherwise the scale of the decoded photo.
    double zoom() const { return zoom_; }
    bool isLoaded() const { return !loaded_.isNull(); }

  public slots:
    void showPrevious();
    void showNext();
    void zoomIn();
    void zoomOut();
    void fitToWindow();

  signals:
    void photoShown(const QString& path);  // decoded (or found undecodable) and on screen

  protected:
    void keyPressEvent(QKeyEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

  private:
    void load(int index);
    void showImage();
    void setZoom(double zoom);
    // The scale of the decoded photo when fitted to the window.
    double fittedScale() const;
    void updateControls();

    QStringList paths_;
    int current_ = 0;
    double zoom_ = 0.0;
    QScrollArea* scroll_ = nullptr;
    QLabel* image_ = nullptr;
    QLabel* position_ = nullptr;
    QToolButton* previous_ = nullptr;
    QToolButton* next_ = nullptr;
    QImage loaded_;
    QFutureWatcher<QImage> watcher_;
};

}  // namespace abc::ui
