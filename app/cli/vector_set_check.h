#pragma once

#include <map>
#include <string>

namespace abc {
class LibraryStore;
}

namespace abc::cli {

// A search needs vectors made with the settings it runs with. When the library has none, the
// error (abc::Error naming the library) says so; when it has vectors made with other settings
// (another image detail, precision, checkpoint), it lists them with the options that select
// them, so a user never reads an empty result as "no photo matches".
void requireVectorsFor(LibraryStore& store, const std::string& fingerprint);

// The same error for settings given as vector-set fields (vectorSetFields' names; those not
// known left out): throws abc::Error naming the library, listing the vector sets it has.
[[noreturn]] void reportMissingVectors(LibraryStore& store,
                                       const std::map<std::string, std::string>& want);

}  // namespace abc::cli
