// What the fuzz harnesses share: NNJ_FUZZ_CHECK(condition), a property every input must keep,
// which aborts (a crash libFuzzer reports and saves) when broken, also in release builds.
#pragma once

#include <cstdio>
#include <cstdlib>

#define NNJ_FUZZ_CHECK(condition)                                                                                      \
    do {                                                                                                               \
        if (!(condition)) {                                                                                            \
            std::fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__, __LINE__, #condition);                    \
            std::abort();                                                                                              \
        }                                                                                                              \
    } while (false)
