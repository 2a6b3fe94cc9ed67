// A hostile or broken hub cannot make the download write outside the hub cache: the commit,
// the etags and the file names it sends, the shard names of a safetensors index it serves and
// the revision a user types all become file names, so each is checked before it is used. The
// download runs as users run it (abc-photos-cli model download) against the fake hub on
// 127.0.0.1, which forges the headers; the cache sits five folders deep in a scratch folder so
// that an escape would land where the test sees it.
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <fstream>

#include "core/hub/hub_cache_layout.h"
#include "core/io/error.h"
#include "tests/support/cli_process.h"
#include "tests/support/fake_hub_process.h"

namespace fs = std::filesystem;

namespace {

using fake_hub::FakeHub;
using fake_hub::kBase;

// A copy of the tiny base checkpoint whose safetensors index names `shard` for one tensor.
QString baseWithShardName(const QString& folder, const QString& shard) {
    fs::copy(fake_hub::kTiny.toStdString() + "/Qwen2-VL", folder.toStdString(),
             fs::copy_options::recursive);
    const QString indexPath = folder + "/model.safetensors.index.json";
    QFile file(indexPath);
    if (!file.open(QIODevice::ReadOnly)) {
        qFatal("cannot read %s", qPrintable(indexPath));
    }
    QJsonObject index = QJsonDocument::fromJson(file.readAll()).object();
    file.close();
    QJsonObject map = index["weight_map"].toObject();
    map[map.begin().key()] = shard;
    index["weight_map"] = map;
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        file.write(QJsonDocument(index).toJson()) <= 0) {
        qFatal("cannot write %s", qPrintable(indexPath));
    }
    return folder;
}

}  // namespace

class TestSecurityHubCache : public QObject {
    Q_OBJECT

  private:
    QTemporaryDir logs_;
    std::unique_ptr<QTemporaryDir> sandbox_;
    fs::path cache_;

    QProcessEnvironment environment(const FakeHub& hub) const {
        return fake_hub::hubEnvironment(hub, QString::fromStdString(cache_.string()),
                                        QString::fromStdString((cache_ / "hf-home").string()));
    }

    abc::test::CliResult download(const FakeHub& hub, const QStringList& extra = {}) const {
        abc::test::CliOptions options;
        options.environment = environment(hub);
        options.output = abc::test::CliOutput::Merged;
        return abc::test::runCli(QStringList{"model", "download"} + extra, options);
    }

    // Every file and folder the run left in the scratch folder lies inside the cache.
    void verifyNothingOutsideTheCache() const {
        const auto cacheRoot = fs::weakly_canonical(cache_);
        for (const auto& entry : fs::recursive_directory_iterator(sandbox_->path().toStdString())) {
            const auto path = fs::weakly_canonical(entry.path());
            const auto inside =
                std::mismatch(cacheRoot.begin(), cacheRoot.end(), path.begin(), path.end()).first ==
                cacheRoot.end();
            const bool aboveTheCache =
                std::mismatch(path.begin(), path.end(), cacheRoot.begin(), cacheRoot.end()).first ==
                path.end();
            QVERIFY2(inside || (aboveTheCache && entry.is_directory()),
                     qPrintable("written outside the cache: " + QString::fromStdString(path)));
            QVERIFY2(path.filename().string().find("escaped") == std::string::npos,
                     qPrintable("a file named by the hub: " + QString::fromStdString(path)));
        }
    }

  private slots:
    void init() {
        sandbox_ = std::make_unique<QTemporaryDir>();
        QVERIFY(sandbox_->isValid());
        cache_ = fs::path(sandbox_->path().toStdString()) / "a/b/c/d/e/cache";
        fs::create_directories(cache_);
    }

    void theNameCheckersAcceptTheHubsNamesAndNothingThatLeaves_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("safe");
        QTest::newRow("branch") << "revision"
                                << "main" << true;
        QTest::newRow("tag") << "revision"
                             << "v1.0.2" << true;
        QTest::newRow("pull request") << "revision"
                                      << "refs/pr/12" << true;
        QTest::newRow("commit as revision") << "revision"
                                            << "0123456789abcdef0123456789abcdef01234567" << true;
        QTest::newRow("revision ..") << "revision"
                                     << ".." << false;
        QTest::newRow("revision up") << "revision"
                                     << "../../../etc" << false;
        QTest::newRow("revision inner up") << "revision"
                                           << "refs/../../x" << false;
        QTest::newRow("revision absolute") << "revision"
                                           << "/etc/passwd" << false;
        QTest::newRow("revision empty part") << "revision"
                                             << "refs//pr" << false;
        QTest::newRow("revision empty") << "revision"
                                        << "" << false;
        QTest::newRow("revision space") << "revision"
                                        << "main branch" << false;
        QTest::newRow("revision too long") << "revision" << QString(300, 'a') << false;
        QTest::newRow("sha256 etag") << "etag" << QString(64, 'f') << true;
        QTest::newRow("S3 multipart etag") << "etag"
                                           << "9b2cf535f27731c974343645a3985328-12" << true;
        QTest::newRow("etag ..") << "etag"
                                 << ".." << false;
        QTest::newRow("etag hidden") << "etag"
                                     << ".config" << false;
        QTest::newRow("etag path") << "etag"
                                   << "../../escaped" << false;
        QTest::newRow("etag slash") << "etag"
                                    << "a/b" << false;
        QTest::newRow("etag empty") << "etag"
                                    << "" << false;
        QTest::newRow("file") << "file"
                              << "model-00001-of-00002.safetensors" << true;
        QTest::newRow("file in a folder") << "file"
                                          << "onnx/model.onnx" << true;
        QTest::newRow("file with dots") << "file"
                                        << "model..v2.safetensors" << true;
        QTest::newRow("file up") << "file"
                                 << "../escaped.safetensors" << false;
        QTest::newRow("file inner up") << "file"
                                       << "a/../../escaped" << false;
        QTest::newRow("file absolute") << "file"
                                       << "/tmp/escaped" << false;
        QTest::newRow("file dot part") << "file"
                                       << "./a" << false;
        QTest::newRow("file backslash") << "file"
                                        << "..\\escaped" << false;
        QTest::newRow("file trailing slash") << "file"
                                             << "a/" << false;
        QTest::newRow("commit short") << "commit"
                                      << "0123abc" << false;
        QTest::newRow("commit path") << "commit"
                                     << "../../../../0123456789abcdef0123456789abcdef" << false;
    }

    void theNameCheckersAcceptTheHubsNamesAndNothingThatLeaves() {
        QFETCH(QString, kind);
        QFETCH(QString, name);
        QFETCH(bool, safe);
        const std::string text = name.toStdString();
        const abc::HubCacheRepo repo(cache_, kBase);
        if (kind == "revision") {
            QCOMPARE(abc::isSafeRevision(text), safe);
            if (!safe) {
                QVERIFY_THROWS_EXCEPTION(abc::Error, repo.refFile(text));
            }
        } else if (kind == "etag") {
            QCOMPARE(abc::isSafeEtag(text), safe);
            if (!safe) {
                QVERIFY_THROWS_EXCEPTION(abc::Error, repo.blob(text));
                QVERIFY_THROWS_EXCEPTION(abc::Error, repo.incompleteBlob(text));
                QVERIFY_THROWS_EXCEPTION(abc::Error, repo.lockFile(text));
            }
        } else if (kind == "file") {
            QCOMPARE(abc::isSafeRepoFile(text), safe);
            if (!safe) {
                const std::string commit(40, 'a');
                QVERIFY_THROWS_EXCEPTION(abc::Error, repo.snapshotFile(commit, text));
                QVERIFY_THROWS_EXCEPTION(abc::Error, repo.noExistMarker(commit, text));
            }
        } else {
            QCOMPARE(abc::isCommitHash(text), safe);
            QVERIFY_THROWS_EXCEPTION(abc::Error, repo.snapshot(text));
        }
    }

    void aTamperedRefIsNotFollowed() {
        const abc::HubCacheRepo repo(cache_, kBase);
        fs::create_directories(repo.folder() / "refs");
        std::ofstream(repo.folder() / "refs" / "main") << "../../../../escaped";
        try {
            repo.commitFor("main");
            QFAIL("a ref holding a path was followed");
        } catch (const abc::Error& e) {
            QVERIFY2(QString(e.what()).contains("not a commit hash"), e.what());
        }
    }

    void aHostileHubWritesNothingOutsideTheCache_data() {
        QTest::addColumn<QStringList>("faults");
        QTest::addColumn<QString>("said");
        const QString up = "../../../../../escaped";
        QTest::newRow("commit") << QStringList{"--forge", "*:X-Repo-Commit=" + up} << up;
        QTest::newRow("absolute commit")
            << QStringList{"--forge", "*:X-Repo-Commit=/tmp/escaped"} << "/tmp/escaped";
        QTest::newRow("plain file etag")
            << QStringList{"--forge", "*/config.json:ETag=\"" + up + "\""} << up;
        QTest::newRow("etag ..") << QStringList{"--forge", "*/config.json:ETag=\"..\""} << "\"..\"";
        QTest::newRow("LFS etag") << QStringList{"--forge",
                                                 "*.safetensors:X-Linked-Etag=\"" + up + "-blob\""}
                                  << up;
    }

    void aHostileHubWritesNothingOutsideTheCache() {
        QFETCH(QStringList, faults);
        QFETCH(QString, said);
        const FakeHub hub(logs_.filePath(QTest::currentDataTag()), faults);
        const auto result = download(hub);
        QVERIFY2(result.exitCode != 0 && result.exitCode != -1, result.out.constData());
        QVERIFY2(QString::fromUtf8(result.out).contains(said), result.out.constData());
        verifyNothingOutsideTheCache();
    }

    void anIndexNamingShardsOutsideTheRepositoryIsRefused_data() {
        QTest::addColumn<QString>("shard");
        QTest::newRow("up") << "../../../../../escaped.safetensors";
        QTest::newRow("inner up") << "sub/../../../../../../escaped.safetensors";
        QTest::newRow("absolute") << "/tmp/escaped.safetensors";
    }

    void anIndexNamingShardsOutsideTheRepositoryIsRefused() {
        QFETCH(QString, shard);
        QTemporaryDir hostile;
        const QString base = baseWithShardName(hostile.filePath("base"), shard);
        const FakeHub hub(logs_.filePath(QTest::currentDataTag()), {}, base);
        const auto result = download(hub);
        QVERIFY2(result.exitCode != 0 && result.exitCode != -1, result.out.constData());
        QVERIFY2(result.out.contains("outside the repository"), result.out.constData());
        verifyNothingOutsideTheCache();
    }

    void aRevisionThatIsAPathIsAUsageError() {
        const FakeHub hub(logs_.filePath("revision"));
        const auto result = download(hub, {"--revision", "../../../../../escaped"});
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(result.out.contains("is not a branch, tag or commit name"),
                 result.out.constData());
        verifyNothingOutsideTheCache();
    }

    // The checks refuse only what is unsafe: the same hub without forged headers downloads.
    void anHonestHubStillDownloads() {
        const FakeHub hub(logs_.filePath("honest"));
        const auto result = download(hub);
        QVERIFY2(result.exitCode == 0, result.out.constData());
        verifyNothingOutsideTheCache();
    }
};

QTEST_GUILESS_MAIN(TestSecurityHubCache)
#include "test_security_hub_cache.moc"
