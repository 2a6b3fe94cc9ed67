#include "ui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QCompleter>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QScreen>
#include <QSet>
#include <QSettings>
#include <QShortcut>
#include <QShowEvent>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QStringListModel>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>
#include <exception>
#include <utility>

#include "core/io/path.h"
#include "core/library/library_store.h"
#include "core/library/photo_embedder.h"
#include "core/library/photo_scanner.h"
#include "core/library/photo_search.h"
#include "core/model/device.h"
#include "core/version.h"
#include "ui/detail_pane.h"
#include "ui/duplicates_view.h"
#include "ui/engine_session.h"
#include "ui/experiment_panel.h"
#include "ui/filter_bar.h"
#include "ui/first_run_page.h"
#include "ui/folder_watcher.h"
#include "ui/folders_panel.h"
#include "ui/grid_controls.h"
#include "ui/index_worker.h"
#include "ui/indexing_estimate.h"
#include "ui/library_load_indicator.h"
#include "ui/model_location_row.h"
#include "ui/photo_count_text.h"
#include "ui/photo_preview.h"
#include "ui/readable_colour.h"
#include "ui/result_tile_delegate.h"
#include "ui/results_actions.h"
#include "ui/results_model.h"
#include "ui/results_view.h"
#include "ui/resume_indexing_bar.h"
#include "ui/settings_dialog.h"
#include "ui/tags_panel.h"
#include "ui/thumbnail_provider.h"

namespace abc::ui {

namespace {

// How many recent instructions the drop-down lists (the history keeps more for the completer).
constexpr int kRecentInstructionsShown = 10;

const QStringList kExampleInstructions = {
    QStringLiteral("what is the animal on the left?"),
    QStringLiteral("what is the animal on the right?"),
    QStringLiteral("what is the main object in the photo?"),
    QStringLiteral("where was this photo taken?"),
    QStringLiteral("what colour is the car?"),
};

QString formatDuration(double seconds) {
    if (seconds < 0)
        return QObject::tr("unknown");
    if (seconds < 90)  // at least 1 s: "about 0 s" would read as nothing to do
        return QObject::tr("%1 s").arg(std::max(1, qRound(seconds)));
    if (seconds < 5400)
        return QObject::tr("%1 min").arg(qRound(seconds / 60));
    return QObject::tr("%1 h %2 min").arg(int(seconds / 3600)).arg(int(seconds / 60) % 60);
}

// The first local file or folder among dropped URLs ("" when there is none).
QString firstDroppedPath(const QMimeData* mime) {
    if (!mime->hasUrls())
        return {};
    for (const QUrl& url : mime->urls()) {
        if (url.isLocalFile() && QFileInfo::exists(url.toLocalFile()))
            return QFileInfo(url.toLocalFile()).absoluteFilePath();
    }
    return {};
}

// A standard key's bindings on this platform, and `fallback` too: some platforms (a plain X11
// session without a desktop's theme) bind nothing to Preferences, or not what people expect.
QList<QKeySequence> withFallback(QKeySequence::StandardKey key, QKeyCombination fallback) {
    QList<QKeySequence> keys = QKeySequence::keyBindings(key);
    if (!keys.contains(QKeySequence(fallback)))
        keys.append(QKeySequence(fallback));
    return keys;
}

SimilarityMatrix toUiMatrix(const abc::SimilarityMatrix& matrix) {
    SimilarityMatrix out;
    for (const auto& row : matrix.instructions)
        out.instructions << QString::fromStdString(row);
    for (const auto& column : matrix.candidates)
        out.candidates << QString::fromStdString(column);
    out.values = QList<float>(matrix.values.begin(), matrix.values.end());
    return out;
}

void registerQueuedTypes() {
    qRegisterMetaType<abc::ui::PhotoHits>();
    qRegisterMetaType<abc::ui::SearchQuery>();
    qRegisterMetaType<abc::ui::SearchTiming>();
    qRegisterMetaType<abc::ui::FolderStates>();
    qRegisterMetaType<abc::ui::FilterOptions>();
    qRegisterMetaType<abc::ui::PhotoFilter>();
    qRegisterMetaType<abc::IndexProgress>();
    qRegisterMetaType<abc::IndexSummary>();
    qRegisterMetaType<std::shared_ptr<abc::ui::EngineSession>>();
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent), settings_(AppSettings::load()) {
    registerQueuedTypes();
    setWindowTitle(QStringLiteral("ABC Photos"));
    setObjectName(QStringLiteral("mainWindow"));
    setAcceptDrops(true);

    buildCentralWidget();
    buildDocks();
    buildStatusBar();
    buildMenus();
    startWorkers();
    connectResults();
    connectPanels();
    buildShortcuts();

    updateInstructionChoices();
    setIndexingUi(false);
    setSearchingUi(false);
    resize(1280, 800);
    restoreWindowState();
    showStatus(tr("Starting…"));
}

void MainWindow::buildCentralWidget() {
    experiment_ = new ExperimentPanel(this);
    tabs_ = new QTabWidget(this);
    tabs_->setObjectName(QStringLiteral("mainTabs"));
    tabs_->setAccessibleName(tr("Search or experiment"));
    tabs_->addTab(buildSearchPage(), tr("&Search"));
    tabs_->addTab(experiment_, tr("E&xperiment"));
    stack_ = new QStackedWidget(this);
    stack_->addWidget(tabs_);
    setCentralWidget(stack_);
}

QWidget* MainWindow::buildSearchPage() {
    auto* page = new QWidget(this);
    auto* layout = new QVBoxLayout(page);
    layout->addLayout(buildQueryRow(page));
    filterBar_ = new FilterBar(page);
    filterBar_->setFilter(settings_.filter);  // before it is connected: nothing to re-run yet
    layout->addWidget(filterBar_);
    buildResultsGrid(page);
    layout->addWidget(gridControls_);
    layout->addWidget(resultsView_, 1);
    buildResultsNotices(page, layout);
    return page;
}

QLayout* MainWindow::buildQueryRow(QWidget* page) {
    searchBar_ = new QLineEdit(page);
    searchBar_->setObjectName(QStringLiteral("searchBar"));
    searchBar_->setPlaceholderText(tr("Describe a photo: \"a dog on the beach\" (Ctrl+F)"));
    searchBar_->setAccessibleName(tr("Search query"));
    searchBar_->setToolTip(
        tr("Plain text, or combine: beach + sunset - people, 2:cat + 0.5:dog, "
           "image:/path/photo.jpg"));
    searchBar_->setClearButtonEnabled(true);
    instructionBar_ = new QLineEdit(page);
    instructionBar_->setObjectName(QStringLiteral("instructionBar"));
    instructionBar_->setPlaceholderText(
        tr("Optional instruction: \"what is the animal on the left?\""));
    instructionBar_->setAccessibleName(tr("Instruction"));
    instructionBar_->setClearButtonEnabled(true);
    instructionHistory_ = new QStringListModel(this);
    auto* completer = new QCompleter(instructionHistory_, this);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setFilterMode(Qt::MatchContains);
    instructionBar_->setCompleter(completer);
    // The history and the examples are offered before anything is typed: a drop-down next to
    // the field (also Alt+Down or F4 inside it), the completer narrows them while typing.
    instructionMenu_ = new QMenu(this);
    instructionMenu_->setObjectName(QStringLiteral("instructionMenu"));
    instructionMenu_->setAccessibleName(tr("Recent and example instructions"));
    instructionChoices_ = new QToolButton(page);
    instructionChoices_->setObjectName(QStringLiteral("instructionChoices"));
    instructionChoices_->setAccessibleName(tr("Recent and example instructions"));
    instructionChoices_->setToolTip(tr("Recent and example instructions (Alt+Down)"));
    instructionChoices_->setArrowType(Qt::DownArrow);
    instructionChoices_->setPopupMode(QToolButton::InstantPopup);
    instructionChoices_->setFocusPolicy(Qt::StrongFocus);
    instructionChoices_->setMenu(instructionMenu_);
    for (const QKeySequence& key :
         {QKeySequence(Qt::ALT | Qt::Key_Down), QKeySequence(Qt::Key_F4)}) {
        auto* shortcut = new QShortcut(key, instructionBar_, nullptr, nullptr, Qt::WidgetShortcut);
        connect(shortcut, &QShortcut::activated, instructionChoices_, &QToolButton::showMenu);
    }
    auto* searchButton = new QPushButton(tr("Search"), page);
    searchButton->setObjectName(QStringLiteral("searchButton"));
    searchButton->setAccessibleName(tr("Run the search"));
    connect(searchBar_, &QLineEdit::returnPressed, this, &MainWindow::runSearch);
    connect(instructionBar_, &QLineEdit::returnPressed, this, &MainWindow::runSearch);
    connect(searchButton, &QPushButton::clicked, this, &MainWindow::runSearch);

    auto* row = new QHBoxLayout;
    row->addWidget(searchBar_, 3);
    auto* instructionRow = new QHBoxLayout;
    instructionRow->setSpacing(0);
    instructionRow->addWidget(instructionBar_, 1);
    instructionRow->addWidget(instructionChoices_);
    row->addLayout(instructionRow, 2);
    row->addWidget(searchButton);
    return row;
}

void MainWindow::buildResultsGrid(QWidget* page) {
    thumbnails_ = new ThumbnailProvider(256, {}, this);
    thumbnails_->setObjectName(QStringLiteral("resultThumbnails"));
    resultsModel_ = new ResultsModel(thumbnails_, this);
    resultsView_ = new ResultsView(page);
    resultsView_->setItemDelegate(new ResultTileDelegate(160, resultsView_));
    resultsView_->setModel(resultsModel_);
    resultsView_->setAcceptDrops(false);
    resultsView_->viewport()->setAcceptDrops(false);
    resultsActions_ = new ResultsActions(resultsView_);
    gridControls_ = new GridControls(page);
    gridControls_->showThumbnailEdge(resultsView_->thumbnailEdge());
}

void MainWindow::buildResultsNotices(QWidget* page, QVBoxLayout* layout) {
    // Each notice sits between the filter bar and the grid, in this order from the top.
    const auto aboveGrid = [&](QLabel* notice) {
        notice->hide();
        layout->insertWidget(layout->indexOf(resultsView_), notice);
    };
    // An empty grid under active filters says why and offers the way out.
    noMatches_ = new QLabel(
        tr("No photo matches both the search and the filters. <a href=\"reset\">Reset the "
           "filters</a>"),
        page);
    noMatches_->setObjectName(QStringLiteral("noMatches"));
    noMatches_->setAccessibleName(tr("No results under the filters"));
    noMatches_->setAlignment(Qt::AlignCenter);
    noMatches_->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    aboveGrid(noMatches_);
    // After the image detail changed: why searches still answer from the earlier vectors, and
    // the way to the new ones.
    imageDetailNotice_ = new QLabel(page);
    imageDetailNotice_->setObjectName(QStringLiteral("imageDetailNotice"));
    imageDetailNotice_->setAccessibleName(tr("Image detail changed"));
    imageDetailNotice_->setWordWrap(true);
    imageDetailNotice_->setFrameShape(QFrame::StyledPanel);
    imageDetailNotice_->setMargin(6);
    imageDetailNotice_->setTextInteractionFlags(Qt::LinksAccessibleByMouse |
                                                Qt::LinksAccessibleByKeyboard);
    aboveGrid(imageDetailNotice_);
    resultsBanner_ = new QLabel(page);
    resultsBanner_->setObjectName(QStringLiteral("resultsBanner"));
    resultsBanner_->setAccessibleName(tr("What the results show"));
    resultsBanner_->setTextFormat(Qt::PlainText);  // file names and queries, never markup
    resultsBanner_->setWordWrap(true);
    resultsBanner_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    aboveGrid(resultsBanner_);
    dropHint_ = new QLabel(page);
    dropHint_->setObjectName(QStringLiteral("dropHint"));
    dropHint_->setAccessibleName(tr("What dropping does"));
    dropHint_->setTextFormat(Qt::PlainText);
    dropHint_->setWordWrap(true);
    dropHint_->setFrameShape(QFrame::Box);
    dropHint_->setMargin(8);
    aboveGrid(dropHint_);
    // A library without photos says how to get some, where the photos would be.
    emptyLibrary_ = new QLabel(page);  // its text: showEmptyLibrary
    emptyLibrary_->setObjectName(QStringLiteral("emptyLibrary"));
    emptyLibrary_->setAccessibleName(tr("The library is empty"));
    emptyLibrary_->setWordWrap(true);
    emptyLibrary_->setAlignment(Qt::AlignCenter);
    emptyLibrary_->setMargin(24);
    emptyLibrary_->setTextInteractionFlags(Qt::LinksAccessibleByMouse |
                                           Qt::LinksAccessibleByKeyboard);
    aboveGrid(emptyLibrary_);
    resumeBar_ = new ResumeIndexingBar(page);
    layout->insertWidget(layout->indexOf(resultsView_), resumeBar_);
}

void MainWindow::buildDocks() {
    auto* foldersDock = new QDockWidget(tr("Folders"), this);
    foldersDock->setObjectName(QStringLiteral("foldersDock"));
    folders_ = new FoldersPanel(foldersDock);
    foldersDock->setWidget(folders_);
    addDockWidget(Qt::LeftDockWidgetArea, foldersDock);
    auto* detailDock = new QDockWidget(tr("Photo"), this);
    detailDock->setObjectName(QStringLiteral("detailDock"));
    detail_ = new DetailPane(detailDock);
    detailDock->setWidget(detail_);
    addDockWidget(Qt::RightDockWidgetArea, detailDock);
    auto* tagsDock = new QDockWidget(tr("Tags"), this);
    tagsDock->setObjectName(QStringLiteral("tagsDock"));
    tagsPanel_ = new TagsPanel(tagsDock);
    tagsDock->setWidget(tagsPanel_);
    addDockWidget(Qt::LeftDockWidgetArea, tagsDock);
    detail_->setTagsLookup([this](const QString& path) { return tagsPanel_->labelsOf(path); });
}

void MainWindow::startWorkers() {
    // Model calls never run on this thread.
    searchWorker_ = new SearchWorker;
    searchWorker_->moveToThread(&searchThread_);
    connect(&searchThread_, &QThread::finished, searchWorker_, &QObject::deleteLater);
    connect(searchWorker_, &SearchWorker::finished, this, &MainWindow::onSearchFinished);
    connect(searchWorker_, &SearchWorker::failed, this, &MainWindow::onSearchFailed);
    connect(searchWorker_, &SearchWorker::progress, this, &MainWindow::onSearchProgress);
    connect(searchWorker_, &SearchWorker::cancelled, this, &MainWindow::onSearchCancelled);
    connect(searchWorker_, &SearchWorker::libraryLoading, libraryLoad_,
            &LibraryLoadIndicator::setLoaded);
    connect(searchWorker_, &SearchWorker::filterOptionsReady, filterBar_, &FilterBar::setOptions);
    connect(searchWorker_, &SearchWorker::folderStatesReady, folders_, &FoldersPanel::setStates);
    connect(searchWorker_, &SearchWorker::folderStatesReady, this, &MainWindow::showEmptyLibrary);
    connect(searchWorker_, &SearchWorker::folderStatesReady, this, &MainWindow::offerToResume);
    connect(searchWorker_, &SearchWorker::libraryReadFailed, this, [this](const QString& message) {
        showStatus(tr("The library could not be read: %1").arg(message));
    });
    connect(searchWorker_, &SearchWorker::folderForgotten, this, &MainWindow::onFolderForgotten);
    connect(searchWorker_, &SearchWorker::filesForgotten, this, &MainWindow::onFilesForgotten);
    connect(searchWorker_, &SearchWorker::filesNotForgotten, this,
            [this](const QStringList&, const QString& message) {
                showStatus(tr("The photos could not be removed from the library: %1").arg(message));
            });
    connect(searchWorker_, &SearchWorker::takenDatesFound, this,
            [this](quint64 id, const PhotoHits& hits) {
                if (id == searchId_ && !searching_)
                    resultsModel_->setHits(hits, true);  // in the order chosen meanwhile
            });
    connect(searchWorker_, &SearchWorker::folderNotForgotten, this,
            [this](const QString&, const QString& message) {
                showStatus(tr("The folder could not be removed: %1").arg(message));
                refreshFolders();
            });
    searchThread_.setObjectName(QStringLiteral("search"));
    searchThread_.start();

    indexWorker_ = new IndexWorker;
    indexWorker_->moveToThread(&indexThread_);
    connect(&indexThread_, &QThread::finished, indexWorker_, &QObject::deleteLater);
    connect(indexWorker_, &IndexWorker::progress, this, &MainWindow::onIndexProgress);
    connect(indexWorker_, &IndexWorker::finished, this, &MainWindow::onIndexFinished);
    connect(indexWorker_, &IndexWorker::failed, this, &MainWindow::onIndexFailed);
    indexThread_.setObjectName(QStringLiteral("indexing"));
    indexThread_.start();

    folderWatcher_ = new FolderWatcher(this);
    connect(folderWatcher_, &FolderWatcher::foldersChanged, this, &MainWindow::onFoldersChanged);
    connect(folderWatcher_, &FolderWatcher::watchLimitReached, this, [this](int watched) {
        showStatus(tr("The library's folders hold more than %1 folders: changes in the first %1 "
                      "are indexed as they happen, the rest every 10 minutes")
                       .arg(watched));
    });
    connect(folderWatcher_, &FolderWatcher::watchFailed, this, [this](const QString& message) {
        showStatus(tr("The library's folders cannot be watched for changes (%1): use Index "
                      "now after adding photos")
                       .arg(message));
    });

    connect(&modelLoader_, &QFutureWatcher<LoadOutcome>::finished, this, [this] {
        const LoadOutcome outcome = modelLoader_.result();
        if (!outcome.error.isEmpty()) {
            showStatus(tr("The model could not be loaded: %1").arg(outcome.error));
            return;
        }
        setSession(outcome.session);
    });
}

void MainWindow::connectResults() {
    connect(resultsView_, &ResultsView::resultsPainted, this, &MainWindow::onResultsPainted);
    connect(resultsView_->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& current) {
                if (current.isValid()) {
                    detail_->showHit(resultsModel_->hit(current.row()));
                } else {
                    detail_->clear();
                }
                experiment_->offerPhoto(current.isValid() ? resultsModel_->hit(current.row()).path
                                                          : QString());
            });
    connect(resultsModel_, &QAbstractItemModel::modelReset, detail_, &DetailPane::clear);
    connect(resultsView_, &ResultsView::previewRequested, this, &MainWindow::openPreview);
    connect(resultsView_, &QAbstractItemView::doubleClicked, this, &MainWindow::openPreview);
    connect(resultsView_, &QAbstractItemView::activated, this, [this](const QModelIndex& index) {
        detail_->showHit(resultsModel_->hit(index.row()));
    });
    connect(gridControls_, &GridControls::orderChanged, this, &MainWindow::sortResults);
    connect(gridControls_, &GridControls::thumbnailEdgeChanged, resultsView_,
            &ResultsView::setThumbnailEdge);
    connect(resultsView_, &ResultsView::thumbnailEdgeChanged, gridControls_,
            &GridControls::showThumbnailEdge);

    connect(resultsActions_, &ResultsActions::openRequested, this, [this](const QString& path) {
        showInDetail(path);
        detail_->openWithDefaultApplication();
    });
    connect(resultsActions_, &ResultsActions::revealRequested, this, [this](const QString& path) {
        showInDetail(path);
        detail_->showInFolder();
    });
    connect(resultsActions_, &ResultsActions::copyPathsRequested, this, &MainWindow::copyPaths);
    connect(resultsActions_, &ResultsActions::findSimilarRequested, this, &MainWindow::findSimilar);
    connect(resultsActions_, &ResultsActions::useInExperimentRequested, this,
            [this](const QString& path) {
                experiment_->setImagePath(path);
                tabs_->setCurrentWidget(experiment_);
            });
    connect(resultsActions_, &ResultsActions::removeFromLibraryRequested, this,
            [this](const QStringList& paths) { confirmForgetPhotos(paths, false); });
    connect(resultsActions_, &ResultsActions::moveToTrashRequested, this,
            [this](const QStringList& paths) { confirmForgetPhotos(paths, true); });
}

void MainWindow::connectPanels() {
    connect(detail_, &DetailPane::findSimilarRequested, this, &MainWindow::findSimilar);
    connect(tagsPanel_, &TagsPanel::photosChosen, this,
            [this](const PhotoHits& hits, const QString& description) {
                gridControls_->offerScoreOrder(true);
                resultsModel_->setOrder(gridControls_->order());
                resultsModel_->setHits(hits);
                showResultsBanner(withPhotoCount(description, static_cast<int>(hits.size())),
                                  false);
                showStatus(photoCountText(static_cast<int>(hits.size())));
            });
    connect(folders_, &FoldersPanel::addRequested, this, &MainWindow::addFolder);
    connect(folders_, &FoldersPanel::removeRequested, this, &MainWindow::confirmRemoveFolder);
    connect(folders_, &FoldersPanel::indexRequested, this, &MainWindow::startIndexing);
    connect(filterBar_, &FilterBar::filterChanged, this, &MainWindow::applyFilter);
    connect(noMatches_, &QLabel::linkActivated, filterBar_, &FilterBar::reset);
    connect(imageDetailNotice_, &QLabel::linkActivated, this, &MainWindow::startIndexing);
    connect(resumeBar_, &ResumeIndexingBar::resumeRequested, this, &MainWindow::startIndexing);
    connect(emptyLibrary_, &QLabel::linkActivated, this, [this](const QString& link) {
        if (link == QLatin1String("index")) {
            startIndexing();
        } else {
            folders_->findChild<QPushButton*>(QStringLiteral("addFolder"))->click();
        }
    });
}

void MainWindow::buildShortcuts() {
    const auto focusSearch = [this] {
        tabs_->setCurrentIndex(0);
        searchBar_->setFocus(Qt::ShortcutFocusReason);
        searchBar_->selectAll();
    };
    // "/" only reaches the window when no text field wants the character.
    for (const QKeySequence& key :
         {QKeySequence(QKeySequence::Find), QKeySequence(Qt::Key_Slash)}) {
        auto* shortcut = new QShortcut(key, this);
        connect(shortcut, &QShortcut::activated, this, focusSearch);
    }
    // Esc stops a running instruction search wherever the focus is in the window; enabled only
    // then, so Esc means nothing new otherwise.
    stopSearchShortcut_ = new QShortcut(QKeySequence(Qt::Key_Escape), this);
    connect(stopSearchShortcut_, &QShortcut::activated, this, &MainWindow::stopSearch);
    // Down from the search bar goes on to the results.
    resultsView_->enterFrom(searchBar_);
}

MainWindow::~MainWindow() {
    folderWatcher_->stop();
    if (indexWorker_)
        indexWorker_->cancel();
    modelLoader_.waitForFinished();
    // An instruction search may have minutes of model work left: it ends after its photo.
    searchWorker_->cancel(searchId_);
    searchThread_.quit();
    indexThread_.quit();
    searchThread_.wait();
    indexThread_.wait();
}

void MainWindow::buildStatusBar() {
    statusLabel_ = new QLabel(this);
    statusLabel_->setObjectName(QStringLiteral("statusText"));
    statusLabel_->setAccessibleName(tr("Status"));
    // A long message (a filtered search, a path) is cut at the window's edge, never widens the
    // window past the screen; the whole of it is in the tooltip.
    statusLabel_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    statusLabel_->setMinimumWidth(120);
    statusBar()->addWidget(statusLabel_, 1);
    progress_ = new QProgressBar(this);
    progress_->setObjectName(QStringLiteral("indexProgress"));
    progress_->setAccessibleName(tr("Indexing progress"));
    progress_->setMaximumWidth(220);
    statusBar()->addPermanentWidget(progress_);
    pauseButton_ = new QPushButton(tr("Pause"), this);
    pauseButton_->setObjectName(QStringLiteral("pauseIndexing"));
    pauseButton_->setAccessibleName(tr("Pause or resume indexing"));
    cancelButton_ = new QPushButton(tr("Cancel"), this);
    cancelButton_->setObjectName(QStringLiteral("cancelIndexing"));
    cancelButton_->setAccessibleName(tr("Cancel indexing"));
    statusBar()->addPermanentWidget(pauseButton_);
    statusBar()->addPermanentWidget(cancelButton_);
    searchProgress_ = new QProgressBar(this);
    searchProgress_->setObjectName(QStringLiteral("searchProgress"));
    searchProgress_->setAccessibleName(tr("Instruction search progress"));
    searchProgress_->setMaximumWidth(160);
    searchProgress_->setFormat(QStringLiteral("%v / %m"));
    stopSearchButton_ = new QPushButton(tr("Stop"), this);
    stopSearchButton_->setObjectName(QStringLiteral("stopSearch"));
    stopSearchButton_->setAccessibleName(tr("Stop the instruction search"));
    stopSearchButton_->setToolTip(
        tr("Stop after the photo in hand (Esc); the photos embedded so far are kept"));
    statusBar()->addPermanentWidget(searchProgress_);
    statusBar()->addPermanentWidget(stopSearchButton_);
    libraryLoad_ = new LibraryLoadIndicator(this);
    statusBar()->addPermanentWidget(libraryLoad_);
    connect(stopSearchButton_, &QPushButton::clicked, this, &MainWindow::stopSearch);
    connect(pauseButton_, &QPushButton::clicked, this, &MainWindow::togglePause);
    connect(cancelButton_, &QPushButton::clicked, this, &MainWindow::cancelIndexing);
}

void MainWindow::buildMenus() {
    auto* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Add folder…"), QKeySequence(Qt::CTRL | Qt::Key_O), this, [this] {
        folders_->findChild<QPushButton*>(QStringLiteral("addFolder"))->click();
    });
    file->addAction(tr("&Index now"), QKeySequence(Qt::CTRL | Qt::Key_I), this,
                    &MainWindow::startIndexing);
    file->addSeparator();
    QAction* settings = file->addAction(tr("&Settings…"), this, &MainWindow::openSettings);
    settings->setObjectName(QStringLiteral("openSettings"));
    settings->setShortcuts(withFallback(QKeySequence::Preferences, Qt::CTRL | Qt::Key_Comma));
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setObjectName(QStringLiteral("quit"));
    quit->setShortcuts(withFallback(QKeySequence::Quit, Qt::CTRL | Qt::Key_Q));
    auto* view = menuBar()->addMenu(tr("&View"));
    view->addAction(tr("&Search"), QKeySequence(Qt::CTRL | Qt::Key_1), this,
                    [this] { tabs_->setCurrentIndex(0); });
    view->addAction(tr("&Experiment"), QKeySequence(Qt::CTRL | Qt::Key_2), this,
                    [this] { tabs_->setCurrentIndex(1); });
    QAction* browse = view->addAction(tr("&All photos"), QKeySequence(Qt::CTRL | Qt::Key_B), this,
                                      &MainWindow::browseAll);
    browse->setObjectName(QStringLiteral("browseAll"));
    view->addSeparator();
    // The docks, once closed with their title bar's button, come back from here.
    for (auto* dock : findChildren<QDockWidget*>(Qt::FindDirectChildrenOnly)) {
        QAction* toggle = dock->toggleViewAction();
        toggle->setObjectName(dock->objectName() + QStringLiteral("Toggle"));
        view->addAction(toggle);
    }
    view->addSeparator();
    view->addAction(tr("Near &duplicates…"), QKeySequence(Qt::CTRL | Qt::Key_D), this,
                    &MainWindow::openDuplicates);
    view->addAction(tr("&Reset filters"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R),
                    filterBar_, &FilterBar::reset);
    auto* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About ABC Photos"), this, [this] {
        QMessageBox::about(this, tr("About ABC Photos"),
                           tr("ABC Photos %1\nSearch your photos with natural language, steered "
                              "by instructions (ABC embeddings, arXiv 2503.00329).")
                               .arg(QString::fromLatin1(kVersion)));
    });
}

void MainWindow::restoreWindowState() {
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    tabs_->setCurrentIndex(settings.value(QStringLiteral("window/tab"), 0).toInt());
    resultsView_->setThumbnailEdge(
        settings.value(QStringLiteral("window/thumbnailEdge"), resultsView_->thumbnailEdge())
            .toInt());
    fitToScreen();
}

void MainWindow::fitToScreen() {
    if (isMaximized() || isFullScreen())
        return;
    // A geometry saved on a larger or another screen, or the default size on a small one.
    QScreen* target = QGuiApplication::screenAt(frameGeometry().center());
    if (target == nullptr)
        target = screen() != nullptr ? screen() : QGuiApplication::primaryScreen();
    if (target == nullptr)
        return;
    const QRect available = target->availableGeometry();
    const QRect client = geometry();
    const QRect frame = frameGeometry();  // with the title bar and borders, once shown
    const QMargins margins(client.left() - frame.left(), client.top() - frame.top(),
                           frame.right() - client.right(), frame.bottom() - client.bottom());
    const QRect room = available.marginsRemoved(margins);
    QRect fitted(client.topLeft(), client.size().boundedTo(room.size()).expandedTo(minimumSize()));
    fitted.moveLeft(
        qBound(room.left(), fitted.left(), qMax(room.left(), room.right() - fitted.width() + 1)));
    fitted.moveTop(
        qBound(room.top(), fitted.top(), qMax(room.top(), room.bottom() - fitted.height() + 1)));
    if (fitted != client)
        setGeometry(fitted);
}

void MainWindow::showEvent(QShowEvent* event) {
    QMainWindow::showEvent(event);
    // The window manager's frame is known only now.
    if (!event->spontaneous())
        QMetaObject::invokeMethod(this, &MainWindow::fitToScreen, Qt::QueuedConnection);
}

void MainWindow::saveWindowState() {
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("window/tab"), tabs_->currentIndex());
    settings.setValue(QStringLiteral("window/thumbnailEdge"), resultsView_->thumbnailEdge());
}

void MainWindow::closeEvent(QCloseEvent* event) {
    saveWindowState();
    settings_.save();
    if (indexing_)
        indexWorker_->cancel();
    event->accept();
}

bool MainWindow::isShowingFirstRun() const {
    return firstRun_ && stack_->currentWidget() == firstRun_;
}

QString MainWindow::statusText() const {
    return statusLabel_->text();
}

void MainWindow::showStatus(const QString& text, const QString& details) {
    statusLabel_->setText(text);
    statusLabel_->setToolTip(details.isEmpty() ? text : details);
}

void MainWindow::reportSettingsProblem(const QString& problem, const QString& message) {
    if (!problem.isEmpty())
        showStatus(message.arg(problem));
}

void MainWindow::start() {
    try {
        auto library = EngineSession::openLibrary(settings_);
        setSession(library);
    } catch (const std::exception& error) {
        showStatus(tr("The library could not be opened: %1").arg(error.what()));
        return;
    }
    reportSettingsProblem(settings_.settingsProblem,
                          tr("The settings file could not be read, so the defaults are used: %1"));
    const bool found =
        checkCheckpoint(settings_.baseModel, CheckpointKind::BaseModel).found &&
        checkCheckpoint(settings_.pretrainAdapter, CheckpointKind::PretrainAdapter).found;
    if (found) {
        loadModelAsync();
    } else {
        showFirstRun();
    }
}

void MainWindow::showFirstRun() {
    if (!firstRun_) {
        firstRun_ = new FirstRunPage(settings_, stack_);
        stack_->addWidget(firstRun_);
        connect(firstRun_, &FirstRunPage::modelsChosen, this, [this] {
            const PhotoFilter filter = settings_.filter;  // changed since the page opened
            settings_ = firstRun_->settings();
            settings_.filter = filter;
            reportSettingsProblem(settings_.save(), tr("The settings could not be saved: %1"));
            stack_->setCurrentWidget(tabs_);
            loadModelAsync();
        });
    }
    stack_->setCurrentWidget(firstRun_);
    showStatus(tr("The model was not found: choose where it is"));
}

void MainWindow::loadModelAsync() {
    if (!session_ || modelLoader_.isRunning())
        return;
    showStatus(tr("Loading the model (%1)…").arg(settings_.baseModel));
    modelLoader_.setFuture(
        QtConcurrent::run([library = *session_, settings = settings_]() -> LoadOutcome {
            try {
                return {EngineSession::loadModel(library, settings), {}};
            } catch (const std::exception& error) {
                return {nullptr, QString::fromUtf8(error.what())};
            }
        }));
}

void MainWindow::setSession(std::shared_ptr<EngineSession> session) {
    session_ = std::move(session);
    chooseSearchSession();
    tagsPanel_->setSession(session_);
    if (session_) {
        detail_->setTakenDateLookup([store = session_->store](const QString& path) -> QString {
            const auto file = store->fileByPath(path.toStdString());
            const auto photo = file ? store->photo(file->second) : std::nullopt;
            return photo && photo->takenAt ? QString::fromStdString(*photo->takenAt) : QString();
        });
    } else {
        detail_->setTakenDateLookup({});
    }
    if (duplicates_)
        duplicates_->setSession(searchSession_);
    const bool model = session_ && session_->hasModel();
    if (model) {
        experiment_->setRunner([session = session_](const QString& image,
                                                    const QStringList& instructions,
                                                    const QStringList& candidates) {
            std::vector<std::string> rows;
            std::vector<std::string> columns;
            for (const QString& text : instructions)
                rows.push_back(text.toStdString());
            for (const QString& text : candidates)
                columns.push_back(text.toStdString());
            return toUiMatrix(compareInstructions(*session->embedder, *session->decoder,
                                                  image.toStdString(), rows, columns));
        });
        const auto indexed = session_->store->photoCount();
        showStatus(tr("Ready: %1 in the library").arg(photoCountText(static_cast<int>(indexed))));
    } else {
        experiment_->setRunner({});
        if (session_)
            showStatus(tr("Library open; no model loaded"));
    }
    setIndexingUi(indexing_);
    refreshFolders();
    watchFolders();
    emit sessionChanged();
}

void MainWindow::chooseSearchSession() {
    const std::shared_ptr<EngineSession> before = searchSession_;
    searchSession_ = session_;
    const int earlier = settings_.searchedImageTokens;
    if (session_ && session_->hasModel() && earlier > 0) {
        const auto vectors = [](const EngineSession& session) -> std::int64_t {
            const auto model = session.store->findModel(session.embedder->fingerprint());
            return model ? session.store->vectorCount(*model, "") : 0;
        };
        try {
            const auto previous = earlier != settings_.imageTokens
                                      ? EngineSession::withImageTokens(*session_, earlier)
                                      : nullptr;
            if (previous && vectors(*previous) > vectors(*session_))
                searchSession_ = previous;
        } catch (const std::exception& error) {
            showStatus(tr("The library could not be read: %1").arg(error.what()));
        }
        if (searchSession_ == session_) {
            settings_.searchedImageTokens = 0;  // the new vectors caught up
            settings_.saveSearchedImageTokens();
        }
    }
    if (before == searchSession_ && before)
        return;
    searchWorker_->setSession(searchSession_);
    if (duplicates_)
        duplicates_->setSession(searchSession_);
    updateImageDetailNotice();
}

void MainWindow::updateImageDetailNotice() {
    if (!session_ || searchSession_ == session_) {
        imageDetailNotice_->hide();
        return;
    }
    std::int64_t missing = 0;
    try {
        const auto model = session_->store->findModel(session_->embedder->fingerprint());
        missing =
            session_->store->photoCount() - (model ? session_->store->vectorCount(*model, "") : 0);
    } catch (const std::exception& error) {
        showStatus(tr("The library could not be read: %1").arg(error.what()));
    }
    const int photos = static_cast<int>(std::max<std::int64_t>(0, missing));
    const double seconds = estimatedSecondsToIndex(settings_, photos, runtimeInfo().cpuThreads);
    imageDetailNotice_->setText(
        tr("Image detail is now %1 tokens per photo, which needs new vectors: searches keep "
           "using the vectors made at %2 tokens until %3 indexed again (about %4). "
           "<a href=\"reindex\">Index again now</a>")
            .arg(settings_.imageTokens)
            .arg(settings_.searchedImageTokens)
            .arg(countText(photos, tr("1 photo is"), tr("%1 photos are")))
            .arg(formatDuration(seconds)));
    imageDetailNotice_->show();
}

void MainWindow::showEmptyLibrary(const FolderStates& states) {
    const bool noPhotos = std::all_of(states.begin(), states.end(),
                                      [](const FolderState& state) { return state.files == 0; });
    if (!noPhotos || indexing_) {
        emptyLibrary_->hide();
        return;
    }
    // With folders that hold no photos yet (never indexed, or added while the model loaded),
    // looking in them comes first.
    emptyLibrary_->setText(
        states.isEmpty()
            ? tr("Your library has no photos yet. <a href=\"add\">Add a folder of photos</a> "
                 "(Ctrl+O), or drop one on this window; the photos are indexed once, then "
                 "searched by describing them.")
            : tr("No photos found in the library's folders yet. <a href=\"index\">Look for "
                 "photos now</a> (Ctrl+I), or <a href=\"add\">add a folder of photos</a> "
                 "(Ctrl+O) or drop one on this window."));
    emptyLibrary_->show();
}

void MainWindow::offerToResume(const FolderStates& states) {
    // States counted before the model was loaded (and arriving late) say nothing of vectors.
    const bool counted = std::all_of(states.begin(), states.end(),
                                     [](const FolderState& state) { return state.withModel; });
    if (!counted || !session_ || !session_->hasModel())
        return;
    const int left = photosNotIndexed(states);
    const bool first = !std::exchange(resumeConsidered_, true);
    // While the image detail changed, its notice speaks for the photos left.
    if (left == 0 || indexing_ || searchSession_ != session_) {
        resumeBar_->hide();
        return;
    }
    if (first) {
        if (settings_.resumeIndexingAtStart) {
            startIndexing();
            showStatus(
                tr("Resuming the indexing left unfinished: %1 to go").arg(photosInText(left)));
            return;
        }
    }
    resumeBar_->offer(
        left, formatDuration(estimatedSecondsToIndex(settings_, left, runtimeInfo().cpuThreads)));
}

void MainWindow::refreshFolders() {
    QMetaObject::invokeMethod(searchWorker_, &SearchWorker::refreshFolderStates,
                              Qt::QueuedConnection);
    QMetaObject::invokeMethod(searchWorker_, &SearchWorker::refreshFilterOptions,
                              Qt::QueuedConnection);
}

void MainWindow::applyFilter(const PhotoFilter& filter) {
    settings_.filter = filter;
    settings_.saveFilter();
    if (lastQuery_) {
        submit(*lastQuery_);  // the results always match the filter shown
    } else {
        showStatus(filter.isActive() ? tr("Filters set: they apply to the next search")
                                     : tr("Filters reset"));
    }
}

// --- search ---

void MainWindow::runSearch() {
    const QString text = searchBar_->text().trimmed();
    if (text.isEmpty()) {
        browseAll();  // nothing asked: every photo, newest first
        return;
    }
    if (lastQuery_ && lastQuery_->kind != SearchQuery::Kind::Text &&
        searchBar_->text() == barTextOfLastQuery_) {
        submit(*lastQuery_);  // the bar still says what the grid shows: the same search again
        return;
    }
    SearchQuery query;
    query.text = text;
    query.instruction = instructionBar_->text().trimmed();
    if (!query.instruction.isEmpty()) {
        settings_.rememberInstruction(query.instruction);
        settings_.saveInstructionHistory();  // now, not at close: a crash keeps it
        updateInstructionChoices();
    }
    submit(query);
}

QStringList MainWindow::exampleInstructions() {
    return kExampleInstructions;
}

void MainWindow::chooseInstruction(const QString& instruction) {
    instructionBar_->setText(instruction);
    instructionBar_->setFocus(Qt::OtherFocusReason);
}

void MainWindow::clearInstructionHistory() {
    settings_.instructionHistory.clear();
    settings_.saveInstructionHistory();
    updateInstructionChoices();
}

void MainWindow::updateInstructionChoices() {
    instructionHistory_->setStringList(settings_.instructionHistory + kExampleInstructions);
    // Not clear(): "Clear recent instructions" rebuilds the menu from its own triggered().
    for (QAction* action : instructionMenu_->actions()) {
        instructionMenu_->removeAction(action);
        action->deleteLater();
    }
    const auto addChoice = [this](const QString& instruction) {
        // An instruction is plain text: "&" is not a mnemonic here.
        QAction* action = instructionMenu_->addAction(
            QString(instruction).replace(QLatin1Char('&'), QStringLiteral("&&")));
        action->setData(instruction);
        connect(action, &QAction::triggered, this,
                [this, instruction] { chooseInstruction(instruction); });
    };
    instructionMenu_->addSection(tr("Recent"));
    const QStringList recent = settings_.instructionHistory.mid(0, kRecentInstructionsShown);
    if (recent.isEmpty()) {
        instructionMenu_->addAction(tr("No instruction used yet"))->setEnabled(false);
    }
    for (const QString& instruction : recent)
        addChoice(instruction);
    instructionMenu_->addSection(tr("Examples"));
    for (const QString& instruction : kExampleInstructions)
        addChoice(instruction);
    instructionMenu_->addSeparator();
    QAction* clear = instructionMenu_->addAction(tr("Clear recent instructions"), this,
                                                 &MainWindow::clearInstructionHistory);
    clear->setObjectName(QStringLiteral("clearInstructionHistory"));
    clear->setEnabled(!recent.isEmpty());
}

void MainWindow::searchByExample(const QString& imagePath) {
    SearchQuery query;
    query.kind = SearchQuery::Kind::Example;
    query.path = imagePath;
    searchBar_->setText(QStringLiteral("image:\"%1\"").arg(imagePath));
    barTextOfLastQuery_ = searchBar_->text();
    submit(query);
}

void MainWindow::findSimilar(const QString& path) {
    if (path.isEmpty())
        return;
    SearchQuery query;
    query.kind = SearchQuery::Kind::Similar;
    query.path = path;
    // The bar says what the grid shows; typed again as text it finds the same kind of photos.
    searchBar_->setText(QStringLiteral("image:\"%1\"").arg(path));
    barTextOfLastQuery_ = searchBar_->text();
    submit(query);
}

void MainWindow::submit(SearchQuery query) {
    tabs_->setCurrentIndex(0);
    dropHint_->hide();
    // Results of an earlier search not painted yet must not report as this one's.
    resultsView_->cancelPaintReport();
    query.topK = topK_;
    query.filter = settings_.filter;  // the filter shown when it was asked, whatever the kind
    lastQuery_ = query;
    searchClock_.start();
    const quint64 id = ++searchId_;
    // Stops an instruction search still running: it ends after the photo in hand, and this
    // request, queued behind it, runs next.
    searchWorker_->supersede(id);
    const bool instruction =
        query.kind == SearchQuery::Kind::Text && !query.instruction.trimmed().isEmpty();
    setSearchingUi(true, instruction);
    showStatus(instruction ? tr("Searching with the instruction…") : tr("Searching…"));
    QMetaObject::invokeMethod(searchWorker_, "run", Qt::QueuedConnection, Q_ARG(quint64, id),
                              Q_ARG(abc::ui::SearchQuery, query));
}

QString MainWindow::describe(const SearchQuery& query) const {
    switch (query.kind) {
        case SearchQuery::Kind::Similar:
            return tr("Similar to %1").arg(QFileInfo(query.path).fileName());
        case SearchQuery::Kind::Example:
            return tr("Photos like %1").arg(QFileInfo(query.path).fileName());
        case SearchQuery::Kind::Browse:
            return tr("All photos, newest first");
        case SearchQuery::Kind::Text:
            break;
    }
    const QString instruction = query.instruction.trimmed();
    return instruction.isEmpty() ? tr("Results for \u201c%1\u201d").arg(query.text)
                                 : tr("Results for \u201c%1\u201d, instructed \u201c%2\u201d")
                                       .arg(query.text, instruction);
}

void MainWindow::showResultsBanner(const QString& text, bool failed) {
    resultsBanner_->setText(text);
    resultsBanner_->setProperty("failed", failed);
    // An error reads at a glance: red, made readable on the palette's background (light or
    // dark), and bold.
    QPalette colours = palette();
    if (failed) {
        colours.setColor(QPalette::WindowText,
                         readableOn(QColor(0xc0, 0x1c, 0x28), colours.color(QPalette::Window)));
    }
    resultsBanner_->setPalette(colours);
    QFont font = resultsBanner_->font();
    font.setBold(failed);
    resultsBanner_->setFont(font);
    resultsBanner_->setVisible(!text.isEmpty());
}

void MainWindow::onSearchFailed(quint64 id, const QString& message) {
    if (id != searchId_)
        return;
    revealAfterSearch_.clear();
    setSearchingUi(false);
    // The previous results would read as the answer to this search: they go.
    resultsModel_->clear();
    noMatches_->hide();
    showResultsBanner(tr("Search failed: %1").arg(message), true);
    showStatus(tr("Search failed: %1").arg(message));
    emit searchFailed(message);
}

void MainWindow::stopSearch() {
    if (!searching_)
        return;
    searchWorker_->cancel(searchId_);
    stopSearchButton_->setEnabled(false);
    showStatus(tr("Stopping the search after the photo in hand…"));
}

void MainWindow::onSearchProgress(quint64 id, int done, int total) {
    if (id != searchId_ || !searching_)
        return;
    searchProgress_->setRange(0, total);
    searchProgress_->setValue(done);
    if (stopSearchButton_->isEnabled()) {
        showStatus(
            tr("Embedding with the instruction: %1 / %2 photos (Esc stops)").arg(done).arg(total));
    }
    emit searchProgressShown(done, total);
}

void MainWindow::onSearchCancelled(quint64 id, int embedded) {
    if (id != searchId_)
        return;  // superseded: the newer search speaks for itself
    revealAfterSearch_.clear();
    setSearchingUi(false);
    showStatus(embedded > 0 ? tr("Search stopped: %1 embedded with the instruction %2 kept for "
                                 "the next search")
                                  .arg(photosInText(embedded), embedded == 1 ? tr("is") : tr("are"))
                            : tr("Search stopped"));
    emit searchStopped(id, embedded);
}

void MainWindow::setSearchingUi(bool searching, bool instruction) {
    searching_ = searching;
    const bool stoppable = searching && instruction;
    searchProgress_->setVisible(stoppable);
    stopSearchButton_->setVisible(stoppable);
    stopSearchButton_->setEnabled(stoppable);
    stopSearchShortcut_->setEnabled(stoppable);
    if (stoppable)
        searchProgress_->setRange(0, 0);  // busy until the first photo is embedded
}

void MainWindow::showInResults(const QString& path) {
    if (path.isEmpty())
        return;
    revealAfterSearch_ = path;
    findSimilar(path);
    raise();
    activateWindow();
}

void MainWindow::onSearchFinished(quint64 id, const PhotoHits& hits, const SearchTiming& timing) {
    if (id != searchId_)
        return;  // an older search finished after a newer one was asked for
    setSearchingUi(false);
    pendingTiming_ = timing;
    pendingCount_ = static_cast<int>(hits.size());
    filledAtNs_ = searchClock_.nsecsElapsed();
    const bool browsing = lastQuery_ && lastQuery_->kind == SearchQuery::Kind::Browse;
    gridControls_->offerScoreOrder(!browsing);
    resultsModel_->setOrder(gridControls_->order());
    resultsModel_->setHits(hits, browsing);
    if (resultsModel_->order() == ResultsModel::Order::TakenDate && !browsing)
        lookUpTakenDates();
    if (lastQuery_)
        showResultsBanner(withPhotoCount(describe(*lastQuery_), pendingCount_), false);
    noMatches_->setVisible(hits.isEmpty() && settings_.filter.isActive());
    int current = hits.isEmpty() ? -1 : 0;
    revealHidden_ = false;
    if (!revealAfterSearch_.isEmpty()) {
        const auto found = std::find_if(hits.begin(), hits.end(), [&](const PhotoHit& hit) {
            return hit.path == revealAfterSearch_;
        });
        if (found != hits.end()) {
            current = static_cast<int>(found - hits.begin());
        } else {
            revealHidden_ = true;
        }
        revealAfterSearch_.clear();
    }
    if (current >= 0)
        resultsView_->setCurrentIndex(resultsModel_->index(current));
    if (current > 0) {
        resultsView_->scrollTo(resultsModel_->index(current));
    } else {
        resultsView_->scrollToTop();
    }
    resultsView_->expectPaint();
    resultsView_->viewport()->update();
}

void MainWindow::onResultsPainted() {
    const double totalMs = searchClock_.nsecsElapsed() / 1e6;
    lastTiming_ = {totalMs, pendingTiming_.embedMs, pendingTiming_.rankMs,
                   totalMs - filledAtNs_ / 1e6, pendingCount_};
    // The count for everyone; the timings for whoever hovers (they matter to a developer).
    QString text = photoCountText(pendingCount_);
    const QString timings = lastQuery_ && lastQuery_->kind == SearchQuery::Kind::Browse
                                ? tr("Listed in %1 ms").arg(qRound(totalMs))
                                : tr("Found in %1 ms (query %2 ms, ranking %3 ms)")
                                      .arg(qRound(totalMs))
                                      .arg(qRound(pendingTiming_.embedMs))
                                      .arg(qRound(pendingTiming_.rankMs));
    if (settings_.filter.isActive())
        text += tr(" · filtered: %1").arg(filterBar_->description());
    if (revealHidden_)
        text += tr(" · the photo itself is hidden by the filters");
    showStatus(text, text + QLatin1Char('\n') + timings);
    emit resultsShown(searchId_, pendingCount_);
}

void MainWindow::browseAll() {
    SearchQuery query;
    query.kind = SearchQuery::Kind::Browse;
    searchBar_->clear();
    barTextOfLastQuery_.clear();
    submit(query);
}

// --- the grid's actions ---

void MainWindow::openPreview(const QModelIndex& index) {
    if (!index.isValid())
        return;
    QStringList paths;
    paths.reserve(resultsModel_->hits().size());
    for (const PhotoHit& hit : resultsModel_->hits())
        paths << hit.path;
    auto* preview = new PhotoPreview(paths, index.row(), this);
    preview->setAttribute(Qt::WA_DeleteOnClose);
    preview->open();
}

void MainWindow::showInDetail(const QString& path) {
    if (detail_->path() == path)
        return;
    for (const PhotoHit& hit : resultsModel_->hits()) {
        if (hit.path == path) {
            detail_->showHit(hit);
            return;
        }
    }
}

void MainWindow::copyPaths(const QStringList& paths) {
    if (paths.isEmpty())
        return;
    if (paths.size() == 1) {
        showInDetail(paths.first());
        detail_->copyPath();  // says so in the Photo pane, as its own button does
    } else {
        QGuiApplication::clipboard()->setText(paths.join(QLatin1Char('\n')));
    }
    showStatus(
        countText(static_cast<int>(paths.size()), tr("Copied 1 path"), tr("Copied %1 paths")));
}

void MainWindow::sortResults(ResultsModel::Order order) {
    resultsModel_->setOrder(order);
    if (order == ResultsModel::Order::TakenDate && !resultsModel_->takenDatesKnown())
        lookUpTakenDates();
    if (resultsModel_->rowCount() > 0)
        resultsView_->setCurrentIndex(resultsModel_->index(0));
}

void MainWindow::lookUpTakenDates() {
    QMetaObject::invokeMethod(
        searchWorker_,
        [worker = searchWorker_, id = searchId_, hits = resultsModel_->rankedHits()] {
            worker->lookUpTakenDates(id, hits);
        },
        Qt::QueuedConnection);
}

void MainWindow::confirmForgetPhotos(const QStringList& paths, bool toTrash) {
    if (paths.isEmpty() || !session_)
        return;
    if (indexing_) {
        showStatus(tr("Photos can be removed once indexing ends"));
        return;
    }
    const int count = static_cast<int>(paths.size());
    const QString which =
        count == 1 ? QFileInfo(paths.first()).fileName() : tr("%n photos", nullptr, count);
    auto* box = new QMessageBox(QMessageBox::Warning,
                                toTrash ? tr("Move to trash") : tr("Remove from library"),
                                toTrash ? tr("Move %1 to the trash?").arg(which)
                                        : tr("Remove %1 from the library?").arg(which),
                                QMessageBox::NoButton, this);
    box->setObjectName(toTrash ? QStringLiteral("trashConfirmation")
                               : QStringLiteral("removePhotosConfirmation"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setInformativeText(
        toTrash ? tr("The files go to the desktop's trash, where they can be restored from, and "
                     "the library forgets them with their vectors.")
                : tr("The library forgets them with their vectors; the files on disk are not "
                     "touched. Indexing their folder again adds them back."));
    QPushButton* confirm = box->addButton(
        toTrash ? tr("Move to &trash") : tr("&Remove from library"), QMessageBox::DestructiveRole);
    confirm->setObjectName(toTrash ? QStringLiteral("confirmTrash")
                                   : QStringLiteral("confirmRemovePhotos"));
    QPushButton* keep = box->addButton(QMessageBox::Cancel);
    keep->setObjectName(QStringLiteral("keepPhotos"));
    box->setDefaultButton(keep);  // Enter keeps them
    connect(confirm, &QPushButton::clicked, this, [this, paths, toTrash] {
        if (toTrash) {
            moveToTrash(paths);
        } else {
            forgetPhotos(paths);
        }
    });
    box->open();
}

void MainWindow::moveToTrash(const QStringList& paths) {
    // Qt creates the home trash only inside an existing data folder, and without one it
    // "trashes" into the current folder: a fresh account may have no ~/.local/share yet.
    QDir().mkpath(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation));
    QStringList moved;
    QStringList refused;
    for (const QString& path : paths) {
        if (QFile::moveToTrash(path)) {
            moved << path;
        } else {
            refused << QFileInfo(path).fileName();
        }
    }
    const QString said =
        refused.isEmpty()
            ? tr("Moved %1 to the trash").arg(photosInText(static_cast<int>(moved.size())))
            : tr("Moved %1 of %2 to the trash; these could not be moved: %3")
                  .arg(moved.size())
                  .arg(photosInText(static_cast<int>(paths.size())))
                  .arg(refused.join(QStringLiteral(", ")));
    showStatus(said);
    forgetPhotos(moved, said);
}

void MainWindow::forgetPhotos(const QStringList& paths, const QString& done) {
    if (paths.isEmpty())
        return;
    afterForgetting_ = done.isEmpty() ? tr("Removed %1 from the library; the files are untouched")
                                            .arg(photosInText(static_cast<int>(paths.size())))
                                      : done;
    QMetaObject::invokeMethod(
        searchWorker_, [worker = searchWorker_, paths] { worker->forgetFiles(paths); },
        Qt::QueuedConnection);
}

void MainWindow::onFilesForgotten(const QStringList& paths) {
    // The grid shows no photo the library no longer has.
    const QSet<QString> gone(paths.begin(), paths.end());
    PhotoHits kept;
    for (const PhotoHit& hit : resultsModel_->rankedHits()) {
        if (!gone.contains(hit.path))
            kept.append(hit);
    }
    if (kept.size() != resultsModel_->rankedHits().size())
        resultsModel_->setHits(kept, resultsModel_->takenDatesKnown());
    showStatus(afterForgetting_);
    refreshFolders();
}

// --- folders and indexing ---

void MainWindow::addFolder(const QString& folder) {
    if (!session_)
        return;
    try {
        session_->store->addFolder(Path::absolute(folder.toStdString()).string());
    } catch (const std::exception& error) {
        showStatus(tr("The folder could not be added: %1").arg(error.what()));
        return;
    }
    refreshFolders();
    watchFolders();
    startIndexing();
}

void MainWindow::removeFolder(const QString& folder) {
    if (!session_ || indexing_)
        return;
    QMetaObject::invokeMethod(
        searchWorker_, [worker = searchWorker_, folder] { worker->forgetFolder(folder); },
        Qt::QueuedConnection);
}

void MainWindow::confirmRemoveFolder(const QString& folder) {
    if (!session_)
        return;
    if (indexing_) {
        showStatus(tr("A folder can be removed once indexing ends"));
        return;
    }
    const FolderState state = folders_->stateOf(folder);
    QString cost;
    // Photos, as the sidebar counts them: a copy is one photo with one vector.
    if (state.indexedPhotos > 0) {
        cost = tr(" Computing them again takes about %1.")
                   .arg(formatDuration(estimatedSecondsToIndex(settings_, state.indexedPhotos,
                                                               runtimeInfo().cpuThreads)));
    }
    auto* box =
        new QMessageBox(QMessageBox::Warning, tr("Remove folder"),
                        tr("Remove %1 from the library?").arg(folder), QMessageBox::NoButton, this);
    box->setObjectName(QStringLiteral("removeFolderConfirmation"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setInformativeText(
        tr("The library forgets its %1").arg(photosInText(state.photos)) +
        tr(" and the vectors computed for %1 of them.").arg(state.indexedPhotos) + cost +
        tr(" The files on disk are not touched."));
    QPushButton* remove = box->addButton(tr("&Remove from library"), QMessageBox::DestructiveRole);
    remove->setObjectName(QStringLiteral("confirmRemoveFolder"));
    QPushButton* keep = box->addButton(QMessageBox::Cancel);
    keep->setObjectName(QStringLiteral("keepFolder"));
    box->setDefaultButton(keep);  // Enter does not throw hours of indexing away
    connect(remove, &QPushButton::clicked, this, [this, folder] { removeFolder(folder); });
    box->open();
}

void MainWindow::onFolderForgotten(const QString& folder, int removedFiles) {
    // The sidebar still shows the folder as it was: its photos, as the confirmation said them.
    const FolderState state = folders_->stateOf(folder);
    // The grid shows no photo the library no longer has.
    PhotoHits kept;
    const Path root(folder.toStdString());
    for (const PhotoHit& hit : resultsModel_->rankedHits()) {
        if (!root.contains(hit.path.toStdString()))
            kept.append(hit);
    }
    if (kept.size() != resultsModel_->rankedHits().size())
        resultsModel_->setHits(kept, resultsModel_->takenDatesKnown());
    if (!settings_.filter.folder.isEmpty() &&
        root.contains(settings_.filter.folder.toStdString())) {
        PhotoFilter filter = settings_.filter;
        filter.folder.clear();
        filterBar_->setFilter(filter);  // a folder no longer in the library shows nothing
    }
    showStatus(tr("Removed %1 (%2 forgotten; the files are untouched)")
                   .arg(folder, state.photos > 0 || removedFiles == 0
                                    ? photosInText(state.photos)
                                    : countText(removedFiles, tr("1 file"), tr("%1 files"))));
    refreshFolders();
    watchFolders();
}

void MainWindow::startIndexing() {
    if (indexing_ && changesRun_) {
        // The full run covers the changes: the one in hand stops and the full one follows.
        runQueue_.askForFullRun();
        indexWorker_->cancel();
        showStatus(tr("Indexing starts once the folder changes in hand are recorded…"));
        return;
    }
    if (indexing_ || !session_ || !session_->hasModel()) {
        if (session_ && !session_->hasModel())
            showStatus(tr("Load a model before indexing"));
        return;
    }
    QStringList roots;
    for (const std::string& folder : session_->store->folders()) {
        roots << QString::fromStdString(folder);
    }
    if (roots.isEmpty()) {
        showStatus(tr("Add a folder of photos first"));
        return;
    }
    runQueue_.fullRunStarted(QDateTime::currentMSecsSinceEpoch());
    paused_ = false;
    indexingImageTokens_ = settings_.imageTokens;
    indexingDevice_ = settings_.device;
    indexingPrecision_ = settings_.precision;
    setIndexingUi(true);
    progress_->setRange(0, 0);
    showStatus(tr("Looking for photos…"));
    QMetaObject::invokeMethod(indexWorker_, "run", Qt::QueuedConnection,
                              Q_ARG(std::shared_ptr<abc::ui::EngineSession>, session_),
                              Q_ARG(QStringList, roots));
}

void MainWindow::togglePause() {
    if (!indexing_)
        return;
    paused_ = !paused_;
    if (paused_) {
        indexWorker_->pause();
    } else {
        indexWorker_->resume();
    }
    pauseButton_->setText(paused_ ? tr("Resume") : tr("Pause"));
    showStatus(paused_ ? tr("Indexing paused (the photo in hand finishes first)")
                       : tr("Indexing resumed"));
}

void MainWindow::cancelIndexing() {
    if (!indexing_)
        return;
    indexWorker_->cancel();
    showStatus(tr("Cancelling after the photo in hand; the next run indexes what is left…"));
}

void MainWindow::setIndexingUi(bool running) {
    indexing_ = running;
    if (running) {
        emptyLibrary_->hide();  // photos are on their way
        resumeBar_->hide();
    }
    progress_->setVisible(running);
    pauseButton_->setVisible(running);
    cancelButton_->setVisible(running);
    pauseButton_->setText(tr("Pause"));
    folders_->setIndexingEnabled(!running && session_ && session_->hasModel());
}

void MainWindow::onIndexProgress(const abc::IndexProgress& step) {
    QString phase;
    switch (step.phase) {
        case IndexProgress::Phase::Scanning:
            phase = tr("Looking for photos");
            break;
        case IndexProgress::Phase::Hashing:
            phase = tr("Reading new photos");
            break;
        case IndexProgress::Phase::Embedding:
            phase = tr("Understanding photos");
            break;
        case IndexProgress::Phase::Finished:
            phase = tr("Finishing");
            break;
    }
    if (step.total > 0) {
        progress_->setRange(0, static_cast<int>(step.total));
        progress_->setValue(static_cast<int>(step.done));
    } else {
        progress_->setRange(0, 0);
    }
    QString text = tr("%1: %2 of %3").arg(phase).arg(step.done).arg(step.total);
    if (step.photosPerSecond > 0)
        text += tr(" · %1 photos/s").arg(step.photosPerSecond, 0, 'f', 2);
    if (step.etaSeconds >= 0)
        text += tr(" · about %1 left").arg(formatDuration(step.etaSeconds));
    if (step.failed > 0)
        text += tr(" · %n could not be read", nullptr, static_cast<int>(step.failed));
    if (step.paused)
        text += tr(" · paused");
    if (pendingModelReload_)
        text += tr(" · new model settings apply when it finishes");
    showStatus(text);
    emit indexProgressShown(step);
}

void MainWindow::onIndexFinished(const abc::IndexSummary& summary) {
    if (changesRun_) {
        onChangesRunEnded(&summary, {});
        return;
    }
    setIndexingUi(false);
    // Measured with the budget the run used, which settings changed meanwhile may not be.
    if (summary.embedded > 0 && summary.seconds > 0 && !summary.cancelled) {
        settings_.measuredSecondsPerToken =
            summary.seconds / static_cast<double>(summary.embedded) / (indexingImageTokens_ + 25);
        settings_.measuredDevice = indexingDevice_;
        settings_.measuredPrecision = indexingPrecision_;
        settings_.saveMeasurement();
    }
    showStatus(summary.cancelled
                   ? tr("Indexing cancelled: %1 embedded and kept")
                         .arg(photosInText(static_cast<int>(summary.embedded)))
                   : tr("Indexed: %1 new, %2 changed, %3 removed, %4 could not be read (%5)")
                         .arg(summary.added)
                         .arg(summary.changed)
                         .arg(summary.removed)
                         .arg(summary.failed)
                         .arg(formatDuration(summary.seconds)));
    refreshFolders();
    if (duplicates_)
        duplicates_->setSession(searchSession_);  // the library changed: its pairs may have too
    const std::shared_ptr<EngineSession> searchedBefore = searchSession_;
    chooseSearchSession();
    if (searchSession_ != searchedBefore) {
        showStatus(tr("Indexed again: searches now use the vectors made at %1 tokens per photo")
                       .arg(settings_.imageTokens));
        if (lastQuery_)
            submit(*lastQuery_);  // the grid shows what the new vectors find
    } else {
        updateImageDetailNotice();  // fewer photos left to index
    }
    emit indexingFinished(summary.cancelled);
    applyPendingModelSettings();
    startNextRun();
}

void MainWindow::onIndexFailed(const QString& message) {
    if (changesRun_) {
        onChangesRunEnded(nullptr, message);
        return;
    }
    setIndexingUi(false);
    showStatus(tr("Indexing failed: %1").arg(message));
    refreshFolders();
    emit indexingFinished(true);
    applyPendingModelSettings();
    startNextRun();
}

void MainWindow::openSettings() {
    SettingsDialog dialog(settings_, runtimeInfo(), this);
    if (session_ && session_->hasModel()) {
        // The sets searches and indexing use now; without a model nothing says which they
        // are, so nothing is offered for removal then.
        QStringList inUse{QString::fromStdString(session_->embedder->fingerprint())};
        if (searchSession_ && searchSession_->hasModel())
            inUse << QString::fromStdString(searchSession_->embedder->fingerprint());
        dialog.showVectorSets(session_->store, inUse);
    }
    if (dialog.exec() != QDialog::Accepted)
        return;
    applySettings(dialog.settings());
}

void MainWindow::applySettings(const AppSettings& chosen) {
    const bool weights = chosen.baseModel != settings_.baseModel ||
                         chosen.pretrainAdapter != settings_.pretrainAdapter ||
                         chosen.instructAdapter != settings_.instructAdapter ||
                         chosen.device != settings_.device ||
                         chosen.precision != settings_.precision;
    const bool detail = chosen.imageTokens != settings_.imageTokens;
    // The detail of the vectors searches use now: kept until the new ones exist.
    const int searched =
        settings_.searchedImageTokens > 0 ? settings_.searchedImageTokens : settings_.imageTokens;
    const PhotoFilter filter = settings_.filter;  // the filter bar owns these two
    const QStringList history = settings_.instructionHistory;
    settings_ = chosen;
    settings_.filter = filter;
    settings_.instructionHistory = history;
    if (detail)
        settings_.searchedImageTokens = searched == chosen.imageTokens ? 0 : searched;
    reportSettingsProblem(settings_.save(), tr("The settings could not be saved: %1"));
    watchFolders();
    if (!weights && !detail)
        return;
    if (indexing_) {
        // Swapping the model under a running indexer would mix two models' vectors in one
        // run; the run finishes (or is cancelled) with the model it started with.
        pendingModelReload_ = true;
        pendingWeightsReload_ = pendingWeightsReload_ || weights;
        showStatus(tr("Settings saved: the new model settings apply when indexing finishes"));
        return;
    }
    applyModelSettings(weights);
}

void MainWindow::applyModelSettings(bool weightsChanged) {
    if (!weightsChanged && session_ && session_->hasModel()) {
        if (auto sameWeights = EngineSession::withImageTokens(*session_, settings_.imageTokens)) {
            setSession(std::move(sameWeights));
            if (searchSession_ != session_) {
                showStatus(
                    tr("Image detail changed: searches use the current vectors until the "
                       "photos are indexed again"));
            }
            return;
        }
    }
    start();
}

void MainWindow::applyPendingModelSettings() {
    if (!pendingModelReload_)
        return;
    pendingModelReload_ = false;
    const bool weights = pendingWeightsReload_;
    pendingWeightsReload_ = false;
    applyModelSettings(weights);
}

DuplicatesView* MainWindow::duplicatesView() {
    if (!duplicates_) {
        duplicates_ = new DuplicatesView(this);
        duplicates_->setSession(searchSession_);
        connect(duplicates_, &DuplicatesView::showInResultsRequested, this,
                &MainWindow::showInResults);
    }
    return duplicates_;
}

void MainWindow::openDuplicates() {
    DuplicatesView* view = duplicatesView();
    view->show();
    view->raise();
    view->activateWindow();
}

// --- drag and drop: an image dropped on the window searches by example, a folder is added ---

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    const QString path = firstDroppedPath(event->mimeData());
    // Tiles dragged out of the grid are for other programs, not a search of their own.
    if (path.isEmpty() || event->source() == resultsView_)
        return;
    // Accepted either way: a file that is no image is refused on drop, with the reason.
    event->acceptProposedAction();
    dropHint_->setPalette(palette());
    dropHint_->setText(QFileInfo(path).isDir()
                           ? tr("Drop to add %1 to the library").arg(path)
                           : tr("Drop to find photos like %1").arg(QFileInfo(path).fileName()));
    dropHint_->show();
}

void MainWindow::dragLeaveEvent(QDragLeaveEvent* event) {
    dropHint_->hide();
    QMainWindow::dragLeaveEvent(event);
}

void MainWindow::dropEvent(QDropEvent* event) {
    const QString path = firstDroppedPath(event->mimeData());
    dropHint_->hide();
    if (path.isEmpty() || event->source() == resultsView_)
        return;
    event->acceptProposedAction();
    if (QFileInfo(path).isDir()) {
        confirmAddDroppedFolder(path);
        return;
    }
    if (!detectMediaType(path.toStdString())) {
        // The search and its results stay as they were; the refusal is said where it was dropped.
        QPalette colours = palette();
        colours.setColor(QPalette::WindowText,
                         readableOn(QColor(0xc0, 0x1c, 0x28), colours.color(QPalette::Window)));
        dropHint_->setPalette(colours);
        dropHint_->setText(
            tr("%1 is not an image, so it cannot be searched by; the search is unchanged")
                .arg(QFileInfo(path).fileName()));
        dropHint_->show();
        showStatus(dropHint_->text());
        return;
    }
    searchByExample(path);
}

void MainWindow::confirmAddDroppedFolder(const QString& folder) {
    auto* box = new QMessageBox(QMessageBox::Question, tr("Add folder"),
                                tr("Add %1 to the library and index its photos?").arg(folder),
                                QMessageBox::NoButton, this);
    box->setObjectName(QStringLiteral("addDroppedFolderConfirmation"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    QPushButton* add = box->addButton(tr("&Add and index"), QMessageBox::AcceptRole);
    add->setObjectName(QStringLiteral("confirmAddFolder"));
    QPushButton* cancel = box->addButton(QMessageBox::Cancel);
    cancel->setObjectName(QStringLiteral("cancelAddFolder"));
    box->setDefaultButton(add);
    connect(add, &QPushButton::clicked, this, [this, folder] { addFolder(folder); });
    box->open();
}

}  // namespace abc::ui
