#include <CLI/CLI.hpp>

#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/cli/command.h"
#include "app/cli/json_file.h"
#include "app/cli/model_options.h"
#include "core/image/image_preprocessor.h"
#include "core/io/error.h"
#include "core/model/embedder.h"

namespace abc::cli {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct EmbedOptions {
    ModelOptions model;
    std::string cases;
    std::string out;
    int batch = 8;
    std::string text;
    std::string image;
    std::string instruction;
};

struct Case {
    std::string id;
    EmbedRequest request;
};

std::shared_ptr<const ImagePatches> loadImage(const ImagePreprocessor& preprocessor,
                                              const fs::path& path) {
    return std::make_shared<const ImagePatches>(preprocessor.preprocessFile(path).patches);
}

std::vector<Case> readCases(const fs::path& file, const ImagePreprocessor& preprocessor) {
    const json root = readJsonFile(file);
    if (!root.is_array()) {
        throw Error(file.string(), "must be a JSON list of cases");
    }
    std::vector<Case> cases;
    for (std::size_t i = 0; i < root.size(); ++i) {
        const json& c = root[i];
        const std::string where = file.string() + ": case " + std::to_string(i);
        if (!c.is_object() || !c.contains("kind") || !c.at("kind").is_string()) {
            throw Error(where, "needs \"kind\": \"text\", \"image\" or \"image+instruction\"");
        }
        Case out;
        out.id = c.contains("id") && c.at("id").is_string() ? c.at("id").get<std::string>()
                                                            : std::to_string(i);
        const std::string kind = c.at("kind").get<std::string>();
        const auto field = [&](const char* key) {
            if (!c.contains(key) || !c.at(key).is_string()) {
                throw Error(where + " (" + out.id + ")",
                            std::string("kind \"") + kind + "\" needs a string \"" + key + "\"");
            }
            return c.at(key).get<std::string>();
        };
        if (kind == "text") {
            out.request = EmbedRequest::forText(field("text"));
        } else if (kind == "image") {
            out.request = EmbedRequest::forImage(
                loadImage(preprocessor, file.parent_path() / field("image")));
        } else if (kind == "image+instruction") {
            out.request = EmbedRequest::forImageWithInstruction(
                loadImage(preprocessor, file.parent_path() / field("image")), field("text"));
        } else {
            throw Error(where, "unknown kind \"" + kind + "\"");
        }
        cases.push_back(std::move(out));
    }
    return cases;
}

void run(const EmbedOptions& options, bool singleText, bool singleImage) {
    const EmbedderOptions engine = toEmbedderOptions(options.model, sharedSettings());

    const ImagePreprocessor preprocessor;
    std::vector<Case> cases;
    if (singleText) {
        cases.push_back({"text", EmbedRequest::forText(options.text)});
    } else if (singleImage) {
        auto patches = loadImage(preprocessor, options.image);
        cases.push_back(
            {"image", options.instruction.empty()
                          ? EmbedRequest::forImage(patches)
                          : EmbedRequest::forImageWithInstruction(patches, options.instruction)});
    } else {
        cases = readCases(options.cases, preprocessor);
    }

    const auto embedder = Embedder::load(engine);
    json out = json::array();
    const std::size_t batch = static_cast<std::size_t>(std::max(1, options.batch));
    for (std::size_t start = 0; start < cases.size(); start += batch) {
        std::vector<EmbedRequest> requests;
        for (std::size_t i = start; i < std::min(cases.size(), start + batch); ++i) {
            requests.push_back(cases[i].request);
        }
        const auto vectors = embedder->embed(requests);
        for (std::size_t j = 0; j < vectors.size(); ++j) {
            const Case& c = cases[start + j];
            out.push_back({{"id", c.id},
                           {"input_ids", embedder->inputIds(c.request)},
                           {"embedding", vectors[j]}});
        }
        std::cerr << "embedded " << std::min(cases.size(), start + batch) << "/" << cases.size()
                  << "\n";
    }
    const std::string text = out.dump();
    if (options.out.empty()) {
        std::cout << text << "\n";
    } else {
        std::ofstream file(options.out, std::ios::binary);
        file << text << "\n";
        if (!file) {
            throw Error(options.out, "cannot write the output");
        }
    }
}

}  // namespace

// `embed`: ABC vectors for texts, images and images with instructions, as JSON.
void registerEmbed(CLI::App& app, int& exitCode) {
    auto* cmd = app.add_subcommand("embed", "Embed texts and images with the ABC model (JSON out)");
    auto options = std::make_shared<EmbedOptions>();
    // Images are preprocessed exactly as ABC does (up to 1024 tokens): no image-detail option.
    addModelOptions(*cmd, options->model, false);
    auto* cases = cmd->add_option("--cases", options->cases,
                                  "JSON list of {id, kind, text, image} (images relative to it)");
    cmd->add_option("--out", options->out, "Output JSON file (default: standard output)");
    cmd->add_option("--batch", options->batch, "Requests per embed call")
        ->check(CLI::Range(1, 4096))
        ->capture_default_str();
    auto* text = cmd->add_option("--text", options->text, "Embed one text query");
    auto* image = cmd->add_option("--image", options->image, "Embed one image file");
    auto* instruction = cmd->add_option("--instruction", options->instruction,
                                        "Instruction for --image (uses the instruct adapter)");
    instruction->needs(image);
    text->excludes(image)->excludes(cases);
    image->excludes(cases);
    cmd->callback([options, cases, text, image, &exitCode]() {
        if (cases->count() + text->count() + image->count() != 1) {
            std::cerr << "embed: give one of --cases, --text or --image\n";
            exitCode = 2;
            return;
        }
        try {
            run(*options, text->count() > 0, image->count() > 0);
            exitCode = 0;
        } catch (const Error& e) {
            std::cerr << "embed: " << e.what() << "\n";
            exitCode = 1;
        } catch (const std::exception& e) {
            std::cerr << "embed: " << e.what() << "\n";
            exitCode = 1;
        }
    });
}

}  // namespace abc::cli
