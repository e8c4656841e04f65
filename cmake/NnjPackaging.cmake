# Installation layout and packages (docs/packaging.md).
#   Linux:   GNUInstallDirs; the three programs, launcher, AppStream metadata, icon, systemd unit;
#            CPack DEB in two packages: nnjourney (the desktop app) and nnjourney-server (the
#            headless server, nnj-train and the unit), dependencies from dpkg-shlibdeps.
#   Windows: the Qt deployment script (qt_generate_deploy_app_script) and an NSIS installer.
#   macOS:   the app bundle, the Qt deployment script and a DragNDrop disk image.
include(GNUInstallDirs)

set(NNJ_APP_ID io.github.nnjourney)
set(NNJ_LINUX_PACKAGING ${PROJECT_SOURCE_DIR}/packaging/linux)
set(NNJ_ICONS ${PROJECT_SOURCE_DIR}/packaging/icons)

# Components: `server` (nnjourney-server, nnj-train, the systemd unit) and `desktop` (the app and
# its desktop integration).
install(TARGETS nnj-train RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT server)
if(TARGET nnjourney-server)
  install(TARGETS nnjourney-server RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT server)
endif()
if(TARGET nnjourney)
  install(TARGETS nnjourney
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT desktop
    BUNDLE DESTINATION . COMPONENT desktop)
endif()

if(UNIX AND NOT APPLE)
  if(TARGET nnjourney)
    install(FILES ${NNJ_LINUX_PACKAGING}/${NNJ_APP_ID}.desktop
      DESTINATION ${CMAKE_INSTALL_DATADIR}/applications COMPONENT desktop)
    install(FILES ${NNJ_LINUX_PACKAGING}/${NNJ_APP_ID}.metainfo.xml
      DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo COMPONENT desktop)
    install(FILES ${NNJ_LINUX_PACKAGING}/${NNJ_APP_ID}.svg
      DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps COMPONENT desktop)
    foreach(size 64 256)
      if(EXISTS ${NNJ_ICONS}/${NNJ_APP_ID}-${size}.png)
        install(FILES ${NNJ_ICONS}/${NNJ_APP_ID}-${size}.png
          DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps
          RENAME ${NNJ_APP_ID}.png COMPONENT desktop)
      endif()
    endforeach()
  endif()
  if(TARGET nnjourney-server)
    # The unit names the installed binary; systemd looks in <prefix>/lib/systemd/system for
    # /usr and in /etc/systemd/system for everything else (e.g. /usr/local).
    set(NNJ_SERVER_BINARY ${CMAKE_INSTALL_FULL_BINDIR}/nnjourney-server)
    configure_file(${NNJ_LINUX_PACKAGING}/nnjourney-server.service.in
      ${PROJECT_BINARY_DIR}/packaging/nnjourney-server.service @ONLY)
    if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
      set(NNJ_SYSTEMD_UNIT_DIR lib/systemd/system)
    else()
      set(NNJ_SYSTEMD_UNIT_DIR ${CMAKE_INSTALL_SYSCONFDIR}/systemd/system)
    endif()
    set(NNJ_SYSTEMD_UNIT_DIR ${NNJ_SYSTEMD_UNIT_DIR} CACHE PATH "Where the systemd unit of the server is installed")
    install(FILES ${PROJECT_BINARY_DIR}/packaging/nnjourney-server.service
      DESTINATION ${NNJ_SYSTEMD_UNIT_DIR} COMPONENT server)
  endif()
  install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/nnjourney-server
    COMPONENT server)
  if(TARGET nnjourney)
    install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/nnjourney
      COMPONENT desktop)
  endif()
endif()

# Windows and macOS: the Qt libraries and plugins copied next to the programs (Qt >= 6.3 has the
# deployment API; Linux packages use the distribution's Qt instead).
if((WIN32 OR APPLE) AND Qt6_VERSION VERSION_GREATER_EQUAL 6.3)
  # Qt 6.5 renamed the option that returns the script's path (FILENAME_VARIABLE -> OUTPUT_SCRIPT).
  set(nnj_deploy_keyword FILENAME_VARIABLE)
  if(Qt6_VERSION VERSION_GREATER_EQUAL 6.5)
    set(nnj_deploy_keyword OUTPUT_SCRIPT)
  endif()
  if(TARGET nnjourney)
    qt_generate_deploy_app_script(TARGET nnjourney ${nnj_deploy_keyword} nnj_deploy_app NO_UNSUPPORTED_PLATFORM_ERROR)
    install(SCRIPT ${nnj_deploy_app} COMPONENT desktop)
  endif()
  if(TARGET nnjourney-server AND WIN32)
    qt_generate_deploy_app_script(TARGET nnjourney-server ${nnj_deploy_keyword} nnj_deploy_server
      NO_UNSUPPORTED_PLATFORM_ERROR)
    install(SCRIPT ${nnj_deploy_server} COMPONENT server)
  endif()
endif()

# CPack: the same description everywhere; `scripts/package` runs it for DEB.
set(CPACK_PACKAGE_NAME nnjourney)
set(CPACK_PACKAGE_VENDOR "Neural Network Journey contributors")
set(CPACK_PACKAGE_CONTACT "Neural Network Journey contributors <nnjourney@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Train a real digit classifier and watch it learn in 3D")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://github.com/nnjourney/nnjourney")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_INSTALL_DIRECTORY "Neural Network Journey")
set(CPACK_PACKAGE_EXECUTABLES nnjourney "Neural Network Journey")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_STRIP_FILES ON)
set(CPACK_COMPONENTS_ALL server)
if(TARGET nnjourney)
  list(APPEND CPACK_COMPONENTS_ALL desktop)
endif()
set(CPACK_COMPONENT_SERVER_DISPLAY_NAME "Server and command-line trainer")
set(CPACK_COMPONENT_DESKTOP_DISPLAY_NAME "Desktop app")

# Debian: one package per component, dependencies from dpkg-shlibdeps plus what Qt loads at run
# time (plugins and the GL driver are not linked, so shlibdeps cannot see them).
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE ${CPACK_PACKAGE_HOMEPAGE_URL})
set(CPACK_DEBIAN_SERVER_PACKAGE_NAME nnjourney-server)
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS "ca-certificates")
# The synopsis line is CPACK_PACKAGE_DESCRIPTION_SUMMARY; these are the long descriptions.
set(CPACK_DEBIAN_SERVER_DESCRIPTION
    "The headless server of Neural Network Journey: it trains a multi-layer perceptron on the MNIST digits and serves a web page where a classroom of browsers watches and drives the run. Also the command-line trainer nnj-train and a hardened systemd unit.")
set(CPACK_DEBIAN_DESKTOP_PACKAGE_NAME nnjourney)
set(CPACK_DEBIAN_DESKTOP_PACKAGE_DEPENDS "qt6-qpa-plugins")
set(CPACK_DEBIAN_DESKTOP_PACKAGE_RECOMMENDS "libgl1-mesa-dri")
set(CPACK_DEBIAN_DESKTOP_DESCRIPTION
    "The desktop app of Neural Network Journey: it trains a real MNIST digit classifier and shows every neuron in 3D with its live activation, the weights and gradients as they change, a canvas to draw a digit and a teaching mode, and shares the run with a classroom of browsers.")

# Windows: an NSIS installer with a Start menu entry; macOS: a disk image to drag the app from.
set(CPACK_NSIS_DISPLAY_NAME "Neural Network Journey")
set(CPACK_NSIS_PACKAGE_NAME "Neural Network Journey")
set(CPACK_NSIS_MUI_ICON ${NNJ_ICONS}/${NNJ_APP_ID}.ico)
set(CPACK_NSIS_MUI_UNIICON ${NNJ_ICONS}/${NNJ_APP_ID}.ico)
set(CPACK_NSIS_INSTALLED_ICON_NAME bin/nnjourney.exe)
set(CPACK_NSIS_URL_INFO_ABOUT ${CPACK_PACKAGE_HOMEPAGE_URL})
set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
set(CPACK_DMG_VOLUME_NAME "Neural Network Journey")
set(CPACK_BUNDLE_NAME "Neural Network Journey")
if(WIN32)
  set(CPACK_GENERATOR NSIS ZIP)
elseif(APPLE)
  set(CPACK_GENERATOR DragNDrop)
else()
  set(CPACK_GENERATOR DEB TGZ)
endif()
include(CPack)
