#pragma once

#include <cstddef>
#include <functional>
#include <stop_token>
#include <string>
#include <vector>

#include "core/eval/labelled_dataset.h"
#include "core/eval/retrieval_metrics.h"

namespace abc {

class PhotoDecoder;
class PhotoEmbedder;

// (images embedded, images in the set) after each image.
using EvalProgress = std::function<void(std::size_t done, std::size_t total)>;

// Embeds every image of `dataset` (with `instruction` when it is not empty: the instruct
// adapter on) and every label and text, in the dataset's order. Runs the model on the calling
// thread; `stop` is checked before each image (abc::Cancelled). An image that cannot be read
// is an abc::Error naming it: a metric over a silently smaller set would mislead.
EvalVectors embedDataset(const LabelledDataset& dataset, PhotoEmbedder& embedder,
                         const PhotoDecoder& decoder, const std::string& instruction,
                         const EvalProgress& progress = {}, std::stop_token stop = {});

// The image vectors alone, in the dataset's order (the same checks, progress and stop).
std::vector<std::vector<float>> embedDatasetImages(
    const LabelledDataset& dataset, PhotoEmbedder& embedder, const PhotoDecoder& decoder,
    const std::string& instruction, const EvalProgress& progress = {}, std::stop_token stop = {});

// The same texts and labels with other image vectors (an instructed pass reuses the plain
// pass's text vectors: texts are embedded without the instruction either way).
EvalVectors withImages(const EvalVectors& texts, std::vector<std::vector<float>> images);

}  // namespace abc
