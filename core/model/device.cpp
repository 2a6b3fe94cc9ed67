#include "core/model/device.h"

#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <torch/version.h>

#if __has_include(<c10/cuda/CUDAFunctions.h>)
#include <c10/cuda/CUDAFunctions.h>
#define ABC_HAVE_C10_CUDA 1
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
            device.name = "CUDA device " + std::to_string(i);
            info.devices.push_back(device);
        }
    }
    return info;
}

}  // namespace abc
