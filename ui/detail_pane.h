#pragma once

#include <QFutureWatcher>
#include <QImage>
#include <QWidget>

#include "ui/photo_hit.h"

class QLabel;
class QPushButton;

namespace abc::ui {

// The selected result in full: a large preview, where it lives, its size, date and score, and
// what a person does next with it.
class DetailPane : public QWidget {
    Q_OBJECT

  public:
    explicit DetailPane(QWidget* parent = nullptr);
    ~DetailPane() override;

    void showHit(const PhotoHit& hit);
    void clear();
    const QString& path() const { return path_; }
    QString infoText() const;

  signals:
    void findSimilarRequested(const QString& path);

  private:
    void openWithDefaultApplication();
    void revealInFileManager();
    void copyPath();

    QString path_;
    QLabel* preview_ = nullptr;
    QLabel* name_ = nullptr;
    QLabel* info_ = nullptr;
    QList<QPushButton*> actions_;
    QFutureWatcher<QImage> watcher_;
};

}  // namespace abc::ui
