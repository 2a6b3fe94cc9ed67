// Hub ids resolve inside a Hugging Face cache laid out as huggingface_hub writes it.
#include <QTemporaryDir>
#include <QTest>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/hub/model_resolver.h"
#include "core/io/error.h"

namespace fs = std::filesystem;

class TestHubResolver : public QObject {
    Q_OBJECT

  private:
    QTemporaryDir dir_;

    fs::path makeSnapshot(const fs::path& cache, const std::string& repo,
                          const std::string& commit) {
        const fs::path root = cache / repo;
        fs::create_directories(root / "refs");
        fs::create_directories(root / "snapshots" / commit);
        std::ofstream(root / "refs" / "main") << commit;  // no newline, as huggingface_hub writes
        std::ofstream(root / "snapshots" / commit / "config.json") << "{}";
        return root / "snapshots" / commit;
    }

  private slots:
    void init() {
        unsetenv("HF_HUB_CACHE");
        unsetenv("HF_HOME");
        unsetenv("XDG_CACHE_HOME");
    }

    void cacheRootFollowsHuggingFaceHubOrder() {
        setenv("HOME", "/home/someone", 1);
        QCOMPARE(abc::huggingFaceHubCache(), fs::path("/home/someone/.cache/huggingface/hub"));
        setenv("XDG_CACHE_HOME", "/xdg", 1);
        QCOMPARE(abc::huggingFaceHubCache(), fs::path("/xdg/huggingface/hub"));
        setenv("HF_HOME", "/hf", 1);
        QCOMPARE(abc::huggingFaceHubCache(), fs::path("/hf/hub"));
        setenv("HF_HUB_CACHE", "/cache", 1);
        QCOMPARE(abc::huggingFaceHubCache(), fs::path("/cache"));
    }

    void hubIdsAreRecognised() {
        QVERIFY(abc::isHubId("Qwen/Qwen2-VL-7B-Instruct"));
        QVERIFY(abc::isHubId("TIGER-Lab/ABC-Qwen2VL-Pretrain"));
        QVERIFY(!abc::isHubId("/abs/path"));
        QVERIFY(!abc::isHubId("a/b/c"));
        QVERIFY(!abc::isHubId("../x"));
        QVERIFY(!abc::isHubId("noslash"));
    }

    void localFolderWins() {
        const auto resolved = abc::resolveModel(dir_.path().toStdString());
        QCOMPARE(resolved.folder, fs::path(dir_.path().toStdString()));
        QCOMPARE(resolved.revision, std::string("local"));
        QVERIFY(!resolved.fromHubCache);
    }

    void hubIdResolvesThroughRefsMain() {
        // A full commit hash, as refs hold them: anything else in refs/main is refused.
        const std::string commit = "0123abcd0123abcd0123abcd0123abcd0123abcd";
        const fs::path cache = fs::path(dir_.path().toStdString()) / "hub";
        const auto snapshot =
            makeSnapshot(cache, "models--TIGER-Lab--ABC-Qwen2VL-Pretrain", commit);
        setenv("HF_HUB_CACHE", cache.c_str(), 1);
        const auto resolved = abc::resolveModel("TIGER-Lab/ABC-Qwen2VL-Pretrain");
        QCOMPARE(resolved.folder, snapshot);
        QCOMPARE(resolved.revision, commit);
        QVERIFY(resolved.fromHubCache);
        // A commit hash names a snapshot directly.
        QCOMPARE(abc::resolveModel("TIGER-Lab/ABC-Qwen2VL-Pretrain", commit).folder, snapshot);
        // So does a location pinned with @ (settings, --base), and the revision is its commit.
        QCOMPARE(abc::resolveModel("TIGER-Lab/ABC-Qwen2VL-Pretrain@" + commit).revision, commit);
        QVERIFY_THROWS_EXCEPTION(abc::Error,
                                 abc::resolveModel("TIGER-Lab/ABC-Qwen2VL-Pretrain@v9"));
    }

    void hubLocationsMayPinARevision() {
        const auto plain = abc::hubLocation("Qwen/Qwen2-VL-7B-Instruct");
        QVERIFY(plain.has_value());
        QCOMPARE(plain->repoId, std::string("Qwen/Qwen2-VL-7B-Instruct"));
        QCOMPARE(plain->revision, std::string("main"));
        const auto pinned = abc::hubLocation("Qwen/Qwen2-VL-7B-Instruct@v1.0");
        QVERIFY(pinned.has_value());
        QCOMPARE(pinned->repoId, std::string("Qwen/Qwen2-VL-7B-Instruct"));
        QCOMPARE(pinned->revision, std::string("v1.0"));
        QVERIFY(!abc::hubLocation("Qwen/Qwen2-VL-7B-Instruct@").has_value());
        QVERIFY(!abc::hubLocation("/abs/path@main").has_value());
        QVERIFY(!abc::hubLocation("a/b@../x").has_value());
    }

    void missingModelsSayWhereTheyWereLookedFor() {
        const fs::path cache = fs::path(dir_.path().toStdString()) / "empty-hub";
        setenv("HF_HUB_CACHE", cache.c_str(), 1);
        try {
            abc::resolveModel("Qwen/Qwen2-VL-7B-Instruct");
            QFAIL("expected an error");
        } catch (const abc::Error& e) {
            const std::string what = e.what();
            QVERIFY2(what.find("models--Qwen--Qwen2-VL-7B-Instruct") != std::string::npos,
                     e.what());
            QVERIFY2(what.find("huggingface-cli download") != std::string::npos, e.what());
        }
        QVERIFY_THROWS_EXCEPTION(abc::Error, abc::resolveModel("not a model"));
        makeSnapshot(cache, "models--a--b", std::string(40, 'c'));
        QVERIFY_THROWS_EXCEPTION(abc::Error, abc::resolveModel("a/b", "v2"));
    }
};

QTEST_GUILESS_MAIN(TestHubResolver)
#include "test_hub_resolver.moc"
