#pragma once

#include <functional>

class QUrl;

namespace abc::ui {

// Asks the desktop's file manager to show a file selected; false when none answered.
using FileManager = std::function<bool(const QUrl& file)>;

// The freedesktop org.freedesktop.FileManager1.ShowItems call on the session bus (Nautilus,
// Dolphin, Nemo, Thunar, ... answer it).
bool showItemsOverDBus(const QUrl& file);

// "Show in folder": the file manager selects the file; when none answers (no session bus, no
// FileManager1, or it refuses), the file's folder is opened with QDesktopServices instead.
// False when neither could show it.
bool revealInFileManager(const QUrl& file, const FileManager& fileManager = showItemsOverDBus);

}  // namespace abc::ui
