#pragma once

#include <QWidget>

#include "ui/search_worker.h"

class QLabel;
class QListWidget;
class QPushButton;

namespace abc::ui {

class FailedFilesDialog;

// The library's folders and how far each is indexed; add, remove and index from here.
class FoldersPanel : public QWidget {
    Q_OBJECT

  public:
    explicit FoldersPanel(QWidget* parent = nullptr);

    void setStates(const FolderStates& states);
    QStringList folders() const;
    QListWidget* list() const { return list_; }
    void setIndexingEnabled(bool enabled);
    // What was last reported of `folder` (its files, indexed and failed counts); an empty
    // state when the folder is not listed.
    FolderState stateOf(const QString& folder) const;
    // The files of `folder` that could not be read, as last reported.
    FileFailures failuresOf(const QString& folder) const;
    // Lists them with their reasons (non-modal, deleted on close); null when there are none.
    FailedFilesDialog* showFailures(const QString& folder);
    // The link under the list that opens the failures of the selected folder.
    QLabel* failuresLink() const { return failuresLink_; }

  signals:
    void addRequested(const QString& folder);
    void removeRequested(const QString& folder);
    void indexRequested();

  private:
    void showContextMenu(const QPoint& position);
    QString currentFolder() const;
    void updateFailuresLink();

    FolderStates states_;
    QListWidget* list_ = nullptr;
    QLabel* failuresLink_ = nullptr;
    QPushButton* remove_ = nullptr;
    QPushButton* index_ = nullptr;
};

}  // namespace abc::ui
