#pragma once

#include <QWidget>

#include "ui/search_worker.h"

class QListWidget;
class QPushButton;

namespace abc::ui {

// The library's folders and how far each is indexed; add, remove and index from here.
class FoldersPanel : public QWidget {
    Q_OBJECT

  public:
    explicit FoldersPanel(QWidget* parent = nullptr);

    void setStates(const FolderStates& states);
    QStringList folders() const;
    QListWidget* list() const { return list_; }
    void setIndexingEnabled(bool enabled);

  signals:
    void addRequested(const QString& folder);
    void removeRequested(const QString& folder);
    void indexRequested();

  private:
    QListWidget* list_ = nullptr;
    QPushButton* remove_ = nullptr;
    QPushButton* index_ = nullptr;
};

}  // namespace abc::ui
