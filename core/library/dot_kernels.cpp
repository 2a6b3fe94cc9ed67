#include "core/library/dot_kernels.h"

#include <algorithm>
#include <thread>
#include <vector>

#include "core/library/vector_math.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace abc {

namespace {

// Rows per tile and floats per slice: a tile pair's slices (2 x 64 x 1 KB) stay in L2 while
// the micro-kernel walks them.
constexpr std::size_t kTileRows = 64;
constexpr std::size_t kSlice = 256;

#if defined(__x86_64__)
bool hasAvx2Fma() {
    static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return has;
}

__attribute__((target("avx2,fma"))) inline float horizontalSum(__m256 v) {
    __m128 low = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    low = _mm_add_ps(low, _mm_movehl_ps(low, low));
    low = _mm_add_ss(low, _mm_shuffle_ps(low, low, 1));
    return _mm_cvtss_f32(low);
}

// 4 rows of A against 2 rows of B over n floats (n a multiple of 8): 8 accumulators, 6 loads
// per 8 multiply-adds.
__attribute__((target("avx2,fma"))) void kernel4x2(const float* a, const float* b,
                                                   std::size_t stride, std::size_t n, float* acc,
                                                   std::size_t accStride) {
    __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
    __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
    __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
    __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
    const float* b0 = b;
    const float* b1 = b + stride;
    for (std::size_t i = 0; i < n; i += 8) {
        const __m256 v0 = _mm256_loadu_ps(b0 + i);
        const __m256 v1 = _mm256_loadu_ps(b1 + i);
        __m256 x = _mm256_loadu_ps(a + i);
        c00 = _mm256_fmadd_ps(x, v0, c00);
        c01 = _mm256_fmadd_ps(x, v1, c01);
        x = _mm256_loadu_ps(a + stride + i);
        c10 = _mm256_fmadd_ps(x, v0, c10);
        c11 = _mm256_fmadd_ps(x, v1, c11);
        x = _mm256_loadu_ps(a + 2 * stride + i);
        c20 = _mm256_fmadd_ps(x, v0, c20);
        c21 = _mm256_fmadd_ps(x, v1, c21);
        x = _mm256_loadu_ps(a + 3 * stride + i);
        c30 = _mm256_fmadd_ps(x, v0, c30);
        c31 = _mm256_fmadd_ps(x, v1, c31);
    }
    acc[0] += horizontalSum(c00);
    acc[1] += horizontalSum(c01);
    acc[accStride] += horizontalSum(c10);
    acc[accStride + 1] += horizontalSum(c11);
    acc[2 * accStride] += horizontalSum(c20);
    acc[2 * accStride + 1] += horizontalSum(c21);
    acc[3 * accStride] += horizontalSum(c30);
    acc[3 * accStride + 1] += horizontalSum(c31);
}

__attribute__((target("avx2,fma"))) float dotFloatInt8Avx2(const float* query,
                                                           const std::int8_t* codes,
                                                           std::size_t n) {
    __m256 acc0 = _mm256_setzero_ps();
    __m256 acc1 = _mm256_setzero_ps();
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(codes + i));
        const __m256 low = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(bytes));
        const __m256 high = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(bytes, 8)));
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(query + i), low, acc0);
        acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(query + i + 8), high, acc1);
    }
    float sum = horizontalSum(_mm256_add_ps(acc0, acc1));
    for (; i < n; ++i) {
        sum += query[i] * static_cast<float>(codes[i]);
    }
    return sum;
}

__attribute__((target("avx2,fma"))) float squaredDistanceAvx2(const float* a, const float* b,
                                                              std::size_t n) {
    __m256 acc0 = _mm256_setzero_ps();
    __m256 acc1 = _mm256_setzero_ps();
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
        const __m256 d1 = _mm256_sub_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8));
        acc0 = _mm256_fmadd_ps(d0, d0, acc0);
        acc1 = _mm256_fmadd_ps(d1, d1, acc1);
    }
    float sum = horizontalSum(_mm256_add_ps(acc0, acc1));
    for (; i < n; ++i) {
        const float d = a[i] - b[i];
        sum += d * d;
    }
    return sum;
}
#endif

// One tile of A rows against one tile of B rows, accumulated slice by slice.
void dotTile(const float* a, std::size_t aCount, const float* b, std::size_t bCount,
             std::size_t length, float* out, std::size_t outStride) {
    float acc[kTileRows * kTileRows] = {};
    std::size_t vectorLength = 0;
#if defined(__x86_64__)
    if (hasAvx2Fma()) {
        vectorLength = length - length % 8;
    }
    for (std::size_t start = 0; start < vectorLength; start += kSlice) {
        const std::size_t n = std::min(kSlice, vectorLength - start);
        std::size_t i = 0;
        for (; i + 4 <= aCount; i += 4) {
            std::size_t j = 0;
            for (; j + 2 <= bCount; j += 2) {
                kernel4x2(a + i * length + start, b + j * length + start, length, n,
                          acc + i * kTileRows + j, kTileRows);
            }
            for (; j < bCount; ++j) {
                for (std::size_t r = i; r < i + 4; ++r) {
                    acc[r * kTileRows + j] +=
                        dot(a + r * length + start, b + j * length + start, n);
                }
            }
        }
        for (; i < aCount; ++i) {
            for (std::size_t j = 0; j < bCount; ++j) {
                acc[i * kTileRows + j] += dot(a + i * length + start, b + j * length + start, n);
            }
        }
    }
#endif
    if (vectorLength < length) {
        for (std::size_t i = 0; i < aCount; ++i) {
            for (std::size_t j = 0; j < bCount; ++j) {
                acc[i * kTileRows + j] += dot(a + i * length + vectorLength,
                                              b + j * length + vectorLength, length - vectorLength);
            }
        }
    }
    for (std::size_t i = 0; i < aCount; ++i) {
        std::copy(acc + i * kTileRows, acc + i * kTileRows + bCount, out + i * outStride);
    }
}

}  // namespace

void pairwiseDots(const float* a, std::size_t aRows, const float* b, std::size_t bRows,
                  std::size_t length, float* out, int threads) {
    const std::size_t aTiles = (aRows + kTileRows - 1) / kTileRows;
    const std::size_t bTiles = (bRows + kTileRows - 1) / kTileRows;
    const std::size_t tiles = aTiles * bTiles;
    std::size_t workers = threads > 0 ? static_cast<std::size_t>(threads)
                                      : std::max(1u, std::thread::hardware_concurrency());
    workers = std::max<std::size_t>(1, std::min(workers, tiles));
    // Tiles in B-major order so consecutive tiles of a worker share the B tile.
    auto run = [&](std::size_t worker) {
        for (std::size_t t = worker; t < tiles; t += workers) {
            const std::size_t bt = t / aTiles;
            const std::size_t at = t % aTiles;
            const std::size_t aFirst = at * kTileRows;
            const std::size_t bFirst = bt * kTileRows;
            dotTile(a + aFirst * length, std::min(kTileRows, aRows - aFirst), b + bFirst * length,
                    std::min(kTileRows, bRows - bFirst), length, out + aFirst * bRows + bFirst,
                    bRows);
        }
    };
    if (workers == 1) {
        run(0);
        return;
    }
    std::vector<std::thread> pool;
    for (std::size_t w = 1; w < workers; ++w) {
        pool.emplace_back(run, w);
    }
    run(0);
    for (auto& thread : pool) {
        thread.join();
    }
}

float dotFloatInt8(const float* query, const std::int8_t* codes, std::size_t n) {
#if defined(__x86_64__)
    if (hasAvx2Fma()) {
        return dotFloatInt8Avx2(query, codes, n);
    }
#endif
    float sum = 0.0f;
    for (std::size_t i = 0; i < n; ++i) {
        sum += query[i] * static_cast<float>(codes[i]);
    }
    return sum;
}

float squaredDistance(const float* a, const float* b, std::size_t n) {
#if defined(__x86_64__)
    if (hasAvx2Fma()) {
        return squaredDistanceAvx2(a, b, n);
    }
#endif
    float sum = 0.0f;
    for (std::size_t i = 0; i < n; ++i) {
        const float d = a[i] - b[i];
        sum += d * d;
    }
    return sum;
}

}  // namespace abc
