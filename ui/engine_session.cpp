#include "ui/engine_session.h"

#include <QDir>
#include <QFileInfo>

#include "core/library/library_store.h"
#include "core/library/photo_decoder.h"
#include "core/library/photo_embedder.h"
#include "core/library/photo_search.h"
#include "core/model/embedder.h"

namespace abc::ui {

std::shared_ptr<EngineSession> EngineSession::openLibrary(const AppSettings& settings) {
    const std::string file = settings.shared().libraryPath();
    QDir().mkpath(QFileInfo(QString::fromStdString(file)).absolutePath());
    auto session = std::make_shared<EngineSession>();
    session->store = std::make_shared<LibraryStore>(file);
    session->decoder = makePhotoDecoder(decoderOptionsForImageTokens(settings.imageTokens));
    return session;
}

std::shared_ptr<EngineSession> EngineSession::withModel(const EngineSession& library,
                                                        std::shared_ptr<PhotoEmbedder> embedder) {
    auto session = std::make_shared<EngineSession>(library);
    session->embedder = std::move(embedder);
    session->search =
        std::make_shared<PhotoSearch>(*session->store, *session->embedder, *session->decoder);
    return session;
}

std::shared_ptr<EngineSession> EngineSession::loadModel(const EngineSession& library,
                                                        const AppSettings& settings) {
    // The same rules as abc-photos-cli, so both find the same vectors.
    std::shared_ptr<Embedder> embedder = Embedder::load(settings.shared().embedderOptions());
    auto photoEmbedder =
        std::make_shared<ModelPhotoEmbedder>(std::move(embedder), library.decoder->fingerprint());
    return withModel(library, std::move(photoEmbedder));
}

std::shared_ptr<EngineSession> EngineSession::withImageTokens(const EngineSession& current,
                                                              int imageTokens) {
    auto* model = dynamic_cast<ModelPhotoEmbedder*>(current.embedder.get());
    if (model == nullptr)
        return nullptr;
    EngineSession library;
    library.store = current.store;
    library.decoder = makePhotoDecoder(decoderOptionsForImageTokens(imageTokens));
    // Shares ownership of the weights with `current`'s embedder.
    std::shared_ptr<Embedder> weights(current.embedder, &model->embedder());
    return withModel(library, std::make_shared<ModelPhotoEmbedder>(std::move(weights),
                                                                   library.decoder->fingerprint()));
}

}  // namespace abc::ui
