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
#include "app/cli/progress_printer.h"
#include "app/cli/vector_set_check.h"
#include "core/io/error.h"
#include "core/library/library_store.h"
#include "core/library/tag_store.h"
#include "core/library/zero_shot_tagger.h"

namespace abc::cli {

namespace {

struct TagsCommand {
    ModelOptions model;
    std::string database;
    std::string name;
    std::vector<std::string> labels;
    std::string instruction;
    float threshold = 0.0f;
    std::size_t topK = 0;
    bool byThreshold = false;  // --threshold given (0 is a threshold too)
    std::string label;         // show: only the photos with this label
    bool json = false;
};

nlohmann::json setJson(const TagSet& set, const std::vector<TagStore::Run>& runs) {
    nlohmann::json out = {{"name", set.name},
                          {"labels", set.labels},
                          {"instruction", set.instruction},
                          {"hash", tagSetHash(set)}};
    if (set.rule == TagSet::Rule::TopK) {
        out["top_k"] = set.topK;
    } else {
        out["threshold"] = set.threshold;
    }
    nlohmann::json applied = nlohmann::json::array();
    for (const auto& run : runs) {
        applied.push_back(
            {{"model", run.fingerprint}, {"current", run.current}, {"photos", run.scored}});
    }
    out["applied"] = applied;
    return out;
}

std::string runWords(const std::vector<TagStore::Run>& runs) {
    if (runs.empty()) {
        return "never applied";
    }
    const auto& last = runs.back();
    return last.current ? "applied to " + std::to_string(last.scored) + " photos"
                        : "changed since applied: run `tags apply`";
}

void add(const TagsCommand& command) {
    TagSet set;
    set.name = command.name;
    set.labels = command.labels;
    set.instruction = command.instruction;
    if (command.byThreshold) {
        set.rule = TagSet::Rule::Threshold;
        set.threshold = command.threshold;
    } else {
        set.rule = TagSet::Rule::TopK;
        set.topK = command.topK == 0 ? 1 : command.topK;
    }
    LibraryStore store(existingLibraryPath(command.database));
    TagStore tags(store);
    const bool replaced = tags.set(set.name).has_value();
    tags.putSet(set);
    std::printf(
        "%s tag set %s: %zu labels, %s%s\n", replaced ? "replaced" : "added", set.name.c_str(),
        set.labels.size(), describeRule(set).c_str(),
        set.instruction.empty() ? "" : (", instruction \"" + set.instruction + "\"").c_str());
}

void list(const TagsCommand& command) {
    LibraryStore store(existingLibraryPath(command.database));
    TagStore tags(store);
    nlohmann::json out = nlohmann::json::array();
    for (const auto& set : tags.sets()) {
        const auto runs = tags.runs(set.name);
        if (command.json) {
            out.push_back(setJson(set, runs));
            continue;
        }
        std::printf("%s  (%zu labels, %s%s; %s)\n", set.name.c_str(), set.labels.size(),
                    describeRule(set).c_str(),
                    set.instruction.empty() ? "" : (", \"" + set.instruction + "\"").c_str(),
                    runWords(runs).c_str());
        for (const auto& label : set.labels) {
            std::printf("    %s\n", label.c_str());
        }
    }
    if (command.json) {
        std::cout << out.dump(2) << "\n";
    }
}

void apply(const TagsCommand& command) {
    LibraryStore store(existingLibraryPath(command.database));
    TagStore tags(store);
    if (!tags.set(command.name)) {
        throw Error("tag set " + command.name, "is not in the library (see `tags list`)");
    }
    const LoadedModel model = loadModel(command.model);
    requireVectorsFor(store, model.embedder->fingerprint());
    ZeroShotTagger tagger(store, tags, *model.embedder, *model.decoder);
    ProgressPrinter printer;
    const auto summary = tagger.apply(command.name, [&](std::size_t done, std::size_t total) {
        printer.update("embedding with the instruction", done, total);
    });
    printer.finish();
    const auto counts = tags.labelCounts(command.name, *tagger.model());
    if (command.json) {
        nlohmann::json failures = nlohmann::json::array();
        for (const auto& failure : summary.failures) {
            failures.push_back({{"path", failure.path}, {"reason", failure.reason}});
        }
        std::cout << nlohmann::json{{"set", command.name},      {"scored", summary.scored},
                                    {"tagged", summary.tagged}, {"embedded", summary.embedded},
                                    {"counts", counts},         {"failures", failures}}
                         .dump(2)
                  << "\n";
    } else {
        std::printf("tagged %zu of %zu photos with %s (embedded %zu with the instruction)\n",
                    summary.tagged, summary.scored, command.name.c_str(), summary.embedded);
        for (const auto& [label, count] : counts) {
            std::printf("%8lld  %s\n", static_cast<long long>(count), label.c_str());
        }
        for (const auto& failure : summary.failures) {
            std::printf("could not read %s: %s\n", failure.path.c_str(), failure.reason.c_str());
        }
    }
}

void show(const TagsCommand& command) {
    LibraryStore store(existingLibraryPath(command.database));
    TagStore tags(store);
    const auto set = tags.set(command.name);
    if (!set) {
        throw Error("tag set " + command.name, "is not in the library (see `tags list`)");
    }
    // The latest current application: the fingerprint is known without loading the model.
    const auto runs = tags.runs(command.name);
    const TagStore::Run* run = nullptr;
    for (const auto& candidate : runs) {
        if (candidate.current) {
            run = &candidate;
        }
    }
    if (run == nullptr) {
        throw Error("tag set " + command.name,
                    runs.empty()
                        ? "was never applied; run `tags apply " + command.name + "`"
                        : "changed since it was applied; run `tags apply " + command.name + "`");
    }
    if (!command.label.empty() &&
        std::find(set->labels.begin(), set->labels.end(), command.label) == set->labels.end()) {
        throw Error("tag set " + command.name, "has no label \"" + command.label + "\"");
    }
    struct Shown {
        std::string path;
        std::vector<PhotoTag> tags;
    };
    std::vector<Shown> photos;
    for (const auto& tag : tags.tags(command.name, run->model)) {
        if (photos.empty() || photos.back().tags.front().photo != tag.photo) {
            const auto record = store.photo(tag.photo);
            photos.push_back(
                {record && !record->files.empty() ? record->files.front().path : "", {}});
        }
        photos.back().tags.push_back(tag);
    }
    if (!command.label.empty()) {
        std::erase_if(photos, [&](const Shown& shown) {
            return std::none_of(shown.tags.begin(), shown.tags.end(),
                                [&](const PhotoTag& tag) { return tag.label == command.label; });
        });
    }
    std::sort(photos.begin(), photos.end(),
              [](const Shown& a, const Shown& b) { return a.path < b.path; });
    const auto counts = tags.labelCounts(command.name, run->model);
    if (command.json) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& shown : photos) {
            nlohmann::json labels = nlohmann::json::array();
            for (const auto& tag : shown.tags) {
                labels.push_back({{"label", tag.label}, {"score", tag.score}});
            }
            list.push_back({{"path", shown.path}, {"labels", labels}});
        }
        std::cout << nlohmann::json{{"set", command.name},
                                    {"model", run->fingerprint},
                                    {"scored", run->scored},
                                    {"counts", counts},
                                    {"photos", list}}
                         .dump(2)
                  << "\n";
        return;
    }
    for (const auto& [label, count] : counts) {
        std::printf("%8lld  %s\n", static_cast<long long>(count), label.c_str());
    }
    for (const auto& shown : photos) {
        std::string labels;
        for (const auto& tag : shown.tags) {
            char score[16];
            std::snprintf(score, sizeof score, " %.3f", static_cast<double>(tag.score));
            labels += (labels.empty() ? "" : ", ") + tag.label + score;
        }
        std::printf("%s  %s\n", shown.path.c_str(), labels.c_str());
    }
}

}  // namespace

// `tags`: zero-shot tag sets (label lists scored against the photos' vectors).
void registerTags(CLI::App& app, int& exitCode) {
    auto* tags = app.add_subcommand("tags", "Zero-shot tags: label lists applied to the library");
    tags->require_subcommand(1);
    auto command = std::make_shared<TagsCommand>();
    const auto run = [command, &exitCode](void (*action)(const TagsCommand&)) {
        return [command, &exitCode, action]() {
            action(*command);
            exitCode = 0;
        };
    };

    auto* addCmd = tags->add_subcommand("add", "Add a tag set, or replace the set of that name");
    addDatabaseOption(*addCmd, command->database);
    addCmd->add_option("NAME", command->name, "The set's name")->required();
    addCmd->add_option("LABEL", command->labels, "Its labels, as texts to match")->required();
    addCmd
        ->add_option("--instruction", command->instruction,
                     "Embed the photos with this instruction first (instruct adapter)")
        ->type_name("INSTRUCTION");
    auto* threshold = addCmd
                          ->add_option("--threshold", command->threshold,
                                       "Give every label whose cosine score is at least this")
                          ->check(CLI::Range(-1.0, 1.0));
    addCmd->add_option("--top-k", command->topK, "Give each photo its K best labels (default 1)")
        ->check(CLI::Range(1, 1000))
        ->excludes(threshold);
    addCmd->callback([command, threshold, &exitCode]() {
        command->byThreshold = threshold->count() > 0;
        add(*command);
        exitCode = 0;
    });

    auto* listCmd = tags->add_subcommand("list", "List the tag sets and whether they are applied");
    addDatabaseOption(*listCmd, command->database);
    listCmd->add_flag("--json", command->json, "JSON list of sets");
    listCmd->callback(run(&list));

    auto* applyCmd =
        tags->add_subcommand("apply", "Tag every indexed photo with a set (stored vectors)");
    addDatabaseOption(*applyCmd, command->database);
    addModelOptions(*applyCmd, command->model);
    applyCmd->add_option("NAME", command->name, "The set")->required();
    applyCmd->add_flag("--json", command->json, "JSON summary with the count of each label");
    applyCmd->callback(run(&apply));

    auto* showCmd = tags->add_subcommand("show", "The photos and labels of an applied set");
    addDatabaseOption(*showCmd, command->database);
    showCmd->add_option("NAME", command->name, "The set")->required();
    showCmd->add_option("--label", command->label, "Only the photos with this label")
        ->type_name("LABEL");
    showCmd->add_flag("--json", command->json, "JSON with counts and each photo's labels");
    showCmd->callback(run(&show));
}

}  // namespace abc::cli
