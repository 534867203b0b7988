# Shared by every SWIG binding (Python, C#): the flags and the inputs of the generated wrapper.
# Every public header is wrapped, always: a function a header declares but the library lacks
# fails the binding's link, so its suites fail instead of skipping.
#
#   tl_swig_flags(<out-var>)   -> list of -I flags for the swig command line
#   tl_swig_depends(<out-var>) -> the .i files and public headers the wrapper is made from
set(TL_SWIG_DIR ${CMAKE_CURRENT_LIST_DIR})

function(tl_swig_flags out)
  set(${out} -I${TL_SWIG_DIR} -I${PROJECT_SOURCE_DIR}/include -I${PROJECT_BINARY_DIR}/include
      PARENT_SCOPE)
endfunction()

function(tl_swig_depends out)
  file(GLOB headers CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/include/tokenlens/*.h)
  file(GLOB ifaces CONFIGURE_DEPENDS ${TL_SWIG_DIR}/*.i)
  set(${out} ${headers} ${ifaces} ${PROJECT_SOURCE_DIR}/include/tokenlens.h PARENT_SCOPE)
endfunction()
