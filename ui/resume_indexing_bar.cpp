#include "ui/resume_indexing_bar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <algorithm>

namespace abc::ui {

int photosNotIndexed(const FolderStates& states) {
    int missing = 0;
    for (const FolderState& state : states)
        missing += std::max(0, state.photos - state.indexedPhotos - state.failedPhotos);
    return missing;
}

ResumeIndexingBar::ResumeIndexingBar(QWidget* parent) : QFrame(parent) {
    setObjectName(QStringLiteral("resumeIndexingBar"));
    setAccessibleName(tr("Indexing left unfinished"));
    setFrameShape(QFrame::StyledPanel);
    text_ = new QLabel(this);
    text_->setObjectName(QStringLiteral("resumeIndexingText"));
    text_->setTextFormat(Qt::PlainText);
    text_->setWordWrap(true);
    auto* resume = new QPushButton(tr("&Resume indexing"), this);
    resume->setObjectName(QStringLiteral("resumeIndexing"));
    resume->setAccessibleName(tr("Resume indexing"));
    auto* later = new QPushButton(tr("Not now"), this);
    later->setObjectName(QStringLiteral("dismissResumeIndexing"));
    later->setAccessibleName(tr("Hide the offer to resume indexing"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 8, 4);
    layout->addWidget(text_, 1);
    layout->addWidget(resume);
    layout->addWidget(later);
    connect(resume, &QPushButton::clicked, this, [this] {
        hide();
        emit resumeRequested();
    });
    connect(later, &QPushButton::clicked, this, [this] {
        dismissed_ = true;
        hide();
    });
    hide();
}

void ResumeIndexingBar::offer(int photos, const QString& estimate) {
    if (photos <= 0 || dismissed_) {
        hide();
        return;
    }
    text_->setText(photos == 1
                       ? tr("1 photo is not indexed yet, so searches cannot find it (about %1 "
                            "to index).")
                             .arg(estimate)
                       : tr("%1 photos are not indexed yet, so searches cannot find them "
                            "(about %2 to index).")
                             .arg(photos)
                             .arg(estimate));
    show();
}

}  // namespace abc::ui
