// abc-photos-cli as scripts and people meet it, through the real process, the real SQLite file
// and the tiny ABC checkpoint: exit statuses, validated options, messages instead of silent
// empty answers, progress without a terminal, Ctrl+C, the settings shared with the desktop
// application, the man page and shell completions, and abc-photos --help / --version.
#include <signal.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include "core/library/vector_set_fields.h"
#include "support/cli_process.h"
#include "support/photo_files.h"

using namespace abc;
using abc::test::writeImage;

namespace {

struct Run {
    int code = -1;
    QString out;
    QString err;
    QString all() const { return out + err; }
};

// The CLI with a settings folder of the test's own ($XDG_CONFIG_HOME), as a user's shell runs it.
Run cli(const QStringList& args, const QString& configHome, int timeoutMs = 120000) {
    test::CliOptions options;
    options.timeoutMs = timeoutMs;
    options.environment.insert(QStringLiteral("XDG_CONFIG_HOME"), configHome);
    const test::CliResult r = test::runCli(args, options);
    return {r.exitCode, QString::fromUtf8(r.out), QString::fromUtf8(r.err)};
}

QStringList paths(const QString& json) {
    QStringList out;
    for (const auto& item : QJsonDocument::fromJson(json.toUtf8()).array()) {
        out << item.toObject()[QStringLiteral("path")].toString();
    }
    return out;
}

// The bash completion script, sourced, asked to complete `words` (the last is the cursor's).
QStringList bashCompletions(const QString& script, const QStringList& words) {
    QString quoted;
    for (const auto& word : words) {
        quoted += QStringLiteral(" '") + word + QStringLiteral("'");
    }
    const QString program =
        QStringLiteral(
            "source '%1'; COMP_WORDS=(%2); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); "
            "_abc_photos_cli; printf '%s\\n' \"${COMPREPLY[@]}\"")
            .arg(script, quoted);
    QProcess bash;
    bash.start(QStringLiteral("bash"), {QStringLiteral("-c"), program});
    bash.waitForFinished(20000);
    return QString::fromUtf8(bash.readAllStandardOutput()).split('\n', Qt::SkipEmptyParts);
}

}  // namespace

class TestCliConventions : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString db_;
    QString photos_;
    QString config_;  // an empty settings folder: the CLI's own defaults

    QStringList search(const QStringList& extra) const {
        return QStringList{"search", "--db", db_, "--json"} + test::tinyModelArgs() + extra;
    }

  private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        db_ = dir_.filePath("library.sqlite3");
        photos_ = dir_.filePath("photos");
        config_ = dir_.filePath("config");
        QDir().mkpath(config_);
        for (int i = 0; i < 4; ++i) {
            writeImage(photos_ + QStringLiteral("/trip/jpeg_%1.jpg").arg(i), i, "JPEG");
            writeImage(photos_ + QStringLiteral("/home/png_%1.png").arg(i), i + 10, "PNG");
        }
        QFile::copy(photos_ + "/trip/jpeg_0.jpg", photos_ + "/home/copy_of_jpeg_0.jpg");
        const Run r =
            cli(QStringList{"index", "--db", db_} + test::tinyModelArgs() << photos_, config_);
        QVERIFY2(r.code == 0, qPrintable(r.all()));
    }

    void usageErrorsExitTwo() {
        struct Case {
            QStringList args;
            QString message;
        };
        const QList<Case> cases = {
            {{"--bogus"}, "--bogus"},
            {{"search"}, "QUERY is required"},
            {{"search", "--top", "0", "x"}, "--top"},
            {{"no-such-command"}, "no-such-command"},
            {search({"--from", "banana", "dog"}), "\"banana\" is not a date"},
            {search({"--from", "2024-13-45", "dog"}), "\"2024-13-45\" is not a date"},
            {search({"--until", "2023-02-29", "dog"}), "\"2023-02-29\" is not a date"},
            {search({"--from", "2024", "--until", "2023-06", "dog"}),
             "--until 2023-06-30 is before --from 2024-01-01"},
            {search({"--type", "raw", "dog"}), "\"raw\" is not a photo type"},
            {search({"--folder", "/nowhere", "dog"}), "--folder /nowhere: not in the library"},
        };
        for (const auto& c : cases) {
            const Run r = cli(c.args, config_);
            QVERIFY2(r.code == 2, qPrintable(c.args.join(' ') + " -> " + QString::number(r.code) +
                                             "\n" + r.all()));
            QVERIFY2(r.err.contains(c.message), qPrintable(c.args.join(' ') + "\n" + r.all()));
        }
        // The folder error lists what the library has.
        const Run r = cli(search({"--folder", "/nowhere", "dog"}), config_);
        QVERIFY2(r.err.contains(QDir(photos_).absolutePath()), qPrintable(r.all()));
    }

    void filtersAreUnderstoodAsUsersTypeThem() {
        // Every spelling of JPEG selects the four JPEG photos (one also has a copy in home/).
        for (const QString& spelling : QStringList{"jpg", "JPG", ".jpeg", "JPEG", "jfif"}) {
            const Run r = cli(search({"--type", spelling, "--top", "100", "dog"}), config_);
            QVERIFY2(r.code == 0, qPrintable(r.all()));
            const QStringList found = paths(r.out);
            QCOMPARE(found.size(), 4);
            for (const auto& path : found) {
                QVERIFY2(path.endsWith(".jpg"), qPrintable(path));
            }
        }
        Run r = cli(search({"--type", "PNG", "--type", "tif", "--top", "100", "dog"}), config_);
        QVERIFY2(r.code == 0, qPrintable(r.all()));
        QCOMPARE(paths(r.out).size(), 4);
        // A folder inside a library folder, given relative or with a trailing slash.
        r = cli(search({"--folder", photos_ + "/home/", "--top", "100", "dog"}), config_);
        QVERIFY2(r.code == 0, qPrintable(r.all()));
        for (const auto& path : paths(r.out)) {
            QVERIFY2(path.contains("/home/"), qPrintable(path));
        }
        QCOMPARE(paths(r.out).size(), 5);  // four PNGs and the copy of a JPEG
        // Whole years and months select their days.
        r = cli(search({"--from", "2024", "--until", "2024-02", "dog"}), config_);
        QVERIFY2(r.code == 0, qPrintable(r.all()));
    }

    void emptyResultsAreSaidInTextMode() {
        QStringList args = search({"--type", "heic", "dog"});
        args.removeAll("--json");
        const Run r = cli(args, config_);
        QVERIFY2(r.code == 0, qPrintable(r.all()));
        QCOMPARE(r.out, QStringLiteral("no results\n"));
    }

    void aLoneQuoteIsPartOfTheQuery() {
        const Run r = cli(search({"a 12\" vinyl record"}), config_);
        QVERIFY2(r.code == 0, qPrintable(r.all()));
        QVERIFY2(!paths(r.out).isEmpty(), qPrintable(r.all()));
    }

    void aMistypedLibraryIsNotCreated() {
        const QString typo = dir_.filePath("libary.sqlite3");
        const QList<QStringList> commands = {
            {"status", "--db", typo},
            QStringList{"search", "--db", typo} + test::tinyModelArgs() << "dog",
            QStringList{"duplicates", "--db", typo} + test::tinyModelArgs(),
            {"forget", "--db", typo, photos_},
            {"tags", "list", "--db", typo},
            {"tags", "add", "--db", typo, "pets", "a dog"},
        };
        for (const auto& args : commands) {
            const Run r = cli(args, config_);
            QVERIFY2(r.code == 1, qPrintable(args.join(' ') + "\n" + r.all()));
            QVERIFY2(r.err.contains(typo + ": no library here"), qPrintable(r.all()));
            QVERIFY2(!QFileInfo::exists(typo), qPrintable(args.join(' ')));
        }
    }

    void duplicatesMarkIdenticalCopies() {
        const Run r = cli(QStringList{"duplicates", "--db", db_} + test::tinyModelArgs(), config_);
        QVERIFY2(r.code == 0, qPrintable(r.all()));
        const QStringList lines = r.out.split('\n', Qt::SkipEmptyParts);
        QVERIFY2(!lines.isEmpty(), qPrintable(r.all()));
        QVERIFY2(lines[0].contains("copy_of_jpeg_0.jpg") && lines[0].contains("jpeg_0.jpg") &&
                     lines[0].endsWith("(identical copy)"),
                 qPrintable(r.out));
        for (const auto& line : lines.mid(1)) {
            QVERIFY2(!line.contains("identical"), qPrintable(line));
        }
    }

    void progressWithoutATerminalIsAFewLines() {
        QTemporaryDir many;
        for (int i = 0; i < 40; ++i) {
            writeImage(many.filePath(QStringLiteral("p%1.png").arg(i)), 100 + i, "PNG");
        }
        const QString db = many.filePath("many.sqlite3");
        const QStringList args = QStringList{"index", "--db", db} + test::tinyModelArgs()
                                 << many.path();
        Run r = cli(args, config_);
        QVERIFY2(r.code == 0, qPrintable(r.all()));
        const QStringList lines = r.err.split('\n', Qt::SkipEmptyParts);
        // A line per tenth at most, per stage (reading and embedding 40 files: 2 x 11).
        QVERIFY2(lines.size() <= 22, qPrintable(r.err));
        QVERIFY2(r.err.contains("embedding 40/40"), qPrintable(r.err));
        QVERIFY2(!r.err.contains(" 0/0"), qPrintable(r.err));
        QVERIFY2(!r.err.contains("finished"), qPrintable(r.err));
        // Nothing changed: no stage has work, so nothing but the summary.
        r = cli(args, config_);
        QVERIFY2(r.code == 0, qPrintable(r.all()));
        QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
        QVERIFY2(r.out.contains("unchanged 40"), qPrintable(r.out));
    }

    void ctrlCEndsWithoutAFinishedLine() {
        QTemporaryDir many;
        for (int i = 0; i < 300; ++i) {
            writeImage(many.filePath(QStringLiteral("p%1.png").arg(i)), 500 + i, "PNG");
        }
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), config_);
        process.setProcessEnvironment(env);
        process.start(
            QStringLiteral(ABC_CLI_PATH),
            QStringList{"index", "--db", many.filePath("db.sqlite3")} + test::tinyModelArgs()
                << many.path());
        QByteArray err;
        QTRY_VERIFY_WITH_TIMEOUT((err += process.readAllStandardError()).contains("embedding"),
                                 60000);
        ::kill(static_cast<pid_t>(process.processId()), SIGINT);
        QVERIFY(process.waitForFinished(60000));
        err += process.readAllStandardError();
        const QString out = QString::fromUtf8(process.readAllStandardOutput());
        QCOMPARE(process.exitCode(), 130);
        QVERIFY2(!err.contains("finished"), err.constData());
        QVERIFY2(out.contains("cancelled; run the same command again to continue"),
                 qPrintable(out));
    }

    void searchUsesTheSettingsSharedWithTheApplication() {
        // The desktop application's settings: the model, 256 image tokens, its library.
        QTemporaryDir home;
        const QString config = home.filePath("config");
        const QString library = home.filePath("data/app-library.sqlite3");
        QDir().mkpath(config + "/abc-photos");
        QJsonObject settings;
        settings["base_model"] = QStringLiteral(ABC_REFERENCE_DIR "/tiny-abc/Qwen2-VL");
        settings["pretrain_adapter"] = QStringLiteral(ABC_REFERENCE_DIR "/tiny-abc/ABC-Pretrain");
        settings["instruct_adapter"] = QStringLiteral(ABC_REFERENCE_DIR "/tiny-abc/ABC-Instruct");
        settings["image_tokens"] = 256;
        settings["library_file"] = library;
        settings["precision"] = QStringLiteral("auto");
        QFile file(config + "/abc-photos/settings.json");
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QJsonDocument(settings).toJson());
        file.close();

        Run r = cli({"index", "--threads", "1", photos_}, config);
        QVERIFY2(r.code == 0, qPrintable(r.all()));
        QVERIFY(QFileInfo::exists(library));
        // No model flag, no --db: the shared settings decide, so the vectors are found.
        r = cli({"search", "--json", "--threads", "1", "a dog"}, config);
        QVERIFY2(r.code == 0, qPrintable(r.all()));
        QCOMPARE(paths(r.out).size(), 8);

        // Other settings than the library's: not 0, and the message says how to get them.
        r = cli({"search", "--threads", "1", "--max-image-tokens", "1024", "--dtype", "bfloat16",
                 "a dog"},
                config);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("no photos are indexed with these settings (precision bfloat16, "
                                "1024 image tokens"),
                 qPrintable(r.err));
        QVERIFY2(r.err.contains("8 photos indexed with precision float32, 256 image tokens"),
                 qPrintable(r.err));
        QVERIFY2(r.err.contains("use --dtype float32 --max-image-tokens 256"), qPrintable(r.err));

        // A settings file that is not settings: an error naming it, exit 1.
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write("{\"image_tokens\": \"many\"}");
        file.close();
        r = cli({"search", "a dog"}, config);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("settings.json: setting \"image_tokens\" has the wrong type"),
                 qPrintable(r.err));
    }

    void storedFingerprintsReadBackAsTheirSettings() {
        const Run r = cli({"status", "--db", db_, "--json"}, config_);
        QVERIFY2(r.code == 0, qPrintable(r.all()));
        const auto models =
            QJsonDocument::fromJson(r.out.toUtf8()).object()[QStringLiteral("models")].toArray();
        QVERIFY(!models.isEmpty());
        const std::string fingerprint =
            models[0].toObject()[QStringLiteral("fingerprint")].toString().toStdString();
        const auto fields = vectorSetFields(fingerprint);
        QCOMPARE(QString::fromStdString(fields.at("model")), QStringLiteral("abc-qwen2vl"));
        QCOMPARE(QString::fromStdString(fields.at("precision")), QStringLiteral("float32"));
        QCOMPARE(QString::fromStdString(fields.at("positions")), QStringLiteral("sequential"));
        QCOMPARE(QString::fromStdString(fields.at("image_tokens")), QStringLiteral("576"));
        QCOMPARE(QString::fromStdString(fields.at("min_image_tokens")), QStringLiteral("256"));
        QVERIFY(fields.at("base").starts_with("content-xxh3:"));
        QVERIFY(!fields.contains("instruct"));
        const auto instructed = vectorSetFields(fingerprint + "|instruct=abc");
        QCOMPARE(QString::fromStdString(instructed.at("instruct")), QStringLiteral("abc"));
        QCOMPARE(QString::fromStdString(instructed.at("image_tokens")), QStringLiteral("576"));
    }

    void helpListsDeveloperCommandsApart() {
        const Run r = cli({"--help"}, config_);
        QCOMPARE(r.code, 0);
        const auto commands = r.out.indexOf("\nCommands:");
        const auto developer = r.out.indexOf("\nDeveloper commands:");
        QVERIFY2(commands > 0 && developer > commands, qPrintable(r.out));
        for (const char* name : {"index", "search", "status", "duplicates", "forget"}) {
            const auto at = r.out.indexOf(QStringLiteral("\n  %1 ").arg(QLatin1String(name)));
            QVERIFY2(at > commands && at < developer, name);
        }
        for (const char* name : {"tokenize", "preprocess", "bench", "verify", "bench-library"}) {
            QVERIFY2(r.out.indexOf(QStringLiteral("\n  %1 ").arg(QLatin1String(name))) > developer,
                     name);
        }
        QVERIFY2(!r.out.contains("manual"), qPrintable(r.out));
    }

    void manPageComesFromTheOptionDefinitions() {
        const Run page = cli({"manual", "man"}, config_);
        QCOMPARE(page.code, 0);
        // Every search option and every command of --help is on the page.
        const Run help = cli({"search", "--help"}, config_);
        static const QRegularExpression option(QStringLiteral("\\s(--[a-z][a-z-]+)"));
        int checked = 0;
        for (auto it = option.globalMatch(help.out); it.hasNext();) {
            const QString name = it.next().captured(1);
            if (name == "--help")
                continue;
            QString roffName = name;
            QVERIFY2(page.out.contains(roffName.replace("-", "\\-")), qPrintable(name));
            ++checked;
        }
        QVERIFY2(checked >= 15, qPrintable(help.out));
        QVERIFY(page.out.contains(".SH EXIT STATUS"));
        QVERIFY(page.out.contains(".SS \"bench\\-library [OPTIONS]\""));
        // Nested commands have sections of their own, with their options.
        QVERIFY(page.out.contains(".SS \"tags add [OPTIONS] NAME LABEL...\""));
        QVERIFY(page.out.contains("\\fB\\-\\-top\\-k\\fR"));
        // groff reads it without a warning.
        const QString file = dir_.filePath("abc-photos-cli.1");
        QFile out(file);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(page.out.toUtf8());
        out.close();
        QProcess groff;
        groff.start(QStringLiteral("groff"), {"-man", "-ww", "-z", file});
        QVERIFY2(groff.waitForFinished(20000), "groff did not run (groff-base is in setup.sh)");
        QCOMPARE(groff.exitCode(), 0);
        QCOMPARE(QString::fromUtf8(groff.readAllStandardError()), QString());
        // The build wrote the same page for install().
        QFile built(QStringLiteral(ABC_BUILD_DIR "/app/manual/abc-photos-cli.1"));
        QVERIFY(built.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(built.readAll()), page.out);
    }

    void bashCompletesCommandsOptionsAndValues() {
        const QString script = QStringLiteral(ABC_BUILD_DIR "/app/manual/abc-photos-cli");
        QVERIFY(QFileInfo::exists(script));
        QCOMPARE(bashCompletions(script, {"abc-photos-cli", "sea"}), QStringList{"search"});
        QCOMPARE(bashCompletions(script, {"abc-photos-cli", "search", "--ty"}),
                 QStringList{"--type"});
        QCOMPARE(bashCompletions(script, {"abc-photos-cli", "search", "--type", "h"}),
                 QStringList{"heic"});
        QCOMPARE(bashCompletions(script, {"abc-photos-cli", "index", "--dtype", ""}),
                 (QStringList{"float32", "bfloat16"}));
        QCOMPARE(bashCompletions(script, {"abc-photos-cli", "index", dir_.filePath("pho")}),
                 QStringList{dir_.filePath("photos")});
        QVERIFY(!bashCompletions(script, {"abc-photos-cli", "tok"}).isEmpty());
        QVERIFY(bashCompletions(script, {"abc-photos-cli", "man"}).isEmpty());  // hidden
    }

    void zshCompletionLoads() {
        const QString folder = QStringLiteral(ABC_BUILD_DIR "/app/manual");
        QProcess zsh;
        zsh.start(QStringLiteral("zsh"),
                  {"-f", "-c",
                   QStringLiteral("zsh -n %1/_abc-photos-cli && fpath=(%1 $fpath) && autoload -U "
                                  "compinit && compinit -u -D && print -r -- "
                                  "${_comps[abc-photos-cli]}")
                       .arg(folder)});
        QVERIFY2(zsh.waitForFinished(20000), "zsh did not run (zsh is in setup.sh)");
        QCOMPARE(zsh.exitCode(), 0);
        QCOMPARE(QString::fromUtf8(zsh.readAllStandardOutput()).trimmed(),
                 QStringLiteral("_abc-photos-cli"));
    }

#ifdef ABC_GUI_PATH
    void desktopHelpAndVersionNeedNoDisplay() {
        for (const char* flag : {"--help", "--version"}) {
            QProcess gui;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.remove(QStringLiteral("DISPLAY"));
            env.remove(QStringLiteral("WAYLAND_DISPLAY"));
            env.remove(QStringLiteral("QT_QPA_PLATFORM"));
            gui.setProcessEnvironment(env);
            gui.start(QStringLiteral(ABC_GUI_PATH), {QLatin1String(flag)});
            QVERIFY2(gui.waitForFinished(20000), flag);
            QCOMPARE(gui.exitCode(), 0);
            const QString out = QString::fromUtf8(gui.readAllStandardOutput());
            QVERIFY2(out.contains(flag == QLatin1String("--help") ? "--version" : "abc-photos 0."),
                     qPrintable(out));
        }
    }
#endif
};

QTEST_GUILESS_MAIN(TestCliConventions)
#include "test_cli_conventions.moc"
