#include "core/text/token_cases.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/io/error.h"

namespace abc {

std::vector<std::string> readTextCases(const std::filesystem::path& jsonl) {
    std::ifstream in(jsonl, std::ios::binary);
    if (!in) {
        throw Error(jsonl.string(), "cannot open the file");
    }
    std::vector<std::string> texts;
    std::string line;
    for (std::size_t number = 1; std::getline(in, line); ++number) {
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        if (line.find_first_not_of(" \t") == std::string::npos) {
            continue;
        }
        const std::string where = "line " + std::to_string(number);
        nlohmann::json object;
        try {
            object = nlohmann::json::parse(line);
        } catch (const nlohmann::json::exception& e) {
            throw Error(jsonl.string(), where + " is not valid JSON: " + e.what());
        }
        if (!object.is_object() || !object.contains("text") || !object.at("text").is_string()) {
            throw Error(jsonl.string(), where + " has no \"text\" string");
        }
        texts.push_back(object.at("text").get<std::string>());
    }
    return texts;
}

TokenizedText parseTokenizedText(std::string_view jsonLine, const std::string& textKey) {
    nlohmann::json object;
    try {
        object = nlohmann::json::parse(jsonLine);
    } catch (const nlohmann::json::exception& e) {
        throw Error("token case", std::string("not valid JSON: ") + e.what());
    }
    if (!object.is_object() || !object.contains(textKey) || !object.at(textKey).is_string() ||
        !object.contains("ids") || !object.at("ids").is_array()) {
        throw Error("token case", "needs a \"" + textKey + "\" string and an \"ids\" list");
    }
    TokenizedText result;
    result.text = object.at(textKey).get<std::string>();
    for (const auto& id : object.at("ids")) {
        if (!id.is_number_integer()) {
            throw Error("token case", "\"ids\" holds a value that is not an integer");
        }
        result.ids.push_back(id.get<std::int64_t>());
    }
    return result;
}

std::string tokenizedCaseJson(const std::string& text, const std::vector<std::int64_t>& ids) {
    nlohmann::ordered_json object;
    object["text"] = text;
    object["ids"] = ids;
    return object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace abc
