// Zero-shot tags on a real SQLite library indexed with the tiny ABC checkpoint: the top-k and
// threshold rules, tags computed from the stored vectors without running the image model,
// tags that survive re-indexing, a changed set that shows nothing until it is applied again,
// instruction sets embedded once (progress, cancel, cache) and the migration that adds the
// tables to an older library.
#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include <map>
#include <memory>
#include <stop_token>

#include "core/io/error.h"
#include "core/library/library_store.h"
#include "core/library/photo_decoder.h"
#include "core/library/photo_embedder.h"
#include "core/library/photo_indexer.h"
#include "core/library/tag_store.h"
#include "core/library/vector_math.h"
#include "core/library/zero_shot_tagger.h"
#include "support/counting_embedder.h"
#include "support/photo_files.h"

using namespace abc;

namespace {

const std::string kTiny = ABC_REFERENCE_DIR "/tiny-abc";
constexpr int kPhotos = 6;

using abc::test::CountingEmbedder;

StoredVectors matrix(int dimension, const std::vector<std::vector<float>>& rows) {
    StoredVectors vectors;
    vectors.dimension = dimension;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        vectors.ids.push_back(static_cast<PhotoId>(i + 1));
        vectors.values.insert(vectors.values.end(), rows[i].begin(), rows[i].end());
    }
    return vectors;
}

TagSet testSet(std::vector<std::string> labels) {
    TagSet set;
    set.name = "test";
    set.labels = std::move(labels);
    set.rule = TagSet::Rule::TopK;
    set.topK = 1;
    return set;
}

// label -> photos, from results.
std::map<std::string, std::vector<PhotoId>> byLabel(const std::vector<PhotoTag>& tags) {
    std::map<std::string, std::vector<PhotoId>> result;
    for (const auto& tag : tags) {
        result[tag.label].push_back(tag.photo);
    }
    return result;
}

}  // namespace

class TestLibraryTags : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString root_;  // the photos of the library freshLibrary made last
    std::unique_ptr<PhotoDecoder> decoder_;
    std::unique_ptr<ModelPhotoEmbedder> model_;

    // A library of its own over photos of its own (a test moves and adds files).
    std::string freshLibrary(const QString& name) {
        root_ = QDir(dir_.path()).canonicalPath() + "/" + name + "-photos";
        test::writePatternPhotos(root_, 10, kPhotos);
        const std::string path = dir_.filePath(name).toStdString();
        LibraryStore store(path);
        PhotoIndexer indexer(store, *model_, *decoder_);
        IndexOptions options;
        options.folders = {root_.toStdString()};
        const auto summary = indexer.run(options);
        if (summary.embedded != std::size_t{kPhotos} || summary.failed != 0) {
            qFatal("indexing the test photos embedded %zu, failed %zu", summary.embedded,
                   summary.failed);
        }
        return path;
    }

    // What the top-1 rule must give each photo: the label whose text vector has the largest
    // dot product with its stored vector, computed here directly.
    std::map<PhotoId, std::string> expectedTop1(LibraryStore& store,
                                                const std::vector<std::string>& labels) {
        const auto model = store.findModel(model_->fingerprint());
        const auto vectors = store.loadVectors(*model, "");
        std::map<PhotoId, std::string> expected;
        for (std::size_t row = 0; row < vectors.ids.size(); ++row) {
            float best = -2.0f;
            for (const auto& label : labels) {
                const auto text = model_->embedText(label);
                const float score =
                    dot(vectors.values.data() + row * vectors.dimension, text.data(), text.size());
                if (score > best) {
                    best = score;
                    expected[vectors.ids[row]] = label;
                }
            }
        }
        return expected;
    }

  private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        PhotoDecoderOptions small;  // a few image tokens keep the tiny model fast
        small.minImageTokens = 4;
        small.maxImageTokens = 16;
        decoder_ = makePhotoDecoder(small);
        EmbedderOptions engine;
        engine.model.base = kTiny + "/Qwen2-VL";
        engine.model.pretrainAdapter = kTiny + "/ABC-Pretrain";
        engine.model.instructAdapter = kTiny + "/ABC-Instruct";
        engine.cpuThreads = 1;
        model_ =
            std::make_unique<ModelPhotoEmbedder>(Embedder::load(engine), decoder_->fingerprint());
    }

    // Top-k keeps the k best labels, best first, ties to the earlier label; a threshold keeps
    // every label at or above it and may leave a photo without any.
    void topKAndThresholdRules() {
        const auto photos = matrix(2, {{1.0f, 0.0f}, {0.6f, 0.8f}, {0.0f, -1.0f}});
        const std::vector<std::vector<float>> labels = {{1.0f, 0.0f}, {0.0f, 1.0f}, {0.6f, 0.8f}};
        TagSet set = testSet({"x", "y", "xy"});
        set.topK = 2;
        auto tags = assignTags(set, photos, labels);
        QCOMPARE(tags.size(), std::size_t{6});
        QCOMPARE(tags[0].label, std::string("x"));  // photo 1: x 1.0, xy 0.6
        QCOMPARE(tags[1].label, std::string("xy"));
        QCOMPARE(tags[2].label, std::string("xy"));  // photo 2: xy 1.0, y 0.8
        QCOMPARE(tags[3].label, std::string("y"));
        QCOMPARE(tags[4].label, std::string("x"));  // photo 3: x 0, xy -0.8, y -1
        QCOMPARE(tags[4].score, 0.0f);
        QCOMPARE(tags[5].label, std::string("xy"));
        QCOMPARE(tags[5].score, -0.8f);

        set.rule = TagSet::Rule::Threshold;
        set.threshold = 0.8f;
        tags = assignTags(set, photos, labels);
        QCOMPARE(byLabel(tags), (std::map<std::string, std::vector<PhotoId>>{
                                    {"x", {1}}, {"xy", {2}}, {"y", {2}}}));
        // 0.8 itself passes: photo 2's y scores exactly the threshold.
        set.threshold = 0.9f;
        tags = assignTags(set, photos, labels);
        QCOMPARE(byLabel(tags),
                 (std::map<std::string, std::vector<PhotoId>>{{"x", {1}}, {"xy", {2}}}));

        // Equal scores: the label listed first wins a top-1.
        const std::vector<std::vector<float>> twins = {{0.0f, 1.0f}, {0.0f, 1.0f}};
        set = testSet({"first", "second"});
        tags = assignTags(set, matrix(2, {{0.0f, 1.0f}}), twins);
        QCOMPARE(tags.size(), std::size_t{1});
        QCOMPARE(tags[0].label, std::string("first"));
    }

    // Tags come from the stored vectors (no image forward), equal a direct computation, stay
    // through a re-index, and a changed set shows nothing until applied again.
    void tagsSurviveReindexingAndAChangedSetRecomputes() {
        const std::string path = freshLibrary("tags.sqlite3");
        LibraryStore store(path);
        TagStore tags(store);
        CountingEmbedder counting(*model_);
        ZeroShotTagger tagger(store, tags, counting, *decoder_);
        const std::vector<std::string> labels = {"a red square", "a blue circle", "a green tree"};
        TagSet set = testSet(labels);
        tags.putSet(set);
        QVERIFY(!tagger.isUpToDate("test"));
        const auto summary = tagger.apply("test");
        QCOMPARE(counting.images(), 0);
        QCOMPARE(summary.scored, std::size_t{kPhotos});
        QCOMPARE(summary.embedded, std::size_t{0});
        QVERIFY(tagger.isUpToDate("test"));
        const auto model = *tagger.model();
        const auto expected = expectedTop1(store, labels);
        auto stored = tags.tags("test", model);
        QCOMPARE(stored.size(), std::size_t{kPhotos});
        for (const auto& tag : stored) {
            QCOMPARE(tag.label, expected.at(tag.photo));
        }
        std::int64_t total = 0;
        for (const auto& [label, count] : tags.labelCounts("test", model)) {
            QCOMPARE(count, std::int64_t(tags.photosWithLabel("test", model, label).size()));
            total += count;
        }
        QCOMPARE(total, std::int64_t{kPhotos});

        // Re-index: one file moved, one added. The moved photo keeps its tags; the new one
        // has none, and the set is no longer up to date.
        const QString moved = root_ + "/sub/moved.png";
        QDir().mkpath(root_ + "/sub");
        QVERIFY(QFile::rename(root_ + "/photo010.png", moved));
        test::writeImage(root_ + "/photo200.png", 200);
        {
            PhotoIndexer indexer(store, *model_, *decoder_);
            IndexOptions options;
            options.folders = {root_.toStdString()};
            const auto again = indexer.run(options);
            QCOMPARE(again.moved, std::size_t{1});
            QCOMPARE(again.embedded, std::size_t{1});
        }
        const auto movedPhoto = store.fileByPath(moved.toStdString())->second;
        const auto labelsOfMoved = tags.labelsOf(movedPhoto, model);
        QCOMPARE(labelsOfMoved.size(), std::size_t{1});
        QCOMPARE(labelsOfMoved[0].label, expected.at(movedPhoto));
        QCOMPARE(tags.tags("test", model).size(), std::size_t{kPhotos});
        QVERIFY(!tagger.isUpToDate("test"));
        tagger.apply("test");
        QCOMPARE(tags.tags("test", model).size(), std::size_t{kPhotos + 1});
        QVERIFY(tagger.isUpToDate("test"));
        QCOMPARE(counting.images(), 0);

        // Another label list under the same name: the old results are hidden at once, the
        // new ones come from the next apply.
        set.labels = {"a cat", "a dog"};
        tags.putSet(set);
        QVERIFY(tags.tags("test", model).empty());
        QVERIFY(!tags.runState("test", model)->current);
        QVERIFY(!tagger.isUpToDate("test"));
        tagger.apply("test");
        stored = tags.tags("test", model);
        QCOMPARE(stored.size(), std::size_t{kPhotos + 1});
        const auto expectedNow = expectedTop1(store, set.labels);
        for (const auto& tag : stored) {
            QCOMPARE(tag.label, expectedNow.at(tag.photo));
        }
        // A threshold no cosine reaches leaves every photo untagged, but scored.
        set.rule = TagSet::Rule::Threshold;
        set.threshold = 1.5f;
        tags.putSet(set);
        const auto none = tagger.apply("test");
        QCOMPARE(none.scored, std::size_t{kPhotos + 1});
        QCOMPARE(none.tagged, std::size_t{0});
        QVERIFY(tags.tags("test", model).empty());
        QVERIFY(tagger.isUpToDate("test"));
    }

    // A set with an instruction embeds each photo once with it (progress per photo), caches
    // the vectors where instruction search finds them, and a cancel keeps what was done.
    void instructionSetEmbedsOnceWithProgressAndCancel() {
        const std::string path = freshLibrary("instructed.sqlite3");
        LibraryStore store(path);
        TagStore tags(store);
        CountingEmbedder counting(*model_);
        ZeroShotTagger tagger(store, tags, counting, *decoder_);
        TagSet set = testSet({"a red square", "a blue circle"});
        set.instruction = "What shape is shown?";
        tags.putSet(set);

        std::stop_source stop;
        std::size_t calls = 0;
        QVERIFY_THROWS_EXCEPTION(Cancelled, tagger.apply(
                                                "test",
                                                [&](std::size_t done, std::size_t total) {
                                                    ++calls;
                                                    QCOMPARE(total, std::size_t{kPhotos});
                                                    if (done == 2) {
                                                        stop.request_stop();
                                                    }
                                                },
                                                stop.get_token()));
        QCOMPARE(calls, std::size_t{2});
        QCOMPARE(counting.images(), 2);
        const auto instructed = store.findModel(model_->instructionFingerprint());
        QVERIFY(instructed);
        QCOMPARE(store.vectorCount(*instructed, set.instruction), std::int64_t{2});
        QVERIFY(!tags.runState("test", *tagger.model()));

        std::vector<std::pair<std::size_t, std::size_t>> progress;
        const auto summary = tagger.apply("test", [&](std::size_t done, std::size_t total) {
            progress.emplace_back(done, total);
        });
        QCOMPARE(summary.embedded, std::size_t{kPhotos - 2});
        QCOMPARE(progress.size(), std::size_t{kPhotos - 2});
        QCOMPARE(progress.back(),
                 std::make_pair(std::size_t{kPhotos - 2}, std::size_t{kPhotos - 2}));
        QCOMPARE(counting.images(), kPhotos);
        QCOMPARE(tags.tags("test", *tagger.model()).size(), std::size_t{kPhotos});
        // The labels come from the instructed vectors, not the plain ones.
        const auto vectors = store.loadVectors(*instructed, set.instruction);
        for (const auto& tag : tags.tags("test", *tagger.model())) {
            const auto row =
                std::find(vectors.ids.begin(), vectors.ids.end(), tag.photo) - vectors.ids.begin();
            const auto text = model_->embedText(tag.label);
            QCOMPARE(tag.score, dot(vectors.values.data() + row * vectors.dimension, text.data(),
                                    text.size()));
        }
        // Everything cached: applying again runs no image forward.
        QCOMPARE(tagger.apply("test").embedded, std::size_t{0});
        QCOMPARE(counting.images(), kPhotos);
    }

    // The built-in sets are there in a new library, survive a reopen, and a removed set
    // takes its results with it; an invalid set is refused with its name.
    void builtInSetsAndValidation() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("lib.sqlite3").toStdString();
        {
            LibraryStore store(path);
            TagStore tags(store);
            std::vector<std::string> names;
            for (const auto& set : tags.sets()) {
                names.push_back(set.name);
            }
            QCOMPARE(names, (std::vector<std::string>{"animals", "documents", "scenes"}));
            QVERIFY(!tags.set("animals")->instruction.empty());
            TagSet bad = testSet({"a", "a"});
            try {
                tags.putSet(bad);
                QFAIL("a repeated label was accepted");
            } catch (const Error& error) {
                QVERIFY2(std::string(error.what()).find("tag set test") != std::string::npos,
                         error.what());
            }
            bad = testSet({});
            QVERIFY_THROWS_EXCEPTION(Error, tags.putSet(bad));
            TagSet edited = *tags.set("scenes");
            edited.labels.push_back("a desert");
            tags.putSet(edited);
            QVERIFY(tags.removeSet("documents"));
            QVERIFY(!tags.removeSet("documents"));
        }
        LibraryStore store(path);
        TagStore tags(store);
        QCOMPARE(tags.set("scenes")->labels.back(), std::string("a desert"));
        QVERIFY(tags.set("documents"));  // a built-in comes back on the next open
    }

    // A library of schema 3 gets the tag tables; its photos and vectors stay.
    void migrationAddsTheTagTables() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("old.sqlite3").toStdString();
        PhotoId photo = 0;
        {
            auto old = LibraryStore::openAtVersion(path, 3);
            photo = old->recordFile({"/p/1.jpg", 1, 1}, {"h1", "jpeg", 0, 0, {}});
            old->putVectors(old->modelId("m", 2), "", {{photo, {0.6f, 0.8f}}});
            QVERIFY_THROWS_EXCEPTION(Error, TagStore{*old});
        }
        LibraryStore store(path);
        QCOMPARE(store.schemaVersion(), LibraryStore::kSchemaVersion);
        QCOMPARE(store.integrityCheck(), std::string("ok"));
        TagStore tags(store);
        tags.putSet(testSet({"x"}));
        const auto model = *store.findModel("m");
        tags.putResults(testSet({"x"}), model, 1, {{photo, "x", 0.5f}});
        QCOMPARE(tags.labelsOf(photo, model).size(), std::size_t{1});
        // Forgetting the photo takes its tags.
        store.removeFiles({"/p/1.jpg"});
        QVERIFY(tags.labelsOf(photo, model).empty());
        QVERIFY(tags.tags("test", model).empty());
    }
};

QTEST_GUILESS_MAIN(TestLibraryTags)
#include "test_library_tags.moc"
