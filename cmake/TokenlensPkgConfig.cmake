# Writes tokenlens.pc (issue 16). Used by the top-level CMakeLists.txt and, in script mode, by
# tests/install/run.sh to check the file for other layouts (Debian's multiarch libdir):
#   cmake -DTL_PC_OUT=f.pc -DTL_PC_LIBDIR=lib/x86_64-linux-gnu -DTL_PC_INCLUDEDIR=include \
#         -DTL_PC_VERSION=0.1.0 [-DTL_PC_WIN32=ON] [-DTL_PC_HOP=ON] -P cmake/TokenlensPkgConfig.cmake
# The file is relocatable: prefix is found from the .pc file's own folder (${pcfiledir}), so the
# path back to the prefix follows the libdir's depth (lib/pkgconfig -> ../.., and
# lib/x86_64-linux-gnu/pkgconfig -> ../../..). An absolute libdir is written as it is.
# --static gets what the static archive needs: jansson and expat (and libmd, plus
# krb5-gssapi with the hop probes and ldap + krb5 with the AD reader, on POSIX) as
# Requires.private, and the Windows system libraries (and -lresolv) as Libs.private.
function(tl_write_pc out libdir includedir version win32 hop)
  set(ldap "${ARGV6}")
  if(IS_ABSOLUTE "${libdir}")
    set(TL_PC_PREFIX_LINE "prefix=${CMAKE_INSTALL_PREFIX}")
    set(TL_PC_LIBDIR_LINE "libdir=${libdir}")
  else()
    file(RELATIVE_PATH up "/P/${libdir}/pkgconfig" "/P")
    string(REGEX REPLACE "/$" "" up "${up}")
    set(TL_PC_PREFIX_LINE "prefix=\${pcfiledir}/${up}")
    set(TL_PC_LIBDIR_LINE "libdir=\${prefix}/${libdir}")
  endif()
  if(IS_ABSOLUTE "${includedir}")
    set(TL_PC_INCLUDEDIR_LINE "includedir=${includedir}")
  else()
    set(TL_PC_INCLUDEDIR_LINE "includedir=\${prefix}/${includedir}")
  endif()
  set(req "jansson expat")
  set(libs "")
  if(win32)
    set(libs "-lbcrypt -ladvapi32 -lsecur32 -lws2_32 -luser32")
    if(ldap)
      string(APPEND libs " -lwldap32 -ldnsapi")
    endif()
  else()
    string(APPEND req " libmd")
    if(hop)
      string(APPEND req " krb5-gssapi")
    endif()
    if(ldap)
      string(APPEND req " ldap krb5")
      set(libs "-lresolv")
    endif()
  endif()
  set(TL_PC_VERSION "${version}")
  set(TL_PC_REQUIRES_PRIVATE "${req}")
  set(TL_PC_LIBS_PRIVATE "${libs}")
  configure_file(${TL_PC_TEMPLATE} ${out} @ONLY)
endfunction()

set(TL_PC_TEMPLATE ${CMAKE_CURRENT_LIST_DIR}/tokenlens.pc.in)
if(CMAKE_SCRIPT_MODE_FILE)
  tl_write_pc("${TL_PC_OUT}" "${TL_PC_LIBDIR}" "${TL_PC_INCLUDEDIR}" "${TL_PC_VERSION}" "${TL_PC_WIN32}" "${TL_PC_HOP}" "${TL_PC_LDAP}")
endif()
