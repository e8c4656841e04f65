// Runs one AVX2 instruction and exits 0. The Nehalem test runs it under the emulator first: it
// must die there with SIGILL, which shows that the emulated CPU really lacks AVX, so a portable
// nnj-train that survives the same emulator executed no AVX instruction either.
int main()
{
#if defined(__GNUC__) && defined(__x86_64__)
    __asm__ volatile("vpaddd %%ymm0, %%ymm0, %%ymm0" ::: "xmm0");
#endif
    return 0;
}
