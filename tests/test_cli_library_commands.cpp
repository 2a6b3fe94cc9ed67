// abc-photos-cli's library commands as a user sees them, through the real process, the real
// SQLite file and the tiny ABC checkpoint: the failure list of `index` and `status`, `index`
// without folders, `duplicates` and the `compare` table.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <map>
#include <set>

#include "core/library/library_store.h"
#include "support/cli_process.h"
#include "support/photo_files.h"

using namespace abc;
using abc::test::writeFile;
using abc::test::writeImage;

namespace {

const QString kTiny = QStringLiteral(ABC_REFERENCE_DIR "/tiny-abc");

QStringList modelArgs() {
    return test::tinyModelArgs();
}

using Run = test::CliText;

Run cli(const QStringList& args) {
    return test::runCliText(args);
}

// "word N" pairs of the summary line (`failed 2 + 1 earlier` gives failed=2, earlier=1).
std::map<QString, int> counts(const QString& out) {
    std::map<QString, int> result;
    static const QRegularExpression word(
        QStringLiteral("(scanned|unchanged|added|changed|moved|removed|embedded|failed) (\\d+)"));
    for (auto it = word.globalMatch(out); it.hasNext();) {
        const auto m = it.next();
        result[m.captured(1)] = m.captured(2).toInt();
    }
    static const QRegularExpression earlier(QStringLiteral("failed \\d+ \\+ (\\d+) earlier"));
    const auto m = earlier.match(out);
    result["earlier"] = m.hasMatch() ? m.captured(1).toInt() : 0;
    return result;
}

// The "could not index N ...:" block: N and each "  path: reason" line after it.
struct FailureList {
    int announced = -1;
    std::map<QString, QString> reasons;
};

FailureList failureList(const QString& out) {
    FailureList list;
    static const QRegularExpression header(QStringLiteral("^could not index (\\d+) "));
    static const QRegularExpression entry(QStringLiteral("^  (/.*?): (.+)$"));
    bool inList = false;
    for (const QString& line : out.split('\n')) {
        if (const auto h = header.match(line); h.hasMatch()) {
            list.announced = h.captured(1).toInt();
            inList = true;
        } else if (const auto e = entry.match(line); inList && e.hasMatch()) {
            list.reasons[e.captured(1)] = e.captured(2);
        } else {
            inList = false;
        }
    }
    return list;
}

}  // namespace

class TestCliLibraryCommands : public QObject {
    Q_OBJECT

  private slots:
    void initTestCase() {
        QVERIFY2(QFileInfo::exists(kTiny + "/Qwen2-VL/config.json"),
                 "the tiny checkpoint is missing");
    }

    // A damaged and a truncated JPEG: `index` names each with a reason and counts them in its
    // summary; `status` (text and JSON) lists them again; a later run, which does not retry
    // them, still counts what it lists.
    void indexAndStatusListEveryFailure() {
        QTemporaryDir dir;
        const QString root = QDir(dir.path()).canonicalPath() + "/photos";
        writeImage(root + "/good1.png", 1);
        writeImage(root + "/sub/good2.png", 2);
        const QString damaged = root + "/damaged.jpg";
        writeFile(damaged, QByteArray::fromHex("ffd8ffe0") + QByteArray(600, '\x5a'));
        QByteArray jpeg;
        {
            QFile source(QStringLiteral(ABC_REFERENCE_DIR "/images/dog_and_cat.jpg"));
            QVERIFY(source.open(QIODevice::ReadOnly));
            jpeg = source.readAll();
            QVERIFY(jpeg.size() > 2000);
        }
        const QString truncated = root + "/sub/truncated.jpg";
        writeFile(truncated, jpeg.left(jpeg.size() / 2));
        const QString db = dir.filePath("lib.sqlite3");

        auto r = cli(QStringList{"index", "--db", db} + modelArgs() + QStringList{root});
        QVERIFY2(r.code == 0, qPrintable(r.all));
        auto c = counts(r.out);
        QCOMPARE(c["scanned"], 4);
        QCOMPARE(c["embedded"], 2);
        QCOMPARE(c["failed"], 2);
        QCOMPARE(c["earlier"], 0);
        auto list = failureList(r.out);
        QVERIFY2(list.announced == 2, qPrintable(r.out));
        QCOMPARE(list.reasons.size(), std::size_t{2});
        QVERIFY2(list.reasons.count(damaged) && list.reasons.count(truncated), qPrintable(r.out));
        QVERIFY2(list.reasons[truncated].contains("truncated"), qPrintable(r.out));

        // status, text: the same two paths, each with its reason.
        r = cli({"status", "--db", db});
        QVERIFY2(r.code == 0, qPrintable(r.all));
        const auto statusList = failureList(r.out);
        QCOMPARE(statusList.announced, 2);
        QCOMPARE(statusList.reasons, list.reasons);

        // status --json: `failures` holds {path, reason} for each.
        r = cli({"status", "--db", db, "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.all));
        const auto status = QJsonDocument::fromJson(r.out.toUtf8()).object();
        const auto failures = status["failures"].toArray();
        QCOMPARE(failures.size(), 2);
        std::map<QString, QString> jsonReasons;
        for (const auto& f : failures) {
            jsonReasons[f.toObject()["path"].toString()] = f.toObject()["reason"].toString();
        }
        QCOMPARE(jsonReasons, list.reasons);
        QCOMPARE(status["models"].toArray().size(), 1);
        QCOMPARE(status["models"].toArray()[0].toObject()["vectors"].toInt(), 2);

        // Again: nothing is retried (failed 0) but both are listed, and the summary says so.
        r = cli(QStringList{"index", "--db", db} + modelArgs() + QStringList{root});
        QVERIFY2(r.code == 0, qPrintable(r.all));
        c = counts(r.out);
        QCOMPARE(c["failed"], 0);
        QCOMPARE(c["earlier"], 2);
        list = failureList(r.out);
        QCOMPARE(list.announced, c["failed"] + c["earlier"]);
        QCOMPARE(list.reasons.size(), std::size_t(list.announced));
        QVERIFY2(r.out.contains("--retry-failed"), qPrintable(r.out));

        // --retry-failed tries them again: this run's failures, none from earlier.
        r = cli(QStringList{"index", "--db", db, "--retry-failed"} + modelArgs() +
                QStringList{root});
        QVERIFY2(r.code == 0, qPrintable(r.all));
        c = counts(r.out);
        QCOMPARE(c["failed"], 2);
        QCOMPARE(c["earlier"], 0);
        QCOMPARE(failureList(r.out).announced, 2);
    }

    // `index` alone brings every folder of the library up to date, says clearly when there is
    // none (without creating a library for the occasion) and names a folder out of reach.
    void indexWithoutFoldersReindexesTheLibrary() {
        QTemporaryDir dir;
        const QString db = dir.filePath("lib.sqlite3");
        auto r = cli(QStringList{"index", "--db", db} + modelArgs());
        QVERIFY(r.code != 0);
        QVERIFY2(r.all.contains("index FOLDER"), qPrintable(r.all));
        QVERIFY2(!QFileInfo::exists(db), "an empty library was created");

        { LibraryStore store(db.toStdString()); }  // a library without folders
        r = cli(QStringList{"index", "--db", db} + modelArgs());
        QVERIFY(r.code != 0);
        QVERIFY2(r.all.contains("no folders yet"), qPrintable(r.all));

        const QString root = QDir(dir.path()).canonicalPath();
        writeImage(root + "/a/p1.png", 1);
        writeImage(root + "/b/q1.png", 2);
        writeImage(root + "/elsewhere/x.png", 3);  // never named: must stay out
        for (const QString folder : {"a", "b"}) {
            r = cli(QStringList{"index", "--db", db} + modelArgs() +
                    QStringList{root + "/" + folder});
            QVERIFY2(r.code == 0, qPrintable(r.all));
        }
        writeImage(root + "/a/p2.png", 4);
        writeImage(root + "/b/q2.png", 5);
        QVERIFY(QFile::remove(root + "/b/q1.png"));

        r = cli(QStringList{"index", "--db", db} + modelArgs());
        QVERIFY2(r.code == 0, qPrintable(r.all));
        QVERIFY2(r.out.contains("  " + root + "/a\n") && r.out.contains("  " + root + "/b\n"),
                 qPrintable(r.out));
        auto c = counts(r.out);
        QCOMPARE(c["scanned"], 3);
        QCOMPARE(c["unchanged"], 1);
        QCOMPARE(c["added"], 2);
        QCOMPARE(c["removed"], 1);
        QCOMPARE(c["embedded"], 2);
        {
            LibraryStore store(db.toStdString());
            QCOMPARE(store.fileCount(), std::int64_t{3});
            QVERIFY(!store.fileByPath((root + "/elsewhere/x.png").toStdString()));
            QCOMPARE(store.folders().size(), std::size_t{2});
        }

        // A library folder out of reach (moved away, a drive not mounted) is named, and what
        // the library holds there is kept.
        QVERIFY(QDir().rename(root + "/b", root + "/b-away"));
        r = cli(QStringList{"index", "--db", db} + modelArgs());
        QVERIFY2(r.code == 3, qPrintable(QString("exit %1: %2").arg(r.code).arg(r.all)));
        QVERIFY2(r.out.contains("could not reach 1 folder(s)"), qPrintable(r.out));
        QVERIFY2(r.out.contains("  " + root + "/b: ") && r.out.contains("(1 file(s) kept)"),
                 qPrintable(r.out));
        QCOMPARE(counts(r.out)["removed"], 0);
        LibraryStore store(db.toStdString());
        QCOMPARE(store.fileCount(), std::int64_t{3});
    }

    // Two byte-identical copies (one photo, two paths), the same pixels as BMP (another file
    // content, the same vector) and a different picture (a photograph, against a synthetic
    // pattern: the tiny random model puts two such patterns at 0.98).
    void duplicatesListsCopiesAndNearDuplicatesOnly() {
        QTemporaryDir dir;
        const QString root = QDir(dir.path()).canonicalPath() + "/photos";
        writeImage(root + "/original.png", 7);
        QVERIFY(QFile::copy(root + "/original.png", root + "/copy of original.png"));
        writeImage(root + "/original.bmp", 7, "BMP");
        QVERIFY(QFile::copy(QStringLiteral(ABC_REFERENCE_DIR "/images/dog_and_cat.jpg"),
                            root + "/different.jpg"));
        const QString db = dir.filePath("lib.sqlite3");
        auto r = cli(QStringList{"index", "--db", db} + modelArgs() + QStringList{root});
        QVERIFY2(r.code == 0, qPrintable(r.all));
        QCOMPARE(counts(r.out)["embedded"], 3);

        const double threshold = 0.95;
        r = cli(QStringList{"duplicates", "--db", db, "--json", "--threshold", "0.95"} +
                modelArgs());
        QVERIFY2(r.code == 0, qPrintable(r.all));
        const auto pairs = QJsonDocument::fromJson(r.out.toUtf8()).array();
        std::set<std::pair<QString, QString>> identical;
        std::set<QString> nearOriginal;
        for (const auto& value : pairs) {
            const auto pair = value.toObject();
            const QString first = QFileInfo(pair["first"].toString()).fileName();
            const QString second = QFileInfo(pair["second"].toString()).fileName();
            QVERIFY2(first != "different.jpg" && second != "different.jpg", qPrintable(r.out));
            QVERIFY2(pair["similarity"].toDouble() >= threshold, qPrintable(r.out));
            if (pair["identical"].toBool()) {
                identical.insert(std::minmax(first, second));
            } else if (first == "original.bmp" || second == "original.bmp") {
                nearOriginal.insert(first == "original.bmp" ? second : first);
            }
        }
        const std::set<std::pair<QString, QString>> copies{
            {"copy of original.png", "original.png"}};
        QCOMPARE(identical, copies);
        QCOMPARE(nearOriginal.size(), std::size_t{1});  // one pair per photo, not per path
        QVERIFY2(nearOriginal.count("original.png") || nearOriginal.count("copy of original.png"),
                 qPrintable(r.out));
        QCOMPARE(pairs.size(), 2);

        // Text: one line per pair, score first; with no threshold the different one appears.
        r = cli(QStringList{"duplicates", "--db", db, "--threshold", "-1"} + modelArgs());
        QVERIFY2(r.code == 0, qPrintable(r.all));
        qInfo("%s", qPrintable(r.out));
        const QStringList lines = r.out.split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 1 + 3);  // the copies, then every pair of the three photos
        QVERIFY2(lines[0].startsWith("1.0000  ") && lines[0].contains("copy of original.png"),
                 qPrintable(r.out));
        QVERIFY2(r.out.contains("different.jpg"), qPrintable(r.out));
    }

    // `duplicates` reads the vectors the library holds and never loads the model: it answers
    // with model folders that would fail to load and with no model anywhere (a hub id not in
    // an empty cache), the same pairs as with the model. The model options still choose which
    // of the library's vector sets it reads (here: by image detail), and a setting the library
    // has no vectors for is named.
    void duplicatesNeedNoModel() {
        QTemporaryDir dir;
        const QString root = QDir(dir.path()).canonicalPath() + "/photos";
        writeImage(root + "/original.png", 7);
        QVERIFY(QFile::copy(root + "/original.png", root + "/copy of original.png"));
        writeImage(root + "/original.bmp", 7, "BMP");
        writeImage(root + "/other.png", 3);
        const QString db = dir.filePath("lib.sqlite3");
        for (const char* tokens : {"64", "256"}) {
            const auto r = cli(QStringList{"index", "--db", db, "--max-image-tokens", tokens} +
                               modelArgs() + QStringList{root});
            QVERIFY2(r.code == 0, qPrintable(r.all));
        }
        const QStringList listing{"duplicates", "--db", db, "--json", "--threshold", "-1"};
        const auto withModel = cli(listing + modelArgs() + QStringList{"--max-image-tokens", "64"});
        QVERIFY2(withModel.code == 0, qPrintable(withModel.all));
        const auto pairs = QJsonDocument::fromJson(withModel.out.toUtf8()).array();
        QCOMPARE(pairs.size(), 1 + 3);  // the copies, then every pair of the three photos

        // Folders that look like checkpoints and would fail to load.
        const QString broken = dir.filePath("broken-model");
        QVERIFY(QDir().mkpath(broken));
        writeFile(broken + "/config.json", "{ not json");
        writeFile(broken + "/model.safetensors", "not a checkpoint");
        const QStringList brokenModel{
            "--base", broken, "--pretrain-adapter", broken, "--instruct-adapter", broken};
        auto r = cli(listing + brokenModel + QStringList{"--max-image-tokens", "64"});
        QVERIFY2(r.code == 0, qPrintable(r.all));
        QCOMPARE(r.out, withModel.out);
        // The other vector set, as the model would choose it.
        const auto withModel256 =
            cli(listing + modelArgs() + QStringList{"--max-image-tokens", "256"});
        QVERIFY2(withModel256.code == 0, qPrintable(withModel256.all));
        r = cli(listing + brokenModel + QStringList{"--max-image-tokens", "256"});
        QVERIFY2(r.code == 0, qPrintable(r.all));
        QCOMPARE(r.out, withModel256.out);
        // A detail the library has no vectors for: named, with what it has.
        r = cli(listing + brokenModel + QStringList{"--max-image-tokens", "1024"});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.all.contains("no photos are indexed with these settings (") &&
                     r.all.contains("1024 image tokens") &&
                     r.all.contains("--max-image-tokens 64") &&
                     r.all.contains("--max-image-tokens 256"),
                 qPrintable(r.all));

        // No model at all: the settings' hub ids, and a hub cache that holds nothing.
        QTemporaryDir emptyHome;
        test::CliOptions bare;
        bare.environment.insert("HF_HOME", emptyHome.path() + "/hf");
        bare.environment.insert("HF_HUB_CACHE", emptyHome.path() + "/hf/hub");
        bare.environment.insert("HF_HUB_OFFLINE", "1");
        bare.environment.insert("XDG_CONFIG_HOME", emptyHome.path() + "/config");
        const auto bareRun = test::runCli(listing + QStringList{"--max-image-tokens", "64"}, bare);
        QVERIFY2(bareRun.exitCode == 0, bareRun.out + bareRun.err);
        QCOMPARE(QString::fromUtf8(bareRun.out), withModel.out);
    }

    // The table form of `compare`: one header row of candidates, then one row per
    // instruction; every row's cells start at the same columns. The instructions given are
    // shorter than "(no instruction)", the label of "", which sets the width.
    void compareTableIsAligned() {
        const QString label = "(no instruction)";
        auto r = cli(QStringList{"compare", "--image",
                                 QStringLiteral(ABC_REFERENCE_DIR "/images/dog_and_cat.jpg"),
                                 "--instruction", "left?", "--instruction", "", "--instruction",
                                 "the right one", "--candidate", "a dog", "--candidate", "a cat"} +
                     modelArgs());
        QVERIFY2(r.code == 0, qPrintable(r.all));
        const QStringList lines = r.out.split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 4);
        QVERIFY2(lines[1].startsWith("left? "), qPrintable(r.out));
        QVERIFY2(lines[2].startsWith(label + "  "), qPrintable(r.out));
        QVERIFY2(lines[3].startsWith("the right one "), qPrintable(r.out));
        // Where each cell ends (right-aligned numbers and candidate names).
        static const QRegularExpression cell(QStringLiteral("\\S+(?= |$)"));
        std::vector<std::vector<qsizetype>> ends;
        for (int i = 0; i < lines.size(); ++i) {
            QCOMPARE(lines[i].size(), lines[0].size());
            const QString cells = lines[i].mid(label.size());
            QVERIFY2(cells.startsWith("  "), qPrintable(r.out));
            std::vector<qsizetype> row;
            for (auto it = cell.globalMatch(cells); it.hasNext();) {
                const auto m = it.next();
                row.push_back(m.capturedEnd());
            }
            ends.push_back(row);
        }
        QVERIFY2(ends[0].size() == 4, qPrintable(r.out));  // "a", "dog", "a", "cat"
        const std::vector<qsizetype> columns{ends[0][1], ends[0][3]};
        for (int i = 1; i < lines.size(); ++i) {
            QVERIFY2(ends[i] == columns, qPrintable(r.out));
        }
    }
};

QTEST_GUILESS_MAIN(TestCliLibraryCommands)
#include "test_cli_library_commands.moc"
