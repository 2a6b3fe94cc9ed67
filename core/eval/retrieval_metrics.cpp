#include "core/eval/retrieval_metrics.h"

#include <algorithm>

#include "core/io/error.h"

namespace abc {

namespace {

double cosine(const std::vector<float>& a, const std::vector<float>& b) {
    double sum = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        sum += static_cast<double>(a[i]) * static_cast<double>(b[i]);
    }
    return sum;
}

// Where item `target` ranks among `scores` (0 = first): items scoring higher, and items
// scoring the same that come earlier, are before it.
std::size_t rankOf(const std::vector<double>& scores, std::size_t target) {
    std::size_t rank = 0;
    for (std::size_t i = 0; i < scores.size(); ++i) {
        if (scores[i] > scores[target] || (scores[i] == scores[target] && i < target)) {
            ++rank;
        }
    }
    return rank;
}

void addHit(RecallAtK& recall, std::size_t rank) {
    recall.r1 += rank < 1 ? 1.0 : 0.0;
    recall.r5 += rank < 5 ? 1.0 : 0.0;
    recall.r10 += rank < 10 ? 1.0 : 0.0;
}

void divide(RecallAtK& recall, std::size_t count) {
    recall.r1 /= static_cast<double>(count);
    recall.r5 /= static_cast<double>(count);
    recall.r10 /= static_cast<double>(count);
}

}  // namespace

EvalMetrics computeMetrics(const EvalVectors& vectors) {
    const std::size_t n = vectors.images.size();
    if (n == 0 || vectors.texts.empty()) {
        throw Error("evaluation", "needs at least one image and one text");
    }
    if (vectors.imageLabel.size() != n || vectors.imageText.size() != n ||
        vectors.labelVectors.size() != vectors.labels.size() ||
        vectors.textVectors.size() != vectors.texts.size()) {
        throw Error("evaluation", "the vectors do not match the images, labels and texts");
    }
    EvalMetrics metrics;
    metrics.images = n;
    metrics.texts = vectors.texts.size();

    // image x text scores, shared by both directions.
    std::vector<std::vector<double>> scores(n, std::vector<double>(vectors.texts.size()));
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t t = 0; t < vectors.texts.size(); ++t) {
            scores[i][t] = cosine(vectors.images[i], vectors.textVectors[t]);
        }
        if (vectors.imageText[i] >= vectors.texts.size()) {
            throw Error("evaluation", "image " + std::to_string(i) + " has no text");
        }
        addHit(metrics.imageToText, rankOf(scores[i], vectors.imageText[i]));
    }
    divide(metrics.imageToText, n);
    for (std::size_t t = 0; t < vectors.texts.size(); ++t) {
        std::vector<double> column(n);
        for (std::size_t i = 0; i < n; ++i) {
            column[i] = scores[i][t];
        }
        std::size_t best = n;
        for (std::size_t i = 0; i < n; ++i) {
            if (vectors.imageText[i] == t) {
                best = std::min(best, rankOf(column, i));
            }
        }
        if (best < n) {  // a text no image has never hits
            addHit(metrics.textToImage, best);
        }
    }
    divide(metrics.textToImage, vectors.texts.size());

    const std::size_t classes = vectors.labels.size();
    metrics.confusion.assign(classes, std::vector<std::size_t>(classes, 0));
    metrics.predicted.assign(n, EvalVectors::kNoLabel);
    std::size_t labelled = 0;
    std::size_t correct = 0;
    for (std::size_t i = 0; i < n && classes > 0; ++i) {
        std::size_t predicted = 0;
        double best = cosine(vectors.images[i], vectors.labelVectors[0]);
        for (std::size_t l = 1; l < classes; ++l) {
            const double score = cosine(vectors.images[i], vectors.labelVectors[l]);
            if (score > best) {
                best = score;
                predicted = l;
            }
        }
        metrics.predicted[i] = predicted;
        const std::size_t truth = vectors.imageLabel[i];
        if (truth == EvalVectors::kNoLabel) {
            continue;
        }
        if (truth >= classes) {
            throw Error("evaluation", "image " + std::to_string(i) + " has an unknown label");
        }
        ++labelled;
        correct += truth == predicted ? 1 : 0;
        ++metrics.confusion[truth][predicted];
    }
    if (labelled > 0) {
        metrics.accuracy = static_cast<double>(correct) / static_cast<double>(labelled);
    }
    return metrics;
}

}  // namespace abc
