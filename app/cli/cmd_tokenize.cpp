#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/cli/command.h"
#include "core/io/error.h"
#include "core/text/token_cases.h"
#include "core/text/tokenizer.h"

namespace abc::cli {

namespace {

std::string readWholeFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw Error(path, "cannot open the file");
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

// Encodes the file `repeat` times on this thread, as one text or line by line (many short
// texts, like queries); the first pass also warms the word cache, as in a running process.
void benchmark(const Tokenizer& tokenizer, const std::string& path, int repeat, bool perLine) {
    const std::string text = readWholeFile(path);
    std::vector<std::string_view> lines;
    if (perLine) {
        std::size_t begin = 0;
        while (begin <= text.size()) {
            const std::size_t end = std::min(text.find('\n', begin), text.size());
            lines.push_back(std::string_view(text).substr(begin, end - begin));
            begin = end + 1;
        }
    } else {
        lines.push_back(text);
    }
    std::vector<double> seconds;
    std::size_t tokens = 0;
    for (int i = 0; i < repeat; ++i) {
        const auto start = std::chrono::steady_clock::now();
        tokens = 0;
        for (const auto line : lines) {
            tokens += tokenizer.encode(line).size();
        }
        seconds.push_back(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(seconds.begin(), seconds.end());
    const double median = seconds[seconds.size() / 2];
    std::cout << "bytes " << text.size() << "\ntexts " << lines.size() << "\ntokens " << tokens
              << "\nrepeats " << repeat << "\nbest_s " << seconds.front() << "\nmedian_s " << median
              << "\ntokens_per_s " << static_cast<double>(tokens) / median << "\n";
}

}  // namespace

// `tokenize`: the ids the model would see for a text, for checking the tokenizer against
// other implementations and for timing it.
void registerTokenize(CLI::App& app, int& exitCode) {
    auto* cmd = app.add_subcommand("tokenize", "Print the token ids of texts (one JSON per line)");
    struct Options {
        std::string model;
        std::string text;
        std::string cases;
        std::string bench;
        int repeat = 5;
        bool perLine = false;
    };
    auto options = std::make_shared<Options>();
    cmd->add_option("--model", options->model, "Model folder holding tokenizer.json")->required();
    auto* text = cmd->add_option("--text", options->text, "Text to tokenize");
    auto* cases = cmd->add_option("--cases", options->cases,
                                  "JSON-lines file, one {\"text\": ...} object per line");
    auto* bench = cmd->add_option("--bench", options->bench,
                                  "Time encoding this UTF-8 file on one thread (tokens/s)");
    cmd->add_option("--repeat", options->repeat, "Timed passes for --bench")
        ->check(CLI::Range(1, 1000));
    cmd->add_flag("--per-line", options->perLine, "With --bench: encode each line as its own text");
    text->excludes(cases)->excludes(bench);
    cases->excludes(bench);
    cmd->callback([options, text, cases, bench, &exitCode]() {
        if (text->count() + cases->count() + bench->count() != 1) {
            std::cerr << "tokenize: give one of --text, --cases or --bench\n";
            exitCode = 2;
            return;
        }
        try {
            const Tokenizer tokenizer = Tokenizer::fromModelDir(options->model);
            if (bench->count() > 0) {
                benchmark(tokenizer, options->bench, options->repeat, options->perLine);
            } else if (text->count() > 0) {
                std::cout << tokenizedCaseJson(options->text, tokenizer.encode(options->text))
                          << "\n";
            } else {
                for (const auto& line : readTextCases(options->cases)) {
                    std::cout << tokenizedCaseJson(line, tokenizer.encode(line)) << "\n";
                }
            }
            std::cout.flush();
            exitCode = 0;
        } catch (const Error& e) {
            std::cerr << "tokenize: " << e.what() << "\n";
            exitCode = 1;
        }
    });
}

}  // namespace abc::cli
