#include "ui/main_window.h"

#include <QApplication>
#include <QDockWidget>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QListWidget>
#include <QMenuBar>
#include <QStatusBar>
#include <QVBoxLayout>

#include "core/version.h"

namespace abc::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle(QStringLiteral("ABC Photos"));
    setObjectName(QStringLiteral("mainWindow"));

    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);

    auto* queryRow = new QHBoxLayout;
    searchBar_ = new QLineEdit(central);
    searchBar_->setObjectName(QStringLiteral("searchBar"));
    searchBar_->setPlaceholderText(tr("Describe a photo: \"a dog on the beach\""));
    searchBar_->setAccessibleName(tr("Search query"));
    searchBar_->setClearButtonEnabled(true);
    instructionBar_ = new QLineEdit(central);
    instructionBar_->setObjectName(QStringLiteral("instructionBar"));
    instructionBar_->setPlaceholderText(
        tr("Optional instruction: \"what is the animal on the left?\""));
    instructionBar_->setAccessibleName(tr("Instruction"));
    instructionBar_->setClearButtonEnabled(true);
    queryRow->addWidget(searchBar_, 3);
    queryRow->addWidget(instructionBar_, 2);
    layout->addLayout(queryRow);

    results_ = new QListView(central);
    results_->setObjectName(QStringLiteral("resultsView"));
    results_->setViewMode(QListView::IconMode);
    results_->setResizeMode(QListView::Adjust);
    results_->setUniformItemSizes(true);
    results_->setAccessibleName(tr("Search results"));
    layout->addWidget(results_, 1);
    setCentralWidget(central);

    auto* folders = new QDockWidget(tr("Folders"), this);
    folders->setObjectName(QStringLiteral("foldersDock"));
    auto* folderList = new QListWidget(folders);
    folderList->setAccessibleName(tr("Library folders"));
    folders->setWidget(folderList);
    addDockWidget(Qt::LeftDockWidgetArea, folders);

    statusLabel_ = new QLabel(tr("No folders in the library yet"), this);
    statusBar()->addWidget(statusLabel_, 1);

    buildMenus();
    resize(1100, 720);
}

void MainWindow::buildMenus() {
    auto* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::quit);
    auto* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About ABC Photos"), this, [this] {
        statusLabel_->setText(tr("ABC Photos %1").arg(QString::fromLatin1(kVersion)));
    });
}

}  // namespace abc::ui
