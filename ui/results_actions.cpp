#include "ui/results_actions.h"

#include <QAction>
#include <QItemSelectionModel>
#include <QMenu>

#include "ui/results_view.h"

namespace abc::ui {

ResultsActions::ResultsActions(ResultsView* view) : QObject(view), view_(view) {
    setObjectName(QStringLiteral("resultsActions"));
    open_ = add(QStringLiteral("openSelected"), tr("&Open"));
    reveal_ = add(QStringLiteral("revealSelected"), tr("Show in &folder"));
    copyPaths_ = add(QStringLiteral("copySelectedPaths"), tr("&Copy path"));
    copyPaths_->setShortcut(QKeySequence::Copy);
    findSimilar_ = add(QStringLiteral("findSimilarToSelected"), tr("Find &similar"));
    useInExperiment_ = add(QStringLiteral("useSelectedInExperiment"), tr("Use in e&xperiment"));
    selectAll_ = add(QStringLiteral("selectAllResults"), tr("Select &all"));
    selectAll_->setShortcut(QKeySequence::SelectAll);
    remove_ = add(QStringLiteral("removeSelectedFromLibrary"), tr("&Remove from library…"));
    trash_ = add(QStringLiteral("trashSelected"), tr("Move to &trash…"));
    trash_->setShortcut(QKeySequence::Delete);

    const auto one = [this] { return view_->selectedPaths().value(0); };
    connect(open_, &QAction::triggered, this, [this, one] { emit openRequested(one()); });
    connect(reveal_, &QAction::triggered, this, [this, one] { emit revealRequested(one()); });
    connect(findSimilar_, &QAction::triggered, this,
            [this, one] { emit findSimilarRequested(one()); });
    connect(useInExperiment_, &QAction::triggered, this,
            [this, one] { emit useInExperimentRequested(one()); });
    connect(copyPaths_, &QAction::triggered, this,
            [this] { emit copyPathsRequested(view_->selectedPaths()); });
    connect(remove_, &QAction::triggered, this,
            [this] { emit removeFromLibraryRequested(view_->selectedPaths()); });
    connect(trash_, &QAction::triggered, this,
            [this] { emit moveToTrashRequested(view_->selectedPaths()); });
    connect(selectAll_, &QAction::triggered, view_, &ResultsView::selectAll);
    // The view keeps its selection model until its model changes, which the window never does.
    connect(view_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ResultsActions::updateActions);
    connect(view_->model(), &QAbstractItemModel::modelReset, this, &ResultsActions::updateActions);
    view_->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(view_, &ResultsView::customContextMenuRequested, this,
            [this](const QPoint& position) { popUpAt(position); });
    updateActions();
}

QAction* ResultsActions::add(const QString& name, const QString& text) {
    auto* action = new QAction(text, this);
    action->setObjectName(name);
    // The shortcuts act on the grid's selection, so only while the grid has the focus.
    action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    view_->addAction(action);
    return action;
}

void ResultsActions::updateActions() {
    const qsizetype selected = view_->selectedPaths().size();
    const int count = static_cast<int>(selected);
    for (QAction* single : {open_, reveal_, findSimilar_, useInExperiment_})
        single->setEnabled(selected == 1);
    copyPaths_->setEnabled(selected > 0);
    copyPaths_->setText(selected > 1 ? tr("&Copy %n paths", nullptr, count) : tr("&Copy path"));
    remove_->setEnabled(selected > 0);
    remove_->setText(selected > 1 ? tr("&Remove %n photos from library…", nullptr, count)
                                  : tr("&Remove from library…"));
    trash_->setEnabled(selected > 0);
    trash_->setText(selected > 1 ? tr("Move %n photos to &trash…", nullptr, count)
                                 : tr("Move to &trash…"));
    selectAll_->setEnabled(view_->model() != nullptr && view_->model()->rowCount() > 0);
}

QMenu* ResultsActions::popUpAt(const QPoint& position) {
    const QModelIndex index = view_->indexAt(position);
    if (!index.isValid())
        return nullptr;
    if (!view_->selectionModel()->isSelected(index))
        view_->setCurrentIndex(index);  // selects it alone, as a file manager does
    updateActions();
    auto* menu = new QMenu(view_);
    menu->setObjectName(QStringLiteral("resultsContextMenu"));
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->addActions({open_, reveal_, copyPaths_});
    menu->addSeparator();
    menu->addActions({findSimilar_, useInExperiment_});
    menu->addSeparator();
    menu->addAction(selectAll_);
    menu->addSeparator();
    menu->addActions({remove_, trash_});
    menu->popup(view_->viewport()->mapToGlobal(position));
    return menu;
}

}  // namespace abc::ui
