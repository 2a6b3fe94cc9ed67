// Settings' per-photo times are measured once a photo was indexed: after a real indexing run
// through the window (tiny ABC checkpoint, real SQLite library), the dialog opened on the
// settings as a restart reads them says "measured" for the device and precision the run used,
// with the window's own "automatic" device, and "estimate" for another precision.
#include <QComboBox>
#include <QDir>
#include <QRadioButton>
#include <QTemporaryDir>
#include <QTest>

#include "core/model/device.h"
#include "support/photo_files.h"
#include "support/ui_test_setup.h"
#include "support/ui_window.h"
#include "ui/engine_session.h"
#include "ui/main_window.h"
#include "ui/settings_dialog.h"

using abc::test::findNamed;
using abc::ui::AppSettings;
using abc::ui::EngineSession;
using abc::ui::MainWindow;

class TestUiMeasuredEstimate : public QObject {
    Q_OBJECT

    QTemporaryDir work_;

    static QStringList budgetTexts(const QWidget& dialog) {
        QStringList texts;
        for (const char* key : {"budget_fast", "budget_balanced", "budget_best"})
            texts << findNamed<QRadioButton>(dialog, QLatin1String(key))->text();
        return texts;
    }

  private slots:
    void initTestCase() {
        abc::test::useOwnApplicationSettings(QStringLiteral("abc-photos-measured-test"));
        QVERIFY(work_.isValid());
    }

    void estimatesSayMeasuredAfterAnIndexRun() {
        const QString photos = QDir(work_.filePath(QStringLiteral("photos"))).absolutePath();
        abc::test::writeImage(photos + "/one.png", 1);
        abc::test::writeImage(photos + "/two.png", 2);
        // Before any run: estimates.
        for (const QString& text :
             budgetTexts(abc::ui::SettingsDialog(AppSettings::load(), abc::runtimeInfo()))) {
            QVERIFY2(text.endsWith(QStringLiteral("(estimate)")), qPrintable(text));
        }
        {
            const auto settings = abc::test::tinySettings(work_.filePath("library.sqlite3"));
            const auto library = EngineSession::openLibrary(settings);
            const auto session = EngineSession::loadModel(*library, settings);
            QVERIFY(session->hasModel());
            MainWindow window;
            QVERIFY(abc::test::showWindow(window, session));
            QVERIFY(abc::test::addAndIndex(window, photos));
        }

        // As the next start reads the settings.
        const AppSettings after = AppSettings::load();
        QVERIFY(after.measuredSecondsPerToken > 0.0);
        abc::ui::SettingsDialog dialog(after, abc::runtimeInfo());
        for (const QString& text : budgetTexts(dialog))
            QVERIFY2(text.endsWith(QStringLiteral("(measured)")), qPrintable(text));

        // The rate holds for what it was measured with only.
        auto* precision = findNamed<QComboBox>(dialog, "precisionChoice");
        const QString device =
            findNamed<QComboBox>(dialog, "deviceChoice")->currentData().toString();
        const QString other =
            device == QLatin1String("cpu") ? QStringLiteral("bfloat16") : QStringLiteral("float32");
        precision->setCurrentIndex(precision->findData(other));
        for (const QString& text : budgetTexts(dialog))
            QVERIFY2(text.endsWith(QStringLiteral("(estimate)")), qPrintable(text));
    }
};

QTEST_MAIN(TestUiMeasuredEstimate)
#include "test_ui_measured_estimate.moc"
