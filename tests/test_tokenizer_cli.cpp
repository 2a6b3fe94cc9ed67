// `abc-photos-cli tokenize` prints the reference ids for every reference case, in order, and
// fails cleanly on bad arguments.
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "support/cli_process.h"

#include "core/text/token_cases.h"

namespace {

const QString kTokenizerDir = QStringLiteral(ABC_REFERENCE_DIR "/tokenizer");

using abc::test::runCli;
using Result = abc::test::CliResult;

QList<QByteArray> nonEmptyLines(const QByteArray& bytes) {
    QList<QByteArray> lines;
    for (const QByteArray& line : bytes.split('\n')) {
        if (!line.trimmed().isEmpty()) {
            lines.append(line);
        }
    }
    return lines;
}

}  // namespace

class TestTokenizerCli : public QObject {
    Q_OBJECT

  private slots:
    void printsTheReferenceIdsForEveryCase() {
        const QString casesPath = kTokenizerDir + QStringLiteral("/cases.jsonl");
        const Result r = runCli({QStringLiteral("tokenize"), QStringLiteral("--model"),
                                 kTokenizerDir, QStringLiteral("--cases"), casesPath});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QFile file(casesPath);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const auto expected = nonEmptyLines(file.readAll());
        const auto got = nonEmptyLines(r.out);
        QCOMPARE(got.size(), expected.size());
        for (qsizetype i = 0; i < got.size(); ++i) {
            QVERIFY2(got[i].startsWith("{\"text\":"), got[i].constData());
            // Exact bytes on both sides (Qt's UTF-8 decoding would drop a leading U+FEFF).
            const auto g = abc::parseTokenizedText(got[i].toStdString());
            const auto e = abc::parseTokenizedText(expected[i].toStdString());
            QCOMPARE(QByteArray::fromStdString(g.text), QByteArray::fromStdString(e.text));
            QVERIFY2(g.ids == e.ids, got[i].constData());
        }
    }

    void tokenizesOneText() {
        const Result r =
            runCli({QStringLiteral("tokenize"), QStringLiteral("--model"), kTokenizerDir,
                    QStringLiteral("--text"), QStringLiteral("Hello, world!")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out, QByteArray("{\"text\":\"Hello, world!\",\"ids\":[9707,11,1879,0]}\n"));
    }

    void timesEncoding() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("text.txt"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray("A photo of a dog on the beach. ").repeated(200));
        file.close();
        const Result r = runCli({QStringLiteral("tokenize"), QStringLiteral("--model"),
                                 kTokenizerDir, QStringLiteral("--bench"), path,
                                 QStringLiteral("--repeat"), QStringLiteral("2")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.out.contains("tokens 1801\n"), r.out.constData());
        QVERIFY(r.out.contains("tokens_per_s "));

        QFile lines(dir.filePath(QStringLiteral("lines.txt")));
        QVERIFY(lines.open(QIODevice::WriteOnly));
        lines.write("a dog\na cat\nHello, world!");
        lines.close();
        const Result perLine =
            runCli({QStringLiteral("tokenize"), QStringLiteral("--model"), kTokenizerDir,
                    QStringLiteral("--bench"), lines.fileName(), QStringLiteral("--per-line")});
        QVERIFY2(perLine.exitCode == 0, perLine.err.constData());
        QVERIFY2(perLine.out.contains("texts 3\ntokens 8\n"), perLine.out.constData());
    }

    void failsCleanlyOnBadInput() {
        QTemporaryDir dir;
        Result r = runCli({QStringLiteral("tokenize"), QStringLiteral("--model"), dir.path(),
                           QStringLiteral("--text"), QStringLiteral("x")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("tokenizer.json"), r.err.constData());

        r = runCli({QStringLiteral("tokenize"), QStringLiteral("--model"), kTokenizerDir});
        QVERIFY(r.exitCode != 0);

        const QString bad = dir.filePath(QStringLiteral("bad.jsonl"));
        QFile file(bad);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"text\": \"ok\"}\n{\"ids\": []}\n");
        file.close();
        r = runCli({QStringLiteral("tokenize"), QStringLiteral("--model"), kTokenizerDir,
                    QStringLiteral("--cases"), bad});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("line 2"), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestTokenizerCli)
#include "test_tokenizer_cli.moc"
