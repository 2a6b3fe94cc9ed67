// Sequential and M-RoPE position ids: all 19 golden cases (full arrays or SHA-256 as
// stored) and multi-image sequences from transformers' get_rope_index.
#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QtEndian>

#include "core/io/error.h"
#include "core/text/positions.h"
#include "core/text/prompts.h"
#include "core/text/tokenizer.h"

namespace {

QJsonObject readJson(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        qFatal("cannot open %s", qPrintable(path));
    }
    return QJsonDocument::fromJson(file.readAll()).object();
}

std::vector<std::int64_t> toIds(const QJsonArray& array) {
    std::vector<std::int64_t> ids;
    for (const auto& v : array) {
        ids.push_back(v.toInteger());
    }
    return ids;
}

QByteArray sha256(const abc::PositionIds& p) {
    QByteArray bytes;
    for (const std::int64_t v : p.values) {
        const qint64 le = qToLittleEndian(static_cast<qint64>(v));
        bytes.append(reinterpret_cast<const char*>(&le), sizeof le);
    }
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex();
}

// Compares `rows` (3 x n JSON) with columns [first, first + n) of the positions.
bool sameColumns(const abc::PositionIds& p, const QJsonArray& rows, std::int64_t first) {
    for (int r = 0; r < 3; ++r) {
        const QJsonArray row = rows.at(r).toArray();
        for (qsizetype i = 0; i < row.size(); ++i) {
            if (first + i >= p.length || p.at(r, first + i) != row.at(i).toInteger()) {
                return false;
            }
        }
    }
    return true;
}

}  // namespace

class TestPositions : public QObject {
    Q_OBJECT

  private slots:
    void sequentialCountsUpInEveryRow() {
        const auto p = abc::sequentialPositions(5);
        QCOMPARE(p.length, 5);
        QCOMPARE(p.values,
                 (std::vector<std::int64_t>{0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4}));
        QVERIFY(abc::sequentialPositions(0).values.empty());
    }

    void mropeMatchesTheGoldens() {
        const auto tokenizer = abc::Tokenizer::fromModelDir(ABC_REFERENCE_DIR "/tiny-abc/Qwen2-VL");
        abc::MropeTokens tokens;
        tokens.imageTokenId = tokenizer.tokenId("<|image_pad|>").value();
        tokens.visionStartTokenId = tokenizer.tokenId("<|vision_start|>").value();
        const QJsonArray cases =
            readJson(QStringLiteral(ABC_REFERENCE_DIR "/goldens/embeddings.json"))
                .value(QStringLiteral("cases"))
                .toArray();
        QCOMPARE(cases.size(), 19);
        int full = 0;
        int hashed = 0;
        for (const auto& value : cases) {
            const QJsonObject c = value.toObject();
            const QString id = c.value(QStringLiteral("id")).toString();
            const auto ids = toIds(c.value(QStringLiteral("input_ids")).toArray());
            std::vector<abc::GridThw> grids;
            if (c.value(QStringLiteral("grid_thw")).isArray()) {
                const QJsonArray g = c.value(QStringLiteral("grid_thw")).toArray();
                grids.push_back({g.at(0).toInteger(), g.at(1).toInteger(), g.at(2).toInteger()});
            }
            const auto p = abc::mropePositions(ids, grids, tokens);
            QCOMPARE(p.length, static_cast<std::int64_t>(ids.size()));
            QVERIFY2(sha256(p) ==
                         c.value(QStringLiteral("position_ids_mrope_sha256")).toString().toLatin1(),
                     qPrintable(id));
            if (c.contains(QStringLiteral("position_ids_mrope"))) {
                QVERIFY2(sameColumns(p, c.value(QStringLiteral("position_ids_mrope")).toArray(), 0),
                         qPrintable(id));
                ++full;
            } else {
                QVERIFY2(
                    sameColumns(p, c.value(QStringLiteral("position_ids_mrope_head")).toArray(), 0),
                    qPrintable(id));
                QVERIFY2(
                    sameColumns(p, c.value(QStringLiteral("position_ids_mrope_tail")).toArray(),
                                p.length - 64),
                    qPrintable(id));
                QCOMPARE(*std::max_element(p.values.begin(), p.values.end()),
                         c.value(QStringLiteral("position_ids_mrope_max")).toInteger());
                ++hashed;
            }
            // Text-only inputs: M-RoPE and sequential coincide.
            if (grids.empty()) {
                QCOMPARE(p.values, abc::sequentialPositions(p.length).values);
            }
        }
        QVERIFY(full > 0 && hashed > 0);
    }

    void mropeMatchesTransformersForSeveralImages() {
        const QJsonObject fixture =
            readJson(QStringLiteral(ABC_TEST_DATA_DIR "/tokenizer/mrope_cases.json"));
        abc::MropeTokens tokens;
        tokens.imageTokenId = fixture.value(QStringLiteral("image_token_id")).toInteger();
        tokens.visionStartTokenId =
            fixture.value(QStringLiteral("vision_start_token_id")).toInteger();
        tokens.spatialMergeSize = fixture.value(QStringLiteral("spatial_merge_size")).toInteger();
        const QJsonArray cases = fixture.value(QStringLiteral("cases")).toArray();
        QVERIFY(cases.size() >= 8);
        for (const auto& value : cases) {
            const QJsonObject c = value.toObject();
            const auto ids = toIds(c.value(QStringLiteral("input_ids")).toArray());
            std::vector<abc::GridThw> grids;
            for (const auto& g : c.value(QStringLiteral("grid_thw")).toArray()) {
                const QJsonArray a = g.toArray();
                grids.push_back({a.at(0).toInteger(), a.at(1).toInteger(), a.at(2).toInteger()});
            }
            const auto p = abc::mropePositions(ids, grids, tokens);
            QCOMPARE(p.length, static_cast<std::int64_t>(ids.size()));
            QVERIFY2(sameColumns(p, c.value(QStringLiteral("position_ids")).toArray(), 0),
                     qPrintable(c.value(QStringLiteral("id")).toString()));
        }
    }

    void inconsistentGridsAreErrors() {
        const abc::MropeTokens t;
        const std::vector<std::int64_t> ids = {1, t.visionStartTokenId, t.imageTokenId,
                                               t.imageTokenId, 2};
        // One image needs 4 pads for a 4x4 grid but has 2.
        QVERIFY_THROWS_EXCEPTION(abc::Error, abc::mropePositions(ids, {{1, 4, 4}}, t));
        // Two images in the prompt, one grid.
        const std::vector<std::int64_t> two = {t.visionStartTokenId, t.imageTokenId,
                                               t.visionStartTokenId, t.imageTokenId};
        QVERIFY_THROWS_EXCEPTION(abc::Error, abc::mropePositions(two, {{1, 2, 2}}, t));
        QVERIFY_THROWS_EXCEPTION(abc::Error, abc::mropePositions(ids, {{1, 3, 2}}, t));
        // A 2x2 grid is one merged token.
        const auto p =
            abc::mropePositions({7, t.visionStartTokenId, t.imageTokenId, 8}, {{1, 2, 2}}, t);
        QCOMPARE(p.values, (std::vector<std::int64_t>{0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3}));
    }
};

QTEST_GUILESS_MAIN(TestPositions)
#include "test_positions.moc"
