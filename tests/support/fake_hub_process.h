#pragma once

// The fake Hugging Face hub (tests/support/fake_hub_server.py) as a process a test starts on
// 127.0.0.1, serving the tiny reference checkpoint under the real repository ids, and the
// requests it logged. Needs ABC_SOURCE_DIR, ABC_SYSTEM_PYTHON and ABC_REFERENCE_DIR.
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <string>

namespace fake_hub {

inline const QString kTiny = QStringLiteral(ABC_REFERENCE_DIR "/tiny-abc");
inline const std::string kBase = "Qwen/Qwen2-VL-7B-Instruct";
inline const std::string kPretrain = "TIGER-Lab/ABC-Qwen2VL-Pretrain";
inline const std::string kInstruct = "TIGER-Lab/ABC-Qwen2VL-Instruct";

// The fake hub, serving the tiny reference checkpoint under the real repository ids.
class FakeHub {
  public:
    explicit FakeHub(const QString& logFile, QStringList faults = {},
                     const QString& baseFolder = kTiny + "/Qwen2-VL") {
        QStringList args{QStringLiteral(ABC_SOURCE_DIR "/tests/support/fake_hub_server.py"),
                         "--log",
                         logFile,
                         "--repo",
                         QString::fromStdString(kBase) + "=" + baseFolder,
                         "--repo",
                         QString::fromStdString(kPretrain) + "=" + kTiny + "/ABC-Pretrain",
                         "--repo",
                         QString::fromStdString(kInstruct) + "=" + kTiny + "/ABC-Instruct"};
        args += faults;
        process_.start(QStringLiteral(ABC_SYSTEM_PYTHON), args);
        if (!process_.waitForStarted(10000)) {
            qFatal("the fake hub did not start");
        }
        while (!process_.canReadLine() && process_.waitForReadyRead(10000)) {
        }
        const QByteArray line = process_.readLine().trimmed();
        if (!line.startsWith("PORT ")) {
            qFatal("the fake hub said %s (%s)", line.constData(),
                   process_.readAllStandardError().constData());
        }
        endpoint_ = "http://127.0.0.1:" + line.mid(5).toStdString();
    }
    ~FakeHub() {
        process_.kill();
        process_.waitForFinished(5000);
    }
    const std::string& endpoint() const { return endpoint_; }

  private:
    QProcess process_;
    std::string endpoint_;
};

// The environment a CLI run needs to download from `hub` into `cache`: HF_HOME at `hfHome`,
// so no token of the developer's is sent, and no offline mode inherited.
inline QProcessEnvironment hubEnvironment(const FakeHub& hub, const QString& cache,
                                          const QString& hfHome) {
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert("HF_ENDPOINT", QString::fromStdString(hub.endpoint()));
    env.insert("HF_HUB_CACHE", cache);
    env.insert("HF_HOME", hfHome);
    env.remove("HF_TOKEN");
    env.remove("HF_HUB_OFFLINE");
    return env;
}

struct Request {
    QString method;
    QString path;
    QString range;
    int status = 0;
};

inline QList<Request> requests(const QString& logFile) {
    QList<Request> list;
    QFile file(logFile);
    if (!file.open(QIODevice::ReadOnly)) {
        return list;
    }
    while (!file.atEnd()) {
        const QJsonObject r = QJsonDocument::fromJson(file.readLine()).object();
        list.push_back({r["method"].toString(), r["path"].toString(), r["range"].toString(),
                        r["status"].toInt()});
    }
    return list;
}

}  // namespace fake_hub
