// Some parsers take a path (the safetensors reader maps its file); the fuzz input goes to one
// scratch file per process, rewritten for every input.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace abc::fuzz {

inline std::filesystem::path writeScratchFile(const std::uint8_t* data, std::size_t size,
                                              const std::string& extension) {
    static const std::filesystem::path path =
        std::filesystem::temp_directory_path() /
        ("abc-fuzz-" + std::to_string(::getpid()) + extension);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    out.close();
    if (!out) {
        std::abort();  // the harness itself is broken, not the parser
    }
    return path;
}

}  // namespace abc::fuzz
