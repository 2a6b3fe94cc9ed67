#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace abc {

// A place the model can run: the CPU or one CUDA device. Plain values so the GUI and the
// CLI can show them without seeing libtorch.
struct ComputeDevice {
    std::string id;                // "cpu" or "cuda:N"
    std::string name;              // human-readable, e.g. "NVIDIA H100 80GB HBM3"
    std::int64_t memoryBytes = 0;  // total device memory (0 for the CPU: not reported)
};

struct RuntimeInfo {
    std::string torchVersion;            // libtorch the engine was built against
    bool cudaAvailable = false;          // a CUDA driver and at least one GPU are usable
    std::string cudaProblem;             // why not (CUDA support not installed, no driver)
    int cpuThreads = 0;                  // intra-op threads libtorch will use
    std::vector<ComputeDevice> devices;  // "cpu" first, then every visible CUDA device
};

// Queries libtorch once per call; cheap enough for a settings dialog.
RuntimeInfo runtimeInfo();

}  // namespace abc
