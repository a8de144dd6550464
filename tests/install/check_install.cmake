# SPDX-License-Identifier: MIT
# Install the build into a scratch prefix, then build and run a small program
# against it twice: through pkg-config and through find_package(simdquad).
file(REMOVE_RECURSE ${WORK_DIR})
set(PREFIX ${WORK_DIR}/prefix)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed: ${ARGN}\n${out}\n${err}")
  endif()
  set(LAST_OUTPUT "${out}" PARENT_SCOPE)
endfunction()

# A sanitized library needs its users built with the same sanitizers.
set(san_flags "")
if(SANITIZE)
  set(san_flags -fsanitize=${SANITIZE})
endif()

run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${PREFIX})
file(GLOB_RECURSE pcfile ${PREFIX}/*/simdquad.pc)
if(NOT pcfile)
  message(FATAL_ERROR "simdquad.pc was not installed")
endif()
get_filename_component(pcdir ${pcfile} DIRECTORY)
get_filename_component(libdir ${pcdir} DIRECTORY)

# pkg-config
set(ENV{PKG_CONFIG_PATH} ${pcdir})
run(pkg-config --cflags --libs simdquad)
string(STRIP "${LAST_OUTPUT}" flags)
separate_arguments(flags UNIX_COMMAND "${flags}")
run(${C_COMPILER} ${san_flags} ${SOURCE_DIR}/tests/install/consumer/consumer.c
    ${flags} -lm -Wl,-rpath,${libdir} -o ${WORK_DIR}/consumer_pc)
run(${WORK_DIR}/consumer_pc)
message(STATUS "pkg-config consumer: ${LAST_OUTPUT}")

# The README's library example, exactly as printed, in strict C11.
file(READ ${SOURCE_DIR}/README.md readme)
string(FIND "${readme}" "## Using the library" at)
string(SUBSTRING "${readme}" ${at} -1 readme)
string(FIND "${readme}" "```c\n" start)
math(EXPR start "${start} + 5")
string(SUBSTRING "${readme}" ${start} -1 readme)
string(FIND "${readme}" "```" stop)
string(SUBSTRING "${readme}" 0 ${stop} example)
file(WRITE ${WORK_DIR}/readme_example.c "${example}")
run(${C_COMPILER} ${san_flags} -std=c11 -Wall -Wextra -Werror
    ${WORK_DIR}/readme_example.c ${flags} -lm -Wl,-rpath,${libdir}
    -o ${WORK_DIR}/readme_example)
run(${WORK_DIR}/readme_example)
if(NOT LAST_OUTPUT MATCHES "^ok: 0.1149034849319")
  message(FATAL_ERROR "the README example printed: ${LAST_OUTPUT}")
endif()
message(STATUS "README example: ${LAST_OUTPUT}")

# The installed command runs from this non-system prefix.
if(EXISTS ${PREFIX}/bin/simdquad)
  run(${PREFIX}/bin/simdquad version)
  message(STATUS "installed command: ${LAST_OUTPUT}")
endif()

# find_package, shared and static
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/install/consumer
    -B ${WORK_DIR}/cmake_build -DCMAKE_PREFIX_PATH=${PREFIX}
    -DCMAKE_C_COMPILER=${C_COMPILER}
    "-DCMAKE_C_FLAGS=${san_flags}"
    -DCMAKE_BUILD_RPATH=${libdir})
run(${CMAKE_COMMAND} --build ${WORK_DIR}/cmake_build)
run(${WORK_DIR}/cmake_build/consumer_shared)
message(STATUS "CMake consumer (shared): ${LAST_OUTPUT}")
run(${WORK_DIR}/cmake_build/consumer_static)
message(STATUS "CMake consumer (static): ${LAST_OUTPUT}")
