#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/cli/command.h"
#include "app/cli/model_options.h"
#include "core/library/photo_search.h"

namespace abc::cli {

namespace {

struct CompareCommand {
    ModelOptions model;
    std::string image;
    std::vector<std::string> instructions;
    std::vector<std::string> candidates;
    bool json = false;
};

// Terminal columns of a UTF-8 label, one per code point (printf pads by bytes, which
// misaligns any row with a non-ASCII instruction).
std::size_t columns(const std::string& text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

void printPadded(const std::string& text, std::size_t width) {
    std::printf("%s%s", text.c_str(), std::string(width - columns(text), ' ').c_str());
}

}  // namespace

// `compare`: one image under several instructions against several texts, e.g. ABC's demo
//   compare --image dog_and_cat.jpg --instruction "what is the animal on the left?"
//           --instruction "what is the animal on the right?" --candidate "a dog" --candidate "a
//           cat"
void registerCompare(CLI::App& app, int& exitCode) {
    auto* cmd = app.add_subcommand(
        "compare", "Similarity of one image under instructions x candidate texts (a matrix)");
    auto command = std::make_shared<CompareCommand>();
    addModelOptions(*cmd, command->model);
    cmd->add_option("--image", command->image, "The image file")->type_name("FILE")->required();
    cmd->add_option("--instruction", command->instructions,
                    "An instruction (repeatable; \"\" = the image alone)")
        ->required();
    cmd->add_option("--candidate", command->candidates, "A candidate text (repeatable)")
        ->required();
    cmd->add_flag("--json", command->json, "JSON {instructions, candidates, matrix}");
    cmd->callback([command, &exitCode]() {
        const LoadedModel model = loadModel(command->model);
        const SimilarityMatrix m =
            compareInstructions(*model.embedder, *model.decoder, command->image,
                                command->instructions, command->candidates);
        if (command->json) {
            nlohmann::json rows = nlohmann::json::array();
            for (std::size_t i = 0; i < m.instructions.size(); ++i) {
                nlohmann::json row = nlohmann::json::array();
                for (std::size_t j = 0; j < m.candidates.size(); ++j) {
                    row.push_back(m.at(i, j));
                }
                rows.push_back(row);
            }
            std::cout << nlohmann::json{{"image", command->image},
                                        {"instructions", m.instructions},
                                        {"candidates", m.candidates},
                                        {"matrix", rows}}
                             .dump(2)
                      << "\n";
        } else {
            std::vector<std::string> labels;
            std::size_t width = 0;
            for (const auto& instruction : m.instructions) {
                labels.push_back(instruction.empty() ? "(no instruction)" : instruction);
                width = std::max(width, columns(labels.back()));
            }
            printPadded("", width);
            for (const auto& candidate : m.candidates) {
                std::printf("  %12.12s", candidate.c_str());
            }
            std::printf("\n");
            for (std::size_t i = 0; i < m.instructions.size(); ++i) {
                printPadded(labels[i], width);
                for (std::size_t j = 0; j < m.candidates.size(); ++j) {
                    std::printf("  %12.4f", m.at(i, j));
                }
                std::printf("\n");
            }
        }
        exitCode = 0;
    });
}

}  // namespace abc::cli
