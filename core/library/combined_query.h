#pragma once

#include <string>
#include <vector>

namespace abc {

// One term of a combined query: a weighted text or example image.
struct QueryTerm {
    enum class Kind { Text, Image };
    Kind kind = Kind::Text;
    double weight = 1.0;  // negative for terms after '-'
    std::string text;     // the text, or the image path for Kind::Image
};

// Parses the search bar's syntax into terms:
//   beach + sunset - people     three texts, weights +1, +1, -1
//   2:cat + 0.5:dog             explicit weights
//   "red car" + beach           quotes keep '+' / '-' / ':' literal
//   a 12" vinyl record          a quote without its pair is part of the text
//   image:/photos/a.jpg - dog   an example image (quote the path if it has spaces)
// '+' and '-' are operators only when surrounded by spaces (or leading), so "t-shirt" and
// "black-and-white" stay one word; a plain sentence is one text term with weight 1.
// Throws abc::Error("query", ...) for an empty term or a malformed weight.
std::vector<QueryTerm> parseCombinedQuery(const std::string& query);

}  // namespace abc
