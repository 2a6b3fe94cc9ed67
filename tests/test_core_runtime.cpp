// abc_core links libtorch and reports the compute devices.
#include <QTest>

#include "core/model/device.h"

class TestCoreRuntime : public QObject {
    Q_OBJECT

  private slots:
    void cpuIsAlwaysFirst() {
        const abc::RuntimeInfo info = abc::runtimeInfo();
        QVERIFY(!info.devices.empty());
        QCOMPARE(info.devices.front().id, std::string("cpu"));
        QVERIFY(info.cpuThreads >= 1);
        QVERIFY(info.torchVersion.rfind("2.", 0) == 0);
    }
};

QTEST_GUILESS_MAIN(TestCoreRuntime)
#include "test_core_runtime.moc"
