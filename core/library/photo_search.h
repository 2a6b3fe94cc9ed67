#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "core/library/combined_query.h"
#include "core/library/embedding_matrix.h"
#include "core/library/library_store.h"
#include "core/library/live_approximate_index.h"
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

// Where the time of one search went, for status lines and benchmarks.
struct SearchTimings {
    double embedSeconds = 0.0;  // the model: the query's vector and, in instruction mode, the
                                // candidates' instructed vectors not cached yet
    double rankSeconds = 0.0;   // scoring the library, filtering, paths, re-ranking
};

struct TimedSearchResults {
    std::vector<SearchResult> results;
    SearchTimings timings;
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
// Libraries of at least PhotoSearchOptions::approximateIndexRows vectors get an approximate
// index, built and kept up on a thread PhotoSearch owns (the destructor stops and joins it;
// live_approximate_index.h); see docs/library.md, Search.
//
// Thread-safety: all methods may be called from any thread; they are serialised internally,
// except instruction mode's per-photo embedding, which runs outside the lock. Model calls
// (query text, example image, instruction mode) run on the calling thread, so call from a
// worker thread in a GUI.
class PhotoSearch {
  public:
    PhotoSearch(LibraryStore& store, PhotoEmbedder& embedder, const PhotoDecoder& decoder);
    PhotoSearch(LibraryStore& store, PhotoEmbedder& embedder, const PhotoDecoder& decoder,
                const PhotoSearchOptions& options);
    ~PhotoSearch();

    // Progress of instruction-mode embedding: (photos embedded, photos to embed), after each
    // photo; candidates whose instructed vector is cached are not counted. May be empty.
    using Progress = std::function<void(std::size_t done, std::size_t total)>;
    // No model row yet (nothing indexed with this model): no results.
    std::vector<SearchResult> search(const SearchRequest& request, const Progress& progress = {});
    // Instruction mode runs the model on up to `instructionCandidates` photos, without the
    // search lock (other searches answer meanwhile). `stop` is checked before each photo and
    // throws abc::Cancelled; every instructed vector is committed as soon as it is computed,
    // so a cancelled search's work is reused by the next one.
    std::vector<SearchResult> search(const SearchRequest& request, const Progress& progress,
                                     std::stop_token stop);
    // search(), with the time it took split between the model and the ranking.
    TimedSearchResults searchTimed(const SearchRequest& request, const Progress& progress,
                                   std::stop_token stop);
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

    // Pairs of indexed photos with cosine >= threshold, most similar first. Quadratic; the
    // search lock is held only while a block of rows is copied, so searches go on meanwhile.
    // Photos indexed after the call began are not included.
    std::vector<DuplicateGroupPair> nearDuplicates(float threshold, std::size_t maxPairs = 1000);
    // The same, stopped between two blocks of rows by `stop` (throws abc::Cancelled).
    std::vector<DuplicateGroupPair> nearDuplicates(float threshold, std::size_t maxPairs,
                                                   std::stop_token stop);

    // Reloads the matrix if the store changed; search() does this itself.
    void refresh();
    // Called while the library's vectors are first read into memory (the first search or
    // refresh, seconds on a large library): (vectors read, vectors to read), on the thread
    // that searches, under the search lock (do not call back into this PhotoSearch).
    void setLoadProgress(LibraryStore::LoadProgress progress);
    std::size_t indexedPhotos();

    // How the last ranking (search, searchByVector, searchSimilar, searchByExample) was
    // answered, whichever thread made it.
    SearchStats lastSearchStats();
    bool usedApproximateIndex() { return lastSearchStats().approximate; }
    // Applies the store's changes first (which may start a build), then reports.
    ApproximateIndexStatus approximateIndexStatus();
    // Waits until the index is ready with no build or addition in progress; false on timeout
    // or when no index is coming (below the threshold, off, failed).
    bool waitForApproximateIndex(std::chrono::milliseconds timeout);

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
