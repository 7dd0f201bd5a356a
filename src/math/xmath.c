/* xmath.c - the tables of xmath.h: 2^(j/16), j = 0..15, as hi + lo with
 * hi = RN(2^(j/16)) and lo = RN(2^(j/16) - hi), computed with 60 decimal
 * digits (tests/test_xmath.c checks them against exp2l). */
#include "xmath.h"

const double adex__xm_exp2_hi[16] = {
    0x1.0000000000000p+0, 0x1.0b5586cf9890fp+0, 0x1.172b83c7d517bp+0,
    0x1.2387a6e756238p+0, 0x1.306fe0a31b715p+0, 0x1.3dea64c123422p+0,
    0x1.4bfdad5362a27p+0, 0x1.5ab07dd485429p+0, 0x1.6a09e667f3bcdp+0,
    0x1.7a11473eb0187p+0, 0x1.8ace5422aa0dbp+0, 0x1.9c49182a3f090p+0,
    0x1.ae89f995ad3adp+0, 0x1.c199bdd85529cp+0, 0x1.d5818dcfba487p+0,
    0x1.ea4afa2a490dap+0};
const double adex__xm_exp2_lo[16] = {0x0.0p+0,
                                     0x1.8a62e4adc610bp-54,
                                     -0x1.19041b9d78a76p-55,
                                     0x1.9b07eb6c70573p-54,
                                     0x1.6f46ad23182e4p-55,
                                     0x1.ada0911f09ebcp-55,
                                     0x1.d4397afec42e2p-56,
                                     0x1.6324c054647adp-54,
                                     -0x1.bdd3413b26456p-54,
                                     -0x1.41577ee04992fp-55,
                                     0x1.6e9f156864b27p-54,
                                     0x1.c7c46b071f2bep-56,
                                     0x1.7a1cd345dcc81p-54,
                                     0x1.11065895048ddp-55,
                                     0x1.2ed02d75b3707p-55,
                                     -0x1.e9c23179c2893p-54};
const float adex__xm_exp2f_hi[16] = {
    0x1.000000p+0f, 0x1.0b5586p+0f, 0x1.172b84p+0f, 0x1.2387a6p+0f,
    0x1.306fe0p+0f, 0x1.3dea64p+0f, 0x1.4bfdaep+0f, 0x1.5ab07ep+0f,
    0x1.6a09e6p+0f, 0x1.7a1148p+0f, 0x1.8ace54p+0f, 0x1.9c4918p+0f,
    0x1.ae89fap+0f, 0x1.c199bep+0f, 0x1.d5818ep+0f, 0x1.ea4afap+0f};
const float adex__xm_exp2f_lo[16] = {
    0x0.0p+0f,        0x1.9f3122p-25f,  -0x1.c15742p-27f, 0x1.ceac48p-25f,
    0x1.4636e2p-25f,  0x1.824684p-25f,  -0x1.593abcp-25f, -0x1.5bd5ecp-27f,
    0x1.9fcef4p-26f,  -0x1.829fd0p-25f, 0x1.15506ep-27f,  0x1.51f848p-27f,
    -0x1.a94b14p-26f, -0x1.3d56b2p-27f, -0x1.822dbcp-27f, 0x1.52486cp-27f};
