#include "core/model/embedder.h"

#include <mutex>

#include "core/hub/model_identity.h"
#include "core/hub/model_resolver.h"
#include "core/io/error.h"
#include "core/model/abc_model.h"
#include "core/text/prompts.h"
#include "core/text/tokenizer.h"

namespace abc {

EmbedRequest EmbedRequest::forText(std::string text) {
    EmbedRequest request;
    request.kind = Kind::Text;
    request.text = std::move(text);
    return request;
}

EmbedRequest EmbedRequest::forImage(std::shared_ptr<const ImagePatches> image) {
    EmbedRequest request;
    request.kind = Kind::Image;
    request.image = std::move(image);
    return request;
}

EmbedRequest EmbedRequest::forImageWithInstruction(std::shared_ptr<const ImagePatches> image,
                                                   std::string instruction) {
    EmbedRequest request;
    request.kind = Kind::ImageWithInstruction;
    request.image = std::move(image);
    request.text = std::move(instruction);
    return request;
}

struct Embedder::Impl {
    std::unique_ptr<AbcModel> model;
    Tokenizer tokenizer;
    std::string fingerprint;
    std::string instructFingerprint;
    std::vector<std::string> formerFingerprints;
    std::vector<std::string> formerInstructFingerprints;
    std::mutex forward;  // one forward at a time

    Impl(std::unique_ptr<AbcModel> m, Tokenizer t, std::string f, std::string i)
        : model(std::move(m)),
          tokenizer(std::move(t)),
          fingerprint(std::move(f)),
          instructFingerprint(std::move(i)) {}

    PromptKind promptKind(const EmbedRequest& request) const {
        switch (request.kind) {
            case EmbedRequest::Kind::Text:
                return PromptKind::Text;
            case EmbedRequest::Kind::Image:
                return PromptKind::Image;
            case EmbedRequest::Kind::ImageWithInstruction:
                return PromptKind::ImageWithInstruction;
        }
        return PromptKind::Text;
    }

    std::vector<std::int64_t> inputIds(const EmbedRequest& request) const {
        GridThw grid;
        if (request.kind != EmbedRequest::Kind::Text) {
            if (!request.image) {
                throw Error("request", "an image request without image patches");
            }
            grid = request.image->grid;
        }
        return abcInputIds(tokenizer, promptKind(request), request.text, grid,
                           model->config().vision.spatialMergeSize);
    }
};

Embedder::Embedder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Embedder::~Embedder() = default;

namespace {

// A checkpoint's current name first, then the names earlier versions gave the same content.
std::vector<std::string> namesOf(const ResolvedModel& resolved) {
    std::vector<std::string> names{modelIdentity(resolved)};
    for (auto& former : formerModelIdentities(resolved)) {
        names.push_back(std::move(former));
    }
    return names;
}

}  // namespace

std::unique_ptr<Embedder> Embedder::load(const EmbedderOptions& options) {
    if (options.model.base.empty()) {
        throw Error("base model", "no folder or hub id given");
    }
    if (options.model.pretrainAdapter.empty()) {
        throw Error("pretrain adapter", "no folder or hub id given (ABC's head lives there)");
    }
    const ResolvedModel base = resolveModel(options.model.base);
    const ResolvedModel pretrain = resolveModel(options.model.pretrainAdapter);
    std::optional<ResolvedModel> instruct;
    if (!options.model.instructAdapter.empty()) {
        instruct = resolveModel(options.model.instructAdapter);
    }

    ModelFolders folders{base.folder, pretrain.folder,
                         instruct ? instruct->folder : std::filesystem::path()};
    EngineOptions engine;
    engine.device = options.device;
    engine.precision = options.precision;
    engine.positions = options.positions;
    engine.cpuThreads = options.cpuThreads;
    engine.weights = options.weights;

    // Build everything into locals first: a failure leaves nothing half-loaded behind.
    Tokenizer tokenizer = Tokenizer::fromModelDir(base.folder);
    std::unique_ptr<AbcModel> model = AbcModel::load(folders, engine);

    // The instruct adapter is off for text and image inputs, so it stays out of the plain
    // fingerprint: adding, removing or changing it keeps the library's vectors.
    std::string settings =
        std::string("|precision=") +
        (model->precision() == Precision::Float32 ? "float32" : "bfloat16") +
        "|positions=" + (model->positions() == PositionMode::Sequential ? "sequential" : "mrope");
    // Quantized vectors never meet unquantized ones; unquantized libraries keep their key.
    if (model->weights() != WeightQuantization::None) {
        settings += "|weights=" + weightQuantizationName(model->weights());
    }
    const std::vector<std::string> baseNames = namesOf(base);
    const std::vector<std::string> pretrainNames = namesOf(pretrain);
    const auto fingerprintOf = [&](const std::string& baseName, const std::string& pretrainName) {
        return "abc-qwen2vl|base=" + baseName + "|pretrain=" + pretrainName + settings;
    };
    std::vector<std::string> formers;
    for (const auto& baseName : baseNames) {
        for (const auto& pretrainName : pretrainNames) {
            formers.push_back(fingerprintOf(baseName, pretrainName));
        }
    }
    std::string fingerprint = formers.front();
    formers.erase(formers.begin());
    std::vector<std::string> instructNames =
        instruct ? namesOf(*instruct) : std::vector<std::string>{""};
    std::string instructFingerprint = instructNames.front();
    instructNames.erase(instructNames.begin());
    auto impl = std::make_unique<Impl>(std::move(model), std::move(tokenizer),
                                       std::move(fingerprint), std::move(instructFingerprint));
    impl->formerFingerprints = std::move(formers);
    impl->formerInstructFingerprints = std::move(instructNames);
    return std::unique_ptr<Embedder>(new Embedder(std::move(impl)));
}

std::vector<Embedding> Embedder::embed(const std::vector<EmbedRequest>& requests,
                                       const EmbedHooks& hooks) {
    // Validate the whole batch before any forward, so a bad request fails fast.
    std::vector<std::vector<std::int64_t>> ids;
    ids.reserve(requests.size());
    for (std::size_t i = 0; i < requests.size(); ++i) {
        const EmbedRequest& request = requests[i];
        if (request.kind == EmbedRequest::Kind::ImageWithInstruction &&
            !impl_->model->hasInstructAdapter()) {
            throw Error("request " + std::to_string(i),
                        "image+instruction needs the instruct adapter, which is not loaded");
        }
        ids.push_back(impl_->inputIds(request));
    }
    std::vector<ModelInput> inputs(requests.size());
    for (std::size_t i = 0; i < requests.size(); ++i) {
        inputs[i].inputIds = std::move(ids[i]);
        if (requests[i].kind != EmbedRequest::Kind::Text) {
            inputs[i].images.push_back(requests[i].image.get());
        }
        inputs[i].instruct = requests[i].kind == EmbedRequest::Kind::ImageWithInstruction;
    }
    std::lock_guard lock(impl_->forward);
    return impl_->model->embedBatch(inputs, hooks);
}

Embedding Embedder::embedText(const std::string& text) {
    return embed({EmbedRequest::forText(text)}).front();
}

std::vector<std::int64_t> Embedder::inputIds(const EmbedRequest& request) const {
    return impl_->inputIds(request);
}

int Embedder::dimension() const {
    return impl_->model->dimension();
}
bool Embedder::hasInstructAdapter() const {
    return impl_->model->hasInstructAdapter();
}
const Tokenizer& Embedder::tokenizer() const {
    return impl_->tokenizer;
}
const std::string& Embedder::fingerprint() const {
    return impl_->fingerprint;
}
const std::string& Embedder::instructFingerprint() const {
    return impl_->instructFingerprint;
}
const std::vector<std::string>& Embedder::formerFingerprints() const {
    return impl_->formerFingerprints;
}
const std::vector<std::string>& Embedder::formerInstructFingerprints() const {
    return impl_->formerInstructFingerprints;
}
std::string Embedder::deviceName() const {
    return impl_->model->deviceName();
}

}  // namespace abc
