#include "app/cli/synthetic_vectors.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <thread>
#include <vector>

#include "core/library/dot_kernels.h"
#include "core/library/vector_math.h"

namespace abc::cli {

void SyntheticVectors::rowsParallel(std::size_t first, std::size_t count, float* out) const {
    const std::size_t workers = std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::thread> pool;
    for (std::size_t w = 0; w < workers; ++w) {
        const std::size_t begin = count * w / workers;
        const std::size_t end = count * (w + 1) / workers;
        pool.emplace_back(
            [=, this] { rows(first + begin, end - begin, out + begin * dimension_); });
    }
    for (auto& thread : pool) {
        thread.join();
    }
}

namespace {

void normalizeRow(float* row, std::size_t n) {
    double norm = 0.0;
    for (std::size_t d = 0; d < n; ++d) {
        norm += double(row[d]) * row[d];
    }
    const auto scale = static_cast<float>(1.0 / std::sqrt(norm));
    for (std::size_t d = 0; d < n; ++d) {
        row[d] *= scale;
    }
}

class LowRankVectors : public SyntheticVectors {
  public:
    LowRankVectors(int dimension, int latent, std::size_t collectionRows, std::uint64_t seed)
        : SyntheticVectors(dimension),
          latent_(latent),
          collectionRows_(collectionRows),
          map_(static_cast<std::size_t>(dimension) * latent) {
        std::mt19937_64 rng(seed);
        std::normal_distribution<float> normal;
        for (auto& x : map_) {
            x = normal(rng) / std::sqrt(static_cast<float>(latent));
        }
    }
    std::string name() const override {
        return "low-rank (" + std::to_string(latent_) + "-d Gaussian latent)";
    }
    void rows(std::size_t first, std::size_t count, float* out) const override {
        const int dimension = this->dimension();
        std::vector<float> z(static_cast<std::size_t>(latent_));
        for (std::size_t i = 0; i < count; ++i) {
            std::mt19937_64 rng(0x9E3779B97F4A7C15ull * (first + i + 1));
            std::normal_distribution<float> normal;
            for (auto& x : z) {
                x = normal(rng);
            }
            float* row = out + i * dimension;
            for (int d = 0; d < dimension; ++d) {
                float sum = dot(map_.data() + static_cast<std::size_t>(d) * latent_, z.data(),
                                static_cast<std::size_t>(latent_));
                sum += 0.3f * normal(rng) / std::sqrt(static_cast<float>(dimension)) *
                       std::sqrt(static_cast<float>(latent_));
                row[d] = sum;
            }
            normalizeRow(row, static_cast<std::size_t>(dimension));
        }
    }
    void queries(std::size_t count, float* out) const override {
        rows(collectionRows_ + 1000, count, out);
    }

  private:
    int latent_;
    std::size_t collectionRows_;
    std::vector<float> map_;
};

// Fast seeded normals (a generator per row keeps rows independent of chunking).
class NormalStream {
  public:
    explicit NormalStream(std::uint64_t seed) : state_(seed) {}
    float next() {
        if (hasSpare_) {
            hasSpare_ = false;
            return spare_;
        }
        const double u1 = (static_cast<double>(bits() >> 11) + 0.5) * 0x1.0p-53;
        const double u2 = static_cast<double>(bits() >> 11) * 0x1.0p-53;
        const double radius = std::sqrt(-2.0 * std::log(u1));
        spare_ = static_cast<float>(radius * std::sin(6.283185307179586 * u2));
        hasSpare_ = true;
        return static_cast<float>(radius * std::cos(6.283185307179586 * u2));
    }

    std::size_t below(std::size_t n) { return static_cast<std::size_t>(bits() % n); }

  private:
    std::uint64_t bits() {  // splitmix64
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    std::uint64_t state_;
    float spare_ = 0.0f;
    bool hasSpare_ = false;
};

// Parameters of the photo-collection model (fixed; documented in docs/library.md).
constexpr int kLatent = 256;               // latent dimensions, variance 1/(j+1)
constexpr double kPhotosPerEvent = 100.0;  // mean event size
constexpr double kEventSizeSigma = 1.0;    // log-normal spread of event sizes
constexpr int kThemes = 100;               // shared subjects (beach, pets, a person...)
constexpr float kThemeWeight = 0.7f;       // event centre = 0.7 theme + 0.7 own direction
constexpr float kOwnWeight = 0.7f;
constexpr float kSpreadMedian = 0.35f;  // within-event spread, log-normal sigma 0.5
constexpr float kSpreadSigma = 0.5f;
constexpr float kMeanEnergy = 3.0f;    // shared mean direction (the embedding cone)
constexpr float kPixelNoise = 0.015f;  // isotropic noise per output dimension
constexpr float kQueryMean = 0.5f;     // queries keep half of the image mean...
constexpr float kGapEnergy = 3.0f;     // ...plus a fixed modality-gap direction
constexpr float kQueryNoise = 0.5f;    // how loosely a query describes its event

class PhotoCollectionVectors : public SyntheticVectors {
  public:
    PhotoCollectionVectors(int dimension, std::size_t collectionRows, std::uint64_t seed)
        : SyntheticVectors(dimension), seed_(seed) {
        const auto d = static_cast<std::size_t>(dimension);
        NormalStream normal(seed);
        map_.resize(d * kLatent);  // row d: how output dimension d reads the latent
        for (auto& x : map_) {
            x = normal.next() / std::sqrt(static_cast<float>(d));
        }
        spectrum_.resize(kLatent);
        for (int j = 0; j < kLatent; ++j) {
            spectrum_[j] = 1.0f / std::sqrt(static_cast<float>(j + 1));  // standard deviation
        }
        auto latentDraw = [&](NormalStream& stream, float scale) {
            std::vector<float> v(kLatent);
            for (int j = 0; j < kLatent; ++j) {
                v[j] = scale * spectrum_[j] * stream.next();
            }
            return v;
        };
        mean_ = direction(normal, kMeanEnergy);
        gap_ = direction(normal, kGapEnergy);
        std::vector<std::vector<float>> themes;
        for (int t = 0; t < kThemes; ++t) {
            themes.push_back(latentDraw(normal, 1.0f));
        }
        const std::size_t events = std::max<std::size_t>(
            1, static_cast<std::size_t>(std::ceil(double(collectionRows) / kPhotosPerEvent)));
        std::vector<double> weights(events);
        for (auto& w : weights) {
            w = std::exp(kEventSizeSigma * normal.next());
        }
        const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
        ends_.resize(events);
        double running = 0.0;
        for (std::size_t e = 0; e < events; ++e) {
            running += weights[e];
            ends_[e] = static_cast<std::size_t>(std::llround(running / total * collectionRows));
        }
        ends_.back() = collectionRows;
        centres_.resize(events * kLatent);
        spreads_.resize(events);
        for (std::size_t e = 0; e < events; ++e) {
            const auto& theme = themes[normal.below(kThemes)];
            const auto own = latentDraw(normal, 1.0f);
            for (int j = 0; j < kLatent; ++j) {
                centres_[e * kLatent + j] = kThemeWeight * theme[j] + kOwnWeight * own[j];
            }
            spreads_[e] = kSpreadMedian * std::exp(kSpreadSigma * normal.next());
        }
    }

    std::string name() const override { return "photos (events of themes, text-like queries)"; }

    void rows(std::size_t first, std::size_t count, float* out) const override {
        std::vector<float> latent(count * kLatent);
        for (std::size_t i = 0; i < count; ++i) {
            const std::size_t row = first + i;
            const std::size_t event = std::min<std::size_t>(
                ends_.size() - 1,
                std::upper_bound(ends_.begin(), ends_.end(), row) - ends_.begin());
            NormalStream normal(seed_ * 0x2545F4914F6CDD1Dull + row + 1);
            float* u = latent.data() + i * kLatent;
            for (int j = 0; j < kLatent; ++j) {
                u[j] = mean_[j] + centres_[event * kLatent + j] +
                       spreads_[event] * spectrum_[j] * normal.next();
            }
        }
        finish(latent, count, first + 1, out);
    }

    void queries(std::size_t count, float* out) const override {
        std::vector<float> latent(count * kLatent);
        NormalStream pick(seed_ + 7);
        for (std::size_t q = 0; q < count; ++q) {
            const std::size_t event = pick.below(ends_.size());
            float* u = latent.data() + q * kLatent;
            for (int j = 0; j < kLatent; ++j) {
                u[j] = kQueryMean * mean_[j] + gap_[j] + centres_[event * kLatent + j] +
                       kQueryNoise * spectrum_[j] * pick.next();
            }
        }
        finish(latent, count, 0xABCDEF, out);
    }

  private:
    // A random latent direction of the given energy (squared norm), spread over all dimensions.
    std::vector<float> direction(NormalStream& normal, float energy) const {
        std::vector<float> v(kLatent);
        double norm = 0.0;
        for (auto& x : v) {
            x = normal.next();
            norm += double(x) * x;
        }
        for (auto& x : v) {
            x = static_cast<float>(x * std::sqrt(energy / norm));
        }
        return v;
    }

    // Latent rows -> output dimension, plus isotropic noise, normalised.
    void finish(const std::vector<float>& latent, std::size_t count, std::uint64_t noiseSeed,
                float* out) const {
        const auto d = static_cast<std::size_t>(dimension());
        pairwiseDots(latent.data(), count, map_.data(), d, kLatent, out, 1);
        for (std::size_t i = 0; i < count; ++i) {
            NormalStream noise((noiseSeed + i) * 0xD1B54A32D192ED03ull ^ seed_);
            float* row = out + i * d;
            for (std::size_t x = 0; x < d; ++x) {
                row[x] += kPixelNoise * noise.next();
            }
            normalizeRow(row, d);
        }
    }

    std::uint64_t seed_;
    std::vector<float> map_;
    std::vector<float> spectrum_;
    std::vector<float> mean_;
    std::vector<float> gap_;
    std::vector<std::size_t> ends_;  // cumulative event sizes
    std::vector<float> centres_;     // events x kLatent
    std::vector<float> spreads_;
};

}  // namespace

std::unique_ptr<SyntheticVectors> makeLowRankVectors(int dimension, int latent,
                                                     std::size_t collectionRows,
                                                     std::uint64_t seed) {
    return std::make_unique<LowRankVectors>(dimension, latent, collectionRows, seed);
}

std::unique_ptr<SyntheticVectors> makePhotoCollectionVectors(int dimension,
                                                             std::size_t collectionRows,
                                                             std::uint64_t seed) {
    return std::make_unique<PhotoCollectionVectors>(dimension, collectionRows, seed);
}

}  // namespace abc::cli
