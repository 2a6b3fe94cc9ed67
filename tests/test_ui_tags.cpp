// The Tags dock of a real MainWindow on a library indexed through the window with the tiny
// ABC checkpoint (real SQLite file, offscreen widgets): Apply fills the cloud with the counts
// the library stored, a cloud label becomes a chip that puts exactly its photos in the grid,
// the detail pane lists a photo's tags, Stop ends an instruction set's embedding and the next
// Apply does only the rest; screenshots for the documentation.
#include <QDir>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include <algorithm>
#include <set>

#include "core/library/library_store.h"
#include "core/library/photo_embedder.h"
#include "core/library/tag_store.h"
#include "support/photo_files.h"
#include "support/ui_test_setup.h"
#include "support/ui_window.h"
#include "ui/engine_session.h"
#include "ui/main_window.h"
#include "ui/results_model.h"
#include "ui/results_view.h"
#include "ui/tags_panel.h"

using abc::test::findNamed;
using abc::ui::EngineSession;
using abc::ui::MainWindow;
using abc::ui::TagsPanel;

namespace {

constexpr int kWaitMs = 120000;
constexpr int kPhotos = 8;

QList<QToolButton*> named(const QWidget& parent, const QString& name) {
    return parent.findChildren<QToolButton*>(name);
}

}  // namespace

class TestUiTags : public QObject {
    Q_OBJECT

    QTemporaryDir work_;
    QString photos_;
    std::shared_ptr<EngineSession> session_;
    std::unique_ptr<MainWindow> window_;

    TagsPanel& panel() { return *findNamed<TagsPanel>(*window_, "tagsPanel"); }

    bool applyAndWait() {
        QSignalSpy applied(&panel(), &TagsPanel::applied);
        findNamed<QPushButton>(panel(), "applyTagSet")->click();
        return applied.wait(kWaitMs);
    }

  private slots:
    void initTestCase() {
        abc::test::useOwnApplicationSettings(QStringLiteral("abc-photos-tags-test"));
        QVERIFY(work_.isValid());
        photos_ = QDir(work_.filePath(QStringLiteral("photos"))).absolutePath();
        abc::test::writePatternPhotos(photos_, 120, kPhotos);
        const auto settings =
            abc::test::tinySettings(work_.filePath(QStringLiteral("library.sqlite3")));
        const auto library = EngineSession::openLibrary(settings);
        session_ = EngineSession::loadModel(*library, settings);
        QVERIFY(session_->hasModel());
        {
            abc::TagStore tags(*session_->store);
            abc::TagSet shapes;
            shapes.name = "shapes";
            shapes.labels = {"a red square", "a blue circle", "green stripes"};
            tags.putSet(shapes);
        }
        window_ = std::make_unique<MainWindow>();
        QVERIFY(abc::test::showWindow(*window_, session_));
        QVERIFY(abc::test::addAndIndex(*window_, photos_));
    }

    void applyFillsTheCloudAndAChipFiltersTheGrid() {
        TagsPanel& tags = panel();
        QVERIFY(tags.setNames().contains("shapes") && tags.setNames().contains("scenes"));
        tags.chooseSet("shapes");
        QVERIFY(named(tags, "cloudTag").isEmpty());  // not applied yet
        QVERIFY(applyAndWait());

        abc::TagStore store(*session_->store);
        const auto model = *session_->store->findModel(session_->embedder->fingerprint());
        const auto counts = store.labelCounts("shapes", model);
        const auto cloud = named(tags, "cloudTag");
        QCOMPARE(cloud.size(), 3);
        qint64 total = 0;
        for (QToolButton* tag : cloud) {
            const QString label = tag->property("label").toString();
            const auto count = counts.at(label.toStdString());
            QCOMPARE(tag->text(), QStringLiteral("%1 (%2)").arg(label).arg(count));
            total += count;
        }
        QCOMPARE(total, qint64{kPhotos});  // top-1: one label per photo

        // The most common label as a chip: the grid holds exactly its photos.
        const auto countOf = [&](const QToolButton* tag) {
            return counts.at(tag->property("label").toString().toStdString());
        };
        QToolButton* most = *std::max_element(
            cloud.begin(), cloud.end(),
            [&](const QToolButton* a, const QToolButton* b) { return countOf(a) < countOf(b); });
        const QString label = most->property("label").toString();
        QSignalSpy chosen(&tags, &TagsPanel::photosChosen);
        most->click();
        QCOMPARE(chosen.size(), 1);
        QCOMPARE(named(tags, "tagChip").size(), 1);
        std::set<QString> expected;
        for (const auto photo : store.photosWithLabel("shapes", model, label.toStdString())) {
            expected.insert(QString::fromStdString(session_->store->photo(photo)->files[0].path));
        }
        std::set<QString> shown;
        for (const auto& hit : window_->resultsModel()->hits()) {
            shown.insert(hit.path);
        }
        QCOMPARE(shown, expected);
        QVERIFY(findNamed<QLabel>(*window_, "resultsBanner")->text().contains(label));

        // The detail pane names the photo's tag.
        findNamed<abc::ui::ResultsView>(*window_, "resultsView")
            ->setCurrentIndex(window_->resultsModel()->index(0));
        QCOMPARE(findNamed<QLabel>(*window_, "detailTags")->text(),
                 QStringLiteral("Tags: shapes: %1").arg(label));
        QVERIFY(abc::test::saveScreenshots(*window_, QStringLiteral("tags_panel")));

        // Clicking the chip removes it.
        QSignalSpy cleared(&tags, &TagsPanel::chipsCleared);
        named(tags, "tagChip").first()->click();
        QCOMPARE(cleared.size(), 1);
        QTRY_VERIFY(named(tags, "tagChip").isEmpty());
    }

    // Two chips: the grid holds the photos with both labels; removing one widens it again.
    // The results are written to the library directly (as `tags apply` in another process
    // would), so the labels' photos overlap in a known way.
    void chipsIntersect() {
        abc::TagStore store(*session_->store);
        const auto model = *session_->store->findModel(session_->embedder->fingerprint());
        const auto ids = session_->store->vectorPhotoIds(model, "");
        QCOMPARE(ids.size(), std::size_t{kPhotos});
        abc::TagSet mixed;
        mixed.name = "mixed";
        mixed.labels = {"x", "y"};
        mixed.topK = 2;
        store.putSet(mixed);
        store.putResults(mixed, model, kPhotos,
                         {{ids[0], "x", 0.9f},
                          {ids[1], "x", 0.8f},
                          {ids[2], "x", 0.7f},
                          {ids[1], "y", 0.6f},
                          {ids[2], "y", 0.5f},
                          {ids[3], "y", 0.4f}});
        const auto pathOf = [&](std::size_t i) {
            return QString::fromStdString(session_->store->photo(ids[i])->files[0].path);
        };
        const auto grid = [&] {
            QStringList paths;
            for (const auto& hit : window_->resultsModel()->hits()) {
                paths << hit.path;
            }
            return paths;
        };
        TagsPanel& tags = panel();
        tags.setSession(session_);  // reads the sets again
        tags.chooseSet("mixed");
        QCOMPARE(tags.counts(), (QMap<QString, qint64>{{"x", 3}, {"y", 3}}));
        const auto cloudTag = [&](const QString& label) -> QToolButton* {
            for (QToolButton* tag : named(tags, "cloudTag")) {
                if (tag->property("label").toString() == label)
                    return tag;
            }
            return nullptr;
        };
        cloudTag("x")->click();
        QCOMPARE(grid(), (QStringList{pathOf(0), pathOf(1), pathOf(2)}));  // by score
        cloudTag("y")->click();
        QCOMPARE(grid(), (QStringList{pathOf(1), pathOf(2)}));
        QCOMPARE(findNamed<QLabel>(*window_, "resultsBanner")->text(),
                 QStringLiteral("Tagged x, y · 2 photos"));
        tags.removeChip({QStringLiteral("mixed"), QStringLiteral("x")});
        QCOMPARE(grid(), (QStringList{pathOf(1), pathOf(2), pathOf(3)}));
        tags.clearChips();
        QVERIFY(tags.chips().isEmpty());
    }

    // The animals set embeds with its instruction: Stop ends it between photos, the next
    // Apply embeds only the photos left.
    void stopKeepsTheEmbeddedPhotosForTheNextApply() {
        TagsPanel& tags = panel();
        tags.chooseSet("animals");
        QSignalSpy progress(&tags, &TagsPanel::progressShown);
        QVERIFY(tags.apply());
        QVERIFY(progress.wait(kWaitMs));
        findNamed<QPushButton>(tags, "stopTagSet")->click();
        QTRY_VERIFY_WITH_TIMEOUT(!tags.isApplying(), kWaitMs);
        QVERIFY(findNamed<QLabel>(tags, "tagSetState")->text().startsWith("Stopped"));
        const int embeddedBefore = progress.last().at(0).toInt();
        QVERIFY(embeddedBefore < kPhotos);

        progress.clear();
        QVERIFY(applyAndWait());
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.last().at(1).toInt(), kPhotos - embeddedBefore);
        QVERIFY2(findNamed<QLabel>(tags, "tagSetState")->text().contains("8 photo"),
                 qPrintable(findNamed<QLabel>(tags, "tagSetState")->text()));
    }
};

QTEST_MAIN(TestUiTags)
#include "test_ui_tags.moc"
