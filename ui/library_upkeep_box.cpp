#include "ui/library_upkeep_box.h"

#include <QCheckBox>
#include <QVBoxLayout>

namespace abc::ui {

LibraryUpkeepBox::LibraryUpkeepBox(const AppSettings& settings, QWidget* parent)
    : QGroupBox(tr("Library"), parent) {
    setObjectName(QStringLiteral("libraryUpkeep"));
    resumeAtStart_ = new QCheckBox(tr("&Resume unfinished indexing at start"), this);
    resumeAtStart_->setObjectName(QStringLiteral("resumeIndexingAtStart"));
    resumeAtStart_->setToolTip(
        tr("Photos an earlier run left without vectors (cancelled, or the window was closed) "
           "are indexed as soon as the library opens. Off: the window offers it instead."));
    resumeAtStart_->setChecked(settings.resumeIndexingAtStart);
    watchFolders_ =
        new QCheckBox(tr("&Watch the library's folders for new, changed and removed photos"), this);
    watchFolders_->setObjectName(QStringLiteral("watchFolders"));
    watchFolders_->setToolTip(
        tr("Photos copied in, edited or deleted are indexed (or forgotten) a few seconds after "
           "the changes stop, without Index now."));
    watchFolders_->setChecked(settings.watchFolders);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(resumeAtStart_);
    layout->addWidget(watchFolders_);
}

void LibraryUpkeepBox::applyTo(AppSettings& settings) const {
    settings.resumeIndexingAtStart = resumeAtStart_->isChecked();
    settings.watchFolders = watchFolders_->isChecked();
}

}  // namespace abc::ui
