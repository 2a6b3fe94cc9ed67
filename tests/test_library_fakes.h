#pragma once
// A deterministic stand-in for the model and the image decoder, so the library's pipeline and
// search can be tested on real files and a real database without a checkpoint. The vectors
// are a pure function of the file bytes (and instruction), like a real model's.
#include <QFile>
#include <QTemporaryDir>

#include <atomic>
#include <cmath>
#include <functional>
#include <random>
#include <string>
#include <thread>

#include "core/io/error.h"
#include "core/library/library_store.h"
#include "core/library/photo_decoder.h"
#include "core/library/photo_embedder.h"

namespace abc::test {

inline std::uint64_t fnv1a(const char* data, std::size_t size,
                           std::uint64_t seed = 1469598103934665603ull) {
    std::uint64_t h = seed;
    for (std::size_t i = 0; i < size; ++i) {
        h ^= static_cast<unsigned char>(data[i]);
        h *= 1099511628211ull;
    }
    return h;
}

inline std::vector<float> seededUnitVector(std::uint64_t seed, int dimension) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> normal;
    std::vector<float> v(static_cast<std::size_t>(dimension));
    double sum = 0;
    for (auto& x : v) {
        x = normal(rng);
        sum += double(x) * x;
    }
    for (auto& x : v) {
        x = static_cast<float>(x / std::sqrt(sum));
    }
    return v;
}

// "Decodes" any file: patches carry the file's hash; a file containing "CORRUPT" fails.
class FakeDecoder : public PhotoDecoder {
  public:
    std::string fingerprint() const override { return "fake-decoder"; }
    std::shared_ptr<const ImagePatches> preprocess(const std::string& path) const override {
        QFile file(QString::fromStdString(path));
        if (!file.open(QIODevice::ReadOnly)) {
            throw Error(path, "cannot open");
        }
        const QByteArray bytes = file.readAll();
        if (bytes.contains("CORRUPT")) {
            throw Error(path, "damaged image data");
        }
        auto patches = std::make_shared<ImagePatches>();
        const std::uint64_t h = fnv1a(bytes.constData(), static_cast<std::size_t>(bytes.size()));
        patches->values = {static_cast<float>(h & 0xffffffu), static_cast<float>(h >> 40)};
        patches->rows = 1;
        patches->patchDim = 2;
        patches->grid.t = 1;
        patches->grid.h = 2;
        patches->grid.w = 2 * (1 + static_cast<std::int64_t>(bytes.size() % 3));  // 1..3 tokens
        decoded.fetch_add(1);
        return patches;
    }
    void probe(const std::string&, PhotoFacts& facts) const override {
        facts.width = 64;
        facts.height = 48;
    }
    mutable std::atomic<int> decoded{0};
};

class FakeEmbedder : public PhotoEmbedder {
  public:
    explicit FakeEmbedder(int dimension = 16) : dimension_(dimension) {}
    std::string fingerprint() const override { return "fake-model-" + std::to_string(dimension_); }
    int dimension() const override { return dimension_; }
    bool supportsInstructions() const override { return true; }
    std::vector<Embedding> embedImages(
        const std::vector<std::shared_ptr<const ImagePatches>>& images,
        const std::string& instruction, const EmbedHooks& = {}) override {
        std::vector<Embedding> out;
        for (const auto& image : images) {
            std::uint64_t seed = static_cast<std::uint64_t>(image->values.at(0)) * 1000003u +
                                 static_cast<std::uint64_t>(image->values.at(1));
            seed = fnv1a(instruction.data(), instruction.size(), seed);
            out.push_back(seededUnitVector(seed, dimension_));
        }
        images_.fetch_add(static_cast<int>(images.size()));
        batches_.fetch_add(1);
        if (delayMs > 0) {
            std::this_thread::sleep_for(std::chrono::milliseconds(delayMs));
        }
        return out;
    }
    Embedding embedText(const std::string& text) override {
        return seededUnitVector(fnv1a(text.data(), text.size()), dimension_);
    }
    int images() const { return images_.load(); }
    int batches() const { return batches_.load(); }
    int delayMs = 0;

  private:
    int dimension_;
    std::atomic<int> images_{0};
    std::atomic<int> batches_{0};
};

// `count` photo files of their own in `dir`, file i holding contentOf(i), recorded with the
// plain vector `embedder` gives each under its fingerprint.
inline void recordFakePhotos(
    LibraryStore& store, FakeEmbedder& embedder, const FakeDecoder& decoder,
    const QTemporaryDir& dir, int count,
    const std::function<QByteArray(int)>& contentOf = [](int i) {
        return QByteArray::number(i * 7919 + 13);
    }) {
    const auto model = store.modelId(embedder.fingerprint(), embedder.dimension());
    for (int i = 0; i < count; ++i) {
        const QString path = dir.filePath(QString("p%1.jpg").arg(i));
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly)) {
            qFatal("cannot write %s", qPrintable(path));
        }
        file.write(contentOf(i));
        file.close();
        PhotoFacts facts;
        facts.contentHash = "h" + std::to_string(i);
        facts.mediaType = "jpeg";
        const PhotoId id = store.recordFile({path.toStdString(), 1, 1}, facts);
        store.putVectors(
            model, "",
            {{id, embedder.embedImages({decoder.preprocess(path.toStdString())}, "")[0]}});
    }
}

}  // namespace abc::test
