#include "core/model/device.h"

#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <torch/version.h>

// The CUDA headers come with the CUDA-enabled libtorch and the toolkit; a CPU-only libtorch
// build still compiles, and then reports devices without their names.
#if __has_include(<ATen/cuda/CUDAContext.h>) && __has_include(<cuda_runtime_api.h>)
#include <ATen/cuda/CUDAContext.h>
#define ABC_HAVE_CUDA_PROPERTIES 1
#endif

namespace abc {

RuntimeInfo runtimeInfo() {
    RuntimeInfo info;
    info.torchVersion = TORCH_VERSION;
    info.cudaAvailable = at::hasCUDA();
    info.cpuThreads = at::get_num_threads();
    info.devices.push_back({"cpu", "CPU", 0});
    if (info.cudaAvailable) {
        const auto count = at::getNumGPUs();
        for (std::size_t i = 0; i < count; ++i) {
            ComputeDevice device;
            device.id = "cuda:" + std::to_string(i);
#ifdef ABC_HAVE_CUDA_PROPERTIES
            const auto* properties =
                at::cuda::getDeviceProperties(static_cast<c10::DeviceIndex>(i));
            device.name = properties->name;
            device.memoryBytes = static_cast<std::int64_t>(properties->totalGlobalMem);
#else
            device.name = "CUDA device " + std::to_string(i);
#endif
            info.devices.push_back(device);
        }
    }
    return info;
}

}  // namespace abc
