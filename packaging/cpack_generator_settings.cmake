# Read by cpack once per generator (CPACK_PROJECT_CONFIG_FILE). DEB and RPM make one package
# per component (abc-photos, abc-photos-cuda); an archive holds them all in one tree, under
# one top-level folder (abc-photos-<version>-Linux/) as a tarball should.
if(CPACK_GENERATOR MATCHES "^(TGZ|TXZ|ZIP)$")
    set(CPACK_COMPONENTS_GROUPING ALL_COMPONENTS_IN_ONE)
    set(CPACK_COMPONENT_INCLUDE_TOPLEVEL_DIRECTORY ON)
endif()
