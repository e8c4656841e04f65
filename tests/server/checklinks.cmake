# ctest: the headless binary must not load any Gui/Widgets/3D/OpenGL/X11 library, directly or
# through its dependencies. Usage: cmake -DBINARY=<path> -P checklinks.cmake
# CMake resolves the whole dependency tree itself (RPATH/RUNPATH, LD_LIBRARY_PATH, ld.so.conf):
# no ldd, so nothing of the binary is run or loaded.
if(NOT EXISTS "${BINARY}")
  message(FATAL_ERROR "checklinks: ${BINARY} does not exist")
endif()
file(GET_RUNTIME_DEPENDENCIES
  EXECUTABLES "${BINARY}"
  RESOLVED_DEPENDENCIES_VAR resolved
  UNRESOLVED_DEPENDENCIES_VAR unresolved
  CONFLICTING_DEPENDENCIES_PREFIX conflicting)
# A library that cannot be found hides its own dependencies: no verdict without the whole tree.
if(unresolved)
  message(FATAL_ERROR "checklinks: cannot resolve ${unresolved} for ${BINARY}: its dependencies are unknown")
endif()
set(libraries ${resolved})
foreach(name IN LISTS conflicting_FILENAMES)
  list(APPEND libraries ${conflicting_${name}})
endforeach()
set(names "")
foreach(library IN LISTS libraries)
  get_filename_component(name "${library}" NAME)
  list(APPEND names "${name}")
endforeach()
list(REMOVE_DUPLICATES names)
list(SORT names)
if(NOT names MATCHES "(^|;)libQt6Core[.]so")
  message(FATAL_ERROR "checklinks: no libQt6Core among the dependencies of ${BINARY}, the check is broken:\n${names}")
endif()
set(forbidden "")
foreach(name IN LISTS names)
  if(name MATCHES "^lib(Qt6Gui|Qt6Widgets|Qt6OpenGL[A-Za-z]*|Qt63D[A-Za-z]*|Qt6XcbQpa|GL|GLX|GLdispatch|EGL|OpenGL|X11|xcb)[._-]")
    list(APPEND forbidden "${name}")
  endif()
endforeach()
if(forbidden)
  list(JOIN forbidden ", " forbidden)
  message(FATAL_ERROR "checklinks: ${BINARY} links GUI libraries: ${forbidden}")
endif()
list(LENGTH names count)
message(STATUS "checklinks: ${BINARY} loads ${count} libraries, none of them Gui/Widgets/3D/GL/X11")
