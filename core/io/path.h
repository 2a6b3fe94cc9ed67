#pragma once

#include <compare>
#include <string>
#include <string_view>

namespace abc {

// A file or folder path in the one form the library stores and compares: lexically normal
// ("/a/./b/../c" is "/a/c"), without a trailing slash except the root's. Every "is this
// photo inside this folder" question is answered by contains()/isUnder(), so a folder typed
// as "/a/" and one stored as "/a" hold the same photos everywhere. Nothing here touches the
// disk: symlinks are not resolved and a path need not exist.
class Path {
  public:
    Path() = default;
    // Lexically normal form of `path` as given (relative stays relative).
    explicit Path(std::string_view path);

    // Absolute against the current folder, then lexically normal. Throws abc::Error for an
    // empty path (it names nothing; taken as "/" it would mean the whole library) or when the
    // current folder cannot be read.
    static Path absolute(std::string_view path);

    const std::string& string() const { return path_; }
    bool isEmpty() const { return path_.empty(); }

    // Whether this path is `folder` or lies inside it, by whole components: "/a/b.jpg" and
    // "/a" are under "/a", "/ab" is not; everything absolute is under "/". Nothing is under
    // the empty path.
    bool isUnder(const Path& folder) const { return folder.contains(path_); }
    bool contains(const Path& other) const { return contains(other.path_); }
    // The same rule for text already in this form (as the library stores its paths), so a
    // search can test every row without normalising each.
    bool contains(std::string_view normalPath) const;

    // The text every path strictly inside this folder starts with ("/a/" for "/a", "/" for
    // the root): the same rule as contains(), for a prefix match in SQL.
    std::string childPrefix() const;

    friend bool operator==(const Path&, const Path&) = default;
    friend auto operator<=>(const Path&, const Path&) = default;

  private:
    std::string path_;
};

}  // namespace abc
