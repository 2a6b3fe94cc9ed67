#pragma once

namespace abc {

class IndexRun;
class LibraryStore;
class PhotoDecoder;
class PhotoEmbedder;
struct FolderReach;
struct IndexOptions;

// The last phase of an indexing run: embeds every photo without a vector for the model,
// through decode threads -> a batcher by token count -> the model on this thread, one
// transaction per batch. A photo seen only under folders out of reach waits for them; one
// whose every path failed before, unchanged, waits for IndexOptions::retryFailed. A stop
// drops the batch in hand uncommitted; every batch committed before stays.
void embedMissingPhotos(LibraryStore& store, PhotoEmbedder& embedder, const PhotoDecoder& decoder,
                        const FolderReach& reach, const IndexOptions& options, IndexRun& run);

}  // namespace abc
