// Every control a person can operate, in every window of the application, has a name a screen
// reader announces: buttons, check boxes, line and text edits, item views, combo boxes, spin
// boxes, date edits, sliders and keyboard-reachable links. The name is the one the
// accessibility interface reports (QAccessible::Name: the accessible name, a button's text, or
// a line edit's buddy label). Walked: the main window (search and experiment tabs, folders,
// filters, detail pane, status bar), the settings dialog, the first-run page, the
// near-duplicates dialog, the large preview and the list of unreadable files.
#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAbstractSlider>
#include <QAbstractSpinBox>
#include <QAccessible>
#include <QApplication>
#include <QCalendarWidget>
#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QSettings>
#include <QSlider>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTextEdit>

#include "core/model/device.h"
#include "support/ui_test_setup.h"
#include "ui/duplicates_view.h"
#include "ui/failed_files_dialog.h"
#include "ui/first_run_page.h"
#include "ui/main_window.h"
#include "ui/photo_preview.h"
#include "ui/settings_dialog.h"
#include "ui_photo_library.h"

using abc::test::findNamed;
using abc::ui::AppSettings;
using abc::ui::MainWindow;

namespace {

// The kinds of control walked, by the name reported when one lacks a name.
QString controlKind(QWidget* widget) {
    if (qobject_cast<QAbstractButton*>(widget))
        return QStringLiteral("button");
    if (qobject_cast<QLineEdit*>(widget))
        return QStringLiteral("line edit");
    if (qobject_cast<QTextEdit*>(widget) || qobject_cast<QPlainTextEdit*>(widget))
        return QStringLiteral("text edit");
    if (qobject_cast<QAbstractItemView*>(widget))
        return QStringLiteral("item view");
    if (qobject_cast<QComboBox*>(widget))
        return QStringLiteral("combo box");
    if (qobject_cast<QDateTimeEdit*>(widget))
        return QStringLiteral("date edit");
    if (qobject_cast<QAbstractSpinBox*>(widget))
        return QStringLiteral("spin box");
    if (qobject_cast<QAbstractSlider*>(widget) && !qobject_cast<QScrollBar*>(widget))
        return QStringLiteral("slider");
    if (auto* label = qobject_cast<QLabel*>(widget);
        label && (label->textInteractionFlags() & Qt::LinksAccessibleByKeyboard))
        return QStringLiteral("link");
    // Anything else Tab reaches (the heatmap, say) is operated too.
    if (widget->focusPolicy() & Qt::TabFocus)
        return QStringLiteral("focusable");
    return {};
}

bool hasAncestor(QWidget* widget, QWidget* root, auto predicate) {
    for (QWidget* up = widget->parentWidget(); up && up != root; up = up->parentWidget()) {
        if (predicate(up))
            return true;
    }
    return false;
}

// Parts Qt builds inside a control and announces through it: the line edit of a spin box or
// combo box, a combo box's popup list, a date edit's calendar, tab bar scroll buttons, dock
// title buttons, a line edit's clear button, a table's headers (its column and row header
// cells) and corner button.
bool isPartOfAnotherControl(QWidget* widget, QWidget* root) {
    if (widget->objectName().startsWith(QStringLiteral("qt_")) ||
        widget->inherits("QDockWidgetTitleButton") || widget->inherits("QLineEditIconButton"))
        return true;
    if ((qobject_cast<QHeaderView*>(widget) || widget->inherits("QTableCornerButton")) &&
        qobject_cast<QAbstractItemView*>(widget->parentWidget()))
        return true;
    return hasAncestor(widget, root, [](QWidget* up) {
        return qobject_cast<QAbstractSpinBox*>(up) || qobject_cast<QComboBox*>(up) ||
               qobject_cast<QCalendarWidget*>(up) || qobject_cast<QTabBar*>(up) ||
               up->inherits("QComboBoxPrivateContainer");
    });
}

QString accessibleName(QWidget* widget) {
    QAccessibleInterface* face = QAccessible::queryAccessibleInterface(widget);
    return face ? face->text(QAccessible::Name).trimmed() : QString();
}

struct Walk {
    QMap<QString, int> checked;  // kind -> controls with a name
    QStringList unnamed;         // "kind class objectName" of those without
};

Walk walk(QWidget* root) {
    Walk out;
    for (QWidget* widget : root->findChildren<QWidget*>()) {
        const QString kind = controlKind(widget);
        if (kind.isEmpty() || isPartOfAnotherControl(widget, root))
            continue;
        if (accessibleName(widget).isEmpty()) {
            out.unnamed << QStringLiteral("%1 %2 '%3'")
                               .arg(kind, QString::fromLatin1(widget->metaObject()->className()),
                                    widget->objectName());
        } else {
            ++out.checked[kind];
        }
    }
    return out;
}

// Fails with the list of unnamed controls; also fails when a kind the window is known to
// contain was not found, so a walk that silently stopped finding controls cannot pass.
bool everyControlNamed(QWidget* root, const QStringList& expectedKinds) {
    const Walk result = walk(root);
    bool ok = true;
    if (!result.unnamed.isEmpty()) {
        qWarning("%s: controls without an accessible name:\n  %s", qPrintable(root->objectName()),
                 qPrintable(result.unnamed.join("\n  ")));
        ok = false;
    }
    for (const QString& kind : expectedKinds) {
        if (result.checked.value(kind) == 0) {
            qWarning("%s: no %s found to check", qPrintable(root->objectName()), qPrintable(kind));
            ok = false;
        }
    }
    return ok;
}

}  // namespace

class TestUiAccessibility : public QObject {
    Q_OBJECT

    QTemporaryDir work_;
    abc::test::UiPhotoLibrary library_;

  private slots:
    void initTestCase() {
        abc::test::useOwnApplicationSettings(QStringLiteral("abc-photos-accessibility-test"));
        QVERIFY(work_.isValid());
        library_ =
            abc::test::makeUiPhotoLibrary(work_.filePath(QStringLiteral("photos")),
                                          work_.filePath(QStringLiteral("library.sqlite3")), 4);
    }

    // The walk itself: a control without a name is found, by kind, and a named one passes.
    void walkFindsUnnamedControls() {
        QWidget root;
        root.setObjectName(QStringLiteral("probe"));
        auto* spin = new QSpinBox(&root);
        auto* slider = new QSlider(&root);
        auto* date = new QDateEdit(&root);
        auto* text = new QPlainTextEdit(&root);
        auto* check = new QCheckBox(&root);
        Walk result = walk(&root);
        QCOMPARE(result.unnamed.size(), 5);
        for (QWidget* widget : std::initializer_list<QWidget*>{spin, slider, date, text})
            widget->setAccessibleName(QStringLiteral("named"));
        check->setText(QStringLiteral("&Checked"));  // a check box is announced by its text
        result = walk(&root);
        QVERIFY2(result.unnamed.isEmpty(), qPrintable(result.unnamed.join(", ")));
        QCOMPARE(result.checked.value("spin box"), 1);
        QCOMPARE(result.checked.value("slider"), 1);
        QCOMPARE(result.checked.value("date edit"), 1);
        QCOMPARE(result.checked.value("text edit"), 1);
        QCOMPARE(result.checked.value("button"), 1);
    }

    void mainWindow() {
        MainWindow window;
        window.setSession(library_.session);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        // The experiment tab's controls are walked too, and the hidden ones (the date range,
        // the indexing buttons) as they will be when shown.
        findNamed<QTabWidget>(window, "mainTabs")->setCurrentIndex(1);
        QVERIFY(everyControlNamed(&window, {"button", "line edit", "text edit", "item view",
                                            "combo box", "date edit", "link"}));
    }

    void settingsDialog() {
        AppSettings settings;
        abc::ui::SettingsDialog dialog(settings, abc::runtimeInfo());
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QVERIFY(everyControlNamed(&dialog, {"button", "line edit", "combo box"}));
    }

    void firstRunPage() {
        AppSettings missing;
        missing.baseModel = work_.filePath(QStringLiteral("no-such-model"));
        abc::ui::FirstRunPage page(missing);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QVERIFY(everyControlNamed(&page, {"button", "line edit"}));
    }

    void duplicatesDialog() {
        MainWindow window;
        window.setSession(library_.session);
        abc::ui::DuplicatesView* view = window.duplicatesView();
        view->show();
        QVERIFY(QTest::qWaitForWindowExposed(view));
        QTRY_VERIFY_WITH_TIMEOUT(!view->isComputing(), 20000);
        QVERIFY(everyControlNamed(view, {"button", "item view", "spin box", "slider"}));
    }

    void preview() {
        abc::ui::PhotoPreview preview({library_.paths.first()}, 0);
        preview.show();
        QVERIFY(QTest::qWaitForWindowExposed(&preview));
        QVERIFY(everyControlNamed(&preview, {}));
        QVERIFY(!accessibleName(&preview).isEmpty());
    }

    void unreadableFilesDialog() {
        abc::ui::FailedFilesDialog dialog(work_.filePath(QStringLiteral("photos")),
                                          {{work_.filePath(QStringLiteral("photos/broken.jpg")),
                                            QStringLiteral("not an image")}});
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QVERIFY(everyControlNamed(&dialog, {"button", "item view"}));
    }

    void cleanupTestCase() { library_.session.reset(); }
};

QTEST_MAIN(TestUiAccessibility)
#include "test_ui_accessibility.moc"
