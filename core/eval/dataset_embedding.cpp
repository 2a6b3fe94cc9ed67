#include "core/eval/dataset_embedding.h"

#include <algorithm>
#include <map>

#include "core/io/error.h"
#include "core/library/photo_decoder.h"
#include "core/library/photo_embedder.h"

namespace abc {

EvalVectors embedDataset(const LabelledDataset& dataset, PhotoEmbedder& embedder,
                         const PhotoDecoder& decoder, const std::string& instruction,
                         const EvalProgress& progress, std::stop_token stop) {
    if (!instruction.empty() && !embedder.supportsInstructions()) {
        throw Error("instruction", "the model has no instruct adapter (--instruct-adapter)");
    }
    EvalVectors vectors;
    vectors.labels = dataset.labels;
    std::map<std::string, std::size_t> textIndex;
    for (const auto& image : dataset.images) {
        textIndex.emplace(LabelledDataset::textOf(image), 0);
    }
    for (auto& [text, index] : textIndex) {
        index = vectors.texts.size();
        vectors.texts.push_back(text);
    }
    for (const auto& image : dataset.images) {
        const auto label =
            std::lower_bound(vectors.labels.begin(), vectors.labels.end(), image.label);
        vectors.imageLabel.push_back(
            image.label.empty() ? EvalVectors::kNoLabel
                                : static_cast<std::size_t>(label - vectors.labels.begin()));
        vectors.imageText.push_back(textIndex.at(LabelledDataset::textOf(image)));
    }
    for (const auto& label : vectors.labels) {
        vectors.labelVectors.push_back(embedder.embedText(label));
    }
    for (const auto& text : vectors.texts) {
        vectors.textVectors.push_back(embedder.embedText(text));
    }
    vectors.images = embedDatasetImages(dataset, embedder, decoder, instruction, progress, stop);
    return vectors;
}

std::vector<std::vector<float>> embedDatasetImages(
    const LabelledDataset& dataset, PhotoEmbedder& embedder, const PhotoDecoder& decoder,
    const std::string& instruction, const EvalProgress& progress, std::stop_token stop) {
    if (!instruction.empty() && !embedder.supportsInstructions()) {
        throw Error("instruction", "the model has no instruct adapter (--instruct-adapter)");
    }
    std::vector<std::vector<float>> images;
    for (std::size_t i = 0; i < dataset.images.size(); ++i) {
        if (stop.stop_requested()) {
            throw Cancelled();
        }
        const auto patches = decoder.preprocess(dataset.images[i].path);
        images.push_back(embedder.embedImages({patches}, instruction).at(0));
        if (progress) {
            progress(i + 1, dataset.images.size());
        }
    }
    return images;
}

EvalVectors withImages(const EvalVectors& texts, std::vector<std::vector<float>> images) {
    if (images.size() != texts.imageText.size()) {
        throw Error("evaluation", "another number of images than the set has");
    }
    EvalVectors vectors = texts;
    vectors.images = std::move(images);
    return vectors;
}

}  // namespace abc
