#pragma once

#include <QString>

namespace abc::ui {

// How the window says a number of photos, in the sidebar, the status bar and the results
// banner alike: "1 photo", "6 photos", "No photos".
QString photoCountText(int count);

// The same inside a sentence: "0 photos", "1 photo", "6 photos".
QString photosInText(int count);

// Any other count in words: `one` for 1, else `many` with the count as %1 ("1 pair",
// "3 pairs"). Qt's "%n pair(s)" reads as written without a translation loaded.
QString countText(int count, const QString& one, const QString& many);

// What the grid shows and how many: "Similar to IMG_0042.jpg · 6 photos".
QString withPhotoCount(const QString& description, int count);

// A folder's photos as the sidebar says them: "52 photos, all indexed", "40 of 52 photos
// indexed", "not indexed yet" (a copy of a photo counts once, as in the grid).
QString folderCountText(int photos, int indexed);

// A folder's files that were not indexed, by why: "1 could not be read, 3 not images";
// empty when there are none.
QString notIndexedText(int unreadable, int notImages);

}  // namespace abc::ui
