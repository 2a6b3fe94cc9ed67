#pragma once

#include <QDialog>
#include <QFutureWatcher>
#include <QTimer>
#include <functional>
#include <memory>
#include <stop_token>

#include "ui/duplicates_model.h"
#include "ui/file_manager_reveal.h"

class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSlider;
class QTableView;
class QUrl;

namespace abc::ui {

struct EngineSession;
class ThumbnailProvider;

// Near-duplicate photos of the library: files with the same bytes first ("identical copy": one
// photo under several paths, which its vectors cannot pair with itself), then every pair whose
// vectors' cosine reaches a threshold, most similar first, each photo with its thumbnail and
// path, and for each photo "open", "show in folder" and "show in results". It only ever reads
// files; nothing is deleted.
//
// The pairs are computed off the GUI thread. A computation at threshold t also answers every
// higher threshold (the pairs are sorted, so those are a prefix of them), so raising the
// threshold filters at once and only lowering it below t computes again. A scan that can no
// longer answer (the threshold went below its own, the library changed) or that nobody looks
// at any more (the view closed) is stopped between two blocks of rows.
class DuplicatesView : public QDialog {
    Q_OBJECT

  public:
    static constexpr double kDefaultThreshold = 0.95;  // as `abc-photos-cli duplicates`
    static constexpr int kMaxPairs = 1000;

    explicit DuplicatesView(QWidget* parent = nullptr);
    ~DuplicatesView() override;

    void setSession(std::shared_ptr<EngineSession> session);
    double threshold() const;
    void setThreshold(double threshold);
    DuplicatesModel* model() const { return model_; }
    QTableView* table() const { return table_; }
    QString summaryText() const;
    bool isComputing() const { return watcher_.isRunning(); }
    // The threshold the running (or last) scan computes for.
    float scanThreshold() const { return scanFloor_; }

    // How files are opened and shown in the file manager; tests replace them.
    using OpenFile = std::function<void(const QUrl& file)>;
    using RevealFile = std::function<void(const QUrl& file)>;
    void setDesktop(OpenFile open, RevealFile reveal);
    // Opens the file with the desktop's default application.
    static void openWithDesktop(const QUrl& file);

  public slots:
    // Reads the library again (after indexing, say) and recomputes.
    void refresh();

  signals:
    void showInResultsRequested(const QString& path);
    // The table now holds `count` pairs for the current threshold.
    void pairsShown(int count);
    // A scan was stopped before it finished (closed view, lower threshold, new library).
    void scanStopped();

  protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

  private:
    struct Outcome {
        quint64 generation = 0;
        float floor = 0.0f;
        DuplicatePairRows pairs;
        QString error;
        bool stopped = false;
    };
    void requestPairs();
    void start(float floor);
    void onComputed();
    void showPairs();
    void updateActions();
    QString selectedPath(int column) const;
    void openPhoto(const QString& path);
    void revealPhoto(const QString& path);
    void contextMenu(const QPoint& position);

    std::shared_ptr<EngineSession> session_;
    ThumbnailProvider* thumbnails_ = nullptr;
    DuplicatesModel* model_ = nullptr;
    QTableView* table_ = nullptr;
    QSlider* slider_ = nullptr;
    QDoubleSpinBox* spin_ = nullptr;
    QLabel* summary_ = nullptr;
    QPushButton* refresh_ = nullptr;
    QList<QPushButton*> firstActions_;
    QList<QPushButton*> secondActions_;
    OpenFile open_ = &DuplicatesView::openWithDesktop;
    RevealFile reveal_ = [](const QUrl& file) { revealInFileManager(file); };

    QTimer thresholdSettle_;
    QFutureWatcher<Outcome> watcher_;
    std::stop_source scan_;  // the running scan's
    quint64 scanGeneration_ = 0;
    float scanFloor_ = 0.0f;
    quint64 generation_ = 1;  // bumped when the library may have changed
    bool pending_ = false;    // another request arrived while computing
    Outcome computed_;        // generation 0: nothing yet
};

}  // namespace abc::ui
