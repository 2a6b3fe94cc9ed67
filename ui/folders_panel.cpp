#include "ui/folders_panel.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QPushButton>
#include <QVBoxLayout>
#include <algorithm>

#include "ui/failed_files_dialog.h"
#include "ui/photo_count_text.h"

namespace abc::ui {

namespace {

// How many unreadable files a folder's tooltip names before "and n more".
constexpr int kFailuresInTooltip = 8;

int notImageCount(const FileFailures& failures) {
    return static_cast<int>(std::count_if(failures.begin(), failures.end(),
                                          [](const FileFailure& f) { return f.notAnImage; }));
}

}  // namespace

FoldersPanel::FoldersPanel(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("foldersPanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    list_ = new QListWidget(this);
    list_->setObjectName(QStringLiteral("folderList"));
    list_->setAccessibleName(tr("Library folders"));
    list_->setWordWrap(true);
    list_->setUniformItemSizes(false);
    // Right click, or the Menu key: the folder's unreadable files, remove, index.
    list_->setContextMenuPolicy(Qt::CustomContextMenu);
    layout->addWidget(list_, 1);
    failuresLink_ = new QLabel(this);
    failuresLink_->setObjectName(QStringLiteral("failuresLink"));
    failuresLink_->setAccessibleName(tr("Files not indexed"));
    failuresLink_->setWordWrap(true);
    failuresLink_->setTextFormat(Qt::RichText);
    failuresLink_->setTextInteractionFlags(Qt::LinksAccessibleByMouse |
                                           Qt::LinksAccessibleByKeyboard);
    failuresLink_->setFocusPolicy(Qt::TabFocus);
    failuresLink_->hide();
    layout->addWidget(failuresLink_);

    auto* buttons = new QHBoxLayout;
    auto* add = new QPushButton(tr("&Add…"), this);
    add->setObjectName(QStringLiteral("addFolder"));
    add->setAccessibleName(tr("Add a folder to the library"));
    remove_ = new QPushButton(tr("&Remove"), this);
    remove_->setObjectName(QStringLiteral("removeFolder"));
    remove_->setAccessibleName(tr("Remove the selected folder from the library"));
    remove_->setEnabled(false);
    index_ = new QPushButton(tr("&Index"), this);
    index_->setObjectName(QStringLiteral("indexFolders"));
    index_->setAccessibleName(tr("Index the library folders now"));
    buttons->addWidget(add);
    buttons->addWidget(remove_);
    buttons->addWidget(index_);
    layout->addLayout(buttons);

    connect(add, &QPushButton::clicked, this, [this] {
        const QString folder =
            QFileDialog::getExistingDirectory(this, tr("Add a folder of photos"), QDir::homePath());
        if (!folder.isEmpty())
            emit addRequested(folder);  // normalised once, where it is added
    });
    connect(remove_, &QPushButton::clicked, this, [this] {
        if (auto* item = list_->currentItem())
            emit removeRequested(item->data(Qt::UserRole).toString());
    });
    connect(index_, &QPushButton::clicked, this, &FoldersPanel::indexRequested);
    connect(list_, &QListWidget::currentRowChanged, this, [this](int row) {
        remove_->setEnabled(row >= 0);
        updateFailuresLink();
    });
    connect(list_, &QListWidget::customContextMenuRequested, this, &FoldersPanel::showContextMenu);
    connect(failuresLink_, &QLabel::linkActivated, this,
            [this](const QString& folder) { showFailures(folder); });
}

void FoldersPanel::setStates(const FolderStates& states) {
    const QString current = currentFolder();
    states_ = states;
    list_->clear();
    for (const FolderState& state : states) {
        QString detail = folderCountText(state.photos, state.indexedPhotos);
        const int notImages = notImageCount(state.failures);
        if (state.failed > 0)
            detail += QStringLiteral(", ") + notIndexedText(state.failed - notImages, notImages);
        auto* item = new QListWidgetItem(
            QFileInfo(state.folder).fileName() + QLatin1Char('\n') + detail, list_);
        item->setData(Qt::UserRole, state.folder);
        QString tip = QDir::toNativeSeparators(state.folder);
        if (!state.failures.isEmpty()) {
            tip += QLatin1Char('\n') + tr("Not indexed:");
            const QDir root(state.folder);
            for (const FileFailure& failure : state.failures.mid(0, kFailuresInTooltip)) {
                tip += QStringLiteral("\n  ") +
                       QDir::toNativeSeparators(root.relativeFilePath(failure.path)) +
                       QStringLiteral(": ") + failure.reason;
            }
            if (state.failures.size() > kFailuresInTooltip) {
                tip += QStringLiteral("\n  ") +
                       tr("and %n more (right click: see them all)", nullptr,
                          static_cast<int>(state.failures.size() - kFailuresInTooltip));
            }
        }
        item->setToolTip(tip);
        item->setData(Qt::AccessibleTextRole, state.folder + QStringLiteral(": ") + detail);
        if (state.folder == current)
            list_->setCurrentItem(item);
    }
    remove_->setEnabled(list_->currentItem() != nullptr);
    updateFailuresLink();
}

QString FoldersPanel::currentFolder() const {
    return list_->currentItem() ? list_->currentItem()->data(Qt::UserRole).toString() : QString();
}

FolderState FoldersPanel::stateOf(const QString& folder) const {
    for (const FolderState& state : states_) {
        if (state.folder == folder)
            return state;
    }
    FolderState none;
    none.folder = folder;
    return none;
}

FileFailures FoldersPanel::failuresOf(const QString& folder) const {
    for (const FolderState& state : states_) {
        if (state.folder == folder)
            return state.failures;
    }
    return {};
}

FailedFilesDialog* FoldersPanel::showFailures(const QString& folder) {
    const FileFailures failures = failuresOf(folder);
    if (failures.isEmpty())
        return nullptr;
    auto* dialog = new FailedFilesDialog(folder, failures, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    return dialog;
}

// The link names the selected folder's failures, or the first folder that has some, so a
// library with unreadable files always offers the way to them.
void FoldersPanel::updateFailuresLink() {
    QString folder = currentFolder();
    if (failuresOf(folder).isEmpty()) {
        folder.clear();
        for (const FolderState& state : states_) {
            if (!state.failures.isEmpty()) {
                folder = state.folder;
                break;
            }
        }
    }
    const FileFailures failures = failuresOf(folder);
    failuresLink_->setVisible(!failures.isEmpty());
    if (failures.isEmpty()) {
        failuresLink_->clear();
        return;
    }
    const int notImages = notImageCount(failures);
    failuresLink_->setText(
        tr("Not indexed in %1: %2. <a href=\"%3\">See which and why</a>")
            .arg(QFileInfo(folder).fileName().toHtmlEscaped(),
                 notIndexedText(static_cast<int>(failures.size()) - notImages, notImages),
                 folder.toHtmlEscaped()));
}

void FoldersPanel::showContextMenu(const QPoint& position) {
    QListWidgetItem* item = list_->itemAt(position);
    if (!item)
        item = list_->currentItem();  // the Menu key
    if (!item)
        return;
    const QString folder = item->data(Qt::UserRole).toString();
    QMenu menu(this);
    menu.setObjectName(QStringLiteral("folderMenu"));
    const int failed = static_cast<int>(failuresOf(folder).size());
    QAction* failures = menu.addAction(tr("Files not indexed (%1)…").arg(failed), this,
                                       [this, folder] { showFailures(folder); });
    failures->setEnabled(failed > 0);
    menu.addSeparator();
    menu.addAction(index_->text(), this, &FoldersPanel::indexRequested)
        ->setEnabled(index_->isEnabled());
    menu.addAction(tr("&Remove from the library"), this,
                   [this, folder] { emit removeRequested(folder); });
    const QRect rect = list_->visualItemRect(item);
    menu.exec(
        list_->viewport()->mapToGlobal(list_->itemAt(position) ? position : rect.bottomLeft()));
}

QStringList FoldersPanel::folders() const {
    QStringList out;
    for (int row = 0; row < list_->count(); ++row) {
        out << list_->item(row)->data(Qt::UserRole).toString();
    }
    return out;
}

void FoldersPanel::setIndexingEnabled(bool enabled) {
    index_->setEnabled(enabled);
}

}  // namespace abc::ui
