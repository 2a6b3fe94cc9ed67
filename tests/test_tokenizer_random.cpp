// 10,000 fixed-seed random strings and 1,000 random id sequences, with the ids and texts the
// Rust `tokenizers` library gives (tools/reference/tokenizer_random.py): every one must match.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include "core/text/token_cases.h"
#include "core/text/tokenizer.h"

class TestTokenizerRandom : public QObject {
    Q_OBJECT

  private:
    std::optional<abc::Tokenizer> tokenizer_;
    QList<QByteArray> lines_;
    QJsonObject header_;

  private slots:
    void initTestCase() {
        tokenizer_ = abc::Tokenizer::fromModelDir(ABC_REFERENCE_DIR "/tokenizer");
        QFile file(QStringLiteral(ABC_TEST_DATA_DIR "/tokenizer/random_cases.jsonl.qz"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray raw = qUncompress(file.readAll());
        QVERIFY(!raw.isEmpty());
        lines_ = raw.split('\n');
        while (!lines_.isEmpty() && lines_.last().isEmpty()) {
            lines_.removeLast();
        }
        header_ = QJsonDocument::fromJson(lines_.takeFirst()).object();
        QCOMPARE(header_.value(QStringLiteral("format")).toString(),
                 QStringLiteral("abc-tokenizer-random/1"));
    }

    void encodesAllRandomStringsLikeRustTokenizers() {
        const int expected = header_.value(QStringLiteral("encode")).toInt();
        QCOMPARE(expected, 10000);
        int checked = 0;
        int mismatches = 0;
        for (const QByteArray& line : lines_) {
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            if (o.contains(QStringLiteral("text_skip"))) {
                continue;
            }
            // Exact bytes: Qt's UTF-8 decoding would drop a leading U+FEFF.
            const auto expected = abc::parseTokenizedText(line.toStdString());
            const auto ids = tokenizer_->encode(expected.text);
            if (ids != expected.ids) {
                if (++mismatches <= 10) {
                    qWarning("mismatch: %s", line.constData());
                }
            }
            ++checked;
        }
        QCOMPARE(checked, expected);
        QCOMPARE(mismatches, 0);
    }

    void decodesAllRandomIdSequencesLikeRustTokenizers() {
        const int expected = header_.value(QStringLiteral("decode")).toInt();
        QVERIFY(expected >= 1000);
        int checked = 0;
        for (const QByteArray& line : lines_) {
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            if (!o.contains(QStringLiteral("text_skip"))) {
                continue;
            }
            const auto plain = abc::parseTokenizedText(line.toStdString(), "text");
            const auto skipped = abc::parseTokenizedText(line.toStdString(), "text_skip");
            QCOMPARE(QByteArray::fromStdString(tokenizer_->decode(plain.ids, false)),
                     QByteArray::fromStdString(plain.text));
            QCOMPARE(QByteArray::fromStdString(tokenizer_->decode(plain.ids, true)),
                     QByteArray::fromStdString(skipped.text));
            ++checked;
        }
        QCOMPARE(checked, expected);
    }
};

QTEST_GUILESS_MAIN(TestTokenizerRandom)
#include "test_tokenizer_random.moc"
