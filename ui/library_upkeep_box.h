#pragma once

#include <QGroupBox>

#include "ui/app_settings.h"

class QCheckBox;

namespace abc::ui {

// The Settings group that says how the library keeps itself up to date without being asked:
// resuming indexing left unfinished when the library opens, and watching its folders.
class LibraryUpkeepBox : public QGroupBox {
    Q_OBJECT

  public:
    LibraryUpkeepBox(const AppSettings& settings, QWidget* parent = nullptr);

    // `settings` with this group's choices.
    void applyTo(AppSettings& settings) const;

  private:
    QCheckBox* resumeAtStart_ = nullptr;
    QCheckBox* watchFolders_ = nullptr;
};

}  // namespace abc::ui
