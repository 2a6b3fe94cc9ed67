// What the Photo pane's actions did is said where they were pressed: Copy path says it was
// copied (and the clipboard holds it), Open says the photo was handed to the desktop, and a
// photo moved or deleted since it was indexed makes Open and Show in folder say so rather than
// fail silently. Real SQLite library, real files, real widgets.
#include <QClipboard>
#include <QDesktopServices>
#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QLabel>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include "support/opened_urls.h"
#include "support/ui_test_setup.h"
#include "support/ui_window.h"
#include "ui/detail_pane.h"
#include "ui/main_window.h"
#include "ui/results_model.h"
#include "ui/results_view.h"
#include "ui_photo_library.h"

using abc::test::findNamed;
using abc::test::OpenedUrls;
using abc::ui::DetailPane;
using abc::ui::MainWindow;

class TestUiPhotoActions : public QObject {
    Q_OBJECT

    QTemporaryDir work_;

  private slots:
    void initTestCase() {
        abc::test::useOwnApplicationSettings(QStringLiteral("abc-photos-photo-actions-test"));
        QVERIFY(work_.isValid());
    }

    void eachActionSaysWhatItDid() {
        const auto library = abc::test::makeUiPhotoLibrary(
            QDir(work_.filePath("photos")).absolutePath(), work_.filePath("library.sqlite3"), 4);
        MainWindow window;
        QVERIFY(abc::test::showWindow(window, library.session));
        QCOMPARE(abc::test::searchFromBar(window, QStringLiteral("a photo")), 4);
        auto* pane = findNamed<DetailPane>(window, QStringLiteral("detailPane"));
        QTRY_VERIFY(!pane->path().isEmpty());  // the first result is selected
        const QString path = pane->path();
        QLabel* feedback = pane->actionFeedback();
        QVERIFY(!feedback->isVisible());

        QTest::mouseClick(findNamed<QPushButton>(*pane, "copyPath"), Qt::LeftButton);
        QCOMPARE(QGuiApplication::clipboard()->text(), path);
        QVERIFY(feedback->isVisible());
        QCOMPARE(feedback->text(), QStringLiteral("Copied the path: %1").arg(path));
        QVERIFY(!feedback->property("failed").toBool());
        QVERIFY(abc::test::saveScreenshots(window, QStringLiteral("copy_path_feedback")));

        OpenedUrls desktop;
        QDesktopServices::setUrlHandler(QStringLiteral("file"), &desktop, "open");
        QTest::mouseClick(findNamed<QPushButton>(*pane, "openPhoto"), Qt::LeftButton);
        QCOMPARE(desktop.urls, QList<QUrl>{QUrl::fromLocalFile(path)});
        QVERIFY2(feedback->text().startsWith(QStringLiteral("Opened ")),
                 qPrintable(feedback->text()));

        // The photo went away after it was indexed: both actions say so, nothing is opened.
        QVERIFY(QFile::remove(path));
        QTest::mouseClick(findNamed<QPushButton>(*pane, "openPhoto"), Qt::LeftButton);
        QCOMPARE(desktop.urls.size(), 1);
        QVERIFY(feedback->property("failed").toBool());
        QVERIFY2(feedback->text().contains(QStringLiteral("no longer there")),
                 qPrintable(feedback->text()));
        QVERIFY(feedback->text().contains(path));
        feedback->clear();
        pane->setFileManager([](const QUrl&) { return true; });
        QTest::mouseClick(findNamed<QPushButton>(*pane, "revealPhoto"), Qt::LeftButton);
        QVERIFY2(feedback->text().contains(QStringLiteral("no longer there")),
                 qPrintable(feedback->text()));
        QDesktopServices::unsetUrlHandler(QStringLiteral("file"));

        // Another photo: the message about the last one goes.
        auto* grid = findNamed<abc::ui::ResultsView>(window, QStringLiteral("resultsView"));
        grid->setCurrentIndex(window.resultsModel()->index(1));
        QTRY_VERIFY(pane->path() != path);
        QVERIFY(!feedback->isVisible());
    }
};

QTEST_MAIN(TestUiPhotoActions)
#include "test_ui_photo_actions.moc"
