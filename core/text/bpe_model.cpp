#include "core/text/bpe_model.h"

#include <mutex>
#include <queue>

#include "core/io/error.h"
#include "core/text/byte_level.h"

namespace abc::text {

namespace {

constexpr std::size_t kCacheCapacity = 10000;
constexpr std::size_t kCacheMaxWordBytes = 256;

}  // namespace

BpeModel::BpeModel(std::vector<std::pair<std::string, std::int64_t>> vocab,
                   const std::vector<std::pair<std::string, std::string>>& merges, Options options,
                   const std::string& subject)
    : options_(options) {
    std::int64_t maxId = -1;
    for (const auto& [token, id] : vocab) {
        if (id < 0 || id > INT32_MAX - 1) {
            throw Error(subject, "vocabulary id " + std::to_string(id) + " of \"" + token +
                                     "\" is out of range");
        }
        maxId = std::max(maxId, id);
    }
    spellings_.resize(static_cast<std::size_t>(maxId + 1));
    vocab_.reserve(vocab.size());
    for (auto& [token, id] : vocab) {
        auto& slot = spellings_[static_cast<std::size_t>(id)];
        if (!slot.empty()) {
            throw Error(subject, "vocabulary id " + std::to_string(id) + " is used twice (\"" +
                                     slot + "\" and \"" + token + "\")");
        }
        if (token.empty()) {
            throw Error(subject, "vocabulary has an empty token (id " + std::to_string(id) + ")");
        }
        slot = token;
        vocab_.emplace(std::move(token), static_cast<std::int32_t>(id));
    }

    const auto& alphabet = ByteLevelAlphabet::instance();
    for (unsigned b = 0; b < 256; ++b) {
        const auto found =
            vocab_.find(alphabet.toVocabSpelling(std::string(1, static_cast<char>(b))));
        byteIds_[b] = found == vocab_.end() ? -1 : found->second;
    }

    merges_.reserve(merges.size());
    for (std::size_t rank = 0; rank < merges.size(); ++rank) {
        const auto& [left, right] = merges[rank];
        const auto l = vocab_.find(left);
        const auto r = vocab_.find(right);
        const auto result = vocab_.find(left + right);
        if (l == vocab_.end() || r == vocab_.end() || result == vocab_.end()) {
            const std::string& missing = l == vocab_.end()   ? left
                                         : r == vocab_.end() ? right
                                                             : left + right;
            throw Error(subject, "merge " + std::to_string(rank) + " (\"" + left + "\" \"" + right +
                                     "\") needs \"" + missing +
                                     "\", which is not in the vocabulary");
        }
        // A repeated pair keeps its first (lowest) rank, as tokenizers does.
        merges_.emplace(pairKey(l->second, r->second),
                        Merge{static_cast<std::int32_t>(rank), result->second});
    }
    if (options_.unk &&
        (*options_.unk < 0 || static_cast<std::size_t>(*options_.unk) >= spellings_.size())) {
        throw Error(subject, "unk_token id is not in the vocabulary");
    }
}

BpeModel::~BpeModel() = default;

const BpeModel::Merge* BpeModel::findMerge(std::int32_t left, std::int32_t right) const {
    const auto found = merges_.find(pairKey(left, right));
    return found == merges_.end() ? nullptr : &found->second;
}

std::optional<std::int64_t> BpeModel::tokenId(std::string_view spelling) const {
    const auto found = vocab_.find(std::string(spelling));
    if (found == vocab_.end()) {
        return std::nullopt;
    }
    return found->second;
}

const std::string& BpeModel::spelling(std::int64_t id) const {
    static const std::string none;
    if (id < 0 || static_cast<std::size_t>(id) >= spellings_.size()) {
        return none;
    }
    return spellings_[static_cast<std::size_t>(id)];
}

// The merge loop of tokenizers' Word::merge_all: a min-heap of candidate pairs ordered by
// (rank, position); an entry is stale when its left symbol was absorbed, lost its right
// neighbour, or the pair now there would produce a different token.
void BpeModel::mergeWord(std::string_view bytes, std::vector<std::int32_t>& out) const {
    struct Symbol {
        std::int32_t id;
        std::int32_t prev;
        std::int32_t next;
        bool alive;
    };
    struct Candidate {
        std::int32_t rank;
        std::int32_t pos;
        std::int32_t result;
        bool operator>(const Candidate& o) const {
            return rank != o.rank ? rank > o.rank : pos > o.pos;
        }
    };

    std::vector<Symbol> symbols;
    symbols.reserve(bytes.size());
    for (const char c : bytes) {
        const std::int32_t id = byteIds_[static_cast<unsigned char>(c)];
        if (id < 0) {
            if (!options_.unk) {
                continue;  // tokenizers drops symbols it can neither find nor map to unk
            }
            if (options_.fuseUnk && !symbols.empty() && symbols.back().id == *options_.unk) {
                continue;
            }
            symbols.push_back({*options_.unk, 0, 0, true});
        } else {
            symbols.push_back({id, 0, 0, true});
        }
    }
    const auto n = static_cast<std::int32_t>(symbols.size());
    for (std::int32_t i = 0; i < n; ++i) {
        symbols[i].prev = i - 1;
        symbols[i].next = i + 1 < n ? i + 1 : -1;
    }

    std::vector<Candidate> storage;
    storage.reserve(symbols.size());
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> queue(
        std::greater<>{}, std::move(storage));
    for (std::int32_t i = 0; i + 1 < n; ++i) {
        if (const Merge* m = findMerge(symbols[i].id, symbols[i + 1].id)) {
            queue.push({m->rank, i, m->result});
        }
    }
    while (!queue.empty()) {
        const Candidate top = queue.top();
        queue.pop();
        Symbol& left = symbols[top.pos];
        if (!left.alive || left.next < 0) {
            continue;
        }
        Symbol& right = symbols[left.next];
        const Merge* current = findMerge(left.id, right.id);
        if (current == nullptr || current->result != top.result) {
            continue;
        }
        left.id = top.result;
        right.alive = false;
        left.next = right.next;
        if (right.next >= 0) {
            symbols[right.next].prev = top.pos;
        }
        if (left.prev >= 0) {
            if (const Merge* m = findMerge(symbols[left.prev].id, left.id)) {
                queue.push({m->rank, left.prev, m->result});
            }
        }
        if (left.next >= 0) {
            if (const Merge* m = findMerge(left.id, symbols[left.next].id)) {
                queue.push({m->rank, top.pos, m->result});
            }
        }
    }
    for (const Symbol& s : symbols) {
        if (s.alive) {
            out.push_back(s.id);
        }
    }
}

void BpeModel::encodeWord(std::string_view bytes, std::vector<std::int64_t>& ids) const {
    if (bytes.empty()) {
        return;
    }
    if (options_.ignoreMerges) {
        if (const auto whole = tokenId(ByteLevelAlphabet::instance().toVocabSpelling(bytes))) {
            ids.push_back(*whole);
            return;
        }
    }
    if (bytes.size() == 1 && byteIds_[static_cast<unsigned char>(bytes[0])] >= 0) {
        ids.push_back(byteIds_[static_cast<unsigned char>(bytes[0])]);
        return;
    }
    const bool cacheable = bytes.size() <= kCacheMaxWordBytes;
    if (cacheable) {
        const std::shared_lock lock(cacheMutex_);
        const auto found = cache_.find(std::string(bytes));
        if (found != cache_.end()) {
            ids.insert(ids.end(), found->second.begin(), found->second.end());
            return;
        }
    }
    std::vector<std::int32_t> word;
    mergeWord(bytes, word);
    ids.insert(ids.end(), word.begin(), word.end());
    if (cacheable) {
        const std::unique_lock lock(cacheMutex_, std::try_to_lock);
        if (lock.owns_lock() && cache_.size() < kCacheCapacity) {
            cache_.emplace(std::string(bytes), std::move(word));
        }
    }
}

}  // namespace abc::text
