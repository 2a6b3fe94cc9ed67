// `abc-photos-cli tags add|list|apply|show` through the real process, a real library file and
// the tiny ABC checkpoint: each photo's label is the one `search` scores best for it, the
// scores are search's, tags stay through a re-index, an edited set is refused by `show` until
// applied again, a threshold and a label filter, and the errors name the set.
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <map>

#include "support/cli_process.h"
#include "support/photo_files.h"

namespace {

using Run = abc::test::CliText;

Run cli(const QStringList& args) {
    return abc::test::runCliText(args);
}

QJsonDocument json(const Run& run) {
    QJsonParseError error;
    const auto document = QJsonDocument::fromJson(run.out.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError) {
        qFatal("not JSON (%s): %s", qPrintable(error.errorString()), qPrintable(run.all));
    }
    return document;
}

// path -> score of a `search --json` for one text over the whole library.
std::map<QString, double> searchScores(const QString& db, const QString& text) {
    const Run r = cli(QStringList{"search", "--db", db, "--json", "--top", "1000"} +
                      abc::test::tinyModelArgs() + QStringList{text});
    if (r.code != 0) {
        qFatal("search failed: %s", qPrintable(r.all));
    }
    std::map<QString, double> scores;
    for (const auto& hit : json(r).array()) {
        scores[hit.toObject()["path"].toString()] = hit.toObject()["score"].toDouble();
    }
    return scores;
}

}  // namespace

class TestCliTags : public QObject {
    Q_OBJECT

  private slots:
    void addApplyShowFollowSearchScores() {
        QTemporaryDir dir;
        const QString root = QDir(dir.path()).canonicalPath() + "/photos";
        abc::test::writePatternPhotos(root, 30, 5);
        const QString db = dir.filePath("lib.sqlite3");
        const QStringList model = abc::test::tinyModelArgs();
        auto r = cli(QStringList{"index", "--db", db} + model + QStringList{root});
        QVERIFY2(r.code == 0, qPrintable(r.all));

        const QStringList labels = {"a red square", "a blue circle", "green grass"};
        r = cli(QStringList{"tags", "add", "--db", db, "shapes"} + labels);
        QVERIFY2(r.code == 0, qPrintable(r.all));
        QVERIFY2(r.out.contains("added tag set shapes: 3 labels, top 1"), qPrintable(r.all));

        r = cli({"tags", "list", "--db", db, "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.all));
        std::map<QString, QJsonObject> sets;
        for (const auto& set : json(r).array()) {
            sets[set.toObject()["name"].toString()] = set.toObject();
        }
        QVERIFY(sets.count("scenes") && sets.count("animals") && sets.count("documents"));
        QCOMPARE(sets["shapes"]["labels"].toArray().size(), 3);
        QCOMPARE(sets["shapes"]["top_k"].toInt(), 1);
        QVERIFY(sets["shapes"]["applied"].toArray().isEmpty());

        r = cli({"tags", "show", "--db", db, "shapes"});
        QVERIFY(r.code != 0);
        QVERIFY2(r.all.contains("tag set shapes: was never applied"), qPrintable(r.all));

        r = cli(QStringList{"tags", "apply", "--db", db, "--json"} + model + QStringList{"shapes"});
        QVERIFY2(r.code == 0, qPrintable(r.all));
        auto summary = json(r).object();
        QCOMPARE(summary["scored"].toInt(), 5);
        QCOMPARE(summary["tagged"].toInt(), 5);
        QCOMPARE(summary["embedded"].toInt(), 0);

        // Each photo's label is the label whose search scores it best, with search's score.
        std::map<QString, std::map<QString, double>> scoreOf;  // label -> path -> score
        for (const auto& label : labels) {
            scoreOf[label] = searchScores(db, label);
        }
        const auto checkShow = [&] {
            const Run shown = cli({"tags", "show", "--db", db, "shapes", "--json"});
            QVERIFY2(shown.code == 0, qPrintable(shown.all));
            const auto photos = json(shown).object()["photos"].toArray();
            QCOMPARE(photos.size(), 5);
            int counted = 0;
            for (const auto& photo : photos) {
                const QString path = photo.toObject()["path"].toString();
                const auto given = photo.toObject()["labels"].toArray();
                QCOMPARE(given.size(), 1);
                const QString label = given[0].toObject()["label"].toString();
                const double score = given[0].toObject()["score"].toDouble();
                QVERIFY2(std::abs(score - scoreOf[label].at(path)) < 1e-5, qPrintable(path));
                for (const auto& other : labels) {
                    QVERIFY2(scoreOf[other].at(path) <= scoreOf[label].at(path) + 1e-6,
                             qPrintable(path + " scores higher for " + other));
                }
                ++counted;
            }
            int total = 0;
            for (const auto& count : json(shown).object()["counts"].toObject()) {
                total += count.toInt();
            }
            QCOMPARE(total, counted);
        };
        checkShow();

        // Index again (one photo more): the tags of the five are still there.
        abc::test::writeImage(root + "/later.png", 90);
        r = cli(QStringList{"index", "--db", db} + model + QStringList{root});
        QVERIFY2(r.code == 0, qPrintable(r.all));
        checkShow();

        // The set edited: show refuses the old results; apply makes new ones, for all six.
        r = cli({"tags", "add", "--db", db, "shapes", "a cat", "a dog", "--threshold", "-1"});
        QVERIFY2(r.code == 0, qPrintable(r.all));
        QVERIFY2(r.out.contains("replaced tag set shapes: 2 labels, score >= -1"),
                 qPrintable(r.all));
        r = cli({"tags", "show", "--db", db, "shapes"});
        QVERIFY(r.code != 0);
        QVERIFY2(r.all.contains("changed since it was applied"), qPrintable(r.all));
        r = cli(QStringList{"tags", "apply", "--db", db, "--json"} + model + QStringList{"shapes"});
        QVERIFY2(r.code == 0, qPrintable(r.all));
        summary = json(r).object();
        QCOMPARE(summary["scored"].toInt(), 6);
        // Every cosine is >= -1: both labels on every photo.
        QCOMPARE(summary["counts"].toObject()["a cat"].toInt(), 6);
        QCOMPARE(summary["counts"].toObject()["a dog"].toInt(), 6);
        r = cli({"tags", "show", "--db", db, "shapes", "--label", "a dog", "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.all));
        QCOMPARE(json(r).object()["photos"].toArray().size(), 6);
        QCOMPARE(json(r).object()["photos"].toArray()[0].toObject()["labels"].toArray().size(), 2);

        // No cosine reaches 1.0 between a text and these pictures: no label given.
        r = cli({"tags", "add", "--db", db, "shapes", "a cat", "--threshold", "1"});
        QVERIFY2(r.code == 0, qPrintable(r.all));
        r = cli(QStringList{"tags", "apply", "--db", db} + model + QStringList{"shapes"});
        QVERIFY2(r.code == 0, qPrintable(r.all));
        QVERIFY2(r.out.contains("tagged 0 of 6 photos with shapes"), qPrintable(r.all));
        r = cli({"tags", "show", "--db", db, "shapes", "--label", "a dog"});
        QVERIFY(r.code != 0);
        QVERIFY2(r.all.contains("has no label \"a dog\""), qPrintable(r.all));
    }

    void errorsNameTheSet() {
        QTemporaryDir dir;
        const QString db = dir.filePath("lib.sqlite3");
        auto r = cli(QStringList{"index", "--db", db} + abc::test::tinyModelArgs() +
                     QStringList{dir.path()});
        QVERIFY2(r.code == 0, qPrintable(r.all));
        r = cli({"tags", "show", "--db", db, "nosuch"});
        QVERIFY(r.code != 0);
        QVERIFY2(r.all.contains("tag set nosuch: is not in the library"), qPrintable(r.all));
        r = cli({"tags", "add", "--db", db, "twice", "a", "a"});
        QVERIFY(r.code != 0);
        QVERIFY2(r.all.contains("lists the label \"a\" twice"), qPrintable(r.all));
        r = cli({"tags", "add", "--db", db, "both", "a", "--top-k", "2", "--threshold", "0.1"});
        QCOMPARE(r.code, 2);  // a malformed command line
    }
};

QTEST_GUILESS_MAIN(TestCliTags)
#include "test_cli_tags.moc"
