/*
 * recip.c - owns dp_recip (recip.h): 1.0 / k, each a constant expression
 * rounded by the compiler, exactly as a division at run time would be.
 */
#include "recip.h"

#define R4(x) 1.0 / (x), 1.0 / (x + 1), 1.0 / (x + 2), 1.0 / (x + 3)
#define R16(x) R4(x), R4(x + 4), R4(x + 8), R4(x + 12)
#define R64(x) R16(x), R16(x + 16), R16(x + 32), R16(x + 48)
#define R256(x) R64(x), R64(x + 64), R64(x + 128), R64(x + 192)
#define R1024(x) R256(x), R256(x + 256), R256(x + 512), R256(x + 768)

const double dp_recip[DP_RECIPS] = {
    0, R1024(1), R256(1025), R256(1281), R256(1537), R64(1793), R64(1857),
    R64(1921), R16(1985), R16(2001), R16(2017), R4(2033), R4(2037), R4(2041),
    1.0 / 2045, 1.0 / 2046, 1.0 / 2047};

_Static_assert(sizeof dp_recip / sizeof *dp_recip == DP_RECIPS, "dp_recip has DP_RECIPS entries");
