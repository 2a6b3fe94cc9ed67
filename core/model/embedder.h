#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "core/image/image_patches.h"
#include "core/model/weight_quantization.h"

namespace abc {

class Tokenizer;

enum class Precision { Float32, BFloat16 };
// Sequential: positions 0..L-1 in all three M-RoPE rows, what ABC's runtime uses after its
// first forward and what its adapters were trained with (the default). MRope: Qwen2-VL's
// native get_rope_index positions.
enum class PositionMode { Sequential, MRope };

// Where the three checkpoints come from: a local folder or a hub id resolved in the
// Hugging Face cache. An empty instructAdapter runs ABC-Qwen2VL-Pretrain alone.
struct ModelLocation {
    std::string base = "Qwen/Qwen2-VL-7B-Instruct";
    std::string pretrainAdapter = "TIGER-Lab/ABC-Qwen2VL-Pretrain";
    std::string instructAdapter = "TIGER-Lab/ABC-Qwen2VL-Instruct";
};

struct EmbedderOptions {
    ModelLocation model;
    std::string device = "cpu";          // "cpu", "cuda" or "cuda:N"
    std::optional<Precision> precision;  // default: Float32 on CPU, BFloat16 on CUDA
    PositionMode positions = PositionMode::Sequential;
    int cpuThreads = 0;  // 0: libtorch's default
    WeightQuantization weights = WeightQuantization::None;
};

// One input. Images arrive already preprocessed (core/image) so decoding can run on other
// threads than the model.
struct EmbedRequest {
    enum class Kind { Text, Image, ImageWithInstruction };
    Kind kind = Kind::Text;
    std::string text;  // the query text, or the instruction for ImageWithInstruction
    std::shared_ptr<const ImagePatches> image;

    static EmbedRequest forText(std::string text);
    static EmbedRequest forImage(std::shared_ptr<const ImagePatches> image);
    static EmbedRequest forImageWithInstruction(std::shared_ptr<const ImagePatches> image,
                                                std::string instruction);
};

using Embedding = std::vector<float>;  // L2-normalised, dimension() floats

struct EmbedHooks {
    std::function<void(std::size_t done, std::size_t total)> progress;  // after each item
    // Before each item; may block (an indexer parks there while paused).
    std::function<void()> beforeItem;
    // Checked before each item, after beforeItem: a stop request throws abc::Cancelled.
    std::stop_token stop;
};

// The ABC embedding model. Thread-safety: one Embedder may be shared by threads; embed()
// calls are serialised internally (one forward at a time); the const accessors may be called
// concurrently with embed().
class Embedder {
  public:
    // Resolves, validates and loads the checkpoints; throws abc::Error naming the file or
    // tensor on any problem. Never returns a partially loaded model.
    static std::unique_ptr<Embedder> load(const EmbedderOptions& options);
    ~Embedder();

    // Vectors in the order of the requests. Batches of mixed sizes give the same vectors as
    // one-by-one calls. Throws abc::Error for an image+instruction request without an
    // instruct adapter, abc::Cancelled when hooks.stop is requested.
    std::vector<Embedding> embed(const std::vector<EmbedRequest>& requests,
                                 const EmbedHooks& hooks = {});
    Embedding embedText(const std::string& text);

    // The token ids the model sees for a request (prompt + expanded image pads).
    std::vector<std::int64_t> inputIds(const EmbedRequest& request) const;

    int dimension() const;
    bool hasInstructAdapter() const;
    const Tokenizer& tokenizer() const;
    // Identifies everything that changes text and image vectors (checkpoint revisions,
    // precision, positions, weight quantization); vectors with different fingerprints are never
    // compared. The instruct adapter is not part of it: it is off for those inputs
    // (instructFingerprint).
    const std::string& fingerprint() const;
    // The instruct adapter's identity (a hub commit or "content-xxh3:..."), empty without one.
    // Image+instruction vectors depend on fingerprint() and on this.
    const std::string& instructFingerprint() const;
    // What earlier versions called the same vectors (a hub snapshot was named by its commit,
    // formerModelIdentities): fingerprint() with each checkpoint's current or former name, the
    // all-current one left out; few (one per equivalent snapshot in the cache).
    const std::vector<std::string>& formerFingerprints() const;
    // The instruct adapter's former names (its commit), without instructFingerprint().
    const std::vector<std::string>& formerInstructFingerprints() const;
    std::string deviceName() const;

    struct Impl;

  private:
    explicit Embedder(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace abc
