#pragma once

#include <QDate>
#include <QObject>
#include <QStringList>
#include <atomic>
#include <memory>
#include <mutex>

#include "ui/photo_filter.h"
#include "ui/search_worker.h"

namespace abc::ui {

struct EngineSession;

// What the filter bar can offer: the library's folders, the media types present and the days
// the photos were taken.
struct FilterOptions {
    QStringList folders;     // absolute, as the library stores them
    QStringList mediaTypes;  // as stored ("jpeg", "png", ...), sorted
    QDate earliest;          // invalid when no photo has a date
    QDate latest;
    int undated = 0;  // photos a date range leaves out
};

// Searches with a filter bar choice, on the search thread next to SearchWorker (which runs the
// unfiltered searches): the same kinds of search, the same numbering and signals, with the
// filter applied to every kind. The filter restricts the photos that are ranked, never the
// query: an `image:` term or a dropped example may be any file, and "find similar" on a photo
// the filter hides still ranks the photos it shows.
class FilteredSearchWorker : public QObject {
    Q_OBJECT

  public:
    void setSession(std::shared_ptr<EngineSession> session);
    // Called on the GUI thread before queueing `id`, so older queued requests can be skipped.
    void supersede(quint64 id) { latest_ = id; }

    // Both run on the worker's thread (queue them with QMetaObject::invokeMethod).
    void run(quint64 id, const abc::ui::SearchQuery& query, const abc::ui::PhotoFilter& filter);
    void refreshOptions();

  signals:
    void finished(quint64 id, const abc::ui::PhotoHits& hits, const abc::ui::SearchTiming& timing);
    void failed(quint64 id, const QString& message);
    void optionsReady(const abc::ui::FilterOptions& options);

  private:
    std::shared_ptr<EngineSession> session() const;

    mutable std::mutex mutex_;
    std::shared_ptr<EngineSession> session_;
    std::atomic<quint64> latest_{0};
};

}  // namespace abc::ui

Q_DECLARE_METATYPE(abc::ui::FilterOptions)
