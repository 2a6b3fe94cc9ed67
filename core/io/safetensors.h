#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace abc {

// Element types a safetensors file may hold (the names are the format's own).
enum class TensorDType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL };

std::string_view dtypeName(TensorDType dtype);
std::size_t dtypeSize(TensorDType dtype);

struct TensorInfo {
    std::string name;
    TensorDType dtype = TensorDType::F32;
    std::vector<std::int64_t> shape;  // [] for a scalar
    std::uint64_t begin = 0;          // byte offset into the data section
    std::uint64_t end = 0;            // one past the last byte

    std::int64_t elementCount() const;
    std::uint64_t byteLength() const { return end - begin; }
};

// A memory-mapped, fully validated .safetensors file. Opening checks everything the format
// promises (header size <= 100 MB, valid JSON, known dtypes, offsets inside the file, tensors
// neither overlapping nor leaving gaps, shape x dtype = byte length) and throws abc::Error
// naming the file and, where it applies, the tensor. Tensor data stays in the mapping
// (zero-copy); the object is cheap to move and safe to read from several threads.
class SafetensorsFile {
  public:
    static SafetensorsFile open(const std::filesystem::path& path);

    const std::filesystem::path& path() const;
    const std::vector<TensorInfo>& tensors() const;
    const std::map<std::string, std::string>& metadata() const;  // "__metadata__"

    // nullptr when absent.
    const TensorInfo* find(std::string_view name) const;
    // Throws abc::Error "<file>: no tensor '<name>'" when absent.
    const TensorInfo& at(std::string_view name) const;
    // Start of the tensor's bytes inside the mapping (little-endian, row-major).
    const std::byte* data(const TensorInfo& tensor) const;

    SafetensorsFile(SafetensorsFile&&) noexcept;
    SafetensorsFile& operator=(SafetensorsFile&&) noexcept;
    ~SafetensorsFile();

  private:
    struct Mapping;
    SafetensorsFile() = default;
    std::shared_ptr<const Mapping> mapping_;
    std::uint64_t dataStart_ = 0;  // 8 + header length: where tensor offsets count from
    std::filesystem::path path_;
    std::vector<TensorInfo> tensors_;
    std::map<std::string, std::size_t, std::less<>> index_;
    std::map<std::string, std::string> metadata_;
};

// Writes tensors (already little-endian bytes) as a .safetensors file; used by the CLI to
// export pixel values and by tests. Throws abc::Error naming the file on I/O failure.
struct TensorToWrite {
    std::string name;
    TensorDType dtype = TensorDType::F32;
    std::vector<std::int64_t> shape;
    const void* data = nullptr;
    std::size_t byteLength = 0;
};
void writeSafetensors(const std::filesystem::path& path, const std::vector<TensorToWrite>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

}  // namespace abc
