#include "ui/filter_bar.h"

#include <QComboBox>
#include <QDateEdit>
#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QListView>
#include <QPushButton>
#include <QSignalBlocker>
#include <algorithm>

#include "ui/flow_layout.h"
#include "ui/photo_count_text.h"

namespace abc::ui {

namespace {

constexpr int kDateSettleMs = 300;

enum DateMode { AnyDate = 0, DateRange = 1 };

QString mediaTypeLabel(const QString& type) {
    return type.toUpper();
}

// Selects the item carrying `value`, adding it (labelled `label`) when the list lacks it.
void choose(QComboBox* combo, const QString& value, const QString& label) {
    int index = combo->findData(value);
    if (index < 0) {
        combo->addItem(label, value);
        index = combo->count() - 1;
    }
    combo->setCurrentIndex(index);
}

}  // namespace

FilterBar::FilterBar(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("filterBar"));
    setAccessibleName(tr("Filters"));
    // Wraps rather than widens: with a date range, a long folder name and both docks on a
    // 1280-pixel screen the controls take a second row.
    auto* layout = new FlowLayout(this, 6);
    layout->setContentsMargins(0, 0, 0, 0);

    auto* label = new QLabel(tr("Show:"), this);
    layout->addWidget(label);

    folder_ = new QComboBox(this);
    folder_->setObjectName(QStringLiteral("filterFolder"));
    folder_->setAccessibleName(tr("Filter by folder"));
    folder_->setToolTip(tr("Only photos inside one library folder, or one of its subfolders"));
    folder_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    folder_->setMaximumWidth(260);
    folder_->addItem(tr("All folders"), QString());
    folder_->view()->setAccessibleName(tr("Folders to filter by"));
    layout->addWidget(folder_);

    dates_ = new QComboBox(this);
    dates_->setObjectName(QStringLiteral("filterDates"));
    dates_->setAccessibleName(tr("Filter by date taken"));
    dates_->setToolTip(
        tr("Photos taken between two days (from their EXIF date); photos "
           "without a date are left out while a range is set"));
    dates_->addItem(tr("Any date"));
    dates_->addItem(tr("Taken between"));
    dates_->view()->setAccessibleName(tr("Date filters"));
    layout->addWidget(dates_);

    const auto makeDateEdit = [this](const QString& name, const QString& accessible) {
        auto* edit = new QDateEdit(this);
        edit->setObjectName(name);
        edit->setAccessibleName(accessible);
        edit->setCalendarPopup(true);
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
        edit->setDateRange(QDate(1826, 1, 1), QDate(9999, 12, 31));
        return edit;
    };
    from_ = makeDateEdit(QStringLiteral("filterFrom"), tr("Taken on or after"));
    dash_ = new QLabel(QStringLiteral("–"), this);
    until_ = makeDateEdit(QStringLiteral("filterUntil"), tr("Taken on or before"));
    layout->addWidget(from_);
    layout->addWidget(dash_);
    layout->addWidget(until_);

    type_ = new QComboBox(this);
    type_->setObjectName(QStringLiteral("filterType"));
    type_->setAccessibleName(tr("Filter by file type"));
    type_->setToolTip(tr("Only photos of one file type"));
    type_->addItem(tr("All types"), QString());
    type_->view()->setAccessibleName(tr("File types to filter by"));
    layout->addWidget(type_);

    active_ = new QLabel(this);
    active_->setObjectName(QStringLiteral("filterActive"));
    active_->setAccessibleName(tr("Active filters"));
    active_->setAutoFillBackground(true);
    active_->setForegroundRole(QPalette::HighlightedText);
    active_->setBackgroundRole(QPalette::Highlight);
    active_->setContentsMargins(6, 1, 6, 1);
    layout->addWidget(active_);

    reset_ = new QPushButton(tr("Reset filters"), this);
    reset_->setObjectName(QStringLiteral("filterReset"));
    reset_->setAccessibleName(tr("Reset every filter"));
    reset_->setToolTip(tr("Show photos from every folder, date and type"));
    layout->addWidget(reset_);

    dateSettle_.setSingleShot(true);
    dateSettle_.setInterval(kDateSettleMs);
    connect(&dateSettle_, &QTimer::timeout, this, &FilterBar::announceIfChanged);
    connect(folder_, &QComboBox::currentIndexChanged, this, [this] { announceIfChanged(); });
    connect(type_, &QComboBox::currentIndexChanged, this, [this] { announceIfChanged(); });
    connect(dates_, &QComboBox::currentIndexChanged, this, [this](int mode) {
        if (updating_)
            return;
        if (mode == DateRange)
            enterDateRange();
        showDateEdits();
        announceIfChanged();
    });
    for (QDateEdit* edit : {from_, until_}) {
        connect(edit, &QDateEdit::dateChanged, this, [this] {
            if (!updating_)
                dateSettle_.start();
        });
        // Leaving the field (or Enter) applies at once.
        connect(edit, &QDateEdit::editingFinished, this, &FilterBar::announceIfChanged);
    }
    connect(reset_, &QPushButton::clicked, this, &FilterBar::reset);
    showDateEdits();
    showActiveState();
}

PhotoFilter FilterBar::filter() const {
    PhotoFilter out;
    out.folder = folder_->currentData().toString();
    out.mediaType = type_->currentData().toString();
    if (dates_->currentIndex() == DateRange) {
        // Either order means the days between them.
        out.takenFrom = std::min(from_->date(), until_->date());
        out.takenUntil = std::max(from_->date(), until_->date());
    }
    return out;
}

QString FilterBar::activeText() const {
    return active_->isHidden() ? QString() : active_->text();
}

void FilterBar::setFilter(const PhotoFilter& filter) {
    {
        const QSignalBlocker blockFolder(folder_);
        const QSignalBlocker blockType(type_);
        updating_ = true;
        choose(folder_, filter.folder,
               filter.folder.isEmpty() ? tr("All folders") : QFileInfo(filter.folder).fileName());
        choose(type_, filter.mediaType,
               filter.mediaType.isEmpty() ? tr("All types") : mediaTypeLabel(filter.mediaType));
        if (filter.hasDateRange()) {
            // An open end of a saved range becomes the furthest day the edits allow.
            from_->setDate(filter.takenFrom.isValid() ? filter.takenFrom : from_->minimumDate());
            until_->setDate(filter.takenUntil.isValid() ? filter.takenUntil
                                                        : until_->maximumDate());
        }
        dates_->setCurrentIndex(filter.hasDateRange() ? DateRange : AnyDate);
        updating_ = false;
    }
    showDateEdits();
    announceIfChanged();
}

void FilterBar::setOptions(const FilterOptions& options) {
    options_ = options;
    const PhotoFilter shown = filter();
    const QSignalBlocker blockFolder(folder_);
    const QSignalBlocker blockType(type_);
    folder_->clear();
    folder_->addItem(tr("All folders"), QString());
    QStringList names;
    for (const QString& folder : options.folders)
        names << QFileInfo(folder).fileName();
    for (const QString& folder : options.folders) {
        // Two folders of the same name show their whole paths.
        const QString name = QFileInfo(folder).fileName();
        folder_->addItem(
            names.count(name) > 1 || name.isEmpty() ? QDir::toNativeSeparators(folder) : name,
            folder);
        folder_->setItemData(folder_->count() - 1, QDir::toNativeSeparators(folder),
                             Qt::ToolTipRole);
        addSubfolders(folder, options.subfolders);
    }
    choose(folder_, shown.folder, tr("%1 (not in the library)").arg(shown.folder));
    type_->clear();
    type_->addItem(tr("All types"), QString());
    for (const QString& type : options.mediaTypes)
        type_->addItem(mediaTypeLabel(type), type);
    choose(type_, shown.mediaType, tr("%1 (none in the library)").arg(shown.mediaType));
    showActiveState();
}

void FilterBar::addSubfolders(const QString& root, const QStringList& subfolders) {
    // Each under its library folder, as a path from it ("Pictures › 2023 › summer"): the list
    // reads as a tree, and typing the library folder's first letters still finds them.
    const QString prefix = root + QLatin1Char('/');
    const QString rootLabel = folder_->itemText(folder_->count() - 1);
    for (const QString& folder : subfolders) {
        if (!folder.startsWith(prefix))
            continue;
        const QStringList steps = folder.mid(prefix.size()).split(QLatin1Char('/'));
        folder_->addItem(
            rootLabel + QStringLiteral(" \u203A ") + steps.join(QStringLiteral(" \u203A ")),
            folder);
        folder_->setItemData(folder_->count() - 1, QDir::toNativeSeparators(folder),
                             Qt::ToolTipRole);
    }
}

void FilterBar::reset() {
    setFilter({});
}

void FilterBar::enterDateRange() {
    // Start from the library's own span, so the first range shows every dated photo.
    const QSignalBlocker blockFrom(from_);
    const QSignalBlocker blockUntil(until_);
    const QDate today = QDate::currentDate();
    from_->setDate(options_.earliest.isValid() ? options_.earliest : today.addYears(-1));
    until_->setDate(options_.latest.isValid() ? options_.latest : today);
}

void FilterBar::showDateEdits() {
    const bool range = dates_->currentIndex() == DateRange;
    from_->setVisible(range);
    dash_->setVisible(range);
    until_->setVisible(range);
}

void FilterBar::announceIfChanged() {
    if (updating_)
        return;
    dateSettle_.stop();
    showActiveState();
    const PhotoFilter current = filter();
    if (current == announced_)
        return;
    announced_ = current;
    emit filterChanged(current);
}

void FilterBar::showActiveState() {
    const PhotoFilter current = filter();
    const int count = current.activeCount();
    QStringList parts;
    if (!current.folder.isEmpty())
        parts << tr("folder %1").arg(QFileInfo(current.folder).fileName());
    if (current.hasDateRange()) {
        parts << tr("taken %1 to %2")
                     .arg(current.takenFrom.toString(Qt::ISODate),
                          current.takenUntil.toString(Qt::ISODate));
    }
    if (!current.mediaType.isEmpty())
        parts << tr("type %1").arg(mediaTypeLabel(current.mediaType));
    description_ = parts.join(QStringLiteral(", "));
    if (current.hasDateRange() && options_.undated > 0)
        parts << tr("%1 without a date left out").arg(photosInText(options_.undated));
    active_->setText(countText(count, tr("1 filter on"), tr("%1 filters on")));
    active_->setToolTip(parts.join(QStringLiteral("\n")));
    active_->setVisible(count > 0);
    reset_->setEnabled(count > 0);
}

}  // namespace abc::ui
