// Pause, resume and cancel of the real indexing pipeline (real JPEG files, the product decoder,
// the tiny ABC checkpoint through ModelPhotoEmbedder, a real SQLite file): a pause takes effect
// between two photos of a batch and the process then uses no CPU and makes no progress; a
// cancel drops the batch in hand uncommitted, and a restart embeds exactly the photos left,
// ending with the vectors of an uninterrupted run.
#include <sys/resource.h>

#include <QDir>
#include <QImage>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "core/library/library_store.h"
#include "core/library/photo_decoder.h"
#include "core/library/photo_embedder.h"
#include "core/library/photo_indexer.h"
#include "core/library/photo_scanner.h"

using namespace abc;

namespace {

const std::string kTiny = ABC_REFERENCE_DIR "/tiny-abc";
constexpr int kPhotos = 40;
constexpr std::size_t kBatch = 8;
constexpr int kDecodeThreads = 2;

using Clock = std::chrono::steady_clock;

double processCpuSeconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
           (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// Polls `done` until it holds or `seconds` pass.
bool waitFor(const std::function<bool()>& done, double seconds = 30) {
    const auto until = Clock::now() + std::chrono::duration<double>(seconds);
    while (!done()) {
        if (Clock::now() > until) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
}

void writePhotos(const QString& root) {
    QDir().mkpath(root);
    for (int i = 0; i < kPhotos; ++i) {
        QImage image(96, 72, QImage::Format_RGB32);
        for (int y = 0; y < image.height(); ++y) {
            for (int x = 0; x < image.width(); ++x) {
                image.setPixel(x, y,
                               qRgb((x * (i + 3)) % 256, (y * (2 * i + 1)) % 256,
                                    ((x + y) * 5 + 40 * i) % 256));
            }
        }
        const QString path = root + QString("/img%1.jpg").arg(i, 2, 10, QChar('0'));
        if (!image.save(path, "JPEG", 90)) {
            qFatal("cannot write %s", qPrintable(path));
        }
    }
}

// The product decoder, counting the photos it starts and finishes.
class CountingDecoder : public PhotoDecoder {
  public:
    explicit CountingDecoder(const PhotoDecoder& inner) : inner_(inner) {}
    std::string fingerprint() const override { return inner_.fingerprint(); }
    std::shared_ptr<const ImagePatches> preprocess(const std::string& path) const override {
        started.fetch_add(1);
        auto patches = inner_.preprocess(path);
        finished.fetch_add(1);
        return patches;
    }
    void probe(const std::string& path, PhotoFacts& facts) const override {
        inner_.probe(path, facts);
    }
    mutable std::atomic<int> started{0};
    mutable std::atomic<int> finished{0};

  private:
    const PhotoDecoder& inner_;
};

// The real model, counting photos and batches, with a test action run on the model thread
// before each photo (before the indexer's own pause/cancel check).
class ObservedEmbedder : public PhotoEmbedder {
  public:
    explicit ObservedEmbedder(PhotoEmbedder& inner) : inner_(inner) {}
    std::string fingerprint() const override { return inner_.fingerprint(); }
    int dimension() const override { return inner_.dimension(); }
    bool supportsInstructions() const override { return inner_.supportsInstructions(); }
    std::vector<Embedding> embedImages(
        const std::vector<std::shared_ptr<const ImagePatches>>& images,
        const std::string& instruction, const EmbedHooks& hooks = {}) override {
        if (firstCall && gate) {
            gate();
        }
        firstCall = false;
        const std::size_t batchSize = images.size();
        EmbedHooks observed;
        std::size_t index = 0;
        observed.beforeItem = [&] {
            if (beforePhoto) {
                beforePhoto(batchSize, index);
            }
            if (hooks.beforeItem) {
                hooks.beforeItem();
            }
            if (!hooks.stop.stop_requested()) {
                started.fetch_add(1);
            }
        };
        observed.stop = hooks.stop;
        observed.progress = [&](std::size_t done, std::size_t total) {
            ++index;
            finished.fetch_add(1);
            if (hooks.progress) {
                hooks.progress(done, total);
            }
        };
        auto vectors = inner_.embedImages(images, instruction, observed);
        batchSizes.push_back(batchSize);
        return vectors;
    }
    Embedding embedText(const std::string& text) override { return inner_.embedText(text); }

    std::function<void()> gate;  // before the first batch
    std::function<void(std::size_t batchSize, std::size_t index)> beforePhoto;
    std::atomic<int> started{0};
    std::atomic<int> finished{0};
    std::vector<std::size_t> batchSizes;  // completed batches (model thread only)

  private:
    PhotoEmbedder& inner_;
    bool firstCall = true;
};

std::map<std::string, std::vector<float>> vectorsByHash(LibraryStore& store,
                                                        const std::string& fp) {
    std::map<std::string, std::vector<float>> out;
    const auto model = store.findModel(fp);
    if (!model) {
        return out;
    }
    for (const auto& photo : store.allPhotos()) {
        if (auto v = store.vector(photo.id, *model, "")) {
            out[photo.contentHash] = *v;
        }
    }
    return out;
}

double maxAbsDiff(const std::map<std::string, std::vector<float>>& a,
                  const std::map<std::string, std::vector<float>>& b) {
    if (a.size() != b.size()) {
        return INFINITY;
    }
    double worst = 0;
    for (const auto& [hash, v] : a) {
        const auto other = b.find(hash);
        if (other == b.end() || other->second.size() != v.size()) {
            return INFINITY;
        }
        for (std::size_t i = 0; i < v.size(); ++i) {
            worst = std::max(worst, std::abs(double(v[i]) - other->second[i]));
        }
    }
    return worst;
}

}  // namespace

class TestLibraryPauseCancel : public QObject {
    Q_OBJECT

  private:
    QTemporaryDir dir_;
    QString root_;
    std::unique_ptr<PhotoDecoder> decoder_;
    std::unique_ptr<ModelPhotoEmbedder> model_;
    std::map<std::string, std::vector<float>> reference_;

    IndexOptions options() const {
        IndexOptions options;
        options.folders = {root_.toStdString()};
        options.decodeThreads = kDecodeThreads;
        options.maxBatchPhotos = kBatch;
        options.maxBatchTokens = 1 << 20;
        options.maxQueuedPhotos = 32;
        return options;
    }

    // Holds the first batch until the decoders are well ahead, so later batches are full.
    std::function<void()> gateOn(const CountingDecoder& decoder) {
        return [&decoder] { waitFor([&] { return decoder.finished.load() >= 3 * int(kBatch); }); };
    }

  private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        root_ = QDir(dir_.path()).canonicalPath() + "/photos";
        writePhotos(root_);
        PhotoDecoderOptions small;  // a few image tokens keep the tiny model fast
        small.minImageTokens = 4;
        small.maxImageTokens = 16;
        decoder_ = makePhotoDecoder(small);
        EmbedderOptions engine;
        engine.model.base = kTiny + "/Qwen2-VL";
        engine.model.pretrainAdapter = kTiny + "/ABC-Pretrain";
        engine.model.instructAdapter = "";
        engine.cpuThreads = 1;
        model_ =
            std::make_unique<ModelPhotoEmbedder>(Embedder::load(engine), decoder_->fingerprint());

        LibraryStore store(dir_.filePath("reference.sqlite3").toStdString());
        PhotoIndexer indexer(store, *model_, *decoder_);
        const auto summary = indexer.run(options());
        QCOMPARE(summary.embedded, std::size_t{kPhotos});
        QCOMPARE(summary.failed, std::size_t{0});
        reference_ = vectorsByHash(store, model_->fingerprint());
        QCOMPARE(reference_.size(), std::size_t{kPhotos});
    }

    void pauseStopsWithinTheBatchAndUsesNoCpu() {
        LibraryStore store(dir_.filePath("paused.sqlite3").toStdString());
        CountingDecoder decoder(*decoder_);
        ObservedEmbedder model(*model_);
        PhotoIndexer indexer(store, model, decoder);
        model.gate = gateOn(decoder);
        // Pause on the model thread before the third photo of the second full batch.
        std::atomic<int> pausedAtStarted{-1};
        std::chrono::steady_clock::time_point pausedAt;  // written before pausedAtStarted
        std::atomic<int> decoderStartedAtPause{-1};
        int fullBatches = 0;
        model.beforePhoto = [&](std::size_t batchSize, std::size_t index) {
            if (batchSize == kBatch && index == 0) {
                ++fullBatches;
            }
            if (fullBatches == 2 && index == 2 && pausedAtStarted.load() < 0) {
                pausedAt = std::chrono::steady_clock::now();
                indexer.pause();
                pausedAtStarted = model.started.load();
                decoderStartedAtPause = decoder.started.load();
            }
        };
        std::atomic<int> pausedReports{0};
        IndexProgress lastEmbedding;  // the worker's, read after join()
        IndexSummary summary;
        const auto runStart = std::chrono::steady_clock::now();
        std::stop_source stop;
        std::thread worker([&] {
            summary = indexer.run(
                options(),
                [&](const IndexProgress& p) {
                    if (p.paused && p.phase == IndexProgress::Phase::Embedding) {
                        pausedReports.fetch_add(1);
                    }
                    if (p.phase == IndexProgress::Phase::Embedding && p.photosPerSecond > 0) {
                        lastEmbedding = p;
                    }
                },
                stop.get_token());
        });
        // The model thread parks (and says so); the decoders finish the photo in hand.
        const bool parked = waitFor([&] { return pausedReports.load() > 0; });
        const bool decodersIdle =
            waitFor([&] { return decoder.started.load() == decoder.finished.load(); });
        if (!parked || !decodersIdle) {
            stop.request_stop();
            worker.join();
            QFAIL("the pipeline did not settle after pause()");
        }
        QVERIFY(indexer.isPaused());
        const auto model_id = store.findModel(model.fingerprint());
        QVERIFY(model_id);
        struct Snapshot {
            int modelStarted, modelFinished, decodeStarted, decodeFinished;
            std::int64_t vectors;
            bool operator==(const Snapshot&) const = default;
        };
        auto snapshot = [&] {
            return Snapshot{model.started.load(), model.finished.load(), decoder.started.load(),
                            decoder.finished.load(), store.vectorCount(*model_id, "")};
        };
        const Snapshot atPark = snapshot();
        // Within the batch: no photo started in the model after pause(), the one in hand
        // finished, and each decoder finished at most the photo it had started.
        QCOMPARE(atPark.modelStarted, pausedAtStarted.load());
        QCOMPARE(atPark.modelFinished, atPark.modelStarted);
        QVERIFY(atPark.decodeStarted - decoderStartedAtPause.load() <= kDecodeThreads);
        // The batch in hand (2 of its photos done) is not committed while paused.
        std::size_t completed = 0;
        for (const std::size_t size : model.batchSizes) {
            completed += size;
        }
        QCOMPARE(std::size_t(atPark.vectors), completed);
        QCOMPARE(atPark.modelFinished, int(completed) + 2);

        const double cpuBefore = processCpuSeconds();
        std::this_thread::sleep_for(std::chrono::milliseconds(700));
        const double cpuWhilePaused = processCpuSeconds() - cpuBefore;
        QVERIFY2(snapshot() == atPark, "progress was made while paused");
        // Waiting threads use no CPU; a spinning one would take ~0.7 s of it.
        QVERIFY2(cpuWhilePaused < 0.07, qPrintable(QString::number(cpuWhilePaused) + " s CPU"));
        qInfo("paused for 0.7 s after %d photos: %.4f s CPU", atPark.modelFinished, cpuWhilePaused);

        const double pausedFor =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - pausedAt).count();
        indexer.resume();
        worker.join();
        const double runFor =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - runStart).count();
        QVERIFY(!summary.cancelled);
        QCOMPARE(summary.embedded, std::size_t{kPhotos});
        // photos/s (and so the ETA) leave the pause out: the embedding time the rate implies
        // fits in the run's time without the pause, which a rate over wall time could not.
        QCOMPARE(lastEmbedding.done, std::size_t{kPhotos});
        const double activeFor = double(lastEmbedding.done) / lastEmbedding.photosPerSecond;
        qInfo("run %.3f s, paused %.3f s, embedding time by the reported rate %.3f s", runFor,
              pausedFor, activeFor);
        QVERIFY2(activeFor <= runFor - pausedFor + 0.02, "the reported rate counts the pause");
        QCOMPARE(model.finished.load(), kPhotos);  // nothing computed twice
        QCOMPARE(decoder.finished.load(), kPhotos);
        const double diff = maxAbsDiff(vectorsByHash(store, model.fingerprint()), reference_);
        qInfo("paused run vs uninterrupted: max|diff| = %g", diff);
        QCOMPARE(diff, 0.0);
    }

    void cancelDropsThePartialBatchAndRestartFinishes() {
        const std::string db = dir_.filePath("cancelled.sqlite3").toStdString();
        std::int64_t committed = 0;
        int computedBeforeCancel = 0;
        {
            LibraryStore store(db);
            CountingDecoder decoder(*decoder_);
            ObservedEmbedder model(*model_);
            PhotoIndexer indexer(store, model, decoder);
            model.gate = gateOn(decoder);
            // Cancel before the fourth photo of the second full batch.
            std::stop_source stop;
            int fullBatches = 0;
            model.beforePhoto = [&](std::size_t batchSize, std::size_t index) {
                if (batchSize == kBatch && index == 0) {
                    ++fullBatches;
                }
                if (fullBatches == 2 && index == 3) {
                    stop.request_stop();
                }
            };
            const auto summary = indexer.run(options(), {}, stop.get_token());
            QVERIFY(summary.cancelled);
            const auto model_id = store.findModel(model.fingerprint());
            QVERIFY(model_id);
            committed = store.vectorCount(*model_id, "");
            std::size_t completed = 0;
            for (const std::size_t size : model.batchSizes) {
                completed += size;
            }
            // Every completed batch is committed; the 3 photos of the cancelled one are not.
            QCOMPARE(std::size_t(committed), completed);
            QCOMPARE(summary.embedded, completed);
            QCOMPARE(model.finished.load(), int(completed) + 3);
            QVERIFY(committed >= std::int64_t{kBatch} && committed < kPhotos);
            computedBeforeCancel = model.finished.load();
            QCOMPARE(QString::fromStdString(store.integrityCheck()), QStringLiteral("ok"));
        }
        // Restart: exactly the photos without a vector go through decoder and model.
        LibraryStore store(db);
        CountingDecoder decoder(*decoder_);
        ObservedEmbedder model(*model_);
        PhotoIndexer indexer(store, model, decoder);
        const auto summary = indexer.run(options());
        QVERIFY(!summary.cancelled);
        QCOMPARE(summary.unchanged, std::size_t{kPhotos});  // files recorded before the cancel
        QCOMPARE(summary.embedded, std::size_t(kPhotos - committed));
        QCOMPARE(model.finished.load(), int(kPhotos - committed));
        QCOMPARE(decoder.started.load(), int(kPhotos - committed));
        qInfo("cancelled after %d photos computed, %lld committed; restart embedded %zu",
              computedBeforeCancel, static_cast<long long>(committed), summary.embedded);
        const double diff = maxAbsDiff(vectorsByHash(store, model.fingerprint()), reference_);
        qInfo("cancelled + restarted vs uninterrupted: max|diff| = %g", diff);
        QCOMPARE(diff, 0.0);
    }
};

QTEST_GUILESS_MAIN(TestLibraryPauseCancel)
#include "test_library_pause_cancel.moc"
