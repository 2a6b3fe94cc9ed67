#include "core/library/pca_projection.h"

#include <opencv2/core.hpp>

#include <algorithm>
#include <cmath>
#include <random>

#include "core/io/error.h"
#include "core/library/dot_kernels.h"
#include "core/library/vector_math.h"

namespace abc {

namespace {

std::vector<float> transposed(const float* values, std::size_t rows, std::size_t columns) {
    std::vector<float> out(rows * columns);
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < columns; ++c) {
            out[c * rows + r] = values[r * columns + c];
        }
    }
    return out;
}

// Modified Gram-Schmidt over the rows, twice (one pass loses orthogonality when the
// directions are close, as they become after power iterations).
void orthonormalizeRows(std::vector<float>& basis, std::size_t rows, std::size_t length) {
    for (int pass = 0; pass < 2; ++pass) {
        for (std::size_t i = 0; i < rows; ++i) {
            float* v = basis.data() + i * length;
            for (std::size_t j = 0; j < i; ++j) {
                const float* u = basis.data() + j * length;
                const float projection = dot(v, u, length);
                for (std::size_t d = 0; d < length; ++d) {
                    v[d] -= projection * u[d];
                }
            }
            const float norm = std::sqrt(dot(v, v, length));
            const float inverse = norm > 1e-20f ? 1.0f / norm : 0.0f;
            for (std::size_t d = 0; d < length; ++d) {
                v[d] *= inverse;
            }
        }
    }
}

}  // namespace

PcaProjection PcaProjection::fit(std::span<const float> sample, int dimension, int components,
                                 std::uint64_t seed) {
    if (dimension <= 0 || sample.size() % static_cast<std::size_t>(dimension) != 0) {
        throw Error("PCA", "sample does not match the dimension");
    }
    if (components <= 0 || components >= dimension) {
        throw Error("PCA", "components must be between 1 and the dimension - 1");
    }
    const auto d = static_cast<std::size_t>(dimension);
    const std::size_t n = sample.size() / d;
    if (n < static_cast<std::size_t>(components)) {
        throw Error("PCA", "sample has fewer rows than components");
    }
    // Oversampling: the extra directions absorb the tail so the kept ones converge.
    const std::size_t width = std::min(d, static_cast<std::size_t>(components) + 16);
    std::vector<float> basis(width * d);  // rows: current subspace
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> normal;
    for (auto& x : basis) {
        x = normal(rng);
    }
    orthonormalizeRows(basis, width, d);
    const std::vector<float> columns = transposed(sample.data(), n, d);  // d rows of n
    std::vector<float> coordinates(n * width);                           // sample x basis^T
    // Each iteration multiplies the subspace by the second moment X^T X, which separates the
    // leading directions from the rest by their eigenvalue ratio.
    constexpr int kIterations = 3;
    for (int iteration = 0; iteration < kIterations; ++iteration) {
        pairwiseDots(sample.data(), n, basis.data(), width, d, coordinates.data());
        const std::vector<float> byDirection = transposed(coordinates.data(), n, width);
        pairwiseDots(byDirection.data(), width, columns.data(), d, n, basis.data());
        orthonormalizeRows(basis, width, d);
    }
    // Rayleigh-Ritz: the second moment restricted to the subspace, diagonalised exactly.
    pairwiseDots(sample.data(), n, basis.data(), width, d, coordinates.data());
    const std::vector<float> byDirection = transposed(coordinates.data(), n, width);
    cv::Mat moment(static_cast<int>(width), static_cast<int>(width), CV_64F);
    for (std::size_t i = 0; i < width; ++i) {
        for (std::size_t j = 0; j <= i; ++j) {
            double sum = 0.0;
            const float* u = byDirection.data() + i * n;
            const float* v = byDirection.data() + j * n;
            for (std::size_t r = 0; r < n; ++r) {
                sum += double(u[r]) * v[r];
            }
            moment.at<double>(static_cast<int>(i), static_cast<int>(j)) = sum / double(n);
            moment.at<double>(static_cast<int>(j), static_cast<int>(i)) = sum / double(n);
        }
    }
    cv::Mat eigenvalues;
    cv::Mat eigenvectors;  // rows, eigenvalues descending
    cv::eigen(moment, eigenvalues, eigenvectors);
    PcaProjection pca;
    pca.input_ = dimension;
    pca.output_ = components;
    pca.components_.assign(static_cast<std::size_t>(components) * d, 0.0f);
    for (int c = 0; c < components; ++c) {
        float* out = pca.components_.data() + static_cast<std::size_t>(c) * d;
        for (std::size_t j = 0; j < width; ++j) {
            const auto weight = static_cast<float>(eigenvectors.at<double>(c, static_cast<int>(j)));
            const float* b = basis.data() + j * d;
            for (std::size_t x = 0; x < d; ++x) {
                out[x] += weight * b[x];
            }
        }
    }
    double kept = 0.0;
    for (int c = 0; c < components; ++c) {
        kept += eigenvalues.at<double>(c);
    }
    double total = 0.0;
    for (std::size_t r = 0; r < n; ++r) {
        const float* row = sample.data() + r * d;
        total += dot(row, row, d);
    }
    total /= double(n);
    pca.retained_ = total > 0 ? kept / total : 0.0;
    return pca;
}

void PcaProjection::project(std::span<const float> rows, std::span<float> out, int threads) const {
    const auto in = static_cast<std::size_t>(input_);
    const auto kept = static_cast<std::size_t>(output_);
    if (in == 0 || rows.size() % in != 0 || out.size() != rows.size() / in * kept) {
        throw Error("PCA", "rows do not match the projection's dimensions");
    }
    const std::size_t count = rows.size() / in;
    if (count == 1) {
        for (std::size_t c = 0; c < kept; ++c) {
            out[c] = dot(rows.data(), components_.data() + c * in, in);
        }
        return;
    }
    pairwiseDots(rows.data(), count, components_.data(), kept, in, out.data(), threads);
}

}  // namespace abc
