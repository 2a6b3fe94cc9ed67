// The detail pane's four actions on real widgets under the offscreen platform, with a real
// SQLite library indexed by the tiny ABC checkpoint: "find similar" refills the grid with the
// photo and its near twin first; "open" asks the desktop for the file's URL; "show in folder"
// calls org.freedesktop.FileManager1.ShowItems on a private session bus (a stand-in file
// manager answers there) and opens the folder when nobody answers; "copy path" fills the
// clipboard. Nothing here reaches the real desktop: the session bus is a private dbus-daemon
// and file URLs go to a handler the test installs.
#include <QClipboard>
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDesktopServices>
#include <QDir>
#include <QFileInfo>
#include <QGuiApplication>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QMutex>
#include <QProcess>
#include <QPushButton>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QUrl>

#include "core/library/library_store.h"
#include "support/ui_test_setup.h"
#include "ui/detail_pane.h"
#include "ui/engine_session.h"
#include "ui/main_window.h"
#include "ui/results_model.h"
#include "ui/results_view.h"

using abc::test::findNamed;
using abc::test::tinySettings;
using abc::ui::AppSettings;
using abc::ui::DetailPane;
using abc::ui::EngineSession;
using abc::ui::MainWindow;

namespace {

const QString kReference = QStringLiteral(ABC_REFERENCE_DIR);
const QStringList kPhotos = {"dog_and_cat.jpg", "gradient_640x480.png", "gray_500x500.png",
                             "rounding_462x350.png", "tiny_40x30.jpg"};
const QString kFileManagerService = QStringLiteral("org.freedesktop.FileManager1");
const QString kFileManagerPath = QStringLiteral("/org/freedesktop/FileManager1");

}  // namespace

// Receives what the desktop would: URLs given to QDesktopServices::openUrl.
class UrlRecorder : public QObject {
    Q_OBJECT

  public:
    QList<QUrl> opened;

  public slots:
    void open(const QUrl& url) { opened << url; }
};

// A file manager on the private session bus, on its own thread because the pane's D-Bus call
// blocks the GUI thread until the answer comes.
class StandInFileManager : public QObject {
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.FileManager1")

  public:
    QList<QStringList> calls() const {
        QMutexLocker lock(&mutex_);
        return calls_;
    }
    QStringList startupIds() const {
        QMutexLocker lock(&mutex_);
        return startupIds_;
    }

  public slots:
    void ShowItems(const QStringList& uris, const QString& startupId) {
        QMutexLocker lock(&mutex_);
        calls_ << uris;
        startupIds_ << startupId;
    }

  private:
    mutable QMutex mutex_;
    QList<QStringList> calls_;
    QStringList startupIds_;
};

class TestUiDetailPane : public QObject {
    Q_OBJECT

    QTemporaryDir work_;
    QString photos_;
    QString twin_;
    std::shared_ptr<EngineSession> session_;
    QProcess bus_;
    QString busAddress_;
    QThread fileManagerThread_;
    StandInFileManager* fileManager_ = nullptr;

    // A window showing every photo, with `path` current, so the pane holds it.
    void showPhoto(MainWindow& window, const QString& path) {
        QSignalSpy shown(&window, &MainWindow::resultsShown);
        findNamed<QLineEdit>(window, "searchBar")->setText(QStringLiteral("a photo"));
        window.runSearch();
        QVERIFY(shown.wait(30000));
        const auto hits = window.resultsModel()->hits();
        for (int row = 0; row < hits.size(); ++row) {
            if (hits[row].path == path)
                findNamed<abc::ui::ResultsView>(window, "resultsView")
                    ->setCurrentIndex(window.resultsModel()->index(row));
        }
        QCOMPARE(findNamed<abc::ui::DetailPane>(window, "detailPane")->path(), path);
    }

    QPushButton* action(MainWindow& window, const char* name) {
        return findNamed<abc::ui::DetailPane>(window, "detailPane")
            ->findChild<QPushButton*>(QString::fromLatin1(name));
    }

  private slots:
    void initTestCase() {
        abc::test::useOwnApplicationSettings(QStringLiteral("abc-photos-detail-test"));
        QVERIFY(work_.isValid());

        // A private session bus with no service files, so no real file manager is reachable
        // or started; set before the first D-Bus use in this process.
        const QString config = work_.filePath(QStringLiteral("bus.conf"));
        QFile conf(config);
        QVERIFY(conf.open(QIODevice::WriteOnly));
        conf.write(QStringLiteral("<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus "
                                  "Configuration 1.0//EN\" "
                                  "\"http://www.freedesktop.org/standards/dbus/1.0/"
                                  "busconfig.dtd\">\n<busconfig><type>session</type>"
                                  "<listen>unix:path=%1</listen>"
                                  "<policy context=\"default\">"
                                  "<allow send_destination=\"*\" eavesdrop=\"true\"/>"
                                  "<allow eavesdrop=\"true\"/><allow own=\"*\"/>"
                                  "</policy></busconfig>\n")
                       .arg(work_.filePath(QStringLiteral("bus")))
                       .toUtf8());
        conf.close();
        const QString daemon = QStandardPaths::findExecutable(QStringLiteral("dbus-daemon"));
        if (daemon.isEmpty()) {
            // No bus at all (not the desktop's either): "show in folder" must fall back.
            qWarning("dbus-daemon not found: the FileManager1 call is not tested");
            qputenv("DBUS_SESSION_BUS_ADDRESS",
                    QStringLiteral("unix:path=%1").arg(work_.filePath("no-bus")).toUtf8());
        } else {
            bus_.start(daemon, {QStringLiteral("--config-file=") + config,
                                QStringLiteral("--nofork"), QStringLiteral("--print-address=1")});
            QVERIFY(bus_.waitForStarted(10000));
            while (!bus_.canReadLine() && bus_.waitForReadyRead(10000)) {
            }
            busAddress_ = QString::fromUtf8(bus_.readLine()).trimmed();
            QVERIFY2(busAddress_.startsWith("unix:"), qPrintable(busAddress_));
            qputenv("DBUS_SESSION_BUS_ADDRESS", busAddress_.toUtf8());
            QVERIFY(QDBusConnection::sessionBus().isConnected());
        }

        // Photos: a few reference images and a near twin of the first (same pixels as Qt
        // decodes them, stored as PNG: another file and content hash, nearly the same vector).
        photos_ = work_.filePath(QStringLiteral("photos"));
        QVERIFY(QDir().mkpath(photos_));
        for (const QString& name : kPhotos)
            QVERIFY(QFile::copy(kReference + "/images/" + name, photos_ + "/" + name));
        twin_ = photos_ + "/dog_and_cat_twin.png";
        QVERIFY(QImage(photos_ + "/dog_and_cat.jpg").save(twin_));

        const AppSettings settings = tinySettings(work_.filePath(QStringLiteral("library.db")));
        const auto library = EngineSession::openLibrary(settings);
        session_ = EngineSession::loadModel(*library, settings);
        QVERIFY(session_->hasModel());
        MainWindow window;
        window.setSession(session_);
        QSignalSpy indexed(&window, &MainWindow::indexingFinished);
        window.addFolder(photos_);
        QVERIFY(indexed.wait(120000));
        QCOMPARE(indexed.first().first().toBool(), false);
        QCOMPARE(session_->store->photoCount(), static_cast<std::int64_t>(kPhotos.size() + 1));
    }

    void actionsNeedASelectedPhoto() {
        DetailPane pane;
        for (const char* name : {"findSimilar", "openPhoto", "revealPhoto", "copyPath"}) {
            auto* button = pane.findChild<QPushButton*>(QString::fromLatin1(name));
            QVERIFY2(button, name);
            QVERIFY2(!button->isEnabled(), name);
        }
        pane.showHit({photos_ + "/tiny_40x30.jpg", 0.5f});
        for (auto* button : pane.findChildren<QPushButton*>())
            QVERIFY(button->isEnabled());
        pane.clear();
        QVERIFY(pane.path().isEmpty());
        for (auto* button : pane.findChildren<QPushButton*>())
            QVERIFY(!button->isEnabled());
    }

    void previewFitsThePaneWithoutWideningIt() {
        DetailPane pane;
        pane.resize(320, 600);
        pane.show();
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        const int narrowest = pane.minimumSizeHint().width();
        pane.showHit({kReference + "/images/panorama_2000x300.png", 0.5f});
        auto* preview = pane.findChild<QLabel*>(QStringLiteral("detailPreview"));
        QTRY_VERIFY(!preview->pixmap().isNull());
        const auto fits = [&] {
            const QSize shown = preview->pixmap().size();
            QVERIFY2(shown.width() <= preview->contentsRect().width(),
                     qPrintable(QStringLiteral("%1 in %2")
                                    .arg(shown.width())
                                    .arg(preview->contentsRect().width())));
            QVERIFY(std::abs(double(shown.width()) / shown.height() - 2000.0 / 300.0) < 0.1);
        };
        fits();
        // The photo does not ask for more room than the pane had before it.
        QCOMPARE(pane.minimumSizeHint().width(), narrowest);
        QVERIFY(pane.sizeHint().width() < 520);  // the preview is decoded 520 pixels wide
        const int before = preview->pixmap().width();
        pane.resize(460, 600);
        QTRY_VERIFY(preview->pixmap().width() > before);
        fits();
        // A small photo is not enlarged.
        pane.showHit({kReference + "/images/tiny_40x30.jpg", 0.5f});
        QTRY_COMPARE(preview->pixmap().size(), QSize(40, 30));
    }

    void findSimilarPutsThePhotoAndItsTwinFirst() {
        MainWindow window;
        window.setSession(session_);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QString chosen = photos_ + "/dog_and_cat.jpg";
        showPhoto(window, chosen);
        QSignalSpy shown(&window, &MainWindow::resultsShown);
        QTest::mouseClick(action(window, "findSimilar"), Qt::LeftButton);
        QVERIFY(shown.wait(30000));
        const auto hits = window.resultsModel()->hits();
        QCOMPARE(hits.size(), kPhotos.size() + 1);
        QCOMPARE(hits[0].path, chosen);
        QVERIFY2(hits[0].score > 0.999f, qPrintable(QString::number(hits[0].score)));
        QCOMPARE(hits[1].path, twin_);
        QVERIFY2(hits[1].score > 0.98f, qPrintable(QString::number(hits[1].score)));
        QSet<QString> seen;
        for (int i = 0; i < hits.size(); ++i) {
            QVERIFY2(QFileInfo(hits[i].path).isFile(), qPrintable(hits[i].path));
            QCOMPARE(QFileInfo(hits[i].path).absolutePath(), photos_);
            QVERIFY(!seen.contains(hits[i].path));
            seen.insert(hits[i].path);
            if (i > 0)
                QVERIFY(hits[i - 1].score >= hits[i].score);
            if (i > 1)
                QVERIFY2(hits[i].score < hits[1].score, "the twin is nearer than other photos");
        }
        // The grid shows them and the pane follows its new first tile.
        QCOMPARE(findNamed<abc::ui::ResultsView>(window, "resultsView")->currentIndex().row(), 0);
        QCOMPARE(findNamed<abc::ui::DetailPane>(window, "detailPane")->path(), chosen);
    }

    void openAsksTheDesktopForTheFile() {
        MainWindow window;
        window.setSession(session_);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QString chosen = photos_ + "/gradient_640x480.png";
        showPhoto(window, chosen);
        UrlRecorder recorder;
        QDesktopServices::setUrlHandler(QStringLiteral("file"), &recorder, "open");
        QTest::mouseClick(action(window, "openPhoto"), Qt::LeftButton);
        QDesktopServices::unsetUrlHandler(QStringLiteral("file"));
        QCOMPARE(recorder.opened.size(), 1);
        QCOMPARE(recorder.opened.first(), QUrl::fromLocalFile(chosen));
        QCOMPARE(recorder.opened.first().toLocalFile(), chosen);
    }

    void revealAsksTheFileManagerToSelectTheFile() {
        if (busAddress_.isEmpty())
            QSKIP("dbus-daemon is not installed, so there is no private bus to answer on");
        // The stand-in file manager owns the freedesktop name on the private bus.
        QDBusConnection service =
            QDBusConnection::connectToBus(busAddress_, QStringLiteral("stand-in-file-manager"));
        QVERIFY(service.isConnected());
        fileManager_ = new StandInFileManager;
        fileManager_->moveToThread(&fileManagerThread_);
        fileManagerThread_.start();
        QVERIFY(service.registerObject(kFileManagerPath, fileManager_,
                                       QDBusConnection::ExportAllSlots));
        QVERIFY(service.registerService(kFileManagerService));
        QTRY_VERIFY(
            QDBusConnection::sessionBus().interface()->isServiceRegistered(kFileManagerService));

        MainWindow window;
        window.setSession(session_);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QString chosen = photos_ + "/gray_500x500.png";
        showPhoto(window, chosen);
        UrlRecorder recorder;
        QDesktopServices::setUrlHandler(QStringLiteral("file"), &recorder, "open");
        QTest::mouseClick(action(window, "revealPhoto"), Qt::LeftButton);
        QDesktopServices::unsetUrlHandler(QStringLiteral("file"));

        const auto calls = fileManager_->calls();
        QCOMPARE(calls.size(), 1);
        QCOMPARE(calls.first(), QStringList{QUrl::fromLocalFile(chosen).toString()});
        QCOMPARE(fileManager_->startupIds(), QStringList{QString()});
        QVERIFY2(recorder.opened.isEmpty(), "the folder is opened only without a file manager");

        QVERIFY(service.unregisterService(kFileManagerService));
        service.unregisterObject(kFileManagerPath);
        QDBusConnection::disconnectFromBus(QStringLiteral("stand-in-file-manager"));
        fileManagerThread_.quit();
        fileManagerThread_.wait();
        delete fileManager_;
        fileManager_ = nullptr;
    }

    void revealOpensTheFolderWhenNoFileManagerAnswers() {
        if (QDBusConnection::sessionBus().isConnected()) {
            QVERIFY(!QDBusConnection::sessionBus().interface()->isServiceRegistered(
                kFileManagerService));
        }
        MainWindow window;
        window.setSession(session_);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QString chosen = photos_ + "/rounding_462x350.png";
        showPhoto(window, chosen);
        UrlRecorder recorder;
        QDesktopServices::setUrlHandler(QStringLiteral("file"), &recorder, "open");
        // The real D-Bus call: the file manager is not on the bus (or there is no bus).
        QTest::mouseClick(action(window, "revealPhoto"), Qt::LeftButton);
        QCOMPARE(recorder.opened, QList<QUrl>{QUrl::fromLocalFile(photos_)});

        // A file manager that refuses is the same as none; one that answers gets the file.
        QList<QUrl> asked;
        bool answers = false;
        findNamed<abc::ui::DetailPane>(window, "detailPane")->setFileManager([&](const QUrl& file) {
            asked << file;
            return answers;
        });
        recorder.opened.clear();
        QTest::mouseClick(action(window, "revealPhoto"), Qt::LeftButton);
        QCOMPARE(asked, QList<QUrl>{QUrl::fromLocalFile(chosen)});
        QCOMPARE(recorder.opened, QList<QUrl>{QUrl::fromLocalFile(photos_)});
        answers = true;
        recorder.opened.clear();
        QTest::mouseClick(action(window, "revealPhoto"), Qt::LeftButton);
        QCOMPARE(asked.size(), 2);
        QVERIFY(recorder.opened.isEmpty());
        QDesktopServices::unsetUrlHandler(QStringLiteral("file"));
    }

    void copyPathPutsThePathOnTheClipboard() {
        MainWindow window;
        window.setSession(session_);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QString chosen = photos_ + "/tiny_40x30.jpg";
        showPhoto(window, chosen);
        QGuiApplication::clipboard()->setText(QStringLiteral("something else"));
        QTest::mouseClick(action(window, "copyPath"), Qt::LeftButton);
        QCOMPARE(QGuiApplication::clipboard()->text(), chosen);
    }

    void cleanupTestCase() {
        session_.reset();
        if (bus_.state() != QProcess::NotRunning) {
            bus_.terminate();
            bus_.waitForFinished(5000);
        }
    }
};

QTEST_MAIN(TestUiDetailPane)
#include "test_ui_detail_pane.moc"
