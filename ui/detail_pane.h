#pragma once

#include <QFutureWatcher>
#include <QImage>
#include <QStringList>
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

    // What the library recorded as a file's date taken (EXIF DateTimeOriginal,
    // "YYYY-MM-DD HH:MM:SS"), or "" when it has none. Called on a pool thread, because the
    // library may be busy with an indexing transaction; may throw.
    using TakenDateLookup = std::function<QString(const QString& path)>;

    void showHit(const PhotoHit& hit);
    void clear();
    const QString& path() const { return path_; }
    QString infoText() const;
    // What the last action (open, show in folder, copy path) did, or why it could not.
    QLabel* actionFeedback() const { return feedback_; }
    // The date line alone: "taken ..." (EXIF) or "file modified ..." when the photo has none.
    QString dateText() const { return dateText_; }
    // Without a lookup the pane shows the file's modification time.
    void setTakenDateLookup(TakenDateLookup lookup);
    // The photo's tags as "set: label" (may throw: the pane then says they cannot be read).
    // Without a lookup the pane shows no tag line.
    using TagsLookup = std::function<QStringList(const QString& path)>;
    void setTagsLookup(TagsLookup lookup) { tagsLookup_ = std::move(lookup); }
    // The tag line as shown ("" when the photo has none).
    QString tagsText() const;
    // Replaces the D-Bus file manager ("Show in folder" falls back to opening the folder).
    void setFileManager(FileManager fileManager) { fileManager_ = std::move(fileManager); }

    // The pane's actions on the photo shown, each saying what it did (the grid's context menu
    // comes here too, so both speak alike).
    void openWithDefaultApplication();
    void showInFolder();
    void copyPath();

  signals:
    void findSimilarRequested(const QString& path);
    // The date line is final for the photo shown (the library answered, or had nothing).
    void dateShown(const QString& path);

  protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

  private:
    void fitPreview();
    void showDate(const QString& takenAt);
    void updateInfo();
    void tell(const QString& text, bool failed);
    // The file shown is still there; otherwise says so and returns false.
    bool stillThere();

    QString path_;
    QString sizeText_;
    QString dateText_;
    float score_ = 0.0f;
    bool scored_ = true;
    TakenDateLookup takenDate_;
    TagsLookup tagsLookup_;
    QLabel* tags_ = nullptr;
    FileManager fileManager_ = &abc::ui::showItemsOverDBus;
    QLabel* preview_ = nullptr;
    QLabel* name_ = nullptr;
    QLabel* info_ = nullptr;
    QLabel* feedback_ = nullptr;
    QList<QPushButton*> actions_;
    QImage previewImage_;  // as decoded; shown scaled to the space the pane has
    QFutureWatcher<QImage> watcher_;
    struct TakenDate {
        QString path;
        QString takenAt;
    };
    QFutureWatcher<TakenDate> dateWatcher_;
};

}  // namespace abc::ui
