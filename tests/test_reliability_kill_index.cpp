// The real `abc-photos-cli index` process SIGKILLed at 50 moments chosen with a fixed seed and
// restarted each time. A photo library is years of someone's life: after every kill the SQLite
// file must pass PRAGMA integrity_check, every vector committed before the kill must still be
// there byte for byte, and once a run finishes the library must equal an uninterrupted run's.
#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "core/io/error.h"
#include "core/library/library_store.h"
#include "core/library/sqlite_database.h"
#include "tests/support/cli_process.h"
#include "tests/support/photo_files.h"

using namespace abc;

namespace {

constexpr int kPhotos = 60;
constexpr int kKills = 50;
constexpr unsigned kSeed = 20261207;

// Small images and batches: many commits per run, so kills land between and inside them.
QStringList indexArgs(const QString& folder, const QString& db) {
    return QStringList{"index",
                       folder,
                       "--db",
                       db,
                       "--max-image-tokens",
                       "16",
                       "--batch-tokens",
                       "48",
                       "--decode-threads",
                       "1"} +
           test::tinyModelArgs();
}

// (content hash, model fingerprint, instruction) -> the stored vector BLOB.
using VectorKey = std::tuple<std::string, std::string, std::string>;
struct LibrarySnapshot {
    std::map<VectorKey, std::vector<std::uint8_t>> vectors;
    std::map<std::string, std::string> files;  // path -> content hash
    std::size_t failures = 0;
};

// Opens the file as the next run would (recovering the WAL) and reads what is committed.
LibrarySnapshot readLibrary(const QString& db) {
    LibrarySnapshot snapshot;
    if (!QFileInfo::exists(db)) {
        return snapshot;  // killed before the file was created
    }
    SqliteDatabase database(db.toStdString());
    SqliteStatement check(database, "PRAGMA integrity_check");
    std::vector<std::string> problems;
    while (check.step()) {
        problems.push_back(check.columnText(0));
    }
    if (problems != std::vector<std::string>{"ok"}) {
        std::string text;
        for (const auto& p : problems) {
            text += p + "\n";
        }
        throw Error(db.toStdString(), "integrity_check: " + text);
    }
    // A run killed before its schema was committed leaves an empty file.
    SqliteStatement tables(database, "SELECT count(*) FROM sqlite_master WHERE name = 'vectors'");
    if (!tables.step() || tables.columnInt(0) == 0) {
        return snapshot;
    }
    SqliteStatement vectors(database,
                            "SELECT p.content_hash, m.fingerprint, v.instruction, v.vector "
                            "FROM vectors v JOIN photos p ON p.id = v.photo_id "
                            "JOIN models m ON m.id = v.model_id");
    while (vectors.step()) {
        const auto blob = vectors.columnBlob(3);
        snapshot.vectors[{vectors.columnText(0), vectors.columnText(1), vectors.columnText(2)}] =
            std::vector<std::uint8_t>(blob.begin(), blob.end());
    }
    SqliteStatement files(database,
                          "SELECT f.path, p.content_hash FROM files f JOIN photos p ON p.id = "
                          "f.photo_id");
    while (files.step()) {
        snapshot.files[files.columnText(0)] = files.columnText(1);
    }
    SqliteStatement failures(database, "SELECT count(*) FROM failures");
    failures.step();
    snapshot.failures = static_cast<std::size_t>(failures.columnInt(0));
    return snapshot;
}

float maxAbsDifference(const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b) {
    const auto x = decodeVector(a.data(), a.size());
    const auto y = decodeVector(b.data(), b.size());
    if (x.size() != y.size()) {
        return INFINITY;
    }
    float worst = 0.0f;
    for (std::size_t i = 0; i < x.size(); ++i) {
        worst = std::max(worst, std::fabs(x[i] - y[i]));
    }
    return worst;
}

}  // namespace

class TestReliabilityKillIndex : public QObject {
    Q_OBJECT

  private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        photos_ = dir_.filePath("photos");
        test::writePatternPhotos(photos_, 0, kPhotos);
        QElapsedTimer clock;
        clock.start();
        const auto result = test::runCli(indexArgs(photos_, dir_.filePath("reference.sqlite3")));
        fullRunMs_ = clock.elapsed();
        QVERIFY2(result.exitCode == 0, result.err.constData());
        reference_ = readLibrary(dir_.filePath("reference.sqlite3"));
        QCOMPARE(reference_.vectors.size(), std::size_t(kPhotos));
        QCOMPARE(reference_.files.size(), std::size_t(kPhotos));
        qInfo("uninterrupted run: %lld ms for %d photos", static_cast<long long>(fullRunMs_),
              kPhotos);
    }

    void killedRunsLoseNothing() {
        std::mt19937 random(kSeed);
        std::uniform_int_distribution<qint64> moment(0, fullRunMs_);
        int kills = 0;
        int completedLibraries = 0;
        int round = 0;
        int identicalVectors = 0;
        float worstDifference = 0.0f;
        QString db = dir_.filePath("killed0.sqlite3");
        LibrarySnapshot before;
        bool lastRunFinished = false;
        while (kills < kKills || !lastRunFinished) {
            // After the last kill, the library is finished by one run left alone.
            const qint64 killAfterMs = kills < kKills ? moment(random) : 120000;
            QProcess process;
            process.start(QStringLiteral(ABC_CLI_PATH), indexArgs(photos_, db));
            QVERIFY(process.waitForStarted());
            const bool finished = process.waitForFinished(static_cast<int>(killAfterMs));
            lastRunFinished = finished;
            if (!finished) {
                process.kill();  // SIGKILL: no handler runs, nothing is flushed
                QVERIFY(process.waitForFinished(30000));
                ++kills;
            } else {
                QVERIFY2(process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0,
                         process.readAllStandardError().constData());
            }

            LibrarySnapshot after;
            try {
                after = readLibrary(db);
            } catch (const std::exception& e) {
                QFAIL(qPrintable(QString("after kill %1 (%2 ms): %3")
                                     .arg(kills)
                                     .arg(killAfterMs)
                                     .arg(e.what())));
            }
            for (const auto& [key, blob] : before.vectors) {
                const auto it = after.vectors.find(key);
                QVERIFY2(it != after.vectors.end(),
                         qPrintable(QString("a committed vector of %1 vanished after kill %2")
                                        .arg(QString::fromStdString(std::get<0>(key)))
                                        .arg(kills)));
                QVERIFY2(it->second == blob, "a committed vector changed after a kill");
            }

            if (finished) {
                // The run that got to the end: the library equals the uninterrupted one's.
                QCOMPARE(after.files, reference_.files);
                QCOMPARE(after.failures, reference_.failures);
                QCOMPARE(after.vectors.size(), reference_.vectors.size());
                for (const auto& [key, blob] : reference_.vectors) {
                    const auto it = after.vectors.find(key);
                    QVERIFY(it != after.vectors.end());
                    const float difference = maxAbsDifference(it->second, blob);
                    // Restarts batch photos differently; fp32 on the CPU agrees to rounding.
                    QVERIFY2(difference <= 1e-5f, qPrintable(QString::number(difference)));
                    worstDifference = std::max(worstDifference, difference);
                    identicalVectors += it->second == blob ? 1 : 0;
                }
                ++completedLibraries;
                db = dir_.filePath(QString("killed%1.sqlite3").arg(++round));
                before = {};
            } else {
                before = std::move(after);
            }
        }
        qInfo(
            "%d kills, %d libraries completed after kills, %d of %d vectors byte-identical to "
            "the uninterrupted run, worst difference %g",
            kills, completedLibraries, identicalVectors, completedLibraries * kPhotos,
            static_cast<double>(worstDifference));
        QVERIFY2(completedLibraries >= 1, "no library was finished after its kills");
    }

  private:
    QTemporaryDir dir_;
    QString photos_;
    qint64 fullRunMs_ = 0;
    LibrarySnapshot reference_;
};

QTEST_GUILESS_MAIN(TestReliabilityKillIndex)
#include "test_reliability_kill_index.moc"
