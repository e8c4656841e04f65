# One bounded fuzz run for ctest: copies the seed corpus to WORK/corpus (libFuzzer adds what it
# finds there, never to the committed corpus), runs the harness SECONDS seconds over it, and fails
# when libFuzzer reports a crash, a leak, a timeout or an out-of-memory (crash input: WORK/).
# One input running 10 s is a hang (the slowest take well under a second); a shorter limit would
# also catch a process that a busy machine merely stopped scheduling for a while.
# Usage: cmake -DFUZZER=<harness> -DCORPUS=<seed folder> -DDICTIONARY=<file or empty>
#              -DWORK=<scratch folder> -DSECONDS=<n> -P runfuzzer.cmake
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
file(COPY "${CORPUS}/" DESTINATION "${WORK}/corpus")
set(arguments -max_total_time=${SECONDS} -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
              -artifact_prefix=${WORK}/)
if(DICTIONARY)
  list(APPEND arguments -dict=${DICTIONARY})
endif()
execute_process(COMMAND "${FUZZER}" ${arguments} "${WORK}/corpus" RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  file(GLOB artifacts "${WORK}/crash-*" "${WORK}/leak-*" "${WORK}/timeout-*" "${WORK}/oom-*")
  message(FATAL_ERROR "${FUZZER} failed (exit ${result}); reproduce with: ${FUZZER} ${artifacts}")
endif()
