#pragma once

#include <string>
#include <vector>

namespace abc {

// One image of an evaluation set and what it shows.
struct LabelledImage {
    std::string path;     // absolute
    std::string label;    // the class (zero-shot accuracy); may be empty in a caption-only set
    std::string caption;  // empty: the label is the image's text for retrieval
};

// An evaluation set as every reader delivers it (labelled folders, a CSV, later CtrlBench):
// the metrics never see the file layout.
struct LabelledDataset {
    std::string source;                 // the folder or file it was read from
    std::vector<LabelledImage> images;  // sorted by path
    std::vector<std::string> labels;    // every distinct label, sorted

    // The text retrieval matches each image with: its caption, or its label.
    static const std::string& textOf(const LabelledImage& image) {
        return image.caption.empty() ? image.label : image.caption;
    }
};

}  // namespace abc
