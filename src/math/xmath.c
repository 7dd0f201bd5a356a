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

/* The noise's log (xmath_body.h): for n = 11..23 at index n & 15,
 * invc = RN(16/n) (1 for n = 16) and -ln(invc) = hi + lo (hi = RN, lo
 * the rest rounded; computed in 300-bit arithmetic from the double
 * invc); indices 8-10 are not used (1 and 0). */
const double adex__xm_log_invc[16] = {
    0x1.0000000000000p+0, 0x1.e1e1e1e1e1e1ep-1, 0x1.c71c71c71c71cp-1,
    0x1.af286bca1af28p-1, 0x1.999999999999ap-1, 0x1.8618618618618p-1,
    0x1.745d1745d1746p-1, 0x1.642c8590b2164p-1, 0x1.0000000000000p+0,
    0x1.0000000000000p+0, 0x1.0000000000000p+0, 0x1.745d1745d1746p+0,
    0x1.5555555555555p+0, 0x1.3b13b13b13b14p+0, 0x1.2492492492492p+0,
    0x1.1111111111111p+0};
const double adex__xm_log_hi[16] = {0.0,
                                    0x1.f0a30c01162a8p-5,
                                    0x1.e27076e2af2eap-4,
                                    0x1.5ff3070a793d6p-3,
                                    0x1.c8ff7c79a9a20p-3,
                                    0x1.1675cababa60fp-2,
                                    0x1.4618bc21c5ec2p-2,
                                    0x1.739d7f6bbd007p-2,
                                    0.0,
                                    0.0,
                                    0.0,
                                    -0x1.7fafa3bd8151cp-2,
                                    -0x1.269621134db91p-2,
                                    -0x1.a93ed3c8ad9e5p-3,
                                    -0x1.1178e8227e47ap-3,
                                    -0x1.08598b59e3a06p-4};
const double adex__xm_log_lo[16] = {0.0,
                                    0x1.85f325c5bbacdp-59,
                                    -0x1.61578001e015ap-60,
                                    -0x1.bc60efafc6f6cp-58,
                                    -0x1.4f689f8434011p-57,
                                    0x1.ce63eab883727p-61,
                                    -0x1.7a42642661c62p-61,
                                    0x1.ce24c53fad3f0p-58,
                                    0.0,
                                    0.0,
                                    0.0,
                                    -0x1.b79bf6d4cb122p-56,
                                    -0x1.e0efadd9db02ap-56,
                                    -0x1.bcafa9de97202p-57,
                                    0x1.0e63a5f01c693p-58,
                                    0x1.dd7009902bf32p-58};
