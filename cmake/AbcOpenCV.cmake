# OpenCV core/imgproc/imgcodecs. Debian ships OpenCVConfig.cmake only in the libopencv-dev
# meta package, which drags in every module (VTK, Qt5, ...); the three -dev packages we need
# carry headers and libraries, so look those up directly when no config package exists.
find_package(OpenCV 4 QUIET COMPONENTS core imgproc imgcodecs)
add_library(abc_opencv INTERFACE)
if(OpenCV_FOUND)
    target_link_libraries(abc_opencv INTERFACE ${OpenCV_LIBS})
    target_include_directories(abc_opencv SYSTEM INTERFACE ${OpenCV_INCLUDE_DIRS})
else()
    find_path(ABC_OPENCV_INCLUDE_DIR opencv2/core.hpp PATH_SUFFIXES opencv4 REQUIRED)
    foreach(module core imgproc imgcodecs)
        find_library(ABC_OPENCV_${module}_LIBRARY opencv_${module} REQUIRED)
        target_link_libraries(abc_opencv INTERFACE ${ABC_OPENCV_${module}_LIBRARY})
    endforeach()
    target_include_directories(abc_opencv SYSTEM INTERFACE ${ABC_OPENCV_INCLUDE_DIR})
    message(STATUS "OpenCV from ${ABC_OPENCV_INCLUDE_DIR}")
endif()
