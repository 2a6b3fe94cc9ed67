// Compares a computed vector with its golden so that a failure says where: the first index
// past the tolerance with both values, and the largest difference with its index.
#pragma once

#include <QString>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <optional>
#include <span>

namespace abc::test {

struct GoldenComparison {
    std::size_t gotSize = 0;
    std::size_t wantSize = 0;
    double maxAbsDiff = 0.0;  // 1e30 when the sizes differ
    std::size_t maxIndex = 0;
    double cosine = 1.0;                  // 0 when the sizes differ
    std::optional<std::size_t> firstBad;  // first index with |got - want| > tolerance
    float gotAtFirstBad = 0.0f;
    float wantAtFirstBad = 0.0f;
    double tolerance = 0.0;

    // "max|diff| 3.1e-05 at [42] of 3584 (tolerance 1e-05; first past it: [17] got 0.12 want
    // 0.11); cosine 0.999990000"
    QString describe() const {
        if (gotSize != wantSize) {
            return QStringLiteral("sizes differ: got %1 values, want %2")
                .arg(gotSize)
                .arg(wantSize);
        }
        QString text = QStringLiteral("max|diff| %1 at [%2] of %3 (tolerance %4")
                           .arg(maxAbsDiff, 0, 'g', 3)
                           .arg(maxIndex)
                           .arg(gotSize)
                           .arg(tolerance, 0, 'g', 3);
        if (firstBad) {
            text += QStringLiteral("; first past it: [%1] got %2 want %3")
                        .arg(*firstBad)
                        .arg(double(gotAtFirstBad), 0, 'g', 9)
                        .arg(double(wantAtFirstBad), 0, 'g', 9);
        }
        return text + QStringLiteral("); cosine %1").arg(cosine, 0, 'f', 9);
    }
};

// `tolerance` only chooses the index the description names first; the caller asserts.
inline GoldenComparison compareWithGolden(std::span<const float> got, std::span<const float> want,
                                          double tolerance) {
    GoldenComparison c;
    c.gotSize = got.size();
    c.wantSize = want.size();
    c.tolerance = tolerance;
    if (got.size() != want.size()) {
        c.maxAbsDiff = 1e30;
        c.cosine = 0.0;
        return c;
    }
    double dot = 0.0;
    double gotNorm = 0.0;
    double wantNorm = 0.0;
    for (std::size_t i = 0; i < got.size(); ++i) {
        const double diff = std::abs(double(got[i]) - double(want[i]));
        if (diff > c.maxAbsDiff) {
            c.maxAbsDiff = diff;
            c.maxIndex = i;
        }
        if (diff > tolerance && !c.firstBad) {
            c.firstBad = i;
            c.gotAtFirstBad = got[i];
            c.wantAtFirstBad = want[i];
        }
        dot += double(got[i]) * double(want[i]);
        gotNorm += double(got[i]) * double(got[i]);
        wantNorm += double(want[i]) * double(want[i]);
    }
    c.cosine = dot / std::sqrt(gotNorm * wantNorm);
    return c;
}

}  // namespace abc::test
