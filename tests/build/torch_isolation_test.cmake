# A build must take every libtorch library from the chosen Torch_DIR, whatever other libtorch is
# installed. Reproduces the newcomer failure (Debian's libtorch-dev 1.13 found before the venv's
# 2.11, ~330 undefined c10:: symbols at link time) with decoy installs, then checks the error a
# foreign library gives.
#   cmake -DABC_SOURCE_DIR=... -DTorch_DIR=... -DWORK_DIR=... -P torch_isolation_test.cmake
foreach(var ABC_SOURCE_DIR Torch_DIR WORK_DIR)
    if(NOT ${var})
        message(FATAL_ERROR "${var} not given")
    endif()
endforeach()
get_filename_component(real_prefix "${Torch_DIR}/../../.." REALPATH)
set(project_dir "${CMAKE_CURRENT_LIST_DIR}/torch_isolation")
file(REMOVE_RECURSE "${WORK_DIR}")
set(failures 0)

# A decoy prefix laid out like Debian's libtorch-dev: libraries in lib/<arch>, CMake packages
# under lib/<arch>/cmake/{Torch,Caffe2} whose targets point at the decoy's libraries.
function(make_decoy root)
    set(lib "${root}/lib/x86_64-linux-gnu")
    file(MAKE_DIRECTORY "${lib}/cmake/Caffe2" "${lib}/cmake/Torch")
    foreach(name torch torch_cpu c10 c10_cuda kineto)
        file(WRITE "${lib}/lib${name}.so" "decoy")
    endforeach()
    file(WRITE "${lib}/cmake/Caffe2/Caffe2Config.cmake"
        "set(Caffe2_MAIN_LIBS torch_library)\n"
        "if(NOT TARGET torch)\n"
        "  add_library(torch SHARED IMPORTED)\n"
        "  set_target_properties(torch PROPERTIES IMPORTED_LOCATION \"${lib}/libtorch.so\"\n"
        "      INTERFACE_LINK_LIBRARIES \"${lib}/libtorch_cpu.so;${lib}/libc10.so\")\n"
        "  add_library(torch_library INTERFACE IMPORTED)\n"
        "endif()\n")
    file(WRITE "${lib}/cmake/Caffe2/Caffe2ConfigVersion.cmake"
        "set(PACKAGE_VERSION 1.13.1)\nset(PACKAGE_VERSION_COMPATIBLE TRUE)\n")
    file(COPY "${lib}/cmake/Caffe2/Caffe2Config.cmake" DESTINATION "${lib}/cmake/Torch")
    file(RENAME "${lib}/cmake/Torch/Caffe2Config.cmake" "${lib}/cmake/Torch/TorchConfig.cmake")
    file(APPEND "${lib}/cmake/Torch/TorchConfig.cmake"
        "set(TORCH_LIBRARIES torch)\nset(TORCH_LIBRARY \"${lib}/libtorch.so\")\nset(Torch_FOUND TRUE)\n")
endfunction()

function(configure name out_result out_log)
    set(build "${WORK_DIR}/${name}")
    execute_process(
        COMMAND "${CMAKE_COMMAND}" -S "${project_dir}" -B "${build}" "-DABC_SOURCE_DIR=${ABC_SOURCE_DIR}" ${ARGN}
        RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
    set(${out_result} "${result}" PARENT_SCOPE)
    set(${out_log} "${out}${err}" PARENT_SCOPE)
endfunction()

# Passes when configure succeeded and every resolved torch library lies under the real prefix.
function(expect_real_libraries name)
    configure(${name} result log ${ARGN})
    set(build "${WORK_DIR}/${name}")
    if(NOT result EQUAL 0)
        message(SEND_ERROR "[${name}] configure failed (${result}):\n${log}")
        return()
    endif()
    file(STRINGS "${build}/torch_libraries.txt" lines)
    list(GET lines 0 libs)
    list(GET lines 1 caffe2_dir)
    set(count 0)
    set(foreign "")
    foreach(file IN LISTS libs caffe2_dir)
        get_filename_component(real "${file}" REALPATH)
        string(FIND "${real}" "${real_prefix}/" at)
        if(NOT at EQUAL 0)
            list(APPEND foreign "${file}")
        endif()
        math(EXPR count "${count} + 1")
    endforeach()
    if(foreign)
        message(SEND_ERROR "[${name}] not under ${real_prefix}: ${foreign}")
    elseif(count LESS 5)
        message(SEND_ERROR "[${name}] only ${count} torch paths resolved: ${libs}")
    else()
        message(STATUS "[${name}] ok: ${count} paths, all under ${real_prefix}")
    endif()
endfunction()

set(decoy "${WORK_DIR}/decoy-prefix")
make_decoy("${decoy}")

# 1. Another libtorch on CMAKE_PREFIX_PATH (how a conda env or /usr is searched).
expect_real_libraries(prefix_path "-DTorch_DIR=${Torch_DIR}" "-DCMAKE_PREFIX_PATH=${decoy}")

# 2. A cache that already names the other libtorch (a build folder configured before the fix).
set(dlib "${decoy}/lib/x86_64-linux-gnu")
expect_real_libraries(stale_cache "-DTorch_DIR=${Torch_DIR}" "-DCMAKE_PREFIX_PATH=${decoy}"
    "-DTORCH_LIBRARY=${dlib}/libtorch.so" "-Dc10_LIBRARY=${dlib}/libc10.so"
    "-DC10_CUDA_LIBRARY=${dlib}/libc10_cuda.so" "-DCaffe2_DIR=${dlib}/cmake/Caffe2")

# 3. The system's own libtorch, when one is installed (CI installs Debian's libtorch-dev).
if(EXISTS /usr/lib/x86_64-linux-gnu/cmake/Caffe2/Caffe2Config.cmake)
    expect_real_libraries(system "-DTorch_DIR=${Torch_DIR}")
else()
    message(STATUS "[system] no system libtorch installed here; cases 1 and 2 stand in for it")
endif()

# 4. A Torch_DIR whose package names a library outside its own prefix: a clear error.
set(foreign "${WORK_DIR}/foreign-prefix")
file(MAKE_DIRECTORY "${foreign}/share/cmake/Caffe2" "${foreign}/lib")
file(WRITE "${foreign}/lib/libtorch.so" "decoy")
file(WRITE "${foreign}/share/cmake/Caffe2/Caffe2Config.cmake"
    "add_library(torch SHARED IMPORTED)\n"
    "set_target_properties(torch PROPERTIES IMPORTED_LOCATION \"${foreign}/lib/libtorch.so\"\n"
    "    INTERFACE_LINK_LIBRARIES \"${dlib}/libc10.so\")\n")
file(MAKE_DIRECTORY "${foreign}/share/cmake/Torch")
file(WRITE "${foreign}/share/cmake/Torch/TorchConfig.cmake"
    "find_package(Caffe2 REQUIRED PATHS \${CMAKE_CURRENT_LIST_DIR}/../Caffe2)\n"
    "set(TORCH_LIBRARIES torch)\nset(TORCH_INCLUDE_DIRS \"${foreign}/include\")\nset(Torch_FOUND TRUE)\n")
configure(foreign result log "-DTorch_DIR=${foreign}/share/cmake/Torch")
if(result EQUAL 0)
    message(SEND_ERROR "[foreign] configure succeeded with a library from outside Torch_DIR")
elseif(NOT log MATCHES "libtorch libraries from outside the chosen Torch_DIR" OR NOT log MATCHES "libc10.so")
    message(SEND_ERROR "[foreign] configure failed without naming the foreign library:\n${log}")
else()
    message(STATUS "[foreign] ok: refused, naming ${dlib}/libc10.so")
endif()

# 5. No Torch_DIR and no project venv: refused with what to do, not a search of the system.
configure(no_torch_dir result log "-DCMAKE_PREFIX_PATH=${decoy}")
if(result EQUAL 0)
    message(SEND_ERROR "[no_torch_dir] configure succeeded without a Torch_DIR")
elseif(NOT log MATCHES "tools/setup.sh")
    message(SEND_ERROR "[no_torch_dir] no advice in the error:\n${log}")
else()
    message(STATUS "[no_torch_dir] ok: refused, pointing at tools/setup.sh")
endif()
