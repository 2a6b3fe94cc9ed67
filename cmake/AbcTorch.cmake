# libtorch comes from PyPI's torch wheel, installed into the project's .venv by
# tools/setup.sh. Torch_DIR may be given explicitly; otherwise the venv is searched.
if(NOT Torch_DIR)
    file(GLOB _abc_torch_dirs
         "${CMAKE_CURRENT_SOURCE_DIR}/.venv/lib/python3*/site-packages/torch/share/cmake/Torch")
    if(_abc_torch_dirs)
        list(GET _abc_torch_dirs 0 _abc_torch_dir)
        set(Torch_DIR "${_abc_torch_dir}" CACHE PATH "libtorch CMake package folder")
    endif()
endif()

if(ABC_WITH_CUDA AND NOT CMAKE_CUDA_COMPILER AND EXISTS /usr/local/cuda/bin/nvcc)
    set(CMAKE_CUDA_COMPILER /usr/local/cuda/bin/nvcc)
endif()
if(NOT ABC_WITH_CUDA)
    set(USE_CUDA OFF)
endif()
# Build for the GPUs the product targets (Hopper; Ampere and Ada as well).
if(NOT TORCH_CUDA_ARCH_LIST)
    set(TORCH_CUDA_ARCH_LIST "8.0;8.9;9.0")
endif()

find_package(Torch REQUIRED)
message(STATUS "libtorch ${Torch_VERSION} from ${Torch_DIR}")

# One imported target that carries libtorch without its global CXX flags leaking elsewhere.
add_library(abc_torch INTERFACE)
target_link_libraries(abc_torch INTERFACE ${TORCH_LIBRARIES})
target_include_directories(abc_torch SYSTEM INTERFACE ${TORCH_INCLUDE_DIRS})
get_filename_component(ABC_TORCH_LIB_DIR "${TORCH_LIBRARY}" DIRECTORY)
set(CMAKE_BUILD_RPATH "${ABC_TORCH_LIB_DIR}")
