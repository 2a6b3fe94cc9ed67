# Install-time step (install(CODE) includes it): copies libraries, and every library they need
# that is not the system's, into one private folder of the package, stripped, with RPATH
# $ORIGIN so they find each other there and nowhere else.
#
# In:
#   ABC_BUNDLE_LIBRARIES    the libraries to bundle (absolute paths)
#   ABC_BUNDLE_PROVIDED     libraries another package already bundles: they and what they need
#                           are left out (abc-photos-cuda on top of abc-photos)
#   ABC_BUNDLE_FROM         regular expression: dependencies resolved under it are bundled,
#                           the rest come from the system (Depends through dpkg-shlibdeps)
#   ABC_BUNDLE_DESTINATION  the private folder, relative to the install prefix
#   ABC_STRIP, ABC_PATCHELF the tools
cmake_policy(PUSH)
cmake_policy(VERSION 3.25)  # cmake_install.cmake runs under old policies: IN_LIST needs these
foreach(var ABC_BUNDLE_LIBRARIES ABC_BUNDLE_FROM ABC_BUNDLE_DESTINATION ABC_STRIP ABC_PATCHELF)
    if(NOT ${var})
        message(FATAL_ERROR "bundle_libraries.cmake: ${var} is not set (install `patchelf` and "
                            "binutils, then configure again)")
    endif()
endforeach()

# The NVIDIA driver (libcuda, libnvidia-ml) is the user's: never bundled, found at run time.
set(_abc_driver "^lib(cuda|nvidia-ml)\\.so")

function(_abc_closure out)
    if(NOT ARGN)
        set(${out} "" PARENT_SCOPE)
        return()
    endif()
    file(GET_RUNTIME_DEPENDENCIES
        LIBRARIES ${ARGN}
        RESOLVED_DEPENDENCIES_VAR resolved
        UNRESOLVED_DEPENDENCIES_VAR unresolved
        PRE_EXCLUDE_REGEXES "${_abc_driver}"
        POST_INCLUDE_REGEXES "${ABC_BUNDLE_FROM}"
        POST_EXCLUDE_REGEXES ".*")
    if(unresolved)
        message(FATAL_ERROR "libraries needed by ${ARGN} were not found: ${unresolved}")
    endif()
    set(${out} ${ARGN} ${resolved} PARENT_SCOPE)
endfunction()

_abc_closure(_abc_provided ${ABC_BUNDLE_PROVIDED})
set(_abc_provided_names "")
foreach(_abc_file IN LISTS _abc_provided)
    get_filename_component(_abc_name "${_abc_file}" NAME)
    list(APPEND _abc_provided_names "${_abc_name}")
endforeach()

_abc_closure(_abc_files ${ABC_BUNDLE_LIBRARIES})
list(REMOVE_DUPLICATES _abc_files)
set(_abc_destination "${CMAKE_INSTALL_PREFIX}/${ABC_BUNDLE_DESTINATION}")
foreach(_abc_file IN LISTS _abc_files)
    get_filename_component(_abc_name "${_abc_file}" NAME)
    if(_abc_name IN_LIST _abc_provided_names)
        continue()
    endif()
    # The file under the name the loader asks for (its soname), never a symbolic link chain.
    get_filename_component(_abc_real "${_abc_file}" REALPATH)
    file(INSTALL "${_abc_real}" DESTINATION "${_abc_destination}" RENAME "${_abc_name}"
         PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
    set(_abc_installed "$ENV{DESTDIR}${_abc_destination}/${_abc_name}")
    execute_process(COMMAND "${ABC_STRIP}" --strip-unneeded "${_abc_installed}"
                    RESULT_VARIABLE _abc_result)
    if(NOT _abc_result EQUAL 0)
        message(FATAL_ERROR "${ABC_STRIP} failed on ${_abc_installed}")
    endif()
    # The wheel's RPATH points into its site-packages layout (../../nvidia/...): here every
    # library lies in one folder.
    execute_process(COMMAND "${ABC_PATCHELF}" --set-rpath "$ORIGIN" "${_abc_installed}"
                    RESULT_VARIABLE _abc_result)
    if(NOT _abc_result EQUAL 0)
        message(FATAL_ERROR "${ABC_PATCHELF} failed on ${_abc_installed}")
    endif()
endforeach()
cmake_policy(POP)
