#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace abc {

// libtorch's CUDA part (libtorch_cuda.so, libc10_cuda.so and the NVIDIA libraries behind them,
// ~3 GB) is not linked into the programs: it comes with the optional abc-photos-cuda package
// and is loaded the first time a CUDA device is asked for. A CPU install then runs without it,
// and commands that need no GPU start without loading it.
struct CudaRuntime {
    bool loaded = false;  // libtorch_cuda.so is in the process and ATen uses it
    std::string library;  // the file that was (or would have been) loaded
    std::string problem;  // why it is not loaded, for messages; empty when loaded
};

// Loads libtorch_cuda.so from the folder libtorch_cpu.so was loaded from (the two must be the
// same build), once per process; later calls return the first outcome. Never throws.
// Must run before anything asks ATen about CUDA: ATen settles its answer on the first question.
const CudaRuntime& loadCudaRuntime();

// Name and memory of visible CUDA device `index`, asked of the NVIDIA driver; nullopt when the
// driver cannot tell.
struct CudaDeviceFacts {
    std::string name;
    std::int64_t memoryBytes = 0;
};
std::optional<CudaDeviceFacts> cudaDeviceFacts(int index);

}  // namespace abc
