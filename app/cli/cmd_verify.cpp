#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/cli/command.h"
#include "app/cli/json_file.h"
#include "core/io/error.h"
#include "core/io/safetensors.h"
#include "core/model/abc_model.h"

namespace abc::cli {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct VerifyOptions {
    std::string fixtures;
    std::vector<std::string> configs;
    std::string device = "cpu";
    std::string dtype = "float32";
    int threads = 0;
    bool json = false;
};

// Agreement of one position mode over all cases of a configuration.
struct Agreement {
    int cases = 0;
    double maxAbsDiff = 0.0;
    double minCosine = 1.0;
    std::string worstCase;

    void add(const std::string& id, const std::vector<float>& got, const std::vector<float>& want) {
        ++cases;
        double diff = got.size() == want.size() ? 0.0 : INFINITY;
        double dot = 0.0;
        double gotNorm = 0.0;
        double wantNorm = 0.0;
        for (std::size_t i = 0; i < std::min(got.size(), want.size()); ++i) {
            diff = std::max(diff, std::abs(double(got[i]) - double(want[i])));
            dot += double(got[i]) * double(want[i]);
            gotNorm += double(got[i]) * double(got[i]);
            wantNorm += double(want[i]) * double(want[i]);
        }
        const double cosine = got.size() == want.size() && gotNorm > 0.0 && wantNorm > 0.0
                                  ? dot / std::sqrt(gotNorm * wantNorm)
                                  : 0.0;
        if (diff > maxAbsDiff || worstCase.empty()) {
            worstCase = id;
        }
        maxAbsDiff = std::max(maxAbsDiff, diff);
        minCosine = std::min(minCosine, cosine);
    }

    json toJson() const {
        return {{"cases", cases},
                {"max_abs_diff", maxAbsDiff},
                {"min_cosine", minCosine},
                {"worst_case", worstCase}};
    }
};

struct ConfigResult {
    std::string name;
    Agreement sequential;
    Agreement mrope;
    double tolerance = 0.0;
    double loadSeconds = 0.0;
    double embedSeconds = 0.0;
    std::string error;  // a case or the checkpoint that could not run

    // The case furthest from its golden over both modes, with the mode when it is M-RoPE.
    std::string worstCase() const {
        return mrope.maxAbsDiff > sequential.maxAbsDiff ? mrope.worstCase + ", mrope"
                                                        : sequential.worstCase;
    }

    bool withinTolerance() const {
        return error.empty() && sequential.maxAbsDiff <= tolerance && mrope.maxAbsDiff <= tolerance;
    }
};

std::vector<float> floats(const json& array, const std::string& where) {
    if (!array.is_array()) {
        throw Error(where, "expected a list of numbers");
    }
    return array.get<std::vector<float>>();
}

std::map<std::string, ImagePatches> readImages(const fs::path& dir, const json& index) {
    const fs::path file = dir / index.at("pixel_values").get<std::string>();
    const auto pixels = SafetensorsFile::open(file);
    std::map<std::string, ImagePatches> images;
    for (const auto& [name, grid] : index.at("images").items()) {
        const TensorInfo& info = pixels.at(name);
        if (info.dtype != TensorDType::F32 || info.shape.size() != 2 || !grid.is_array() ||
            grid.size() != 3) {
            throw Error(file.string() + ": " + name,
                        "expected an F32 (rows, patch) tensor and a "
                        "[t, h, w] grid in index.json");
        }
        ImagePatches patches;
        patches.grid.t = grid[0].get<int>();
        patches.grid.h = grid[1].get<int>();
        patches.grid.w = grid[2].get<int>();
        patches.rows = info.shape[0];
        patches.patchDim = info.shape[1];
        patches.values.resize(static_cast<std::size_t>(info.elementCount()));
        std::memcpy(patches.values.data(), pixels.data(info), info.byteLength());
        images.emplace(name, std::move(patches));
    }
    return images;
}

ConfigResult verifyConfig(const fs::path& dir, const std::string& name,
                          const std::map<std::string, ImagePatches>& images,
                          const EngineOptions& engine) {
    ConfigResult result;
    result.name = name;
    const fs::path configDir = dir / name;
    const fs::path goldensFile = configDir / "goldens.json";
    const json goldens = readJsonFile(goldensFile);
    result.tolerance = goldens.at("tolerance").at("embedding_max_abs_diff").get<double>();

    ModelFolders folders;
    folders.base = configDir / goldens.at("base").get<std::string>();
    folders.pretrainAdapter = configDir / goldens.at("pretrain_adapter").get<std::string>();
    if (goldens.at("instruct_adapter").is_string()) {
        folders.instructAdapter = configDir / goldens.at("instruct_adapter").get<std::string>();
    }
    auto start = Clock::now();
    const auto model = AbcModel::load(folders, engine);
    result.loadSeconds = std::chrono::duration<double>(Clock::now() - start).count();

    start = Clock::now();
    for (const json& c : goldens.at("cases")) {
        const std::string id = c.at("id").get<std::string>();
        const std::string where = goldensFile.string() + ": " + id;
        const auto inputIds = c.at("input_ids").get<std::vector<std::int64_t>>();
        std::vector<const ImagePatches*> caseImages;
        if (c.contains("image") && c.at("image").is_string()) {
            const auto found = images.find(c.at("image").get<std::string>());
            if (found == images.end()) {
                throw Error(where, "image \"" + c.at("image").get<std::string>() +
                                       "\" is not in index.json");
            }
            caseImages.push_back(&found->second);
        }
        const bool instruct = c.at("kind").get<std::string>() == "image+instruction";
        try {
            model->setPositions(PositionMode::Sequential);
            result.sequential.add(id, model->embed(inputIds, caseImages, instruct),
                                  floats(c.at("embedding"), where));
            if (c.contains("embedding_mrope")) {
                model->setPositions(PositionMode::MRope);
                result.mrope.add(id, model->embed(inputIds, caseImages, instruct),
                                 floats(c.at("embedding_mrope"), where));
            }
        } catch (const Error& e) {
            result.error = id + ": " + e.what();
            break;
        }
    }
    result.embedSeconds = std::chrono::duration<double>(Clock::now() - start).count();
    return result;
}

std::string sci(double value) {
    std::ostringstream out;
    out << std::scientific << std::setprecision(2) << value;
    return out.str();
}

std::string fixed(double value, int digits) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(digits) << value;
    return out.str();
}

int run(const VerifyOptions& options) {
    const fs::path dir = options.fixtures;
    const json index = readJsonFile(dir / "index.json");
    if (index.value("format", "") != "abc-engine-fixture/1") {
        throw Error((dir / "index.json").string(), "not an abc-engine-fixture/1 index");
    }
    std::vector<std::string> names = options.configs;
    if (names.empty()) {
        names = index.at("configs").get<std::vector<std::string>>();
    }
    const auto images = readImages(dir, index);

    EngineOptions engine;
    engine.device = options.device;
    engine.precision = options.dtype == "bfloat16" ? Precision::BFloat16 : Precision::Float32;
    engine.cpuThreads = options.threads;
    const bool strict = engine.precision == Precision::Float32;

    std::vector<ConfigResult> results;
    const auto start = Clock::now();
    for (const auto& name : names) {
        results.push_back(verifyConfig(dir, name, images, engine));
    }
    const double total = std::chrono::duration<double>(Clock::now() - start).count();
    bool allWithin = true;
    for (const auto& r : results) {
        allWithin = allWithin && r.withinTolerance();
    }
    // bfloat16 cannot meet float32 goldens; its figures are informative only. A case that
    // could not run fails in every precision.
    bool failed = strict && !allWithin;
    for (const auto& r : results) {
        failed = failed || !r.error.empty();
    }

    if (options.json) {
        json out = {{"fixtures", dir.string()},      {"device", options.device},
                    {"dtype", options.dtype},        {"seconds", total},
                    {"within_tolerance", allWithin}, {"passed", !failed},
                    {"configs", json::array()}};
        for (const auto& r : results) {
            json c = {{"config", r.name},
                      {"tolerance", r.tolerance},
                      {"sequential", r.sequential.toJson()},
                      {"mrope", r.mrope.toJson()},
                      {"load_seconds", r.loadSeconds},
                      {"embed_seconds", r.embedSeconds},
                      {"within_tolerance", r.withinTolerance()}};
            if (!r.error.empty()) {
                c["error"] = r.error;
            }
            out["configs"].push_back(std::move(c));
        }
        std::cout << out.dump(1) << "\n";
    } else {
        std::cout << "fixtures " << dir.string() << ", device " << options.device << ", dtype "
                  << options.dtype << "\n"
                  << std::left << std::setw(20) << "config" << std::right << std::setw(6) << "cases"
                  << std::setw(12) << "max|diff|" << std::setw(14) << "min cosine" << std::setw(7)
                  << "mrope" << std::setw(12) << "max|diff|" << std::setw(14) << "min cosine"
                  << std::setw(9) << "load s" << std::setw(9) << "embed s"
                  << "  result\n";
        for (const auto& r : results) {
            std::cout << std::left << std::setw(20) << r.name << std::right << std::setw(6)
                      << r.sequential.cases << std::setw(12) << sci(r.sequential.maxAbsDiff)
                      << std::setw(14) << fixed(r.sequential.minCosine, 9) << std::setw(7)
                      << r.mrope.cases << std::setw(12) << sci(r.mrope.maxAbsDiff) << std::setw(14)
                      << fixed(r.mrope.minCosine, 9) << std::setw(9) << fixed(r.loadSeconds, 2)
                      << std::setw(9) << fixed(r.embedSeconds, 2) << "  "
                      << (!r.error.empty() ? "ERROR " + r.error
                          : r.withinTolerance()
                              ? "within " + sci(r.tolerance)
                              : "OVER " + sci(r.tolerance) + " (worst " + r.worstCase() + ")")
                      << "\n";
        }
        std::cout << "total " << fixed(total, 2) << " s: "
                  << (allWithin ? "all within tolerance"
                      : strict  ? "FAILED"
                                : "over the float32 tolerance (report only)")
                  << "\n";
    }
    return failed ? 1 : 0;
}

}  // namespace

// `verify`: the engine against a folder of fixtures (stored input_ids + pixel_values and
// float32 goldens), on any device; the check to run first on a new machine.
void registerVerify(CLI::App& app, int& exitCode) {
    auto* cmd = app.add_subcommand(
        "verify", "Check the engine against stored goldens (tests/data/engine layout)");
    auto options = std::make_shared<VerifyOptions>();
    cmd->add_option("--fixtures", options->fixtures, "Folder with index.json and config folders")
        ->required();
    cmd->add_option("--config", options->configs, "Only these configurations (repeatable)");
    cmd->add_option("--device", options->device, "cpu, cuda or cuda:N")->capture_default_str();
    cmd->add_option("--dtype", options->dtype,
                    "float32 (fails over the goldens' tolerance) or bfloat16 (report only)")
        ->check(CLI::IsMember({"float32", "bfloat16"}))
        ->capture_default_str();
    cmd->add_option("--threads", options->threads, "CPU threads (0: libtorch's default)");
    cmd->add_flag("--json", options->json, "Print the figures as JSON");
    cmd->callback([options, &exitCode]() {
        try {
            exitCode = run(*options);
        } catch (const std::exception& e) {
            std::cerr << "verify: " << e.what() << "\n";
            exitCode = 1;
        }
    });
}

}  // namespace abc::cli
