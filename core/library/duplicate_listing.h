#pragma once

#include <cstddef>
#include <functional>
#include <stop_token>
#include <string>
#include <vector>

namespace abc {

class LibraryStore;
class PhotoSearch;

// One row of the duplicates listing, as `abc-photos-cli duplicates` prints it and the Near
// duplicates window shows it.
struct ListedDuplicate {
    std::string first;
    std::string second;
    float similarity = 0.0f;
    bool identical = false;  // the same bytes under two paths
};

// The library's duplicates, at most `maxPairs`: byte-identical copies first (one photo with
// several files, which its vectors can never pair with itself; similarity 1, from the files
// table), then the pairs of photos whose stored vectors reach `threshold`, most similar first.
// `search` is asked for only when the copies leave room, so a front end that loads the model
// for it does not load it in vain. `stop` ends the vector scan between two blocks of rows
// (throws abc::Cancelled).
std::vector<ListedDuplicate> listDuplicates(LibraryStore& store,
                                            const std::function<PhotoSearch&()>& search,
                                            float threshold, std::size_t maxPairs,
                                            std::stop_token stop = {});

}  // namespace abc
