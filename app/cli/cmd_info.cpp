#include <CLI/CLI.hpp>

#include <iostream>

#include "app/cli/command.h"
#include "core/model/device.h"
#include "core/version.h"

namespace abc::cli {

// `info`: what this build can run on. The first thing to check on a new machine.
void registerInfo(CLI::App& app, int& exitCode) {
    auto* cmd = app.add_subcommand("info", "Show the build, libtorch and the compute devices");
    cmd->callback([&exitCode]() {
        const RuntimeInfo info = runtimeInfo();
        std::cout << kProjectName << " " << kVersion << "\n"
                  << "libtorch " << info.torchVersion
                  << (info.cudaAvailable ? " (CUDA available)" : " (no usable CUDA device)") << "\n"
                  << "cpu threads " << info.cpuThreads << "\n";
        if (!info.cudaProblem.empty()) {
            std::cout << "cuda: " << info.cudaProblem << "\n";
        }
        for (const auto& device : info.devices) {
            std::cout << "device " << device.id << ": " << device.name;
            if (device.memoryBytes > 0) {
                std::cout << ", " << device.memoryBytes / (1024 * 1024) << " MiB";
            }
            std::cout << "\n";
        }
        exitCode = 0;
    });
}

}  // namespace abc::cli
