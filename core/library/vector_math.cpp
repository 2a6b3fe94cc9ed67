#include "core/library/vector_math.h"

#include <algorithm>
#include <cmath>

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

std::int32_t dotInt8Scalar(const std::int8_t* a, const std::int8_t* b, std::size_t n) {
    std::int32_t sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
        sum += std::int32_t{a[i]} * std::int32_t{b[i]};
    }
    return sum;
}

#if defined(__x86_64__)
// |a| (unsigned) x sign(b, a) (signed) products summed in pairs by maddubs; codes are within
// [-127, 127], so a pair is at most 2 * 127 * 127 = 32258 and never saturates int16.
__attribute__((target("avx2"))) std::int32_t dotInt8Avx2(const std::int8_t* a, const std::int8_t* b,
                                                         std::size_t n) {
    const __m256i ones = _mm256_set1_epi16(1);
    __m256i acc = _mm256_setzero_si256();
    std::size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        const __m256i va = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + i));
        const __m256i vb = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + i));
        const __m256i pairs = _mm256_maddubs_epi16(_mm256_abs_epi8(va), _mm256_sign_epi8(vb, va));
        acc = _mm256_add_epi32(acc, _mm256_madd_epi16(pairs, ones));
    }
    __m128i sum = _mm_add_epi32(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
    sum = _mm_add_epi32(sum, _mm_shuffle_epi32(sum, 0x4E));
    sum = _mm_add_epi32(sum, _mm_shuffle_epi32(sum, 0xB1));
    std::int32_t total = _mm_cvtsi128_si32(sum);
    for (; i < n; ++i) {
        total += std::int32_t{a[i]} * std::int32_t{b[i]};
    }
    return total;
}
#endif

}  // namespace

float quantizeInt8(const float* values, std::size_t n, std::int8_t* codes) {
    float largest = 0.0f;
    for (std::size_t i = 0; i < n; ++i) {
        largest = std::max(largest, std::abs(values[i]));
    }
    if (largest == 0.0f) {
        std::fill(codes, codes + n, std::int8_t{0});
        return 0.0f;
    }
    const float scale = largest / 127.0f;
    // Half away from zero, as std::lround, but inline: the library call was 40 % of opening a
    // large library (every row is quantised then).
    for (std::size_t i = 0; i < n; ++i) {
        const float v = std::clamp(values[i] / scale, -127.0f, 127.0f);
        codes[i] = static_cast<std::int8_t>(static_cast<int>(v + std::copysign(0.5f, v)));
    }
    return scale;
}

std::int32_t dotInt8(const std::int8_t* a, const std::int8_t* b, std::size_t n) {
#if defined(__x86_64__)
    if (hasAvx2()) {
        return dotInt8Avx2(a, b, n);
    }
#endif
    return dotInt8Scalar(a, b, n);
}

float dot(const float* a, const float* b, std::size_t n) {
#if defined(__x86_64__)
    if (hasAvx2()) {
        return dotAvx2(a, b, n);
    }
#endif
    return dotScalar(a, b, n);
}

}  // namespace abc
