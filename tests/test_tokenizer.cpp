// The tokenizer against the reference goldens (tokenizers-compatible ids and decoded text),
// both merge spellings of tokenizer.json, malformed files, and concurrent use.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <future>
#include <string>
#include <vector>

#include "core/io/error.h"
#include "core/text/regex_splitter.h"
#include "core/text/token_cases.h"
#include "core/text/tokenizer.h"
#include "core/text/unicode_normalizer.h"

namespace {

const QString kTokenizerDir = QStringLiteral(ABC_REFERENCE_DIR "/tokenizer");

struct Case {
    std::string text;
    std::vector<std::int64_t> ids;
};

// Texts are read as exact bytes (Qt's UTF-8 decoding would drop a leading U+FEFF).
std::vector<Case> readCases(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        qFatal("cannot open %s", qPrintable(path));
    }
    std::vector<Case> cases;
    for (const QByteArray& line : file.readAll().split('\n')) {
        if (line.trimmed().isEmpty()) {
            continue;
        }
        auto parsed = abc::parseTokenizedText(line.toStdString());
        cases.push_back({std::move(parsed.text), std::move(parsed.ids)});
    }
    return cases;
}

QByteArray idsText(const std::vector<std::int64_t>& ids) {
    QByteArray s;
    for (const auto id : ids) {
        s += QByteArray::number(static_cast<qlonglong>(id)) + ' ';
    }
    return s;
}

void writeFile(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size()) {
        qFatal("cannot write %s", qPrintable(path));
    }
}

}  // namespace

class TestTokenizer : public QObject {
    Q_OBJECT

  private:
    std::optional<abc::Tokenizer> tokenizer_;
    std::vector<Case> encodeCases_;

    const abc::Tokenizer& tok() const { return *tokenizer_; }

    // The error a malformed tokenizer.json gives; fails the test when loading succeeds.
    static QString loadError(const QByteArray& json, QString* path = nullptr) {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("tokenizer.json"));
        writeFile(file, json);
        if (path) {
            *path = file;
        }
        try {
            abc::Tokenizer::fromFile(file.toStdString());
        } catch (const abc::Error& e) {
            if (e.subject() != file.toStdString()) {
                return QStringLiteral("wrong subject: ") + QString::fromStdString(e.what());
            }
            return QString::fromStdString(e.problem());
        }
        return QStringLiteral("<loaded>");
    }

    static QByteArray minimalJson(const QByteArray& model, const QByteArray& extra = {}) {
        return R"({"normalizer":{"type":"NFC"},"pre_tokenizer":{"type":"ByteLevel",)"
               R"("add_prefix_space":false,"use_regex":true},"decoder":{"type":"ByteLevel"},)" +
               extra + R"("model":)" + model + "}";
    }

  private slots:
    void initTestCase() {
        tokenizer_ = abc::Tokenizer::fromModelDir(kTokenizerDir.toStdString());
        encodeCases_ = readCases(kTokenizerDir + QStringLiteral("/cases.jsonl"));
        QCOMPARE(encodeCases_.size(), std::size_t{463});
    }

    void encodesEveryReferenceCase() {
        int mismatches = 0;
        for (const Case& c : encodeCases_) {
            const auto ids = tok().encode(c.text);
            if (ids != c.ids) {
                ++mismatches;
                qWarning("text %s\n  got      %s\n  expected %s", c.text.c_str(),
                         idsText(ids).constData(), idsText(c.ids).constData());
            }
        }
        QCOMPARE(mismatches, 0);
    }

    void decodesEveryReferenceCase() {
        const auto cases = readCases(kTokenizerDir + QStringLiteral("/decode_cases.jsonl"));
        QCOMPARE(cases.size(), std::size_t{50});
        for (const Case& c : cases) {
            QCOMPARE(QByteArray::fromStdString(tok().decode(c.ids)),
                     QByteArray::fromStdString(c.text));
        }
    }

    void decodeInvertsEncodeUpToNfc() {
        for (const Case& c : encodeCases_) {
            QCOMPARE(QByteArray::fromStdString(tok().decode(tok().encode(c.text))),
                     QByteArray::fromStdString(abc::text::nfc(c.text)));
        }
    }

    void skipsSpecialTokensOnRequest() {
        const auto ids = tok().encode("<|im_start|>user\nhi<|im_end|>");
        QCOMPARE(QByteArray::fromStdString(tok().decode(ids, true)), QByteArray("user\nhi"));
        QCOMPARE(QByteArray::fromStdString(tok().decode(ids, false)),
                 QByteArray("<|im_start|>user\nhi<|im_end|>"));
        // Unknown ids are skipped like tokenizers does, never a crash.
        QCOMPARE(QByteArray::fromStdString(tok().decode({-5, 0, 999999999})), QByteArray("!"));
    }

    void looksUpTokensAndVocabularySize() {
        QCOMPARE(tok().tokenId("<|image_pad|>").value_or(-1), 151655);
        QCOMPARE(tok().tokenId("<|vision_start|>").value_or(-1), 151652);
        QCOMPARE(tok().tokenId("!").value_or(-1), 0);
        QCOMPARE(tok().tokenId("\xC4\x8A").value_or(-1), 198);  // "Ċ", the newline byte
        QVERIFY(!tok().tokenId("<|no_such_token|>"));
        QCOMPARE(tok().vocabSize(), std::size_t{151657});
    }

    void mergesAsStringsGiveTheSameIds() {
        QFile file(kTokenizerDir + QStringLiteral("/tokenizer.json"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
        QJsonObject model = root.value(QStringLiteral("model")).toObject();
        const QJsonArray pairs = model.value(QStringLiteral("merges")).toArray();
        QVERIFY(pairs.first().isArray());  // the reference file stores pairs
        QJsonArray strings;
        for (const auto& pair : pairs) {
            const QJsonArray p = pair.toArray();
            strings.append(p.at(0).toString() + QLatin1Char(' ') + p.at(1).toString());
        }
        model.insert(QStringLiteral("merges"), strings);
        root.insert(QStringLiteral("model"), model);
        QTemporaryDir dir;
        writeFile(dir.filePath(QStringLiteral("tokenizer.json")), QJsonDocument(root).toJson());
        const auto fromStrings = abc::Tokenizer::fromModelDir(dir.path().toStdString());
        QCOMPARE(fromStrings.vocabSize(), tok().vocabSize());
        for (const Case& c : encodeCases_) {
            QCOMPARE(idsText(fromStrings.encode(c.text)), idsText(c.ids));
        }
    }

    void splitPatternHasOnigurumaSemantics() {
        QFile file(kTokenizerDir + QStringLiteral("/tokenizer.json"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
        const QString pattern = root.value(QStringLiteral("pre_tokenizer"))
                                    .toObject()
                                    .value(QStringLiteral("pretokenizers"))
                                    .toArray()
                                    .at(0)
                                    .toObject()
                                    .value(QStringLiteral("pattern"))
                                    .toObject()
                                    .value(QStringLiteral("Regex"))
                                    .toString();
        QVERIFY(pattern.contains(QStringLiteral("\\s")));
        const abc::text::RegexSplitter split(pattern.toStdString(), false,
                                             abc::text::SplitBehavior::Isolated, false, "test");
        const auto pieces = [&](const std::string& text) {
            std::vector<std::string_view> out;
            split.split(text, out);
            QByteArrayList list;
            for (const auto piece : out) {
                list.append(QByteArray(piece.data(), static_cast<qsizetype>(piece.size())));
            }
            return list.join('|');
        };
        // U+180E is not White_Space (PCRE2's own \s would take it).
        QCOMPARE(pieces("\xE1\xA0\x8E\xE1\xA0\x8Ex"), QByteArray("\xE1\xA0\x8E\xE1\xA0\x8E|x"));
        // NBSP and NEL are White_Space; ZWSP and BOM are not.
        QCOMPARE(pieces("\xC2\xA0\xC2\xA0x"), QByteArray("\xC2\xA0|\xC2\xA0x"));
        QCOMPARE(pieces("a\xC2\x85\xC2\x85"
                        "b"),
                 QByteArray("a|\xC2\x85|\xC2\x85"
                            "b"));
        QCOMPARE(pieces("\xE2\x80\x8B\xE2\x80\x8B"), QByteArray("\xE2\x80\x8B\xE2\x80\x8B"));
        // Case-insensitive contractions, including U+017F (long s) that folds to s.
        QCOMPARE(pieces("IT'S it'LL x'\xC5\xBF"), QByteArray("IT|'S| it|'LL| x|'\xC5\xBF"));
        QCOMPARE(pieces("a\r\n\r\nb  c"), QByteArray("a|\r\n\r\n|b| | c"));
        QCOMPARE(QString::fromStdString(abc::text::withUnicodeWhiteSpace(R"([^\s\\s]\S\Q\s\E)")),
                 QStringLiteral(R"([^\p{White_Space}\\s]\P{White_Space}\Q\s\E)"));
    }

    void handlesLongAndHostileInputs() {
        const std::string spaces(200000, ' ');
        QCOMPARE(QByteArray::fromStdString(tok().decode(tok().encode(spaces))),
                 QByteArray::fromStdString(spaces));
        std::string mixed;
        for (int i = 0; i < 20000; ++i) {
            mixed += (i % 7 == 0) ? "\r\n" : (i % 5 == 0) ? "\xE4\xBD\xA0" : "a ";
        }
        QCOMPARE(QByteArray::fromStdString(tok().decode(tok().encode(mixed))),
                 QByteArray::fromStdString(mixed));
        const std::string cjk = [] {
            std::string s;
            for (int i = 0; i < 5000; ++i) {
                s += "\xE4\xB8\xAD\xE6\x96\x87";  // one long \p{L}+ word
            }
            return s;
        }();
        QCOMPARE(QByteArray::fromStdString(tok().decode(tok().encode(cjk))),
                 QByteArray::fromStdString(cjk));
        QCOMPARE(tok().encode(std::string("a\0b", 3)).size(), std::size_t{3});
        QVERIFY(tok().encode("").empty());
    }

    void refusesIllFormedUtf8() {
        for (const char* bad :
             {"\xFF", "abc\xC3", "\xED\xA0\x80", "\xC0\xAF", "\xF4\x90\x80\x80"}) {
            try {
                tok().encode(bad);
                QFAIL("ill-formed UTF-8 was accepted");
            } catch (const abc::Error& e) {
                QCOMPARE(QString::fromStdString(e.subject()), QStringLiteral("text"));
            }
        }
    }

    void isSafeToShareBetweenThreads() {
        const abc::Tokenizer copy = tok();  // copies share the loaded data
        std::vector<std::future<int>> workers;
        for (int t = 0; t < 4; ++t) {
            workers.push_back(std::async(std::launch::async, [&, t] {
                int mismatches = 0;
                for (int round = 0; round < 3; ++round) {
                    for (std::size_t i = t; i < encodeCases_.size(); ++i) {
                        mismatches += copy.encode(encodeCases_[i].text) != encodeCases_[i].ids;
                    }
                }
                return mismatches;
            }));
        }
        for (auto& w : workers) {
            QCOMPARE(w.get(), 0);
        }
    }

    void malformedFilesNameTheFileAndTheProblem() {
        QVERIFY(loadError("{not json").startsWith(QStringLiteral("not valid JSON")));
        QVERIFY(loadError("[]").contains(QStringLiteral("not a tokenizer.json")));
        // A number JSON cannot hold is nlohmann's out_of_range, not a parse_error (found by
        // fuzz_tokenizer_json): still the file's error, never an escaped exception.
        QVERIFY(loadError(R"({"model":{"vocab":{"a":151e643}}})")
                    .startsWith(QStringLiteral("not valid JSON")));
        QVERIFY(loadError(R"({"decoder":{"type":"ByteLevel"},)"
                          R"("pre_tokenizer":{"type":"ByteLevel","add_prefix_space":false}})")
                    .contains(QStringLiteral("\"model\"")));
        const QByteArray vocab = R"("vocab":{"a":0,"b":1,"ab":2})";
        QCOMPARE(loadError(minimalJson("{\"type\":\"BPE\"," + vocab + ",\"merges\":[\"a b\"]}")),
                 QStringLiteral("<loaded>"));
        QVERIFY(loadError(minimalJson("{\"type\":\"BPE\"," + vocab + ",\"merges\":[\"a c\"]}"))
                    .contains(QStringLiteral("not in the vocabulary")));
        QVERIFY(loadError(minimalJson("{\"type\":\"BPE\"," + vocab + ",\"merges\":[\"a b c\"]}"))
                    .contains(QStringLiteral("merge 0")));
        QVERIFY(loadError(minimalJson("{\"type\":\"BPE\"," + vocab + ",\"merges\":[[\"a\"]]}"))
                    .contains(QStringLiteral("merge 0")));
        QVERIFY(loadError(minimalJson("{\"type\":\"BPE\"," + vocab + ",\"merges\":7}"))
                    .contains(QStringLiteral("merges")));
        QVERIFY(loadError(minimalJson(R"({"type":"BPE","vocab":{"a":"x"},"merges":[]})"))
                    .contains(QStringLiteral("integer id")));
        QVERIFY(loadError(minimalJson(R"({"type":"BPE","vocab":{"a":0,"b":0},"merges":[]})"))
                    .contains(QStringLiteral("used twice")));
        QVERIFY(loadError(minimalJson(R"({"type":"WordPiece","vocab":{}})"))
                    .contains(QStringLiteral("not supported")));
        QVERIFY(loadError(minimalJson("{\"type\":\"BPE\"," + vocab +
                                      ",\"merges\":[],\"byte_fallback\":true}"))
                    .contains(QStringLiteral("byte_fallback")));
        QVERIFY(
            loadError(minimalJson("{\"type\":\"BPE\"," + vocab + ",\"merges\":[]}",
                                  R"("added_tokens":[{"id":5,"content":"<x>","lstrip":true}],)"))
                .contains(QStringLiteral("lstrip")));
        QVERIFY(loadError(minimalJson("{\"type\":\"BPE\"," + vocab + ",\"merges\":[]}",
                                      R"("added_tokens":[{"id":1,"content":"<x>"}],)"))
                    .contains(QStringLiteral("already the vocabulary entry")));
        QVERIFY(loadError(R"({"normalizer":{"type":"NFKC"},"pre_tokenizer":{"type":"ByteLevel"},)"
                          R"("decoder":{"type":"ByteLevel"},"model":{"vocab":{},"merges":[]}})")
                    .contains(QStringLiteral("NFKC")));
        QVERIFY(
            loadError(
                "{\"pre_tokenizer\":{\"type\":\"Split\",\"pattern\":{\"Regex\":\"([\"},"  // moc: no
                                                                                          // raw
                                                                                          // string
                                                                                          // here

                R"("behavior":"Isolated"},"decoder":{"type":"ByteLevel"},)"
                R"("model":{"vocab":{},"merges":[]}})")
                .contains(QStringLiteral("does not compile")));
        QVERIFY(
            loadError(R"({"pre_tokenizer":{"type":"Whitespace"},"decoder":{"type":"ByteLevel"},)"
                      R"("model":{"vocab":{},"merges":[]}})")
                .contains(QStringLiteral("Whitespace")));
        QVERIFY(loadError(minimalJson("{\"type\":\"BPE\"," + vocab + ",\"merges\":[]}",
                                      R"("truncation":{"max_length":5},)"))
                    .contains(QStringLiteral("truncation")));

        QTemporaryDir empty;
        try {
            abc::Tokenizer::fromModelDir(empty.path().toStdString());
            QFAIL("a folder without tokenizer.json loaded");
        } catch (const abc::Error& e) {
            QVERIFY(QString::fromStdString(e.subject()).endsWith(QStringLiteral("tokenizer.json")));
        }
    }

    void smallHandWrittenModelFollowsMergeRanks() {
        // "aaa" with the single merge (a, a): leftmost first -> [aa, a].
        QTemporaryDir dir;
        writeFile(dir.filePath(QStringLiteral("tokenizer.json")),
                  minimalJson(R"({"type":"BPE","vocab":{"a":0,"b":1,"aa":2,"ab":3,"aab":4},)"
                              R"("merges":["a b","a a","aa b"]})"));
        const auto small = abc::Tokenizer::fromModelDir(dir.path().toStdString());
        QCOMPARE(idsText(small.encode("aaa")), QByteArray("2 0 "));
        // rank 0 (a b) beats rank 1 (a a): a|ab, then no (a, ab) merge.
        QCOMPARE(idsText(small.encode("aab")), QByteArray("0 3 "));
        // A byte without a vocabulary entry is dropped, as tokenizers does without unk.
        QCOMPARE(idsText(small.encode("ac")), QByteArray("0 "));
    }
};

QTEST_GUILESS_MAIN(TestTokenizer)
#include "test_tokenizer.moc"
