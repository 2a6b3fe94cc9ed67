#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace abc {

// The vectors one evaluation compares (all L2-normalised, one dimension): each image with the
// index of its label and of its text. Labels are the zero-shot classes; texts are what
// retrieval matches (the captions, or the labels when the set has none).
struct EvalVectors {
    static constexpr std::size_t kNoLabel = static_cast<std::size_t>(-1);
    std::vector<std::vector<float>> images;
    std::vector<std::string> labels;
    std::vector<std::vector<float>> labelVectors;
    std::vector<std::string> texts;
    std::vector<std::vector<float>> textVectors;
    std::vector<std::size_t> imageLabel;  // per image: index into labels, or kNoLabel
    std::vector<std::size_t> imageText;   // per image: index into texts
};

struct RecallAtK {
    double r1 = 0.0;
    double r5 = 0.0;
    double r10 = 0.0;
};

// Scores are cosines computed in double. Rankings put a higher score first and, between equal
// scores, the earlier item (a stable sort), so any other implementation can agree exactly.
struct EvalMetrics {
    std::size_t images = 0;
    std::size_t texts = 0;
    // Zero-shot classification over the images that have a label: the label whose vector
    // scores highest is the prediction. Nothing when no image has a label.
    std::optional<double> accuracy;
    std::vector<std::size_t> predicted;               // per image: label index (or kNoLabel)
    std::vector<std::vector<std::size_t>> confusion;  // [true label][predicted label]
    // Text -> image: per text, a hit when one of its images is among the K best images;
    // the mean over texts. Image -> text: per image, a hit when its text is among the K best
    // texts; the mean over images.
    RecallAtK textToImage;
    RecallAtK imageToText;
};

// Throws abc::Error("evaluation", ...) for vectors of mismatched sizes or an empty set.
EvalMetrics computeMetrics(const EvalVectors& vectors);

}  // namespace abc
