#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace abc::cli {

// Synthetic 3584-d embeddings for the library benchmarks. Row r depends on r only, so a
// collection of any size can be generated chunk by chunk and never held whole.
class SyntheticVectors {
  public:
    explicit SyntheticVectors(int dimension) : dimension_(dimension) {}
    virtual ~SyntheticVectors() = default;
    int dimension() const { return dimension_; }
    virtual std::string name() const = 0;
    // Rows [first, first + count), L2-normalised, on the calling thread.
    virtual void rows(std::size_t first, std::size_t count, float* out) const = 0;
    // count search queries, L2-normalised.
    virtual void queries(std::size_t count, float* out) const = 0;
    // rows() split over all cores.
    void rowsParallel(std::size_t first, std::size_t count, float* out) const;

  private:
    int dimension_;
};

// "low-rank": a fixed random linear map of a `latent`-d isotropic Gaussian plus isotropic
// noise. No cluster structure; queries are fresh points of the same distribution (row
// numbers past the collection).
std::unique_ptr<SyntheticVectors> makeLowRankVectors(int dimension, int latent,
                                                     std::size_t collectionRows,
                                                     std::uint64_t seed);

// "photos": a photo collection. Photos belong to events (~100 photos each on average,
// log-normal sizes), events to themes; a power-law spectrum over a 256-d latent space, a
// shared mean direction (embeddings sit in a cone) and isotropic noise. Queries are text-like:
// the centre of a random event, seen through its own noise and shifted by a fixed modality
// gap, so they land near a group of photos but on none of them. See docs/library.md.
std::unique_ptr<SyntheticVectors> makePhotoCollectionVectors(int dimension,
                                                             std::size_t collectionRows,
                                                             std::uint64_t seed);

}  // namespace abc::cli
