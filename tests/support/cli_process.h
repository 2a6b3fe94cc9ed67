// Runs the built abc-photos-cli the way a user does, for tests that check its output. Every
// CLI test starts the program through runCli, so a timeout or a crash reads the same in all.
#pragma once

#include <QByteArray>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QtGlobal>

namespace abc::test {

struct CliResult {
    int exitCode = -1;  // -1 when the process crashed
    QByteArray out;     // with CliOutput::Merged, stderr too, in the order it was written
    QByteArray err;
};

enum class CliOutput { Separate, Merged };

struct CliOptions {
    int timeoutMs = 120000;
    CliOutput output = CliOutput::Separate;
    // The environment the program sees: the test's own unless a test sets one (its own
    // $XDG_CONFIG_HOME, say).
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
};

inline CliResult runCli(const QStringList& args, const CliOptions& options) {
    QProcess process;
    process.setProcessEnvironment(options.environment);
    if (options.output == CliOutput::Merged) {
        process.setProcessChannelMode(QProcess::MergedChannels);
    }
    process.start(QStringLiteral(ABC_CLI_PATH), args);
    if (!process.waitForFinished(options.timeoutMs)) {
        process.kill();
        qFatal("abc-photos-cli did not finish");
    }
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            process.readAllStandardOutput(), process.readAllStandardError()};
}

inline CliResult runCli(const QStringList& args, int timeoutMs = 120000) {
    CliOptions options;
    options.timeoutMs = timeoutMs;
    return runCli(args, options);
}

// A run read as text: stdout alone (what a script would parse) and, for failure messages, stdout
// followed by stderr.
struct CliText {
    int code = -1;
    QString out;
    QString all;
};

inline CliText runCliText(const QStringList& args, int timeoutMs = 120000) {
    const CliResult result = runCli(args, timeoutMs);
    const QString out = QString::fromUtf8(result.out);
    return {result.exitCode, out, out + QString::fromUtf8(result.err)};
}

// The model options that point a command at the tiny reference checkpoint, on one thread.
inline QStringList tinyModelArgs() {
    const QString tiny = QStringLiteral(ABC_REFERENCE_DIR "/tiny-abc");
    return {"--base",
            tiny + "/Qwen2-VL",
            "--pretrain-adapter",
            tiny + "/ABC-Pretrain",
            "--instruct-adapter",
            tiny + "/ABC-Instruct",
            "--threads",
            "1"};
}

}  // namespace abc::test
