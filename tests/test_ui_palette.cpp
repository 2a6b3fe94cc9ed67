// The window follows the system palette: under a light and a dark Fusion palette, the result
// tiles (names and score badges), the detail pane, the heatmap and the first-run page (the
// model folders' found / missing status included) are drawn with the palette's colours. Each widget
// is rendered with grab(); a region's background must be the palette's and its text must contrast
// with it (WCAG ratio >= 4.5), so one hard-coded light or dark colour fails one of the two
// palettes. Also writes a dark screenshot of the main window with results to
// ${ABC_BUILD_DIR}/screenshots/main_window_dark.png.
#include <QApplication>
#include <QDir>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStyleFactory>
#include <QTemporaryDir>
#include <QTest>
#include <QVBoxLayout>
#include <cmath>
#include <map>

#include "support/ui_test_setup.h"
#include "ui/detail_pane.h"
#include "ui/first_run_page.h"
#include "ui/main_window.h"
#include "ui/model_location_row.h"
#include "ui/readable_colour.h"
#include "ui/result_tile_delegate.h"
#include "ui/results_model.h"
#include "ui/results_view.h"
#include "ui/similarity_heatmap.h"
#include "ui_photo_library.h"

using abc::test::findNamed;
using abc::ui::MainWindow;

namespace {

const QString kReference = QStringLiteral(ABC_REFERENCE_DIR);

QPalette darkPalette() {
    QPalette p;
    const QColor window(45, 45, 48), base(30, 30, 32), text(230, 230, 230);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(55, 55, 60));
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(150, 150, 150));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(60, 60, 64));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::red);
    p.setColor(QPalette::Link, QColor(110, 170, 255));
    p.setColor(QPalette::Highlight, QColor(61, 130, 214));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Light, QColor(80, 80, 84));
    p.setColor(QPalette::Midlight, QColor(70, 70, 74));
    p.setColor(QPalette::Mid, QColor(40, 40, 42));
    p.setColor(QPalette::Dark, QColor(25, 25, 27));
    p.setColor(QPalette::Shadow, Qt::black);
    for (const auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, QColor(120, 120, 120));
    return p;
}

double channel(double c) {
    return c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

double luminance(QRgb rgb) {
    return 0.2126 * channel(qRed(rgb) / 255.0) + 0.7152 * channel(qGreen(rgb) / 255.0) +
           0.0722 * channel(qBlue(rgb) / 255.0);
}

double contrast(QRgb a, QRgb b) {
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

struct Region {
    QRgb background = 0;  // the most common colour
    QRgb ink = 0;         // the colour that contrasts most with it
    double ratio = 1.0;
};

Region measure(const QImage& image, const QRect& area) {
    std::map<QRgb, int> counts;
    const QRect r = area.intersected(image.rect());
    for (int y = r.top(); y <= r.bottom(); ++y)
        for (int x = r.left(); x <= r.right(); ++x)
            ++counts[image.pixel(x, y) | 0xff000000u];
    Region out;
    int best = -1;
    for (const auto& [colour, count] : counts) {
        if (count > best) {
            best = count;
            out.background = colour;
        }
    }
    for (const auto& [colour, count] : counts) {
        const double ratio = contrast(colour, out.background);
        if (count >= 3 && ratio > out.ratio) {  // a few pixels: a glyph, not one stray pixel
            out.ratio = ratio;
            out.ink = colour;
        }
    }
    return out;
}

// The pixels of exactly `colour`.
QRect boundingBoxOf(const QImage& image, QRgb colour) {
    QRect box;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            if ((image.pixel(x, y) | 0xff000000u) == (colour | 0xff000000u))
                box |= QRect(x, y, 1, 1);
    return box;
}

QString describe(const Region& region) {
    return QStringLiteral("background %1, ink %2, contrast %3")
        .arg(QColor(region.background).name(), QColor(region.ink).name())
        .arg(region.ratio, 0, 'f', 2);
}

bool near(QRgb a, QColor b, int tolerance = 6) {
    return std::abs(qRed(a) - b.red()) <= tolerance &&
           std::abs(qGreen(a) - b.green()) <= tolerance &&
           std::abs(qBlue(a) - b.blue()) <= tolerance;
}

// `area` of `image` shows text readable on the palette's `role` colour.
#define VERIFY_READABLE_ON(image, area, palette, role, what)                                       \
    do {                                                                                           \
        const Region region_ = measure((image), (area));                                           \
        QVERIFY2(near(region_.background, (palette).color(role)),                                  \
                 qPrintable(QStringLiteral(what ": not on the palette's colour %1; ")              \
                                .arg((palette).color(role).name()) +                               \
                            describe(region_)));                                                   \
        QVERIFY2(region_.ratio >= 4.5, qPrintable(QStringLiteral(what ": ") + describe(region_))); \
    } while (false)

QRect inside(const QWidget* widget, const QWidget* ancestor) {
    return QRect(widget->mapTo(ancestor, QPoint(0, 0)), widget->size());
}

}  // namespace

class TestUiPalette : public QObject {
    Q_OBJECT

    QTemporaryDir work_;
    abc::test::UiPhotoLibrary library_;

    void usePalette(const QByteArray& name) {
        QApplication::setPalette(name == "dark" ? darkPalette()
                                                : QApplication::style()->standardPalette());
    }

  private slots:
    void initTestCase() {
        QDir().mkpath(QStringLiteral(ABC_BUILD_DIR "/screenshots"));
        abc::test::useOwnApplicationSettings(QStringLiteral("abc-photos-palette-test"));
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QVERIFY(work_.isValid());
        QStringList photos;
        for (const char* name :
             {"dog_and_cat.jpg", "gradient_640x480.png", "gray_500x500.png", "rounding_462x350.png",
              "tiny_40x30.jpg", "rgba_300x200.png", "panorama_2000x300.png"})
            photos << kReference + "/images/" + QString::fromLatin1(name);
        library_ =
            abc::test::makeUiPhotoLibrary(work_.filePath(QStringLiteral("photos")),
                                          work_.filePath(QStringLiteral("library.db")), 0, photos);
    }

    void cleanup() { usePalette("light"); }

    void tilesFollowThePalette_data() {
        QTest::addColumn<QByteArray>("palette");
        QTest::newRow("light") << QByteArray("light");
        QTest::newRow("dark") << QByteArray("dark");
    }
    void tilesFollowThePalette() {
        QFETCH(QByteArray, palette);
        usePalette(palette);
        abc::ui::ResultsModel model(nullptr);  // no thumbnails: the placeholder is drawn
        abc::ui::ResultsView view;
        view.setItemDelegate(new abc::ui::ResultTileDelegate(160, &view));
        view.setModel(&model);
        abc::ui::PhotoHits hits;
        for (int i = 0; i < 6; ++i)
            hits.append({library_.paths.at(i), 0.9f - 0.1f * i});
        model.setHits(hits);
        view.resize(760, 480);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setCurrentIndex(model.index(1));  // one selected tile, one plain
        const QImage image = view.viewport()->grab().toImage();
        const QPalette& p = view.palette();
        const int line = view.fontMetrics().height();
        for (const int row : {0, 1}) {
            const QRect tile = view.visualRect(model.index(row));
            const QRect name(tile.left() + 8, tile.bottom() - line - 6, tile.width() - 16,
                             line + 2);
            if (row == 0) {
                VERIFY_READABLE_ON(image, name, p, QPalette::Base, "file name under a tile");
            } else {
                const Region region = measure(image, name);
                QVERIFY2(region.ratio >= 4.5, qPrintable("selected tile: " + describe(region)));
            }
            // The score badge sits on the photo, so its own dark plate and white text are the
            // same in every palette; it must stay readable.
            const QRect badge(tile.right() - 60, tile.top() + 6, 54, line + 4);
            const Region score = measure(image, badge);
            QVERIFY2(score.ratio >= 4.5, qPrintable("score badge: " + describe(score)));
        }
        // The empty part of the grid is the palette's base colour.
        const QRect below(0, view.visualRect(model.index(5)).bottom() + 8, image.width(), 20);
        QVERIFY2(near(measure(image, below).background, p.color(QPalette::Base)),
                 qPrintable(describe(measure(image, below))));
    }

    void detailPaneFollowsThePalette_data() { tilesFollowThePalette_data(); }
    void detailPaneFollowsThePalette() {
        QFETCH(QByteArray, palette);
        usePalette(palette);
        abc::ui::DetailPane pane;
        pane.resize(320, 600);
        pane.show();
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        const QPalette& p = pane.palette();
        auto* preview = pane.findChild<QLabel*>(QStringLiteral("detailPreview"));
        QImage image = pane.grab().toImage();
        VERIFY_READABLE_ON(image, inside(preview, &pane), p, QPalette::Window,
                           "empty preview text");

        pane.showHit({library_.paths.at(0), 0.4321f});
        QTRY_VERIFY(!preview->pixmap().isNull());
        image = pane.grab().toImage();
        auto* info = pane.findChild<QLabel*>(QStringLiteral("detailInfo"));
        VERIFY_READABLE_ON(image, inside(info, &pane), p, QPalette::Window, "path, size, score");
        for (auto* button : pane.findChildren<QPushButton*>()) {
            const QRect r = inside(button, &pane).adjusted(4, 4, -4, -4);
            const Region region = measure(image, r);
            QVERIFY2(region.ratio >= 4.5,
                     qPrintable(button->objectName() + QStringLiteral(": ") + describe(region)));
            QVERIFY2(std::abs(luminance(region.background) -
                              luminance(p.color(QPalette::Button).rgb())) < 0.08,
                     qPrintable(button->objectName() + QStringLiteral(": ") + describe(region)));
        }
    }

    void heatmapFollowsThePalette_data() { tilesFollowThePalette_data(); }
    void heatmapFollowsThePalette() {
        QFETCH(QByteArray, palette);
        usePalette(palette);
        abc::ui::SimilarityHeatmap heatmap;
        abc::ui::SimilarityMatrix matrix;
        matrix.instructions = {QStringLiteral("what is the animal on the left?"),
                               QStringLiteral("what is the animal on the right?")};
        matrix.candidates = {QStringLiteral("a dog"), QStringLiteral("a cat")};
        matrix.values = {0.31f, 0.12f, 0.08f, 0.27f};
        heatmap.setMatrix(matrix);
        heatmap.resize(640, 260);
        heatmap.show();
        QVERIFY(QTest::qWaitForWindowExposed(&heatmap));
        const QPalette& p = heatmap.palette();
        for (const QImage& image : {heatmap.grab().toImage(), heatmap.toImage(640)}) {
            // The instruction labels on the left and the candidate names on top.
            const int w = image.width();
            VERIFY_READABLE_ON(image, QRect(4, 60, w / 4, image.height() / 3), p, QPalette::Window,
                               "instruction labels");
            VERIFY_READABLE_ON(image, QRect(w / 3, 0, w * 2 / 3, 40), p, QPalette::Window,
                               "candidate names");
        }
        // Each value stays readable on its cell: the lowest and the highest cell have the ramp's
        // two ends (viridis: dark purple, yellow), so one needs light text and the other dark.
        const QImage image = heatmap.toImage(640);
        for (const QColor end : {QColor(68, 1, 84), QColor(253, 231, 37)}) {
            const QRect cell = boundingBoxOf(image, end.rgb());
            QVERIFY2(cell.width() > 60 && cell.height() > 30, qPrintable(end.name()));
            const Region region = measure(image, cell.adjusted(3, 3, -3, -3));
            QCOMPARE(QColor(region.background), end);
            QVERIFY2(region.ratio >= 4.5, qPrintable("heatmap cell: " + describe(region)));
        }
    }

    void firstRunPageFollowsThePalette_data() { tilesFollowThePalette_data(); }
    void firstRunPageFollowsThePalette() {
        QFETCH(QByteArray, palette);
        usePalette(palette);
        abc::ui::AppSettings missing;
        missing.baseModel = work_.filePath(QStringLiteral("no-such-model"));
        missing.pretrainAdapter = QStringLiteral("nobody/no-such-adapter");
        // One row found, so both the "found" and the "missing" status colours are drawn.
        missing.instructAdapter = kReference + "/tiny-abc/ABC-Instruct";
        abc::ui::FirstRunPage page(missing);
        page.resize(900, 720);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        const QImage image = page.grab().toImage();
        const QPalette& p = page.palette();
        QVERIFY(image.save(QStringLiteral(ABC_BUILD_DIR "/screenshots/first_run_") +
                           QString::fromLatin1(palette) + ".png"));
        int checked = 0;
        int found = 0;
        int missingRows = 0;
        for (QLabel* label : page.findChildren<QLabel*>()) {
            if (!label->isVisible() || label->text().isEmpty())
                continue;
            if (auto* row = qobject_cast<abc::ui::ModelLocationRow*>(label->parentWidget())) {
                // The found / missing status is coloured (green / red) and must stay readable.
                VERIFY_READABLE_ON(image, inside(label, &page), p, QPalette::Window,
                                   "model location status");
                ++(row->isFound() ? found : missingRows);
                continue;
            }
            VERIFY_READABLE_ON(image, inside(label, &page), p, QPalette::Window, "first-run text");
            ++checked;
        }
        QVERIFY2(checked >= 5, qPrintable(QString::number(checked)));
        QCOMPARE(found, 1);
        QCOMPARE(missingRows, 2);
    }

    // The shading itself, on every grey and on the two palettes' own window colours: always
    // 4.5:1 (by this test's own WCAG formula), and the colour unchanged where it already was.
    void readableShadeReachesTheContrastOnAnyBackground() {
        QList<QColor> backgrounds{QApplication::style()->standardPalette().color(QPalette::Window),
                                  darkPalette().color(QPalette::Window)};
        for (int grey = 0; grey < 256; grey += 5)
            backgrounds << QColor(grey, grey, grey);
        for (const QColor hue : {QColor(0x2e, 0x8b, 0x57), QColor(0xc0, 0x39, 0x2b)}) {
            for (const QColor& background : backgrounds) {
                const QColor shade = abc::ui::readableOn(hue, background);
                const double ratio = contrast(shade.rgb(), background.rgb());
                QVERIFY2(ratio >= 4.5,
                         qPrintable(QStringLiteral("%1 for %2 on %3: %4")
                                        .arg(shade.name(), hue.name(), background.name())
                                        .arg(ratio)));
                if (contrast(hue.rgb(), background.rgb()) >= 4.5)
                    QCOMPARE(shade, hue);
            }
        }
    }

    // The settings dialog's rows live as long as the window: a theme switched while they are
    // shown re-shades the found / missing status for the new background.
    void locationStatusFollowsAPaletteChange() {
        usePalette("light");
        QWidget box;
        auto* layout = new QVBoxLayout(&box);
        auto* found = new abc::ui::ModelLocationRow(abc::ui::CheckpointKind::PretrainAdapter,
                                                    QStringLiteral("found"), &box);
        found->setText(kReference + "/tiny-abc/ABC-Pretrain");
        auto* missing = new abc::ui::ModelLocationRow(abc::ui::CheckpointKind::BaseModel,
                                                      QStringLiteral("missing"), &box);
        missing->setText(work_.filePath(QStringLiteral("no-such-model")));
        layout->addWidget(found);
        layout->addWidget(missing);
        QVERIFY(found->isFound());
        QVERIFY(!missing->isFound());
        box.resize(700, 160);
        box.show();
        QVERIFY(QTest::qWaitForWindowExposed(&box));
        for (const QByteArray& palette : {QByteArray("dark"), QByteArray("light")}) {
            usePalette(palette);
            QApplication::processEvents();
            const QImage image = box.grab().toImage();
            const QPalette& p = box.palette();
            for (auto* row : {found, missing}) {
                QLabel* status = nullptr;
                for (QLabel* label : row->findChildren<QLabel*>())
                    status = label->text().isEmpty() ? status : label;
                QVERIFY(status);
                VERIFY_READABLE_ON(image, inside(status, &box), p, QPalette::Window,
                                   "model location status after a palette change");
            }
        }
    }

    void darkMainWindowScreenshot() {
        usePalette("dark");
        MainWindow window;
        window.setSession(library_.session);
        window.resize(1280, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QSignalSpy shown(&window, &MainWindow::resultsShown);
        findNamed<QLineEdit>(window, "searchBar")->setText(QStringLiteral("a dog on the sofa"));
        window.runSearch();
        QVERIFY(shown.wait(20000));
        QCOMPARE(window.resultsModel()->rowCount(), library_.paths.size());
        findNamed<abc::ui::ResultsView>(window, "resultsView")
            ->setCurrentIndex(window.resultsModel()->index(1));
        // Every visible thumbnail decoded off the GUI thread, and the preview.
        QTRY_VERIFY_WITH_TIMEOUT(!findNamed<abc::ui::DetailPane>(window, "detailPane")
                                      ->findChild<QLabel*>(QStringLiteral("detailPreview"))
                                      ->pixmap()
                                      .isNull(),
                                 10000);
        QTRY_VERIFY_WITH_TIMEOUT(abc::test::thumbnailsLoaded(*findNamed<abc::ui::ThumbnailProvider>(
                                                                 window, "resultThumbnails"),
                                                             window.resultsModel()->hits()),
                                 10000);
        const QImage image = window.grab().toImage();
        const QString dir = QStringLiteral(ABC_BUILD_DIR "/screenshots");
        QDir().mkpath(dir);
        QVERIFY(image.save(dir + "/main_window_dark.png"));
        // The whole window is dark: its status bar and the grid's empty space.
        const QPalette& p = window.palette();
        VERIFY_READABLE_ON(image, QRect(4, image.height() - 20, 400, 18), p, QPalette::Window,
                           "status bar");
        auto* view = findNamed<abc::ui::ResultsView>(window, "resultsView");
        const QRect viewport = inside(view->viewport(), &window);
        const QRect empty(viewport.left() + 4, viewport.bottom() - 30, viewport.width() - 8, 24);
        QVERIFY2(near(measure(image, empty).background, p.color(QPalette::Base)),
                 qPrintable(describe(measure(image, empty))));
    }
};

QTEST_MAIN(TestUiPalette)
#include "test_ui_palette.moc"
