#pragma once

#include <QFutureWatcher>
#include <QGroupBox>
#include <QStringList>

#include <memory>
#include <vector>

#include "core/library/library_store.h"

class QLabel;
class QPushButton;
class QTreeWidget;

namespace abc::ui {

// The Settings group listing the vector sets the library holds (one per model settings that
// indexed it) with their photos and size, so sets left behind by earlier settings can be
// removed. The sets searches use now are marked and cannot be removed. Reads and removals run
// on a pool thread: an indexing run may hold the library for a batch.
class VectorSetsBox : public QGroupBox {
    Q_OBJECT

  public:
    // `inUse`: the fingerprints of the sets the window searches and indexes with now.
    VectorSetsBox(std::shared_ptr<LibraryStore> store, QStringList inUse,
                  QWidget* parent = nullptr);

    // Reads the list again (also done once on construction).
    void refresh();

    // The settings a set's fingerprint records, as a person reads them:
    // "576 tokens, float32, bf16 weights"; the fingerprint itself when it records none.
    static QString describe(const std::string& fingerprint);

  signals:
    // After each read of the list (for tests and screenshots: the list is read on a thread).
    void listed();
    // After a set was removed, with how many vectors went.
    void removed(qint64 vectors);

  private:
    // What a pool thread brings back; `error` says why the library could not be read or
    // written ("" when it could).
    struct Listing {
        std::vector<LibraryStore::VectorSetUsage> sets;
        QString error;
    };
    struct Removal {
        LibraryStore::VectorSetRemoval removed;
        QString error;
    };
    void showListing(const Listing& listing);
    void removeSelected();
    void updateButton();

    std::shared_ptr<LibraryStore> store_;
    QStringList inUse_;
    std::vector<LibraryStore::VectorSetUsage> sets_;
    QTreeWidget* list_ = nullptr;
    QPushButton* remove_ = nullptr;
    QLabel* status_ = nullptr;
    QFutureWatcher<Listing> listing_;
    QFutureWatcher<Removal> removing_;
};

}  // namespace abc::ui
