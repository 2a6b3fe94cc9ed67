#pragma once

#include <QFutureWatcher>
#include <QList>
#include <QMap>
#include <QStringList>
#include <QWidget>
#include <memory>
#include <stop_token>

#include "ui/photo_hit.h"

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;

namespace abc {
class TagStore;
}

namespace abc::ui {

class FlowLayout;
struct EngineSession;

// The Tags dock: choose a tag set, apply it (on a pool thread, with progress and Stop for a
// set with an instruction), see its labels as a cloud sized by how many photos have each.
// Clicking a label adds it as a chip; the photos that carry every chip's label are offered to
// the grid (photosChosen). The detail pane asks labelsOf() for the photo it shows.
class TagsPanel : public QWidget {
    Q_OBJECT

  public:
    // A label chosen as a filter: which set gave it, and which label.
    struct Chip {
        QString set;
        QString label;
        bool operator==(const Chip&) const = default;
    };

    explicit TagsPanel(QWidget* parent = nullptr);
    ~TagsPanel() override;

    // Null, or a session without a model: nothing can be applied (the cloud still shows what
    // was applied before when the library is there).
    void setSession(std::shared_ptr<EngineSession> session);

    QStringList setNames() const;
    QString currentSet() const;
    void chooseSet(const QString& name);
    // Applies the current set; false when one is running or there is no model.
    bool apply();
    void stop();
    bool isApplying() const;
    // The cloud's labels and counts for the current set (empty until it is applied).
    QMap<QString, qint64> counts() const { return counts_; }
    QList<Chip> chips() const { return chips_; }
    void addChip(const QString& label);  // of the current set
    void removeChip(const Chip& chip);
    void clearChips();
    // "set: label" for each current label of the photo at `path`, best score first per set;
    // throws abc::Error when the library cannot be read.
    QStringList labelsOf(const QString& path) const;

  signals:
    void applied(const QString& set, int tagged, int scored);
    void applyFailed(const QString& message);
    void progressShown(int done, int total);
    // The photos with every chip's label, by the first chip's score; `description` says
    // which chips ("Tagged a dog, a beach").
    void photosChosen(const abc::ui::PhotoHits& hits, const QString& description);
    void chipsCleared();

  private:
    struct Outcome {
        QString set;
        int tagged = 0;
        int scored = 0;
        QString error;
        bool cancelled = false;
    };
    void refreshCloud();
    void refreshChips();
    void emitChosenPhotos();
    void onApplied();

    std::shared_ptr<EngineSession> session_;
    std::shared_ptr<TagStore> tags_;
    QComboBox* sets_ = nullptr;
    QLabel* state_ = nullptr;
    QPushButton* applyButton_ = nullptr;
    QPushButton* stopButton_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QWidget* cloud_ = nullptr;
    FlowLayout* cloudLayout_ = nullptr;
    QWidget* chipRow_ = nullptr;
    FlowLayout* chipLayout_ = nullptr;
    QMap<QString, qint64> counts_;
    QList<Chip> chips_;
    std::stop_source stop_;
    QFutureWatcher<Outcome> watcher_;
};

}  // namespace abc::ui
