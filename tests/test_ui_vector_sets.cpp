// Settings lists the library's vector sets (one per image detail that indexed it here) with
// their photos and size; the sets searches use are marked and cannot be removed; removing an
// old one asks first with the counts, deletes it from the library and the list follows, and
// searches still find every photo. Real tiny ABC checkpoint, real SQLite library, the real
// Settings dialog opened with Ctrl+, in the real window.
#include <QApplication>
#include <QDir>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QScreen>
#include <QScrollArea>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>

#include <functional>

#include "core/library/library_store.h"
#include "core/library/photo_embedder.h"
#include "support/photo_files.h"
#include "support/ui_test_setup.h"
#include "support/ui_window.h"
#include "ui/engine_session.h"
#include "ui/main_window.h"
#include "ui/settings_dialog.h"
#include "ui/vector_sets_box.h"

using abc::test::findNamed;
using abc::ui::AppSettings;
using abc::ui::EngineSession;
using abc::ui::MainWindow;
using abc::ui::VectorSetsBox;

namespace {

constexpr int kPhotos = 3;
constexpr int kFirstDetail = 64;
constexpr int kNewDetail = 128;

// Opens Settings with Ctrl+, and runs `work` on the modal dialog's vector-set box once its
// list is read; the dialog is then cancelled (removals do not wait for OK).
void withVectorSets(MainWindow& window, const std::function<void(VectorSetsBox&)>& work) {
    bool ran = false;
    QTimer::singleShot(0, [&] {
        QTRY_VERIFY(QApplication::activeModalWidget() != nullptr);
        auto* dialog = qobject_cast<QDialog*>(QApplication::activeModalWidget());
        QVERIFY(dialog != nullptr);
        auto& box = *findNamed<VectorSetsBox>(*dialog, QStringLiteral("vectorSetsBox"));
        auto& list = *findNamed<QTreeWidget>(box, QStringLiteral("vectorSetList"));
        QTRY_VERIFY(list.topLevelItemCount() > 0);
        work(box);
        ran = true;
        dialog->reject();
    });
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QTest::keyClick(&window, Qt::Key_Comma, Qt::ControlModifier);
    QTRY_VERIFY_WITH_TIMEOUT(ran, abc::test::kWindowWaitMs);
    window.activateWindow();
}

QTreeWidgetItem* rowOf(QTreeWidget& list, int tokens) {
    for (int i = 0; i < list.topLevelItemCount(); ++i) {
        if (list.topLevelItem(i)->text(0).startsWith(QStringLiteral("%1 tokens").arg(tokens)))
            return list.topLevelItem(i);
    }
    return nullptr;
}

// Answers the next confirmation with the button named `button` ("" = Cancel), keeping its text.
void answerConfirmation(const QString& button, QString& text) {
    QTimer::singleShot(0, [button, &text] {
        QTRY_VERIFY(qobject_cast<QMessageBox*>(QApplication::activeModalWidget()) != nullptr);
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        text = box->text() + "\n" + box->informativeText();
        if (button.isEmpty()) {
            QTest::keyClick(box, Qt::Key_Return);  // the default button: Cancel
        } else {
            findNamed<QPushButton>(*box, button)->click();
        }
    });
}

}  // namespace

class TestUiVectorSets : public QObject {
    Q_OBJECT

    QTemporaryDir work_;
    QString photos_;

  private slots:
    void initTestCase() {
        abc::test::useOwnApplicationSettings(QStringLiteral("abc-photos-vector-sets-test"));
        QVERIFY(work_.isValid());
        photos_ = QDir(work_.filePath(QStringLiteral("photos"))).absolutePath();
        for (int i = 0; i < kPhotos; ++i)
            abc::test::writeImage(QStringLiteral("%1/photo_%2.png").arg(photos_).arg(i), i + 1);
    }

    void anOldVectorSetIsRemovedTheCurrentOneKept() {
        const AppSettings first =
            abc::test::tinySettings(work_.filePath("library.sqlite3"), kFirstDetail);
        first.save();
        const auto library = EngineSession::openLibrary(first);
        const auto session = EngineSession::loadModel(*library, first);
        const std::string oldSet = session->embedder->fingerprint();
        MainWindow window;
        QVERIFY(abc::test::showWindow(window, session));
        QVERIFY(abc::test::addAndIndex(window, photos_));

        AppSettings more = window.settings();
        more.imageTokens = kNewDetail;
        window.applySettings(more);
        // While searches still use the 64-token vectors, they are in use: not removable.
        withVectorSets(window, [&](VectorSetsBox& box) {
            auto& list = *findNamed<QTreeWidget>(box, QStringLiteral("vectorSetList"));
            QTreeWidgetItem* old = rowOf(list, kFirstDetail);
            QVERIFY(old != nullptr);
            QCOMPARE(old->text(1), QString::number(kPhotos));
            QCOMPARE(old->text(3), QStringLiteral("in use"));
            list.setCurrentItem(old);
            QVERIFY(!findNamed<QPushButton>(box, QStringLiteral("removeVectorSet"))->isEnabled());
        });
        if (QTest::currentTestFailed())
            return;

        QSignalSpy finished(&window, &MainWindow::indexingFinished);
        emit findNamed<QLabel>(window, QStringLiteral("imageDetailNotice"))
            ->linkActivated(QStringLiteral("reindex"));
        QVERIFY(finished.wait(abc::test::kWindowWaitMs));
        const std::string newSet = window.session()->embedder->fingerprint();

        withVectorSets(window, [&](VectorSetsBox& box) {
            auto& list = *findNamed<QTreeWidget>(box, QStringLiteral("vectorSetList"));
            auto* remove = findNamed<QPushButton>(box, QStringLiteral("removeVectorSet"));
            QTreeWidgetItem* current = rowOf(list, kNewDetail);
            QVERIFY(current != nullptr);
            QCOMPARE(current->text(3), QStringLiteral("in use"));
            list.setCurrentItem(current);
            QVERIFY(!remove->isEnabled());
            QTreeWidgetItem* old = rowOf(list, kFirstDetail);
            QVERIFY(old != nullptr);
            QCOMPARE(old->text(3), QString());
            QVERIFY(old->text(2) != QStringLiteral("0 bytes"));
            list.setCurrentItem(old);
            QVERIFY(remove->isEnabled());

            // Cancel (the default) keeps it.
            QString asked;
            answerConfirmation(QString(), asked);
            remove->click();
            QVERIFY2(asked.contains(QStringLiteral("%1 photos").arg(kPhotos)), qPrintable(asked));
            QVERIFY2(asked.contains(QStringLiteral("%1 tokens").arg(kFirstDetail)),
                     qPrintable(asked));
            QVERIFY(window.session()->store->findModel(oldSet).has_value());

            QSignalSpy removed(&box, &VectorSetsBox::removed);
            QSignalSpy listed(&box, &VectorSetsBox::listed);
            answerConfirmation(QStringLiteral("confirmRemoveVectorSet"), asked);
            remove->click();
            QVERIFY(removed.wait(abc::test::kWindowWaitMs));
            QCOMPARE(removed.first().first().toLongLong(), qint64{kPhotos});
            QTRY_VERIFY(!listed.isEmpty());
            QVERIFY(rowOf(list, kFirstDetail) == nullptr);
            QVERIFY(rowOf(list, kNewDetail) != nullptr);
            QVERIFY(findNamed<QLabel>(box, QStringLiteral("vectorSetStatus"))
                        ->text()
                        .contains(QStringLiteral("Removed %1 vectors").arg(kPhotos)));
        });
        if (QTest::currentTestFailed())
            return;

        auto& store = *window.session()->store;
        QVERIFY(!store.findModel(oldSet).has_value());
        const auto current = store.findModel(newSet);
        QVERIFY(current.has_value());
        QCOMPARE(store.vectorCount(*current, ""), std::int64_t{kPhotos});
        QCOMPARE(abc::test::searchFromBar(window, QStringLiteral("a photo")), kPhotos);
    }

    void theSettingsPageShowsTheSets() {
        // The screenshot for the documentation: the 128-token set left from above beside the
        // current one at the Fast preset, the old one selected.
        AppSettings fast = AppSettings::load();
        fast.imageTokens = 256;
        fast.resumeIndexingAtStart = false;  // indexed below, once
        fast.save();
        const auto session = EngineSession::loadModel(*EngineSession::openLibrary(fast), fast);
        {
            MainWindow window;
            QVERIFY(abc::test::showWindow(window, session));
            QSignalSpy finished(&window, &MainWindow::indexingFinished);
            window.startIndexing();
            QVERIFY(finished.wait(abc::test::kWindowWaitMs));
        }
        abc::ui::SettingsDialog dialog(fast, abc::runtimeInfo());
        dialog.showVectorSets(session->store,
                              {QString::fromStdString(session->embedder->fingerprint())});
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        // It fits the screen it is shown on; what does not fit scrolls.
        QVERIFY(dialog.frameGeometry().height() <= dialog.screen()->availableGeometry().height());
        auto& list = *findNamed<QTreeWidget>(dialog, QStringLiteral("vectorSetList"));
        QTRY_COMPARE(list.topLevelItemCount(), 2);
        list.setCurrentItem(rowOf(list, kNewDetail));
        QVERIFY(findNamed<QPushButton>(dialog, QStringLiteral("removeVectorSet"))->isEnabled());
        auto& box = *findNamed<VectorSetsBox>(dialog, QStringLiteral("vectorSetsBox"));
        findNamed<QScrollArea>(dialog, QStringLiteral("settingsScroll"))->ensureWidgetVisible(&box);
        const QString dir = QStringLiteral(ABC_BUILD_DIR "/screenshots");
        QDir().mkpath(dir);
        QVERIFY(dialog.grab().save(dir + "/settings_vector_sets.png"));
    }
};

QTEST_MAIN(TestUiVectorSets)
#include "test_ui_vector_sets.moc"
