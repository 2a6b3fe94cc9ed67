#pragma once

#include <QFrame>

#include "ui/search_worker.h"

class QLabel;

namespace abc::ui {

// Photos the library's folders hold that have neither a vector of the current model nor a
// recorded failure: what an indexing run left unfinished (cancelled, the window closed).
// Counted as the sidebar counts them: a photo with two copies is one photo to index.
int photosNotIndexed(const FolderStates& states);

// The bar above the grid that offers to finish indexing left unfinished: "845 photos are not
// indexed yet (about 2 h 10 min) [Resume indexing] [Not now]". Not modal: searching goes on
// over the photos that are indexed. "Not now" hides it until the window is opened again.
class ResumeIndexingBar : public QFrame {
    Q_OBJECT

  public:
    explicit ResumeIndexingBar(QWidget* parent = nullptr);

    // Shows the offer for `photos` photos taking about `estimate` (in words), unless the user
    // said "Not now"; 0 photos hides it.
    void offer(int photos, const QString& estimate);
    bool dismissed() const { return dismissed_; }

  signals:
    void resumeRequested();

  private:
    QLabel* text_ = nullptr;
    bool dismissed_ = false;
};

}  // namespace abc::ui
