// The headless tool starts, reports its version and lists its subcommands.
#include <QTest>

#include "core/version.h"
#include "support/cli_process.h"

class TestCliWiring : public QObject {
    Q_OBJECT

  private:
    static QString run(const QStringList& args, int* exitCode) {
        abc::test::CliOptions options;
        options.timeoutMs = 60000;
        options.output = abc::test::CliOutput::Merged;
        const abc::test::CliResult r = abc::test::runCli(args, options);
        *exitCode = r.exitCode;
        return QString::fromUtf8(r.out);
    }

  private slots:
    void versionPrintsTheProjectVersion() {
        int code = -1;
        const QString out = run({QStringLiteral("--version")}, &code);
        QCOMPARE(code, 0);
        QVERIFY2(out.contains(QString::fromLatin1(abc::kVersion)), qPrintable(out));
    }

    void helpListsTheSubcommands() {
        int code = -1;
        const QString out = run({QStringLiteral("--help")}, &code);
        QCOMPARE(code, 0);
        QVERIFY2(out.contains(QStringLiteral("info")), qPrintable(out));
    }

    void unknownSubcommandFails() {
        int code = 0;
        const QString out = run({QStringLiteral("no-such-command")}, &code);
        QVERIFY2(code != 0, qPrintable(out));
    }

    void infoNamesTheCpu() {
        int code = -1;
        const QString out = run({QStringLiteral("info")}, &code);
        QCOMPARE(code, 0);
        QVERIFY2(out.contains(QStringLiteral("device cpu")), qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("libtorch 2.")), qPrintable(out));
    }
};

QTEST_GUILESS_MAIN(TestCliWiring)
#include "test_cli_wiring.moc"
