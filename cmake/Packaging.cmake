# Install rules and the Debian package (CPack).
#   cmake --install build [--prefix /usr]        binaries, data, config, units
#   cpack --config build/CPackConfig.cmake -B build/package
#                                                guru-search_<version>_amd64.deb
# The units and the example config name absolute paths that depend on the
# prefix, which is known only at install time (`--prefix`, and CPack installs
# with /usr whatever the build was configured with), so they are written from
# packaging/*.in when installing, not when configuring.
include(GNUInstallDirs)

install(TARGETS guru-indexer guru-server guru-query guru-bench
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY data/synonyms/ DESTINATION ${CMAKE_INSTALL_DATADIR}/guru/synonyms
        FILES_MATCHING PATTERN "*.txt")
# The rules as built into guru-server (to read, or start from with
# --safety-rules) and the advice examples for --safety-advice.
install(DIRECTORY data/safety/ DESTINATION ${CMAKE_INSTALL_DATADIR}/guru/safety)
# Posts to try an installation with (and what the image's indexer job feeds).
install(DIRECTORY data/sample/ DESTINATION ${CMAKE_INSTALL_DATADIR}/guru/sample)
install(FILES README.md docs/OPERATIONS.md
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/guru-search)

set(_guru_generated ${CMAKE_CURRENT_BINARY_DIR}/packaging)
set(_guru_install_code [[
  if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    set(GURU_SYSCONFDIR "/etc")
  else()
    set(GURU_SYSCONFDIR "${CMAKE_INSTALL_PREFIX}/etc")
  endif()
  set(GURU_BINDIR "${CMAKE_INSTALL_PREFIX}/@CMAKE_INSTALL_BINDIR@")
  set(GURU_DATADIR "${CMAKE_INSTALL_PREFIX}/@CMAKE_INSTALL_DATADIR@/guru")
  set(GURU_DOCDIR "${CMAKE_INSTALL_PREFIX}/@CMAKE_INSTALL_DATADIR@/doc/guru-search")
  foreach(file IN ITEMS guru-server.conf systemd/guru-server.service
                        systemd/guru-indexer@.service)
    configure_file("@PROJECT_SOURCE_DIR@/packaging/${file}.in"
                   "@_guru_generated@/${file}" @ONLY)
  endforeach()
  file(INSTALL DESTINATION "${CMAKE_INSTALL_PREFIX}/lib/systemd/system" TYPE FILE
       FILES "@_guru_generated@/systemd/guru-server.service"
             "@_guru_generated@/systemd/guru-indexer@.service"
             "@PROJECT_SOURCE_DIR@/packaging/systemd/guru-indexer@.timer")
  # An installed config is the operator's: installing again must not undo
  # their edits (the package marks it a conffile, which dpkg keeps).
  if(EXISTS "$ENV{DESTDIR}${GURU_SYSCONFDIR}/guru/guru-server.conf")
    message(STATUS "Keeping: $ENV{DESTDIR}${GURU_SYSCONFDIR}/guru/guru-server.conf")
  else()
    file(INSTALL DESTINATION "${GURU_SYSCONFDIR}/guru" TYPE FILE
         FILES "@_guru_generated@/guru-server.conf")
  endif()
]])
string(CONFIGURE "${_guru_install_code}" _guru_install_code @ONLY)
install(CODE "${_guru_install_code}")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME guru-search)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "Guru Search <dev@guru.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Search of expert answers to health questions, over gRPC")
set(CPACK_PACKAGE_DESCRIPTION
    "guru-indexer builds a Xapian index of Q&A posts, guru-server answers a \
person's own description of a symptom with the most relevant replies over \
gRPC, guru-query is the command-line client. Ships a hardened systemd unit \
(guru-server.service), an indexer template with a timer, an example config \
in /etc/guru and the lay/clinical vocabulary.")
# Packages install under /usr, whatever prefix the build was configured with
# (/usr/local by default); DESTDIR staging lets the install code above see
# that prefix and put the config under /etc.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# adduser: the maintainer scripts create the `guru` user. wamerican: the
# server's default --dictionary. xapian-tools: xapian-tcpsrv for remote shards,
# xapian-progsrv for --shard-processes.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "wamerican")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "xapian-tools")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/deb/conffiles
    ${PROJECT_SOURCE_DIR}/packaging/deb/postinst
    ${PROJECT_SOURCE_DIR}/packaging/deb/prerm
    ${PROJECT_SOURCE_DIR}/packaging/deb/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
