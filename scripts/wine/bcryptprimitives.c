/* For tests under Wine only; never shipped in the installer.
 *
 * Programs built with Rust >= 1.78 take their random numbers from ProcessPrng in
 * bcryptprimitives.dll. Windows 10 and 11 have it; Wine 8 (Debian 12) does not, and kring.exe
 * stops with "Library bcryptprimitives.dll not found". Placed next to kring.exe under Wine, this
 * DLL answers ProcessPrng with the system's random generator (RtlGenRandom, exported by
 * advapi32 as SystemFunction036). scripts/wine/run.sh builds it with mingw-w64. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
