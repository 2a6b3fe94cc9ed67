// The model fingerprint of a checkpoint from the hub cache follows the content of the files
// that change vectors, not the commit: against the fake hub on 127.0.0.1, an upstream commit
// that only adds a README keeps every vector of a library, one that edits a config re-embeds,
// and a library an earlier version keyed by the commit keeps its vectors on the first run.
#include <QDir>
#include <QFile>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <map>
#include <string>

#include "core/hub/hub_cache_layout.h"
#include "core/library/library_store.h"
#include "core/library/sqlite_database.h"
#include "core/library/vector_set_fields.h"
#include "tests/support/cli_process.h"
#include "tests/support/fake_hub_process.h"
#include "tests/support/photo_files.h"

namespace fs = std::filesystem;

namespace {

using fake_hub::FakeHub;
using fake_hub::kBase;
using fake_hub::kPretrain;
using fake_hub::kTiny;

std::map<QString, int> counts(const QString& out) {
    std::map<QString, int> result;
    static const QRegularExpression pattern(
        QStringLiteral("(scanned|unchanged|added|changed|embedded|failed) (\\d+)"));
    auto it = pattern.globalMatch(out);
    while (it.hasNext()) {
        const auto m = it.next();
        result[m.captured(1)] = m.captured(2).toInt();
    }
    return result;
}

// The tiny base model as a folder the fake hub serves: links to the reference files, plus
// `extra` files written with the given content (a README, an edited config).
QString baseFolder(const QString& where, const std::map<QString, QByteArray>& extra) {
    QDir().mkpath(where);
    for (const auto& entry : fs::directory_iterator((kTiny + "/Qwen2-VL").toStdString())) {
        const QString name = QString::fromStdString(entry.path().filename().string());
        if (!extra.contains(name)) {
            fs::create_symlink(entry.path(),
                               fs::path(where.toStdString()) / entry.path().filename());
        }
    }
    for (const auto& [name, bytes] : extra) {
        abc::test::writeFile(where + "/" + name, bytes);
    }
    return where;
}

QByteArray referenceFile(const QString& name) {
    QFile file(kTiny + "/Qwen2-VL/" + name);
    if (!file.open(QIODevice::ReadOnly)) {
        qFatal("cannot read %s", qPrintable(name));
    }
    return file.readAll();
}

}  // namespace

class TestModelFingerprintHub : public QObject {
    Q_OBJECT

  private:
    QTemporaryDir dir_;
    int round_ = 0;
    fs::path cache_;
    QString photos_;
    QString db_;

    QProcessEnvironment environment(const FakeHub& hub) const {
        return fake_hub::hubEnvironment(hub, QString::fromStdString(cache_.string()),
                                        dir_.filePath("hf-home"));
    }

    QString run(const QStringList& args, const FakeHub& hub, int* code) const {
        abc::test::CliOptions options;
        options.output = abc::test::CliOutput::Merged;
        options.environment = environment(hub);
        const auto r = abc::test::runCli(args, options);
        *code = r.exitCode;
        return QString::fromUtf8(r.out);
    }

    // Serves `base` as the base model's main branch, downloads it, and returns the commit.
    std::string download(const FakeHub& hub) const {
        int code = -1;
        const QString out = run({"model", "download"}, hub, &code);
        if (code != 0) {
            qFatal("model download failed: %s", qPrintable(out));
        }
        return abc::HubCacheRepo(cache_, kBase).commitFor("main").value_or("");
    }

    std::map<QString, int> index(const FakeHub& hub) const {
        int code = -1;
        const QString out =
            run({"index", "--db", db_, "--device", "cpu", "--threads", "1", photos_}, hub, &code);
        if (code != 0) {
            qFatal("index failed: %s", qPrintable(out));
        }
        return counts(out);
    }

    std::vector<abc::LibraryStore::ModelSummary> models() const {
        abc::LibraryStore store(db_.toStdString());
        return store.models();
    }

  private slots:
    void init() {
        ++round_;
        const QString root = dir_.filePath(QStringLiteral("round%1").arg(round_));
        cache_ = fs::path((root + "/cache").toStdString());
        photos_ = root + "/photos";
        db_ = root + "/library.sqlite3";
        abc::test::writePatternPhotos(photos_, 0, 3);
    }

    void aReadmeOnlyCommitKeepsEveryVector() {
        const QString root = dir_.filePath(QStringLiteral("round%1").arg(round_));
        std::string commitA;
        {
            FakeHub hub(root + "/hubA.log", {}, baseFolder(root + "/A", {}));
            commitA = download(hub);
            QCOMPARE(index(hub)["embedded"], 3);
        }
        const auto before = models();
        QCOMPARE(before.size(), std::size_t(1));
        QVERIFY2(before[0].fingerprint.find("base=content-etag:") != std::string::npos,
                 before[0].fingerprint.c_str());
        QVERIFY(before[0].fingerprint.find(commitA) == std::string::npos);

        {
            FakeHub hub(
                root + "/hubB.log", {},
                baseFolder(root + "/B", {{"README.md", "# Qwen2-VL\n\nA new model card.\n"}}));
            const std::string commitB = download(hub);
            QVERIFY(commitB != commitA);
            QVERIFY(fs::is_directory(abc::HubCacheRepo(cache_, kBase).snapshot(commitB)));
            const auto c = index(hub);
            QCOMPARE(c.at("unchanged"), 3);
            QCOMPARE(c.at("embedded"), 0);
        }
        const auto after = models();
        QCOMPARE(after.size(), std::size_t(1));
        QCOMPARE(after[0].fingerprint, before[0].fingerprint);
        QCOMPARE(after[0].plainVectors, std::int64_t(3));

        // A commit that edits a file the model reads (a config) is another model.
        {
            QByteArray generation = referenceFile("generation_config.json");
            generation.append('\n');
            FakeHub hub(root + "/hubC.log", {},
                        baseFolder(root + "/C", {{"generation_config.json", generation}}));
            download(hub);
            QCOMPARE(index(hub)["embedded"], 3);
        }
        QCOMPARE(models().size(), std::size_t(2));
    }

    void aLibraryKeyedByTheCommitKeepsItsVectors() {
        const QString root = dir_.filePath(QStringLiteral("round%1").arg(round_));
        FakeHub hub(root + "/hub.log", {}, baseFolder(root + "/A", {}));
        const std::string baseCommit = download(hub);
        const std::string pretrainCommit =
            abc::HubCacheRepo(cache_, kPretrain).commitFor("main").value_or("");
        QVERIFY(!baseCommit.empty() && !pretrainCommit.empty());
        QCOMPARE(index(hub)["embedded"], 3);
        const std::string current = models().at(0).fingerprint;

        // The library as the earlier versions wrote it: checkpoints named by their commits.
        const auto fields = abc::vectorSetFields(current);
        std::string former = current;
        const auto rename = [&former](const std::string& from, const std::string& to) {
            const auto at = former.find(from);
            QVERIFY2(at != std::string::npos, from.c_str());
            former.replace(at, from.size(), to);
        };
        rename("base=" + fields.at("base"), "base=" + baseCommit);
        rename("pretrain=" + fields.at("pretrain"), "pretrain=" + pretrainCommit);
        {
            abc::SqliteDatabase db(db_.toStdString());
            abc::SqliteStatement(db, "UPDATE models SET fingerprint = :former")
                .bind(":former", former)
                .run();
        }
        QCOMPARE(models().at(0).fingerprint, former);

        const auto c = index(hub);
        QCOMPARE(c.at("embedded"), 0);
        const auto after = models();
        QCOMPARE(after.size(), std::size_t(1));
        QCOMPARE(after[0].fingerprint, current);
        QCOMPARE(after[0].plainVectors, std::int64_t(3));
    }
};

QTEST_GUILESS_MAIN(TestModelFingerprintHub)
#include "test_model_fingerprint_hub.moc"
