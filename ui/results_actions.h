#pragma once

#include <QObject>
#include <QStringList>

class QAction;
class QMenu;
class QPoint;

namespace abc::ui {

class ResultsView;

// What a person does with the photos selected in the grid: the grid's context menu, and the
// same actions as shortcuts while the grid has the focus. Actions on one photo (open, show in
// folder, find similar, use in the experiment) are offered when exactly one is selected; copy
// paths, remove from library and move to trash take them all.
class ResultsActions : public QObject {
    Q_OBJECT

  public:
    explicit ResultsActions(ResultsView* view);

    // The menu for the tile under `position` (viewport coordinates): a tile right-clicked
    // outside the selection becomes the selection first. Shown without blocking; deleted when
    // closed.
    QMenu* popUpAt(const QPoint& position);

  signals:
    void openRequested(const QString& path);
    void revealRequested(const QString& path);
    void copyPathsRequested(const QStringList& paths);
    void findSimilarRequested(const QString& path);
    void useInExperimentRequested(const QString& path);
    void removeFromLibraryRequested(const QStringList& paths);
    void moveToTrashRequested(const QStringList& paths);

  private:
    void updateActions();
    QAction* add(const QString& name, const QString& text);

    ResultsView* view_;
    QAction* open_ = nullptr;
    QAction* reveal_ = nullptr;
    QAction* copyPaths_ = nullptr;
    QAction* findSimilar_ = nullptr;
    QAction* useInExperiment_ = nullptr;
    QAction* selectAll_ = nullptr;
    QAction* remove_ = nullptr;
    QAction* trash_ = nullptr;
};

}  // namespace abc::ui
