#include "core/library/duplicate_listing.h"

#include "core/library/library_store.h"
#include "core/library/near_duplicates.h"
#include "core/library/photo_search.h"

namespace abc {

std::vector<ListedDuplicate> listDuplicates(LibraryStore& store,
                                            const std::function<PhotoSearch&()>& search,
                                            float threshold, std::size_t maxPairs,
                                            std::stop_token stop) {
    std::vector<ListedDuplicate> listed;
    for (auto& copy : identicalCopies(store.allPhotos(), maxPairs)) {
        listed.push_back({std::move(copy.original), std::move(copy.copy), 1.0f, true});
    }
    if (listed.size() >= maxPairs) {
        return listed;
    }
    for (auto& pair : search().nearDuplicates(threshold, maxPairs - listed.size(), stop)) {
        // A photo whose last file went away between the scan and the listing has no path
        // to show.
        if (pair.first.path.empty() || pair.second.path.empty()) {
            continue;
        }
        listed.push_back(
            {std::move(pair.first.path), std::move(pair.second.path), pair.similarity, false});
    }
    return listed;
}

}  // namespace abc
