#include "ui/model_hub_repos.h"

#include <filesystem>

#include "core/hub/model_resolver.h"
#include "core/model/embedder.h"

namespace abc::ui {

namespace {

struct Part {
    QString AppSettings::*field;
    HubRepoKind kind;
    std::string defaultId;
};

std::vector<Part> parts() {
    const ModelLocation defaults;
    return {{&AppSettings::baseModel, HubRepoKind::BaseModel, defaults.base},
            {&AppSettings::pretrainAdapter, HubRepoKind::Adapter, defaults.pretrainAdapter},
            {&AppSettings::instructAdapter, HubRepoKind::Adapter, defaults.instructAdapter}};
}

bool isFolder(const std::string& location) {
    std::error_code ec;
    return std::filesystem::is_directory(location, ec);
}

}  // namespace

std::vector<HubRepoRequest> hubReposOfSettings(const AppSettings& settings) {
    std::vector<HubRepoRequest> repos;
    for (const Part& part : parts()) {
        const std::string location = (settings.*part.field).trimmed().toStdString();
        if (location.empty() || isFolder(location))
            continue;
        if (const auto hub = hubLocation(location))
            repos.push_back({hub->repoId, part.kind, hub->revision});
    }
    return repos;
}

std::vector<std::string> optionalHubRepoIdsOfSettings(const AppSettings& settings) {
    const auto hub = hubLocation(settings.instructAdapter.trimmed().toStdString());
    if (!hub)
        return {};
    return {hub->repoId};
}

std::vector<HubRepoRequest> hubReposToDownload(const AppSettings& settings) {
    std::vector<HubRepoRequest> repos;
    for (const Part& part : parts()) {
        const std::string location = (settings.*part.field).trimmed().toStdString();
        if (!location.empty() && isFolder(location))
            continue;
        const auto hub = hubLocation(location);
        repos.push_back(hub ? HubRepoRequest{hub->repoId, part.kind, hub->revision}
                            : HubRepoRequest{part.defaultId, part.kind, "main"});
    }
    return repos;
}

AppSettings withDownloadedRepos(AppSettings settings, const std::vector<HubRepoRequest>& repos) {
    for (const Part& part : parts()) {
        const std::string location = (settings.*part.field).trimmed().toStdString();
        if (!location.empty() && isFolder(location))
            continue;
        for (const HubRepoRequest& repo : repos) {
            const auto hub = hubLocation(location);
            const std::string id = hub ? hub->repoId : part.defaultId;
            if (repo.repoId == id && repo.kind == part.kind) {
                settings.*part.field = QString::fromStdString(
                    repo.revision == "main" ? repo.repoId : repo.repoId + "@" + repo.revision);
                break;
            }
        }
    }
    return settings;
}

}  // namespace abc::ui
