#include "ui/engine_session.h"

#include <QDir>
#include <QFileInfo>

#include "core/library/library_store.h"
#include "core/library/photo_decoder.h"
#include "core/library/photo_embedder.h"
#include "core/library/photo_search.h"
#include "core/model/device.h"
#include "core/model/embedder.h"

namespace abc::ui {

std::shared_ptr<EngineSession> EngineSession::openLibrary(const AppSettings& settings) {
    const std::string file = settings.libraryFile.isEmpty() ? LibraryStore::defaultPath()
                                                            : settings.libraryFile.toStdString();
    QDir().mkpath(QFileInfo(QString::fromStdString(file)).absolutePath());
    auto session = std::make_shared<EngineSession>();
    session->store = std::make_shared<LibraryStore>(file);
    PhotoDecoderOptions decoding;
    decoding.maxImageTokens = settings.imageTokens;
    decoding.minImageTokens = std::min(decoding.minImageTokens, settings.imageTokens);
    session->decoder = makePhotoDecoder(decoding);
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
    EmbedderOptions options;
    options.model.base = settings.baseModel.toStdString();
    options.model.pretrainAdapter = settings.pretrainAdapter.toStdString();
    options.model.instructAdapter = settings.instructAdapter.toStdString();
    if (!settings.device.isEmpty()) {
        options.device = settings.device.toStdString();
    } else if (runtimeInfo().cudaAvailable) {
        options.device = "cuda:0";  // a GPU is tens of times faster than the CPU for a 7B model
    }
    if (settings.precision == QStringLiteral("float32"))
        options.precision = Precision::Float32;
    if (settings.precision == QStringLiteral("bfloat16"))
        options.precision = Precision::BFloat16;
    std::shared_ptr<Embedder> embedder = Embedder::load(options);
    auto photoEmbedder =
        std::make_shared<ModelPhotoEmbedder>(std::move(embedder), library.decoder->fingerprint());
    return withModel(library, std::move(photoEmbedder));
}

}  // namespace abc::ui
