#include "ui/library_subfolders.h"

#include <set>
#include <string>

#include "core/library/library_store.h"

namespace abc::ui {

QStringList librarySubfolders(LibraryStore& store) {
    std::set<std::string> found;
    for (const std::string& root : store.folders()) {
        for (const auto& [file, photo] : store.filesUnder(root)) {
            // Every folder between the file and the root, stopping at one already known: its
            // parents were added with it.
            std::string folder = file.path.substr(0, file.path.rfind('/'));
            while (folder.size() > root.size() && found.insert(folder).second)
                folder = folder.substr(0, folder.rfind('/'));
        }
    }
    QStringList out;
    out.reserve(static_cast<qsizetype>(found.size()));
    for (const std::string& folder : found)
        out << QString::fromStdString(folder);
    return out;
}

}  // namespace abc::ui
