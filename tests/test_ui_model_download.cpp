// The first-run page's model download and Settings' model section with real widgets under
// the offscreen platform, against the fake hub (tests/support/fake_hub_server.py) on
// 127.0.0.1 serving the tiny checkpoint under the real repository ids, the cache in a
// temporary HF_HUB_CACHE: progress, pause and resume, cancel, an application restart that
// resumes the partial files, a 401 said in words, the finished download going on to the
// library with the model loaded from the cache, and Verify reporting ok, then a damaged blob.
// Screenshots at 1280x800 go to ${ABC_BUILD_DIR}/screenshots for the documentation.
#include <QDir>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <fstream>
#include <memory>

#include "core/hub/hub_cache_layout.h"
#include "core/hub/model_download.h"
#include "core/io/byte_size.h"
#include "core/model/device.h"
#include "tests/support/fake_hub_process.h"
#include "tests/support/ui_test_setup.h"
#include "ui/engine_session.h"
#include "ui/first_run_page.h"
#include "ui/folders_panel.h"
#include "ui/main_window.h"
#include "ui/model_cache_panel.h"
#include "ui/model_download_panel.h"
#include "ui/model_download_worker.h"
#include "ui/settings_dialog.h"

namespace fs = std::filesystem;
using abc::ui::AppSettings;
using abc::ui::FirstRunPage;
using fake_hub::FakeHub;

namespace {

QString screenshot(const QString& name) {
    const QString dir = QStringLiteral(ABC_BUILD_DIR "/screenshots");
    QDir().mkpath(dir);
    return dir + "/" + name;
}

template <typename T>
T* child(const QObject& parent, const char* name) {
    return abc::test::findNamed<T>(parent, QString::fromLatin1(name));
}

QString textOf(const QObject& parent, const char* name) {
    return child<QLabel>(parent, name)->text();
}

// Every blob file under the cache, partial ones included.
std::uint64_t bytesUnder(const fs::path& folder, const std::string& extension = {}) {
    std::uint64_t bytes = 0;
    std::error_code ec;
    for (const auto& entry : fs::recursive_directory_iterator(folder, ec)) {
        if (entry.is_regular_file(ec) && !entry.is_symlink(ec) &&
            (extension.empty() || entry.path().extension() == extension))
            bytes += entry.file_size(ec);
    }
    return bytes;
}

}  // namespace

class TestUiModelDownload : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString cache_;
    QString log_;
    int round_ = 0;

    void pointAt(const FakeHub& hub) { qputenv("HF_ENDPOINT", hub.endpoint().c_str()); }

    // The page as a person meets it: the settings name the default hub ids, none is cached.
    std::unique_ptr<FirstRunPage> openPage() {
        auto page = std::make_unique<FirstRunPage>(AppSettings{});
        page->resize(1280, 800);
        page->show();
        if (!QTest::qWaitForWindowExposed(page.get()))
            qFatal("the first-run page was not shown");
        return page;
    }

    static abc::ui::ModelDownloadWorker& workerOf(const FirstRunPage& page) {
        return *page.downloadPanel()->findChild<abc::ui::ModelDownloadWorker*>();
    }

  private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(dir_.isValid());
        qputenv("HF_HOME", dir_.filePath("hf-home").toUtf8());  // no token of the developer's
        qunsetenv("HF_TOKEN");
        qunsetenv("HF_TOKEN_PATH");
        qunsetenv("HF_HUB_OFFLINE");
    }

    void init() {
        ++round_;
        cache_ = dir_.filePath(QStringLiteral("cache-%1").arg(round_));
        log_ = dir_.filePath(QStringLiteral("hub-%1.log").arg(round_));
        qputenv("HF_HUB_CACHE", cache_.toUtf8());
        QSettings().clear();
    }

    void progressPauseResumeAndCancel() {
        FakeHub hub(log_, {"--rate", "1000000"});  // 1 MB/s per file: seconds for 55 MB
        pointAt(hub);
        auto page = openPage();
        auto* download = child<QPushButton>(*page, "downloadButton");
        QVERIFY(download->isVisible() && download->isEnabled());
        QCOMPARE(download->text(), QStringLiteral("&Download the model (about 16.6 GB)"));
        QCOMPARE(page->continueButton()->text(), QStringLiteral("&Use folders I have"));
        auto* bar = child<QProgressBar>(*page, "downloadProgress");
        QVERIFY(!bar->isVisible());

        QSignalSpy progress(&workerOf(*page), &abc::ui::ModelDownloadWorker::progressed);
        QTest::mouseClick(download, Qt::LeftButton);
        QVERIFY(bar->isVisible());
        QVERIFY(!page->continueButton()->isEnabled());
        QVERIFY(!download->isVisible());
        // Bytes of the real total, a rate and an ETA.
        QTRY_VERIFY_WITH_TIMEOUT(
            bar->value() > 150 && textOf(*page, "downloadStatus").contains("/s"), 20000);
        const QString status = textOf(*page, "downloadStatus");
        QVERIFY2(status.contains(" of 55.") && status.contains("left") && status.contains("files"),
                 qPrintable(status));
        QVERIFY(page->grab().save(screenshot("model_download_progress.png")));

        auto* pause = child<QPushButton>(*page, "downloadPause");
        QCOMPARE(pause->text(), QStringLiteral("&Pause"));
        QTest::mouseClick(pause, Qt::LeftButton);
        QCOMPARE(pause->text(), QStringLiteral("&Resume"));
        QTRY_VERIFY_WITH_TIMEOUT(textOf(*page, "downloadStatus").startsWith("Paused at"), 5000);
        // While paused the byte count holds: five reports in a row with the same bytes.
        progress.clear();
        QTRY_VERIFY_WITH_TIMEOUT(progress.count() >= 6, 5000);
        const auto held = progress.at(1).at(0).value<abc::DownloadProgress>().doneBytes;
        for (int i = 1; i < progress.count(); ++i) {
            const auto report = progress.at(i).at(0).value<abc::DownloadProgress>();
            QVERIFY(report.paused);
            QCOMPARE(report.doneBytes, held);
        }
        QTest::mouseClick(pause, Qt::LeftButton);
        QCOMPARE(pause->text(), QStringLiteral("&Pause"));
        QTRY_VERIFY_WITH_TIMEOUT(
            !progress.isEmpty() &&
                progress.last().at(0).value<abc::DownloadProgress>().doneBytes > held,
            10000);

        QSignalSpy cancelled(&workerOf(*page), &abc::ui::ModelDownloadWorker::cancelled);
        QTest::mouseClick(child<QPushButton>(*page, "downloadCancel"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(cancelled.count(), 1, 10000);
        QTRY_VERIFY(textOf(*page, "downloadStatus").startsWith("Cancelled"));
        QVERIFY(download->isVisible());
        QVERIFY2(download->text().startsWith("&Resume download ("), qPrintable(download->text()));
        QVERIFY(bytesUnder(cache_.toStdString(), ".incomplete") > 0);  // the partial files stay
        QVERIFY(!page->isReady());
    }

    // The application closed mid-download: the next one says "Resume download" and asks the
    // hub only for the bytes it lacks.
    void restartResumesThePartialFiles() {
        {
            FakeHub hub(log_, {"--rate", "1000000"});
            pointAt(hub);
            auto page = openPage();
            QSignalSpy progress(&workerOf(*page), &abc::ui::ModelDownloadWorker::progressed);
            QTest::mouseClick(child<QPushButton>(*page, "downloadButton"), Qt::LeftButton);
            QTRY_VERIFY_WITH_TIMEOUT(
                !progress.isEmpty() &&
                    progress.last().at(0).value<abc::DownloadProgress>().doneBytes > 4'000'000,
                20000);
        }  // the page and its worker destroyed as when the window closes
        QVERIFY(bytesUnder(cache_.toStdString(), ".incomplete") > 0);

        const QString secondLog = log_ + ".2";
        FakeHub hub(secondLog);
        pointAt(hub);
        auto page = openPage();
        auto* download = child<QPushButton>(*page, "downloadButton");
        QVERIFY2(download->text().startsWith("&Resume download (") &&
                     download->text().contains(" of 55."),
                 qPrintable(download->text()));
        QSignalSpy downloaded(page->downloadPanel(), &abc::ui::ModelDownloadPanel::downloaded);
        QSignalSpy chosen(page.get(), &FirstRunPage::modelsChosen);
        QTest::mouseClick(download, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(downloaded.count(), 1, 30000);
        QCOMPARE(chosen.count(), 1);
        QVERIFY(page->isReady());
        QCOMPARE(page->settings().baseModel, QString::fromStdString(fake_hub::kBase));
        bool resumed = false;
        for (const auto& request : fake_hub::requests(secondLog)) {
            resumed = resumed || (request.method == "GET" && request.range.startsWith("bytes=") &&
                                  !request.range.startsWith("bytes=0-") && request.status == 206);
        }
        QVERIFY(resumed);
        QVERIFY(textOf(*page, "downloadStatus").startsWith("Downloaded: "));
        QVERIFY(page->grab().save(screenshot("model_download_finished.png")));
    }

    void unauthorisedIsSaidInWords() {
        FakeHub hub(log_, {"--require-token", "secret"});
        pointAt(hub);
        auto page = openPage();
        QSignalSpy failed(&workerOf(*page), &abc::ui::ModelDownloadWorker::failed);
        QTest::mouseClick(child<QPushButton>(*page, "downloadButton"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 20000);
        QCOMPARE(failed.at(0).at(0).value<abc::ui::ModelDownloadWorker::Failure>(),
                 abc::ui::ModelDownloadWorker::Failure::NotAuthorised);
        auto* error = child<QLabel>(*page, "downloadError");
        QTRY_VERIFY(error->isVisible());
        QVERIFY2(error->text().contains("refused access (401)") &&
                     error->text().contains("HF_TOKEN") &&
                     error->text().contains("huggingface-cli login"),
                 qPrintable(error->text()));
        QVERIFY(child<QPushButton>(*page, "downloadButton")->isVisible());
        QVERIFY(page->grab().save(screenshot("model_download_error.png")));
    }

    void checksumMismatchIsSaidInWords() {
        FakeHub hub(log_, {"--corrupt", "model-00001-of-00002.safetensors"});
        pointAt(hub);
        auto page = openPage();
        QSignalSpy failed(&workerOf(*page), &abc::ui::ModelDownloadWorker::failed);
        QTest::mouseClick(child<QPushButton>(*page, "downloadButton"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 20000);
        QCOMPARE(failed.at(0).at(0).value<abc::ui::ModelDownloadWorker::Failure>(),
                 abc::ui::ModelDownloadWorker::Failure::ChecksumMismatch);
        const QString error = textOf(*page, "downloadError");
        QVERIFY2(error.contains("checksum mismatch") &&
                     error.contains("model-00001-of-00002.safetensors"),
                 qPrintable(error));
        QVERIFY(!page->isReady());
    }

    // More free space asked for than any disk has: refused before a weight is fetched.
    void diskFullIsSaidInWords() {
        FakeHub hub(log_);
        pointAt(hub);
        auto page = openPage();
        abc::ModelDownloadRequest options;
        options.freeSpaceMargin = 1ull << 62;
        page->downloadPanel()->setDownloadOptions(options);
        QSignalSpy failed(&workerOf(*page), &abc::ui::ModelDownloadWorker::failed);
        QTest::mouseClick(child<QPushButton>(*page, "downloadButton"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 20000);
        QCOMPARE(failed.at(0).at(0).value<abc::ui::ModelDownloadWorker::Failure>(),
                 abc::ui::ModelDownloadWorker::Failure::DiskFull);
        const QString error = textOf(*page, "downloadError");
        QVERIFY2(error.contains("Not enough free disk space") && error.contains("is free"),
                 qPrintable(error));
        for (const auto& request : fake_hub::requests(log_))
            QVERIFY2(!request.path.endsWith(".safetensors") || request.method == "HEAD",
                     qPrintable(request.path));
    }

    void offlineIsSaidInWords() {
        FakeHub hub(log_);
        pointAt(hub);
        qputenv("HF_HUB_OFFLINE", "1");
        auto page = openPage();
        QSignalSpy failed(&workerOf(*page), &abc::ui::ModelDownloadWorker::failed);
        QTest::mouseClick(child<QPushButton>(*page, "downloadButton"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 20000);
        qunsetenv("HF_HUB_OFFLINE");
        QCOMPARE(failed.at(0).at(0).value<abc::ui::ModelDownloadWorker::Failure>(),
                 abc::ui::ModelDownloadWorker::Failure::Offline);
        QVERIFY(textOf(*page, "downloadError").contains("cannot be reached"));
        QVERIFY(fake_hub::requests(log_).isEmpty());  // nothing was asked
    }

    // From the window's first start: the download, then the library (folders) with the model
    // loaded from the cache, and the settings pointing at the hub ids.
    void finishedDownloadGoesOnToTheLibrary() {
        FakeHub hub(log_);
        pointAt(hub);
        AppSettings settings;
        settings.device = QStringLiteral("cpu");
        settings.precision = QStringLiteral("float32");
        settings.imageTokens = 256;
        settings.libraryFile = dir_.filePath(QStringLiteral("library.sqlite3"));
        settings.save();
        abc::ui::MainWindow window;
        window.resize(1280, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.start();
        QVERIFY(window.isShowingFirstRun());
        QTest::mouseClick(child<QPushButton>(*window.firstRunPage(), "downloadButton"),
                          Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!window.isShowingFirstRun(), 30000);
        QVERIFY(child<abc::ui::FoldersPanel>(window, "foldersPanel")->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(window.session() && window.session()->hasModel(), 30000);
        QCOMPARE(AppSettings::load().baseModel, QString::fromStdString(fake_hub::kBase));
        QVERIFY(window.grab().save(screenshot("model_download_first_run_done.png")));
    }

    void settingsShowTheRevisionSizeAndVerify() {
        FakeHub hub(log_);
        pointAt(hub);
        abc::DownloadControl control;
        abc::ModelDownloadRequest request;
        request.repos = {{fake_hub::kBase, abc::HubRepoKind::BaseModel, "main"},
                         {fake_hub::kPretrain, abc::HubRepoKind::Adapter, "main"},
                         {fake_hub::kInstruct, abc::HubRepoKind::Adapter, "main"}};
        request.cacheRoot = cache_.toStdString();
        const auto results = abc::downloadModel(request, control);
        std::uint64_t total = 0;
        for (const auto& result : results)
            total += result.bytesOnDisk;

        abc::ui::SettingsDialog dialog(AppSettings{}, abc::runtimeInfo());
        dialog.resize(1280, 800);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        const QString base = textOf(dialog, "modelCacheRepo0");
        QVERIFY2(
            base.contains(QString::fromStdString("main at commit " + results[0].commit)) &&
                base.contains(QString::fromStdString(abc::byteSizeText(results[0].bytesOnDisk))),
            qPrintable(base));
        QVERIFY(
            textOf(dialog, "modelCacheRepo2").contains(QString::fromStdString(results[2].commit)));
        QVERIFY(textOf(dialog, "modelCacheSize")
                    .startsWith(QString::fromStdString(abc::byteSizeText(total) + " in ")));

        auto* panel = child<abc::ui::ModelCachePanel>(dialog, "modelCachePanel");
        QSignalSpy verified(panel, &abc::ui::ModelCachePanel::verified);
        QTest::mouseClick(child<QPushButton>(dialog, "modelVerifyButton"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(verified.count(), 1, 20000);
        QCOMPARE(verified.at(0).at(0).toBool(), true);
        QVERIFY2(textOf(dialog, "modelVerifyResult").startsWith("Ok: "),
                 qPrintable(textOf(dialog, "modelVerifyResult")));
        QVERIFY(dialog.grab().save(screenshot("settings_model.png")));

        // One byte of a shard flipped in its blob: Verify names it.
        const fs::path shard =
            fs::canonical(results[0].snapshot / "model-00001-of-00002.safetensors");
        {
            std::fstream blob(shard, std::ios::in | std::ios::out | std::ios::binary);
            blob.seekg(5000);
            char byte = 0;
            blob.read(&byte, 1);
            blob.seekp(5000);
            byte = static_cast<char>(byte ^ 0x5a);
            blob.write(&byte, 1);
        }
        QTest::mouseClick(child<QPushButton>(dialog, "modelVerifyButton"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(verified.count(), 2, 20000);
        QCOMPARE(verified.at(1).at(0).toBool(), false);
        const QString damaged = textOf(dialog, "modelVerifyResult");
        QVERIFY2(damaged.startsWith("Not ok: ") &&
                     damaged.contains("model-00001-of-00002.safetensors is damaged"),
                 qPrintable(damaged));
    }
};

QTEST_MAIN(TestUiModelDownload)
#include "test_ui_model_download.moc"
