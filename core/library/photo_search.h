#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/library/combined_query.h"
#include "core/library/embedding_matrix.h"
#include "core/library/near_duplicates.h"
#include "core/library/photo_record.h"

namespace abc {

class LibraryStore;
class PhotoEmbedder;
class PhotoDecoder;

// Restricts results. Empty members do not filter.
struct SearchFilter {
    std::vector<std::string> folders;       // a photo matches if one of its paths is inside one
    std::optional<std::string> takenFrom;   // "YYYY-MM-DD" inclusive, compared with EXIF date
    std::optional<std::string> takenUntil;  // "YYYY-MM-DD" inclusive; photos without a date fail
    std::vector<std::string> mediaTypes;    // e.g. {"jpeg", "heic"}
};

struct SearchRequest {
    std::string query;  // combined-query syntax (see combined_query.h)
    // Non-empty: instruction mode. The plain search picks `instructionCandidates` photos;
    // those are embedded with the instruction (instruct adapter on; cached in the store per
    // (photo, instruction)) and re-ranked against the query text.
    std::string instruction;
    SearchFilter filter;
    std::size_t topK = 50;
    std::size_t instructionCandidates = 100;
};

struct SearchResult {
    PhotoId photo = 0;
    std::string path;  // the first of the photo's paths that passes the filter
    float score = 0.0f;
};

// One image x several instructions x several candidate texts (ABC's left/right dog/cat demo).
struct SimilarityMatrix {
    std::vector<std::string> instructions;  // rows; "" = the image without instruction
    std::vector<std::string> candidates;    // columns
    std::vector<float> values;              // rows x columns, row-major cosine similarities
    float at(std::size_t instruction, std::size_t candidate) const {
        return values[instruction * candidates.size() + candidate];
    }
};

struct DuplicateGroupPair {
    SearchResult first;
    SearchResult second;
    float similarity = 0.0f;
};

// Search over one library for one model. Loads the model's plain image vectors once into an
// EmbeddingMatrix and keeps it in step with the store: every call first checks the store's
// data version and applies only the rows that changed (also writes by other processes).
//
// Thread-safety: all methods may be called from any thread; they are serialised internally.
// Model calls (query text, example image, instruction mode) run on the calling thread, so
// call from a worker thread in a GUI.
class PhotoSearch {
  public:
    PhotoSearch(LibraryStore& store, PhotoEmbedder& embedder, const PhotoDecoder& decoder);
    ~PhotoSearch();

    // Progress of instruction-mode embedding (done, total); may be empty.
    using Progress = std::function<void(std::size_t done, std::size_t total)>;
    std::vector<SearchResult> search(const SearchRequest& request, const Progress& progress = {});
    // Ranks by a given query vector (already combined and normalised).
    std::vector<SearchResult> searchByVector(const std::vector<float>& query,
                                             const SearchFilter& filter, std::size_t topK);
    // "Find similar": the photo's own vector as the query (the photo itself comes first).
    std::vector<SearchResult> searchSimilar(PhotoId photo, const SearchFilter& filter,
                                            std::size_t topK);
    // Query by an example image file, indexed or not.
    std::vector<SearchResult> searchByExample(const std::string& imagePath,
                                              const SearchFilter& filter, std::size_t topK);

    // The query vector of a combined query: sum of weight * term vector, L2-normalised.
    std::vector<float> queryVector(const std::vector<QueryTerm>& terms);

    // Pairs of indexed photos with cosine >= threshold, most similar first.
    std::vector<DuplicateGroupPair> nearDuplicates(float threshold, std::size_t maxPairs = 1000);

    // Reloads the matrix if the store changed; search() does this itself.
    void refresh();
    std::size_t indexedPhotos();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// The experiment panel: cosine similarity of the image embedded under each instruction with
// each candidate text. Runs the model on the calling thread.
SimilarityMatrix compareInstructions(PhotoEmbedder& embedder, const PhotoDecoder& decoder,
                                     const std::string& imagePath,
                                     const std::vector<std::string>& instructions,
                                     const std::vector<std::string>& candidates);

}  // namespace abc
