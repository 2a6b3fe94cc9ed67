// The near-duplicates view with a real SQLite library indexed by the tiny ABC checkpoint:
// a photo and a resized, re-encoded copy of it (and a PNG saved again as JPEG) are listed above
// the threshold and not below it, exactly as the library's own finder says; the model passes
// QAbstractItemModelTester; each photo's actions open, reveal and show it in the results of the
// main window; no file is ever touched. Writes duplicates.png to ${ABC_BUILD_DIR}/screenshots.
#include <QAbstractButton>
#include <QAbstractItemModelTester>
#include <QAbstractSlider>
#include <QAbstractSpinBox>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDirIterator>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QImage>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>
#include <cmath>

#include "core/library/library_store.h"
#include "core/library/photo_indexer.h"
#include "core/library/photo_search.h"
#include "support/ui_test_setup.h"
#include "ui/detail_pane.h"
#include "ui/duplicates_model.h"
#include "ui/duplicates_view.h"
#include "ui/engine_session.h"
#include "ui/main_window.h"
#include "ui/results_model.h"
#include "ui/results_view.h"
#include "ui/thumbnail_provider.h"

using abc::test::findNamed;
using abc::ui::DuplicatePairRow;
using abc::ui::DuplicatePairRows;
using abc::ui::DuplicatesModel;
using abc::ui::DuplicatesView;
using abc::ui::EngineSession;
using abc::ui::MainWindow;

namespace {

constexpr int kWaitMs = 30000;
const QString kReference = QStringLiteral(ABC_REFERENCE_DIR);

QString screenshotDir() {
    const QString dir = QStringLiteral(ABC_BUILD_DIR "/screenshots");
    QDir().mkpath(dir);
    return dir;
}

// A pair as an unordered set of its two paths.
QStringList pairKey(const QString& a, const QString& b) {
    QStringList key{a, b};
    key.sort();
    return key;
}

QList<QStringList> shownPairs(const DuplicatesModel& model) {
    QList<QStringList> out;
    for (const DuplicatePairRow& pair : model.pairs())
        out << pairKey(pair.first, pair.second);
    return out;
}

QStringList filesUnder(const QString& folder) {
    QStringList out;
    QDirIterator it(folder, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        out << it.next() + QStringLiteral(" ") + QString::number(QFileInfo(it.filePath()).size());
    out.sort();
    return out;
}

}  // namespace

class TestUiDuplicates : public QObject {
    Q_OBJECT

    QTemporaryDir work_;
    QString photos_;
    std::shared_ptr<EngineSession> session_;
    QString dog_, dogCopy_, gradient_, gradientCopy_;

    // Sets the threshold and waits until the table shows the pairs for it.
    static bool showAt(DuplicatesView& view, double threshold) {
        QSignalSpy shown(&view, &DuplicatesView::pairsShown);
        view.setThreshold(threshold);
        return shown.wait(kWaitMs);
    }

  private slots:
    void initTestCase() {
        abc::test::useOwnApplicationSettings(QStringLiteral("abc-photos-duplicates-test"));
        QVERIFY(work_.isValid());
        photos_ = work_.filePath(QStringLiteral("photos"));
        QVERIFY(QDir().mkpath(photos_ + "/copies"));
        for (const char* name :
             {"dog_and_cat.jpg", "gradient_640x480.png", "gray_500x500.png", "rgba_300x200.png"}) {
            QVERIFY(QFile::copy(kReference + "/images/" + name, photos_ + "/" + name));
        }
        dog_ = photos_ + "/dog_and_cat.jpg";
        gradient_ = photos_ + "/gradient_640x480.png";
        // The same pictures as other files: smaller and re-encoded, and a PNG saved as JPEG.
        dogCopy_ = photos_ + "/copies/dog_and_cat_small.jpg";
        const QImage dog(dog_);
        QVERIFY(dog.scaled(dog.size() * 3 / 4, Qt::KeepAspectRatio, Qt::SmoothTransformation)
                    .save(dogCopy_, "JPEG", 80));
        gradientCopy_ = photos_ + "/copies/gradient.jpg";
        QVERIFY(QImage(gradient_).save(gradientCopy_, "JPEG", 85));

        const abc::ui::AppSettings settings =
            abc::test::tinySettings(work_.filePath(QStringLiteral("library.sqlite3")));
        const auto library = EngineSession::openLibrary(settings);
        session_ = EngineSession::loadModel(*library, settings);
        abc::PhotoIndexer indexer(*session_->store, *session_->embedder, *session_->decoder);
        abc::IndexOptions options;
        options.folders = {photos_.toStdString()};
        const auto summary = indexer.run(options);
        QCOMPARE(summary.embedded, std::size_t{6});
    }

    void modelPassesTheTester() {
        QTemporaryDir cache;
        abc::ui::ThumbnailProvider thumbnails(64, cache.path());
        DuplicatesModel model(&thumbnails, 48);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.columnCount(), 3);
        QCOMPARE(model.rowCount(), 0);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        model.setPairs(
            {{dog_, dogCopy_, 0.98f}, {gradient_, gradientCopy_, 0.97f}, {dog_, gradient_, 0.5f}});
        QCOMPARE(reset.count(), 1);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.rowCount(model.index(0, 0)), 0);
        QCOMPARE(model.index(1, DuplicatesModel::FirstPhoto).data(DuplicatesModel::PathRole),
                 QVariant(gradient_));
        QCOMPARE(model.index(1, DuplicatesModel::SecondPhoto).data(Qt::DisplayRole),
                 QVariant(QDir::toNativeSeparators(gradientCopy_)));
        QCOMPARE(model.index(0, DuplicatesModel::Similarity).data().toString(),
                 QStringLiteral("0.9800"));
        QCOMPARE(model.index(0, DuplicatesModel::FirstPhoto)
                     .data(DuplicatesModel::SimilarityRole)
                     .toFloat(),
                 0.98f);
        QCOMPARE(model.pathAt(2, DuplicatesModel::SecondPhoto), gradient_);
        QVERIFY(model.pathAt(2, DuplicatesModel::Similarity).isEmpty());
        QVERIFY(model.pathAt(3, DuplicatesModel::FirstPhoto).isEmpty());
        QVERIFY(
            !model.headerData(DuplicatesModel::Similarity, Qt::Horizontal).toString().isEmpty());

        // The thumbnail arrives from the provider's pool and changes only the picture of the
        // cells that show that photo (the dog is in rows 0 and 2).
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        const auto first = model.index(0, DuplicatesModel::FirstPhoto);
        const auto centre = [&] {
            const QIcon icon = first.data(Qt::DecorationRole).value<QIcon>();
            return icon.isNull() ? 0 : qAlpha(icon.pixmap(48, 48).toImage().pixel(24, 24));
        };
        QCOMPARE(centre(), 0);  // a transparent placeholder of the same size until it arrives
        QTRY_VERIFY_WITH_TIMEOUT(centre() > 0, 10000);
        QVERIFY(changed.count() >= 2);
        QList<QModelIndex> dogCells;
        for (const auto& arguments : changed) {
            const auto cell = arguments.at(0).toModelIndex();
            QCOMPARE(cell, arguments.at(1).toModelIndex());
            QCOMPARE(arguments.at(2).value<QList<int>>(), QList<int>{Qt::DecorationRole});
            QVERIFY(cell.column() != DuplicatesModel::Similarity);
            if (cell.data(DuplicatesModel::PathRole).toString() == dog_)
                dogCells << cell;
        }
        QCOMPARE(dogCells.size(), 2);
        QVERIFY(dogCells.contains(model.index(2, DuplicatesModel::FirstPhoto)));
        const QImage square =
            first.data(Qt::DecorationRole).value<QIcon>().pixmap(48, 48).toImage();
        QCOMPARE(square.size(), QSize(48, 48));
        // The dog photo is landscape: centred, with transparent bands above and below.
        QCOMPARE(qAlpha(square.pixel(24, 0)), 0);

        model.setPairs({});
        QCOMPARE(model.rowCount(), 0);
    }

    void listsTheKnownPairsAboveTheThresholdOnly() {
        DuplicatesView view;
        QAbstractItemModelTester tester(view.model(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(view.threshold(), 0.95);  // the CLI's default
        view.setSession(session_);
        QSignalSpy shown(&view, &DuplicatesView::pairsShown);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        // Computed off the GUI thread when shown; with a few photos it can be done while the
        // window is being exposed, before a wait() would start listening.
        QTRY_VERIFY_WITH_TIMEOUT(shown.count() > 0, kWaitMs);

        // At the default threshold: the two copies, nothing else, most similar first.
        const QList<QStringList> known = {pairKey(dog_, dogCopy_),
                                          pairKey(gradient_, gradientCopy_)};
        QList<QStringList> listed = shownPairs(*view.model());
        QCOMPARE(listed.size(), 2);
        QVERIFY(listed.contains(known[0]) && listed.contains(known[1]));
        const auto pairs = view.model()->pairs();
        QVERIFY(pairs[0].similarity >= pairs[1].similarity);
        QVERIFY(pairs[1].similarity >= 0.95f && pairs[0].similarity < 1.0f);
        // The same as the library's own finder (what `abc-photos-cli duplicates` prints).
        const auto library = session_->search->nearDuplicates(0.95f);
        QCOMPARE(static_cast<int>(library.size()), pairs.size());
        for (int i = 0; i < pairs.size(); ++i) {
            QCOMPARE(pairs[i].first, QString::fromStdString(library[i].first.path));
            QCOMPARE(pairs[i].second, QString::fromStdString(library[i].second.path));
            QCOMPARE(pairs[i].similarity, library[i].similarity);
        }
        QVERIFY2(view.summaryText().startsWith("2 pair"), qPrintable(view.summaryText()));
        QTest::qWait(500);  // thumbnails arrive from the pool
        QVERIFY(view.grab().save(screenshotDir() + "/duplicates.png"));

        // Just above the weaker pair's similarity it is gone; just at or below, it is back.
        const float weaker = pairs[1].similarity;
        const QStringList weakerKey = pairKey(pairs[1].first, pairs[1].second);
        QVERIFY(showAt(view, std::ceil(weaker * 1000.0 + 0.5) / 1000.0));
        listed = shownPairs(*view.model());
        QCOMPARE(listed.size(), 1);
        QVERIFY(!listed.contains(weakerKey));
        QVERIFY(showAt(view, std::floor(weaker * 1000.0) / 1000.0));
        QVERIFY(shownPairs(*view.model()).contains(weakerKey));
        // Above both: none, and the view says so.
        QVERIFY(showAt(view, 1.0));
        QCOMPARE(view.model()->rowCount(), 0);
        QVERIFY2(view.summaryText().startsWith("No two photos"), qPrintable(view.summaryText()));

        // Lower than what was computed: computed again, and again as the library says.
        QVERIFY(showAt(view, 0.8));
        const auto wider = session_->search->nearDuplicates(0.8f);
        QCOMPARE(view.model()->rowCount(), static_cast<int>(wider.size()));
        QVERIFY(shownPairs(*view.model()).contains(known[0]));
        for (const auto& pair : view.model()->pairs())
            QVERIFY(pair.similarity >= 0.8f);

        // The slider and the spin box are one control.
        auto* slider =
            view.findChild<QAbstractSlider*>(QStringLiteral("duplicatesThresholdSlider"));
        QVERIFY(slider);
        QSignalSpy again(&view, &DuplicatesView::pairsShown);
        slider->setValue(990);
        QCOMPARE(view.threshold(), 0.99);
        QVERIFY(again.wait(kWaitMs));
    }

    void eachPhotoCanBeOpenedRevealedAndShownInTheResults() {
        const QStringList before = filesUnder(photos_);
        MainWindow window;
        window.setSession(session_);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        DuplicatesView* view = window.duplicatesView();
        QList<QUrl> opened;
        QList<QUrl> revealed;
        view->setDesktop([&](const QUrl& file) { opened << file; },
                         [&](const QUrl& file) { revealed << file; });
        QSignalSpy listed(view, &DuplicatesView::pairsShown);
        QTest::keyClick(&window, Qt::Key_D, Qt::ControlModifier);  // View > Near duplicates
        QTRY_VERIFY(view->isVisible());
        QVERIFY(listed.wait(kWaitMs));
        QVERIFY(view->model()->rowCount() >= 1);
        view->table()->selectRow(0);
        const DuplicatePairRow pair = view->model()->pair(0);

        const auto click = [&](const char* name) {
            auto* button = view->findChild<QPushButton*>(QString::fromLatin1(name));
            QVERIFY2(button && button->isEnabled(), name);
            QTest::mouseClick(button, Qt::LeftButton);
        };
        click("openFirst");
        click("revealSecond");
        QCOMPARE(opened, QList<QUrl>{QUrl::fromLocalFile(pair.first)});
        QCOMPARE(revealed, QList<QUrl>{QUrl::fromLocalFile(pair.second)});

        // "Show in results": the photo selected in the grid and the detail pane, its near
        // duplicate right after it.
        QSignalSpy shown(&window, &MainWindow::resultsShown);
        click("showInResultsSecond");
        QVERIFY(shown.wait(kWaitMs));
        QCOMPARE(findNamed<abc::ui::ResultsView>(window, "resultsView")
                     ->currentIndex()
                     .data(abc::ui::ResultsModel::PathRole),
                 QVariant(pair.second));
        QCOMPARE(findNamed<abc::ui::DetailPane>(window, "detailPane")->path(), pair.second);
        QCOMPARE(window.resultsModel()->hit(0).path, pair.second);
        QCOMPARE(window.resultsModel()->hit(1).path, pair.first);

        QCOMPARE(filesUnder(photos_), before);  // nothing deleted, moved or rewritten
    }

    void viewControlsAreNamed() {
        DuplicatesView view;
        view.setSession(session_);
        int checked = 0;
        for (QWidget* widget : view.findChildren<QWidget*>()) {
            const bool interactive =
                qobject_cast<QAbstractButton*>(widget) || qobject_cast<QAbstractSpinBox*>(widget) ||
                qobject_cast<QAbstractSlider*>(widget) || qobject_cast<QTableView*>(widget);
            if (!interactive || widget->objectName().startsWith("qt_") ||
                qobject_cast<QScrollBar*>(widget) || widget->inherits("QTableCornerButton") ||
                qobject_cast<QAbstractSpinBox*>(widget->parent())) {
                continue;
            }
            const auto* button = qobject_cast<QAbstractButton*>(widget);
            QVERIFY2(!widget->accessibleName().isEmpty() || (button && !button->text().isEmpty()),
                     qPrintable(widget->metaObject()->className() + QStringLiteral(" ") +
                                widget->objectName()));
            ++checked;
        }
        QVERIFY2(checked >= 10, qPrintable(QString::number(checked)));
    }

    void cleanupTestCase() { session_.reset(); }
};

QTEST_MAIN(TestUiDuplicates)
#include "test_ui_duplicates.moc"
