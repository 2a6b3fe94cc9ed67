#include "ui/tags_panel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>
#include <map>
#include <optional>

#include "core/io/error.h"
#include "core/library/library_store.h"
#include "core/library/photo_embedder.h"
#include "core/library/tag_store.h"
#include "core/library/zero_shot_tagger.h"
#include "ui/engine_session.h"
#include "ui/flow_layout.h"
#include "ui/photo_count_text.h"

namespace abc::ui {

namespace {

// The plain model row results are read under: the session's model, or, without one, the
// model the set was last applied with.
std::optional<std::int64_t> resultModel(const EngineSession& session, TagStore& tags,
                                        const std::string& set) {
    if (session.hasModel()) {
        return session.store->findModel(session.embedder->fingerprint());
    }
    std::optional<std::int64_t> model;
    for (const auto& run : tags.runs(set)) {
        if (run.current) {
            model = run.model;
        }
    }
    return model;
}

}  // namespace

TagsPanel::TagsPanel(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("tagsPanel"));
    setAccessibleName(tr("Tags"));
    auto* layout = new QVBoxLayout(this);
    auto* row = new QHBoxLayout;
    sets_ = new QComboBox(this);
    sets_->setObjectName(QStringLiteral("tagSetChoice"));
    sets_->setAccessibleName(tr("Tag set"));
    row->addWidget(sets_, 1);
    applyButton_ = new QPushButton(tr("&Apply"), this);
    applyButton_->setObjectName(QStringLiteral("applyTagSet"));
    applyButton_->setToolTip(tr("Tag every indexed photo with this set's labels"));
    row->addWidget(applyButton_);
    stopButton_ = new QPushButton(tr("Stop"), this);
    stopButton_->setObjectName(QStringLiteral("stopTagSet"));
    stopButton_->hide();
    row->addWidget(stopButton_);
    layout->addLayout(row);
    state_ = new QLabel(this);
    state_->setObjectName(QStringLiteral("tagSetState"));
    state_->setWordWrap(true);
    layout->addWidget(state_);
    progress_ = new QProgressBar(this);
    progress_->setObjectName(QStringLiteral("tagSetProgress"));
    progress_->hide();
    layout->addWidget(progress_);
    chipRow_ = new QWidget(this);
    chipRow_->setObjectName(QStringLiteral("tagChips"));
    chipLayout_ = new FlowLayout(chipRow_, 4);
    layout->addWidget(chipRow_);
    cloud_ = new QWidget(this);
    cloud_->setObjectName(QStringLiteral("tagCloud"));
    cloud_->setAccessibleName(tr("Labels of the set, sized by how many photos have them"));
    cloudLayout_ = new FlowLayout(cloud_, 6);
    layout->addWidget(cloud_);
    layout->addStretch(1);

    connect(sets_, &QComboBox::currentTextChanged, this, [this] { refreshCloud(); });
    connect(applyButton_, &QPushButton::clicked, this, [this] { apply(); });
    connect(stopButton_, &QPushButton::clicked, this, &TagsPanel::stop);
    connect(&watcher_, &QFutureWatcher<Outcome>::finished, this, &TagsPanel::onApplied);
    setSession(nullptr);
}

TagsPanel::~TagsPanel() {
    stop_.request_stop();
    watcher_.waitForFinished();
}

void TagsPanel::setSession(std::shared_ptr<EngineSession> session) {
    session_ = std::move(session);
    tags_.reset();
    const QString chosen = sets_->currentText();
    QSignalBlocker block(sets_);
    sets_->clear();
    if (session_ && session_->store) {
        try {
            tags_ = std::make_shared<TagStore>(*session_->store);
            for (const auto& set : tags_->sets()) {
                sets_->addItem(QString::fromStdString(set.name));
            }
        } catch (const std::exception& error) {
            state_->setText(tr("Tags cannot be read: %1").arg(QString::fromUtf8(error.what())));
        }
    }
    if (const int index = sets_->findText(chosen); index >= 0) {
        sets_->setCurrentIndex(index);
    }
    applyButton_->setEnabled(tags_ && session_->hasModel() && !isApplying());
    refreshCloud();
}

QStringList TagsPanel::setNames() const {
    QStringList names;
    for (int i = 0; i < sets_->count(); ++i) {
        names << sets_->itemText(i);
    }
    return names;
}

QString TagsPanel::currentSet() const {
    return sets_->currentText();
}

void TagsPanel::chooseSet(const QString& name) {
    sets_->setCurrentIndex(sets_->findText(name));
}

bool TagsPanel::isApplying() const {
    return watcher_.isRunning();
}

bool TagsPanel::apply() {
    if (isApplying() || !tags_ || !session_->hasModel() || currentSet().isEmpty()) {
        return false;
    }
    stop_ = std::stop_source();
    applyButton_->setEnabled(false);
    stopButton_->show();
    progress_->setRange(0, 0);
    progress_->show();
    state_->setText(tr("Applying %1…").arg(currentSet()));
    watcher_.setFuture(QtConcurrent::run([this, session = session_, tags = tags_,
                                          set = currentSet().toStdString(),
                                          stop = stop_.get_token()]() {
        Outcome outcome;
        outcome.set = QString::fromStdString(set);
        try {
            ZeroShotTagger tagger(*session->store, *tags, *session->embedder, *session->decoder);
            const auto summary = tagger.apply(
                set,
                [this](std::size_t done, std::size_t total) {
                    QMetaObject::invokeMethod(
                        this,
                        [this, done, total] {
                            progress_->setRange(0, static_cast<int>(total));
                            progress_->setValue(static_cast<int>(done));
                            emit progressShown(static_cast<int>(done), static_cast<int>(total));
                        },
                        Qt::QueuedConnection);
                },
                stop);
            outcome.tagged = static_cast<int>(summary.tagged);
            outcome.scored = static_cast<int>(summary.scored);
        } catch (const Cancelled&) {
            outcome.cancelled = true;
        } catch (const std::exception& error) {
            outcome.error = QString::fromUtf8(error.what());
        }
        return outcome;
    }));
    return true;
}

void TagsPanel::stop() {
    stop_.request_stop();
}

void TagsPanel::onApplied() {
    const Outcome outcome = watcher_.result();
    stopButton_->hide();
    progress_->hide();
    applyButton_->setEnabled(tags_ && session_ && session_->hasModel());
    refreshCloud();
    if (outcome.cancelled) {
        state_->setText(tr("Stopped; the photos embedded so far are kept for the next run"));
    } else if (!outcome.error.isEmpty()) {
        state_->setText(tr("Could not apply %1: %2").arg(outcome.set, outcome.error));
        emit applyFailed(outcome.error);
    } else {
        emit applied(outcome.set, outcome.tagged, outcome.scored);
    }
    // The chips' photos may have changed with the new results.
    if (!outcome.cancelled && !chips_.isEmpty()) {
        emitChosenPhotos();
    }
}

void TagsPanel::refreshCloud() {
    counts_.clear();
    while (QLayoutItem* item = cloudLayout_->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    const QString name = currentSet();
    if (!tags_ || name.isEmpty()) {
        return;
    }
    try {
        const std::string set = name.toStdString();
        const auto model = resultModel(*session_, *tags_, set);
        const auto state = model ? tags_->runState(set, *model) : std::nullopt;
        if (!state) {
            state_->setText(tr("%1 was not applied yet").arg(name));
            return;
        }
        if (!state->current) {
            state_->setText(tr("%1 changed since it was applied: apply it again").arg(name));
            return;
        }
        for (const auto& [label, count] : tags_->labelCounts(set, *model)) {
            counts_.insert(QString::fromStdString(label), count);
        }
        qint64 most = 1;
        for (const auto count : counts_) {
            most = std::max(most, count);
        }
        for (auto it = counts_.cbegin(); it != counts_.cend(); ++it) {
            auto* tag = new QToolButton(cloud_);
            tag->setObjectName(QStringLiteral("cloudTag"));
            tag->setText(QStringLiteral("%1 (%2)").arg(it.key()).arg(it.value()));
            tag->setAccessibleName(
                tr("%1, %2").arg(it.key(), photosInText(static_cast<int>(it.value()))));
            tag->setProperty("label", it.key());
            tag->setEnabled(it.value() > 0);
            tag->setAutoRaise(true);
            QFont font = tag->font();
            // From the normal size up to twice it, by the share of the most common label.
            font.setPointSizeF(font.pointSizeF() *
                               (1.0 + static_cast<double>(it.value()) / static_cast<double>(most)));
            tag->setFont(font);
            connect(tag, &QToolButton::clicked, this, [this, label = it.key()] { addChip(label); });
            cloudLayout_->addWidget(tag);
        }
        state_->setText(
            tr("%1: %2 scored").arg(name, photosInText(static_cast<int>(state->scored))));
    } catch (const std::exception& error) {
        state_->setText(tr("Tags cannot be read: %1").arg(QString::fromUtf8(error.what())));
    }
}

void TagsPanel::addChip(const QString& label) {
    const Chip chip{currentSet(), label};
    if (chip.set.isEmpty() || chips_.contains(chip)) {
        return;
    }
    chips_ << chip;
    refreshChips();
    emitChosenPhotos();
}

void TagsPanel::removeChip(const Chip& chip) {
    chips_.removeAll(chip);
    refreshChips();
    if (chips_.isEmpty()) {
        emit chipsCleared();
    } else {
        emitChosenPhotos();
    }
}

void TagsPanel::clearChips() {
    if (chips_.isEmpty()) {
        return;
    }
    chips_.clear();
    refreshChips();
    emit chipsCleared();
}

void TagsPanel::refreshChips() {
    while (QLayoutItem* item = chipLayout_->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    for (const Chip& chip : chips_) {
        auto* button = new QToolButton(chipRow_);
        button->setObjectName(QStringLiteral("tagChip"));
        button->setText(QStringLiteral("%1 ✕").arg(chip.label));
        button->setToolTip(tr("%1 (set %2): click to remove").arg(chip.label, chip.set));
        button->setAccessibleName(tr("Remove the filter %1").arg(chip.label));
        connect(button, &QToolButton::clicked, this, [this, chip] { removeChip(chip); });
        chipLayout_->addWidget(button);
    }
}

void TagsPanel::emitChosenPhotos() {
    if (!tags_ || chips_.isEmpty()) {
        return;
    }
    PhotoHits hits;
    QStringList names;
    try {
        std::optional<std::map<PhotoId, float>> kept;  // photo -> the first chip's score
        for (const Chip& chip : chips_) {
            names << chip.label;
            const std::string set = chip.set.toStdString();
            const auto model = resultModel(*session_, *tags_, set);
            std::map<PhotoId, float> scores;
            if (model) {
                for (const auto& tag : tags_->tags(set, *model)) {
                    if (tag.label == chip.label.toStdString()) {
                        scores.emplace(tag.photo, tag.score);
                    }
                }
            }
            if (!kept) {
                kept = std::move(scores);
            } else {
                std::erase_if(*kept, [&](const auto& entry) { return !scores.count(entry.first); });
            }
        }
        for (const auto& [photo, score] : *kept) {
            const auto record = session_->store->photo(photo);
            if (record && !record->files.empty()) {
                hits.append({QString::fromStdString(record->files.front().path), score});
            }
        }
    } catch (const std::exception& error) {
        state_->setText(tr("Tags cannot be read: %1").arg(QString::fromUtf8(error.what())));
        return;
    }
    std::stable_sort(hits.begin(), hits.end(),
                     [](const PhotoHit& a, const PhotoHit& b) { return a.score > b.score; });
    emit photosChosen(hits, tr("Tagged %1").arg(names.join(QStringLiteral(", "))));
}

QStringList TagsPanel::labelsOf(const QString& path) const {
    QStringList labels;
    if (!tags_ || !session_ || !session_->hasModel()) {
        return labels;
    }
    const auto file = session_->store->fileByPath(path.toStdString());
    const auto model = session_->store->findModel(session_->embedder->fingerprint());
    if (!file || !model) {
        return labels;
    }
    for (const auto& label : tags_->labelsOf(file->second, *model)) {
        labels << QStringLiteral("%1: %2").arg(QString::fromStdString(label.tagSet),
                                               QString::fromStdString(label.label));
    }
    return labels;
}

}  // namespace abc::ui
