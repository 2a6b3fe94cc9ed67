#pragma once

#include <QStringList>

namespace abc {
class LibraryStore;
}

namespace abc::ui {

// The folders below the library's folders that hold photos, directly or further down, sorted by
// path (so each follows its parent). What the folder filter offers besides the library's own
// folders. Reads every recorded path: never on the GUI thread.
QStringList librarySubfolders(LibraryStore& store);

}  // namespace abc::ui
