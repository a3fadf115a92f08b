# guru_set_warnings(TARGET): the project's warning set, applied to our own
# targets only (generated code is compiled without it).
function(guru_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
                                           -Wnon-virtual-dtor -Wold-style-cast)
endfunction()
