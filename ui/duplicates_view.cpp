#include "ui/duplicates_view.h"

#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QHideEvent>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QShowEvent>
#include <QSlider>
#include <QTableView>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <cmath>
#include <exception>

#include "core/io/error.h"
#include "core/library/duplicate_listing.h"
#include "core/library/library_store.h"
#include "core/library/photo_search.h"
#include "ui/engine_session.h"
#include "ui/photo_count_text.h"
#include "ui/thumbnail_provider.h"

namespace abc::ui {

namespace {

constexpr int kIconEdge = 96;
constexpr int kThresholdSettleMs = 250;
// Below this, unrelated photos start to pair up by the thousand; the slider stops here.
constexpr double kLowestThreshold = 0.80;

}  // namespace

DuplicatesView::DuplicatesView(QWidget* parent) : QDialog(parent) {
    setObjectName(QStringLiteral("duplicatesView"));
    setWindowTitle(tr("Near duplicates"));
    setAccessibleName(tr("Near-duplicate photos"));
    auto* layout = new QVBoxLayout(this);

    auto* thresholdRow = new QHBoxLayout;
    auto* thresholdLabel = new QLabel(tr("Similarity at &least:"), this);
    slider_ = new QSlider(Qt::Horizontal, this);
    slider_->setObjectName(QStringLiteral("duplicatesThresholdSlider"));
    slider_->setAccessibleName(tr("Minimum similarity (slider)"));
    slider_->setRange(qRound(kLowestThreshold * 1000), 1000);  // thousandths
    slider_->setPageStep(10);
    spin_ = new QDoubleSpinBox(this);
    spin_->setObjectName(QStringLiteral("duplicatesThreshold"));
    spin_->setAccessibleName(tr("Minimum similarity"));
    spin_->setToolTip(
        tr("Cosine similarity of the two photos' vectors: 1 is identical, about "
           "0.95 a copy re-encoded or resized"));
    spin_->setRange(kLowestThreshold, 1.0);
    spin_->setDecimals(3);
    spin_->setSingleStep(0.005);
    thresholdLabel->setBuddy(spin_);
    refresh_ = new QPushButton(tr("&Refresh"), this);
    refresh_->setObjectName(QStringLiteral("duplicatesRefresh"));
    refresh_->setAccessibleName(tr("Look for near duplicates again"));
    thresholdRow->addWidget(thresholdLabel);
    thresholdRow->addWidget(slider_, 1);
    thresholdRow->addWidget(spin_);
    thresholdRow->addWidget(refresh_);
    layout->addLayout(thresholdRow);

    summary_ = new QLabel(this);
    summary_->setObjectName(QStringLiteral("duplicatesSummary"));
    summary_->setAccessibleName(tr("What was found"));
    summary_->setWordWrap(true);
    layout->addWidget(summary_);

    thumbnails_ = new ThumbnailProvider(2 * kIconEdge, {}, this);
    model_ = new DuplicatesModel(thumbnails_, kIconEdge, this);
    table_ = new QTableView(this);
    table_->setObjectName(QStringLiteral("duplicatesTable"));
    table_->setAccessibleName(tr("Pairs of near-duplicate photos"));
    table_->setModel(model_);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setIconSize(QSize(kIconEdge, kIconEdge));
    table_->setTextElideMode(Qt::ElideMiddle);
    table_->setWordWrap(false);
    table_->setShowGrid(false);
    table_->setAlternatingRowColors(true);
    table_->setContextMenuPolicy(Qt::CustomContextMenu);
    table_->verticalHeader()->hide();
    table_->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    table_->verticalHeader()->setDefaultSectionSize(kIconEdge + 8);
    table_->horizontalHeader()->setSectionResizeMode(DuplicatesModel::FirstPhoto,
                                                     QHeaderView::Stretch);
    table_->horizontalHeader()->setSectionResizeMode(DuplicatesModel::SecondPhoto,
                                                     QHeaderView::Stretch);
    table_->horizontalHeader()->setSectionResizeMode(DuplicatesModel::Similarity,
                                                     QHeaderView::ResizeToContents);
    layout->addWidget(table_, 1);

    // One row of actions for each photo of the selected pair.
    auto* actions = new QGridLayout;
    const auto addRow = [&](int row, const QString& title, const QString& key, int column,
                            QList<QPushButton*>& buttons) {
        actions->addWidget(new QLabel(title, this), row, 0);
        const auto addButton = [&](int at, const QString& text, const QString& name,
                                   const QString& accessible, auto act) {
            auto* button = new QPushButton(text, this);
            button->setObjectName(name + key);
            button->setAccessibleName(accessible);
            connect(button, &QPushButton::clicked, this,
                    [this, column, act] { act(selectedPath(column)); });
            actions->addWidget(button, row, at);
            buttons << button;
        };
        addButton(1, tr("Open"), QStringLiteral("open"),
                  tr("Open the %1 with the default application").arg(title.toLower()),
                  [this](const QString& path) { openPhoto(path); });
        addButton(2, tr("Show in folder"), QStringLiteral("reveal"),
                  tr("Show the %1 in the file manager").arg(title.toLower()),
                  [this](const QString& path) { revealPhoto(path); });
        addButton(3, tr("Show in results"), QStringLiteral("showInResults"),
                  tr("Show the %1 in the search results").arg(title.toLower()),
                  [this](const QString& path) {
                      if (!path.isEmpty())
                          emit showInResultsRequested(path);
                  });
    };
    addRow(0, tr("Photo"), QStringLiteral("First"), DuplicatesModel::FirstPhoto, firstActions_);
    addRow(1, tr("Near duplicate"), QStringLiteral("Second"), DuplicatesModel::SecondPhoto,
           secondActions_);
    actions->setColumnStretch(4, 1);
    layout->addLayout(actions);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->button(QDialogButtonBox::Close)->setAccessibleName(tr("Close near duplicates"));
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    thresholdSettle_.setSingleShot(true);
    thresholdSettle_.setInterval(kThresholdSettleMs);
    connect(&thresholdSettle_, &QTimer::timeout, this, &DuplicatesView::requestPairs);
    connect(slider_, &QSlider::valueChanged, this,
            [this](int thousandths) { spin_->setValue(thousandths / 1000.0); });
    connect(spin_, &QDoubleSpinBox::valueChanged, this, [this](double value) {
        const QSignalBlocker block(slider_);
        slider_->setValue(qRound(value * 1000));
        thresholdSettle_.start();
    });
    connect(refresh_, &QPushButton::clicked, this, &DuplicatesView::refresh);
    connect(&watcher_, &QFutureWatcher<Outcome>::finished, this, &DuplicatesView::onComputed);
    connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &DuplicatesView::updateActions);
    connect(table_, &QWidget::customContextMenuRequested, this, &DuplicatesView::contextMenu);

    setThreshold(kDefaultThreshold);
    thresholdSettle_.stop();  // nothing to compute until the view is shown
    updateActions();
    resize(960, 620);
}

DuplicatesView::~DuplicatesView() {
    // The scan only holds the session, not the view; stopping it spares the thread pool (which
    // the application waits for when it quits) minutes of a quadratic scan.
    scan_.request_stop();
}

void DuplicatesView::setSession(std::shared_ptr<EngineSession> session) {
    session_ = std::move(session);
    ++generation_;
    if (isVisible()) {
        requestPairs();
    } else {
        model_->setPairs({});
    }
}

double DuplicatesView::threshold() const {
    return spin_->value();
}

void DuplicatesView::setThreshold(double threshold) {
    spin_->setValue(threshold);
}

QString DuplicatesView::summaryText() const {
    return summary_->text();
}

void DuplicatesView::setDesktop(OpenFile open, RevealFile reveal) {
    open_ = std::move(open);
    reveal_ = std::move(reveal);
}

void DuplicatesView::openWithDesktop(const QUrl& file) {
    QDesktopServices::openUrl(file);
}

void DuplicatesView::refresh() {
    ++generation_;
    requestPairs();
}

void DuplicatesView::showEvent(QShowEvent* event) {
    QDialog::showEvent(event);
    requestPairs();
}

void DuplicatesView::hideEvent(QHideEvent* event) {
    QDialog::hideEvent(event);
    // Closed, not minimised: nobody waits for the pairs; shown again, it computes again.
    if (!event->spontaneous() && watcher_.isRunning())
        scan_.request_stop();
}

void DuplicatesView::requestPairs() {
    thresholdSettle_.stop();
    if (!session_ || !session_->search) {
        model_->setPairs({});
        summary_->setText(tr("Load a model and index some photos to look for near duplicates."));
        updateActions();
        emit pairsShown(0);
        return;
    }
    const auto wanted = static_cast<float>(threshold());
    if (computed_.generation == generation_ && wanted >= computed_.floor) {
        showPairs();
        return;
    }
    if (watcher_.isRunning()) {
        pending_ = true;
        if (scanGeneration_ != generation_ || wanted < scanFloor_)
            scan_.request_stop();  // its pairs would not answer: start again sooner
        return;
    }
    start(wanted);
}

void DuplicatesView::start(float floor) {
    summary_->setText(tr("Comparing the library's photos…"));
    scan_ = std::stop_source();
    scanGeneration_ = generation_;
    scanFloor_ = floor;
    watcher_.setFuture(QtConcurrent::run([session = session_, floor, generation = generation_,
                                          stop = scan_.get_token()]() -> Outcome {
        Outcome out;
        out.generation = generation;
        out.floor = floor;
        try {
            for (const ListedDuplicate& pair : listDuplicates(
                     *session->store, [&]() -> PhotoSearch& { return *session->search; }, floor,
                     static_cast<std::size_t>(kMaxPairs), stop)) {
                out.pairs.append({QString::fromStdString(pair.first),
                                  QString::fromStdString(pair.second), pair.similarity,
                                  pair.identical});
            }
        } catch (const Cancelled&) {
            out.stopped = true;
        } catch (const std::exception& error) {
            out.error = QString::fromUtf8(error.what());
        }
        return out;
    }));
}

void DuplicatesView::onComputed() {
    const Outcome outcome = watcher_.result();
    pending_ = false;
    if (outcome.stopped) {
        emit scanStopped();
    } else {
        computed_ = outcome;
    }
    if (isVisible())
        requestPairs();  // shows them, or computes again if the library or threshold moved on
}

void DuplicatesView::showPairs() {
    if (!computed_.error.isEmpty()) {
        model_->setPairs({});
        summary_->setText(tr("The near duplicates could not be found: %1").arg(computed_.error));
        updateActions();
        emit pairsShown(0);
        return;
    }
    const auto wanted = static_cast<float>(threshold());
    DuplicatePairRows rows;
    int identical = 0;
    for (const DuplicatePairRow& pair : computed_.pairs) {
        if (!pair.identical && pair.similarity < wanted)
            break;  // identical copies, then the most similar first
        rows.append(pair);
        identical += pair.identical ? 1 : 0;
    }
    model_->setPairs(rows);
    const QString level = QString::number(wanted, 'f', 3);
    if (rows.isEmpty()) {
        summary_->setText(tr("No two photos have a similarity of %1 or more.").arg(level));
    } else {
        QString text =
            tr("%1 with a similarity of %2 or more.")
                .arg(countText(static_cast<int>(rows.size()), tr("1 pair"), tr("%1 pairs")), level);
        if (identical > 0)
            text += tr(" %n of them are identical copies (the same file under two paths).", nullptr,
                       identical);
        if (rows.size() == computed_.pairs.size() && rows.size() >= kMaxPairs)
            text += tr(" Only the %1 most similar are listed; raise the threshold to see fewer.")
                        .arg(kMaxPairs);
        summary_->setText(text);
        table_->selectRow(0);
    }
    updateActions();
    emit pairsShown(static_cast<int>(rows.size()));
}

QString DuplicatesView::selectedPath(int column) const {
    const QModelIndex current = table_->selectionModel()->currentIndex();
    return current.isValid() ? model_->pathAt(current.row(), column) : QString();
}

void DuplicatesView::updateActions() {
    const bool chosen = table_->selectionModel()->currentIndex().isValid();
    for (QPushButton* button : firstActions_ + secondActions_)
        button->setEnabled(chosen);
}

void DuplicatesView::openPhoto(const QString& path) {
    if (!path.isEmpty() && open_)
        open_(QUrl::fromLocalFile(path));
}

void DuplicatesView::revealPhoto(const QString& path) {
    if (!path.isEmpty() && reveal_)
        reveal_(QUrl::fromLocalFile(QFileInfo(path).absoluteFilePath()));
}

void DuplicatesView::contextMenu(const QPoint& position) {
    const QModelIndex index = table_->indexAt(position);
    const QString path = index.isValid() ? model_->pathAt(index.row(), index.column()) : QString();
    if (path.isEmpty())
        return;
    QMenu menu(this);
    menu.addAction(tr("Open"), this, [this, path] { openPhoto(path); });
    menu.addAction(tr("Show in folder"), this, [this, path] { revealPhoto(path); });
    menu.addAction(tr("Show in results"), this,
                   [this, path] { emit showInResultsRequested(path); });
    menu.exec(table_->viewport()->mapToGlobal(position));
}

}  // namespace abc::ui
