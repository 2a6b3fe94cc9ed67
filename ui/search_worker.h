#pragma once

#include <QObject>
#include <QStringList>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>

#include "ui/filter_options.h"
#include "ui/photo_filter.h"
#include "ui/photo_hit.h"

namespace abc::ui {

struct EngineSession;

// What the window asks for; a value so it crosses threads by copy.
struct SearchQuery {
    // Browse: every photo the filter lets through, newest date taken first, no query.
    enum class Kind { Text, Example, Similar, Browse };
    Kind kind = Kind::Text;
    QString text;         // combined-query syntax (Text)
    QString instruction;  // non-empty: instruction mode (Text)
    QString path;         // the example image (Example) or the indexed photo (Similar)
    // Restricts the photos that are ranked, never the query: an `image:` term or an example
    // may be any file, and "find similar" on a photo the filter hides ranks the ones it shows.
    PhotoFilter filter;
    int topK = 1000;
};

// Where the time of one search went, for the status bar and the benchmark.
struct SearchTiming {
    double embedMs = 0.0;  // the model: query text or example image
    double rankMs = 0.0;   // scoring the library, filtering, paths
};

// A file the indexer did not index, and the reason it recorded (kept until the file changes):
// a photo it could not read, or a file the scan found to be no image at all.
struct FileFailure {
    QString path;
    QString reason;
    bool notAnImage = false;  // a text file, an empty file, a pipe: nothing to repair
};
using FileFailures = QList<FileFailure>;

struct FolderState {
    QString folder;
    int files = 0;
    int indexed = 0;         // with a vector of the current model
    bool withModel = false;  // counted with a model loaded (else `indexed` is 0)
    // As the grid counts: a photo once, however many copies the folder holds.
    int photos = 0;
    int indexedPhotos = 0;
    int failedPhotos = 0;  // photos without a vector of which a file could not be read
    int failed = 0;
    FileFailures failures;  // the `failed` files, sorted by path
};
using FolderStates = QList<FolderState>;

// Runs searches on its own thread: the model call for the query and the ranking never touch
// the GUI thread. Requests are numbered; one superseded before it starts is skipped, and one
// superseded while it runs is stopped: an instruction search (minutes of model time on a CPU)
// ends after the photo in hand, keeping the instructed vectors it computed, so the newer
// request queued behind it starts within one forward. Also reads what the sidebar and the
// filter bar show about the library, and forgets folders, on the same thread.
class SearchWorker : public QObject {
    Q_OBJECT

  public:
    void setSession(std::shared_ptr<EngineSession> session);
    // Called on the GUI thread before queueing `id`: older queued requests are skipped and the
    // running one, if older, is asked to stop.
    void supersede(quint64 id) { retireBelow(id); }
    // Stops request `id` and all older ones (Esc, the Stop button, closing the window): each
    // ends with `cancelled`, or `finished` if it was done already. GUI thread.
    void cancel(quint64 id) { retireBelow(id + 1); }

  public slots:
    void run(quint64 id, const abc::ui::SearchQuery& query);
    void refreshFolderStates();
    void refreshFilterOptions();
    // Forgets a library folder and what is indexed under it (SQL that may wait for an
    // indexing commit, so never on the GUI thread).
    void forgetFolder(const QString& folder);
    // Forgets single files (their photos' vectors go with the last path), from the grid's
    // "remove from library" and "move to trash".
    void forgetFiles(const QStringList& paths);
    // The hits of search `id` with their dates taken, for the grid's "sort by date taken".
    void lookUpTakenDates(quint64 id, const abc::ui::PhotoHits& hits);

  signals:
    void finished(quint64 id, const abc::ui::PhotoHits& hits, const abc::ui::SearchTiming& timing);
    void failed(quint64 id, const QString& message);
    // Instruction mode: `done` of `total` candidates embedded with the instruction (those
    // already cached are not counted); after each photo.
    void progress(quint64 id, int done, int total);
    // The search was stopped (superseded or cancelled) before it finished, or skipped before
    // it started; `embedded` photos were embedded with the instruction and kept for the next
    // search.
    void cancelled(quint64 id, int embedded);
    // The library's vectors are being read into memory (a search's first look at a library):
    // `done` of `total`, ending with done == total.
    void libraryLoading(int done, int total);
    void folderStatesReady(const abc::ui::FolderStates& states);
    void filterOptionsReady(const abc::ui::FilterOptions& options);
    // The library could not be read for the sidebar or the filter bar (not because another
    // process held it: those states are kept until the next try).
    void libraryReadFailed(const QString& message);
    void folderForgotten(const QString& folder, int removedFiles);
    void folderNotForgotten(const QString& folder, const QString& message);
    void filesForgotten(const QStringList& paths);
    void filesNotForgotten(const QStringList& paths, const QString& message);
    void takenDatesFound(quint64 id, const abc::ui::PhotoHits& hits);

  private:
    std::shared_ptr<EngineSession> session() const;
    void retireBelow(quint64 floor);

    mutable std::mutex mutex_;
    std::shared_ptr<EngineSession> session_;
    std::atomic<quint64> latest_{0};  // requests below it are skipped or stopped
    // The running search's; guarded by mutex_ so a supersede never misses one just starting.
    quint64 runningId_ = 0;
    std::optional<std::stop_source> running_;
};

}  // namespace abc::ui

Q_DECLARE_METATYPE(abc::ui::SearchQuery)
Q_DECLARE_METATYPE(abc::ui::SearchTiming)
Q_DECLARE_METATYPE(abc::ui::FolderState)
Q_DECLARE_METATYPE(abc::ui::FolderStates)
