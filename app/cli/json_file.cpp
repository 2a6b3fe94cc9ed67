#include "app/cli/json_file.h"

#include <fstream>
#include <sstream>

#include "core/io/error.h"

namespace abc::cli {

nlohmann::json readJsonFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw Error(path.string(), "cannot open the file");
    }
    std::ostringstream text;
    text << in.rdbuf();
    try {
        return nlohmann::json::parse(text.str());
    } catch (const nlohmann::json::exception& e) {
        throw Error(path.string(), std::string("not valid JSON: ") + e.what());
    }
}

}  // namespace abc::cli
