// Picks the training kernels for this CPU. core/CMakeLists.txt compiles isa/kernels.cpp once per
// level and defines NNJ_ISA_HAVE_<level> for each: x86-64-v2 (the portable baseline), -v3 (AVX2 +
// FMA) and -v4 (AVX-512), or a single `native` (-march=native) or `generic` (other CPUs) set.
// This file is compiled for the baseline, so it runs on every CPU the build targets.
#include "kernels.h"

#include <cstdlib>
#include <cstring>

#if defined(_MSC_VER) && !defined(__clang__) && (defined(_M_X64) || defined(_M_IX86))
#include <immintrin.h>
#include <intrin.h>
#endif

namespace core::isa {

#if defined(NNJ_ISA_HAVE_V2)
const Kernels &kernels_v2();
#endif
#if defined(NNJ_ISA_HAVE_V3)
const Kernels &kernels_v3();
#endif
#if defined(NNJ_ISA_HAVE_V4)
const Kernels &kernels_v4();
#endif
#if defined(NNJ_ISA_HAVE_NATIVE)
const Kernels &kernels_native();
#endif
#if defined(NNJ_ISA_HAVE_GENERIC)
const Kernels &kernels_generic();
#endif

namespace {

// x86-64 micro-architecture levels, as -march=x86-64-vN means them; 0 where not x86-64.
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
int cpuLevel()
{
    __builtin_cpu_init();
    // __builtin_cpu_supports also asks the OS (XGETBV) whether it saves the AVX / AVX-512 state.
    const bool v3 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("bmi")
                    && __builtin_cpu_supports("bmi2");
    const bool v4 = v3 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
                    && __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512dq")
                    && __builtin_cpu_supports("avx512vl");
    return v4 ? 4 : v3 ? 3 : 2;
}
#elif defined(_MSC_VER) && (defined(_M_X64) || defined(_M_IX86))
int cpuLevel()
{
    int leaf1[4], leaf7[4];
    __cpuid(leaf1, 1);
    __cpuidex(leaf7, 7, 0);
    const bool osxsave = leaf1[2] & (1 << 27);
    const unsigned long long xcr0 = osxsave ? _xgetbv(0) : 0;
    const bool avxState = (xcr0 & 0x6) == 0x6; // XMM and YMM saved by the OS
    const bool avx512State = (xcr0 & 0xe6) == 0xe6; // and the opmask and ZMM registers
    const bool fma = leaf1[2] & (1 << 12);
    const bool avx2 = leaf7[1] & (1 << 5), bmi1 = leaf7[1] & (1 << 3), bmi2 = leaf7[1] & (1 << 8);
    const bool v3 = avxState && fma && avx2 && bmi1 && bmi2;
    const bool avx512 = (leaf7[1] & (1 << 16)) && (leaf7[1] & (1 << 17)) && (leaf7[1] & (1 << 28))
                        && (leaf7[1] & (1 << 30)) && (leaf7[1] & (1 << 31)); // F, DQ, CD, BW, VL
    return v3 && avx512State && avx512 ? 4 : v3 ? 3 : 2;
}
#else
int cpuLevel()
{
    return 0;
}
#endif

struct Level
{
    const Kernels &(*kernels)();
    int cpuLevel; // the level this set needs; 0: runs wherever the build runs
};

const Level levels[] = {
#if defined(NNJ_ISA_HAVE_GENERIC)
    {kernels_generic, 0},
#endif
#if defined(NNJ_ISA_HAVE_V2)
    {kernels_v2, 2},
#endif
#if defined(NNJ_ISA_HAVE_V3)
    {kernels_v3, 3},
#endif
#if defined(NNJ_ISA_HAVE_V4)
    {kernels_v4, 4},
#endif
#if defined(NNJ_ISA_HAVE_NATIVE)
    {kernels_native, 0},
#endif
};
constexpr int kLevelCount = int(sizeof levels / sizeof levels[0]);
static_assert(kLevelCount > 0, "core/CMakeLists.txt compiles at least one kernel set");

// NNJ_ISA=x86-64-v2|x86-64-v3|x86-64-v4 (or v2/v3/v4) caps the level: to compare levels on one
// machine, or to step around a suspected kernel bug. Unset or unknown: no cap.
int levelCap()
{
    const char *value = std::getenv("NNJ_ISA");
    if (!value)
        return 4;
    const char *digit = std::strlen(value) >= 2 ? value + std::strlen(value) - 1 : nullptr;
    if (digit && digit[-1] == 'v' && *digit >= '2' && *digit <= '4')
        return *digit - '0';
    return 4;
}

const Kernels &choose()
{
    const int cpu = cpuLevel(), cap = levelCap();
    const Level *best = &levels[0];
    for (const Level &level : levels)
        if (level.cpuLevel <= cpu && level.cpuLevel <= cap)
            best = &level;
    return best->kernels();
}

} // namespace

const Kernels &kernels()
{
    static const Kernels &chosen = choose();
    return chosen;
}

int levelCount()
{
    return kLevelCount;
}

const Kernels &level(int index)
{
    return levels[index].kernels();
}

bool levelSupported(int index)
{
    return levels[index].cpuLevel <= cpuLevel();
}

} // namespace core::isa
