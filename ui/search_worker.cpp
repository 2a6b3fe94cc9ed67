#include "ui/search_worker.h"

#include <QElapsedTimer>
#include <algorithm>
#include <exception>
#include <set>

#include "core/io/error.h"
#include "core/library/combined_query.h"
#include "core/library/library_store.h"
#include "core/library/photo_embedder.h"
#include "core/library/photo_search.h"
#include "ui/engine_session.h"

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

void SearchWorker::run(quint64 id, const SearchQuery& query) {
    if (id < latest_)
        return;  // the person already asked for something else
    const auto current = session();
    if (!current || !current->search) {
        emit failed(id, tr("No model is loaded yet"));
        return;
    }
    PhotoSearch& search = *current->search;
    // An empty filter is no filter: the scan then skips its per-row check.
    const SearchFilter restriction = toSearchFilter(query.filter);
    SearchTiming timing;
    QElapsedTimer timer;
    try {
        std::vector<SearchResult> results;
        const auto topK = static_cast<std::size_t>(std::max(1, query.topK));
        switch (query.kind) {
            case SearchQuery::Kind::Text:
                if (query.instruction.trimmed().isEmpty()) {
                    // Split so the model's share of the time is known: the query vector, then
                    // the ranking alone.
                    timer.start();
                    const auto vector =
                        search.queryVector(parseCombinedQuery(query.text.toStdString()));
                    timing.embedMs = elapsedMs(timer);
                    timer.start();
                    results = search.searchByVector(vector, restriction, topK);
                    timing.rankMs = elapsedMs(timer);
                } else {
                    // The filter narrows the candidates before they are re-ranked, so only
                    // photos it shows are embedded with the instruction.
                    SearchRequest request;
                    request.query = query.text.toStdString();
                    request.instruction = query.instruction.trimmed().toStdString();
                    request.filter = restriction;
                    request.topK = topK;
                    timer.start();
                    results = search.search(request);
                    timing.embedMs = elapsedMs(timer);  // dominated by instructed embeddings
                }
                break;
            case SearchQuery::Kind::Example:
                timer.start();
                results = search.searchByExample(query.path.toStdString(), restriction, topK);
                timing.embedMs = elapsedMs(timer);
                break;
            case SearchQuery::Kind::Similar: {
                timer.start();
                const auto file = current->store->fileByPath(query.path.toStdString());
                results = file
                              ? search.searchSimilar(file->second, restriction, topK)
                              : search.searchByExample(query.path.toStdString(), restriction, topK);
                timing.rankMs = elapsedMs(timer);
                break;
            }
        }
        emit finished(id, toHits(results), timing);
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
        for (const std::string& folder : store.folders()) {
            FolderState state;
            state.folder = QString::fromStdString(folder);
            const auto files = store.filesUnder(folder);
            state.files = static_cast<int>(files.size());
            if (model) {
                for (const auto& [file, photo] : files) {
                    if (store.hasVector(photo, *model, ""))
                        ++state.indexed;
                }
            }
            const std::string prefix = folder.ends_with('/') ? folder : folder + '/';
            for (const IndexFailure& failure : failures) {
                if (failure.path.starts_with(prefix)) {
                    state.failures.append({QString::fromStdString(failure.path),
                                           QString::fromStdString(failure.reason)});
                }
            }
            std::sort(state.failures.begin(), state.failures.end(),
                      [](const FileFailure& a, const FileFailure& b) { return a.path < b.path; });
            state.failed = static_cast<int>(state.failures.size());
            states.append(state);
        }
    } catch (const std::exception&) {
        // A library another process is migrating: keep the states shown until the next try.
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
        LibraryStore& store = *current->store;
        for (const std::string& folder : store.folders())
            options.folders << QString::fromStdString(folder);
        std::set<std::string> types;
        for (const PhotoRecord& photo : store.allPhotos()) {
            if (!photo.mediaType.empty())
                types.insert(photo.mediaType);
            const QDate day =
                photo.takenAt
                    ? QDate::fromString(QString::fromStdString(photo.takenAt->substr(0, 10)),
                                        Qt::ISODate)
                    : QDate();
            if (!day.isValid()) {
                ++options.undated;
                continue;
            }
            if (!options.earliest.isValid() || day < options.earliest)
                options.earliest = day;
            if (!options.latest.isValid() || day > options.latest)
                options.latest = day;
        }
        for (const std::string& type : types)
            options.mediaTypes << QString::fromStdString(type);
    } catch (const std::exception&) {
        // A library another process is migrating: keep the choices shown until the next try.
        return;
    }
    emit filterOptionsReady(options);
}

}  // namespace abc::ui
