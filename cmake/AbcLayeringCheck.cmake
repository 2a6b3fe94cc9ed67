# Which core headers each file may include, from the folders core/CMakeLists.txt declares:
#   - a file in core/F: any header of F; the public headers of the folders F DEPENDS on;
#   - a file in ui/ or app/: the public headers of any folder;
#   - every .cpp of core/F is in F's SOURCES, and every folder of core/ is declared (what is
#     not listed would not be built).
# Fails naming each file and include that breaks a rule. Tests are white-box and not checked.
#   cmake -DSOURCE_DIR=<tree> -DMANIFEST=<build>/core/layering.txt -P AbcLayeringCheck.cmake
cmake_minimum_required(VERSION 3.25)
foreach(var SOURCE_DIR MANIFEST)
    if(NOT ${var})
        message(FATAL_ERROR "${var} not given")
    endif()
endforeach()

file(STRINGS "${MANIFEST}" entries)
set(folders "")
foreach(entry IN LISTS entries)
    string(REPLACE ":" ";" fields "${entry}")
    list(GET fields 0 name)
    list(GET fields 1 depends)
    list(GET fields 2 headers)
    list(GET fields 3 sources)
    string(REPLACE "," ";" depends_${name} "${depends}")
    string(REPLACE "," ";" public_${name} "${headers}")
    string(REPLACE "," ";" sources_${name} "${sources}")
    list(APPEND folders ${name})
endforeach()

set(violations "")

# The core includes of `file` (relative to SOURCE_DIR) as folder/header pairs.
function(core_includes file out)
    file(STRINGS "${SOURCE_DIR}/${file}" lines
         REGEX "^[ \t]*#[ \t]*include[ \t]*\"core/[a-z_]+/[A-Za-z0-9_]+\\.h\"")
    set(found "")
    foreach(line IN LISTS lines)
        string(REGEX REPLACE ".*\"core/([a-z_]+/[A-Za-z0-9_]+\\.h)\".*" "\\1" include "${line}")
        list(APPEND found "${include}")
    endforeach()
    set(${out} "${found}" PARENT_SCOPE)
endfunction()

# Appends to `violations` when `file` (seen from core folder `from`, or "" outside core) may
# not include core/<include>.
function(check_include file from include)
    string(REGEX REPLACE "/.*" "" folder "${include}")
    string(REGEX REPLACE ".*/" "" header "${include}")
    if(folder STREQUAL from)
        return()
    endif()
    if(NOT folder IN_LIST folders)
        set(problem "core/${folder} is not a core folder")
    elseif(from AND NOT folder IN_LIST depends_${from})
        set(problem "core/${from} does not build on core/${folder} (its DEPENDS in core/CMakeLists.txt)")
    elseif(NOT header IN_LIST public_${folder})
        set(problem "the header is internal to core/${folder} (not in its PUBLIC_HEADERS)")
    else()
        return()
    endif()
    set(violations "${violations}\n  ${file} includes core/${include}: ${problem}" PARENT_SCOPE)
endfunction()

foreach(name IN LISTS folders)
    file(GLOB files RELATIVE "${SOURCE_DIR}" "${SOURCE_DIR}/core/${name}/*.h"
         "${SOURCE_DIR}/core/${name}/*.cpp")
    foreach(file IN LISTS files)
        core_includes("${file}" includes)
        foreach(include IN LISTS includes)
            check_include("${file}" "${name}" "${include}")
        endforeach()
        if(file MATCHES "\\.cpp$")
            string(REGEX REPLACE "^core/" "" source "${file}")
            if(NOT source IN_LIST sources_${name})
                set(violations "${violations}\n  ${file} is not in the SOURCES of core/${name}")
            endif()
        endif()
    endforeach()
endforeach()

# A folder of core/ that core/CMakeLists.txt does not declare would not be built at all.
file(GLOB entries RELATIVE "${SOURCE_DIR}/core" "${SOURCE_DIR}/core/*")
foreach(entry IN LISTS entries)
    if(IS_DIRECTORY "${SOURCE_DIR}/core/${entry}" AND NOT entry IN_LIST folders)
        set(violations "${violations}\n  core/${entry} is not a folder core/CMakeLists.txt declares")
    endif()
endforeach()

file(GLOB_RECURSE files RELATIVE "${SOURCE_DIR}" "${SOURCE_DIR}/ui/*.h" "${SOURCE_DIR}/ui/*.cpp"
     "${SOURCE_DIR}/app/*.h" "${SOURCE_DIR}/app/*.cpp")
foreach(file IN LISTS files)
    core_includes("${file}" includes)
    foreach(include IN LISTS includes)
        check_include("${file}" "" "${include}")
    endforeach()
endforeach()

if(violations)
    message(FATAL_ERROR "core layering broken:${violations}")
endif()
list(LENGTH folders count)
message(STATUS "core layering: ${count} folders, every include allowed")
