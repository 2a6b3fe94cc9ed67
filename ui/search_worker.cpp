#include "ui/search_worker.h"

#include <QElapsedTimer>
#include <algorithm>
#include <exception>

#include "core/io/error.h"
#include "core/io/path.h"
#include "core/library/combined_query.h"
#include "core/library/filter_choices.h"
#include "core/library/library_store.h"
#include "core/library/photo_embedder.h"
#include "core/library/photo_scanner.h"
#include "core/library/photo_search.h"
#include "core/library/sqlite_database.h"
#include "ui/engine_session.h"
#include "ui/library_browse.h"
#include "ui/library_subfolders.h"

namespace abc::ui {

namespace {

PhotoHits toHits(const std::vector<SearchResult>& results) {
    PhotoHits hits;
    hits.reserve(static_cast<qsizetype>(results.size()));
    for (const SearchResult& result : results) {
        hits.append({QString::fromStdString(result.path), result.score});
    }
    return hits;
}

double elapsedMs(const QElapsedTimer& timer) {
    return timer.nsecsElapsed() / 1e6;
}

}  // namespace

void SearchWorker::setSession(std::shared_ptr<EngineSession> session) {
    std::lock_guard lock(mutex_);
    session_ = std::move(session);
}

std::shared_ptr<EngineSession> SearchWorker::session() const {
    std::lock_guard lock(mutex_);
    return session_;
}

void SearchWorker::retireBelow(quint64 floor) {
    if (floor <= latest_)
        return;
    latest_ = floor;  // before the lock: run() reads it after taking the lock
    std::lock_guard lock(mutex_);
    if (running_ && runningId_ < floor)
        running_->request_stop();
}

void SearchWorker::run(quint64 id, const SearchQuery& query) {
    std::stop_source stop;
    bool skipped = false;
    {
        std::lock_guard lock(mutex_);
        skipped = id < latest_;
        if (!skipped) {
            runningId_ = id;
            running_ = stop;
        }
    }
    if (skipped) {
        // The person already asked for something else, or stopped this one.
        emit cancelled(id, 0);
        return;
    }
    // Whatever way run() ends, a later supersede has nothing left to stop.
    struct ClearRunning {
        SearchWorker* worker;
        ~ClearRunning() {
            std::lock_guard lock(worker->mutex_);
            worker->running_.reset();
        }
    } clearRunning{this};
    std::size_t embedded = 0;
    const auto current = session();
    if (current && query.kind == SearchQuery::Kind::Browse) {
        // No model needed: the library's records alone.
        QElapsedTimer browsing;
        browsing.start();
        try {
            PhotoHits hits = browseLibrary(*current->store, query.filter);
            SearchTiming timing;
            timing.rankMs = elapsedMs(browsing);
            emit finished(id, hits, timing);
        } catch (const std::exception& error) {
            emit failed(id, QString::fromUtf8(error.what()));
        }
        return;
    }
    if (!current || !current->search) {
        emit failed(id, tr("No model is loaded yet"));
        return;
    }
    PhotoSearch& search = *current->search;
    search.setLoadProgress([this](std::size_t done, std::size_t total) {
        emit libraryLoading(static_cast<int>(done), static_cast<int>(total));
    });
    // An empty filter is no filter: the scan then skips its per-row check.
    const SearchFilter restriction = toSearchFilter(query.filter);
    SearchTiming timing;
    QElapsedTimer timer;
    try {
        std::vector<SearchResult> results;
        const auto topK = static_cast<std::size_t>(std::max(1, query.topK));
        switch (query.kind) {
            case SearchQuery::Kind::Text: {
                // The filter narrows the candidates before an instruction re-ranks them, so
                // only photos it shows are embedded with the instruction.
                SearchRequest request;
                request.query = query.text.toStdString();
                request.instruction = query.instruction.trimmed().toStdString();
                request.filter = restriction;
                // The re-ranked candidates are the results: asking for the grid's 1000 would
                // embed 1000 photos (an hour on a CPU) instead of 100.
                request.topK = request.instruction.empty()
                                   ? topK
                                   : std::min(topK, request.instructionCandidates);
                TimedSearchResults answer = search.searchTimed(
                    request,
                    [&](std::size_t done, std::size_t total) {
                        embedded = done;
                        emit progress(id, static_cast<int>(done), static_cast<int>(total));
                    },
                    stop.get_token());
                results = std::move(answer.results);
                timing.embedMs = answer.timings.embedSeconds * 1000.0;
                timing.rankMs = answer.timings.rankSeconds * 1000.0;
                break;
            }
            case SearchQuery::Kind::Example:
                timer.start();
                results = search.searchByExample(query.path.toStdString(), restriction, topK);
                timing.embedMs = elapsedMs(timer);
                break;
            case SearchQuery::Kind::Browse:
                break;  // answered above
            case SearchQuery::Kind::Similar: {
                timer.start();
                const auto file = current->store->fileByPath(query.path.toStdString());
                results = file
                              ? search.searchSimilar(file->second, restriction, topK)
                              : search.searchByExample(query.path.toStdString(), restriction, topK);
                timing.rankMs = elapsedMs(timer);
                // A photo with several identical files is listed under its first path; the
                // copy asked about ("show in results" from the duplicates) is the one shown,
                // unless the folder filter hides that copy.
                if (file &&
                    (query.filter.folder.isEmpty() ||
                     Path(query.filter.folder.toStdString()).contains(query.path.toStdString()))) {
                    for (SearchResult& result : results) {
                        if (result.photo == file->second)
                            result.path = query.path.toStdString();
                    }
                }
                break;
            }
        }
        emit finished(id, toHits(results), timing);
    } catch (const Cancelled&) {
        emit cancelled(id, static_cast<int>(embedded));
    } catch (const std::exception& error) {
        emit failed(id, QString::fromUtf8(error.what()));
    }
}

void SearchWorker::refreshFolderStates() {
    const auto current = session();
    if (!current)
        return;
    FolderStates states;
    try {
        LibraryStore& store = *current->store;
        std::optional<std::int64_t> model;
        if (current->embedder)
            model = store.findModel(current->embedder->fingerprint());
        const auto failures = store.failures();
        for (const LibraryStore::FolderCount& count : store.folderCounts(model)) {
            const std::string& folder = count.folder;
            FolderState state;
            state.folder = QString::fromStdString(folder);
            state.files = static_cast<int>(count.files);
            state.indexed = static_cast<int>(count.indexed);
            state.withModel = current->embedder != nullptr;
            state.photos = static_cast<int>(count.photos);
            state.indexedPhotos = static_cast<int>(count.indexedPhotos);
            state.failedPhotos = static_cast<int>(count.failedPhotos);
            // failures() comes ordered by path, and so does each folder's share of it.
            const Path root(folder);
            for (const IndexFailure& failure : failures) {
                if (root.contains(failure.path)) {
                    state.failures.append({QString::fromStdString(failure.path),
                                           QString::fromStdString(failure.reason),
                                           isNotAPhotoReason(failure.reason)});
                }
            }
            state.failed = static_cast<int>(state.failures.size());
            states.append(state);
        }
    } catch (const DatabaseBusy&) {
        // Another process holds the library (migrating it, say): keep the states shown until
        // the next try.
        return;
    } catch (const std::exception& error) {
        emit libraryReadFailed(QString::fromUtf8(error.what()));
        return;
    }
    emit folderStatesReady(states);
}

void SearchWorker::refreshFilterOptions() {
    const auto current = session();
    if (!current)
        return;
    FilterOptions options;
    try {
        const FilterChoices choices = filterChoices(*current->store);
        for (const std::string& folder : choices.folders)
            options.folders << QString::fromStdString(folder);
        options.subfolders = librarySubfolders(*current->store);
        for (const std::string& type : choices.mediaTypes)
            options.mediaTypes << QString::fromStdString(type);
        const auto toDate = [](const std::optional<std::string>& day) {
            return day ? QDate::fromString(QString::fromStdString(*day), Qt::ISODate) : QDate();
        };
        options.earliest = toDate(choices.earliestDay);
        options.latest = toDate(choices.latestDay);
        options.undated = choices.undated;
    } catch (const DatabaseBusy&) {
        // Another process holds the library (migrating it, say): keep the choices shown until
        // the next try.
        return;
    } catch (const std::exception& error) {
        emit libraryReadFailed(QString::fromUtf8(error.what()));
        return;
    }
    emit filterOptionsReady(options);
}

void SearchWorker::forgetFolder(const QString& folder) {
    const auto current = session();
    if (!current)
        return;
    try {
        const std::size_t removed = current->store->forgetFolder(folder.toStdString());
        emit folderForgotten(folder, static_cast<int>(removed));
    } catch (const std::exception& error) {
        emit folderNotForgotten(folder, QString::fromUtf8(error.what()));
    }
}

void SearchWorker::forgetFiles(const QStringList& paths) {
    const auto current = session();
    if (!current)
        return;
    try {
        std::vector<std::string> files;
        files.reserve(static_cast<std::size_t>(paths.size()));
        for (const QString& path : paths)
            files.push_back(path.toStdString());
        current->store->removeFiles(files);
        emit filesForgotten(paths);
    } catch (const std::exception& error) {
        emit filesNotForgotten(paths, QString::fromUtf8(error.what()));
    }
}

void SearchWorker::lookUpTakenDates(quint64 id, const PhotoHits& hits) {
    const auto current = session();
    if (!current)
        return;
    try {
        emit takenDatesFound(id, withTakenDates(*current->store, hits));
    } catch (const std::exception& error) {
        emit libraryReadFailed(QString::fromUtf8(error.what()));
    }
}

}  // namespace abc::ui
