# Shared by every SWIG binding (Python, C#): which module headers exist, and what the
# generated wrapper depends on. tokenlens.i wraps a module only when TL_SWIG_HAVE_<MODULE>
# is defined, so a binding keeps building while modules land one by one.
#
#   tl_swig_flags(<out-var>)  -> list of -I and -D flags for the swig command line
#   tl_swig_depends(<out-var>) -> the .i files and public headers the wrapper is made from
#   tl_swig_missing(<dir>)    -> a rule writing <dir>/tl_swig_missing.i, which %ignores
#                                functions declared but not yet defined in lib/ (add <dir>
#                                with -I and the file to the wrapper's DEPENDS)
set(TL_SWIG_DIR ${CMAKE_CURRENT_LIST_DIR})
set(TL_SWIG_SKIP "" CACHE STRING "Header modules the bindings leave out, e.g. \"iis;access\"")

function(tl_swig_flags out)
  file(GLOB headers CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/include/tokenlens/*.h)
  set(flags -I${TL_SWIG_DIR} -I${PROJECT_SOURCE_DIR}/include -I${PROJECT_BINARY_DIR}/include
      -DTL_SWIG_HAVE_MISSING_LIST)
  foreach(h ${headers})
    get_filename_component(n ${h} NAME_WE)
    if(NOT n IN_LIST TL_SWIG_SKIP)
      string(TOUPPER ${n} n)
      list(APPEND flags -DTL_SWIG_HAVE_${n})
    endif()
  endforeach()
  set(${out} ${flags} PARENT_SCOPE)
endfunction()

function(tl_swig_depends out)
  file(GLOB headers CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/include/tokenlens/*.h)
  file(GLOB ifaces CONFIGURE_DEPENDS ${TL_SWIG_DIR}/*.i)
  set(${out} ${headers} ${ifaces} ${PROJECT_SOURCE_DIR}/include/tokenlens.h PARENT_SCOPE)
endfunction()

function(tl_swig_missing dir)
  file(GLOB headers CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/include/tokenlens/*.h)
  # Every library source of this platform: lib/**/*.c minus the other platform's parts
  # (a defined function wrongly ignored is a gap; an undefined one wrapped breaks the import).
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/lib/*.c)
  if(WIN32)
    list(FILTER sources EXCLUDE REGEX "/lib/(backend/none/|platform/posix|crypto/sha1_openssl|hop/gssapi)")
  else()
    list(FILTER sources EXCLUDE REGEX "/lib/(backend/win32/|platform/win32|crypto/sha1_bcrypt|hop/sspi)")
  endif()
  string(REPLACE ";" "\\;" h_arg "${headers}")
  string(REPLACE ";" "\\;" s_arg "${sources}")
  add_custom_command(OUTPUT ${dir}/tl_swig_missing.i
    COMMAND ${CMAKE_COMMAND} -DHEADERS=${h_arg} -DSOURCES=${s_arg} -DOUT=${dir}/tl_swig_missing.i
            -P ${TL_SWIG_DIR}/missing_symbols.cmake
    DEPENDS ${headers} ${sources} ${TL_SWIG_DIR}/missing_symbols.cmake
    COMMENT "SWIG: listing declared but undefined functions"
    VERBATIM)
endfunction()
