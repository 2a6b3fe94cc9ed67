#pragma once

#include <QFutureWatcher>
#include <QImage>
#include <QWidget>
#include <functional>

#include "ui/file_manager_reveal.h"
#include "ui/photo_hit.h"

class QLabel;
class QPushButton;
class QUrl;

namespace abc::ui {

// The selected result in full: a large preview, where it lives, its size, date and score, and
// what a person does next with it.
class DetailPane : public QWidget {
    Q_OBJECT

  public:
    explicit DetailPane(QWidget* parent = nullptr);
    ~DetailPane() override;

    using FileManager = abc::ui::FileManager;

    void showHit(const PhotoHit& hit);
    void clear();
    const QString& path() const { return path_; }
    QString infoText() const;
    // Replaces the D-Bus file manager ("Show in folder" falls back to opening the folder).
    void setFileManager(FileManager fileManager) { fileManager_ = std::move(fileManager); }

  signals:
    void findSimilarRequested(const QString& path);

  protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

  private:
    void fitPreview();
    void openWithDefaultApplication();
    void showInFolder();
    void copyPath();

    QString path_;
    FileManager fileManager_ = &abc::ui::showItemsOverDBus;
    QLabel* preview_ = nullptr;
    QLabel* name_ = nullptr;
    QLabel* info_ = nullptr;
    QList<QPushButton*> actions_;
    QImage previewImage_;  // as decoded; shown scaled to the space the pane has
    QFutureWatcher<QImage> watcher_;
};

}  // namespace abc::ui
