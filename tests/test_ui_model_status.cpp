// Settings' model section tells a missing part the application needs (an error) from one it
// runs without (the instruct adapter: a fact).
#include <QLabel>
#include <QTemporaryDir>
#include <QTest>

#include "core/model/device.h"
#include "support/ui_test_setup.h"
#include "ui/model_location_row.h"
#include "ui/settings_dialog.h"

using abc::test::findNamed;

namespace {

const QString kReference = QStringLiteral(ABC_REFERENCE_DIR);

// The status line of the model row titled `title`, as assistive technology finds it.
QLabel* statusOf(const QWidget& dialog, const QString& title) {
    for (QLabel* label : dialog.findChildren<QLabel*>()) {
        if (label->accessibleName() == QStringLiteral("Status of ") + title)
            return label;
    }
    qFatal("no status line for %s", qPrintable(title));
}

QColor textColour(const QLabel* label) {
    return label->palette().color(QPalette::WindowText);
}

}  // namespace

class ModelStatusTest : public QObject {
    Q_OBJECT

    QTemporaryDir cache_;

  private slots:
    void initTestCase() {
        abc::test::useOwnApplicationSettings(QStringLiteral("test_ui_model_status"));
        QVERIFY(cache_.isValid());
        // An empty hub cache: nothing named by id is downloaded.
        qputenv("HF_HUB_CACHE", cache_.path().toUtf8());
    }

    void unsetInstructAdapterIsOptionalNotAnError() {
        abc::ui::AppSettings settings;
        settings.baseModel = kReference + "/tiny-abc/Qwen2-VL";
        settings.pretrainAdapter = QStringLiteral("nobody/no-such-adapter");
        abc::ui::SettingsDialog dialog(settings, abc::runtimeInfo());
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));

        const QLabel* instruct = statusOf(dialog, QStringLiteral("ABC instruct adapter"));
        QVERIFY2(instruct->text().contains(QStringLiteral("Not installed (optional: used only "
                                                          "for image+instruction)")),
                 qPrintable(instruct->text()));
        QVERIFY2(!instruct->text().contains(QStringLiteral("✘")), qPrintable(instruct->text()));
        QCOMPARE(textColour(instruct), dialog.palette().color(QPalette::WindowText));

        // A required part that is missing keeps the red cross: the two must look different.
        const QLabel* pretrain = statusOf(dialog, QStringLiteral("ABC pretrain adapter"));
        QVERIFY2(pretrain->text().startsWith(QStringLiteral("✘")), qPrintable(pretrain->text()));
        QVERIFY(textColour(pretrain) != textColour(instruct));
        QVERIFY(textColour(pretrain).red() > textColour(pretrain).green());
        const QLabel* base = statusOf(dialog, QStringLiteral("Base model"));
        QVERIFY2(base->text().startsWith(QStringLiteral("✔")), qPrintable(base->text()));
    }

    // Named by hub id but not downloaded: the row and the cache panel both say "not installed",
    // the row's tooltip keeps where it was looked for.
    void undownloadedInstructAdapterIsOptionalInTheCachePanel() {
        abc::ui::AppSettings settings;
        settings.baseModel = QStringLiteral("nobody/no-such-model");
        settings.pretrainAdapter = QStringLiteral("nobody/no-such-adapter");
        settings.instructAdapter = QStringLiteral("nobody/no-such-instruct");
        abc::ui::SettingsDialog dialog(settings, abc::runtimeInfo());
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));

        const QLabel* instruct = statusOf(dialog, QStringLiteral("ABC instruct adapter"));
        QVERIFY2(instruct->text().startsWith(QStringLiteral("○ Not installed (optional")),
                 qPrintable(instruct->text()));
        QVERIFY2(instruct->toolTip().contains(QStringLiteral("no-such-instruct")),
                 qPrintable(instruct->toolTip()));
        QCOMPARE(textColour(instruct), dialog.palette().color(QPalette::WindowText));

        const QString required = findNamed<QLabel>(dialog, "modelCacheRepo1")->text();
        QVERIFY2(required.contains(QStringLiteral("not in the cache")), qPrintable(required));
        const QString optional = findNamed<QLabel>(dialog, "modelCacheRepo2")->text();
        QVERIFY2(optional.contains(QStringLiteral("Not installed (optional: used only for "
                                                  "image+instruction)")),
                 qPrintable(optional));
    }

    // A folder that is there but lacks the adapter's files is broken, optional or not.
    void brokenInstructFolderIsStillAnError() {
        QTemporaryDir empty;
        abc::ui::AppSettings settings;
        settings.instructAdapter = empty.path();
        abc::ui::SettingsDialog dialog(settings, abc::runtimeInfo());
        const QLabel* instruct = statusOf(dialog, QStringLiteral("ABC instruct adapter"));
        QVERIFY2(instruct->text().startsWith(QStringLiteral("✘")), qPrintable(instruct->text()));
        QVERIFY2(instruct->text().contains(QStringLiteral("adapter_config.json")),
                 qPrintable(instruct->text()));
    }
};

QTEST_MAIN(ModelStatusTest)
#include "test_ui_model_status.moc"
