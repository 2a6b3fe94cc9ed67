# libtorch comes from PyPI's torch wheel, installed into the project's .venv by
# tools/setup.sh. Torch_DIR may be given explicitly; otherwise the venv is searched.
#
# Whatever else is installed (Debian's libtorch-dev in /usr/lib, another torch on
# CMAKE_PREFIX_PATH, a conda env), every torch, c10 and Caffe2 library and CMake package is taken
# from the chosen Torch_DIR: TorchConfig.cmake calls find_library(... PATHS <its prefix>) and
# find_package(Caffe2 PATHS ...) without NO_DEFAULT_PATH, so the system's copies win over its own
# unless the cache already names them. Headers of one version linked against the libraries of
# another fail at link time with hundreds of undefined c10:: symbols, or worse, at run time.
if(NOT Torch_DIR)
    file(GLOB _abc_torch_dirs
         "${CMAKE_CURRENT_SOURCE_DIR}/.venv/lib/python3*/site-packages/torch/share/cmake/Torch")
    if(_abc_torch_dirs)
        list(GET _abc_torch_dirs 0 _abc_torch_dir)
        set(Torch_DIR "${_abc_torch_dir}" CACHE PATH "libtorch CMake package folder")
    else()
        message(FATAL_ERROR
            "libtorch not found: no torch wheel in ${CMAKE_CURRENT_SOURCE_DIR}/.venv.\n"
            "Run `bash tools/setup.sh build` (it installs the pinned torch there), or configure "
            "with -DTorch_DIR=<prefix>/share/cmake/Torch to use another libtorch. A libtorch "
            "found elsewhere on the system is never picked up by itself.")
    endif()
endif()
if(NOT EXISTS "${Torch_DIR}/TorchConfig.cmake")
    message(FATAL_ERROR "Torch_DIR=${Torch_DIR} holds no TorchConfig.cmake")
endif()
get_filename_component(ABC_TORCH_PREFIX "${Torch_DIR}/../../.." REALPATH)

# TorchConfig.cmake honours this variable over its own location; it must not point elsewhere.
unset(ENV{TORCH_INSTALL_PREFIX})

# Pin every library TorchConfig.cmake looks up by name to the chosen prefix. A cached value from
# an earlier configure that points elsewhere is dropped first.
foreach(_abc_lib_var_and_name IN ITEMS TORCH_LIBRARY:torch c10_LIBRARY:c10
        C10_CUDA_LIBRARY:c10_cuda kineto_LIBRARY:kineto)
    string(REPLACE ":" ";" _abc_pair "${_abc_lib_var_and_name}")
    list(GET _abc_pair 0 _abc_var)
    list(GET _abc_pair 1 _abc_name)
    if(DEFINED CACHE{${_abc_var}})
        get_filename_component(_abc_cached "${${_abc_var}}" REALPATH)
        string(FIND "${_abc_cached}" "${ABC_TORCH_PREFIX}/" _abc_at)
        if(NOT _abc_at EQUAL 0)
            unset(${_abc_var} CACHE)
        endif()
    endif()
    find_library(${_abc_var} ${_abc_name} PATHS "${ABC_TORCH_PREFIX}/lib" NO_DEFAULT_PATH)
    if(NOT ${_abc_var})
        # Not part of this libtorch (the wheel links kineto statically). An empty value, unlike
        # NOTFOUND, stops TorchConfig.cmake from searching the system for it.
        set(${_abc_var} "" CACHE FILEPATH "not part of the chosen libtorch" FORCE)
    endif()
endforeach()
set(Caffe2_DIR "${ABC_TORCH_PREFIX}/share/cmake/Caffe2" CACHE PATH "Caffe2 of the chosen libtorch" FORCE)

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

find_package(Torch REQUIRED CONFIG PATHS "${Torch_DIR}" NO_DEFAULT_PATH)
message(STATUS "libtorch ${Torch_VERSION} from ${ABC_TORCH_PREFIX}")

# Check what was found: every torch/c10/caffe2/kineto library behind TORCH_LIBRARIES (imported
# targets followed through their link interfaces) must live under the chosen prefix.
function(_abc_collect_torch_files out)
    set(files "")
    set(queue ${ARGN})
    set(seen "")
    while(queue)
        list(POP_FRONT queue item)
        if(item IN_LIST seen)
            continue()
        endif()
        list(APPEND seen "${item}")
        if(TARGET "${item}")
            get_target_property(type "${item}" TYPE)
            foreach(prop IN ITEMS IMPORTED_LOCATION IMPORTED_LOCATION_RELEASE
                    IMPORTED_LOCATION_RELWITHDEBINFO IMPORTED_LOCATION_DEBUG
                    IMPORTED_LOCATION_MINSIZEREL IMPORTED_LOCATION_NOCONFIG)
                if(NOT type STREQUAL "INTERFACE_LIBRARY")
                    get_target_property(location "${item}" ${prop})
                    if(location)
                        list(APPEND files "${location}")
                    endif()
                endif()
            endforeach()
            get_target_property(links "${item}" INTERFACE_LINK_LIBRARIES)
            if(links)
                foreach(link IN LISTS links)
                    # Libraries named inside generator expressions count too: torch links its
                    # parts as -Wl,--no-as-needed,"$<TARGET_FILE:torch_cpu>".
                    string(REGEX MATCHALL "(TARGET_FILE|TARGET_PROPERTY|LINK_ONLY):[A-Za-z0-9_:.+-]+"
                           named "${link}")
                    foreach(expression IN LISTS named)
                        string(REGEX REPLACE "^[A-Z_]+:" "" target "${expression}")
                        list(APPEND queue "${target}")
                    endforeach()
                    if(NOT link MATCHES "[$<>]")
                        list(APPEND queue "${link}")
                    endif()
                endforeach()
            endif()
        elseif(IS_ABSOLUTE "${item}")
            list(APPEND files "${item}")
        endif()
    endwhile()
    set(${out} "${files}" PARENT_SCOPE)
endfunction()

_abc_collect_torch_files(_abc_torch_files ${TORCH_LIBRARIES})
list(REMOVE_DUPLICATES _abc_torch_files)
set(_abc_foreign "")
set(ABC_TORCH_LIBRARY_FILES "")
foreach(_abc_file IN LISTS _abc_torch_files)
    get_filename_component(_abc_name "${_abc_file}" NAME)
    if(_abc_name MATCHES "^lib(torch|c10|caffe2|kineto|shm)([_.].*)?$")
        list(APPEND ABC_TORCH_LIBRARY_FILES "${_abc_file}")
        get_filename_component(_abc_real "${_abc_file}" REALPATH)
        string(FIND "${_abc_real}" "${ABC_TORCH_PREFIX}/" _abc_at)
        if(NOT _abc_at EQUAL 0)
            list(APPEND _abc_foreign "${_abc_file}")
        endif()
    endif()
endforeach()
get_filename_component(_abc_caffe2_dir "${Caffe2_DIR}" REALPATH)
if(NOT _abc_caffe2_dir STREQUAL "${ABC_TORCH_PREFIX}/share/cmake/Caffe2")
    list(APPEND _abc_foreign "Caffe2_DIR=${Caffe2_DIR}")
endif()
if(_abc_foreign)
    list(JOIN _abc_foreign "\n  " _abc_foreign_text)
    message(FATAL_ERROR
        "libtorch libraries from outside the chosen Torch_DIR (${ABC_TORCH_PREFIX}):\n"
        "  ${_abc_foreign_text}\n"
        "Another libtorch is installed (for example Debian's libtorch-dev) and was picked up. "
        "Delete the build folder's CMakeCache.txt and configure again; if this persists, report it.")
endif()
list(LENGTH ABC_TORCH_LIBRARY_FILES _abc_torch_file_count)
message(STATUS "libtorch: ${_abc_torch_file_count} torch/c10 libraries, all from ${ABC_TORCH_PREFIX}")

# One imported target that carries libtorch without its global CXX flags leaking elsewhere.
# Only libtorch's CPU part is linked (libtorch_cpu + libc10): the CUDA part (libtorch_cuda,
# libc10_cuda and ~3 GB of NVIDIA libraries) ships as a separate, optional package and is
# loaded at run time when a CUDA device is asked for (core/model/cuda_runtime_loader.cpp).
# Linking TORCH_LIBRARIES would make every install carry CUDA, and every start load it.
if(NOT TARGET torch_cpu_library)
    message(FATAL_ERROR "libtorch at ${ABC_TORCH_PREFIX} defines no torch_cpu_library target")
endif()
add_library(abc_torch INTERFACE)
target_link_libraries(abc_torch INTERFACE torch_cpu_library ${CMAKE_DL_LIBS})
target_compile_options(abc_torch INTERFACE ${TORCH_CXX_FLAGS})
target_include_directories(abc_torch SYSTEM INTERFACE ${TORCH_INCLUDE_DIRS})
get_filename_component(ABC_TORCH_LIB_DIR "${TORCH_LIBRARY}" DIRECTORY)
set(CMAKE_BUILD_RPATH "${ABC_TORCH_LIB_DIR}")
