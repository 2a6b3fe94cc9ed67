// A photo folder is someone else's files: indexing it (the real abc-photos-cli, as users run
// it) only reads. Symbolic links to folders and photos elsewhere, to devices, dangling and
// looping links, and file names made of shell syntax are indexed or reported, and afterwards
// every file and link under the photo folder and under the links' targets is exactly as it
// was; the program wrote only its library file, and no name ever reached a shell.
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "tests/support/cli_process.h"
#include "tests/support/photo_files.h"

namespace fs = std::filesystem;

namespace {

// What a file, folder or link is, without following links: its kind, size, modification
// time and, for files, the bytes.
struct Entry {
    std::string kind;
    std::int64_t size = 0;
    std::int64_t mtimeNs = 0;
    std::string content;
    bool operator==(const Entry&) const = default;
};

std::map<std::string, Entry> snapshot(const fs::path& root) {
    std::map<std::string, Entry> entries;
    for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
         ++it) {
        struct stat info {};
        if (::lstat(it->path().c_str(), &info) != 0) {
            qFatal("cannot examine %s", it->path().c_str());
        }
        Entry entry;
        entry.size = info.st_size;
        entry.mtimeNs = std::int64_t(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec;
        if (S_ISLNK(info.st_mode)) {
            entry.kind = "link to " + fs::read_symlink(it->path()).string();
        } else if (S_ISDIR(info.st_mode)) {
            entry.kind = "folder";
        } else {
            entry.kind = "file";
            std::ifstream in(it->path(), std::ios::binary);
            std::ostringstream bytes;
            bytes << in.rdbuf();
            entry.content = bytes.str();
        }
        entries[it->path().string()] = entry;
    }
    return entries;
}

// The names a shell would run something for, were a name ever handed to one.
const QStringList kShellNames = {
    "$(touch pwned).png",
    "`touch pwned`.png",
    "a;touch pwned;.png",
    "x' || touch pwned '.png",
    "-rf.png",
    "--help.png",
    "a && touch pwned.png",
    "tab\there > pwned.png",
    "line\nbreak.png",
};

}  // namespace

class TestSecurityPhotoFolders : public QObject {
    Q_OBJECT

  private:
    QTemporaryDir sandbox_;
    QString photos_;
    QString outside_;
    QString db_;
    QProcessEnvironment environment_;

    abc::test::CliResult cli(const QStringList& args) const {
        abc::test::CliOptions options;
        options.environment = environment_;
        options.output = abc::test::CliOutput::Merged;
        options.timeoutMs = 180000;
        return abc::test::runCli(args, options);
    }

  private slots:
    void initTestCase() {
        QVERIFY(sandbox_.isValid());
        const QString root = QDir(sandbox_.path()).canonicalPath();
        photos_ = root + "/photos";
        outside_ = root + "/outside";
        db_ = root + "/library/library.sqlite3";
        QVERIFY(QDir().mkpath(root + "/library"));
        QVERIFY(QDir().mkpath(root + "/home"));
        // The program's own folders (settings, caches) are in the sandbox too, so that any
        // write it makes is one the test can see.
        environment_ = QProcessEnvironment::systemEnvironment();
        environment_.insert("HOME", root + "/home");
        environment_.insert("XDG_CACHE_HOME", root + "/home/.cache");
        environment_.insert("XDG_DATA_HOME", root + "/home/.local/share");

        abc::test::writeImage(photos_ + "/own.png", 1);
        abc::test::writeImage(outside_ + "/elsewhere.png", 2);
        abc::test::writeImage(outside_ + "/trip/beach.png", 3);
        for (int i = 0; i < kShellNames.size(); ++i) {
            abc::test::writeImage(photos_ + "/" + kShellNames[i], 10 + i);
        }
        const fs::path photos = photos_.toStdString();
        fs::create_directory_symlink("../outside/trip", photos / "linked trip");
        fs::create_symlink("../outside/elsewhere.png", photos / "linked.png");
        fs::create_symlink("../nowhere.jpg", photos / "dangling.jpg");
        fs::create_symlink("loop.jpg", photos / "loop.jpg");
        fs::create_symlink("/dev/zero", photos / "zero.jpg");
        fs::create_symlink("/dev/urandom", photos / "random.png");
        abc::test::writeImage(photos_ + "/album/inner.png", 4);
        fs::create_directory_symlink("..", photos / "album" / "back");  // a folder loop
        // A link where the library would like to write: reading through it is fine, writing
        // to it must never happen.
        fs::create_symlink(db_.toStdString(), photos / "library.sqlite3");
    }

    void indexingOnlyReadsThePhotoFolder() {
        const auto photosBefore = snapshot(photos_.toStdString());
        const auto outsideBefore = snapshot(outside_.toStdString());
        const QStringList args =
            QStringList{"index", photos_, "--db", db_, "--max-image-tokens", "16"} +
            abc::test::tinyModelArgs();
        const auto result = cli(args);
        QVERIFY2(result.exitCode == 0, result.out.constData());
        QVERIFY2(result.out.contains("dangling.jpg") && result.out.contains("zero.jpg"),
                 result.out.constData());

        QVERIFY(snapshot(photos_.toStdString()) == photosBefore);
        QVERIFY(snapshot(outside_.toStdString()) == outsideBefore);
        // The program's writes: the library file (and SQLite's journal beside it).
        for (const auto& entry : fs::recursive_directory_iterator(sandbox_.path().toStdString())) {
            const QString path = QString::fromStdString(entry.path().string());
            QVERIFY2(entry.path().filename() != "pwned",
                     qPrintable("a name reached a shell: " + path));
        }
        QVERIFY2(!fs::exists("pwned") &&
                     !fs::exists(fs::path(db_.toStdString()).parent_path() / "pwned"),
                 "a name reached a shell");
        for (const auto& entry :
             fs::directory_iterator(fs::path(db_.toStdString()).parent_path())) {
            QVERIFY2(entry.path().filename().string().starts_with("library.sqlite3"),
                     entry.path().c_str());
        }
    }

    // Every name made of shell syntax is a photo like any other, found by its exact name.
    void shellSyntaxNamesAreIndexedByTheirExactNames() {
        const auto result = cli(QStringList{"search", "a photo", "--db", db_, "--top", "100",
                                            "--json", "--max-image-tokens", "16"} +
                                abc::test::tinyModelArgs());
        QVERIFY2(result.exitCode == 0, result.out.constData());
        const QByteArray json = result.out.mid(result.out.indexOf('['));
        const QJsonArray hits = QJsonDocument::fromJson(json).array();
        QStringList paths;
        for (const auto& hit : hits) {
            paths << hit.toObject()["path"].toString();
        }
        for (const auto& name : kShellNames) {
            QVERIFY2(paths.contains(photos_ + "/" + name), qPrintable(name));
        }
        // Reached through the links, read where they point, recorded under the link's path.
        QVERIFY2(paths.contains(photos_ + "/linked.png"), qPrintable(paths.join("\n")));
        QVERIFY2(paths.contains(photos_ + "/linked trip/beach.png"), qPrintable(paths.join("\n")));
        QVERIFY(!paths.contains(photos_ + "/library.sqlite3"));
    }
};

QTEST_GUILESS_MAIN(TestSecurityPhotoFolders)
#include "test_security_photo_folders.moc"
