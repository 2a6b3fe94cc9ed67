// What the window tests do over and over with a real MainWindow: show it on a session, index
// a folder through it, search through the search bar and wait for the painted grid.
#pragma once

#include <QDir>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTest>

#include "tests/support/ui_test_setup.h"
#include "ui/main_window.h"
#include "ui/results_model.h"
#include "ui/thumbnail_provider.h"

namespace abc::test {

inline constexpr int kWindowWaitMs = 60000;

// Shows `window` on `session` and waits until it is on screen.
inline bool showWindow(ui::MainWindow& window, std::shared_ptr<ui::EngineSession> session) {
    window.setSession(std::move(session));
    window.show();
    return QTest::qWaitForWindowExposed(&window);
}

// Adds `folder` to the library through the window and waits for the indexing run to end;
// false if it did not end in time or was cancelled.
inline bool addAndIndex(ui::MainWindow& window, const QString& folder) {
    QSignalSpy finished(&window, &ui::MainWindow::indexingFinished);
    window.addFolder(folder);
    return finished.wait(kWindowWaitMs) && !finished.first().first().toBool();
}

// Indexes the library's folders again through the window (as Index now does).
inline bool indexAgain(ui::MainWindow& window) {
    QSignalSpy finished(&window, &ui::MainWindow::indexingFinished);
    window.startIndexing();
    return finished.wait(kWindowWaitMs) && !finished.first().first().toBool();
}

// Types `text` into the search bar and presses Enter: the number of results the grid painted,
// or -1 when the search failed or did not answer in time.
inline int searchFromBar(ui::MainWindow& window, const QString& text) {
    QSignalSpy shown(&window, &ui::MainWindow::resultsShown);
    QSignalSpy failed(&window, &ui::MainWindow::searchFailed);
    auto* bar = findNamed<QLineEdit>(window, QStringLiteral("searchBar"));
    bar->setText(text);
    QTest::keyClick(bar, Qt::Key_Return);
    for (int waited = 0; waited < kWindowWaitMs && shown.isEmpty() && failed.isEmpty();
         waited += 50) {
        QTest::qWait(50);
    }
    return shown.isEmpty() ? -1 : shown.first().at(1).toInt();
}

// Saves `window` as it looks at 1280x800 and at 1920x1080, once the grid's thumbnails are in,
// to ${ABC_BUILD_DIR}/screenshots/<name>_<size>.png (docs/screenshots picks from there).
inline bool saveScreenshots(ui::MainWindow& window, const QString& name) {
    const QString dir = QStringLiteral(ABC_BUILD_DIR "/screenshots");
    QDir().mkpath(dir);
    auto& thumbnails =
        *findNamed<ui::ThumbnailProvider>(window, QStringLiteral("resultThumbnails"));
    for (const QSize size : {QSize(1280, 800), QSize(1920, 1080)}) {
        window.resize(size);
        QTest::qWait(50);
        for (int waited = 0;
             waited < 10000 && !thumbnailsLoaded(thumbnails, window.resultsModel()->hits());
             waited += 50) {
            QTest::qWait(50);
        }
        QTest::qWait(50);
        const QString file =
            QStringLiteral("%1/%2_%3x%4.png").arg(dir, name).arg(size.width()).arg(size.height());
        if (!window.grab().save(file))
            return false;
    }
    return true;
}

}  // namespace abc::test
