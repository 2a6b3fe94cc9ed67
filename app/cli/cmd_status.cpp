#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/cli/command.h"
#include "app/cli/model_options.h"
#include "core/library/instruction_fingerprint.h"
#include "core/library/library_store.h"

namespace abc::cli {

// `status`: what a library holds, per model, and every file that could not be indexed.
void registerStatus(CLI::App& app, int& exitCode) {
    auto* cmd = app.add_subcommand("status", "Show the library: folders, photos, models, failures");
    auto database = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    addDatabaseOption(*cmd, *database);
    cmd->add_flag("--json", *json, "Machine-readable output");
    cmd->callback([database, json, &exitCode]() {
        LibraryStore store(existingLibraryPath(*database));
        const auto models = store.models();
        const auto failures = store.failures();
        if (*json) {
            nlohmann::json out = {
                {"database", store.path()},   {"schema", store.schemaVersion()},
                {"folders", store.folders()}, {"photos", store.photoCount()},
                {"files", store.fileCount()}, {"integrity", store.integrityCheck()}};
            out["models"] = nlohmann::json::array();
            for (const auto& m : models) {
                out["models"].push_back({{"fingerprint", m.fingerprint},
                                         {"dimension", m.dimension},
                                         {"vectors", m.plainVectors},
                                         {"instruction_vectors", m.instructedVectors}});
            }
            out["failures"] = nlohmann::json::array();
            for (const auto& f : failures) {
                out["failures"].push_back({{"path", f.path}, {"reason", f.reason}});
            }
            std::cout << out.dump(2) << "\n";
        } else {
            std::cout << "library " << store.path() << " (schema " << store.schemaVersion()
                      << ")\n";
            for (const auto& folder : store.folders()) {
                std::cout << "folder " << folder << "\n";
            }
            std::cout << "photos " << store.photoCount() << " in " << store.fileCount()
                      << " files\n";
            // Instructed vectors live under their own row (plain vectors do not depend on the
            // instruct adapter): shown under the model they belong to.
            const auto ownerOf = [](const std::string& fingerprint) {
                const auto instructed = parseInstructionFingerprint(fingerprint);
                return instructed ? instructed->plain : fingerprint;
            };
            for (const auto& m : models) {
                const bool instructRow = parseInstructionFingerprint(m.fingerprint).has_value();
                const bool ownerListed = std::any_of(models.begin(), models.end(), [&](auto& o) {
                    return o.fingerprint == ownerOf(m.fingerprint);
                });
                if (instructRow && ownerListed) {
                    continue;
                }
                std::cout << "model " << m.fingerprint << " (" << m.dimension
                          << "-d): " << m.plainVectors << " photos indexed, " << m.instructedVectors
                          << " instruction vectors cached\n";
                for (const auto& i : models) {
                    const auto instructed = parseInstructionFingerprint(i.fingerprint);
                    if (instructed && i.fingerprint != m.fingerprint &&
                        instructed->plain == m.fingerprint) {
                        std::cout << "  instruct adapter " << instructed->adapter << ": "
                                  << i.instructedVectors << " instruction vectors cached\n";
                    }
                }
            }
            if (!failures.empty()) {
                std::cout << "could not index " << failures.size() << " file(s):\n";
                for (const auto& f : failures) {
                    std::cout << "  " << f.path << ": " << f.reason << "\n";
                }
            }
        }
        exitCode = 0;
    });
}

}  // namespace abc::cli
