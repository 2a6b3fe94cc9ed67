#include "core/model/cuda_runtime_loader.h"

#include <ATen/detail/CUDAHooksInterface.h>
#include <dlfcn.h>

#include <array>
#include <cstddef>
#include <filesystem>

namespace abc {
namespace {

// The folder of the loaded libtorch_cpu.so, found through one of its functions: a CUDA part
// of another libtorch version (a system copy, say) must never be paired with it.
std::filesystem::path torchCpuFolder() {
    Dl_info where{};
    const auto* symbol = reinterpret_cast<const void*>(&at::detail::getCUDAHooks);
    if (dladdr(symbol, &where) == 0 || where.dli_fname == nullptr) {
        return {};
    }
    // As loaded it may read /usr/bin/../lib/abc-photos (the RUNPATH's $ORIGIN/..): messages
    // name the real folder.
    const std::filesystem::path folder = std::filesystem::path(where.dli_fname).parent_path();
    std::error_code error;
    const std::filesystem::path real = std::filesystem::canonical(folder, error);
    return error ? folder.lexically_normal() : real;
}

CudaRuntime load() {
    CudaRuntime runtime;
    const std::filesystem::path folder = torchCpuFolder();
    if (folder.empty()) {
        runtime.problem =
            "the folder of libtorch_cpu.so is unknown, so its libtorch_cuda.so is too";
        return runtime;
    }
    runtime.library = (folder / "libtorch_cuda.so").string();
    std::error_code ignored;
    if (!std::filesystem::exists(runtime.library, ignored)) {
        runtime.problem = "CUDA support is not installed (" + runtime.library +
                          " is missing): install the abc-photos-cuda package";
        return runtime;
    }
    // RTLD_GLOBAL: libtorch_cuda's kernels and hooks register themselves with the already
    // loaded libtorch_cpu when its static constructors run; the handle stays open for good.
    dlerror();
    if (dlopen(runtime.library.c_str(), RTLD_NOW | RTLD_GLOBAL) == nullptr) {
        const char* reason = dlerror();
        runtime.problem = "CUDA support could not be loaded from " + runtime.library + ": " +
                          (reason != nullptr ? reason : "unknown dlopen error") +
                          " (is the abc-photos-cuda package complete?)";
        return runtime;
    }
    if (!at::detail::getCUDAHooks().isBuilt()) {
        runtime.problem = runtime.library +
                          " was loaded after libtorch had settled on running without CUDA: "
                          "restart the program to use a CUDA device";
        return runtime;
    }
    runtime.loaded = true;
    return runtime;
}

// The CUDA driver API's own C signatures (cuda.h); CUresult is an int enum, CUdevice an int.
using CuInit = int (*)(unsigned int);
using CuDeviceGet = int (*)(int*, int);
using CuDeviceGetName = int (*)(char*, int, int);
using CuDeviceTotalMem = int (*)(std::size_t*, int);

}  // namespace

const CudaRuntime& loadCudaRuntime() {
    static const CudaRuntime runtime = load();
    return runtime;
}

std::optional<CudaDeviceFacts> cudaDeviceFacts(int index) {
    // The driver is already in the process once libtorch has found a GPU; this only takes a
    // reference to it.
    void* driver = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (driver == nullptr) {
        return std::nullopt;
    }
    const auto init = reinterpret_cast<CuInit>(dlsym(driver, "cuInit"));
    const auto deviceGet = reinterpret_cast<CuDeviceGet>(dlsym(driver, "cuDeviceGet"));
    const auto getName = reinterpret_cast<CuDeviceGetName>(dlsym(driver, "cuDeviceGetName"));
    const auto totalMem = reinterpret_cast<CuDeviceTotalMem>(dlsym(driver, "cuDeviceTotalMem_v2"));
    std::optional<CudaDeviceFacts> facts;
    int device = 0;
    if (init != nullptr && deviceGet != nullptr && getName != nullptr && init(0) == 0 &&
        deviceGet(&device, index) == 0) {
        std::array<char, 256> name{};
        if (getName(name.data(), static_cast<int>(name.size()), device) == 0) {
            facts = CudaDeviceFacts{name.data(), 0};
            std::size_t bytes = 0;
            if (totalMem != nullptr && totalMem(&bytes, device) == 0) {
                facts->memoryBytes = static_cast<std::int64_t>(bytes);
            }
        }
    }
    dlclose(driver);
    return facts;
}

}  // namespace abc
