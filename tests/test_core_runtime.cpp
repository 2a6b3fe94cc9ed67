// abc_core links libtorch's CPU part, loads its CUDA part only when devices are asked for, and
// reports the compute devices.
#include <dlfcn.h>

#include <QTest>
#include <filesystem>

#include "core/model/cuda_runtime_loader.h"
#include "core/model/device.h"
#include "core/model/embedder.h"

namespace {

// Whether the library is in the process already; RTLD_NOLOAD never loads it.
bool isLoaded(const std::string& name) {
    const std::string path = std::string(ABC_TORCH_LIB_DIR) + "/" + name;
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_NOLOAD);
    if (handle == nullptr) {
        return false;
    }
    dlclose(handle);
    return true;
}

}  // namespace

class TestCoreRuntime : public QObject {
    Q_OBJECT

  private slots:
    // Runs first: nothing before it in this process has listed devices.
    void cudaPartIsLoadedOnlyWhenDevicesAreListed() {
        QVERIFY(std::filesystem::exists(std::string(ABC_TORCH_LIB_DIR) + "/libtorch_cuda.so"));
        QVERIFY(!isLoaded("libtorch_cuda.so"));
        QVERIFY(!isLoaded("libc10_cuda.so"));

        // A CPU model, loaded and run: still no CUDA in the process, and ATen has not settled
        // on "no CUDA" (which would make a later load useless).
        abc::EmbedderOptions options;
        const std::string tiny = std::string(ABC_REFERENCE_DIR) + "/tiny-abc";
        options.model.base = tiny + "/Qwen2-VL";
        options.model.pretrainAdapter = tiny + "/ABC-Pretrain";
        options.model.instructAdapter = tiny + "/ABC-Instruct";
        options.cpuThreads = 1;
        const auto embedder = abc::Embedder::load(options);
        QVERIFY(!embedder->embedText("hi").empty());
        QCOMPARE(embedder->deviceName(), std::string("cpu"));
        QVERIFY(!isLoaded("libtorch_cuda.so"));

        const abc::RuntimeInfo info = abc::runtimeInfo();
        const abc::CudaRuntime& cuda = abc::loadCudaRuntime();
        QVERIFY2(cuda.loaded, cuda.problem.c_str());
        QVERIFY(cuda.problem.empty());
        QCOMPARE(cuda.library, std::string(ABC_TORCH_LIB_DIR) + "/libtorch_cuda.so");
        QVERIFY(isLoaded("libtorch_cuda.so"));
        QVERIFY(isLoaded("libc10_cuda.so"));
        if (info.cudaAvailable) {
            QVERIFY(info.devices.size() >= 2);
            QVERIFY(!info.devices[1].name.empty());
            QVERIFY(info.devices[1].memoryBytes > 0);
        } else {
            QCOMPARE(info.devices.size(), std::size_t{1});
            QVERIFY2(info.cudaProblem.find("no NVIDIA driver or GPU") != std::string::npos,
                     info.cudaProblem.c_str());
        }
    }

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
