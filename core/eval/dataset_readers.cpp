#include "core/eval/dataset_readers.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/io/error.h"
#include "core/library/media_type.h"

namespace abc {

namespace fs = std::filesystem;

namespace {

bool looksLikeImage(const fs::path& file) {
    const std::string extension = file.extension().string();
    return !extension.empty() && mediaTypeNamed(extension).has_value();
}

void finish(LabelledDataset& dataset) {
    std::sort(dataset.images.begin(), dataset.images.end(),
              [](const LabelledImage& a, const LabelledImage& b) { return a.path < b.path; });
    std::set<std::string> labels;
    for (const auto& image : dataset.images) {
        if (!image.label.empty()) {
            labels.insert(image.label);
        }
    }
    dataset.labels.assign(labels.begin(), labels.end());
}

// One CSV record's fields; false at the end of the input. A quoted field may span lines.
bool readRecord(std::istream& in, std::vector<std::string>& fields, int& line,
                const std::string& file) {
    fields.clear();
    std::string field;
    bool quoted = false;
    bool any = false;
    const int start = line + 1;
    char c = 0;
    while (in.get(c)) {
        any = true;
        if (quoted) {
            if (c == '"') {
                if (in.peek() == '"') {
                    in.get(c);
                    field += '"';
                } else {
                    quoted = false;
                }
            } else {
                if (c == '\n') {
                    ++line;
                }
                field += c;
            }
            continue;
        }
        if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.push_back(field);
            field.clear();
        } else if (c == '\n') {
            ++line;
            break;
        } else if (c != '\r') {
            field += c;
        }
    }
    if (quoted) {
        throw Error(file + ":" + std::to_string(start), "a quoted field is not closed");
    }
    if (!any) {
        return false;
    }
    fields.push_back(field);
    return true;
}

}  // namespace

LabelledDataset readLabelledFolder(const std::string& folder) {
    LabelledDataset dataset;
    dataset.source = folder;
    std::error_code ec;
    const fs::path root = fs::absolute(folder, ec);
    if (ec || !fs::is_directory(root, ec)) {
        throw Error(folder, "is not a folder");
    }
    for (fs::directory_iterator classes(root, ec), end; !ec && classes != end;
         classes.increment(ec)) {
        if (!classes->is_directory(ec)) {
            continue;
        }
        const std::string label = classes->path().filename().string();
        for (fs::directory_iterator files(classes->path(), ec); !ec && files != fs::end(files);
             files.increment(ec)) {
            if (files->is_regular_file(ec) && looksLikeImage(files->path())) {
                dataset.images.push_back({files->path().lexically_normal().string(), label, ""});
            }
        }
    }
    if (ec) {
        throw Error(folder, "cannot be read: " + ec.message());
    }
    if (dataset.images.empty()) {
        throw Error(folder, "has no images in subfolders (each subfolder's name is a label)");
    }
    finish(dataset);
    return dataset;
}

LabelledDataset readCsvDataset(const std::string& csvFile) {
    std::ifstream in(csvFile, std::ios::binary);
    if (!in) {
        throw Error(csvFile, "cannot be opened");
    }
    LabelledDataset dataset;
    dataset.source = csvFile;
    const fs::path base = fs::absolute(fs::path(csvFile)).parent_path();
    int line = 0;
    std::vector<std::string> fields;
    if (!readRecord(in, fields, line, csvFile)) {
        throw Error(csvFile, "is empty (expected a header: path,label[,caption])");
    }
    int pathColumn = -1;
    int labelColumn = -1;
    int captionColumn = -1;
    for (int i = 0; i < static_cast<int>(fields.size()); ++i) {
        if (fields[i] == "path") {
            pathColumn = i;
        } else if (fields[i] == "label") {
            labelColumn = i;
        } else if (fields[i] == "caption") {
            captionColumn = i;
        }
    }
    if (pathColumn < 0 || (labelColumn < 0 && captionColumn < 0)) {
        throw Error(csvFile + ":1", "the header needs a `path` column and `label` or `caption`");
    }
    const int needed = std::max({pathColumn, labelColumn, captionColumn}) + 1;
    while (readRecord(in, fields, line, csvFile)) {
        if (fields.size() == 1 && fields[0].empty()) {
            continue;  // a blank line
        }
        const std::string where = csvFile + ":" + std::to_string(line);
        if (static_cast<int>(fields.size()) < needed) {
            throw Error(where, "has " + std::to_string(fields.size()) + " fields, expected " +
                                   std::to_string(needed));
        }
        LabelledImage image;
        const fs::path path(fields[pathColumn]);
        if (path.empty()) {
            throw Error(where, "has an empty path");
        }
        image.path = (path.is_absolute() ? path : base / path).lexically_normal().string();
        image.label = labelColumn >= 0 ? fields[labelColumn] : "";
        image.caption = captionColumn >= 0 ? fields[captionColumn] : "";
        if (LabelledDataset::textOf(image).empty()) {
            throw Error(where, "has neither a label nor a caption");
        }
        dataset.images.push_back(std::move(image));
    }
    if (dataset.images.empty()) {
        throw Error(csvFile, "lists no images");
    }
    finish(dataset);
    return dataset;
}

}  // namespace abc
