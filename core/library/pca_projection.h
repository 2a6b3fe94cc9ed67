#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace abc {

// Linear projection onto the leading principal directions of a sample of rows. The second
// moment is not centred: search ranks by inner product, and the uncentred directions are the
// ones that keep the most of every inner product (q.x ~= Pq.Px). Fitted by randomised subspace
// iteration, so a 3584-d fit never forms the 3584 x 3584 covariance nor needs LAPACK on it.
class PcaProjection {
  public:
    PcaProjection() = default;
    // sample: rows x dimension, row-major. components < dimension.
    static PcaProjection fit(std::span<const float> sample, int dimension, int components,
                             std::uint64_t seed = 1);

    int inputDimension() const { return input_; }
    int outputDimension() const { return output_; }
    // Share of the sample's energy (sum of squared norms) the kept directions carry.
    double retainedEnergy() const { return retained_; }
    // rows x inputDimension() -> rows x outputDimension().
    void project(std::span<const float> rows, std::span<float> out, int threads = 1) const;

  private:
    int input_ = 0;
    int output_ = 0;
    double retained_ = 0.0;
    std::vector<float> components_;  // output_ rows of input_ floats, orthonormal
};

}  // namespace abc
