#pragma once

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QMainWindow>
#include <QThread>
#include <memory>
#include <optional>

#include "ui/app_settings.h"
#include "ui/index_run_queue.h"
#include "ui/results_model.h"
#include "ui/search_worker.h"

class QLabel;
class QLayout;
class QLineEdit;
class QMenu;
class QProgressBar;
class QPushButton;
class QShortcut;
class QStackedWidget;
class QStringListModel;
class QTabWidget;
class QToolButton;
class QVBoxLayout;

namespace abc {
struct IndexProgress;
struct IndexSummary;
}  // namespace abc

namespace abc::ui {

class DetailPane;
class DuplicatesView;
struct EngineSession;
class ExperimentPanel;
class FilterBar;
class FirstRunPage;
class FoldersPanel;
class FolderWatcher;
class GridControls;
class LibraryLoadIndicator;
class IndexWorker;
class ResultsActions;
class ResumeIndexingBar;
class ResultsView;
class TagsPanel;
class ThumbnailProvider;

// The window a person opens every day: folders on the left, the search bar on top, results as
// a grid in the middle, the selected photo on the right, and the instruction experiment in a
// second tab. A filter bar (folder, dates, type) narrows every kind of search, and a
// near-duplicates view lists pairs of nearly identical photos. Every model call runs on one of two
// worker threads (search, indexing); the GUI thread only paints and routes.
class MainWindow : public QMainWindow {
    Q_OBJECT

  public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens the library and loads the model the settings name in the background, or shows the
    // first-run page when the model cannot be found.
    void start();
    // Uses an already opened library and model (what start() ends with; tests inject one).
    void setSession(std::shared_ptr<EngineSession> session);
    std::shared_ptr<EngineSession> session() const { return session_; }

    static QStringList exampleInstructions();
    ResultsModel* resultsModel() const { return resultsModel_; }
    TagsPanel* tagsPanel() const { return tagsPanel_; }
    // Created on first use.
    DuplicatesView* duplicatesView();
    QString statusText() const;
    const AppSettings& settings() const { return settings_; }
    bool isIndexing() const { return indexing_; }
    // A search was asked for and has not answered, failed or stopped yet.
    bool isSearching() const { return searching_; }
    bool isPaused() const { return paused_; }
    // The first-run page (asking where the model is) is shown instead of the library.
    bool isShowingFirstRun() const;
    FirstRunPage* firstRunPage() const { return firstRun_; }
    // New model settings that wait for the indexing run to end before they are applied.
    bool hasPendingModelSettings() const { return pendingModelReload_; }
    // Where the time of the last search went; totalMs runs from Enter to the first paint.
    struct Timing {
        double totalMs = 0.0;
        double embedMs = 0.0;
        double rankMs = 0.0;
        double fillMs = 0.0;  // model reset + layout + first paint of the grid
        int results = 0;
    };
    const Timing& lastTiming() const { return lastTiming_; }
    int topK() const { return topK_; }
    void setTopK(int topK) { topK_ = topK; }

  public slots:
    void runSearch();
    // Stops the running search (Esc, the Stop button): an instruction search ends after the
    // photo in hand and keeps the photos it embedded for the next search.
    void stopSearch();
    // Puts an instruction (from the history or the examples) in the field, ready to run.
    void chooseInstruction(const QString& instruction);
    void clearInstructionHistory();
    void searchByExample(const QString& imagePath);
    void findSimilar(const QString& path);
    // Every photo of the library under the filter, newest date taken first, without a query
    // (Enter in an empty search bar, View > All photos).
    void browseAll();
    void addFolder(const QString& folder);
    // Forgets the folder on the search thread; the sidebar, the filter bar and the status
    // line follow once it is done.
    void removeFolder(const QString& folder);
    // Asks first (what the library forgets, what it would cost to compute again), then
    // removes: the sidebar's Remove and its context menu come here.
    void confirmRemoveFolder(const QString& folder);
    void startIndexing();
    void togglePause();
    void cancelIndexing();
    void openSettings();
    // Saves `chosen` and reloads the model when a model setting changed; during indexing the
    // reload waits for the run to end (the running indexer keeps the model it started with).
    void applySettings(const AppSettings& chosen);
    void openDuplicates();
    // Finds photos similar to `path` and selects `path` among them (from the duplicates view).
    void showInResults(const QString& path);

  signals:
    void sessionChanged();
    void resultsShown(quint64 searchId, int count);  // after the grid painted them
    void searchFailed(const QString& message);
    // Instruction mode: `done` of `total` photos embedded, after the status bar showed it.
    void searchProgressShown(int done, int total);
    // The search the window waited for was stopped; `embedded` photos were embedded with the
    // instruction (and kept) before it stopped.
    void searchStopped(quint64 searchId, int embedded);
    // A run started by startIndexing() (Index now, a folder added, resuming) ended.
    void indexingFinished(bool cancelled);
    // A run over the folders the folder watch found changed ended (or failed: `ok` false).
    void folderChangesIndexed(bool ok, const abc::IndexSummary& summary);
    // Each progress report of an indexing run, after the status bar showed it.
    void indexProgressShown(const abc::IndexProgress& progress);

  protected:
    void closeEvent(QCloseEvent* event) override;
    void showEvent(QShowEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dragLeaveEvent(QDragLeaveEvent* event) override;
    void dropEvent(QDropEvent* event) override;

  private:
    // The constructor's parts, in the order it calls them: each builds one region of the
    // window, or wires one group of signals, with what the earlier ones built.
    void buildCentralWidget();
    QWidget* buildSearchPage();
    QLayout* buildQueryRow(QWidget* page);
    void buildResultsGrid(QWidget* page);
    // The lines between the filter bar and the grid: no matches, image detail, the banner, the
    // drop hint, and what to do while the library is empty.
    void buildResultsNotices(QWidget* page, QVBoxLayout* layout);
    void buildDocks();
    void buildStatusBar();
    void buildMenus();
    void startWorkers();
    void connectResults();
    void connectPanels();
    void buildShortcuts();
    void restoreWindowState();
    // Keeps the window inside the available area of the screen it is on (smaller if need be).
    void fitToScreen();
    void saveWindowState();
    void submit(SearchQuery query);
    void onSearchFinished(quint64 id, const PhotoHits& hits, const SearchTiming& timing);
    void onSearchProgress(quint64 id, int done, int total);
    void onSearchCancelled(quint64 id, int embedded);
    void setSearchingUi(bool searching, bool instruction = false);
    void onResultsPainted();
    void onSearchFailed(quint64 id, const QString& message);
    // What the grid shows for `query`, in words: "Similar to IMG_0042.jpg".
    QString describe(const SearchQuery& query) const;
    void showResultsBanner(const QString& text, bool failed);
    void onIndexProgress(const abc::IndexProgress& progress);
    void onIndexFinished(const abc::IndexSummary& summary);
    void onIndexFailed(const QString& message);
    void onFolderForgotten(const QString& folder, int removedFiles);
    void setIndexingUi(bool running);
    // Watches the library's folders while the settings say so and a model is loaded.
    void watchFolders();
    void onFoldersChanged(const QStringList& folders, qint64 lastChangeMs);
    // Starts what the run queue holds, once no run is going.
    void startNextRun();
    void startChangesRun(const QStringList& folders);
    void onChangesRunEnded(const abc::IndexSummary* summary, const QString& error);
    void applyPendingModelSettings();
    // Makes the settings' model current: a new image detail alone re-uses the loaded weights,
    // anything else loads the model again.
    void applyModelSettings(bool weightsChanged);
    // Searches use the session's vectors, or, after the image detail changed, the vectors made
    // at the earlier detail while the library holds more of those than of the new ones.
    void chooseSearchSession();
    void updateImageDetailNotice();
    void loadModelAsync();
    // Shows `message` with the problem when there is one (a settings file that could not be
    // read or written).
    void reportSettingsProblem(const QString& problem, const QString& message);
    void showFirstRun();
    // `details`: the tooltip (timings, say); the text itself by default.
    void showStatus(const QString& text, const QString& details = {});
    void refreshFolders();
    // What to do first, while the library's folders hold no photos (or there are none).
    void showEmptyLibrary(const FolderStates& states);
    // Photos left without vectors by an earlier run: indexed at once the first time the
    // library is seen with a model (the setting), else offered in the resume bar.
    void offerToResume(const FolderStates& states);
    void applyFilter(const PhotoFilter& filter);
    void updateInstructionChoices();
    void confirmAddDroppedFolder(const QString& folder);
    // The preview on the grid's photos, from `index` on.
    void openPreview(const QModelIndex& index);
    // The Photo pane shows `path` (one of the grid's) unless it does already.
    void showInDetail(const QString& path);
    void copyPaths(const QStringList& paths);
    void sortResults(ResultsModel::Order order);
    void lookUpTakenDates();
    // Asks first, with the counts; `toTrash` moves the files to the trash too.
    void confirmForgetPhotos(const QStringList& paths, bool toTrash);
    void moveToTrash(const QStringList& paths);
    // `done`: what the status bar says once the library forgot them.
    void forgetPhotos(const QStringList& paths, const QString& done = {});
    void onFilesForgotten(const QStringList& paths);

    AppSettings settings_;
    std::shared_ptr<EngineSession> session_;
    // What searches, the sidebar's counts and the duplicates read: session_, or the same model
    // at the image detail of the vectors the library already has (see chooseSearchSession).
    std::shared_ptr<EngineSession> searchSession_;
    int topK_ = 1000;

    QStackedWidget* stack_ = nullptr;
    QTabWidget* tabs_ = nullptr;
    FirstRunPage* firstRun_ = nullptr;
    QLineEdit* searchBar_ = nullptr;
    QLineEdit* instructionBar_ = nullptr;
    QStringListModel* instructionHistory_ = nullptr;
    QToolButton* instructionChoices_ = nullptr;
    QMenu* instructionMenu_ = nullptr;
    ThumbnailProvider* thumbnails_ = nullptr;
    ResultsModel* resultsModel_ = nullptr;
    ResultsView* resultsView_ = nullptr;
    ResultsActions* resultsActions_ = nullptr;
    GridControls* gridControls_ = nullptr;
    DetailPane* detail_ = nullptr;
    TagsPanel* tagsPanel_ = nullptr;
    FoldersPanel* folders_ = nullptr;
    FilterBar* filterBar_ = nullptr;
    QLabel* noMatches_ = nullptr;
    QLabel* imageDetailNotice_ = nullptr;
    QLabel* resultsBanner_ = nullptr;  // what the grid shows, or why the search failed
    QLabel* emptyLibrary_ = nullptr;   // what to do first, while the library has no photos
    QLabel* dropHint_ = nullptr;       // what a drop would do while hovering, or why it was refused
    ResumeIndexingBar* resumeBar_ = nullptr;
    bool resumeConsidered_ = false;  // the library was seen with a model: resumed or offered
    DuplicatesView* duplicates_ = nullptr;
    ExperimentPanel* experiment_ = nullptr;
    QLabel* statusLabel_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QPushButton* pauseButton_ = nullptr;
    QPushButton* cancelButton_ = nullptr;
    QProgressBar* searchProgress_ = nullptr;
    LibraryLoadIndicator* libraryLoad_ = nullptr;
    QPushButton* stopSearchButton_ = nullptr;
    QShortcut* stopSearchShortcut_ = nullptr;

    QThread searchThread_;
    SearchWorker* searchWorker_ = nullptr;
    QThread indexThread_;
    IndexWorker* indexWorker_ = nullptr;
    bool indexing_ = false;
    bool paused_ = false;
    bool pendingModelReload_ = false;
    bool pendingWeightsReload_ = false;  // ... and not only the image detail changed
    int indexingImageTokens_ = 0;        // the budget the running indexer embeds with
    FolderWatcher* folderWatcher_ = nullptr;
    QStringList watchedRoots_;
    IndexRunQueue runQueue_;
    bool changesRun_ = false;  // the running run is over the folder watch's changes
    QString indexingDevice_;   // and the device and precision settings it runs on
    QString indexingPrecision_;

    quint64 searchId_ = 0;
    bool searching_ = false;
    std::optional<SearchQuery> lastQuery_;  // re-run when the filter changes
    // The bar's text as the window wrote it for an example or "find similar" search: Enter on
    // it unchanged runs that search again, not a text search.
    QString barTextOfLastQuery_;
    QString afterForgetting_;    // what the status bar says when the library forgot photos
    QString revealAfterSearch_;  // the photo "show in results" asked for
    bool revealHidden_ = false;  // ... which the filter leaves out
    QElapsedTimer searchClock_;
    SearchTiming pendingTiming_;
    qint64 filledAtNs_ = 0;
    int pendingCount_ = 0;
    Timing lastTiming_;

    struct LoadOutcome {
        std::shared_ptr<EngineSession> session;
        QString error;
    };
    QFutureWatcher<LoadOutcome> modelLoader_;
};

}  // namespace abc::ui
