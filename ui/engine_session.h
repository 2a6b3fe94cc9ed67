#pragma once

#include <memory>

#include "ui/app_settings.h"

namespace abc {
class LibraryStore;
class PhotoDecoder;
class PhotoEmbedder;
class PhotoSearch;
}  // namespace abc

namespace abc::ui {

// The library and, once loaded, the model that the window's workers share. Immutable after
// construction: a new model means a new session, so a worker never sees half of a swap.
struct EngineSession {
    std::shared_ptr<LibraryStore> store;
    std::shared_ptr<const PhotoDecoder> decoder;
    std::shared_ptr<PhotoEmbedder> embedder;  // null until a model is loaded
    std::shared_ptr<PhotoSearch> search;      // null without an embedder

    bool hasModel() const { return embedder != nullptr; }

    // Opens (or creates) the library file the settings name; fast, no model.
    static std::shared_ptr<EngineSession> openLibrary(const AppSettings& settings);
    // The same library with a model: `embedder` may be the real one or any PhotoEmbedder.
    static std::shared_ptr<EngineSession> withModel(const EngineSession& library,
                                                    std::shared_ptr<PhotoEmbedder> embedder);
    // Loads ABC as the settings say. Slow (seconds to minutes): call on a worker thread.
    // Throws abc::Error naming the file or setting at fault.
    static std::shared_ptr<EngineSession> loadModel(const EngineSession& library,
                                                    const AppSettings& settings);
    // The same loaded model with another image detail: only the decoder (and so the vectors'
    // fingerprint) differs, the weights are shared, nothing is loaded. Null when `current`'s
    // model is not ABC's (a stand-in has no image detail to change).
    static std::shared_ptr<EngineSession> withImageTokens(const EngineSession& current,
                                                          int imageTokens);
};

}  // namespace abc::ui
