// The three ABC prompts and the model's input ids (image pads expanded) for all 19 golden
// cases of embeddings.json, exactly.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include "core/io/error.h"
#include "core/text/prompts.h"
#include "core/text/tokenizer.h"

class TestPrompts : public QObject {
    Q_OBJECT

  private:
    std::optional<abc::Tokenizer> tokenizer_;
    QJsonArray cases_;

    static abc::PromptKind kindOf(const QString& kind) {
        if (kind == QStringLiteral("text"))
            return abc::PromptKind::Text;
        if (kind == QStringLiteral("image"))
            return abc::PromptKind::Image;
        if (kind == QStringLiteral("image+instruction")) {
            return abc::PromptKind::ImageWithInstruction;
        }
        qFatal("unknown kind %s", qPrintable(kind));
    }

  private slots:
    void initTestCase() {
        tokenizer_ = abc::Tokenizer::fromModelDir(ABC_REFERENCE_DIR "/tiny-abc/Qwen2-VL");
        QFile file(QStringLiteral(ABC_REFERENCE_DIR "/goldens/embeddings.json"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        cases_ = QJsonDocument::fromJson(file.readAll())
                     .object()
                     .value(QStringLiteral("cases"))
                     .toArray();
        QCOMPARE(cases_.size(), 19);
    }

    void promptsAndInputIdsMatchTheGoldens() {
        int images = 0;
        for (const auto& value : cases_) {
            const QJsonObject c = value.toObject();
            const QString id = c.value(QStringLiteral("id")).toString();
            const abc::PromptKind kind = kindOf(c.value(QStringLiteral("kind")).toString());
            const std::string text = c.value(QStringLiteral("text")).toString().toStdString();
            QCOMPARE(QString::fromStdString(abc::abcPrompt(kind, text)),
                     c.value(QStringLiteral("prompt")).toString());

            abc::GridThw grid;
            if (kind != abc::PromptKind::Text) {
                const QJsonArray g = c.value(QStringLiteral("grid_thw")).toArray();
                grid = {g.at(0).toInteger(), g.at(1).toInteger(), g.at(2).toInteger()};
                QCOMPARE(abc::imageTokenCount(grid),
                         c.value(QStringLiteral("num_image_tokens")).toInteger());
                ++images;
            }
            const auto ids = abc::abcInputIds(*tokenizer_, kind, text, grid);
            const QJsonArray expected = c.value(QStringLiteral("input_ids")).toArray();
            QVERIFY2(static_cast<qsizetype>(ids.size()) == expected.size(), qPrintable(id));
            QCOMPARE(static_cast<qint64>(ids.size()),
                     c.value(QStringLiteral("num_tokens")).toInteger());
            for (qsizetype i = 0; i < expected.size(); ++i) {
                QVERIFY2(ids[static_cast<std::size_t>(i)] == expected.at(i).toInteger(),
                         qPrintable(id + QStringLiteral(" position ") + QString::number(i)));
            }
            const auto bangs = std::count(ids.begin(), ids.end(), 0);
            QCOMPARE(static_cast<qint64>(bangs),
                     c.value(QStringLiteral("num_id0_tokens")).toInteger());
        }
        QCOMPARE(images, 12);
    }

    void textPromptIgnoresTheGridAndImagePromptIgnoresTheText() {
        const auto text = abc::abcInputIds(*tokenizer_, abc::PromptKind::Text, "a dog", {1, 4, 4});
        QCOMPARE(text, tokenizer_->encode(abc::abcPrompt(abc::PromptKind::Text, "a dog")));
        const auto image =
            abc::abcInputIds(*tokenizer_, abc::PromptKind::Image, "ignored", {1, 4, 4});
        QCOMPARE(std::count(image.begin(), image.end(), 151655), 4);
        QVERIFY(abc::abcPrompt(abc::PromptKind::Image, "ignored").find("ignored") ==
                std::string::npos);
    }

    void refusesPlaceholdersInUserTextAndBadGrids() {
        for (const auto kind : {abc::PromptKind::Text, abc::PromptKind::ImageWithInstruction}) {
            for (const char* text : {"look <|image_pad|> here", "<|video_pad|>"}) {
                try {
                    abc::abcInputIds(*tokenizer_, kind, text, {1, 4, 4});
                    QFAIL("a placeholder in the user text was accepted");
                } catch (const abc::Error& e) {
                    QCOMPARE(QString::fromStdString(e.subject()), QStringLiteral("query text"));
                }
            }
        }
        QVERIFY_THROWS_EXCEPTION(abc::Error, abc::imageTokenCount({1, 3, 4}));
        QVERIFY_THROWS_EXCEPTION(abc::Error, abc::imageTokenCount({0, 4, 4}));
        QVERIFY_THROWS_EXCEPTION(abc::Error,
                                 abc::abcInputIds(*tokenizer_, abc::PromptKind::Image, "", {}));
        // Other special tokens in a query are tokenized as ABC's pipeline does.
        const auto ids = abc::abcInputIds(*tokenizer_, abc::PromptKind::Text, "<|im_end|>");
        QCOMPARE(std::count(ids.begin(), ids.end(), 151645), 3);  // system, query, turn end
    }
};

QTEST_GUILESS_MAIN(TestPrompts)
#include "test_prompts.moc"
