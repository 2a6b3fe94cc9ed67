#include "core/library/combined_query.h"

#include <cctype>
#include <charconv>

#include "core/io/error.h"

namespace abc {

namespace {

std::string trim(const std::string& text) {
    std::size_t begin = 0;
    std::size_t end = text.size();
    while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) {
        ++begin;
    }
    while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) {
        --end;
    }
    return text.substr(begin, end - begin);
}

bool isSpace(char c) {
    return std::isspace(static_cast<unsigned char>(c)) != 0;
}

// One term's text, before the sign: "[weight:][image:]body", body possibly quoted.
QueryTerm parseTerm(const std::string& raw, double sign, const std::string& query) {
    std::string text = trim(raw);
    QueryTerm term;
    term.weight = sign;
    if (text.empty()) {
        throw Error("query", "empty term in \"" + query + "\"");
    }
    // A leading number followed by ':' is a weight (outside quotes only).
    if (text[0] != '"') {
        const auto colon = text.find(':');
        if (colon != std::string::npos && colon > 0) {
            const std::string head = text.substr(0, colon);
            const bool numeric = head.find_first_not_of("0123456789.") == std::string::npos;
            if (numeric) {
                double weight = 0.0;
                const auto [end, ec] =
                    std::from_chars(head.data(), head.data() + head.size(), weight);
                if (ec != std::errc() || end != head.data() + head.size()) {
                    throw Error("query", "malformed weight \"" + head + "\" in \"" + query + "\"");
                }
                term.weight *= weight;
                text = trim(text.substr(colon + 1));
            }
        }
    }
    if (text.rfind("image:", 0) == 0) {
        term.kind = QueryTerm::Kind::Image;
        text = trim(text.substr(6));
    }
    // Only a term quoted as a whole loses its quotes; a quote inside a term (12" vinyl,
    // 5'10") is part of the words people search for.
    if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
        text = text.substr(1, text.size() - 2);
    }
    if (trim(text).empty()) {
        throw Error("query", "empty term in \"" + query + "\"");
    }
    term.text = text;
    return term;
}

}  // namespace

std::vector<QueryTerm> parseCombinedQuery(const std::string& query) {
    std::vector<QueryTerm> terms;
    std::string current;
    double sign = 1.0;
    bool inQuote = false;
    const std::string text = trim(query);
    if (text.empty()) {
        throw Error("query", "the query is empty");
    }
    std::size_t i = 0;
    // A leading sign belongs to the first term ("- people" alone is a negative query).
    if ((text[0] == '-' || text[0] == '+') && text.size() > 1 && isSpace(text[1])) {
        sign = text[0] == '-' ? -1.0 : 1.0;
        i = 2;
    }
    for (; i < text.size(); ++i) {
        const char c = text[i];
        // A quote opens a literal span only when a closing quote follows; a lone one is text.
        if (c == '"' && (inQuote || text.find('"', i + 1) != std::string::npos)) {
            inQuote = !inQuote;
            current += c;
            continue;
        }
        const bool isOperator = !inQuote && (c == '+' || c == '-') && i > 0 &&
                                isSpace(text[i - 1]) &&
                                (i + 1 == text.size() || isSpace(text[i + 1]));
        if (isOperator) {
            terms.push_back(parseTerm(current, sign, query));
            current.clear();
            sign = c == '-' ? -1.0 : 1.0;
            continue;
        }
        current += c;
    }
    terms.push_back(parseTerm(current, sign, query));
    return terms;
}

}  // namespace abc
