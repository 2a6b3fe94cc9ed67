#include "ui/results_view.h"

#include <QKeyEvent>
#include <QShortcut>

namespace abc::ui {

ResultsView::ResultsView(QWidget* parent) : QListView(parent) {
    setObjectName(QStringLiteral("resultsView"));
    setAccessibleName(tr("Search results"));
    setViewMode(QListView::IconMode);
    setResizeMode(QListView::Adjust);
    setMovement(QListView::Static);
    setUniformItemSizes(true);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setSpacing(4);
    setMouseTracking(true);
    setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    setWordWrap(false);
}

void ResultsView::enterFrom(QWidget* field) {
    for (const QKeySequence& key : {QKeySequence(Qt::Key_Down), QKeySequence(Qt::Key_PageDown)}) {
        auto* shortcut = new QShortcut(key, field);
        shortcut->setContext(Qt::WidgetShortcut);
        connect(shortcut, &QShortcut::activated, this, [this] {
            if (!model() || model()->rowCount() == 0)
                return;
            setFocus(Qt::ShortcutFocusReason);
            if (!currentIndex().isValid())
                setCurrentIndex(model()->index(0, 0));
        });
    }
}

void ResultsView::keyPressEvent(QKeyEvent* event) {
    const bool previewKey = event->key() == Qt::Key_Space || event->key() == Qt::Key_Return ||
                            event->key() == Qt::Key_Enter;
    if (previewKey && (event->modifiers() & ~Qt::KeypadModifier) == Qt::NoModifier &&
        currentIndex().isValid()) {
        emit previewRequested(currentIndex());
        event->accept();
        return;
    }
    QListView::keyPressEvent(event);
}

void ResultsView::paintEvent(QPaintEvent* event) {
    QListView::paintEvent(event);
    if (paintPending_) {
        paintPending_ = false;
        emit resultsPainted();
    }
}

}  // namespace abc::ui
