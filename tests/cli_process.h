// Runs the built abc-photos-cli the way a user does, for tests that check its output.
#pragma once

#include <QByteArray>
#include <QProcess>
#include <QStringList>
#include <QtGlobal>

namespace abc::test {

struct CliResult {
    int exitCode = -1;  // -1 when the process crashed
    QByteArray out;
    QByteArray err;
};

inline CliResult runCli(const QStringList& args, int timeoutMs = 120000) {
    QProcess process;
    process.start(QStringLiteral(ABC_CLI_PATH), args);
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        qFatal("abc-photos-cli did not finish");
    }
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            process.readAllStandardOutput(), process.readAllStandardError()};
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
