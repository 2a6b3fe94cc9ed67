#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

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
    cmd->add_option("--image", command->image, "The image file")->required();
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
            std::size_t width = 13;  // "(no instruction)"
            for (const auto& instruction : m.instructions) {
                width = std::max(width, instruction.size());
            }
            std::printf("%-*s", static_cast<int>(width), "");
            for (const auto& candidate : m.candidates) {
                std::printf("  %12.12s", candidate.c_str());
            }
            std::printf("\n");
            for (std::size_t i = 0; i < m.instructions.size(); ++i) {
                const std::string label =
                    m.instructions[i].empty() ? "(no instruction)" : m.instructions[i];
                std::printf("%-*s", static_cast<int>(width), label.c_str());
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
