#include "ui/folders_panel.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace abc::ui {

FoldersPanel::FoldersPanel(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("foldersPanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    list_ = new QListWidget(this);
    list_->setObjectName(QStringLiteral("folderList"));
    list_->setAccessibleName(tr("Library folders"));
    list_->setWordWrap(true);
    list_->setUniformItemSizes(false);
    layout->addWidget(list_, 1);

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
            emit addRequested(QDir::cleanPath(folder));
    });
    connect(remove_, &QPushButton::clicked, this, [this] {
        if (auto* item = list_->currentItem())
            emit removeRequested(item->data(Qt::UserRole).toString());
    });
    connect(index_, &QPushButton::clicked, this, &FoldersPanel::indexRequested);
    connect(list_, &QListWidget::currentRowChanged, this,
            [this](int row) { remove_->setEnabled(row >= 0); });
}

void FoldersPanel::setStates(const FolderStates& states) {
    const QString current =
        list_->currentItem() ? list_->currentItem()->data(Qt::UserRole).toString() : QString();
    list_->clear();
    for (const FolderState& state : states) {
        QString detail;
        if (state.files == 0) {
            detail = tr("not indexed yet");
        } else if (state.indexed >= state.files) {
            detail = tr("%n photo(s), all indexed", nullptr, state.files);
        } else {
            detail = tr("%1 of %n photo(s) indexed", nullptr, state.files).arg(state.indexed);
        }
        if (state.failed > 0)
            detail += tr(", %n could not be read", nullptr, state.failed);
        auto* item = new QListWidgetItem(
            QFileInfo(state.folder).fileName() + QLatin1Char('\n') + detail, list_);
        item->setData(Qt::UserRole, state.folder);
        item->setToolTip(state.folder);
        item->setData(Qt::AccessibleTextRole, state.folder + QStringLiteral(": ") + detail);
        if (state.folder == current)
            list_->setCurrentItem(item);
    }
    remove_->setEnabled(list_->currentItem() != nullptr);
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
