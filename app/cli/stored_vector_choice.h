#pragma once

#include "app/cli/model_options.h"
#include "core/library/library_store.h"

namespace abc::cli {

// The vector set a command on stored vectors reads (`duplicates`): the one the model options
// would select, found without loading the model. The settings the options and the settings
// file fix (image detail, positions, weights, precision when given) narrow the library's sets;
// when several remain, the checkpoints' identities (read from their folders, no weight loaded)
// and then the device's default precision tell them apart. Throws abc::Error naming the
// library when none matches (listing what it has, as a search does) or several still do.
LibraryStore::ModelSummary chooseStoredVectorSet(LibraryStore& store, const ModelOptions& options);

}  // namespace abc::cli
