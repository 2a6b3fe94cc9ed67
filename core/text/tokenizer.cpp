#include "core/text/tokenizer.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "core/io/error.h"
#include "core/text/added_tokens.h"
#include "core/text/bpe_model.h"
#include "core/text/byte_level.h"
#include "core/text/regex_splitter.h"
#include "core/text/unicode_normalizer.h"
#include "core/text/utf8.h"

namespace abc {

using nlohmann::json;

struct Tokenizer::Impl {
    std::vector<text::AddedToken> addedTokens;
    text::AddedTokenMatcher rawAddedTokens;         // normalized = false
    text::AddedTokenMatcher normalizedAddedTokens;  // normalized = true
    std::unordered_map<std::string, std::int64_t> addedIds;
    bool nfc = false;
    std::vector<text::RegexSplitter> splitters;
    std::unique_ptr<text::BpeModel> bpe;
    std::vector<std::string> tokenBytes;  // per id, what decode emits
    std::vector<bool> special;            // per id
};

namespace {

// tokenizers' ByteLevel pre-tokenizer pattern, used when its use_regex flag is set.
constexpr std::string_view kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

class Loader {
  public:
    explicit Loader(const std::filesystem::path& path) : subject_(path.string()) {}

    [[noreturn]] void fail(const std::string& problem) const { throw Error(subject_, problem); }

    const json& member(const json& object, const char* key, const std::string& where) const {
        if (!object.is_object() || !object.contains(key)) {
            fail(where + " has no \"" + key + "\"");
        }
        return object.at(key);
    }

    static bool isNullOrMissing(const json& object, const char* key) {
        return !object.contains(key) || object.at(key).is_null();
    }

    bool flag(const json& object, const char* key, bool fallback, const std::string& where) const {
        if (isNullOrMissing(object, key)) {
            return fallback;
        }
        if (!object.at(key).is_boolean()) {
            fail(where + ": \"" + key + "\" is not true or false");
        }
        return object.at(key).get<bool>();
    }

    std::string string(const json& value, const std::string& what) const {
        if (!value.is_string()) {
            fail(what + " is not a string");
        }
        return value.get<std::string>();
    }

    std::string typeOf(const json& object, const std::string& where) const {
        return string(member(object, "type", where), where + " \"type\"");
    }

    void readNormalizer(const json& n, Tokenizer::Impl& impl) const {
        if (n.is_null()) {
            return;
        }
        const std::string type = typeOf(n, "normalizer");
        if (type == "NFC") {
            impl.nfc = true;
        } else if (type == "Sequence") {
            const json& list = member(n, "normalizers", "normalizer Sequence");
            if (!list.is_array()) {
                fail("normalizer Sequence: \"normalizers\" is not a list");
            }
            for (const json& item : list) {
                readNormalizer(item, impl);
            }
        } else {
            fail("normalizer \"" + type + "\" is not supported (only NFC)");
        }
    }

    void readSplit(const json& p, Tokenizer::Impl& impl) const {
        const json& pattern = member(p, "pattern", "Split pre-tokenizer");
        bool literal = false;
        std::string source;
        if (pattern.is_object() && pattern.contains("Regex")) {
            source = string(pattern.at("Regex"), "Split pattern \"Regex\"");
        } else if (pattern.is_object() && pattern.contains("String")) {
            source = string(pattern.at("String"), "Split pattern \"String\"");
            literal = true;
        } else {
            fail(
                "Split pre-tokenizer: \"pattern\" is neither {\"Regex\": ...} nor {\"String\": "
                "...}");
        }
        const std::string behavior =
            string(member(p, "behavior", "Split pre-tokenizer"), "Split \"behavior\"");
        text::SplitBehavior mode;
        if (behavior == "Isolated") {
            mode = text::SplitBehavior::Isolated;
        } else if (behavior == "Removed") {
            mode = text::SplitBehavior::Removed;
        } else {
            fail("Split behavior \"" + behavior + "\" is not supported (Isolated, Removed)");
        }
        const bool invert = flag(p, "invert", false, "Split pre-tokenizer");
        impl.splitters.emplace_back(source, literal, mode, invert, subject_);
    }

    // Returns true once the ByteLevel step has been read; it must come last.
    void readPreTokenizer(const json& p, Tokenizer::Impl& impl, bool& byteLevel) const {
        if (p.is_null()) {
            return;
        }
        const std::string type = typeOf(p, "pre_tokenizer");
        if (byteLevel) {
            fail("pre_tokenizer \"" + type + "\" after ByteLevel is not supported");
        }
        if (type == "Sequence") {
            const json& list = member(p, "pretokenizers", "pre_tokenizer Sequence");
            if (!list.is_array()) {
                fail("pre_tokenizer Sequence: \"pretokenizers\" is not a list");
            }
            for (const json& item : list) {
                readPreTokenizer(item, impl, byteLevel);
            }
        } else if (type == "Split") {
            readSplit(p, impl);
        } else if (type == "ByteLevel") {
            if (flag(p, "add_prefix_space", true, "ByteLevel pre-tokenizer")) {
                fail("ByteLevel pre-tokenizer with add_prefix_space is not supported");
            }
            if (flag(p, "use_regex", true, "ByteLevel pre-tokenizer")) {
                impl.splitters.emplace_back(kGpt2Pattern, false, text::SplitBehavior::Isolated,
                                            false, subject_);
            }
            byteLevel = true;
        } else {
            fail("pre_tokenizer \"" + type + "\" is not supported (Split, ByteLevel, Sequence)");
        }
    }

    void checkDecoder(const json& d) const {
        if (d.is_null()) {
            fail("a tokenizer without a decoder is not supported (expected ByteLevel)");
        }
        const std::string type = typeOf(d, "decoder");
        if (type == "Sequence") {
            const json& list = member(d, "decoders", "decoder Sequence");
            if (!list.is_array() || list.size() != 1) {
                fail("decoder Sequence: only a single ByteLevel decoder is supported");
            }
            checkDecoder(list.at(0));
        } else if (type != "ByteLevel") {
            fail("decoder \"" + type + "\" is not supported (only ByteLevel)");
        }
    }

    static std::pair<std::string, std::string> splitMergeString(const std::string& merge) {
        const auto space = merge.find(' ');
        if (space == std::string::npos || merge.find(' ', space + 1) != std::string::npos) {
            return {};
        }
        return {merge.substr(0, space), merge.substr(space + 1)};
    }

    void readModel(const json& m, Tokenizer::Impl& impl) const {
        if (!m.is_object()) {
            fail("\"model\" is not an object");
        }
        // Files from older tokenizers versions may omit the model type.
        if (m.contains("type") && typeOf(m, "model") != "BPE") {
            fail("model \"" + typeOf(m, "model") + "\" is not supported (only BPE)");
        }
        if (!isNullOrMissing(m, "dropout") &&
            !(m.at("dropout").is_number() && m.at("dropout").get<double>() == 0.0)) {
            fail("BPE dropout is not supported");
        }
        for (const char* key : {"continuing_subword_prefix", "end_of_word_suffix"}) {
            if (!isNullOrMissing(m, key) && string(m.at(key), key) != "") {
                fail(std::string("BPE ") + key + " is not supported");
            }
        }
        if (flag(m, "byte_fallback", false, "model")) {
            fail("BPE byte_fallback is not supported");
        }
        text::BpeModel::Options options;
        options.ignoreMerges = flag(m, "ignore_merges", false, "model");
        options.fuseUnk = flag(m, "fuse_unk", false, "model");

        const json& vocab = member(m, "vocab", "model");
        if (!vocab.is_object()) {
            fail("model \"vocab\" is not an object of token -> id");
        }
        std::vector<std::pair<std::string, std::int64_t>> entries;
        entries.reserve(vocab.size());
        for (const auto& [token, id] : vocab.items()) {
            if (!id.is_number_integer()) {
                fail("vocabulary entry \"" + token + "\" has no integer id");
            }
            entries.emplace_back(token, id.get<std::int64_t>());
        }
        if (!isNullOrMissing(m, "unk_token")) {
            const std::string unk = string(m.at("unk_token"), "model \"unk_token\"");
            const auto it = std::find_if(entries.begin(), entries.end(),
                                         [&](const auto& e) { return e.first == unk; });
            if (it == entries.end()) {
                fail("unk_token \"" + unk + "\" is not in the vocabulary");
            }
            options.unk = static_cast<std::int32_t>(it->second);
        }

        const json& mergeList = member(m, "merges", "model");
        if (!mergeList.is_array()) {
            fail("model \"merges\" is not a list");
        }
        std::vector<std::pair<std::string, std::string>> merges;
        merges.reserve(mergeList.size());
        for (std::size_t i = 0; i < mergeList.size(); ++i) {
            const json& item = mergeList[i];
            std::pair<std::string, std::string> merge;
            if (item.is_string()) {
                merge = splitMergeString(item.get<std::string>());
            } else if (item.is_array() && item.size() == 2 && item[0].is_string() &&
                       item[1].is_string()) {
                merge = {item[0].get<std::string>(), item[1].get<std::string>()};
            }
            if (merge.first.empty() || merge.second.empty()) {
                fail("merge " + std::to_string(i) + " is neither \"a b\" nor [\"a\", \"b\"]: " +
                     item.dump(-1, ' ', false, json::error_handler_t::replace));
            }
            merges.push_back(std::move(merge));
        }
        impl.bpe = std::make_unique<text::BpeModel>(std::move(entries), merges, options, subject_);
    }

    void readAddedTokens(const json& list, Tokenizer::Impl& impl) const {
        if (list.is_null()) {
            return;
        }
        if (!list.is_array()) {
            fail("\"added_tokens\" is not a list");
        }
        for (const json& t : list) {
            const std::string where =
                "added token " + t.dump(-1, ' ', false, json::error_handler_t::replace);
            text::AddedToken token;
            const json& id = member(t, "id", where);
            if (!id.is_number_integer() || id.get<std::int64_t>() < 0 ||
                id.get<std::int64_t>() > INT32_MAX - 1) {
                fail(where + ": \"id\" is not a valid id");
            }
            token.id = id.get<std::int64_t>();
            token.content = string(member(t, "content", where), where + " \"content\"");
            if (token.content.empty() || text::firstInvalidUtf8(token.content)) {
                fail(where + ": empty or ill-formed \"content\"");
            }
            token.special = flag(t, "special", false, where);
            token.normalized = flag(t, "normalized", !token.special, where);
            for (const char* key : {"lstrip", "rstrip", "single_word"}) {
                if (flag(t, key, false, where)) {
                    fail(where + ": \"" + key + "\" is not supported");
                }
            }
            const std::string& known = impl.bpe->spelling(token.id);
            if (!known.empty() && known != token.content) {
                fail(where + ": id " + std::to_string(token.id) +
                     " is already the vocabulary entry \"" + known + "\"");
            }
            impl.addedIds[token.content] = token.id;
            impl.addedTokens.push_back(std::move(token));
        }
        std::vector<text::AddedToken> raw;
        std::vector<text::AddedToken> normalized;
        for (const auto& token : impl.addedTokens) {
            (token.normalized ? normalized : raw).push_back(token);
        }
        impl.rawAddedTokens = text::AddedTokenMatcher(raw);
        impl.normalizedAddedTokens = text::AddedTokenMatcher(normalized);
    }

    void buildDecodeTable(Tokenizer::Impl& impl) const {
        std::size_t limit = impl.bpe->idLimit();
        for (const auto& token : impl.addedTokens) {
            limit = std::max(limit, static_cast<std::size_t>(token.id) + 1);
        }
        impl.tokenBytes.assign(limit, {});
        impl.special.assign(limit, false);
        const auto& alphabet = text::ByteLevelAlphabet::instance();
        // The ByteLevel decoder maps a token's characters back to bytes; a token with any
        // character outside the byte alphabet contributes its UTF-8 text unchanged.
        const auto bytesOf = [&](const std::string& spelling) {
            auto bytes = alphabet.fromVocabSpelling(spelling);
            return bytes ? *bytes : spelling;
        };
        for (std::size_t id = 0; id < impl.bpe->idLimit(); ++id) {
            const std::string& spelling = impl.bpe->spelling(static_cast<std::int64_t>(id));
            if (!spelling.empty()) {
                impl.tokenBytes[id] = bytesOf(spelling);
            }
        }
        for (const auto& token : impl.addedTokens) {
            impl.tokenBytes[static_cast<std::size_t>(token.id)] = bytesOf(token.content);
            impl.special[static_cast<std::size_t>(token.id)] = token.special;
        }
    }

    std::shared_ptr<Tokenizer::Impl> load(const std::filesystem::path& path) const {
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            fail("cannot open the file");
        }
        json root;
        try {
            root = json::parse(in);
        } catch (const json::exception& e) {  // parse_error, or out_of_range for 1e999
            fail(std::string("not valid JSON: ") + e.what());
        }
        if (!root.is_object()) {
            fail("not a tokenizer.json object");
        }
        for (const char* key : {"truncation", "padding"}) {
            if (!isNullOrMissing(root, key)) {
                fail(std::string("\"") + key + "\" is not supported (expected null)");
            }
        }
        auto impl = std::make_shared<Tokenizer::Impl>();
        try {
            readNormalizer(root.value("normalizer", json()), *impl);
            bool byteLevel = false;
            readPreTokenizer(root.value("pre_tokenizer", json()), *impl, byteLevel);
            if (!byteLevel) {
                fail("only byte-level BPE is supported: the pre_tokenizer has no ByteLevel step");
            }
            checkDecoder(root.value("decoder", json()));
            readModel(member(root, "model", "the file"), *impl);
            readAddedTokens(root.value("added_tokens", json()), *impl);
        } catch (const json::exception& e) {
            fail(std::string("malformed tokenizer.json: ") + e.what());
        }
        buildDecodeTable(*impl);
        return impl;
    }

  private:
    std::string subject_;
};

}  // namespace

Tokenizer::Tokenizer(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

Tokenizer Tokenizer::fromFile(const std::filesystem::path& tokenizerJson) {
    return Tokenizer(Loader(tokenizerJson).load(tokenizerJson));
}

Tokenizer Tokenizer::fromModelDir(const std::filesystem::path& dir) {
    const auto path = dir / "tokenizer.json";
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        throw Error(path.string(), "not found (the model folder must contain tokenizer.json)");
    }
    return fromFile(path);
}

std::vector<std::int64_t> Tokenizer::encode(std::string_view utf8) const {
    if (const auto bad = text::firstInvalidUtf8(utf8)) {
        throw Error("text", "not valid UTF-8 (byte " + std::to_string(*bad) + ")");
    }
    const Impl& impl = *impl_;
    std::vector<std::int64_t> ids;
    std::vector<std::string_view> pieces;
    std::vector<std::string_view> next;

    const auto encodeNormalized = [&](std::string_view segment) {
        pieces.assign(1, segment);
        for (const auto& splitter : impl.splitters) {
            next.clear();
            for (const auto piece : pieces) {
                splitter.split(piece, next);
            }
            pieces.swap(next);
        }
        for (const auto piece : pieces) {
            impl.bpe->encodeWord(piece, ids);
        }
    };
    // Added tokens split the text into segments; between them the text is encoded.
    const auto forEachSegment = [](const text::AddedTokenMatcher& matcher, std::string_view s,
                                   std::vector<std::int64_t>& out, const auto& encodeSegment) {
        std::size_t pos = 0;
        while (pos < s.size()) {
            const auto match = matcher.find(s, pos);
            const std::size_t end = match ? match->begin : s.size();
            if (end > pos) {
                encodeSegment(s.substr(pos, end - pos));
            }
            if (!match) {
                break;
            }
            out.push_back(match->id);
            pos = match->begin + match->length;
        }
    };
    const auto encodeRaw = [&](std::string_view segment) {
        const std::string normalized = impl.nfc ? text::nfc(segment) : std::string(segment);
        forEachSegment(impl.normalizedAddedTokens, normalized, ids, encodeNormalized);
    };
    forEachSegment(impl.rawAddedTokens, utf8, ids, encodeRaw);
    return ids;
}

std::string Tokenizer::decode(const std::vector<std::int64_t>& ids, bool skipSpecialTokens) const {
    const Impl& impl = *impl_;
    std::string bytes;
    for (const std::int64_t id : ids) {
        if (id < 0 || static_cast<std::size_t>(id) >= impl.tokenBytes.size()) {
            continue;
        }
        const auto index = static_cast<std::size_t>(id);
        if (skipSpecialTokens && impl.special[index]) {
            continue;
        }
        bytes += impl.tokenBytes[index];
    }
    return text::utf8Lossy(bytes);
}

std::optional<std::int64_t> Tokenizer::tokenId(std::string_view token) const {
    const auto found = impl_->addedIds.find(std::string(token));
    if (found != impl_->addedIds.end()) {
        return found->second;
    }
    return impl_->bpe->tokenId(token);
}

std::size_t Tokenizer::vocabSize() const {
    return impl_->tokenBytes.size();
}

}  // namespace abc
