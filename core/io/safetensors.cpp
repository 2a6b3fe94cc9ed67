#include "core/io/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/io/error.h"

namespace abc {

namespace {

// The format's own limit on the header, which also keeps a hostile file from making us
// parse gigabytes of JSON.
constexpr std::uint64_t kMaxHeaderBytes = 100ULL * 1024 * 1024;

struct DTypeEntry {
    TensorDType dtype;
    std::string_view name;
    std::size_t size;
};

constexpr DTypeEntry kDTypes[] = {
    {TensorDType::F64, "F64", 8},   {TensorDType::F32, "F32", 4}, {TensorDType::F16, "F16", 2},
    {TensorDType::BF16, "BF16", 2}, {TensorDType::I64, "I64", 8}, {TensorDType::I32, "I32", 4},
    {TensorDType::I16, "I16", 2},   {TensorDType::I8, "I8", 1},   {TensorDType::U8, "U8", 1},
    {TensorDType::BOOL, "BOOL", 1},
};

const DTypeEntry* findDType(std::string_view name) {
    for (const auto& entry : kDTypes) {
        if (entry.name == name) {
            return &entry;
        }
    }
    return nullptr;
}

std::string systemError(const char* what) {
    return std::string(what) + ": " + std::strerror(errno);
}

}  // namespace

std::string_view dtypeName(TensorDType dtype) {
    for (const auto& entry : kDTypes) {
        if (entry.dtype == dtype) {
            return entry.name;
        }
    }
    return "?";
}

std::size_t dtypeSize(TensorDType dtype) {
    for (const auto& entry : kDTypes) {
        if (entry.dtype == dtype) {
            return entry.size;
        }
    }
    return 0;
}

std::int64_t TensorInfo::elementCount() const {
    std::int64_t count = 1;
    for (const auto dim : shape) {
        count *= dim;
    }
    return count;
}

// Owns the read-only mapping; shared so tensors handed out stay valid while any copy lives.
struct SafetensorsFile::Mapping {
    const std::byte* base = nullptr;
    std::size_t size = 0;

    Mapping(const Mapping&) = delete;
    Mapping& operator=(const Mapping&) = delete;
    Mapping(const std::byte* b, std::size_t s) : base(b), size(s) {}
    ~Mapping() {
        if (base != nullptr && size > 0) {
            munmap(const_cast<std::byte*>(base), size);
        }
    }
};

SafetensorsFile::SafetensorsFile(SafetensorsFile&&) noexcept = default;
SafetensorsFile& SafetensorsFile::operator=(SafetensorsFile&&) noexcept = default;
SafetensorsFile::~SafetensorsFile() = default;

SafetensorsFile SafetensorsFile::open(const std::filesystem::path& path) {
    const std::string subject = path.string();
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        throw Error(subject, systemError("cannot open"));
    }
    struct stat st {};
    if (fstat(fd, &st) != 0) {
        const std::string message = systemError("cannot stat");
        ::close(fd);
        throw Error(subject, message);
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        throw Error(subject, "not a regular file");
    }
    const auto fileSize = static_cast<std::uint64_t>(st.st_size);
    if (fileSize < 8) {
        ::close(fd);
        throw Error(subject, "file is " + std::to_string(fileSize) +
                                 " bytes, too short for a safetensors header");
    }
    void* mapped = mmap(nullptr, fileSize, PROT_READ, MAP_PRIVATE, fd, 0);
    const std::string mapError = mapped == MAP_FAILED ? systemError("cannot map") : std::string();
    ::close(fd);
    if (mapped == MAP_FAILED) {
        throw Error(subject, mapError);
    }
    auto mapping = std::make_shared<const Mapping>(static_cast<const std::byte*>(mapped), fileSize);

    std::uint64_t headerSize = 0;
    for (int i = 7; i >= 0; --i) {
        headerSize = (headerSize << 8) | static_cast<std::uint8_t>(mapping->base[i]);
    }
    if (headerSize > kMaxHeaderBytes) {
        throw Error(subject, "header of " + std::to_string(headerSize) +
                                 " bytes exceeds the 100 MB limit (not a safetensors file?)");
    }
    if (headerSize > fileSize - 8) {
        throw Error(subject, "header length " + std::to_string(headerSize) +
                                 " runs past the end of the file (" + std::to_string(fileSize) +
                                 " bytes): truncated?");
    }
    const char* headerBegin = reinterpret_cast<const char*>(mapping->base + 8);
    nlohmann::json header;
    try {
        header = nlohmann::json::parse(headerBegin, headerBegin + headerSize);
    } catch (const nlohmann::json::exception& e) {
        throw Error(subject, std::string("header is not valid JSON: ") + e.what());
    }
    if (!header.is_object()) {
        throw Error(subject, "header is not a JSON object");
    }

    SafetensorsFile file;
    file.path_ = path;
    const std::uint64_t dataSize = fileSize - 8 - headerSize;

    for (auto it = header.begin(); it != header.end(); ++it) {
        if (it.key() == "__metadata__") {
            if (!it.value().is_object()) {
                throw Error(subject, "__metadata__ is not an object");
            }
            for (auto m = it.value().begin(); m != it.value().end(); ++m) {
                if (!m.value().is_string()) {
                    throw Error(subject, "__metadata__ value '" + m.key() + "' is not a string");
                }
                file.metadata_[m.key()] = m.value().get<std::string>();
            }
            continue;
        }
        const std::string tensorSubject = subject + ": tensor '" + it.key() + "'";
        const auto& entry = it.value();
        if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape") ||
            !entry.contains("data_offsets")) {
            throw Error(tensorSubject, "entry needs dtype, shape and data_offsets");
        }
        if (!entry["dtype"].is_string()) {
            throw Error(tensorSubject, "dtype is not a string");
        }
        const auto* dtype = findDType(entry["dtype"].get<std::string>());
        if (dtype == nullptr) {
            throw Error(tensorSubject, "unsupported dtype " + entry["dtype"].dump());
        }
        TensorInfo info;
        info.name = it.key();
        info.dtype = dtype->dtype;
        if (!entry["shape"].is_array()) {
            throw Error(tensorSubject, "shape is not a list");
        }
        // Overflow-checked so a hostile shape cannot wrap the byte count around.
        std::uint64_t elements = 1;
        for (const auto& dim : entry["shape"]) {
            if (!dim.is_number_unsigned()) {
                throw Error(tensorSubject,
                            "shape " + entry["shape"].dump() +
                                " has a dimension that is not a non-negative integer");
            }
            const auto d = dim.get<std::uint64_t>();
            if (d != 0 && elements > std::numeric_limits<std::uint64_t>::max() / d) {
                throw Error(tensorSubject, "shape " + entry["shape"].dump() + " overflows");
            }
            elements *= d;
            info.shape.push_back(static_cast<std::int64_t>(d));
        }
        const auto& offsets = entry["data_offsets"];
        if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
            !offsets[1].is_number_unsigned()) {
            throw Error(tensorSubject, "data_offsets must be [begin, end]");
        }
        info.begin = offsets[0].get<std::uint64_t>();
        info.end = offsets[1].get<std::uint64_t>();
        if (info.begin > info.end || info.end > dataSize) {
            throw Error(tensorSubject, "data_offsets [" + std::to_string(info.begin) + ", " +
                                           std::to_string(info.end) +
                                           "] fall outside the data section of " +
                                           std::to_string(dataSize) + " bytes");
        }
        if (elements > std::numeric_limits<std::uint64_t>::max() / dtype->size ||
            elements * dtype->size != info.byteLength()) {
            throw Error(tensorSubject,
                        "shape " + entry["shape"].dump() + " of " + std::string(dtype->name) +
                            " needs " + std::to_string(elements * dtype->size) +
                            " bytes but data_offsets give " + std::to_string(info.byteLength()));
        }
        file.tensors_.push_back(std::move(info));
    }

    // Tensors must tile the data section exactly: no overlap (two tensors aliasing the same
    // bytes) and no gaps (bytes that belong to nothing, a sign of a damaged file).
    std::vector<const TensorInfo*> byOffset;
    for (const auto& t : file.tensors_) {
        byOffset.push_back(&t);
    }
    std::sort(byOffset.begin(), byOffset.end(), [](const TensorInfo* a, const TensorInfo* b) {
        return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
    });
    std::uint64_t cursor = 0;
    for (const auto* t : byOffset) {
        if (t->begin < cursor) {
            throw Error(subject + ": tensor '" + t->name + "'",
                        "overlaps the previous tensor's bytes");
        }
        if (t->begin > cursor) {
            throw Error(subject + ": tensor '" + t->name + "'",
                        "leaves a gap of " + std::to_string(t->begin - cursor) +
                            " bytes before it in the data section");
        }
        cursor = t->end;
    }
    if (cursor != dataSize) {
        throw Error(subject, "data section is " + std::to_string(dataSize) +
                                 " bytes but the tensors cover " + std::to_string(cursor));
    }

    for (std::size_t i = 0; i < file.tensors_.size(); ++i) {
        file.index_.emplace(file.tensors_[i].name, i);
    }
    file.mapping_ = std::move(mapping);
    file.dataStart_ = 8 + headerSize;
    return file;
}

const std::filesystem::path& SafetensorsFile::path() const {
    return path_;
}
const std::vector<TensorInfo>& SafetensorsFile::tensors() const {
    return tensors_;
}
const std::map<std::string, std::string>& SafetensorsFile::metadata() const {
    return metadata_;
}

const TensorInfo* SafetensorsFile::find(std::string_view name) const {
    const auto it = index_.find(name);
    return it == index_.end() ? nullptr : &tensors_[it->second];
}

const TensorInfo& SafetensorsFile::at(std::string_view name) const {
    const auto* tensor = find(name);
    if (tensor == nullptr) {
        throw Error(path_.string(), "no tensor '" + std::string(name) + "'");
    }
    return *tensor;
}

const std::byte* SafetensorsFile::data(const TensorInfo& tensor) const {
    return mapping_->base + dataStart_ + tensor.begin;
}

void writeSafetensors(const std::filesystem::path& path, const std::vector<TensorToWrite>& tensors,
                      const std::map<std::string, std::string>& metadata) {
    nlohmann::json header = nlohmann::json::object();
    if (!metadata.empty()) {
        header["__metadata__"] = metadata;
    }
    std::uint64_t offset = 0;
    for (const auto& t : tensors) {
        std::uint64_t elements = 1;
        for (const auto d : t.shape) {
            elements *= static_cast<std::uint64_t>(d);
        }
        if (elements * dtypeSize(t.dtype) != t.byteLength) {
            throw Error(path.string() + ": tensor '" + t.name + "'",
                        "shape and dtype do not match the " + std::to_string(t.byteLength) +
                            " bytes given");
        }
        header[t.name] = {{"dtype", std::string(dtypeName(t.dtype))},
                          {"shape", t.shape},
                          {"data_offsets", {offset, offset + t.byteLength}}};
        offset += t.byteLength;
    }
    std::string json = header.dump();
    // Pad with spaces so the data section starts 8-byte aligned, as the reference writer does.
    json.append((8 - json.size() % 8) % 8, ' ');

    // Write next to the target and rename, so a crash never leaves a half-written file.
    const std::filesystem::path temporary = path.string() + ".partial";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        if (!out) {
            throw Error(path.string(), "cannot create the file");
        }
        std::uint64_t n = json.size();
        char length[8];
        for (char& byte : length) {
            byte = static_cast<char>(n & 0xff);
            n >>= 8;
        }
        out.write(length, 8);
        out.write(json.data(), static_cast<std::streamsize>(json.size()));
        for (const auto& t : tensors) {
            out.write(static_cast<const char*>(t.data), static_cast<std::streamsize>(t.byteLength));
        }
        out.flush();
        if (!out) {
            throw Error(path.string(), "write failed (disk full?)");
        }
    }
    std::error_code ec;
    std::filesystem::rename(temporary, path, ec);
    if (ec) {
        throw Error(path.string(), "cannot move the written file into place: " + ec.message());
    }
}

}  // namespace abc
