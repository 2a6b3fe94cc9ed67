#pragma once

#include <string>
#include <vector>

#include "core/hub/model_download.h"
#include "ui/app_settings.h"

namespace abc::ui {

// The hub repositories the settings' model comes from, as `abc-photos-cli model status` reads
// them: folders are the user's own and are left out, an "@revision" pins one.
std::vector<HubRepoRequest> hubReposOfSettings(const AppSettings& settings);

// The hub repositories among hubReposOfSettings that the application runs without: the
// instruct adapter's.
std::vector<std::string> optionalHubRepoIdsOfSettings(const AppSettings& settings);

// What the first-run page's download fetches: every part that is not an existing folder, by
// its hub id, or by ABC's default id where the field names a missing folder or nothing.
std::vector<HubRepoRequest> hubReposToDownload(const AppSettings& settings);

// `settings` with each downloaded part pointed at its hub id (revision kept when pinned).
AppSettings withDownloadedRepos(AppSettings settings, const std::vector<HubRepoRequest>& repos);

}  // namespace abc::ui
