#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "app/cli/command.h"
#include "core/io/error.h"
#include "core/library/media_type.h"
#include "core/version.h"

// The man page and the shell completions are written from the parser's own definitions, so
// they list exactly the commands and options the program accepts. The build runs
// `abc-photos-cli manual man|bash|zsh` and installs what it prints.

namespace abc::cli {

namespace {

std::vector<CLI::App*> listedCommands(CLI::App& app, const std::string& group) {
    return app.get_subcommands([&](CLI::App* sub) { return sub->get_group() == group; });
}

std::vector<CLI::App*> allListedCommands(CLI::App& app) {
    return app.get_subcommands([](CLI::App* sub) { return !sub->get_group().empty(); });
}

std::vector<const CLI::Option*> namedOptions(const CLI::App& command) {
    return command.get_options([](const CLI::Option* option) {
        return option->nonpositional() && !option->get_group().empty();
    });
}

std::vector<const CLI::Option*> positionals(const CLI::App& command) {
    return command.get_options([](const CLI::Option* option) { return !option->nonpositional(); });
}

// The kind of value an option takes, read from its type name ("FILE", "FOLDER", "MODEL",
// "TYPE", "TEXT:{a,b}" for a choice).
struct ValueKind {
    bool takesValue = false;
    std::string type;                  // before any ':'
    std::vector<std::string> choices;  // from an IsMember check
};

ValueKind valueKind(const CLI::Option& option) {
    ValueKind kind;
    kind.takesValue = option.get_type_size() > 0 && option.get_expected_min() > 0;
    if (!kind.takesValue) {
        return kind;
    }
    const std::string name = option.get_type_name();
    kind.type = name.substr(0, name.find(':'));
    const auto open = name.find('{');
    const auto close = name.find('}', open);
    if (open != std::string::npos && close != std::string::npos) {
        std::stringstream list(name.substr(open + 1, close - open - 1));
        for (std::string item; std::getline(list, item, ',');) {
            kind.choices.push_back(item);
        }
    }
    if (kind.type == "TYPE") {
        kind.choices = libraryMediaTypes();
    } else if (kind.type == "DEVICE") {
        kind.choices = {"cpu", "cuda"};
    }
    return kind;
}

std::string longestName(const CLI::Option& option) {
    if (!option.get_lnames().empty()) {
        return "--" + option.get_lnames().front();
    }
    return "-" + option.get_snames().front();
}

// --- man page (roff) ---

std::string roff(const std::string& text) {
    std::string out;
    for (const char c : text) {
        if (c == '\\') {
            out += "\\e";
        } else if (c == '-') {
            out += "\\-";
        } else {
            out += c;
        }
    }
    if (!out.empty() && (out.front() == '.' || out.front() == '\'')) {
        out.insert(0, "\\&");
    }
    return out;
}

// `parent`: the commands above a nested one ("tags" for `tags add`), empty at the top.
void writeCommandSection(std::ostream& out, CLI::App& command, const std::string& parent = {}) {
    const std::string fullName = (parent.empty() ? "" : parent + " ") + command.get_name();
    std::string synopsis = fullName + " [OPTIONS]";
    for (const auto* positional : positionals(command)) {
        const std::string name = positional->get_name();
        const bool many = positional->get_items_expected_max() > 1;
        synopsis += " " + std::string(positional->get_required() ? "" : "[") + name +
                    (many ? "..." : "") + (positional->get_required() ? "" : "]");
    }
    out << ".SS \"" << roff(synopsis) << "\"\n" << roff(command.get_description()) << "\n";
    for (const auto* positional : positionals(command)) {
        out << ".TP\n.I " << roff(positional->get_name()) << "\n"
            << roff(positional->get_description()) << "\n";
    }
    for (const auto* option : namedOptions(command)) {
        if (option == command.get_help_ptr()) {
            continue;  // every command has it; the page says so once
        }
        const ValueKind kind = valueKind(*option);
        out << ".TP\n\\fB" << roff(longestName(*option)) << "\\fR";
        if (kind.takesValue) {
            out << " \\fI" << roff(kind.type) << "\\fR";
        }
        out << "\n";
        std::string text = option->get_description();
        if (!kind.choices.empty()) {
            std::string list;
            for (const auto& choice : kind.choices) {
                list += (list.empty() ? "" : ", ") + choice;
            }
            text += " (one of: " + list + ")";
        }
        if (!option->get_default_str().empty()) {
            text += " [default: " + option->get_default_str() + "]";
        }
        out << roff(text) << "\n";
    }
    for (auto* nested : command.get_subcommands({})) {
        writeCommandSection(out, *nested, fullName);
    }
}

void writeManPage(std::ostream& out, CLI::App& app) {
    out << ".TH ABC\\-PHOTOS\\-CLI 1 \"\" \"abc-photos-cli " << kVersion << "\" \"User Commands\"\n"
        << ".SH NAME\nabc\\-photos\\-cli \\- search photo folders with natural language "
           "(ABC embeddings)\n"
        << ".SH SYNOPSIS\n.B abc\\-photos\\-cli\n.I COMMAND\n[\\fIOPTIONS\\fR] "
           "[\\fIARGUMENTS\\fR]\n.br\n.B abc\\-photos\\-cli\n\\-\\-help | \\-\\-version\n"
        << ".SH DESCRIPTION\nIndexes photo folders into a library (a SQLite file) with the ABC "
           "multimodal embedding model (Qwen2\\-VL\\-7B with ABC's adapters) and searches it with "
           "text, example images and instructions. The same engine and library as the ABC "
           "Photos desktop application,\n.BR abc\\-photos (1).\n"
           "Every command takes \\fB\\-\\-help\\fR.\n";
    out << ".SH COMMANDS\n";
    for (auto* command : listedCommands(app, "Commands")) {
        writeCommandSection(out, *command);
    }
    out << ".SH DEVELOPER COMMANDS\nFor checking and measuring the engine rather than using a "
           "library.\n";
    for (auto* command : listedCommands(app, "Developer commands")) {
        writeCommandSection(out, *command);
    }
    out << ".SH EXIT STATUS\n"
        << ".TP\n0\nSuccess.\n"
        << ".TP\n1\nAn error: a file, model or library that cannot be used (the message names "
           "it).\n"
        << ".TP\n2\nA command line that cannot be run: an unknown option, a missing argument, a "
           "value that names nothing (a date that does not exist, a folder not in the "
           "library).\n"
        << ".TP\n3\n\\fBindex\\fR: a library folder could not be reached (moved, not mounted); "
           "what the library holds there was kept.\n"
        << ".TP\n130\nInterrupted (Ctrl+C); work finished so far is kept.\n";
    out << ".SH FILES\n"
        << ".TP\n\\fI~/.local/share/abc\\-photos/library.sqlite3\\fR\nThe default library "
           "(\\fB$XDG_DATA_HOME\\fR is honoured).\n"
        << ".TP\n\\fI~/.config/abc\\-photos/settings.json\\fR\nThe model settings shared with "
           "the desktop application (\\fB$XDG_CONFIG_HOME\\fR is honoured).\n";
    out << ".SH ENVIRONMENT\n"
        << ".TP\n\\fBHF_HUB_CACHE\\fR, \\fBHF_HOME\\fR, \\fBXDG_CACHE_HOME\\fR\nWhere the "
           "Hugging Face cache holding the model is looked for, in this order.\n";
    out << ".SH SEE ALSO\n.BR abc\\-photos (1)\n";
}

// --- bash ---

std::string shellWords(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& word : words) {
        out += (out.empty() ? "" : " ") + word;
    }
    return out;
}

// What completes a value of this kind, as a bash statement that fills COMPREPLY.
std::string bashValueCompletion(const ValueKind& kind) {
    if (!kind.choices.empty()) {
        return "COMPREPLY=($(compgen -W \"" + shellWords(kind.choices) + "\" -- \"$cur\"))";
    }
    if (kind.type == "FOLDER" || kind.type == "MODEL") {
        return "_abc_photos_cli_files -d";
    }
    if (kind.type == "INT" || kind.type == "UINT" || kind.type == "FLOAT" || kind.type == "DATE" ||
        kind.type == "INSTRUCTION") {
        return "COMPREPLY=()";
    }
    return "_abc_photos_cli_files";
}

void writeBashCompletion(std::ostream& out, CLI::App& app) {
    std::vector<std::string> names;
    for (auto* command : allListedCommands(app)) {
        names.push_back(command->get_name());
    }
    out << "# bash completion for abc-photos-cli " << kVersion
        << " (written by `abc-photos-cli manual bash`)\n"
        << "_abc_photos_cli_files() {\n"
        << "    local IFS=$'\\n'\n"
        << "    if [[ $1 == -d ]]; then COMPREPLY=($(compgen -d -- \"$cur\"));\n"
        << "    else COMPREPLY=($(compgen -f -- \"$cur\")); fi\n"
        << "    compopt -o filenames 2>/dev/null\n"
        << "}\n"
        << "_abc_photos_cli() {\n"
        << "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
        << "    local command= i\n"
        << "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
        << "        case ${COMP_WORDS[i]} in -*) ;; *) command=${COMP_WORDS[i]}; break ;; esac\n"
        << "    done\n"
        << "    if [[ -z $command ]]; then\n"
        << "        COMPREPLY=($(compgen -W \"" << shellWords(names)
        << " --help --version\" -- \"$cur\"))\n"
        << "        return\n"
        << "    fi\n"
        << "    case $command in\n";
    for (auto* command : allListedCommands(app)) {
        std::vector<std::string> flags = {"--help"};
        std::string valueCases;
        for (const auto* option : namedOptions(*command)) {
            flags.push_back(longestName(*option));
            const ValueKind kind = valueKind(*option);
            if (kind.takesValue) {
                valueCases += "            " + longestName(*option) + ") " +
                              bashValueCompletion(kind) + "; return ;;\n";
            }
        }
        std::string positionalCompletion = "COMPREPLY=()";
        for (const auto* positional : positionals(*command)) {
            positionalCompletion = bashValueCompletion(valueKind(*positional));
        }
        out << "    " << command->get_name() << ")\n"
            << "        case $prev in\n"
            << valueCases << "        esac\n"
            << "        if [[ $cur == -* ]]; then\n"
            << "            COMPREPLY=($(compgen -W \"" << shellWords(flags) << "\" -- \"$cur\"))\n"
            << "        else\n"
            << "            " << positionalCompletion << "\n"
            << "        fi\n"
            << "        ;;\n";
    }
    out << "    esac\n"
        << "}\n"
        << "complete -F _abc_photos_cli abc-photos-cli\n";
}

// --- zsh ---

// Inside a single-quoted zsh word; `special` are the characters _arguments or _describe
// would read as syntax there.
std::string zshQuoted(const std::string& text, std::string_view special) {
    std::string out;
    for (const char c : text) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            if (special.find(c) != std::string_view::npos) {
                out += '\\';
            }
            out += c;
        }
    }
    return out;
}

std::string zshValueAction(const ValueKind& kind) {
    if (!kind.choices.empty()) {
        return "(" + shellWords(kind.choices) + ")";
    }
    if (kind.type == "FOLDER" || kind.type == "MODEL") {
        return "_files -/";
    }
    if (kind.type == "INT" || kind.type == "UINT" || kind.type == "FLOAT" || kind.type == "DATE" ||
        kind.type == "INSTRUCTION") {
        return " ";
    }
    return "_files";
}

void writeZshCompletion(std::ostream& out, CLI::App& app) {
    out << "#compdef abc-photos-cli\n"
        << "# zsh completion for abc-photos-cli " << kVersion
        << " (written by `abc-photos-cli manual zsh`)\n"
        << "_abc_photos_cli() {\n"
        << "    local -a commands\n"
        << "    commands=(\n";
    for (auto* command : allListedCommands(app)) {
        out << "        '" << command->get_name() << ":"
            << zshQuoted(command->get_description(), "") << "'\n";
    }
    out << "    )\n"
        << "    if (( CURRENT == 2 )); then\n"
        << "        _describe 'command' commands\n"
        << "        return\n"
        << "    fi\n"
        << "    local command=$words[2]\n"
        << "    shift 1 words; (( CURRENT-- ))\n"
        << "    case $command in\n";
    for (auto* command : allListedCommands(app)) {
        out << "    " << command->get_name() << ")\n        _arguments \\\n";
        for (const auto* option : namedOptions(*command)) {
            const ValueKind kind = valueKind(*option);
            const bool repeatable =
                option->get_items_expected_max() > 1 ||
                option->get_multi_option_policy() == CLI::MultiOptionPolicy::TakeAll;
            out << "            '" << (repeatable ? "*" : "") << longestName(*option) << "["
                << zshQuoted(option->get_description(), "[]") << "]";
            if (kind.takesValue) {
                out << ":" << zshQuoted(kind.type, ":") << ":" << zshValueAction(kind);
            }
            out << "' \\\n";
        }
        for (const auto* positional : positionals(*command)) {
            out << "            '*:" << zshQuoted(positional->get_name(), ":") << ":"
                << zshValueAction(valueKind(*positional)) << "' \\\n";
        }
        out << "            && return\n        ;;\n";
    }
    out << "    esac\n"
        << "}\n"
        << "_abc_photos_cli \"$@\"\n";
}

}  // namespace

// `manual`: hidden; the man page and shell completions, for the build and packages.
void registerManual(CLI::App& app, int& exitCode) {
    auto* cmd = app.add_subcommand("manual", "Write the man page or a shell completion script");
    auto format = std::make_shared<std::string>();
    auto file = std::make_shared<std::string>();
    cmd->add_option("FORMAT", *format, "man, bash or zsh")
        ->required()
        ->check(CLI::IsMember({"man", "bash", "zsh"}));
    cmd->add_option("--out", *file, "Write to this file instead of standard output")
        ->type_name("FILE");
    cmd->callback([&app, format, file, &exitCode]() {
        std::ostringstream text;
        if (*format == "man") {
            writeManPage(text, app);
        } else if (*format == "bash") {
            writeBashCompletion(text, app);
        } else {
            writeZshCompletion(text, app);
        }
        if (file->empty()) {
            std::cout << text.str();
        } else {
            std::ofstream out(*file, std::ios::binary | std::ios::trunc);
            out << text.str();
            if (!out.flush()) {
                throw Error(*file, "cannot be written");
            }
        }
        exitCode = 0;
    });
}

}  // namespace abc::cli
