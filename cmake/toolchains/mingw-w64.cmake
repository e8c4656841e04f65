# Cross-compiling core and nnj-train for 64-bit Windows with Debian's mingw-w64 (the posix
# thread model, for std::thread): apt install g++-mingw-w64-x86-64-posix libz-mingw-w64-dev.
# Used by scripts/check-windows, which runs the result under wine. Qt is not cross-built here:
# configure with -DNNJ_BUILD_SERVER=OFF -DNNJ_BUILD_APP=OFF -DNNJ_BUILD_TESTS=OFF.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(NNJ_MINGW_PREFIX x86_64-w64-mingw32)

set(CMAKE_C_COMPILER ${NNJ_MINGW_PREFIX}-gcc-posix)
set(CMAKE_CXX_COMPILER ${NNJ_MINGW_PREFIX}-g++-posix)
set(CMAKE_RC_COMPILER ${NNJ_MINGW_PREFIX}-windres)

set(CMAKE_FIND_ROOT_PATH /usr/${NNJ_MINGW_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Eigen is headers only: the host's copy serves any target.
if(NOT Eigen3_DIR AND EXISTS /usr/share/eigen3/cmake/Eigen3Config.cmake)
  set(Eigen3_DIR /usr/share/eigen3/cmake CACHE PATH "Eigen's CMake package (headers only, the host's copy)")
endif()
# zlib and the C++ runtime linked statically: the .exe runs with no DLL next to it.
set(ZLIB_LIBRARY /usr/${NNJ_MINGW_PREFIX}/lib/libz.a CACHE FILEPATH "Static zlib for mingw-w64")
set(ZLIB_INCLUDE_DIR /usr/${NNJ_MINGW_PREFIX}/include CACHE PATH "zlib headers for mingw-w64")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
