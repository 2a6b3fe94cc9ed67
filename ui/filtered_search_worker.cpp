#include "ui/filtered_search_worker.h"

#include <QElapsedTimer>
#include <algorithm>
#include <exception>
#include <set>

#include "core/library/combined_query.h"
#include "core/library/library_store.h"
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

std::optional<std::string> isoDay(const QDate& date) {
    if (!date.isValid())
        return std::nullopt;
    return date.toString(Qt::ISODate).toStdString();
}

}  // namespace

abc::SearchFilter toSearchFilter(const PhotoFilter& filter) {
    abc::SearchFilter out;
    if (!filter.folder.isEmpty())
        out.folders = {filter.folder.toStdString()};
    out.takenFrom = isoDay(filter.takenFrom);
    out.takenUntil = isoDay(filter.takenUntil);
    if (!filter.mediaType.isEmpty())
        out.mediaTypes = {filter.mediaType.toStdString()};
    return out;
}

void FilteredSearchWorker::setSession(std::shared_ptr<EngineSession> session) {
    std::lock_guard lock(mutex_);
    session_ = std::move(session);
}

std::shared_ptr<EngineSession> FilteredSearchWorker::session() const {
    std::lock_guard lock(mutex_);
    return session_;
}

void FilteredSearchWorker::run(quint64 id, const SearchQuery& query, const PhotoFilter& filter) {
    if (id < latest_)
        return;  // the person already asked for something else
    const auto current = session();
    if (!current || !current->search) {
        emit failed(id, tr("No model is loaded yet"));
        return;
    }
    PhotoSearch& search = *current->search;
    const abc::SearchFilter restriction = toSearchFilter(filter);
    SearchTiming timing;
    QElapsedTimer timer;
    try {
        std::vector<SearchResult> results;
        const auto topK = static_cast<std::size_t>(std::max(1, query.topK));
        switch (query.kind) {
            case SearchQuery::Kind::Text:
                if (query.instruction.trimmed().isEmpty()) {
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
                    timing.embedMs = elapsedMs(timer);
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

void FilteredSearchWorker::refreshOptions() {
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
    emit optionsReady(options);
}

}  // namespace abc::ui
