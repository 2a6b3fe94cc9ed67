// The library through the real abc-photos-cli processes, the real SQLite file and the tiny ABC
// checkpoint: incremental re-indexing counts, SIGKILL mid-index and resume, two processes on
// one database, search --json, status, forget (what leaves the store) and compare.
#include <signal.h>

#include <QDir>
#include <QElapsedTimer>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <map>
#include <thread>

#include "core/library/library_store.h"
#include "core/library/photo_indexer.h"
#include "support/cli_process.h"
#include "support/photo_files.h"
#include "test_library_fakes.h"

using namespace abc;
using abc::test::writeImage;

namespace {

const QString kTiny = QStringLiteral(ABC_REFERENCE_DIR "/tiny-abc");

QStringList modelArgs() {
    return test::tinyModelArgs();
}

struct Result {
    int code = -1;
    QString out;
};

// Output and errors in one text, in the order the program wrote them.
Result runCli(const QStringList& args, int timeoutMs = 120000) {
    test::CliOptions options;
    options.timeoutMs = timeoutMs;
    options.output = test::CliOutput::Merged;
    const test::CliResult r = test::runCli(args, options);
    return {r.exitCode, QString::fromUtf8(r.out)};
}

std::map<QString, int> counts(const QString& out) {
    std::map<QString, int> result;
    static const QRegularExpression pattern(QStringLiteral(
        "(scanned|unchanged|added|changed|moved|copied|removed|embedded|failed) (\\d+)"));
    auto it = pattern.globalMatch(out);
    while (it.hasNext()) {
        const auto m = it.next();
        result[m.captured(1)] = m.captured(2).toInt();
    }
    return result;
}

std::map<std::string, std::vector<float>> vectorsByHash(const QString& db) {
    LibraryStore store(db.toStdString());
    std::map<std::string, std::vector<float>> out;
    const auto models = store.models();
    if (models.empty()) {
        return out;
    }
    for (const auto& photo : store.allPhotos()) {
        if (auto v = store.vector(photo.id, models[0].id, "")) {
            out[photo.contentHash] = *v;
        }
    }
    return out;
}

bool sameVectors(const std::map<std::string, std::vector<float>>& a,
                 const std::map<std::string, std::vector<float>>& b, double* worst) {
    *worst = 0;
    if (a.size() != b.size()) {
        return false;
    }
    for (const auto& [hash, v] : a) {
        const auto other = b.find(hash);
        if (other == b.end() || other->second.size() != v.size()) {
            return false;
        }
        for (std::size_t i = 0; i < v.size(); ++i) {
            *worst = std::max(*worst, double(std::abs(v[i] - other->second[i])));
        }
    }
    return *worst <= 1e-5;
}

}  // namespace

class TestLibraryCli : public QObject {
    Q_OBJECT

  private slots:
    void initTestCase() {
        QVERIFY2(QFileInfo::exists(kTiny + "/Qwen2-VL/config.json"),
                 "the tiny checkpoint is missing");
    }

    void reindexRedoesOnlyWhatChanged() {
        QTemporaryDir dir;
        const QString root = QDir(dir.path()).canonicalPath() + "/photos";
        for (int i = 0; i < 6; ++i) {
            writeImage(root + QString("/%1/p%2.png").arg(i % 2).arg(i), i);
        }
        const QString db = dir.filePath("lib.sqlite3");
        auto r = runCli(QStringList{"index", "--db", db} + modelArgs() + QStringList{root});
        QVERIFY2(r.code == 0, qPrintable(r.out));
        auto c = counts(r.out);
        QCOMPARE(c["scanned"], 6);
        QCOMPARE(c["embedded"], 6);

        r = runCli(QStringList{"index", "--db", db} + modelArgs() + QStringList{root});
        c = counts(r.out);
        QCOMPARE(c["unchanged"], 6);
        QCOMPARE(c["embedded"], 0);

        writeImage(root + "/0/p0.png", 100);                                 // modified
        QVERIFY(QFile::remove(root + "/1/p1.png"));                          // deleted
        QVERIFY(QFile::rename(root + "/0/p2.png", root + "/p2-moved.png"));  // moved
        writeImage(root + "/new.png", 200);                                  // added
        QVERIFY(QFile::copy(root + "/1/p3.png", root + "/p3-copy.png"));     // copied
        r = runCli(QStringList{"index", "--db", db} + modelArgs() + QStringList{root});
        QVERIFY2(r.code == 0, qPrintable(r.out));
        c = counts(r.out);
        QCOMPARE(c["unchanged"], 3);
        QCOMPARE(c["changed"], 1);
        QCOMPARE(c["moved"], 1);
        QCOMPARE(c["copied"], 1);
        QCOMPARE(c["added"], 1);
        QCOMPARE(c["removed"], 2);
        QCOMPARE(c["embedded"], 2);
        QVERIFY(QFile::remove(root + "/p3-copy.png"));  // the copy goes, its photo stays
        r = runCli(QStringList{"index", "--db", db} + modelArgs() + QStringList{root});
        c = counts(r.out);
        QCOMPARE(c["removed"], 1);
        QCOMPARE(c["embedded"], 0);

        // search --json: a list of {path, score}, best first, paths that exist.
        r = runCli(QStringList{"search", "--db", db, "--json", "--top", "3"} + modelArgs() +
                   QStringList{"a", "colourful", "pattern"});
        QVERIFY2(r.code == 0, qPrintable(r.out));
        const auto json = QJsonDocument::fromJson(r.out.mid(r.out.indexOf('[')).toUtf8()).array();
        QCOMPARE(json.size(), 3);
        double previous = 2.0;
        for (const auto& entry : json) {
            const auto object = entry.toObject();
            QVERIFY(QFileInfo::exists(object["path"].toString()));
            QVERIFY(object["score"].toDouble() <= previous);
            previous = object["score"].toDouble();
        }

        // search --instruction embeds the candidates with the instruction once (progress on
        // stderr), then answers from the cached instructed vectors.
        const QStringList instructed = QStringList{"search",
                                                   "--db",
                                                   db,
                                                   "--json",
                                                   "--top",
                                                   "3",
                                                   "--instruction",
                                                   "what is the pattern?"} +
                                       modelArgs() + QStringList{"stripes"};
        r = runCli(instructed);
        QVERIFY2(r.code == 0, qPrintable(r.out));
        QVERIFY2(r.out.contains("embedding with the instruction 6/6"), qPrintable(r.out));
        QCOMPARE(QJsonDocument::fromJson(r.out.mid(r.out.indexOf('[')).toUtf8()).array().size(), 3);
        r = runCli(instructed);
        QVERIFY2(r.code == 0, qPrintable(r.out));
        QVERIFY2(!r.out.contains("embedding with the instruction"), qPrintable(r.out));
        // status shows the instructed vectors under the model they belong to.
        r = runCli({"status", "--db", db});
        QVERIFY2(r.out.count("\nmodel ") == 1, qPrintable(r.out));
        QVERIFY2(QRegularExpression("\n  instruct adapter \\S+: 6 instruction vectors cached\n")
                     .match(r.out)
                     .hasMatch(),
                 qPrintable(r.out));

        r = runCli({"status", "--db", db, "--json"});
        const auto status = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(status["photos"].toInt(), 6);
        QCOMPARE(status["integrity"].toString(), QStringLiteral("ok"));

        // forget: the folder's files, their photos and those photos' vectors leave the store;
        // the rest of the library stays as it was.
        std::vector<PhotoId> forgotten;
        std::vector<PhotoId> kept;
        std::int64_t model = 0;
        {
            LibraryStore store(db.toStdString());
            model = store.models().at(0).id;
            for (const auto& [file, photo] : store.filesUnder((root + "/1").toStdString())) {
                QVERIFY(store.hasVector(photo, model, ""));
                forgotten.push_back(photo);
            }
            for (const auto& [file, photo] : store.filesUnder(root.toStdString())) {
                if (std::find(forgotten.begin(), forgotten.end(), photo) == forgotten.end()) {
                    kept.push_back(photo);
                }
            }
        }
        QCOMPARE(forgotten.size(), std::size_t{2});
        QCOMPARE(kept.size(), std::size_t{4});
        r = runCli({"forget", "--db", db, root + "/1"});
        QVERIFY2(r.code == 0 && r.out.contains("forgot 2 file(s)"), qPrintable(r.out));
        {
            LibraryStore store(db.toStdString());
            QVERIFY(store.filesUnder((root + "/1").toStdString()).empty());
            for (const PhotoId photo : forgotten) {
                QVERIFY(!store.photo(photo));
                QVERIFY(!store.vector(photo, model, ""));
            }
            for (const PhotoId photo : kept) {
                QVERIFY(store.photo(photo));
                QVERIFY(store.vector(photo, model, ""));
            }
            QCOMPARE(store.vectorCount(model, ""), std::int64_t{4});
            QCOMPARE(store.photoCount(), std::int64_t{4});
            QCOMPARE(QString::fromStdString(store.integrityCheck()), QStringLiteral("ok"));
        }
        r = runCli({"status", "--db", db, "--json"});
        const auto after = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(after["photos"].toInt(), 4);
        QCOMPARE(after["files"].toInt(), 4);
        QCOMPARE(after["models"].toArray().at(0).toObject()["vectors"].toInt(), 4);
    }

    void sigkillMidIndexLosesNothingAndResumes() {
        QTemporaryDir dir;
        const QString root = QDir(dir.path()).canonicalPath() + "/photos";
        const int photos = 16;
        for (int i = 0; i < photos; ++i) {
            writeImage(root + QString("/p%1.png").arg(i, 2, 10, QChar('0')), i);
        }
        // Reference: one uninterrupted run.
        const QString reference = dir.filePath("reference.sqlite3");
        auto r = runCli(QStringList{"index", "--db", reference} + modelArgs() + QStringList{root});
        QVERIFY2(r.code == 0, qPrintable(r.out));

        // Batches of one photo so commits happen often; kill once some are committed.
        const QString db = dir.filePath("lib.sqlite3");
        QProcess process;
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(QStringLiteral(ABC_CLI_PATH),
                      QStringList{"index", "--db", db, "--batch-tokens", "1"} + modelArgs() +
                          QStringList{root});
        QVERIFY(process.waitForStarted());
        QElapsedTimer timer;
        timer.start();
        std::int64_t committed = 0;
        while (timer.elapsed() < 60000 && process.state() == QProcess::Running) {
            if (QFileInfo::exists(db)) {
                try {
                    LibraryStore peek(db.toStdString());
                    const auto models = peek.models();
                    committed = models.empty() ? 0 : models[0].plainVectors;
                } catch (const std::exception&) {
                }
            }
            if (committed >= 3) {
                break;
            }
            QThread::msleep(20);
        }
        QVERIFY2(process.state() == QProcess::Running,
                 "indexing finished before it could be killed");
        ::kill(static_cast<pid_t>(process.processId()), SIGKILL);
        QVERIFY(process.waitForFinished());
        QCOMPARE(process.exitStatus(), QProcess::CrashExit);

        std::int64_t afterKill = 0;
        {
            LibraryStore store(db.toStdString());
            QCOMPARE(QString::fromStdString(store.integrityCheck()), QStringLiteral("ok"));
            afterKill = store.models().at(0).plainVectors;
            QVERIFY2(afterKill >= committed, "a committed vector was lost");
            QVERIFY2(afterKill < photos, "the kill came too late to test resuming");
        }
        r = runCli(QStringList{"index", "--db", db} + modelArgs() + QStringList{root});
        QVERIFY2(r.code == 0, qPrintable(r.out));
        QCOMPARE(counts(r.out)["embedded"], int(photos - afterKill));  // no committed work redone
        double worst = 0;
        QVERIFY2(sameVectors(vectorsByHash(db), vectorsByHash(reference), &worst),
                 qPrintable(QString("max |diff| %1").arg(worst)));
    }

    // Killed while recording a first scan's files (one transaction per group of files): the
    // store holds whole groups, the first files in scan order, and a new run reads the rest.
    void sigkillWhileRecordingFilesKeepsWholeGroups() {
        QTemporaryDir dir;
        const QString root = QDir(dir.path()).canonicalPath() + "/many";
        QDir().mkpath(root);
        const int files = 6000;  // ~0.5 s of recording on the 2-core VM: room to kill in between
        std::vector<std::string> paths;
        for (int i = 0; i < files; ++i) {
            QImage image(8, 8, QImage::Format_RGB888);
            image.fill(qRgb(i % 256, (i / 256) % 256, 77));
            const QString path = root + QString("/p%1.png").arg(i, 5, 10, QChar('0'));
            QVERIFY(image.save(path, "PNG"));
            paths.push_back(path.toStdString());
        }
        const QString db = dir.filePath("lib.sqlite3");
        LibraryStore peek(db.toStdString());
        QProcess process;
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(QStringLiteral(ABC_CLI_PATH),
                      QStringList{"index", "--db", db} + modelArgs() + QStringList{root});
        QVERIFY(process.waitForStarted());
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 60000 && process.state() == QProcess::Running &&
               peek.fileCount() == 0) {
            QThread::usleep(500);
        }
        QVERIFY2(process.state() == QProcess::Running,
                 "indexing finished before it could be killed");
        ::kill(static_cast<pid_t>(process.processId()), SIGKILL);
        QVERIFY(process.waitForFinished());
        QCOMPARE(process.exitStatus(), QProcess::CrashExit);

        LibraryStore store(db.toStdString());
        QCOMPARE(QString::fromStdString(store.integrityCheck()), QStringLiteral("ok"));
        const auto recorded = store.filesUnder(root.toStdString());
        qInfo("killed with %zu of %d files recorded", recorded.size(), files);
        QVERIFY(!recorded.empty());
        QVERIFY2(recorded.size() < std::size_t(files), "the kill came too late to test resuming");
        for (std::size_t i = 0; i < recorded.size(); ++i) {
            QCOMPARE(QString::fromStdString(recorded[i].first.path),
                     QString::fromStdString(paths[i]));
        }
        QCOMPARE(store.photoCount(), std::int64_t(recorded.size()));

        // A new run (the model does not matter to the scan) reads exactly the files left.
        test::FakeEmbedder embedder;
        test::FakeDecoder decoder;
        PhotoIndexer indexer(store, embedder, decoder);
        IndexOptions options;
        options.folders = {root.toStdString()};
        const auto summary = indexer.run(options);
        QCOMPARE(summary.unchanged, recorded.size());
        QCOMPARE(summary.added, files - recorded.size());
        QCOMPARE(summary.moved + summary.changed + summary.failed, std::size_t{0});
        QCOMPARE(store.fileCount(), std::int64_t{files});
        QCOMPARE(store.photoCount(), std::int64_t{files});
    }

    void twoProcessesOnOneDatabaseStayConsistent() {
        QTemporaryDir dir;
        const QString root = QDir(dir.path()).canonicalPath();
        for (int i = 0; i < 5; ++i) {
            writeImage(root + QString("/a/p%1.png").arg(i), i);
            writeImage(root + QString("/b/q%1.png").arg(i), 50 + i);
        }
        writeImage(root + "/b/same-as-a0.png", 0);  // the same content in both folders
        const QString db = dir.filePath("lib.sqlite3");
        QProcess first;
        QProcess second;
        first.setProcessChannelMode(QProcess::MergedChannels);
        second.setProcessChannelMode(QProcess::MergedChannels);
        first.start(QStringLiteral(ABC_CLI_PATH),
                    QStringList{"index", "--db", db, "--batch-tokens", "1"} + modelArgs() +
                        QStringList{root + "/a"});
        second.start(QStringLiteral(ABC_CLI_PATH),
                     QStringList{"index", "--db", db, "--batch-tokens", "1"} + modelArgs() +
                         QStringList{root + "/b"});
        QVERIFY(first.waitForFinished(120000));
        QVERIFY(second.waitForFinished(120000));
        const QString out = QString::fromUtf8(first.readAll() + second.readAll());
        QVERIFY2(first.exitCode() == 0 && second.exitCode() == 0, qPrintable(out));
        LibraryStore store(db.toStdString());
        QCOMPARE(QString::fromStdString(store.integrityCheck()), QStringLiteral("ok"));
        QCOMPARE(store.fileCount(), std::int64_t{11});
        QCOMPARE(store.photoCount(), std::int64_t{10});
        QCOMPARE(store.models().size(), std::size_t{1});
        QCOMPARE(store.models()[0].plainVectors, std::int64_t{10});
        QCOMPARE(store.folders().size(), std::size_t{2});
    }

    void compareAndNewerDatabaseMessages() {
        auto r = runCli(QStringList{"compare", "--json", "--image",
                                    QStringLiteral(ABC_REFERENCE_DIR "/images/dog_and_cat.jpg"),
                                    "--instruction", "what is the animal on the left?",
                                    "--instruction", "what is the animal on the right?",
                                    "--candidate", "a dog", "--candidate", "a cat"} +
                        modelArgs());
        QVERIFY2(r.code == 0, qPrintable(r.out));
        const auto json = QJsonDocument::fromJson(r.out.mid(r.out.indexOf('{')).toUtf8()).object();
        const auto matrix = json["matrix"].toArray();
        QCOMPARE(matrix.size(), 2);
        QCOMPARE(matrix[0].toArray().size(), 2);
        QVERIFY(matrix[0].toArray()[0].toDouble() != matrix[1].toArray()[0].toDouble());

        QTemporaryDir dir;
        const QString db = dir.filePath("lib.sqlite3");
        { LibraryStore store(db.toStdString()); }
        {
            QProcess sqlite;
            sqlite.start("sqlite3", {db, "PRAGMA user_version = 99;"});
            QVERIFY(sqlite.waitForFinished());
        }
        r = runCli({"status", "--db", db});
        QVERIFY(r.code != 0);
        QVERIFY2(r.out.contains("newer version of ABC Photos"), qPrintable(r.out));
    }
};

QTEST_GUILESS_MAIN(TestLibraryCli)
#include "test_library_cli.moc"
