#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "app/cli/command.h"
#include "app/cli/model_options.h"
#include "app/cli/progress_printer.h"
#include "app/cli/usage_error.h"
#include "core/hub/hub_cache_layout.h"
#include "core/hub/model_cache_status.h"
#include "core/hub/model_download.h"
#include "core/hub/model_resolver.h"
#include "core/io/byte_size.h"
#include "core/io/error.h"

namespace abc::cli {

namespace {

struct ModelCommand {
    std::string action;
    ModelLocation model{"", "", ""};
    bool noInstruct = false;
    std::vector<std::string> revisions;  // "R" for every repository, or "owner/name=R"
    int jobs = 4;
};

std::atomic<bool> interrupted{false};

extern "C" void onModelInterrupt(int) {
    interrupted = true;
}

// The hub repositories of the model the settings (or the flags) name; folders are the user's
// own and are left out.
std::vector<HubRepoRequest> hubRepos(const ModelCommand& command) {
    ModelLocation chosen = sharedSettings().model;
    const auto given = [](const std::string& flag, std::string& setting) {
        if (!flag.empty()) {
            setting = flag;
        }
    };
    given(command.model.base, chosen.base);
    given(command.model.pretrainAdapter, chosen.pretrainAdapter);
    given(command.model.instructAdapter, chosen.instructAdapter);
    if (command.noInstruct) {
        chosen.instructAdapter.clear();
    }
    std::vector<HubRepoRequest> repos;
    const auto add = [&](const std::string& location, HubRepoKind kind) {
        std::error_code ec;
        if (location.empty()) {
            return;
        }
        if (std::filesystem::is_directory(location, ec)) {
            std::cout << location << ": a local folder, not downloaded\n";
            return;
        }
        const auto hub = hubLocation(location);
        if (!hub) {
            throw Error(location,
                        "is neither an existing folder nor a hub id like "
                        "owner/name[@revision]");
        }
        repos.push_back({hub->repoId, kind, hub->revision});
    };
    add(chosen.base, HubRepoKind::BaseModel);
    add(chosen.pretrainAdapter, HubRepoKind::Adapter);
    add(chosen.instructAdapter, HubRepoKind::Adapter);
    for (const auto& pin : command.revisions) {
        const auto equals = pin.find('=');
        if (equals == std::string::npos) {
            for (auto& repo : repos) {
                repo.revision = pin;
            }
            continue;
        }
        const std::string repoId = pin.substr(0, equals);
        const std::string revision = pin.substr(equals + 1);
        bool found = false;
        for (auto& repo : repos) {
            if (repo.repoId == repoId) {
                repo.revision = revision;
                found = true;
            }
        }
        if (!found || revision.empty()) {
            throw UsageError("--revision " + pin + ": " +
                             (revision.empty()
                                  ? "no revision after '='"
                                  : repoId + " is not one of the model's repositories"));
        }
    }
    for (const auto& repo : repos) {
        if (!isSafeRevision(repo.revision)) {
            throw UsageError("revision \"" + repo.revision + "\" of " + repo.repoId +
                             " is not a branch, tag or commit name (letters, digits, \"._-/\"; "
                             "no \"..\")");
        }
    }
    return repos;
}

int status(const std::vector<HubRepoRequest>& repos) {
    const auto cache = huggingFaceHubCache();
    std::cout << "hub cache " << cache.string() << "\n";
    bool complete = true;
    for (const auto& repo : repos) {
        const RepoCacheStatus s = repoCacheStatus(cache, repo);
        std::cout << repo.repoId << " " << repo.revision;
        if (!s.commit) {
            std::cout << ": not downloaded";
        } else {
            std::cout << " -> " << *s.commit << ": " << (s.complete() ? "complete" : "incomplete")
                      << ", " << s.presentFiles.size() << " file(s), "
                      << byteSizeText(s.bytesOnDisk);
        }
        if (s.partialBytes > 0) {
            std::cout << ", " << byteSizeText(s.partialBytes) << " partly downloaded";
        }
        std::cout << "\n";
        for (const auto& missing : s.missingFiles) {
            std::cout << "  missing " << missing << "\n";
        }
        complete = complete && s.complete();
    }
    if (!complete) {
        std::cout << "run `abc-photos-cli model download` to fetch what is missing\n";
    }
    return complete ? 0 : 1;
}

int download(const std::vector<HubRepoRequest>& repos, int jobs) {
    if (repos.empty()) {
        std::cout << "nothing to download: the model is in local folders\n";
        return 0;
    }
    ModelDownloadRequest request;
    request.repos = repos;
    request.parallelFiles = jobs;
    DownloadControl control;
    ProgressPrinter printer;
    interrupted = false;
    auto previous = std::signal(SIGINT, onModelInterrupt);
    std::vector<RepoDownloadResult> results;
    try {
        results = downloadModel(request, control, [&](const DownloadProgress& p) {
            if (interrupted) {
                control.cancel();  // partial files stay; the next run resumes them
            }
            if (p.stage == DownloadStage::Checking) {
                return;
            }
            constexpr std::uint64_t kMB = 1000 * 1000;
            const std::string detail =
                "MB  " + byteSizeText(static_cast<std::uint64_t>(p.bytesPerSecond)) + "/s, ETA " +
                clockText(p.etaSeconds) + ", files " + std::to_string(p.filesDone) + "/" +
                std::to_string(p.filesTotal);
            printer.update("downloading", p.doneBytes / kMB,
                           std::max<std::uint64_t>(1, p.totalBytes / kMB), detail);
        });
    } catch (...) {
        printer.finish();
        std::signal(SIGINT, previous);
        throw;
    }
    printer.finish();
    std::signal(SIGINT, previous);
    for (const auto& r : results) {
        std::cout << r.repoId << " " << r.revision << " -> " << r.commit << ": "
                  << r.filesFetched + r.filesCached << " file(s), " << r.filesFetched
                  << " downloaded, " << byteSizeText(r.bytesOnDisk) << " in " << r.snapshot.string()
                  << "\n";
    }
    return 0;
}

int verify(const std::vector<HubRepoRequest>& repos) {
    const auto cache = huggingFaceHubCache();
    interrupted = false;
    auto previous = std::signal(SIGINT, onModelInterrupt);
    int bad = 0;
    try {
        for (const auto& repo : repos) {
            std::cout << repo.repoId << " " << repo.revision << "\n" << std::flush;
            for (const auto& check :
                 verifyRepoCache(cache, repo, [] { return !interrupted.load(); })) {
                switch (check.result) {
                    case FileCheckResult::Matches:
                        std::cout << "  ok          " << check.file << "\n";
                        break;
                    case FileCheckResult::NotChecked:
                        std::cout << "  present     " << check.file << " (" << check.detail
                                  << ")\n";
                        break;
                    case FileCheckResult::Missing:
                        std::cout << "  missing     " << check.file << "\n";
                        ++bad;
                        break;
                    case FileCheckResult::Mismatch:
                        std::cout << "  MISMATCH    " << check.file << " (" << check.detail
                                  << ")\n";
                        ++bad;
                        break;
                }
            }
        }
    } catch (...) {
        std::signal(SIGINT, previous);
        throw;
    }
    std::signal(SIGINT, previous);
    if (bad > 0) {
        std::cout << bad
                  << " file(s) missing or damaged; `abc-photos-cli model download` fetches "
                     "missing files (delete a damaged blob first)\n";
    }
    return bad == 0 ? 0 : 1;
}

}  // namespace

// `model`: the model in the Hugging Face cache: what is there, fetching it, checking it.
void registerModel(CLI::App& app, int& exitCode) {
    auto* cmd =
        app.add_subcommand("model", "Show, download or verify the model in the Hugging Face cache");
    auto command = std::make_shared<ModelCommand>();
    cmd->add_option("ACTION", command->action,
                    "status (what the cache holds), download (fetch what is missing, resuming), "
                    "verify (check the sha256 of every weight file)")
        ->required()
        ->check(CLI::IsMember({"status", "download", "verify"}));
    const ModelLocation defaults;
    cmd->add_option("--base", command->model.base,
                    "Base model hub id, owner/name[@revision] (default: the settings file, else " +
                        defaults.base + ")")
        ->type_name("MODEL");
    cmd->add_option("--pretrain-adapter", command->model.pretrainAdapter,
                    "Pretrain adapter hub id (default: the settings file, else " +
                        defaults.pretrainAdapter + ")")
        ->type_name("MODEL");
    cmd->add_option("--instruct-adapter", command->model.instructAdapter,
                    "Instruct adapter hub id (default: the settings file, else " +
                        defaults.instructAdapter + ")")
        ->type_name("MODEL");
    cmd->add_flag("--no-instruct", command->noInstruct, "Leave the instruct adapter out");
    cmd->add_option("--revision", command->revisions,
                    "Branch, tag or commit to pin, for every repository, or REPO=REVISION for "
                    "one (default: main)")
        ->type_name("REVISION");
    cmd->add_option("--jobs", command->jobs, "Files downloaded at once")
        ->check(CLI::Range(1, 16))
        ->capture_default_str();
    cmd->callback([command, &exitCode]() {
        const auto repos = hubRepos(*command);
        if (command->action == "status") {
            exitCode = status(repos);
        } else if (command->action == "download") {
            exitCode = download(repos, command->jobs);
        } else {
            exitCode = verify(repos);
        }
    });
}

}  // namespace abc::cli
