#pragma once

#include <QDialog>

#include "ui/search_worker.h"

class QTableWidget;

namespace abc::ui {

// The files of a library folder that could not be indexed, each with the reason the indexer
// recorded, so a person can find the damaged or unsupported file and do something about it.
// A listed file is tried again by the next indexing run once it changes on disk.
class FailedFilesDialog : public QDialog {
    Q_OBJECT

  public:
    FailedFilesDialog(const QString& folder, const FileFailures& failures,
                      QWidget* parent = nullptr);

    QTableWidget* table() const { return table_; }
    // "path<TAB>reason" a line, as the Copy button puts it on the clipboard.
    QString listText() const;

  private:
    FileFailures failures_;
    QTableWidget* table_ = nullptr;
};

}  // namespace abc::ui
