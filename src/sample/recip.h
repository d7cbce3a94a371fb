/*
 * recip.h - private to the samplers: 1 / k for k = 1..DP_RECIPS - 1, so the
 * pmf recurrences of inversion and of table builds multiply where a
 * division on the chain of dependent steps would cost more than the rest
 * of a step. Entry 0 is 0.
 */
#ifndef DP_RECIP_H
#define DP_RECIP_H

#define DP_RECIPS 2048
extern const double dp_recip[DP_RECIPS];

#endif
