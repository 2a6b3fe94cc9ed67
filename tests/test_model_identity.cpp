// The model fingerprint of a checkpoint follows its content. A local folder: two
// copies of the tiny ABC checkpoint in different places give the same fingerprint (so moving
// a model keeps a library's vectors), and a changed weight byte or adapter setting does not.
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <fstream>
#include <map>

#include "core/hub/model_identity.h"
#include "core/io/error.h"
#include "core/model/embedder.h"

namespace fs = std::filesystem;

namespace {

const QString kTiny = QStringLiteral(ABC_REFERENCE_DIR "/tiny-abc");

void copyFolder(const QString& from, const QString& to) {
    QDir().mkpath(to);
    for (const QString& name : QDir(from).entryList(QDir::Files)) {
        const QString target = to + "/" + name;
        if (!QFile::copy(from + "/" + name, target)) {
            qFatal("cannot copy %s", qPrintable(name));
        }
        QFile::setPermissions(target, QFile::ReadOwner | QFile::WriteOwner);
    }
}

// The tiny checkpoint's three folders under `root`.
void copyTinyModel(const QString& root) {
    for (const char* part : {"Qwen2-VL", "ABC-Pretrain", "ABC-Instruct"}) {
        copyFolder(kTiny + "/" + part, root + "/" + part);
    }
}

abc::EmbedderOptions tinyOptions(const QString& root) {
    abc::EmbedderOptions options;
    options.model.base = (root + "/Qwen2-VL").toStdString();
    options.model.pretrainAdapter = (root + "/ABC-Pretrain").toStdString();
    options.model.instructAdapter = (root + "/ABC-Instruct").toStdString();
    return options;
}

void flipByte(const QString& path, std::uint64_t offset) {
    std::fstream file(path.toStdString(), std::ios::in | std::ios::out | std::ios::binary);
    QVERIFY(file.is_open());
    file.seekg(static_cast<std::streamoff>(offset));
    char byte = 0;
    file.read(&byte, 1);
    byte = static_cast<char>(byte ^ 0x01);
    file.seekp(static_cast<std::streamoff>(offset));
    file.write(&byte, 1);
}

std::uint64_t dataStart(const QString& safetensors) {
    std::ifstream in(safetensors.toStdString(), std::ios::binary);
    unsigned char bytes[8] = {};
    in.read(reinterpret_cast<char*>(bytes), 8);
    std::uint64_t length = 0;
    for (int i = 0; i < 8; ++i) {
        length |= std::uint64_t{bytes[i]} << (8 * i);
    }
    return 8 + length;
}

std::string identity(const QString& folder) {
    return abc::folderContentIdentity(folder.toStdString());
}

}  // namespace

class TestModelIdentity : public QObject {
    Q_OBJECT

  private slots:
    void sampledRangesStayInsideTheData() {
        // Small data: every byte.
        const auto small = abc::sampledWeightRanges(1000, 100);
        QCOMPARE(small.size(), std::size_t{1});
        QCOMPARE(small[0].offset, std::uint64_t{100});
        QCOMPARE(small[0].size, std::uint64_t{900});
        QVERIFY(abc::sampledWeightRanges(100, 100).empty());
        // A 16 GB shard: 34 ranges, increasing, inside the file, a few hundred KB in all.
        const std::uint64_t size = 16ull << 30;
        const auto big = abc::sampledWeightRanges(size, 12345);
        QCOMPARE(big.size(), std::size_t{34});
        QCOMPARE(big.front().offset, std::uint64_t{12345});
        std::uint64_t read = 0;
        for (std::size_t i = 0; i < big.size(); ++i) {
            read += big[i].size;
            QVERIFY(big[i].offset + big[i].size <= size);
            if (i > 0) {
                QVERIFY(big[i].offset >= big[i - 1].offset + big[i - 1].size);
            }
        }
        QCOMPARE(big.back().offset + big.back().size, size);
        QVERIFY(read <= 300 * 1024);
    }

    void copiesInTwoPlacesHaveOneFingerprint() {
        QTemporaryDir first;
        QTemporaryDir second;
        copyTinyModel(first.path() + "/a");
        copyTinyModel(second.path() + "/somewhere/else");
        for (const char* part : {"Qwen2-VL", "ABC-Pretrain", "ABC-Instruct"}) {
            const auto a = identity(first.path() + "/a/" + part);
            QVERIFY(a.starts_with("content-xxh3:"));
            QCOMPARE(a, identity(second.path() + "/somewhere/else/" + part));
            QCOMPARE(a, identity(kTiny + "/" + part));
        }
        QVERIFY(identity(kTiny + "/ABC-Pretrain") != identity(kTiny + "/ABC-Instruct"));

        // The Embedder's fingerprint (the library's key) carries no path.
        const auto one = abc::Embedder::load(tinyOptions(first.path() + "/a"));
        const auto two = abc::Embedder::load(tinyOptions(second.path() + "/somewhere/else"));
        QCOMPARE(one->fingerprint(), two->fingerprint());
        QVERIFY(one->fingerprint().find(first.path().toStdString()) == std::string::npos);
        QVERIFY(one->fingerprint().find("tiny-abc") == std::string::npos);

        // A file the engine does not read does not change it.
        QFile readme(second.path() + "/somewhere/else/Qwen2-VL/README.md");
        QVERIFY(readme.open(QIODevice::WriteOnly));
        readme.write("notes");
        readme.close();
        QCOMPARE(identity(second.path() + "/somewhere/else/Qwen2-VL"),
                 identity(first.path() + "/a/Qwen2-VL"));
    }

    void aChangedWeightOrAdapterSettingChangesIt() {
        QTemporaryDir dir;
        copyTinyModel(dir.path());
        const QString base = dir.path() + "/Qwen2-VL";
        const auto before = identity(base);
        const QString shard = base + "/model-00001-of-00002.safetensors";
        const std::uint64_t size = static_cast<std::uint64_t>(QFileInfo(shard).size());
        const auto ranges = abc::sampledWeightRanges(size, dataStart(shard));
        QVERIFY(ranges.size() > 2);
        // One byte in the middle of an interior sampled block.
        const auto& block = ranges[ranges.size() / 2];
        flipByte(shard, block.offset + block.size / 2);
        const auto edited = identity(base);
        QVERIFY(edited != before);
        flipByte(shard, block.offset + block.size / 2);
        QCOMPARE(identity(base), before);
        // A byte in the first weight bytes and one in the JSON header.
        flipByte(shard, dataStart(shard));
        QVERIFY(identity(base) != before);
        flipByte(shard, dataStart(shard));
        flipByte(shard, 20);
        QVERIFY(identity(base) != before);
        flipByte(shard, 20);
        QCOMPARE(identity(base), before);

        // The adapter config (e.g. the LoRA scale) changes the pretrain adapter's identity and
        // so the Embedder fingerprint.
        const QString pretrain = dir.path() + "/ABC-Pretrain";
        const auto adapterBefore = identity(pretrain);
        const auto fingerprintBefore = abc::Embedder::load(tinyOptions(dir.path()))->fingerprint();
        QFile config(pretrain + "/adapter_config.json");
        QVERIFY(config.open(QIODevice::ReadOnly));
        QByteArray text = config.readAll();
        config.close();
        QVERIFY(text.contains("\"lora_alpha\": 8,"));
        text.replace("\"lora_alpha\": 8,", "\"lora_alpha\": 16,");
        QVERIFY(config.open(QIODevice::WriteOnly | QIODevice::Truncate));
        config.write(text);
        config.close();
        QVERIFY(identity(pretrain) != adapterBefore);
        QVERIFY(abc::Embedder::load(tinyOptions(dir.path()))->fingerprint() != fingerprintBefore);
    }

    void unreadableFolderIsNamed() {
        try {
            abc::folderContentIdentity("/definitely/not/a/model");
            QFAIL("no error for a missing folder");
        } catch (const abc::Error& e) {
            QCOMPARE(QString::fromStdString(e.subject()),
                     QStringLiteral("/definitely/not/a/model"));
        }
    }

    // A hub snapshot is named by the etags its files link to: another commit with the same
    // covered blobs (only README.md differs) has the same identity, a changed config blob
    // another; a snapshot of copies falls back to the folder's content. Earlier versions named
    // it by its commit: those names are its former identities.
    void hubSnapshotsAreNamedByTheirBlobs() {
        QTemporaryDir dir;
        const fs::path repo = fs::path(dir.path().toStdString()) / "models--o--n";
        fs::create_directories(repo / "blobs");
        const auto blob = [&](const std::string& etag, const std::string& bytes) {
            std::ofstream(repo / "blobs" / etag, std::ios::binary) << bytes;
        };
        blob("e-config", "{\"a\": 1}");
        blob("e-config2", "{\"a\": 2}");
        blob("e-weights", "weights");
        blob("e-readme1", "one");
        blob("e-readme2", "two");
        const auto snapshot = [&](const std::string& commit,
                                  const std::map<std::string, std::string>& files) {
            const fs::path folder = repo / "snapshots" / commit;
            fs::create_directories(folder);
            for (const auto& [name, etag] : files) {
                fs::create_symlink(fs::path("../../blobs") / etag, folder / name);
            }
            return abc::ResolvedModel{folder, commit, true};
        };
        const std::string a(40, 'a');
        const std::string b(40, 'b');
        const std::string c(40, 'c');
        const auto atA = snapshot(a, {{"config.json", "e-config"},
                                      {"model.safetensors", "e-weights"},
                                      {"README.md", "e-readme1"}});
        const auto atB = snapshot(b, {{"config.json", "e-config"},
                                      {"model.safetensors", "e-weights"},
                                      {"README.md", "e-readme2"}});
        const auto atC = snapshot(c, {{"config.json", "e-config2"},
                                      {"model.safetensors", "e-weights"},
                                      {"README.md", "e-readme1"}});
        const std::string identity = abc::modelIdentity(atA);
        QVERIFY2(identity.starts_with("content-etag:"), identity.c_str());
        QCOMPARE(abc::modelIdentity(atB), identity);
        QVERIFY(abc::modelIdentity(atC) != identity);
        QCOMPARE(abc::formerModelIdentities(atA), (std::vector<std::string>{a, b}));
        QCOMPARE(abc::formerModelIdentities(atB), (std::vector<std::string>{b, a}));
        QCOMPARE(abc::formerModelIdentities(atC), (std::vector<std::string>{c}));

        // Copies instead of links: the folder's content names it.
        const fs::path copies = repo / "snapshots" / std::string(40, 'd');
        fs::create_directories(copies);
        for (const auto& name : {"config.json", "model.safetensors"}) {
            fs::copy_file(fs::canonical(atA.folder / name), copies / name);
        }
        QCOMPARE(abc::modelIdentity({copies, std::string(40, 'd'), true}),
                 abc::folderContentIdentity(copies));

        // A local folder has no former names: it was always named by its content.
        QVERIFY(abc::formerModelIdentities({copies, "local", false}).empty());
    }
};

QTEST_GUILESS_MAIN(TestModelIdentity)
#include "test_model_identity.moc"
