# Installation: headers under include/rasterkit/, the libraries, the
# `rasterkit` executable, a CMake package (rasterkit::rasterkit) and a
# pkg-config file; `cpack -G DEB` builds a Debian package of the same.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(RK_LIBRARY_TARGETS rk_blockcache rk_core rk_remote rk_threadsafe rk_geometry rk_drivers rk_utilities)
foreach(t IN LISTS RK_LIBRARY_TARGETS)
  # Consumers include <rasterkit/...>: the include directory is the
  # prefix's include/, never include/rasterkit/.
  target_include_directories(${t} PUBLIC $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  set_target_properties(${t} PROPERTIES VERSION ${PROJECT_VERSION}
                                        SOVERSION ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR})
endforeach()

# The one target users link: every library (drivers registered by
# rk::register_all()).
add_library(rk_all INTERFACE)
target_link_libraries(rk_all INTERFACE rk_utilities rk_drivers rk_threadsafe rk_geometry)
set_target_properties(rk_all PROPERTIES EXPORT_NAME rasterkit)
add_library(rasterkit::rasterkit ALIAS rk_all)

install(TARGETS ${RK_LIBRARY_TARGETS} rk_all EXPORT rasterkitTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS rasterkit RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# Public headers only (the private ones of each module stay behind).
set(RK_PUBLIC_HEADERS
  blockcache/block_cache.h blockcache/export.h blockcache/mutex.h blockcache/thread_annotations.h
  gdalcore/checksum.h gdalcore/config.h gdalcore/convert.h gdalcore/coordinate_transform.h
  gdalcore/data_type.h gdalcore/dataset.h gdalcore/driver.h gdalcore/driver_manager.h
  gdalcore/file.h gdalcore/geo_transform.h gdalcore/metadata.h gdalcore/options.h gdalcore/pam.h
  gdalcore/xml.h
  gdalcore/raster_band.h gdalcore/raster_types.h gdalcore/result.h gdalcore/spatial_ref.h
  gdalcore/statistics.h gdalcore/status.h gdalcore/warning.h gdalcore/worker_pool.h
  remote/remote_options.h remote/register_remote.h
  threadsafe/thread_safe_dataset.h drivers/register_builtin.h drivers/mem/mem_driver.h
  geometry/geometry.h geometry/footprint.h geometry/cutline.h
  utilities/command_line.h utilities/info.h utilities/translate.h utilities/footprint_tool.h
  rasterkit.h)
foreach(h IN LISTS RK_PUBLIC_HEADERS)
  get_filename_component(dir ${h} DIRECTORY)
  install(FILES ${h} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/rasterkit/${dir})
endforeach()

set(RK_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/rasterkit)
install(EXPORT rasterkitTargets NAMESPACE rasterkit:: DESTINATION ${RK_CMAKE_DIR})
configure_package_config_file(cmake/rasterkitConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/rasterkitConfig.cmake INSTALL_DESTINATION ${RK_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/rasterkitConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/rasterkitConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/rasterkitConfigVersion.cmake
        DESTINATION ${RK_CMAKE_DIR})
file(RELATIVE_PATH RK_PC_TO_PREFIX /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
configure_file(cmake/rasterkit.pc.in ${CMAKE_CURRENT_BINARY_DIR}/rasterkit.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/rasterkit.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# cpack -G DEB (scripts/package.sh).
set(CPACK_PACKAGE_NAME rasterkit)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "rasterkit developers <rasterkit@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Geospatial raster I/O library with a thread-safe dataset")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
include(CPack)

# The API reference (scripts/docs.sh): Doxygen over the public headers.
find_package(Doxygen QUIET)
if(DOXYGEN_FOUND)
  set(RK_DOXYGEN_INPUT "")
  foreach(h IN LISTS RK_PUBLIC_HEADERS)
    string(APPEND RK_DOXYGEN_INPUT " ${PROJECT_SOURCE_DIR}/${h}")
  endforeach()
  configure_file(doc/Doxyfile.in ${CMAKE_BINARY_DIR}/Doxyfile @ONLY)
  add_custom_target(rk_doc COMMAND ${DOXYGEN_EXECUTABLE} ${CMAKE_BINARY_DIR}/Doxyfile
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} COMMENT "API reference (Doxygen)")
endif()
