#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>

namespace abc::cli {

// Reads and parses a JSON file; errors name the file and say whether it was unreadable or
// not JSON.
nlohmann::json readJsonFile(const std::filesystem::path& path);

}  // namespace abc::cli
