// The folder filter offers the folders below the library's own, each after its parent as a
// path from the library folder, and choosing one shows only the photos inside it (and its own
// subfolders). Real SQLite library, real files, real widgets.
#include <QComboBox>
#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include "core/library/library_store.h"
#include "support/photo_files.h"
#include "support/ui_test_setup.h"
#include "support/ui_window.h"
#include "test_library_fakes.h"
#include "ui/filter_bar.h"
#include "ui/main_window.h"
#include "ui/results_model.h"
#include "ui_photo_library.h"

using abc::test::findNamed;
using abc::ui::MainWindow;

namespace {

constexpr int kWaitMs = 20000;

QStringList shownNames(const MainWindow& window) {
    QStringList names;
    for (const abc::ui::PhotoHit& hit : window.resultsModel()->hits())
        names << QFileInfo(hit.path).fileName();
    names.sort();
    return names;
}

}  // namespace

class TestUiFolderFilter : public QObject {
    Q_OBJECT

    QTemporaryDir work_;

  private slots:
    void initTestCase() {
        abc::test::useOwnApplicationSettings(QStringLiteral("abc-photos-folder-filter-test"));
        QVERIFY(work_.isValid());
    }

    void subfoldersAreListedAndFilterTheGrid() {
        const QString root = QDir(work_.filePath("Pictures")).absolutePath();
        auto library = abc::test::makeUiPhotoLibrary(root, work_.filePath("library.sqlite3"), 1);
        // Photos two levels down, and a folder that holds only a folder of photos.
        abc::LibraryStore& store = *library.session->store;
        const auto model = store.findModel(library.session->embedder->fingerprint());
        QVERIFY(model.has_value());
        std::vector<abc::LibraryStore::VectorRow> rows;
        const QStringList placed = {"2023/summer/beach.png", "2023/summer/sea.png",
                                    "2023/winter/snow.png", "misc/receipt.png",
                                    "old/scans/1999/grandma.png"};
        int seed = 10;
        for (const QString& relative : placed) {
            const QString path = root + "/" + relative;
            abc::test::writeImage(path, seed);
            abc::PhotoFacts facts;
            facts.contentHash = QStringLiteral("%1").arg(seed, 32, 16, QChar('0')).toStdString();
            facts.mediaType = "png";
            rows.push_back({store.recordFile(abc::test::photoFileOf(path), facts),
                            abc::test::seededUnitVector(static_cast<std::uint64_t>(seed), 32)});
            ++seed;
        }
        store.putVectors(*model, "", rows);

        MainWindow window;
        QVERIFY(abc::test::showWindow(window, library.session));
        auto* bar = findNamed<abc::ui::FilterBar>(window, "filterBar");
        QComboBox* folders = bar->folderChoice();
        const QStringList expected = {
            root,           root + "/2023", root + "/2023/summer", root + "/2023/winter",
            root + "/misc", root + "/old",  root + "/old/scans",   root + "/old/scans/1999"};
        QTRY_COMPARE_WITH_TIMEOUT(folders->count(), 1 + static_cast<int>(expected.size()), kWaitMs);
        for (int i = 0; i < expected.size(); ++i)
            QCOMPARE(folders->itemData(i + 1).toString(), expected[i]);
        const QString arrow = QStringLiteral(" \u203A ");
        QCOMPARE(folders->itemText(3),
                 QStringLiteral("Pictures") + arrow + "2023" + arrow + "summer");

        folders->setCurrentIndex(folders->findData(root + "/2023/summer"));
        QCOMPARE(window.settings().filter.folder, root + "/2023/summer");
        QCOMPARE(abc::test::searchFromBar(window, QStringLiteral("the sea")), 2);
        QCOMPARE(shownNames(window), (QStringList{"beach.png", "sea.png"}));
        QVERIFY(abc::test::saveScreenshots(window, QStringLiteral("folder_filter_subfolder")));

        // A folder takes in its own subfolders.
        folders->setCurrentIndex(folders->findData(root + "/2023"));
        QTRY_COMPARE_WITH_TIMEOUT(shownNames(window),
                                  (QStringList{"beach.png", "sea.png", "snow.png"}), kWaitMs);
        folders->setCurrentIndex(folders->findData(root + "/old"));
        QTRY_COMPARE_WITH_TIMEOUT(shownNames(window), QStringList{"grandma.png"}, kWaitMs);
    }
};

QTEST_MAIN(TestUiFolderFilter)
#include "test_ui_folder_filter.moc"
