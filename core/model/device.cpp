#include "core/model/device.h"

#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <torch/version.h>

#include "core/model/cuda_runtime_loader.h"

namespace abc {

RuntimeInfo runtimeInfo() {
    RuntimeInfo info;
    info.torchVersion = TORCH_VERSION;
    // Listing devices is one of the moments CUDA support is loaded (if installed).
    const CudaRuntime& cuda = loadCudaRuntime();
    info.cudaAvailable = cuda.loaded && at::hasCUDA();
    if (!cuda.loaded) {
        info.cudaProblem = cuda.problem;
    } else if (!info.cudaAvailable) {
        info.cudaProblem = "CUDA support is installed, but no NVIDIA driver or GPU is usable";
    }
    info.cpuThreads = at::get_num_threads();
    info.devices.push_back({"cpu", "CPU", 0});
    if (info.cudaAvailable) {
        const auto count = at::getNumGPUs();
        for (std::size_t i = 0; i < count; ++i) {
            ComputeDevice device;
            device.id = "cuda:" + std::to_string(i);
            if (const auto facts = cudaDeviceFacts(static_cast<int>(i))) {
                device.name = facts->name;
                device.memoryBytes = facts->memoryBytes;
            } else {
                device.name = "CUDA device " + std::to_string(i);
            }
            info.devices.push_back(device);
        }
    }
    return info;
}

}  // namespace abc
