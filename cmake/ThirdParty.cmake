# Header-only libraries from Debian packages (doctest, nlohmann-json, fmt).
#
# Natively they are found in /usr/include. An Emscripten build must not see /usr/include
# (glibc's headers break it), so it gets a folder holding only links to these libraries.
set(BL_HEADER_ONLY_LIBS doctest nlohmann fmt)

add_library(bl_third_party INTERFACE)
if(EMSCRIPTEN)
  set(link_dir ${CMAKE_BINARY_DIR}/third_party_include)
  file(MAKE_DIRECTORY ${link_dir})
  foreach(lib IN LISTS BL_HEADER_ONLY_LIBS)
    if(NOT EXISTS /usr/include/${lib})
      message(FATAL_ERROR "/usr/include/${lib} is missing: run scripts/setup")
    endif()
    if(NOT EXISTS ${link_dir}/${lib})
      file(CREATE_LINK /usr/include/${lib} ${link_dir}/${lib} SYMBOLIC)
    endif()
  endforeach()
  target_include_directories(bl_third_party SYSTEM INTERFACE ${link_dir})
endif()
target_compile_definitions(bl_third_party INTERFACE FMT_HEADER_ONLY)
