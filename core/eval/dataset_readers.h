#pragma once

#include <string>

#include "core/eval/labelled_dataset.h"

namespace abc {

// ImageNet-style: every image file (by extension) in each direct subfolder of `folder` is
// labelled with the subfolder's name ("photos/cat/1.jpg" -> "cat"). Files directly in the
// folder and deeper folders are not part of the set. Throws abc::Error naming the folder when
// it cannot be read or holds no labelled image.
LabelledDataset readLabelledFolder(const std::string& folder);

// A CSV file with a header naming the columns `path` and at least one of `label`, `caption`
// (any order, other columns ignored); paths relative to the CSV's folder. RFC 4180 quoting.
// Throws abc::Error naming the file and line for a malformed row, a missing column or a file
// that does not exist.
LabelledDataset readCsvDataset(const std::string& csvFile);

}  // namespace abc
