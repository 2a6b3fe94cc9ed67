#pragma once

#include "ui/photo_filter.h"
#include "ui/photo_hit.h"

namespace abc {
class LibraryStore;
}

namespace abc::ui {

// Every photo of the library the filter lets through, without a query: newest date taken
// first, photos without a date last (by path). Each photo once, under its first path inside
// the filter's folder; takenAt filled in, no score. Reads the store: never on the GUI thread.
PhotoHits browseLibrary(LibraryStore& store, const PhotoFilter& filter);

// `hits` with takenAt filled in from the store (for sorting results by date taken).
PhotoHits withTakenDates(LibraryStore& store, PhotoHits hits);

}  // namespace abc::ui
