// The filter bar of the main window with a real SQLite library whose photos have known
// folders, EXIF dates and types (vectors from the deterministic stand-in model, so the test is
// about the filters, not the model): each filter leaves exactly the photos it should in the
// grid, for every kind of search; reset restores them all; the choice survives a new window.
#include <QAbstractButton>
#include <QAbstractSlider>
#include <QAbstractSpinBox>
#include <QApplication>
#include <QComboBox>
#include <QDateEdit>
#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "core/library/library_store.h"
#include "support/ui_test_setup.h"
#include "test_library_fakes.h"
#include "ui/engine_session.h"
#include "ui/filter_bar.h"
#include "ui/main_window.h"
#include "ui/results_model.h"
#include "ui/results_view.h"

using abc::test::findNamed;
using abc::ui::EngineSession;
using abc::ui::FilterBar;
using abc::ui::MainWindow;
using abc::ui::PhotoFilter;

namespace {

constexpr int kWaitMs = 20000;

struct LibraryPhoto {
    QString folder;  // "trips" or "home"
    QString name;
    const char* mediaType;
    const char* takenAt;  // "" = no EXIF date
};

// Two library folders, three types, two years, one photo without a date.
const LibraryPhoto kLibrary[] = {
    {"trips", "beach.jpg", "jpeg", "2021-06-01 10:00:00"},
    {"trips", "city.png", "png", "2022-03-15 18:30:00"},
    {"trips", "night.jpg", "jpeg", ""},
    {"home", "garden.jpg", "jpeg", "2022-12-31 23:59:59"},
    {"home", "cat.heic", "heic", "2023-02-02 08:00:00"},
};

QString screenshotDir() {
    const QString dir = QStringLiteral(ABC_BUILD_DIR "/screenshots");
    QDir().mkpath(dir);
    return dir;
}

QStringList sorted(QStringList paths) {
    paths.sort();
    return paths;
}

QStringList shownPaths(const MainWindow& window) {
    QStringList paths;
    for (const auto& hit : window.resultsModel()->hits())
        paths << hit.path;
    return sorted(paths);
}

}  // namespace

class TestUiFilters : public QObject {
    Q_OBJECT

    QTemporaryDir work_;
    std::shared_ptr<EngineSession> session_;
    QHash<QString, QString> path_;  // file name -> absolute path

    QString folder(const QString& name) const { return work_.filePath(name); }
    QStringList paths(const QStringList& names) const {
        QStringList out;
        for (const QString& name : names)
            out << path_.value(name);
        return sorted(out);
    }

    // Types `text` into the search bar, presses Enter and waits for the painted results.
    static bool search(MainWindow& window, const QString& text) {
        QSignalSpy shown(&window, &MainWindow::resultsShown);
        findNamed<QLineEdit>(window, "searchBar")->setText(text);
        QTest::keyClick(findNamed<QLineEdit>(window, "searchBar"), Qt::Key_Return);
        return shown.wait(kWaitMs);
    }

    static void choose(QComboBox* combo, const QString& value) {
        const int index = combo->findData(value);
        QVERIFY2(index >= 0, qPrintable(value));
        combo->setCurrentIndex(index);
    }

    void openWindow(MainWindow& window) {
        window.setSession(session_);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        // The choices come from the library, read on the search thread.
        QTRY_COMPARE_WITH_TIMEOUT(
            findNamed<abc::ui::FilterBar>(window, "filterBar")->folderChoice()->count(), 3,
            kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(
            findNamed<abc::ui::FilterBar>(window, "filterBar")->typeChoice()->count(), 4, kWaitMs);
    }

  private slots:
    void initTestCase() {
        abc::test::useOwnApplicationSettings(QStringLiteral("abc-photos-filters-test"));
        QVERIFY(work_.isValid());

        abc::ui::AppSettings settings;
        settings.libraryFile = work_.filePath(QStringLiteral("library.sqlite3"));
        const auto library = EngineSession::openLibrary(settings);
        auto embedder = std::make_shared<abc::test::FakeEmbedder>(32);
        abc::LibraryStore& store = *library->store;
        const auto model = store.modelId(embedder->fingerprint(), embedder->dimension());
        std::vector<abc::LibraryStore::VectorRow> rows;
        int i = 0;
        for (const LibraryPhoto& photo : kLibrary) {
            const QString dir = folder(photo.folder);
            QVERIFY(QDir().mkpath(dir));
            const QString path = dir + "/" + photo.name;
            if (QString::fromLatin1(photo.mediaType) == QStringLiteral("heic")) {
                QVERIFY(QFile::copy(
                    QStringLiteral(ABC_TEST_DATA_DIR "/image/gradient_160x120.heic"), path));
            } else {
                QImage image(120, 90, QImage::Format_RGB32);
                image.fill(QColor::fromHsv(i * 70, 150, 200));
                QPainter painter(&image);
                painter.drawText(image.rect(), Qt::AlignCenter, photo.name);
                painter.end();
                QVERIFY(image.save(path));
            }
            const QFileInfo info(path);
            abc::PhotoFacts facts;
            facts.contentHash = QStringLiteral("%1").arg(i + 1, 32, 16, QChar('0')).toStdString();
            facts.mediaType = photo.mediaType;
            facts.width = 120;
            facts.height = 90;
            if (*photo.takenAt)
                facts.takenAt = photo.takenAt;
            const abc::PhotoFile file{path.toStdString(), info.size(),
                                      info.lastModified().toMSecsSinceEpoch() * 1'000'000};
            rows.push_back({store.recordFile(file, facts),
                            abc::test::seededUnitVector(static_cast<std::uint64_t>(i) + 11,
                                                        embedder->dimension())});
            path_.insert(photo.name, path);
            ++i;
        }
        store.addFolder(folder(QStringLiteral("trips")).toStdString());
        store.addFolder(folder(QStringLiteral("home")).toStdString());
        store.putVectors(model, "", rows);
        session_ = EngineSession::withModel(*library, std::move(embedder));
    }

    void init() {
        QSettings().remove(QStringLiteral("filter"));  // each test starts unfiltered
    }

    void eachFilterNarrowsTheGridAndResetRestoresIt() {
        MainWindow window;
        openWindow(window);
        FilterBar* bar = findNamed<abc::ui::FilterBar>(window, "filterBar");
        QVERIFY(!bar->resetButton()->isEnabled());
        QVERIFY(bar->activeText().isEmpty());
        const QStringList everything = paths(path_.keys());

        QVERIFY(search(window, QStringLiteral("a sunny day")));
        QCOMPARE(shownPaths(window), everything);

        // Folder: the search runs again by itself.
        choose(bar->folderChoice(), folder(QStringLiteral("home")));
        QTRY_COMPARE_WITH_TIMEOUT(shownPaths(window), paths({"garden.jpg", "cat.heic"}), kWaitMs);
        QCOMPARE(window.settings().filter.folder, folder(QStringLiteral("home")));
        QVERIFY(bar->resetButton()->isEnabled());
        QVERIFY2(bar->activeText().contains('1'), qPrintable(bar->activeText()));
        QTRY_VERIFY2(window.statusText().contains("filtered"), qPrintable(window.statusText()));

        // Type, with the folder still chosen, then on its own.
        choose(bar->typeChoice(), QStringLiteral("jpeg"));
        QTRY_COMPARE_WITH_TIMEOUT(shownPaths(window), paths({"garden.jpg"}), kWaitMs);
        QVERIFY2(bar->activeText().contains('2'), qPrintable(bar->activeText()));
        choose(bar->folderChoice(), QString());
        QTRY_COMPARE_WITH_TIMEOUT(shownPaths(window),
                                  paths({"beach.jpg", "night.jpg", "garden.jpg"}), kWaitMs);
        choose(bar->typeChoice(), QStringLiteral("heic"));
        QTRY_COMPARE_WITH_TIMEOUT(shownPaths(window), paths({"cat.heic"}), kWaitMs);
        choose(bar->typeChoice(), QString());
        QTRY_COMPARE_WITH_TIMEOUT(shownPaths(window), everything, kWaitMs);
        QVERIFY(!bar->resetButton()->isEnabled());

        // Dates: a range starts as the library's own span, which leaves out the undated photo.
        bar->dateChoice()->setCurrentIndex(1);
        QVERIFY(bar->fromEdit()->isVisible());
        QCOMPARE(bar->fromEdit()->date(), QDate(2021, 6, 1));
        QCOMPARE(bar->untilEdit()->date(), QDate(2023, 2, 2));
        QTRY_COMPARE_WITH_TIMEOUT(shownPaths(window),
                                  paths({"beach.jpg", "city.png", "garden.jpg", "cat.heic"}),
                                  kWaitMs);
        // Both ends are inclusive, to the day.
        bar->fromEdit()->setDate(QDate(2022, 3, 15));
        bar->untilEdit()->setDate(QDate(2022, 12, 31));
        QTRY_COMPARE_WITH_TIMEOUT(shownPaths(window), paths({"city.png", "garden.jpg"}), kWaitMs);
        QCOMPARE(window.settings().filter.takenFrom, QDate(2022, 3, 15));
        QCOMPARE(window.settings().filter.takenUntil, QDate(2022, 12, 31));
        bar->fromEdit()->setDate(QDate(2022, 3, 16));
        QTRY_COMPARE_WITH_TIMEOUT(shownPaths(window), paths({"garden.jpg"}), kWaitMs);
        choose(bar->folderChoice(), folder(QStringLiteral("trips")));
        QTRY_COMPARE_WITH_TIMEOUT(shownPaths(window).size(), 0, kWaitMs);
        QTRY_VERIFY2(window.statusText().startsWith("No photos"), qPrintable(window.statusText()));
        // The empty grid says why, with a way out.
        auto* noMatches = window.findChild<QLabel*>(QStringLiteral("noMatches"));
        QVERIFY(noMatches && noMatches->isVisible());
        QVERIFY2(window.statusText().contains("folder trips") &&
                     window.statusText().contains("taken 2022-03-16 to 2022-12-31"),
                 qPrintable(window.statusText()));
        QVERIFY(window.grab().save(screenshotDir() + "/filters.png"));

        // One click brings every photo back.
        QTest::mouseClick(bar->resetButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(shownPaths(window), everything, kWaitMs);
        QVERIFY(!window.settings().filter.isActive());
        QVERIFY(bar->activeText().isEmpty());
        QVERIFY(!bar->resetButton()->isEnabled());
        QVERIFY(!bar->fromEdit()->isVisible());
        QCOMPARE(bar->dateChoice()->currentIndex(), 0);
        QVERIFY(!noMatches->isVisible());
    }

    void everyKindOfSearchHonoursTheFilter() {
        MainWindow window;
        openWindow(window);
        choose(findNamed<abc::ui::FilterBar>(window, "filterBar")->folderChoice(),
               folder(QStringLiteral("home")));
        const QStringList home = paths({"garden.jpg", "cat.heic"});
        QSignalSpy shown(&window, &MainWindow::resultsShown);
        QSignalSpy failed(&window, &MainWindow::searchFailed);

        // The combined syntax: its example image may be outside the filter; the results are not.
        QVERIFY(
            search(window,
                   QStringLiteral("sea + image:\"%1\" - 0.5:night").arg(path_.value("beach.jpg"))));
        QCOMPARE(failed.count(), 0);
        QCOMPARE(shownPaths(window), home);

        // Find similar on a photo the filter hides: the photos it shows, ranked against it.
        shown.clear();
        window.findSimilar(path_.value("beach.jpg"));
        QVERIFY(shown.wait(kWaitMs));
        QCOMPARE(shownPaths(window), home);

        // "Show in results" says when the photo itself is hidden, and selects it when shown.
        shown.clear();
        window.showInResults(path_.value("city.png"));
        QVERIFY(shown.wait(kWaitMs));
        QVERIFY2(window.statusText().contains("hidden by the filters"),
                 qPrintable(window.statusText()));
        shown.clear();
        window.showInResults(path_.value("cat.heic"));
        QVERIFY(shown.wait(kWaitMs));
        QCOMPARE(findNamed<abc::ui::ResultsView>(window, "resultsView")
                     ->currentIndex()
                     .data(abc::ui::ResultsModel::PathRole),
                 QVariant(path_.value("cat.heic")));

        // An example image dropped or chosen from outside the library.
        const QString outside = work_.filePath(QStringLiteral("example.png"));
        QImage example(64, 64, QImage::Format_RGB32);
        example.fill(Qt::darkCyan);
        QVERIFY(example.save(outside));
        shown.clear();
        window.searchByExample(outside);
        QVERIFY(shown.wait(kWaitMs));
        QCOMPARE(shownPaths(window), home);

        // Instruction mode re-ranks only candidates the filter shows.
        findNamed<QLineEdit>(window, "instructionBar")
            ->setText(QStringLiteral("what is in the photo?"));
        QVERIFY(search(window, QStringLiteral("a cat")));
        QCOMPARE(failed.count(), 0);
        QCOMPARE(shownPaths(window), home);
        findNamed<QLineEdit>(window, "instructionBar")->clear();
    }

    void filtersPersistAcrossWindows() {
        PhotoFilter chosen;
        {
            MainWindow window;
            openWindow(window);
            FilterBar* bar = findNamed<abc::ui::FilterBar>(window, "filterBar");
            choose(bar->folderChoice(), folder(QStringLiteral("home")));
            choose(bar->typeChoice(), QStringLiteral("jpeg"));
            bar->dateChoice()->setCurrentIndex(1);
            bar->fromEdit()->setDate(QDate(2022, 1, 1));
            bar->untilEdit()->setDate(QDate(2022, 12, 31));
            QTRY_COMPARE_WITH_TIMEOUT(window.settings().filter.takenFrom, QDate(2022, 1, 1),
                                      kWaitMs);
            chosen = bar->filter();
            QCOMPARE(window.settings().filter, chosen);
            window.close();
        }
        MainWindow reopened;
        QCOMPARE(reopened.settings().filter, chosen);
        QCOMPARE(findNamed<abc::ui::FilterBar>(reopened, "filterBar")->filter(), chosen);
        // Shown before the library's choices arrive, then kept when they do.
        QCOMPARE(
            findNamed<abc::ui::FilterBar>(reopened, "filterBar")->folderChoice()->currentText(),
            QStringLiteral("home"));
        openWindow(reopened);
        QCOMPARE(findNamed<abc::ui::FilterBar>(reopened, "filterBar")->filter(), chosen);
        QVERIFY(findNamed<abc::ui::FilterBar>(reopened, "filterBar")->fromEdit()->isVisible());
        QVERIFY(search(reopened, QStringLiteral("a sunny day")));
        QCOMPARE(shownPaths(reopened), paths({"garden.jpg"}));
    }

    void filterControlsAreNamed() {
        MainWindow window;
        openWindow(window);
        findNamed<abc::ui::FilterBar>(window, "filterBar")->dateChoice()->setCurrentIndex(1);
        int checked = 0;
        for (QWidget* widget :
             findNamed<abc::ui::FilterBar>(window, "filterBar")->findChildren<QWidget*>()) {
            const bool interactive =
                qobject_cast<QAbstractButton*>(widget) || qobject_cast<QComboBox*>(widget) ||
                qobject_cast<QAbstractSpinBox*>(widget) || qobject_cast<QAbstractSlider*>(widget);
            if (!interactive || widget->objectName().startsWith("qt_") ||
                qobject_cast<QScrollBar*>(widget) || qobject_cast<QLineEdit*>(widget->parent()) ||
                qobject_cast<QAbstractSpinBox*>(widget->parent())) {
                continue;
            }
            QVERIFY2(!widget->accessibleName().isEmpty(),
                     qPrintable(widget->metaObject()->className() + QStringLiteral(" ") +
                                widget->objectName()));
            ++checked;
        }
        QCOMPARE(checked, 6);  // folder, dates, from, until, type, reset
    }

    // Last: it forgets a folder of the shared library.
    void removingTheFilteredFolderClearsTheFolderFilter() {
        MainWindow window;
        openWindow(window);
        choose(findNamed<abc::ui::FilterBar>(window, "filterBar")->folderChoice(),
               folder(QStringLiteral("home")));
        QVERIFY(search(window, QStringLiteral("a sunny day")));
        QCOMPARE(shownPaths(window), paths({"garden.jpg", "cat.heic"}));
        window.removeFolder(folder(QStringLiteral("home")));
        QTRY_VERIFY_WITH_TIMEOUT(window.settings().filter.folder.isEmpty(), kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(shownPaths(window), paths({"beach.jpg", "city.png", "night.jpg"}),
                                  kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(
            findNamed<abc::ui::FilterBar>(window, "filterBar")->folderChoice()->count(), 2,
            kWaitMs);
        QVERIFY(QFileInfo::exists(path_.value("garden.jpg")));  // the files are untouched
    }

    void cleanupTestCase() { session_.reset(); }
};

QTEST_MAIN(TestUiFilters)
#include "test_ui_filters.moc"
