// The model download against a real HTTP server on 127.0.0.1 (tests/support/fake_hub_server.py)
// that answers as the Hugging Face hub does and misbehaves on request: the cache it leaves is
// the one huggingface_hub writes, the resolver uses it with no flags, and a dropped connection,
// a stall, a corrupted file, 401, 500, HF_HUB_OFFLINE and a second process are handled.
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <QJsonDocument>
#include <QJsonObject>

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "core/hub/hub_cache_layout.h"
#include "core/hub/model_cache_status.h"
#include "core/hub/model_download.h"
#include "core/hub/model_resolver.h"
#include "core/hub/sha256.h"
#include "core/io/error.h"
#include "tests/support/fake_hub_process.h"

namespace fs = std::filesystem;

namespace {

using fake_hub::FakeHub;
using fake_hub::kBase;
using fake_hub::kInstruct;
using fake_hub::kPretrain;
using fake_hub::kTiny;
using fake_hub::Request;
using fake_hub::requests;
const char* kShard = "model-00001-of-00002.safetensors";

std::string readAll(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

class TestHubDownload : public QObject {
    Q_OBJECT

  private:
    QTemporaryDir dir_;
    fs::path cache_;
    QString log_;
    int round_ = 0;

    abc::ModelDownloadRequest request(const FakeHub& hub) const {
        abc::ModelDownloadRequest r;
        r.repos = {{kBase, abc::HubRepoKind::BaseModel, "main"},
                   {kPretrain, abc::HubRepoKind::Adapter, "main"},
                   {kInstruct, abc::HubRepoKind::Adapter, "main"}};
        r.cacheRoot = cache_;
        r.client = abc::HubClientOptions{};
        r.client.endpoint = hub.endpoint();
        r.client.stallSeconds = 2;
        r.retryDelay = std::chrono::milliseconds(50);
        return r;
    }

    QProcessEnvironment cliEnvironment(const FakeHub& hub) const {
        return fake_hub::hubEnvironment(hub, QString::fromStdString(cache_.string()),
                                        dir_.filePath("hf-home"));
    }

    struct Run {
        int code = -1;
        QString out;
        QString err;
    };

    static Run cli(const QStringList& args, const QProcessEnvironment& env,
                   int timeoutMs = 120000) {
        QProcess process;
        process.setProcessEnvironment(env);
        process.start(QStringLiteral(ABC_CLI_PATH), args);
        if (!process.waitForFinished(timeoutMs)) {
            process.kill();
            process.waitForFinished();
            return {};
        }
        return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
                QString::fromUtf8(process.readAllStandardOutput()),
                QString::fromUtf8(process.readAllStandardError())};
    }

    std::vector<fs::path> filesUnder(const fs::path& folder) const {
        std::vector<fs::path> files;
        std::error_code ec;
        if (!fs::exists(folder, ec)) {
            return files;
        }
        for (const auto& entry : fs::recursive_directory_iterator(folder)) {
            if (!entry.is_directory()) {
                files.push_back(entry.path());
            }
        }
        return files;
    }

    // Every snapshot file links to a whole, checked blob: nothing half-written is visible.
    void verifySnapshotsAreWhole() const {
        for (const auto& repo : {kBase, kPretrain, kInstruct}) {
            const abc::HubCacheRepo cache(cache_, repo);
            for (const auto& file : filesUnder(cache.folder() / "snapshots")) {
                QVERIFY2(fs::exists(file), file.c_str());
                const auto blob = fs::canonical(file);
                QCOMPARE(blob.parent_path(), fs::canonical(cache.folder() / "blobs"));
                if (abc::isSha256Hex(blob.filename().string())) {
                    QCOMPARE(abc::sha256OfFile(blob), blob.filename().string());
                }
            }
        }
    }

  private slots:
    void init() {
        ++round_;
        cache_ = fs::path(dir_.filePath(QStringLiteral("cache%1").arg(round_)).toStdString());
        log_ = dir_.filePath(QStringLiteral("requests%1.log").arg(round_));
        setenv("HF_HUB_CACHE", cache_.c_str(), 1);
        unsetenv("HF_HUB_OFFLINE");
    }

    void downloadWritesTheHubLayoutTheResolverReads() {
        // A base repository without chat_template.json: the optional file is marked absent.
        QTemporaryDir trimmed;
        for (const auto& entry : fs::directory_iterator((kTiny + "/Qwen2-VL").toStdString())) {
            if (entry.path().filename() != "chat_template.json") {
                fs::create_symlink(
                    entry.path(), fs::path(trimmed.path().toStdString()) / entry.path().filename());
            }
        }
        FakeHub hub(log_, {}, trimmed.path());
        abc::DownloadControl control;
        std::vector<abc::DownloadProgress> seen;
        const auto results = abc::downloadModel(
            request(hub), control, [&](const abc::DownloadProgress& p) { seen.push_back(p); });
        QCOMPARE(results.size(), std::size_t(3));
        QVERIFY(!seen.empty());
        QCOMPARE(seen.back().stage, abc::DownloadStage::Done);
        QCOMPARE(seen.back().doneBytes, seen.back().totalBytes);
        QVERIFY(seen.back().totalBytes > 39'000'000);

        const abc::HubCacheRepo base(cache_, kBase);
        const std::string commit = results[0].commit;
        QVERIFY(abc::isCommitHash(commit));
        QCOMPARE(readAll(base.refFile("main")), commit);  // no newline, as huggingface_hub
        QVERIFY(fs::exists(base.noExistMarker(commit, "chat_template.json")));
        for (const char* file :
             {"config.json", "tokenizer.json", kShard, "model-00002-of-00002.safetensors"}) {
            const auto link = base.snapshotFile(commit, file);
            QVERIFY2(fs::is_symlink(link), file);
            QVERIFY2(fs::read_symlink(link).is_relative(), file);
            QVERIFY2(fs::read_symlink(link).string().rfind("../../blobs/", 0) == 0, file);
            QCOMPARE(readAll(link), readAll((kTiny + "/Qwen2-VL/").toStdString() + file));
        }
        const auto shardBlob = fs::canonical(base.snapshotFile(commit, kShard)).filename().string();
        QCOMPARE(shardBlob, abc::sha256OfFile((kTiny + "/Qwen2-VL/").toStdString() + kShard));
        QVERIFY(fs::exists(base.lockFile(shardBlob)));
        verifySnapshotsAreWhole();

        // The resolver finds it by hub id with no flags, at the commit the download pinned.
        const auto resolved = abc::resolveModel(kBase);
        QCOMPARE(resolved.folder, base.snapshot(commit));
        QCOMPARE(resolved.revision, commit);
        QVERIFY(
            abc::repoCacheStatus(cache_, {kBase, abc::HubRepoKind::BaseModel, "main"}).complete());

        // A second run fetches nothing.
        const auto before = requests(log_).size();
        const auto again = abc::downloadModel(request(hub), control);
        QCOMPARE(again[0].filesFetched, std::size_t(0));
        for (const auto& r : requests(log_).mid(before)) {
            QVERIFY2(r.method == "HEAD", qPrintable(r.path));
        }
    }

    void resumesAfterADroppedConnection() {
        FakeHub hub(log_, {"--drop", QStringLiteral("*/%1:3000000:1").arg(kShard)});
        abc::DownloadControl control;
        abc::downloadModel(request(hub), control);
        verifySnapshotsAreWhole();
        const auto log = requests(log_);
        const bool resumed = std::any_of(log.begin(), log.end(), [](const Request& r) {
            return r.path.contains(kShard) && r.range == "bytes=3000000-" && r.status == 206;
        });
        QVERIFY2(resumed, "the second GET of the dropped shard asks for the rest with Range");
    }

    void resumesInTheNextRunAndShowsNothingHalfWritten() {
        abc::ModelDownloadRequest first;
        {
            FakeHub hub(log_, {"--drop", QStringLiteral("*/%1:3000000:-1").arg(kShard)});
            first = request(hub);
            first.attemptsPerFile = 2;
            abc::DownloadControl control;
            QVERIFY_THROWS_EXCEPTION(abc::HubError, abc::downloadModel(first, control));
        }
        const abc::HubCacheRepo base(cache_, kBase);
        const std::string etag = abc::sha256OfFile((kTiny + "/Qwen2-VL/").toStdString() + kShard);
        QCOMPARE(fs::file_size(base.incompleteBlob(etag)), std::uintmax_t(3000000));
        QVERIFY(!fs::exists(base.blob(etag)));
        QVERIFY(!fs::exists(base.refFile("main")));  // the resolver does not take it for done
        for (const auto& file : filesUnder(base.folder() / "snapshots")) {
            QVERIFY2(file.filename() != kShard, file.c_str());
        }
        verifySnapshotsAreWhole();

        FakeHub hub(log_);
        abc::DownloadControl control;
        abc::downloadModel(request(hub), control);
        QCOMPARE(abc::sha256OfFile(base.blob(etag)), etag);
        QVERIFY(!fs::exists(base.incompleteBlob(etag)));
        const auto log = requests(log_);
        QVERIFY(std::any_of(log.begin(), log.end(), [](const Request& r) {
            return r.path.contains(kShard) && r.range == "bytes=3000000-";
        }));
    }

    void aStallIsDroppedAndResumed() {
        FakeHub hub(log_, {"--stall", QStringLiteral("*/%1:1000000:6:1").arg(kShard)});
        abc::DownloadControl control;
        abc::downloadModel(request(hub), control);  // stallSeconds = 2 < 6
        verifySnapshotsAreWhole();
        const auto log = requests(log_);
        QVERIFY(std::any_of(log.begin(), log.end(), [](const Request& r) {
            return r.path.contains(kShard) && r.range == "bytes=1000000-";
        }));
    }

    void aServerErrorIsRetried() {
        FakeHub hub(log_, {"--fail", "/cdn/*=500x2", "--fail",
                           QString::fromStdString("/" + kPretrain + "/resolve/main/*=503x1")});
        abc::DownloadControl control;
        abc::downloadModel(request(hub), control);
        verifySnapshotsAreWhole();
        const auto log = requests(log_);
        const auto failed = [](const Request& r) { return r.status >= 500; };
        QCOMPARE(int(std::count_if(log.begin(), log.end(), failed)), 3);  // each asked again
    }

    void aCorruptedFileIsRejectedAndRemoved() {
        FakeHub hub(log_, {"--corrupt", kShard});
        abc::DownloadControl control;
        try {
            abc::downloadModel(request(hub), control);
            QFAIL("a corrupted shard was accepted");
        } catch (const abc::Error& e) {
            const std::string what = e.what();
            QVERIFY2(what.find("checksum mismatch") != std::string::npos, e.what());
            QVERIFY2(what.find(kShard) != std::string::npos, e.what());
        }
        const abc::HubCacheRepo base(cache_, kBase);
        const std::string etag = abc::sha256OfFile((kTiny + "/Qwen2-VL/").toStdString() + kShard);
        QVERIFY(!fs::exists(base.blob(etag)));
        QVERIFY(!fs::exists(base.incompleteBlob(etag)));
        QVERIFY(!fs::exists(base.refFile("main")));
        for (const auto& file : filesUnder(base.folder() / "snapshots")) {
            QVERIFY2(file.filename() != kShard, file.c_str());
        }
        verifySnapshotsAreWhole();
    }

    void tooLittleFreeSpaceFetchesNothing() {
        FakeHub hub(log_);
        auto r = request(hub);
        r.freeSpaceMargin = std::uint64_t(1) << 60;
        abc::DownloadControl control;
        try {
            abc::downloadModel(r, control);
            QFAIL("downloaded without the space for it");
        } catch (const abc::Error& e) {
            QVERIFY2(std::string(e.what()).find("not enough free disk space") != std::string::npos,
                     e.what());
        }
        const auto log = requests(log_);
        QVERIFY(std::none_of(log.begin(), log.end(),
                             [](const Request& x) { return x.path.startsWith("/cdn/"); }));
    }

    void pauseHoldsAndCancelStopsKeepingPartialFiles() {
        FakeHub hub(log_, {"--rate", "2000000"});
        std::atomic<std::uint64_t> done{0};
        std::atomic<double> rate{0};
        std::atomic<double> eta{-1};
        std::atomic<bool> shownPaused{false};
        std::atomic<bool> cancelled{false};
        std::atomic<bool> otherError{false};
        std::jthread worker;
        abc::DownloadControl* controlSeen = nullptr;
        std::atomic<bool> ready{false};
        const auto r = request(hub);
        worker = std::jthread([&](std::stop_token token) {
            abc::DownloadControl control(token);
            controlSeen = &control;
            ready = true;
            try {
                abc::downloadModel(r, control, [&](const abc::DownloadProgress& p) {
                    done = p.doneBytes;
                    rate = p.bytesPerSecond;
                    eta = p.etaSeconds;
                    shownPaused = p.paused;
                });
            } catch (const abc::Cancelled&) {
                cancelled = true;
            } catch (...) {
                otherError = true;
            }
        });
        QTRY_VERIFY_WITH_TIMEOUT(ready && done > 1'000'000, 20000);
        // About 2 MB/s per file, four at once, 55 MB in all: a rate and an ETA of seconds.
        QTRY_VERIFY_WITH_TIMEOUT(rate > 1'000'000 && eta > 0.5 && eta < 120, 20000);
        controlSeen->pause();
        QTRY_VERIFY(shownPaused);
        QTest::qWait(600);  // connections dropped, the last progress report in
        const auto paused = done.load();
        QTest::qWait(800);
        QCOMPARE(done.load(), paused);
        controlSeen->resume();
        QTRY_VERIFY(!shownPaused);
        QTRY_VERIFY_WITH_TIMEOUT(done > paused + 500'000, 20000);
        worker.request_stop();
        worker.join();
        QVERIFY(cancelled);
        QVERIFY(!otherError);
        const abc::HubCacheRepo base(cache_, kBase);
        bool partial = false;
        for (const auto& file : filesUnder(base.folder() / "blobs")) {
            partial = partial || file.extension() == ".incomplete";
        }
        QVERIFY2(partial, "the partial files are kept for the next run");
        QVERIFY(!fs::exists(base.refFile("main")));
    }

    void twoProcessesDownloadingAtOnceWriteEachBlobOnce() {
        FakeHub hub(log_, {"--rate", "8000000"});
        const auto env = cliEnvironment(hub);
        QProcess first;
        QProcess second;
        for (QProcess* p : {&first, &second}) {
            p->setProcessEnvironment(env);
            p->start(QStringLiteral(ABC_CLI_PATH), {"model", "download"});
        }
        for (QProcess* p : {&first, &second}) {
            QVERIFY(p->waitForFinished(120000));
            QVERIFY2(p->exitCode() == 0, p->readAllStandardError().constData());
        }
        verifySnapshotsAreWhole();
        const auto log = requests(log_);
        std::map<QString, int> fullGets;
        for (const auto& r : log) {
            if (r.method == "GET" && r.path.startsWith("/cdn/") && r.range.isEmpty()) {
                ++fullGets[r.path];
            }
        }
        QCOMPARE(fullGets.size(), std::size_t(4));  // two shards, two adapters
        for (const auto& [path, count] : fullGets) {
            QVERIFY2(count == 1, qPrintable(path));
        }
        for (const auto& repo : {kBase, kPretrain, kInstruct}) {
            for (const auto& file :
                 filesUnder(abc::HubCacheRepo(cache_, repo).folder() / "blobs")) {
                QVERIFY2(file.extension() != ".incomplete", file.c_str());
            }
        }
    }

    void ctrlCStopsTheCliAndTheNextRunResumes() {
        {
            FakeHub hub(log_, {"--rate", "1000000"});
            QProcess download;
            download.setProcessEnvironment(cliEnvironment(hub));
            download.start(QStringLiteral(ABC_CLI_PATH), {"model", "download"});
            const abc::HubCacheRepo base(cache_, kBase);
            const std::string etag =
                abc::sha256OfFile((kTiny + "/Qwen2-VL/").toStdString() + kShard);
            QTRY_VERIFY_WITH_TIMEOUT(fs::exists(base.incompleteBlob(etag)) &&
                                         fs::file_size(base.incompleteBlob(etag)) > 500'000,
                                     30000);
            ::kill(static_cast<pid_t>(download.processId()), SIGINT);
            QVERIFY(download.waitForFinished(20000));
            QCOMPARE(download.exitCode(), 130);
            QVERIFY(fs::exists(base.incompleteBlob(etag)));
            QVERIFY(!fs::exists(base.refFile("main")));
        }
        FakeHub hub(log_);
        const Run r = cli({"model", "download"}, cliEnvironment(hub));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        verifySnapshotsAreWhole();
        const auto log = requests(log_);
        QVERIFY(std::any_of(log.begin(), log.end(), [](const Request& x) {
            return x.path.contains(kShard) && x.range.startsWith("bytes=") && x.status == 206;
        }));
    }

    void unauthorisedSaysWhatToDo() {
        FakeHub hub(log_, {"--fail", "/TIGER-Lab/*=401"});
        const Run r = cli({"model", "download"}, cliEnvironment(hub));
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("401") && r.err.contains("HF_TOKEN") &&
                     r.err.contains("TIGER-Lab/ABC-Qwen2VL-Pretrain"),
                 qPrintable(r.err));
    }

    void theTokenFileIsSent() {
        FakeHub hub(log_, {"--require-token", "hf_test_token"});
        auto env = cliEnvironment(hub);
        QVERIFY(QDir().mkpath(dir_.filePath("hf-home")));
        QFile token(dir_.filePath("hf-home/token"));
        QVERIFY(token.open(QIODevice::WriteOnly));
        token.write("hf_test_token\n");
        token.close();
        const Run r = cli({"model", "download"}, env);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(token.remove());
        const Run without = cli({"model", "download", "--revision", "main"}, env);
        QCOMPARE(cli({"model", "status"}, env).code, 0);  // the cache alone, no network
        QCOMPARE(without.code, 1);
        QVERIFY2(without.err.contains("401"), qPrintable(without.err));
    }

    void offlineRefusesToDownload() {
        FakeHub hub(log_);
        auto env = cliEnvironment(hub);
        env.insert("HF_HUB_OFFLINE", "1");
        const Run r = cli({"model", "download"}, env);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("HF_HUB_OFFLINE"), qPrintable(r.err));
        QVERIFY(requests(log_).isEmpty());
        QVERIFY(!fs::exists(cache_ / abc::hubRepoFolderName(kBase) / "blobs"));
    }

    void cliStatusDownloadVerifyThenEmbedWithNoFlags() {
        FakeHub hub(log_);
        const auto env = cliEnvironment(hub);
        Run r = cli({"model", "status"}, env);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.out.contains("not downloaded"), qPrintable(r.out));
        r = cli({"model", "download"}, env);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(QString::fromStdString(kInstruct)), qPrintable(r.out));
        QVERIFY2(r.err.contains("downloading"), qPrintable(r.err));  // plain progress lines
        r = cli({"model", "status"}, env);
        QVERIFY2(r.code == 0 && r.out.count(": complete,") == 3, qPrintable(r.out));
        r = cli({"model", "verify"}, env);
        QVERIFY2(r.code == 0 && r.out.count(" ok ") >= 4, qPrintable(r.out));
        r = cli({"embed", "--text", "hi", "--threads", "1", "--device", "cpu"}, env);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(!r.out.trimmed().isEmpty(), "embed printed a vector");

        // A commit pinned in the location (settings, flags) is downloaded and loaded as such.
        const std::string commit = *abc::HubCacheRepo(cache_, kInstruct).commitFor("main");
        const QString pinned = QString::fromStdString(kInstruct + "@" + commit);
        r = cli(
            {"model", "download", "--revision", QString::fromStdString(kInstruct + "=" + commit)},
            env);
        QVERIFY2(r.code == 0 && r.out.contains(QString::fromStdString(commit)), qPrintable(r.err));
        r = cli({"model", "status", "--instruct-adapter", pinned}, env);
        QVERIFY2(r.code == 0 && r.out.contains(QString::fromStdString(commit + ": complete")),
                 qPrintable(r.out));
        r = cli({"embed", "--text", "hi", "--threads", "1", "--device", "cpu", "--instruct-adapter",
                 pinned},
                env);
        QVERIFY2(r.code == 0, qPrintable(r.err));

        // A damaged blob is named by verify.
        const abc::HubCacheRepo pretrain(cache_, kPretrain);
        const auto blob = fs::canonical(
            pretrain.snapshotFile(*pretrain.commitFor("main"), "adapter_model.safetensors"));
        fs::permissions(blob, fs::perms::owner_write, fs::perm_options::add);
        {
            std::fstream f(blob, std::ios::in | std::ios::out | std::ios::binary);
            f.seekg(100);
            const char byte = static_cast<char>(f.get() ^ 0xFF);
            f.seekp(100);
            f.put(byte);
        }
        r = cli({"model", "verify"}, env);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.out.contains("MISMATCH") && r.out.contains("adapter_model.safetensors"),
                 qPrintable(r.out));
    }

    void usageErrorsExit2() {
        FakeHub hub(log_);
        const auto env = cliEnvironment(hub);
        QCOMPARE(cli({"model", "fetch"}, env).code, 2);
        QCOMPARE(cli({"model", "download", "--revision", "someone/else=v1"}, env).code, 2);
        QCOMPARE(cli({"model"}, env).code, 2);
    }

    void huggingFaceHubReadsAndWritesTheSameCache() {
        QProcess probe;
        probe.start(QStringLiteral(ABC_VENV_PYTHON), {"-c", "import huggingface_hub"});
        if (!probe.waitForFinished(60000) || probe.exitCode() != 0) {
            QSKIP("huggingface_hub is not installed in .venv (tools/setup.sh installs it)");
        }
        FakeHub hub(log_);
        const QString ids =
            QStringLiteral("['%1', '%2', '%3']")
                .arg(QString::fromStdString(kBase), QString::fromStdString(kPretrain),
                     QString::fromStdString(kInstruct));
        const auto python = [&](const QString& code, const QProcessEnvironment& env) {
            QProcess p;
            p.setProcessEnvironment(env);
            p.start(QStringLiteral(ABC_VENV_PYTHON), {"-c", code});
            p.waitForFinished(120000);
            return std::make_pair(p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()) +
                                                    QString::fromUtf8(p.readAllStandardError()));
        };

        // huggingface_hub's snapshot_download writes a cache ABC Photos uses with no flags.
        auto env = cliEnvironment(hub);
        env.insert("HF_HUB_DISABLE_TELEMETRY", "1");
        env.insert("HF_HUB_DISABLE_PROGRESS_BARS", "1");
        auto [code, out] = python(
            "from huggingface_hub import snapshot_download\n"
            "for r in " +
                ids + ": snapshot_download(r)\n",
            env);
        QVERIFY2(code == 0, qPrintable(out));
        Run r = cli({"model", "status"}, env);
        QVERIFY2(r.code == 0 && r.out.count(": complete,") == 3, qPrintable(r.out));
        QCOMPARE(abc::resolveModel(kInstruct).folder.parent_path().parent_path(),
                 abc::HubCacheRepo(cache_, kInstruct).folder());
        r = cli({"embed", "--text", "hi", "--threads", "1", "--device", "cpu"}, env);
        QVERIFY2(r.code == 0, qPrintable(r.err));

        // A cache ABC Photos wrote is accepted by huggingface_hub offline, without warnings.
        const fs::path ours = cache_.string() + "-abc";
        auto request2 = request(hub);
        request2.cacheRoot = ours;
        abc::DownloadControl control;
        const auto results = abc::downloadModel(request2, control);
        env.insert("HF_HUB_CACHE", QString::fromStdString(ours.string()));
        env.insert("HF_HUB_OFFLINE", "1");
        std::tie(code, out) = python(
            "from huggingface_hub import snapshot_download, scan_cache_dir\n"
            "for r in " +
                ids +
                ": print(snapshot_download(r, local_files_only=True))\n"
                "info = scan_cache_dir()\n"
                "print('warnings', len(info.warnings), [str(w) for w in info.warnings])\n"
                "for repo in sorted(info.repos, key=lambda x: x.repo_id):\n"
                "    print('repo', repo.repo_id, repo.nb_files, sorted(repo.refs))\n",
            env);
        QVERIFY2(code == 0, qPrintable(out));
        for (const auto& result : results) {
            QVERIFY2(out.contains(QString::fromStdString(result.snapshot.string())),
                     qPrintable(out));
        }
        QVERIFY2(out.contains("warnings 0 []"), qPrintable(out));
        QVERIFY2(
            out.contains(QStringLiteral("repo %1 11 ['main']").arg(QString::fromStdString(kBase))),
            qPrintable(out));
        QVERIFY2(out.contains(
                     QStringLiteral("repo %1 2 ['main']").arg(QString::fromStdString(kInstruct))),
                 qPrintable(out));
    }
};

QTEST_GUILESS_MAIN(TestHubDownload)
#include "test_hub_download.moc"
