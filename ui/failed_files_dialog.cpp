#include "ui/failed_files_dialog.h"

#include <QClipboard>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QGuiApplication>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>

#include "ui/photo_count_text.h"

namespace abc::ui {

FailedFilesDialog::FailedFilesDialog(const QString& folder, const FileFailures& failures,
                                     QWidget* parent)
    : QDialog(parent), failures_(failures) {
    setObjectName(QStringLiteral("failedFilesDialog"));
    setWindowTitle(tr("Files not indexed"));
    setAccessibleName(tr("Files not indexed"));
    auto* layout = new QVBoxLayout(this);
    const int notImages = static_cast<int>(std::count_if(
        failures.begin(), failures.end(), [](const FileFailure& f) { return f.notAnImage; }));
    auto* intro = new QLabel(
        tr("Not indexed in %1: %2. Photos that could not be read may be damaged; files that "
           "are not images are listed so that none goes missing unseen. Each is tried again "
           "by the next indexing run once the file changes.")
            .arg(QDir::toNativeSeparators(folder),
                 notIndexedText(static_cast<int>(failures.size()) - notImages, notImages)),
        this);
    intro->setObjectName(QStringLiteral("failedFilesSummary"));
    intro->setWordWrap(true);
    layout->addWidget(intro);

    table_ = new QTableWidget(static_cast<int>(failures.size()), 2, this);
    table_->setObjectName(QStringLiteral("failedFilesTable"));
    table_->setAccessibleName(tr("Files not indexed, with the reason"));
    table_->setHorizontalHeaderLabels({tr("File"), tr("Why")});
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setWordWrap(false);
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setStretchLastSection(true);
    const QString root = QDir(folder).absolutePath();
    for (int row = 0; row < failures.size(); ++row) {
        const FileFailure& failure = failures.at(row);
        // Relative to the folder: the shared beginning of every path is noise.
        const QString shown = QDir(root).relativeFilePath(failure.path);
        auto* file = new QTableWidgetItem(QDir::toNativeSeparators(shown));
        file->setToolTip(QDir::toNativeSeparators(failure.path));
        file->setData(Qt::UserRole, failure.path);
        auto* reason = new QTableWidgetItem(failure.reason);
        reason->setToolTip(failure.reason);
        table_->setItem(row, 0, file);
        table_->setItem(row, 1, reason);
    }
    table_->resizeColumnToContents(0);
    layout->addWidget(table_, 1);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto* copy = buttons->addButton(tr("&Copy list"), QDialogButtonBox::ActionRole);
    copy->setObjectName(QStringLiteral("copyFailedFiles"));
    copy->setAccessibleName(tr("Copy the list of files and reasons"));
    connect(copy, &QPushButton::clicked, this,
            [this] { QGuiApplication::clipboard()->setText(listText()); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(760, 360);
}

QString FailedFilesDialog::listText() const {
    QStringList lines;
    for (const FileFailure& failure : failures_)
        lines << failure.path + QLatin1Char('\t') + failure.reason;
    return lines.join(QLatin1Char('\n'));
}

}  // namespace abc::ui
