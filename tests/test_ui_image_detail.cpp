// Changing the image detail in Settings makes new vectors necessary; until they exist the
// window keeps answering searches from the vectors the library has (the loaded weights are the
// same), says why in a notice with the photos left and the time it takes, offers to index
// again, and switches to the new vectors once they exist. Real tiny ABC checkpoint, real
// SQLite library, real widgets; the choice survives a restart.
#include <QDir>
#include <QLabel>
#include <QTemporaryDir>
#include <QTest>

#include "core/library/library_store.h"
#include "core/library/photo_embedder.h"
#include "support/photo_files.h"
#include "support/ui_test_setup.h"
#include "support/ui_window.h"
#include "ui/engine_session.h"
#include "ui/main_window.h"

using abc::test::findNamed;
using abc::ui::AppSettings;
using abc::ui::EngineSession;
using abc::ui::MainWindow;

namespace {

constexpr int kPhotos = 3;
constexpr int kFirstDetail = 64;
constexpr int kNewDetail = 128;

std::int64_t vectorsOf(const EngineSession& session) {
    const auto model = session.store->findModel(session.embedder->fingerprint());
    return model ? session.store->vectorCount(*model, "") : 0;
}

}  // namespace

class TestUiImageDetail : public QObject {
    Q_OBJECT

    QTemporaryDir work_;
    QString photos_;

  private slots:
    void initTestCase() {
        abc::test::useOwnApplicationSettings(QStringLiteral("abc-photos-image-detail-test"));
        QVERIFY(work_.isValid());
        photos_ = QDir(work_.filePath(QStringLiteral("photos"))).absolutePath();
        for (int i = 0; i < kPhotos; ++i)
            abc::test::writeImage(QStringLiteral("%1/photo_%2.png").arg(photos_).arg(i), i + 1);
    }

    void searchesKeepTheVectorsUntilTheNewOnesExist() {
        const AppSettings first =
            abc::test::tinySettings(work_.filePath("library.sqlite3"), kFirstDetail);
        first.save();
        const auto library = EngineSession::openLibrary(first);
        const auto session = EngineSession::loadModel(*library, first);
        MainWindow window;
        QVERIFY(abc::test::showWindow(window, session));
        QVERIFY(abc::test::addAndIndex(window, photos_));
        QCOMPARE(abc::test::searchFromBar(window, QStringLiteral("a photo")), kPhotos);
        auto* notice = findNamed<QLabel>(window, QStringLiteral("imageDetailNotice"));
        QVERIFY(!notice->isVisible());

        AppSettings more = window.settings();
        more.imageTokens = kNewDetail;
        window.applySettings(more);

        // The same weights at the new detail: nothing of it is indexed yet.
        QVERIFY(window.session() != session);
        QVERIFY(window.session()->embedder->fingerprint() != session->embedder->fingerprint());
        QCOMPARE(vectorsOf(*window.session()), std::int64_t{0});
        // Searches still find every photo, and the window says why and what it takes.
        QVERIFY(notice->isVisible());
        const QString text = notice->text();
        QVERIFY2(text.contains(QStringLiteral("%1 tokens").arg(kNewDetail)), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("%1 tokens").arg(kFirstDetail)), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("until %1 photos are indexed").arg(kPhotos)),
                 qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("about ")), qPrintable(text));
        // The tiny model indexes three photos in well under a second: never "about 0 s".
        QVERIFY2(!text.contains(QStringLiteral("about 0 s")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("href=\"reindex\"")), qPrintable(text));
        QCOMPARE(abc::test::searchFromBar(window, QStringLiteral("a photo")), kPhotos);
        QVERIFY(abc::test::saveScreenshots(window, QStringLiteral("image_detail_changed")));

        // A restart with the new detail keeps searching the earlier vectors, and says so.
        {
            const AppSettings saved = AppSettings::load();
            QCOMPARE(saved.imageTokens, kNewDetail);
            MainWindow later;
            QVERIFY(abc::test::showWindow(
                later, EngineSession::loadModel(*EngineSession::openLibrary(saved), saved)));
            QVERIFY(findNamed<QLabel>(later, QStringLiteral("imageDetailNotice"))->isVisible());
            QCOMPARE(abc::test::searchFromBar(later, QStringLiteral("a photo")), kPhotos);
        }

        // "Index again now": the photos get vectors at the new detail, searches use them.
        QSignalSpy finished(&window, &MainWindow::indexingFinished);
        emit notice->linkActivated(QStringLiteral("reindex"));
        QVERIFY(window.isIndexing());
        QVERIFY(finished.wait(abc::test::kWindowWaitMs));
        QCOMPARE(vectorsOf(*window.session()), std::int64_t{kPhotos});
        QVERIFY(!notice->isVisible());
        QCOMPARE(AppSettings::load().searchedImageTokens, 0);
        QCOMPARE(abc::test::searchFromBar(window, QStringLiteral("a photo")), kPhotos);
    }

    void choosingTheEarlierDetailAgainNeedsNoIndexing() {
        MainWindow window;
        const AppSettings saved = AppSettings::load();
        QVERIFY(abc::test::showWindow(
            window, EngineSession::loadModel(*EngineSession::openLibrary(saved), saved)));
        AppSettings back = window.settings();
        back.imageTokens = kFirstDetail;
        window.applySettings(back);
        // Both details are indexed now: nothing to explain, every photo found.
        QVERIFY(!findNamed<QLabel>(window, QStringLiteral("imageDetailNotice"))->isVisible());
        QCOMPARE(abc::test::searchFromBar(window, QStringLiteral("a photo")), kPhotos);
    }
};

QTEST_MAIN(TestUiImageDetail)
#include "test_ui_image_detail.moc"
