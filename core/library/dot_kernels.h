#pragma once

#include <cstddef>
#include <cstdint>

namespace abc {

// Every dot product between two sets of rows (a matrix product A * B^T), blocked so that each
// loaded slice of a row is reused several times: the PCA fit and the benchmark's exact ground
// truth need billions of these, and one dot() call per pair is limited by memory, not by the
// arithmetic. Rows are contiguous with `length` floats each; out[i * bRows + j] = a_i . b_j.
// threads <= 0: one per core.
void pairwiseDots(const float* a, std::size_t aRows, const float* b, std::size_t bRows,
                  std::size_t length, float* out, int threads = 0);

// sum(query[i] * codes[i]): a float query against an int8 row (the caller applies the row's
// scale). Keeps the query at full precision, so the only error left is the row's rounding.
float dotFloatInt8(const float* query, const std::int8_t* codes, std::size_t n);

// Squared Euclidean distance (AVX2/FMA where available).
float squaredDistance(const float* a, const float* b, std::size_t n);

}  // namespace abc
