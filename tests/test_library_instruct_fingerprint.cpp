// The library's model key and the instruct adapter, with the tiny ABC checkpoint and real
// photos: plain vectors do not depend on the instruct adapter, so a library indexed with it is
// searched without it (and the other way round) on the same vectors; instructed vectors are
// keyed by the instruct adapter's identity, so another adapter never reuses them; libraries
// written before (schema 2, the adapter inside the plain fingerprint) are migrated in place.
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <map>

#include "core/hub/model_identity.h"
#include "core/io/error.h"
#include "core/library/instruction_fingerprint.h"
#include "core/library/library_store.h"
#include "core/library/photo_decoder.h"
#include "core/library/photo_embedder.h"
#include "core/library/photo_indexer.h"
#include "core/library/photo_search.h"
#include "core/library/sqlite_database.h"
#include "support/counting_embedder.h"

using namespace abc;

namespace {

const QString kTiny = QStringLiteral(ABC_REFERENCE_DIR "/tiny-abc");
const QString kImages = QStringLiteral(ABC_REFERENCE_DIR "/images");
const char* const kPhotos[] = {"dog_and_cat.jpg", "tiny_40x30.jpg", "gradient_640x480.png",
                               "rgba_300x200.png"};
constexpr std::size_t kPhotoCount = std::size(kPhotos);

EmbedderOptions tiny(const QString& instruct) {
    EmbedderOptions options;
    options.model.base = (kTiny + "/Qwen2-VL").toStdString();
    options.model.pretrainAdapter = (kTiny + "/ABC-Pretrain").toStdString();
    options.model.instructAdapter = instruct.toStdString();
    options.cpuThreads = 1;
    return options;
}

using abc::test::CountingEmbedder;

float maxAbsDiff(const std::vector<float>& a, const std::vector<float>& b) {
    if (a.size() != b.size()) {
        return INFINITY;
    }
    float worst = 0.0f;
    for (std::size_t i = 0; i < a.size(); ++i) {
        worst = std::max(worst, std::abs(a[i] - b[i]));
    }
    return worst;
}

// The schema-2 form of a fingerprint: the instruct adapter between pretrain and precision.
std::string oldFingerprint(const std::string& plain, const std::string& instruct) {
    const auto at = plain.find("|precision=");
    if (at == std::string::npos) {
        qFatal("no precision in %s", plain.c_str());
    }
    return plain.substr(0, at) + "|instruct=" + instruct + plain.substr(at);
}

SearchRequest instructionRequest() {
    SearchRequest request;
    request.query = "a dog";
    request.instruction = "what is the animal on the left?";
    request.topK = kPhotoCount;
    return request;
}

}  // namespace

class TestLibraryInstructFingerprint : public QObject {
    Q_OBJECT

  private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        root_ = QDir(dir_.path()).canonicalPath() + "/photos";
        QVERIFY(QDir().mkpath(root_));
        for (const char* name : kPhotos) {
            QVERIFY(QFile::copy(kImages + "/" + name, root_ + "/" + name));
        }
        PhotoDecoderOptions small;  // a few image tokens keep the tiny model fast
        small.minImageTokens = 4;
        small.maxImageTokens = 16;
        decoder_ = makePhotoDecoder(small);
        withInstruct_ = std::make_unique<ModelPhotoEmbedder>(
            Embedder::load(tiny(kTiny + "/ABC-Instruct")), decoder_->fingerprint());
        withoutInstruct_ =
            std::make_unique<ModelPhotoEmbedder>(Embedder::load(tiny("")), decoder_->fingerprint());
    }

    void plainFingerprintLeavesOutTheInstructAdapter() {
        const std::string instructId =
            modelIdentity(resolveModel((kTiny + "/ABC-Instruct").toStdString()));
        QVERIFY(instructId.starts_with("content-xxh3:"));
        QCOMPARE(withInstruct_->fingerprint(), withoutInstruct_->fingerprint());
        QVERIFY(withInstruct_->fingerprint().find("instruct") == std::string::npos);
        QCOMPARE(withInstruct_->embedder().instructFingerprint(), instructId);
        QVERIFY(withoutInstruct_->embedder().instructFingerprint().empty());
        QCOMPARE(withInstruct_->instructionFingerprint(),
                 withInstruct_->fingerprint() + "|instruct=" + instructId);
    }

    // The front ends read back the two parts of what the embedder built, adapter or none.
    void instructionFingerprintReadsBackItsParts() {
        for (auto* embedder : {withInstruct_.get(), withoutInstruct_.get()}) {
            const auto parts = parseInstructionFingerprint(embedder->instructionFingerprint());
            QVERIFY(parts);
            QCOMPARE(parts->plain, embedder->fingerprint());
            const std::string& adapter = embedder->embedder().instructFingerprint();
            QCOMPARE(parts->adapter, adapter.empty() ? std::string("none") : adapter);
        }
        QVERIFY(!parseInstructionFingerprint(withInstruct_->fingerprint()));
    }

    void indexedWithTheAdapterSearchedWithout() {
        LibraryStore store(dir_.filePath("with.sqlite3").toStdString());
        IndexOptions options;
        options.folders = {root_.toStdString()};
        options.decodeThreads = 1;
        const auto summary = PhotoIndexer(store, *withInstruct_, *decoder_).run(options);
        QCOMPARE(summary.embedded, kPhotoCount);
        QCOMPARE(summary.failed, std::size_t{0});

        CountingEmbedder counting(*withoutInstruct_);
        PhotoSearch search(store, counting, *decoder_);
        QCOMPARE(search.indexedPhotos(), kPhotoCount);
        SearchRequest request;
        request.query = "a dog and a cat";
        const auto results = search.search(request);
        QCOMPARE(results.size(), kPhotoCount);
        QCOMPARE(counting.images(), 0);
        // Indexing again without the adapter finds nothing to do.
        QCOMPARE(PhotoIndexer(store, *withoutInstruct_, *decoder_).run(options).embedded,
                 std::size_t{0});

        // The stored vectors are what the model without the adapter computes.
        const auto model = store.findModel(withoutInstruct_->fingerprint());
        QVERIFY(model);
        for (const char* name : kPhotos) {
            const std::string path = (root_ + "/" + name).toStdString();
            const auto file = store.fileByPath(path);
            QVERIFY(file);
            const auto stored = store.vector(file->second, *model, "");
            QVERIFY(stored);
            const auto fresh = withoutInstruct_->embedImages({decoder_->preprocess(path)}, "");
            QVERIFY2(maxAbsDiff(*stored, fresh.at(0)) <= 1e-5f, name);
        }
        // Without the adapter, instruction mode says what is missing.
        QVERIFY_THROWS_EXCEPTION(Error, search.search(instructionRequest()));
    }

    void anotherInstructAdapterDoesNotReuseInstructedVectors() {
        // The same adapter with another LoRA scale: another identity, other instructed vectors.
        QTemporaryDir copy;
        const QString changed = copy.path() + "/ABC-Instruct";
        QVERIFY(QDir().mkpath(changed));
        for (const QString& name : QDir(kTiny + "/ABC-Instruct").entryList(QDir::Files)) {
            QVERIFY(QFile::copy(kTiny + "/ABC-Instruct/" + name, changed + "/" + name));
        }
        QFile config(changed + "/adapter_config.json");
        QVERIFY(config.open(QIODevice::ReadOnly));
        QJsonObject json = QJsonDocument::fromJson(config.readAll()).object();
        config.close();
        QVERIFY(json.contains("lora_alpha"));
        json["lora_alpha"] = json["lora_alpha"].toDouble() * 2;
        QVERIFY(config.open(QIODevice::WriteOnly | QIODevice::Truncate));
        config.write(QJsonDocument(json).toJson());
        config.close();
        ModelPhotoEmbedder other(Embedder::load(tiny(changed)), decoder_->fingerprint());
        QCOMPARE(other.fingerprint(), withInstruct_->fingerprint());
        QVERIFY(other.instructionFingerprint() != withInstruct_->instructionFingerprint());

        LibraryStore store(dir_.filePath("instructed.sqlite3").toStdString());
        IndexOptions options;
        options.folders = {root_.toStdString()};
        options.decodeThreads = 1;
        QCOMPARE(PhotoIndexer(store, *withoutInstruct_, *decoder_).run(options).embedded,
                 kPhotoCount);
        const auto request = instructionRequest();

        CountingEmbedder first(*withInstruct_);
        const auto firstResults = PhotoSearch(store, first, *decoder_).search(request);
        QCOMPARE(first.images(), int(kPhotoCount));
        QCOMPARE(firstResults.size(), kPhotoCount);
        const auto firstRow = store.findModel(withInstruct_->instructionFingerprint());
        QVERIFY(firstRow);
        QCOMPARE(store.vectorCount(*firstRow, request.instruction), std::int64_t(kPhotoCount));
        QCOMPARE(
            store.vectorCount(*store.findModel(withInstruct_->fingerprint()), request.instruction),
            std::int64_t{0});

        CountingEmbedder second(other);
        PhotoSearch search(store, second, *decoder_);
        search.search(request);
        QCOMPARE(second.images(), int(kPhotoCount));  // computed again, not reused
        const auto secondRow = store.findModel(other.instructionFingerprint());
        QVERIFY(secondRow && *secondRow != *firstRow);
        // And reusing them would have been wrong: the vectors differ.
        const PhotoId photo = firstResults.front().photo;
        const auto a = store.vector(photo, *firstRow, request.instruction);
        const auto b = store.vector(photo, *secondRow, request.instruction);
        QVERIFY(a && b);
        QVERIFY(maxAbsDiff(*a, *b) > 1e-4f);
        // The first adapter's cache is still whole.
        search.search(request);
        QCOMPARE(second.images(), int(kPhotoCount));
        CountingEmbedder again(*withInstruct_);
        PhotoSearch(store, again, *decoder_).search(request);
        QCOMPARE(again.images(), 0);
    }

    // A library written before the split, by the model as it is: opened now, the same
    // photos are found and the cached instruction vectors serve, without the model.
    void migratedLibraryKeepsItsVectors() {
        const std::string path = dir_.filePath("schema2.sqlite3").toStdString();
        const std::string instructId = withInstruct_->embedder().instructFingerprint();
        const auto request = instructionRequest();
        std::map<PhotoId, std::vector<float>> plain;
        std::map<PhotoId, std::vector<float>> instructed;
        std::int64_t oldId = 0;
        {
            auto old = LibraryStore::openAtVersion(path, 2);
            oldId = old->modelId(oldFingerprint(withInstruct_->fingerprint(), instructId),
                                 withInstruct_->dimension());
            for (const char* name : kPhotos) {
                const std::string file = (root_ + "/" + name).toStdString();
                PhotoFacts facts;
                facts.contentHash = name;
                facts.mediaType = "jpeg";
                const PhotoId id = old->recordFile({file, 1, 1}, facts);
                const auto patches = decoder_->preprocess(file);
                plain[id] = withInstruct_->embedImages({patches}, "").at(0);
                instructed[id] = withInstruct_->embedImages({patches}, request.instruction).at(0);
                old->putVectors(oldId, "", {{id, plain[id]}});
                old->putVectors(oldId, request.instruction, {{id, instructed[id]}});
            }
        }
        LibraryStore store(path);
        QCOMPARE(store.schemaVersion(), LibraryStore::kSchemaVersion);
        QCOMPARE(store.findModel(withInstruct_->fingerprint()), std::optional(oldId));
        const auto instructedRow = store.findModel(withInstruct_->instructionFingerprint());
        QVERIFY(instructedRow);
        for (const auto& [id, vector] : plain) {
            QCOMPARE(*store.vector(id, oldId, ""), vector);
            QCOMPARE(*store.vector(id, *instructedRow, request.instruction), instructed[id]);
        }

        CountingEmbedder counting(*withInstruct_);
        PhotoSearch search(store, counting, *decoder_);
        QCOMPARE(search.indexedPhotos(), kPhotoCount);
        QCOMPARE(search.search(request).size(), kPhotoCount);
        QCOMPARE(counting.images(), 0);
    }

    // Store level, every case of migration 3 on fingerprints of the old form.
    void migrationSplitsMergesAndLeavesOthersAlone() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("lib.sqlite3").toStdString();
        const std::string plainA =
            "abc-qwen2vl|base=B1|pretrain=P1|precision=float32|positions=sequential;dec";
        const std::string plainB =
            "abc-qwen2vl|base=B1|pretrain=P1|precision=bfloat16|positions=sequential;dec";
        const std::vector<float> v1{1, 0}, v2{0, 1}, v3{0.6f, 0.8f}, w1{0.8f, 0.6f},
            other{0.5f, 0.5f};
        std::int64_t withX = 0;
        std::int64_t withNone = 0;
        std::int64_t withY = 0;
        std::int64_t foreign = 0;
        PhotoId p1 = 0, p2 = 0, p3 = 0;
        {
            auto old = LibraryStore::openAtVersion(path, 2);
            p1 = old->recordFile({"/p/1.jpg", 1, 1}, {"h1", "jpeg", 0, 0, {}});
            p2 = old->recordFile({"/p/2.jpg", 1, 1}, {"h2", "jpeg", 0, 0, {}});
            p3 = old->recordFile({"/p/3.jpg", 1, 1}, {"h3", "jpeg", 0, 0, {}});
            // Indexed with instruct adapter X (photos 1, 2; instruction vector of 1), then
            // without any (photos 2, 3): two rows for one plain model.
            withX = old->modelId(oldFingerprint(plainA, "X"), 2);
            old->putVectors(withX, "", {{p1, v1}, {p2, v2}});
            old->putVectors(withX, "left?", {{p1, w1}});
            withNone = old->modelId(oldFingerprint(plainA, "none"), 2);
            old->putVectors(withNone, "", {{p2, other}, {p3, v3}});
            // Another precision with adapter Y: its own plain row, its own instruction row.
            withY = old->modelId(oldFingerprint(plainB, "Y"), 2);
            old->putVectors(withY, "", {{p1, other}});
            old->putVectors(withY, "left?", {{p1, v2}, {p2, v1}});
            foreign = old->modelId("bench|instruct=Z|x", 2);
            old->putVectors(foreign, "left?", {{p3, v3}});
        }
        LibraryStore store(path);
        QCOMPARE(store.schemaVersion(), LibraryStore::kSchemaVersion);
        QCOMPARE(store.integrityCheck(), std::string("ok"));
        // The first row keeps its id and its vectors; the second gave it photo 3 and is gone.
        QCOMPARE(store.findModel(plainA), std::optional(withX));
        QVERIFY(!store.findModel(oldFingerprint(plainA, "none")));
        QVERIFY(!store.findModel(oldFingerprint(plainA, "X")));
        QCOMPARE(store.vectorPhotoIds(withX, ""), (std::vector<PhotoId>{p1, p2, p3}));
        QCOMPARE(*store.vector(p2, withX, ""), v2);
        QCOMPARE(*store.vector(p3, withX, ""), v3);
        QCOMPARE(store.vectorCount(withX, "left?"), std::int64_t{0});
        const auto xRow = store.findModel(plainA + "|instruct=X");
        QVERIFY(xRow);
        QCOMPARE(store.vectorPhotoIds(*xRow, "left?"), (std::vector<PhotoId>{p1}));
        QCOMPARE(*store.vector(p1, *xRow, "left?"), w1);
        QVERIFY(!store.findModel(plainA + "|instruct=none"));  // it had no instructed vectors
        QCOMPARE(store.findModel(plainB), std::optional(withY));
        QCOMPARE(*store.vector(p1, withY, ""), other);
        const auto yRow = store.findModel(plainB + "|instruct=Y");
        QVERIFY(yRow);
        QCOMPARE(store.vectorPhotoIds(*yRow, "left?"), (std::vector<PhotoId>{p1, p2}));
        QCOMPARE(store.vectorCount(withY, "left?"), std::int64_t{0});
        // Not an ABC fingerprint: untouched.
        QCOMPARE(store.findModel("bench|instruct=Z|x"), std::optional(foreign));
        QCOMPARE(store.vectorCount(foreign, "left?"), std::int64_t{1});
        QCOMPARE(store.models().size(), std::size_t{5});
    }

  private:
    QTemporaryDir dir_;
    QString root_;
    std::unique_ptr<PhotoDecoder> decoder_;
    std::unique_ptr<ModelPhotoEmbedder> withInstruct_;
    std::unique_ptr<ModelPhotoEmbedder> withoutInstruct_;
};

QTEST_GUILESS_MAIN(TestLibraryInstructFingerprint)
#include "test_library_instruct_fingerprint.moc"
