// Benchmark (reported, not asserted): time from Enter in the search bar to the first painted
// results with 10,000 indexed photos, beyond the query's own embedding time. The library is a
// real SQLite file with 10,000 photos and 3584-dimensional vectors (the real model's width);
// the query embedder is a fast stand-in, because the model's share is measured separately and
// subtracted anyway. Run: ctest -R test_ui_search_latency -V
#include <QLineEdit>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <random>

#include "core/library/library_store.h"
#include "core/library/photo_embedder.h"
#include "support/ui_test_setup.h"
#include "ui/engine_session.h"
#include "ui/main_window.h"
#include "ui/results_model.h"

using abc::test::findNamed;

namespace {

constexpr int kPhotos = 10000;
constexpr int kDimension = 3584;

std::vector<float> randomUnitVector(std::uint64_t seed) {
    std::mt19937_64 random(seed);
    std::normal_distribution<float> normal;
    std::vector<float> v(kDimension);
    double sum = 0.0;
    for (float& x : v) {
        x = normal(random);
        sum += double(x) * x;
    }
    for (float& x : v)
        x = static_cast<float>(x / std::sqrt(sum));
    return v;
}

// Deterministic text vectors; no images (the library is already indexed).
class StandInEmbedder : public abc::PhotoEmbedder {
  public:
    std::string fingerprint() const override { return "stand-in-3584"; }
    int dimension() const override { return kDimension; }
    bool supportsInstructions() const override { return false; }
    std::vector<abc::Embedding> embedImages(
        const std::vector<std::shared_ptr<const abc::ImagePatches>>&, const std::string&,
        const abc::EmbedHooks&) override {
        throw std::runtime_error("not used by this benchmark");
    }
    abc::Embedding embedText(const std::string& text) override {
        return randomUnitVector(std::hash<std::string>{}(text));
    }
};

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

}  // namespace

class TestUiSearchLatency : public QObject {
    Q_OBJECT

  private slots:
    void enterToFirstPaintWithTenThousandPhotos() {
        QStandardPaths::setTestModeEnabled(true);
        QTemporaryDir dir;
        abc::ui::AppSettings settings;
        settings.libraryFile = dir.filePath(QStringLiteral("library.sqlite3"));
        auto library = abc::ui::EngineSession::openLibrary(settings);
        abc::LibraryStore& store = *library->store;
        const auto embedder = std::make_shared<StandInEmbedder>();
        const auto model = store.modelId(embedder->fingerprint(), kDimension);
        std::vector<abc::LibraryStore::VectorRow> rows;
        store.transaction([&] {
            for (int i = 0; i < kPhotos; ++i) {
                abc::PhotoFile file{QStringLiteral("/photos/2024/IMG_%1.jpg")
                                        .arg(i, 5, 10, QChar('0'))
                                        .toStdString(),
                                    3'000'000 + i, 1'700'000'000'000'000'000LL + i};
                abc::PhotoFacts facts;
                facts.contentHash = QStringLiteral("%1").arg(i, 32, 16, QChar('0')).toStdString();
                facts.mediaType = "jpeg";
                facts.width = 4000;
                facts.height = 3000;
                rows.push_back({store.recordFile(file, facts), randomUnitVector(1000 + i)});
            }
        });
        store.putVectors(model, "", rows);
        QCOMPARE(store.vectorCount(model, ""), kPhotos);

        abc::ui::MainWindow window;
        window.setSession(abc::ui::EngineSession::withModel(*library, embedder));
        window.resize(1280, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QSignalSpy shown(&window, &abc::ui::MainWindow::resultsShown);

        const auto search = [&](const QString& text) {
            shown.clear();
            findNamed<QLineEdit>(window, "searchBar")->setText(text);
            QTest::keyClick(findNamed<QLineEdit>(window, "searchBar"), Qt::Key_Return);
            return shown.wait(30000);
        };
        QVERIFY(search(QStringLiteral("warm up: loads the matrix")));
        const auto first = window.lastTiming();
        qInfo(
            "first search (loads %d vectors from SQLite): %.1f ms total, %.1f ms query, "
            "%.1f ms ranking, %.1f ms fill+paint",
            kPhotos, first.totalMs, first.embedMs, first.rankMs, first.fillMs);

        for (const int topK : {100, 1000, 10000}) {
            window.setTopK(topK);
            std::vector<double> beyond, rank, fill, embed;
            for (int i = 0; i < 7; ++i) {
                QVERIFY(search(QStringLiteral("query %1 %2").arg(topK).arg(i)));
                const auto& timing = window.lastTiming();
                QCOMPARE(timing.results, std::min(topK, kPhotos));
                QCOMPARE(window.resultsModel()->rowCount(), std::min(topK, kPhotos));
                beyond.push_back(timing.totalMs - timing.embedMs);
                rank.push_back(timing.rankMs);
                fill.push_back(timing.fillMs);
                embed.push_back(timing.embedMs);
            }
            qInfo(
                "top %5d of %d: Enter -> first paint beyond the query embedding: median %.1f ms "
                "(ranking %.1f ms, model fill + layout + paint %.1f ms; stand-in query %.2f ms)",
                topK, kPhotos, median(beyond), median(rank), median(fill), median(embed));
        }
    }
};

QTEST_MAIN(TestUiSearchLatency)
#include "test_ui_search_latency.moc"
