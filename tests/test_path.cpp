// abc::Path, the one rule for "is this path inside this folder" and the one normal form of a
// folder: every edge case on which the hand-written copies it replaced disagreed is a row.
#include <QDir>
#include <QTest>

#include <filesystem>

#include "core/io/error.h"
#include "core/io/path.h"

class TestPath : public QObject {
    Q_OBJECT

  private slots:
    void normalForm_data() {
        QTest::addColumn<QString>("given");
        QTest::addColumn<QString>("expected");
        QTest::newRow("already normal") << "/a/b"
                                        << "/a/b";
        QTest::newRow("trailing slash") << "/a/b/"
                                        << "/a/b";
        QTest::newRow("trailing slashes") << "/a/b///"
                                          << "/a/b";
        QTest::newRow("root") << "/"
                              << "/";
        QTest::newRow("root twice") << "//"
                                    << "/";
        QTest::newRow("doubled separators") << "//a//b"
                                            << "/a/b";
        QTest::newRow("dot") << "/a/./b"
                             << "/a/b";
        QTest::newRow("trailing dot") << "/a/."
                                      << "/a";
        QTest::newRow("dot dot") << "/a/b/../c"
                                 << "/a/c";
        QTest::newRow("dot dot to root") << "/a/.."
                                         << "/";
        QTest::newRow("dot dot above root") << "/.."
                                            << "/";
        QTest::newRow("relative stays relative") << "a/b/"
                                                 << "a/b";
        QTest::newRow("empty") << ""
                               << "";
    }
    void normalForm() {
        QFETCH(QString, given);
        QFETCH(QString, expected);
        QCOMPARE(QString::fromStdString(abc::Path(given.toStdString()).string()), expected);
    }

    void isUnder_data() {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("folder");
        QTest::addColumn<bool>("under");
        QTest::newRow("file in folder") << "/a/b.jpg"
                                        << "/a" << true;
        QTest::newRow("file in folder typed with a slash") << "/a/b.jpg"
                                                           << "/a/" << true;
        QTest::newRow("file deeper down") << "/a/b/c/d.jpg"
                                          << "/a" << true;
        QTest::newRow("folder itself") << "/a"
                                       << "/a" << true;
        QTest::newRow("folder itself, slash") << "/a/"
                                              << "/a" << true;
        QTest::newRow("sibling sharing a prefix") << "/ab"
                                                  << "/a" << false;
        QTest::newRow("file of a sibling sharing a prefix") << "/ab/c.jpg"
                                                            << "/a" << false;
        QTest::newRow("parent") << "/"
                                << "/a" << false;
        QTest::newRow("other folder") << "/b/c.jpg"
                                      << "/a" << false;
        QTest::newRow("root under root") << "/"
                                         << "/" << true;
        QTest::newRow("anything under root") << "/a/b.jpg"
                                             << "/" << true;
        QTest::newRow("anything under root typed twice") << "/a/b.jpg"
                                                         << "//" << true;
        QTest::newRow("dot dot leaves the folder") << "/a/../b.jpg"
                                                   << "/a" << false;
        QTest::newRow("relative under relative") << "a/b.jpg"
                                                 << "a" << true;
        QTest::newRow("relative not under root") << "a/b.jpg"
                                                 << "/" << false;
        QTest::newRow("nothing under the empty path") << "/a"
                                                      << "" << false;
        QTest::newRow("the empty path under nothing") << ""
                                                      << "/" << false;
    }
    void isUnder() {
        QFETCH(QString, path);
        QFETCH(QString, folder);
        QFETCH(bool, under);
        const abc::Path p(path.toStdString());
        const abc::Path f(folder.toStdString());
        QCOMPARE(p.isUnder(f), under);
        QCOMPARE(f.contains(p), under);
        QCOMPARE(f.contains(p.string()), under);
    }

    // The SQL prefix match and contains() agree for everything strictly inside.
    void childPrefix_data() {
        QTest::addColumn<QString>("folder");
        QTest::addColumn<QString>("prefix");
        QTest::newRow("folder") << "/a"
                                << "/a/";
        QTest::newRow("folder with a slash") << "/a/"
                                             << "/a/";
        QTest::newRow("root") << "/"
                              << "/";
    }
    void childPrefix() {
        QFETCH(QString, folder);
        QFETCH(QString, prefix);
        const abc::Path f(folder.toStdString());
        QCOMPARE(QString::fromStdString(f.childPrefix()), prefix);
        QVERIFY(f.contains(f.childPrefix() + "x.jpg"));
    }

    void absolute_data() {
        QTest::addColumn<QString>("given");
        QTest::addColumn<QString>("expected");
        const QString here = QDir::currentPath();
        QTest::newRow("absolute") << "/a/b/"
                                  << "/a/b";
        QTest::newRow("relative") << "photos/" << here + "/photos";
        QTest::newRow("dot") << "." << here;
        QTest::newRow("dot slash") << "./photos/./x/.." << here + "/photos";
        QTest::newRow("root") << "/"
                              << "/";
        QTest::newRow("missing folder") << "/no/such/folder/"
                                        << "/no/such/folder";
    }
    void absolute() {
        QFETCH(QString, given);
        QFETCH(QString, expected);
        QCOMPARE(QString::fromStdString(abc::Path::absolute(given.toStdString()).string()),
                 expected);
    }

    // Taken as the current folder or as "/", an empty folder would name a whole library.
    void absoluteRefusesTheEmptyPath() {
        QVERIFY_THROWS_EXCEPTION(abc::Error, abc::Path::absolute(""));
    }

    void ordersAndComparesByText() {
        QCOMPARE(abc::Path("/a/"), abc::Path("/a"));
        QVERIFY(abc::Path("/a") != abc::Path("/ab"));
        QVERIFY(abc::Path("/a") < abc::Path("/b"));
        QVERIFY(abc::Path().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestPath)
#include "test_path.moc"
