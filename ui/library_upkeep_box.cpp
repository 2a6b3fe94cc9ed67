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
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(resumeAtStart_);
}

void LibraryUpkeepBox::applyTo(AppSettings& settings) const {
    settings.resumeIndexingAtStart = resumeAtStart_->isChecked();
}

}  // namespace abc::ui
