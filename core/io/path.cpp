#include "core/io/path.h"

#include <filesystem>
#include <system_error>

#include "core/io/error.h"

namespace abc {

namespace {

std::string withoutTrailingSlash(std::string path) {
    while (path.size() > 1 && path.back() == '/') {
        path.pop_back();
    }
    return path;
}

}  // namespace

Path::Path(std::string_view path)
    : path_(withoutTrailingSlash(std::filesystem::path(path).lexically_normal().string())) {}

Path Path::absolute(std::string_view path) {
    if (path.empty()) {
        throw Error("", "an empty path names no file or folder");
    }
    std::error_code error;
    const std::filesystem::path absolute = std::filesystem::absolute(path, error);
    if (error) {
        throw Error(std::string(path), "cannot make the path absolute: " + error.message());
    }
    return Path(absolute.string());
}

bool Path::contains(std::string_view normalPath) const {
    if (path_.empty()) {
        return false;
    }
    if (path_ == "/") {
        return normalPath.starts_with('/');
    }
    return normalPath.starts_with(path_) &&
           (normalPath.size() == path_.size() || normalPath[path_.size()] == '/');
}

std::string Path::childPrefix() const {
    return path_ == "/" ? path_ : path_ + "/";
}

}  // namespace abc
