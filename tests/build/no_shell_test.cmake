# The product never starts a program through a shell, so no file or folder name, query or
# instruction can ever be run as a command. Opening a photo or its folder goes through Qt
# (QDesktopServices, which hands xdg-open an argument list) or D-Bus; nothing in core/, app/ or
# ui/ may call system(), popen(), the exec family, posix_spawn, fork, wordexp or QProcess.
#   cmake -DABC_SOURCE_DIR=... -P no_shell_test.cmake
if(NOT ABC_SOURCE_DIR)
    message(FATAL_ERROR "ABC_SOURCE_DIR not given")
endif()
set(calls
    "system[ \t]*\\("
    "popen[ \t]*\\("
    "exec(l|lp|le|v|vp|vpe)[ \t]*\\("
    "posix_spawnp?[ \t]*\\("
    "fork[ \t]*\\("
    "wordexp[ \t]*\\("
    "QProcess"
    "/bin/sh")
file(GLOB_RECURSE sources RELATIVE "${ABC_SOURCE_DIR}"
    "${ABC_SOURCE_DIR}/core/*.cpp" "${ABC_SOURCE_DIR}/core/*.h"
    "${ABC_SOURCE_DIR}/app/*.cpp" "${ABC_SOURCE_DIR}/app/*.h"
    "${ABC_SOURCE_DIR}/ui/*.cpp" "${ABC_SOURCE_DIR}/ui/*.h")
list(LENGTH sources count)
if(count LESS 50)
    message(FATAL_ERROR "found only ${count} source files under ${ABC_SOURCE_DIR}: wrong folder?")
endif()
set(found "")
foreach(source IN LISTS sources)
    file(STRINGS "${ABC_SOURCE_DIR}/${source}" lines)
    set(number 0)
    foreach(line IN LISTS lines)
        math(EXPR number "${number} + 1")
        string(REGEX REPLACE "//.*$" "" code "${line}")
        foreach(call IN LISTS calls)
            # A call, not a longer name that ends the same (filesystem(, myexecv().
            if(code MATCHES "(^|[^A-Za-z0-9_])${call}")
                string(APPEND found "\n  ${source}:${number}: ${line}")
            endif()
        endforeach()
    endforeach()
endforeach()
if(found)
    message(FATAL_ERROR "these lines start a program, which the product never does:${found}")
endif()
message(STATUS "${count} source files, none starts a program")
