#include "core/library/vector_math.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace abc {

namespace {

float dotScalar(const float* a, const float* b, std::size_t n) {
    float lanes[8] = {};
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        for (int l = 0; l < 8; ++l) {
            lanes[l] += a[i + l] * b[i + l];
        }
    }
    float sum = 0.0f;
    for (; i < n; ++i) {
        sum += a[i] * b[i];
    }
    for (const float lane : lanes) {
        sum += lane;
    }
    return sum;
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma"))) float dotAvx2(const float* a, const float* b, std::size_t n) {
    __m256 acc0 = _mm256_setzero_ps();
    __m256 acc1 = _mm256_setzero_ps();
    __m256 acc2 = _mm256_setzero_ps();
    __m256 acc3 = _mm256_setzero_ps();
    std::size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), acc1);
        acc2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16), acc2);
        acc3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24), acc3);
    }
    for (; i + 8 <= n; i += 8) {
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
    }
    const __m256 acc = _mm256_add_ps(_mm256_add_ps(acc0, acc1), _mm256_add_ps(acc2, acc3));
    __m128 low = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
    low = _mm_add_ps(low, _mm_movehl_ps(low, low));
    low = _mm_add_ss(low, _mm_shuffle_ps(low, low, 1));
    float sum = _mm_cvtss_f32(low);
    for (; i < n; ++i) {
        sum += a[i] * b[i];
    }
    return sum;
}

bool hasAvx2() {
    static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return has;
}
#endif

}  // namespace

float dot(const float* a, const float* b, std::size_t n) {
#if defined(__x86_64__)
    if (hasAvx2()) {
        return dotAvx2(a, b, n);
    }
#endif
    return dotScalar(a, b, n);
}

}  // namespace abc
