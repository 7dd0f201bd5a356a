/* kernel_simd.c - SIMD kernels of exp_auto and of the explicit Runge-Kutta
 * methods: W neurons per vector, one vector per iteration of the fused
 * loop (docs/semantics.md sections 3-4 for what a step computes).
 *
 * CMake compiles this file once per instruction set (simd.h): with
 * ADEX_SIMD_W = 8 for AVX-512F and = 4 for AVX2, each copy defining its
 * functions with the suffix _avx512 or _avx2 (kernel_simd.h). kernels.c
 * picks one at run time from what the CPU supports.
 *
 * Every vector lane computes the scalar reference's operations
 * (src/methods/method_formulas.h: the same order of terms, fmas, products with
 * reciprocals, NEST's guard, the blow-up rule of adex__is_spike, the
 * clamp of w) with the same elementary functions (xmath_body.h), so every
 * kernel gives the scalar kernel's bits; tests/test_perf_exactness.c
 * holds them to it step by step. The speed comes from the width, from
 * tiles of 64 neurons (every exp of a tile first, then the arithmetic,
 * its constants in registers), from branch-free threshold and reset, and
 * from phi's polynomial, which saves the second transcendental function
 * on every neuron that is not in the upstroke of a spike.
 *
 * Every lane is computed on its own: what a neuron gets does not depend on
 * its neighbours in the vector, on where a thread's range starts, or on
 * whether it is in the last, partial vector (that one is padded, computed
 * whole, and only its real lanes stored). The one-neuron functions, used
 * by the general path (step_general.c), are the scalar formulas compiled
 * here with the instruction set's fma; so the general path and the fused
 * step agree bit for bit for each kernel.
 */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "kernel.h"
#include "kernel_simd.h"
#include "method_formulas.h"
#include "method_internal.h"
#include "rng.h"
#include "simd.h"

/* ------------------------------------------------------------ parameters */

/* A neuron's parameters and derived constants, one per lane. */
typedef struct vparams {
  vd V_rest, V_reset, V_th, delta_T, a, b, R;
  vd V_T_x, inv_delta_T_x, inv_tau, inv_tau_w;
  vd h_k, w_k; /* exp_auto: its coefficients (adex__expe_coefs) */
} vparams;

/* The same set in every lane. */
static inline void vparams_bcast(vparams *P, const adex__nparams *np) {
  P->V_rest = vset1(np->p.V_rest);
  P->V_reset = vset1(np->p.V_reset);
  P->V_th = vset1(np->p.V_th);
  P->V_T_x = vset1(np->V_T_x);
  P->delta_T = vset1(np->p.delta_T);
  P->a = vset1(np->p.a);
  P->b = vset1(np->p.b);
  P->R = vset1(np->p.R);
  P->inv_delta_T_x = vset1(np->inv_delta_T_x);
  P->inv_tau = vset1(np->inv_tau);
  P->inv_tau_w = vset1(np->inv_tau_w);
  P->h_k = vset1(np->h_k);
  P->w_k = vset1(np->w_k);
}

/* Lane j from per[j]: the field at `offset` of W consecutive sets. */
#define GATHER(per, field)                                                     \
  vgather((const char *)(per) + offsetof(adex__nparams, field),                \
          sizeof(adex__nparams))

/* Lanes from the per-neuron sets per[0..W). */
static inline void vparams_gather(vparams *P, const adex__nparams *per) {
  P->V_rest = GATHER(per, p.V_rest);
  P->V_reset = GATHER(per, p.V_reset);
  P->V_th = GATHER(per, p.V_th);
  P->V_T_x = GATHER(per, V_T_x);
  P->delta_T = GATHER(per, p.delta_T);
  P->a = GATHER(per, p.a);
  P->b = GATHER(per, p.b);
  P->R = GATHER(per, p.R);
  P->inv_delta_T_x = GATHER(per, inv_delta_T_x);
  P->inv_tau = GATHER(per, inv_tau);
  P->inv_tau_w = GATHER(per, inv_tau_w);
  P->h_k = GATHER(per, h_k);
  P->w_k = GATHER(per, w_k);
}

/* Lanes for neurons [i, i+W) from the parameter arrays (kernel.h,
 * adex__nsoa): a vector load where the field differs between neurons, a
 * broadcast where it does not. */
static inline vd soa_field(const adex__nsoa *s, int k, size_t i) {
  return s->f[k] != NULL ? vload(s->f[k] + i) : vset1(s->one[k]);
}

static inline void vparams_soa(vparams *P, const adex__nsoa *s, size_t i) {
  P->V_rest = soa_field(s, ADEX__SOA_V_REST, i);
  P->V_reset = soa_field(s, ADEX__SOA_V_RESET, i);
  P->V_th = soa_field(s, ADEX__SOA_V_TH, i);
  P->delta_T = soa_field(s, ADEX__SOA_DELTA_T, i);
  P->a = soa_field(s, ADEX__SOA_A, i);
  P->b = soa_field(s, ADEX__SOA_B, i);
  P->R = soa_field(s, ADEX__SOA_R, i);
  P->V_T_x = soa_field(s, ADEX__SOA_V_T_X, i);
  P->inv_delta_T_x = soa_field(s, ADEX__SOA_INV_DELTA_T_X, i);
  P->inv_tau = soa_field(s, ADEX__SOA_INV_TAU, i);
  P->inv_tau_w = soa_field(s, ADEX__SOA_INV_TAU_W, i);
  P->h_k = soa_field(s, ADEX__SOA_H_K, i);
  P->w_k = soa_field(s, ADEX__SOA_W_K, i);
}

/* The state of one vector of neurons, in place or in a padded copy. */
typedef struct vblock {
  double *V, *w, *I, *tls;
  bool *spk;
  bool *refr;      /* the refractory flags, or NULL (no tau_ref) */
  const double *D; /* the drive, or NULL */
  /* the neurons' indices in the population: real lanes are those below
   * end (a padded copy's other lanes are not), and where non-finite
   * values met are counted (adex__nf, or NULL) */
  size_t base, end;
  adex__nf *nf;
  /* the channels folded into the step (nchan 0: none; kernel.h,
   * adex__chan), whose arrays hold lane 0 of vector 0 at index ci */
  const adex__chan *chan;
  size_t nchan, ci;
} vblock;

/* The input current of vector j of a block: input plus the drive. */
static inline vd block_I(vblock b, size_t j) {
  vd I = vload(b.I + j * W);
  if (b.D != NULL) I = I + vload(b.D + j * W);
  return I;
}

/* The same with the block's channels, whose g and ring rows the vector
 * advances and clears (adex__chan): input, plus g (E - V) or g of each
 * channel in turn (V, the values at the start of the step), plus the
 * drive; the projections' post-side loops and block_I, operation for
 * operation. */
static inline vd block_I_chans(vblock b, size_t j, vd V) {
  vd I = vload(b.I + j * W);
  for (size_t q = 0; q < b.nchan; q++) {
    const adex__chan *ch = &b.chan[q];
    double *g = ch->g + b.ci + j * W, *r = ch->r + b.ci + j * W;
    vd gn = vload(g) * vset1(ch->decay) + vload(r);
    vstore(g, gn);
    vstore(r, vset1(0.0));
    if (ch->cuba)
      I = I + gn;
    else
      I = I + gn * (vset1(ch->E) - V);
  }
  if (b.D != NULL) I = I + vload(b.D + j * W);
  return I;
}

/* Two channels' constants, hoisted out of the loop (vopts.two): in
 * registers or on the stack, where the stores into g and the rows cannot
 * alias them, so that they are not loaded again for every vector. */
typedef struct vchan2 {
  double *g[2], *r[2];
  vd decay[2], E[2];
  bool cuba[2];
} vchan2;

static inline void vchan2_load(vchan2 *k, const adex__chan *ch) {
  for (size_t q = 0; q < 2; q++) {
    k->g[q] = ch[q].g;
    k->r[q] = ch[q].r;
    k->decay[q] = vset1(ch[q].decay);
    k->E[q] = vset1(ch[q].E);
    k->cuba[q] = ch[q].cuba;
  }
}

/* block_I_chans for two channels from k: the same operations. */
static inline vd block_I_chans2(vblock b, size_t j, vd V, const vchan2 *k) {
  vd I = vload(b.I + j * W);
  for (size_t q = 0; q < 2; q++) {
    double *g = k->g[q] + b.ci + j * W, *r = k->r[q] + b.ci + j * W;
    vd gn = vload(g) * k->decay[q] + vload(r);
    vstore(g, gn);
    vstore(r, vset1(0.0));
    if (k->cuba[q])
      I = I + gn;
    else
      I = I + gn * (k->E[q] - V);
  }
  if (b.D != NULL) I = I + vload(b.D + j * W);
  return I;
}

/* Pointers to neurons [i, i+W) of the step's arrays. */
static inline vblock block_at(const adex__step_ctx *c, size_t i) {
  return (vblock){c->V + i,
                  c->w + i,
                  c->input + i,
                  c->t_last_spike + i,
                  c->spike + i,
                  c->refractory != NULL ? c->refractory + i : NULL,
                  c->drive != NULL ? c->drive + i : NULL,
                  c->nf_base + i,
                  (size_t)-1, /* whole vectors: every lane real */
                  c->nf,
                  c->chans,
                  c->nchans,
                  i};
}

/* The rare branch of a blow-up in vector j of b (lanes `bits`): each real
 * lane's start values, before phases 2-4 overwrite them, to adex__nf_note
 * (kernel.h, adex__nf_check). */
static __attribute__((noinline, cold)) void nf_lanes(vblock b, size_t j,
                                                     unsigned bits) {
  for (size_t q = 0; q < W; q++) {
    size_t k = j * W + q;
    if (!((bits >> q) & 1u) || b.base + k >= b.end) continue;
    /* the input as the step saw it: with the channels' terms (their g
     * already advanced, V not yet overwritten), as block_I_chans */
    double I = b.I[k];
    for (size_t c = 0; c < b.nchan; c++) {
      double g = b.chan[c].g[b.ci + k];
      I = I + (b.chan[c].cuba ? g : g * (b.chan[c].E - b.V[k]));
    }
    adex__nf_note(b.nf, b.base + k, b.V[k], b.w[k], I,
                  b.D != NULL ? b.D[k] : 0.0);
  }
}

/* Where lanes s spike: count the blow-ups among them (nf_lanes), stamp
 * t_last_spike. */
static inline void spike_lanes(vblock b, size_t j, vm s, vd Vn, vd t) {
  vm bu = vor(vnlt(Vn, vset1(INFINITY)), vngt(Vn, vset1(-ADEX__BLOWUP)));
  unsigned bub = vbits(vand(s, bu));
  if (bub != 0) nf_lanes(b, j, bub);
  vstore_mask(b.tls + j * W, s, t);
}

/* ------------------------------------------------------------ threshold */

/* The fixed-step options (adex__step_ctx, adex__fire_opts): a
 * refractory period tau_ref where ref, the soft reset where soft. */
typedef struct vopts {
  bool ref, soft;
  vd tau_ref;
  bool chans; /* the step folds channels (exp_auto: block_I_chans) */
  bool two;   /* ... exactly two, their constants hoisted (vchan2) */
  /* exp_auto with parameters shared by every neuron, R = 1 and h/tau <=
   * 1/8: R's product left out (1 x is x, bit for bit) and phi's test of
   * z >= -1/8 (phi_up; z >= -h/tau) */
  bool lean;
} vopts;

/* The soft reset of W neurons whose pre-reset values are Vn
 * (adex__reset_soft, lane by lane). */
static inline vd soft_reset_v(const vparams *P, vd Vn) {
  vd V = Vn - (P->V_th - P->V_reset);
  vm ok = vand(vand(vlt(Vn, vset1(INFINITY)), vgt(Vn, vset1(-ADEX__BLOWUP))),
               vlt(V, P->V_th));
  return vsel(ok, V, P->V_reset);
}

/* The lanes of vector j of b free to move: not held refractory, that is
 * not t - t_last_spike <= tau_ref (every lane without the option). The
 * kernels carry this complement of the held lanes: it is the mask the
 * vector operations take (phi at 0, V kept, spikes only there). */
static inline vm free_v(vblock b, size_t j, vd t, const vopts *o) {
  if (!o->ref) return vtrue();
  return vnle(t - vload(b.tls + j * W), o->tau_ref);
}

/* Threshold and reset of the lanes that are not calm (fire_v_opts): the
 * whole of adex__fire_opts. in: the lanes below V_th and above
 * -ADEX__BLOWUP (false for NaN), the complement of adex__is_spike; a lane
 * spikes where it is free (go) and not in. */
static inline __attribute__((always_inline)) void
fire_v_rare(vblock b, size_t j, const vparams *P, vm go, vm in, vd Vo, vd Vn,
            vd wn, vd t, const vopts *o) {
  double *V = b.V + j * W, *w = b.w + j * W;
  vm s = o->ref ? vandnot(go, in) : vnot(in);
  /* a held lane does not spike: its non-finite start values show in V
   * or in w' (not below 1e100 in magnitude; nf_lanes tells) */
  if (o->ref) {
    vm bad_w = vngt(vset1(ADEX__BLOWUP), vabs(wn));
    vm odd = vor(vnlt(vabs(Vo), vset1(INFINITY)), bad_w);
    unsigned hb = vbits(vandnot(odd, go));
    if (hb != 0) nf_lanes(b, j, hb);
    Vn = vsel(go, Vn, Vo);
  }
  bool any = !vnone(s);
  if (any) spike_lanes(b, j, s, Vn, t);
  vd Vr = o->soft && any ? soft_reset_v(P, Vn) : P->V_reset;
  vstore(V, vsel(s, Vr, Vn));
  vd wr = vsel(s, wn + P->b, wn);
  vstore(w, vmin(vmax(wr, vset1(-ADEX__BLOWUP)), vset1(ADEX__BLOWUP)));
  vstore_bool(b.spk + j * W, s);
  /* refractory: held or spiking */
  if (o->ref) vstore_bool(b.refr + j * W, vor(vnot(go), s));
}

/* Phases 2-4 for W neurons (adex__fire_opts, lane by lane) with the
 * options o, whose flags are constants where this is inlined: the lanes
 * held (not in go, free_v) keep V (the old value Vo) and do not spike;
 * spike where adex__is_spike, reset, clamp w, stamp t, store spike and
 * the refractory flags, zero input (the store skipped where input is all
 * zero bits already, as it stays with a drive: no write traffic for it).
 *
 * Most vectors are calm: every lane below V_th and above -1e100 (so
 * finite, and no spike), |w'| < 1e100 (so nothing to clamp). V' is V
 * plus a term (a sum or an fma), so it is not finite where V is not: a
 * held lane with a non-finite V is not calm either. A calm vector
 * stores V' (V where held) and w' as they are, no spike, and its held
 * lanes as refractory: what the whole of it (fire_v_rare) stores there,
 * in a few operations. */
static inline __attribute__((always_inline)) void
fire_v_opts(vblock b, size_t j, const vparams *P, vm go, vd Vo, vd Vn, vd wn,
            vd t, const vopts *o) {
  double *V = b.V + j * W, *w = b.w + j * W, *I = b.I + j * W;
  vm in = vinside(Vn, vset1(-ADEX__BLOWUP), P->V_th);
  vm calm = vand_lt(in, vabs(wn), vset1(ADEX__BLOWUP));
  if (__builtin_expect(vall(calm), 1)) {
    vstore(V, o->ref ? vsel(go, Vn, Vo) : Vn);
    vstore(w, wn);
    vstore_bool(b.spk + j * W, vfalse());
    if (o->ref) vstore_bool(b.refr + j * W, vnot(go));
  } else {
    fire_v_rare(b, j, P, go, in, Vo, Vn, wn, t, o);
  }
  if (vany_bits(vload(I))) vstore(I, vset1(0.0));
}

/* Buffers of a last, partial vector: r < W real neurons, the other lanes
 * copies of the first (finite values; computed, never stored). */
typedef struct vtail {
  double V[W], w[W], I[W], tls[W], D[W];
  bool spk[W], refr[W];
  adex__nparams per[W];
} vtail;

static inline vblock tail_load(vtail *b, const adex__step_ctx *c, size_t i,
                               size_t r) {
  for (size_t j = 0; j < W; j++) {
    size_t s = i + (j < r ? j : 0);
    b->V[j] = c->V[s];
    b->w[j] = c->w[s];
    b->I[j] = c->input[s];
    b->tls[j] = c->t_last_spike[s];
    if (c->drive != NULL) b->D[j] = c->drive[s];
    if (c->per != NULL) b->per[j] = c->per[s];
  }
  return (vblock){b->V,
                  b->w,
                  b->I,
                  b->tls,
                  b->spk,
                  b->refr,
                  c->drive != NULL ? b->D : NULL,
                  c->nf_base + i,
                  c->nf_base + i + r,
                  c->nf,
                  NULL,
                  0,
                  0};
}

static inline void tail_store(const vtail *b, const adex__step_ctx *c, size_t i,
                              size_t r) {
  for (size_t j = 0; j < r; j++) {
    c->V[i + j] = b->V[j];
    c->w[i + j] = b->w[j];
    c->input[i + j] = b->I[j];
    c->t_last_spike[i + j] = b->tls[j];
    c->spike[i + j] = b->spk[j];
    if (c->refractory != NULL) c->refractory[i + j] = b->refr[j];
  }
}

/* ------------------------------------------------------------ tiles */

/* Neurons per tile: the fused loops work on TILE neurons at a time (the
 * last tile of a range may be shorter), in passes: first every call of
 * the vector exp (independent calls, which the CPU overlaps), then the
 * arithmetic without calls, whose constants stay in registers. */
#define TILE 64
#define NV (TILE / W)

/* The parameters of up to NV vectors: one shared set, or gathered. */
typedef struct vtile_params {
  const vparams *shared; /* all vectors, or NULL */
  vparams per[NV];       /* vector j's lanes when shared == NULL */
} vtile_params;

static inline const vparams *tp_at(const vtile_params *tp, size_t j) {
  return tp->shared != NULL ? tp->shared : &tp->per[j];
}

/* Parameters of nv vectors: U when shared; else from the arrays soa at
 * neurons [i, i + nv W) when given; else gathered from the sets
 * per[0 .. nv W) (a padded copy, for a last partial vector). */
static inline void tp_load(vtile_params *tp, const vparams *U,
                           const adex__nsoa *soa, size_t i,
                           const adex__nparams *per, size_t nv) {
  tp->shared = U;
  if (U != NULL) return;
  for (size_t j = 0; j < nv; j++) {
    if (soa != NULL)
      vparams_soa(&tp->per[j], soa, i + j * W);
    else
      vparams_gather(&tp->per[j], per + j * W);
  }
}

/* ------------------------------------------------------------ exp_auto */

/* adex__expe_integrate (method_formulas.h) for W neurons, operation for
 * operation, in two parts: E (the exponential; its argument clamped in
 * one instruction on AVX-512, vclamp_exp) ... */
static inline vd expe_E(const vparams *P, vd V) {
  return vx_exp_in(vclamp_exp((V - P->V_T_x) * P->inv_delta_T_x));
}

/* ... and the rest, given E; the lanes held (not in go) keep V, so phi is
 * taken at 0 for them (their V' is not used): a neuron held high up the
 * upstroke (after a soft reset) then does not send its vector down phi's
 * slow branch for the whole hold. */
static inline __attribute__((always_inline)) void
expe_rest(const vparams *P, vd E, vm go, vd V, vd w, vd I, vd *V_new, vd *w_new,
          const vopts *o) {
  vd d = V - P->V_rest;
  vd S = vfma(P->delta_T, E, -d) + (o->lean ? I - w : P->R * (I - w));
  vd z = vsel(go, (E - 1.0) * P->h_k, vset1(0.0));
  *V_new = vfma(o->lean ? vx_phi_up(z) : vx_phi(z), S * P->h_k, V);
  *w_new = vfma(P->w_k, P->a * d - w, w);
}

/* A tile: nv whole vectors from b, integrated, then threshold and reset
 * with the options o; first every vector's exp, then every vector's
 * arithmetic (the step's coefficients h_k, w_k are in the parameters). */
static inline __attribute__((always_inline)) void
expe_tile(vblock b, size_t nv, const vtile_params *tp, vd t, const vopts *o,
          const vchan2 *k) {
  vd E[NV];
  for (size_t j = 0; j < nv; j++)
    E[j] = expe_E(tp_at(tp, j), vload(b.V + j * W));
  for (size_t j = 0; j < nv; j++) {
    const vparams *P = tp_at(tp, j);
    vd V = vload(b.V + j * W), w = vload(b.w + j * W);
    vd Vn, wn;
    vm go = free_v(b, j, t, o);
    vd I = o->two     ? block_I_chans2(b, j, V, k)
           : o->chans ? block_I_chans(b, j, V)
                      : block_I(b, j);
    expe_rest(P, E[j], go, V, w, I, &Vn, &wn, o);
    fire_v_opts(b, j, P, go, V, Vn, wn, t, o);
  }
}

/* The channels of neurons [lo, hi) added to their input, one neuron at a
 * time: block_I_chans's operations without the drive. */
static void chans_scalar(const adex__step_ctx *c, size_t lo, size_t hi) {
  for (size_t i = lo; i < hi; i++) {
    double I = c->input[i];
    for (size_t q = 0; q < c->nchans; q++) {
      const adex__chan *ch = &c->chans[q];
      double g = ch->g[i] * ch->decay + ch->r[i];
      ch->g[i] = g;
      ch->r[i] = 0.0;
      I = I + (ch->cuba ? g : g * (ch->E - c->V[i]));
    }
    c->input[i] = I;
  }
}

/* Neurons [lo, hi) with the options o, whose flags are constants where
 * this is inlined. */
static inline __attribute__((always_inline)) void
expe_range(const adex__step_ctx *c, size_t lo, size_t hi, const vopts *o) {
  const vd t = vset1(c->t);
  vparams U;
  if (c->uniform != NULL) vparams_bcast(&U, c->uniform);
  const vparams *shared = c->uniform != NULL ? &U : NULL;
  vtile_params tp;
  vchan2 k;
  if (o->two) vchan2_load(&k, c->chans);
  size_t i = lo;
  while (i + W <= hi) {
    size_t nv = (hi - i) / W < NV ? (hi - i) / W : NV;
    tp_load(&tp, shared, c->soa, i, c->per != NULL ? c->per + i : NULL, nv);
    expe_tile(block_at(c, i), nv, &tp, t, o, &k);
    i += nv * W;
  }
  if (i < hi) {
    /* the last, partial vector: its channels into the input first, one
     * neuron at a time (the same operations), then a padded copy */
    if (o->chans) chans_scalar(c, i, hi);
    vtail b;
    vblock vb = tail_load(&b, c, i, hi - i);
    tp_load(&tp, shared, NULL, 0, b.per, 1);
    expe_tile(vb, 1, &tp, t,
              &(vopts){o->ref, o->soft, o->tau_ref, false, false, o->lean}, &k);
    tail_store(&b, c, i, hi - i);
  }
}

/* The fused step: one loop per combination of the options. */
static inline __attribute__((always_inline)) void
expe_step_opts(const adex__step_ctx *c, size_t lo, size_t hi, bool chans,
               bool two, bool lean) {
  bool ref = c->tau_ref > 0;
  vd tr = vset1(c->tau_ref);
  if (ref && c->soft)
    expe_range(c, lo, hi, &(vopts){true, true, tr, chans, two, lean});
  else if (ref)
    expe_range(c, lo, hi, &(vopts){true, false, tr, chans, two, lean});
  else if (c->soft)
    expe_range(c, lo, hi, &(vopts){false, true, tr, chans, two, lean});
  else
    expe_range(c, lo, hi, &(vopts){false, false, tr, chans, two, lean});
}

/* vopts.lean: one parameter set with R = 1 and h/tau <= 1/8 */
static bool expe_lean(const adex__step_ctx *c) {
  return c->uniform != NULL && c->uniform->p.R == 1.0 &&
         c->uniform->h_k <= 0.125;
}

void VSFX(adex__expe_step)(const adex__step_ctx *c, size_t lo, size_t hi) {
  bool lean = expe_lean(c);
  if (c->nchans == 2 && lean)
    expe_step_opts(c, lo, hi, true, true, true);
  else if (c->nchans == 2)
    expe_step_opts(c, lo, hi, true, true, false);
  else if (c->nchans > 0 && lean)
    expe_step_opts(c, lo, hi, true, false, true);
  else if (c->nchans > 0)
    expe_step_opts(c, lo, hi, true, false, false);
  else if (lean)
    expe_step_opts(c, lo, hi, false, false, true);
  else
    expe_step_opts(c, lo, hi, false, false, false);
}

/* The one-neuron step: the scalar formula, compiled here with the
 * instruction set's fma (the same bits as a lane of the vector code). */
void VSFX(adex__expe_one)(const adex_method *m, const adex__nparams *np,
                          double V, double w, double I, double h, double out[2],
                          double err[2]) {
  (void)m;
  adex__expe_any(np, V, w, I, h, out, err);
}

/* ------------------------------------------------------------ Runge-Kutta */

/* The state of nv vectors through one Runge-Kutta step: vector j is the
 * tile's vector vec[j] (its parameters), with step sizes h[j]. */
typedef struct rk_tile {
  vd V[NV], w[NV], I[NV], RI[NV], h[NV]; /* start, RI = R I */
  size_t vec[NV];
  vd kV[ADEX__RK_MAX_STAGES][NV], kw[ADEX__RK_MAX_STAGES][NV];
  vd outV[NV], outw[NV], errV[NV], errw[NV];
} rk_tile;

/* Method m's tableau step of h from each vector's (V, w), as rk_integrate
 * in method_rk.c (same stages, same skipped zeros, same order of the
 * sums), stage by stage over the tile: the stage values of every vector,
 * then every exp, then the right-hand sides with NEST's guard
 * (adex__rhs_guarded); without with_err a fixed step, whose crossing of
 * V_th inside the stages holds V at V_th and ends in a spike. With_err:
 * also the embedded estimate, and the row the adaptive mode propagates. */
static inline void rk_tile_integrate(const adex_method *m,
                                     const vtile_params *tp, size_t nv,
                                     rk_tile *r, bool with_err) {
  const adex__rk_tableau *tb = m->tableau;
  int stages = with_err ? tb->stages : tb->nprop;
  vd Vs[NV], Vg[NV], ws[NV], E[NV];
  vm crossed[NV];
  vd cross_at[NV]; /* as in rk_integrate */
  for (size_t j = 0; j < nv; j++) {
    vd V_th = tp_at(tp, r->vec[j])->V_th;
    crossed[j] = vmask(0);
    if (!with_err)
      cross_at[j] = vsel(vlt(r->V[j], V_th), V_th, vset1(INFINITY));
  }
  for (int s = 0; s < stages; s++) {
    /* (1 - c_s) h: a fixed step has one h for the whole tile */
    const vd hc = vset1(1.0 - tb->c[s]) * r->h[0];
    for (size_t j = 0; j < nv; j++) {
      vd sV = vset1(0.0), sw = vset1(0.0);
      for (int q = 0; q < s; q++) {
        if (tb->a[s][q] == 0.0) continue;
        sV = vfma(vset1(tb->a[s][q]), r->kV[q][j], sV);
        sw = vfma(vset1(tb->a[s][q]), r->kw[q][j], sw);
      }
      vd V_th = tp_at(tp, r->vec[j])->V_th;
      Vs[j] = r->V[j] + r->h[j] * sV;
      Vg[j] = vmin(Vs[j], V_th);
      /* a fixed step that has crossed V_th stays there (rk_integrate) */
      if (!with_err) Vg[j] = vsel(crossed[j], V_th, Vg[j]);
      ws[j] = r->w[j] + r->h[j] * sw;
    }
    for (size_t j = 0; j < nv; j++) {
      const vparams *P = tp_at(tp, r->vec[j]);
      E[j] = vx_exp((Vg[j] - P->V_T_x) * P->inv_delta_T_x);
    }
    for (size_t j = 0; j < nv; j++) {
      const vparams *P = tp_at(tp, r->vec[j]);
      vd d = Vg[j] - P->V_rest;
      r->kV[s][j] =
          (vfma(P->delta_T, E[j], -d) - P->R * ws[j] + r->RI[j]) * P->inv_tau;
      r->kw[s][j] = (P->a * d - ws[j]) * P->inv_tau_w;
      if (!with_err)
        crossed[j] =
            vor(crossed[j], vge(vfma(hc, r->kV[s][j], Vs[j]), cross_at[j]));
    }
  }
  const double *b = with_err && tb->adaptive_hat ? tb->bh : tb->b;
  for (size_t j = 0; j < nv; j++) {
    vd sV = vset1(0.0), sw = vset1(0.0);
    for (int q = 0; q < stages; q++) {
      if (b[q] == 0.0) continue;
      sV = vfma(vset1(b[q]), r->kV[q][j], sV);
      sw = vfma(vset1(b[q]), r->kw[q][j], sw);
    }
    vd V_new = r->V[j] + r->h[j] * sV;
    vd V_th = tp_at(tp, r->vec[j])->V_th;
    r->outV[j] = with_err
                     ? V_new
                     : vsel(vand(crossed[j], vlt(V_new, V_th)), V_th, V_new);
    r->outw[j] = r->w[j] + r->h[j] * sw;
    if (!with_err) continue;
    vd eV = vset1(0.0), ew = vset1(0.0);
    for (int q = 0; q < tb->stages; q++) {
      double d = tb->b[q] - tb->bh[q];
      if (d == 0.0) continue;
      eV = vfma(vset1(d), r->kV[q][j], eV);
      ew = vfma(vset1(d), r->kw[q][j], ew);
    }
    r->errV[j] = r->h[j] * eV;
    r->errw[j] = r->h[j] * ew;
  }
}

/* A tile of the fused step: integrate, then threshold and reset with the
 * options o. */
static inline __attribute__((always_inline)) void
rk_tile_step(const adex_method *m, vblock b, size_t nv, const vtile_params *tp,
             double h, vd t, const vopts *o) {
  rk_tile r;
  for (size_t j = 0; j < nv; j++) {
    r.V[j] = vload(b.V + j * W);
    r.w[j] = vload(b.w + j * W);
    r.I[j] = block_I(b, j);
    r.RI[j] = tp_at(tp, j)->R * r.I[j];
    r.h[j] = vset1(h);
    r.vec[j] = j;
  }
  rk_tile_integrate(m, tp, nv, &r, false);
  for (size_t j = 0; j < nv; j++)
    fire_v_opts(b, j, tp_at(tp, j), free_v(b, j, t, o), r.V[j], r.outV[j],
                r.outw[j], t, o);
}

/* Neurons [lo, hi) with the options o, whose flags are constants where
 * this is inlined. */
static inline __attribute__((always_inline)) void
rk_range(const adex__step_ctx *c, size_t lo, size_t hi, const vopts *o) {
  const vd t = vset1(c->t);
  vparams U;
  if (c->uniform != NULL) vparams_bcast(&U, c->uniform);
  const vparams *shared = c->uniform != NULL ? &U : NULL;
  vtile_params tp;
  size_t i = lo;
  while (i + W <= hi) {
    size_t nv = (hi - i) / W < NV ? (hi - i) / W : NV;
    tp_load(&tp, shared, c->soa, i, c->per != NULL ? c->per + i : NULL, nv);
    rk_tile_step(c->method, block_at(c, i), nv, &tp, c->dt, t, o);
    i += nv * W;
  }
  if (i < hi) {
    vtail b;
    vblock vb = tail_load(&b, c, i, hi - i);
    tp_load(&tp, shared, NULL, 0, b.per, 1);
    rk_tile_step(c->method, vb, 1, &tp, c->dt, t, o);
    tail_store(&b, c, i, hi - i);
  }
}

/* The fused step: one loop per combination of the options. */
void VSFX(adex__rk_step)(const adex__step_ctx *c, size_t lo, size_t hi) {
  bool ref = c->tau_ref > 0;
  vd tr = vset1(c->tau_ref);
  if (ref && c->soft)
    rk_range(c, lo, hi, &(vopts){true, true, tr, false, false, false});
  else if (ref)
    rk_range(c, lo, hi, &(vopts){true, false, tr, false, false, false});
  else if (c->soft)
    rk_range(c, lo, hi, &(vopts){false, true, tr, false, false, false});
  else
    rk_range(c, lo, hi, &(vopts){false, false, tr, false, false, false});
}

/* The one-neuron step: the scalar formula with this instruction set's fma
 * (the same bits as a lane of the vector code). */
void VSFX(adex__rk_one)(const adex_method *m, const adex__nparams *np, double V,
                        double w, double I, double h, double out[2],
                        double err[2]) {
  adex__rk_any(m->tableau, np, V, w, I, h, out, err);
}

/* ------------------------------------------------------------ float32 */

/* exp_auto for float32 populations, in float: WF = 2 W lanes per vector,
 * the same structure as the double kernel (exp first, then arithmetic),
 * the operations of the scalar float formula (adex__expe_integrate32). */

typedef struct vfparams {
  vf V_rest, V_reset, V_th, delta_T, a, b, R;
  vf V_T_x, inv_delta_T_x, h_k, w_k;
} vfparams;

/* Vectors per float tile: 8, as the double kernel's on AVX-512 (128
 * floats there, 64 on AVX2). Eight calls of the exp in flight measured
 * 3-4 % faster on COBA-AdEx in float32 than four (bench_coba, median
 * step 0.087-0.088 against 0.091 s). */
#define NVF 8

static inline void vfparams_bcast(vfparams *P, const adex__np32 *q) {
  P->V_rest = vfset1(q->V_rest);
  P->V_reset = vfset1(q->V_reset);
  P->V_th = vfset1(q->V_th);
  P->delta_T = vfset1(q->delta_T);
  P->a = vfset1(q->a);
  P->b = vfset1(q->b);
  P->R = vfset1(q->R);
  P->V_T_x = vfset1(q->V_T_x);
  P->inv_delta_T_x = vfset1(q->inv_delta_T_x);
  P->h_k = vfset1(q->h_k);
  P->w_k = vfset1(q->w_k);
}

#define GATHERF(per, field)                                                    \
  vfgather((const char *)(per) + offsetof(adex__np32, field),                  \
           sizeof(adex__np32))

static inline void vfparams_gather(vfparams *P, const adex__np32 *per) {
  P->V_rest = GATHERF(per, V_rest);
  P->V_reset = GATHERF(per, V_reset);
  P->V_th = GATHERF(per, V_th);
  P->delta_T = GATHERF(per, delta_T);
  P->a = GATHERF(per, a);
  P->b = GATHERF(per, b);
  P->R = GATHERF(per, R);
  P->V_T_x = GATHERF(per, V_T_x);
  P->inv_delta_T_x = GATHERF(per, inv_delta_T_x);
  P->h_k = GATHERF(per, h_k);
  P->w_k = GATHERF(per, w_k);
}

/* The state of WF neurons of a float32 population. */
typedef struct vfblock {
  float *V, *w, *I, *tls;
  bool *spk;
  bool *refr;          /* the refractory flags, or NULL (no tau_ref) */
  const float *D;      /* the drive, or NULL */
  const adex__np32 *q; /* their parameter sets, or NULL when shared */
  size_t base, end;    /* as in vblock */
  adex__nf *nf;
  const adex__chan *chan; /* as in vblock */
  size_t nchan, ci;
} vfblock;

/* The input of vector j of a float block with the block's channels, whose
 * g and ring rows it advances and clears (block_I_chans): in double, the
 * input widened plus g (E - V) or g of each channel in turn (V widened:
 * the values at the start of the step), rounded once to float; the
 * projections' post-side loops into a float32 population
 * (docs/networks.md, *float32 populations*), operation for operation. The
 * drive is added after, in float. */
static inline vf block_I_chans32(vfblock b, size_t j) {
  vd x[2];
  for (size_t h = 0; h < 2; h++) {
    size_t k = j * WF + h * W;
    vd V = vload_widen(b.V + k);
    x[h] = vload_widen(b.I + k);
    for (size_t q = 0; q < b.nchan; q++) {
      const adex__chan *ch = &b.chan[q];
      double *g = ch->g + b.ci + k, *r = ch->r + b.ci + k;
      vd gn = vload(g) * vset1(ch->decay) + vload(r);
      vstore(g, gn);
      vstore(r, vset1(0.0));
      if (ch->cuba)
        x[h] = x[h] + gn;
      else
        x[h] = x[h] + gn * (vset1(ch->E) - V);
    }
  }
  return vfnarrow(x[0], x[1]);
}

/* block_I_chans32's sum for one neuron (k of the block) whose channels
 * are advanced already: the input as the step saw it. */
static float chans_input32(vfblock b, size_t k) {
  double x = (double)b.I[k], v = (double)b.V[k];
  for (size_t q = 0; q < b.nchan; q++) {
    double g = b.chan[q].g[b.ci + k];
    x = x + (b.chan[q].cuba ? g : g * (b.chan[q].E - v));
  }
  return (float)x;
}

/* nf_lanes for a float block. */
static __attribute__((noinline, cold)) void nf_lanes32(vfblock b, size_t j,
                                                       unsigned bits) {
  for (size_t q = 0; q < WF; q++) {
    size_t k = j * WF + q;
    if (((bits >> q) & 1u) && b.base + k < b.end)
      adex__nf_note(b.nf, b.base + k, b.V[k], b.w[k],
                    b.nchan > 0 ? chans_input32(b, k) : b.I[k],
                    b.D != NULL ? b.D[k] : 0.0f);
  }
}

/* Where lanes s spike: count the blow-ups among them (spike_lanes), stamp
 * t_last_spike. */
static inline void spike_lanes32(vfblock b, size_t j, vmf s, vf Vn, vf t) {
  vmf bu =
      vfor(vfnlt(Vn, vfset1(INFINITY)), vfngt(Vn, vfset1(-ADEX__BLOWUP_F32)));
  unsigned bub = vfbits(vfand(s, bu));
  if (bub != 0) nf_lanes32(b, j, bub);
  vfstore_mask(b.tls + j * WF, s, t);
}

/* The fixed-step options in float (vopts): tau_ref rounded to float. */
typedef struct vfopts {
  bool ref, soft;
  vf tau_ref;
  bool chans; /* the step folds channels (block_I_chans32) */
} vfopts;

/* The soft reset of WF neurons in float (adex__reset_soft32, lane by
 * lane). */
static inline vf soft_reset_vf(const vfparams *P, vf Vn) {
  vf V = Vn - (P->V_th - P->V_reset);
  vmf ok = vfand(vfand(vflt(Vn, vfset1(INFINITY)),
                       VFCMP(Vn, vfset1(-ADEX__BLOWUP_F32), _CMP_GT_OQ)),
                 vflt(V, P->V_th));
  return vfsel(ok, V, P->V_reset);
}

/* The lanes of vector j of b free to move, in float (free_v): not held
 * refractory (every lane without the option). */
static inline vmf free_vf(vfblock b, size_t j, vf t, const vfopts *o) {
  if (!o->ref) return vftrue();
  return vfnle(t - vfload(b.tls + j * WF), o->tau_ref);
}

/* Threshold and reset of float lanes that are not calm (fire_v_rare in
 * float: method_exp_euler.c's fire32_opts, lane by lane). */
static inline __attribute__((always_inline)) void
fire_vf_rare(vfblock b, size_t j, const vfparams *P, vmf go, vmf in, vf Vo,
             vf Vn, vf wn, vf t, const vfopts *o) {
  float *V = b.V + j * WF, *w = b.w + j * WF;
  vmf s = o->ref ? vfandnot(go, in) : vfnot(in);
  if (o->ref) {
    vmf bad_w = vfngt(vfset1(ADEX__BLOWUP_F32), vfabs(wn));
    vmf odd = vfor(vfnlt(vfabs(Vo), vfset1(INFINITY)), bad_w);
    unsigned hb = vfbits(vfandnot(odd, go));
    if (hb != 0) nf_lanes32(b, j, hb);
    Vn = vfsel(go, Vn, Vo);
  }
  bool any = !vfnone(s);
  if (any) spike_lanes32(b, j, s, Vn, t);
  vf Vr = o->soft && any ? soft_reset_vf(P, Vn) : P->V_reset;
  vfstore(V, vfsel(s, Vr, Vn));
  vf wr = vfsel(s, wn + P->b, wn);
  vfstore(
      w, vfmin(vfmax(wr, vfset1(-ADEX__BLOWUP_F32)), vfset1(ADEX__BLOWUP_F32)));
  vfstore_bool(b.spk + j * WF, s);
  if (o->ref) vfstore_bool(b.refr + j * WF, vfor(vfnot(go), s));
}

/* Phases 2-4 for WF neurons in float (fire_v_opts: the calm vectors in a
 * few operations, the others fire_vf_rare). */
static inline __attribute__((always_inline)) void
fire_vf_opts(vfblock b, size_t j, const vfparams *P, vmf go, vf Vo, vf Vn,
             vf wn, vf t, const vfopts *o) {
  float *V = b.V + j * WF, *w = b.w + j * WF, *I = b.I + j * WF;
  vmf in = vfinside(Vn, vfset1(-ADEX__BLOWUP_F32), P->V_th);
  vmf calm = vfand_lt(in, vfabs(wn), vfset1(ADEX__BLOWUP_F32));
  if (__builtin_expect(vfall(calm), 1)) {
    vfstore(V, o->ref ? vfsel(go, Vn, Vo) : Vn);
    vfstore(w, wn);
    vfstore_bool(b.spk + j * WF, vffalse());
    if (o->ref) vfstore_bool(b.refr + j * WF, vfnot(go));
  } else {
    fire_vf_rare(b, j, P, go, in, Vo, Vn, wn, t, o);
  }
  if (vfany_bits(vfload(I))) vfstore(I, vfset1(0.0f));
}

/* nv whole float vectors from b: every exp, then every vector's rest,
 * threshold and reset with the options o. */
static inline __attribute__((always_inline)) void
expe32_tile(vfblock b, size_t nv, const vfparams *U, vf t, const vfopts *o) {
  vfparams G[NVF];
  vf E[NVF];
  for (size_t j = 0; j < nv; j++) {
    if (U == NULL) vfparams_gather(&G[j], b.q + j * WF);
    const vfparams *P = U != NULL ? U : &G[j];
    E[j] = vx_expf_in(
        vfclamp_exp((vfload(b.V + j * WF) - P->V_T_x) * P->inv_delta_T_x));
  }
  for (size_t j = 0; j < nv; j++) {
    const vfparams *P = U != NULL ? U : &G[j];
    vf V = vfload(b.V + j * WF), w = vfload(b.w + j * WF);
    vf I = o->chans ? block_I_chans32(b, j) : vfload(b.I + j * WF);
    if (b.D != NULL) I = I + vfload(b.D + j * WF);
    vf d = V - P->V_rest;
    vf S = vffma(P->delta_T, E[j], -d) + P->R * (I - w);
    vf z = (E[j] - 1.0f) * P->h_k;
    /* a held lane's V' is not used: phi at 0 for it, so that a neuron
     * held high up the upstroke (after a soft reset) does not send its
     * vector down phi's slow branch */
    vmf go = free_vf(b, j, t, o);
    if (o->ref) z = vfsel(go, z, vfset1(0.0f));
    vf Vn = vffma(vx_phif(z), S * P->h_k, V);
    vf wn = vffma(P->w_k, P->a * d - w, w);
    fire_vf_opts(b, j, P, go, V, Vn, wn, t, o);
  }
}

/* The channels of float32 neurons [lo, hi) added to their input, one
 * neuron at a time: block_I_chans32's operations. */
static void chans_scalar32(const adex__step_ctx *c, size_t lo, size_t hi) {
  for (size_t i = lo; i < hi; i++) {
    double x = (double)c->input32[i], v = (double)c->V32[i];
    for (size_t q = 0; q < c->nchans; q++) {
      const adex__chan *ch = &c->chans[q];
      double g = ch->g[i] * ch->decay + ch->r[i];
      ch->g[i] = g;
      ch->r[i] = 0.0;
      x = x + (ch->cuba ? g : g * (ch->E - v));
    }
    c->input32[i] = (float)x;
  }
}

/* Float32 neurons [lo, hi) with the options o, whose flags are constants
 * where this is inlined. */
static inline __attribute__((always_inline)) void
expe32_range(const adex__step_ctx *c, size_t lo, size_t hi, const vfopts *o) {
  const vf t = vfset1((float)c->t);
  vfparams U;
  const adex__np32 *uni = c->uniform32;
  if (uni != NULL) vfparams_bcast(&U, uni);
  size_t i = lo;
  while (i + WF <= hi) {
    size_t nv = (hi - i) / WF < NVF ? (hi - i) / WF : NVF;
    vfblock b = {c->V32 + i,
                 c->w32 + i,
                 c->input32 + i,
                 c->t_last_spike32 + i,
                 c->spike + i,
                 c->refractory != NULL ? c->refractory + i : NULL,
                 c->drive32 != NULL ? c->drive32 + i : NULL,
                 uni != NULL ? NULL : c->per32 + i,
                 c->nf_base + i,
                 hi + c->nf_base,
                 c->nf,
                 c->chans,
                 c->nchans,
                 i};
    expe32_tile(b, nv, uni != NULL ? &U : NULL, t, o);
    i += nv * WF;
  }
  if (i < hi) {
    /* the last, partial vector: its channels into the input first, one
     * neuron at a time (the same operations), then a padded copy of it
     * (the other lanes copies of its first neuron) */
    if (o->chans) chans_scalar32(c, i, hi);
    size_t r = hi - i;
    float V[WF], w[WF], I[WF], tls[WF], D[WF];
    bool spk[WF], refr[WF] = {false}; /* refr: stored only with tau_ref */
    adex__np32 q[WF];
    for (size_t j = 0; j < WF; j++) {
      size_t s = i + (j < r ? j : 0);
      V[j] = c->V32[s];
      w[j] = c->w32[s];
      I[j] = c->input32[s];
      tls[j] = c->t_last_spike32[s];
      D[j] = c->drive32 != NULL ? c->drive32[s] : 0.0f;
      if (uni == NULL) q[j] = c->per32[s];
    }
    vfblock b = {V,
                 w,
                 I,
                 tls,
                 spk,
                 refr,
                 c->drive32 != NULL ? D : NULL,
                 uni != NULL ? NULL : q,
                 c->nf_base + i,
                 c->nf_base + hi,
                 c->nf,
                 NULL,
                 0,
                 0};
    expe32_tile(b, 1, uni != NULL ? &U : NULL, t,
                &(vfopts){o->ref, o->soft, o->tau_ref, false});
    for (size_t j = 0; j < r; j++) {
      c->V32[i + j] = V[j];
      c->w32[i + j] = w[j];
      c->input32[i + j] = I[j];
      c->t_last_spike32[i + j] = tls[j];
      c->spike[i + j] = spk[j];
      if (c->refractory != NULL) c->refractory[i + j] = refr[j];
    }
  }
}

/* The float32 fused step: one loop per combination of the options. */
static inline __attribute__((always_inline)) void
expe32_step_opts(const adex__step_ctx *c, size_t lo, size_t hi, bool chans) {
  bool ref = c->tau_ref > 0;
  vf tr = vfset1((float)c->tau_ref);
  if (ref && c->soft)
    expe32_range(c, lo, hi, &(vfopts){true, true, tr, chans});
  else if (ref)
    expe32_range(c, lo, hi, &(vfopts){true, false, tr, chans});
  else if (c->soft)
    expe32_range(c, lo, hi, &(vfopts){false, true, tr, chans});
  else
    expe32_range(c, lo, hi, &(vfopts){false, false, tr, chans});
}

void VSFX(adex__expe_step32)(const adex__step_ctx *c, size_t lo, size_t hi) {
  if (c->nchans > 0)
    expe32_step_opts(c, lo, hi, true);
  else
    expe32_step_opts(c, lo, hi, false);
}

/* ------------------------------------------------------------ adaptive */

/* The adaptive mode (step_general.c, neuron_step) without precise spike
 * times or noise, for W neurons at once:
 * each lane has its own position s in the step, sub-step size h, count of
 * sub-steps and of spikes; every iteration takes one tableau step of
 * every vector of the tile that still has a lane short of dt (with the
 * error estimate), and each lane accepts or rejects on its own. The
 * controller is step_general.c's, lane by lane (error_ratio_v,
 * step_factor_v: libm's fmax/fmin rules, xmath's pow_pos), so the driver
 * gives the scalar driver's bits, sub-step sizes and event list included.
 * A lane's bits depend only on its neuron, as in the fused step. */

/* step_general.c's error_ratio: the scaled error; a NaN estimate rejects. */
static inline vd error_ratio_v(vd eV, vd ew, vd V0, vd w0, vd V1, vd w1,
                               vd tol) {
  vd sV = tol + tol * vlmax(vabs(V0), vabs(V1));
  vd sw = tol + tol * vlmax(vabs(w0), vabs(w1));
  vd q = vlmax(vabs(eV) / sV, vabs(ew) / sw);
  return vsel(visnan(q), vset1(INFINITY), q);
}

/* step_general.c's step_factor: 0.9 q^expo within [0.2, 5]; 5 for q = 0. */
static inline vd step_factor_v(vd q, double expo, double q_lo) {
  /* Where every lane's q is below q_lo, 0.9 q^expo is above 5 for sure
   * and the factor is 5: pow is not needed (the common case at rest). */
  if (vbits(vlt(q, vset1(q_lo))) == ALL_LANES) return vset1(5.0);
  vd f = vset1(0.9) * vx_pow_pos(q, expo);
  f = vlmin(vset1(5.0), vlmax(vset1(0.2), f));
  return vsel(veq(q, vset1(0.0)), vset1(5.0), f);
}

/* Neurons [i, i+W) of the adaptive step: state, input current (input plus
 * the drive) and sub-step size, the starting one (adex__initial_step) for
 * a neuron that has none yet. */
static inline void adapt_load(const adex__adapt_ctx *a, size_t i, int p_hat,
                              vd *V, vd *w, vd *I, vd *h) {
  *V = vload(a->V + i);
  *w = vload(a->w + i);
  *I = vload(a->input + i);
  if (a->drive != NULL) *I = *I + vload(a->drive + i);
  *h = vload(a->h_sub + i);
  unsigned none = vbits(vngt(*h, vset1(0.0)));
  if (none == 0) return;
  double hs[W], Vs[W], ws[W], Is[W];
  vstore(hs, *h);
  vstore(Vs, *V);
  vstore(ws, *w);
  vstore(Is, *I);
  for (int q = 0; q < W; q++)
    if ((none >> q) & 1u)
      hs[q] = adex__initial_step(a->uniform != NULL ? a->uniform
                                                    : &a->per[i + (size_t)q],
                                 Vs[q], ws[q], Is[q], a->dt, a->tol, p_hat);
  *h = vload(hs);
}

/* The first `real` lanes of a vector back to neurons [i, i+real): state,
 * sub-step size, zero input, spike flags, t_last_spike, the refractory
 * flags (refr0: the lanes refractory at the start) and the events (nspk
 * per lane) in neuron order. */
static inline void adapt_store(adex__adapt_ctx *a, size_t i, size_t real, vd V,
                               vd w, vd h, vd nspk, unsigned refr0) {
  vm s = vgt(nspk, vset1(0.0));
  unsigned spk = vbits(s);
  if (a->refractory != NULL) {
    unsigned rf = refr0 | spk;
    for (size_t q = 0; q < real; q++) a->refractory[i + q] = (rf >> q) & 1u;
  }
  if (real == W) {
    vstore(a->V + i, V);
    vstore(a->w + i, w);
    vstore(a->h_sub + i, h);
    if (vany_bits(vload(a->input + i))) vstore(a->input + i, vset1(0.0));
    vstore_bool(a->spike + i, s);
    if (spk != 0) vstore_mask(a->t_last_spike + i, s, vset1(a->t));
  } else {
    double Vs[W], ws[W], hs[W];
    vstore(Vs, V);
    vstore(ws, w);
    vstore(hs, h);
    for (size_t q = 0; q < real; q++) {
      a->V[i + q] = Vs[q];
      a->w[i + q] = ws[q];
      a->h_sub[i + q] = hs[q];
      a->input[i + q] = 0.0;
      a->spike[i + q] = (spk >> q) & 1u;
      if ((spk >> q) & 1u) a->t_last_spike[i + q] = a->t;
    }
    spk &= (1u << real) - 1u;
  }
  if (spk == 0) return;
  double n[W];
  vstore(n, nspk);
  for (int q = 0; q < W; q++)
    for (int c = 0; c < (int)n[q]; c++) {
      if (a->n_ev < a->cap_ev)
        a->ev[a->n_ev++] = (adex_spike_event){i + (size_t)q, a->t};
      else
        a->dropped++;
    }
}

/* Neurons i + q of the lanes q in bits, whose start values include a
 * non-finite one: to adex__nf_note, from the arrays (not yet written). */
static __attribute__((noinline, cold)) void adapt_nf(const adex__adapt_ctx *a,
                                                     size_t i, unsigned bits) {
  for (size_t q = 0; q < W; q++)
    if ((bits >> q) & 1u)
      adex__nf_note(a->nf, i + q, a->V[i + q], a->w[i + q], a->input[i + q],
                    a->drive != NULL ? a->drive[i + q] : 0.0);
}

/* The constants of the controller for one method. */
typedef struct adapt_consts {
  int p_hat;   /* the order of the embedded estimate */
  double expo; /* -1/(p_hat + 1) */
  double q_lo; /* below it the step factor is 5 for sure */
  vd dt, tol, hmin, zero, one;
} adapt_consts;

/* One tile of the adaptive step: its vectors, each lane's position s in
 * the step, sub-step size h, counts of sub-steps and spikes, and the lane
 * masks (active, V held, capped, refractory at the start). */
typedef struct adapt_tile {
  size_t r, nv; /* neurons, vectors */
  vd Vv[NV], wv[NV], Iv[NV], hv[NV], sv[NV], subv[NV], nspk[NV], hh[NV];
  unsigned act[NV], held[NV], capped[NV], refr0[NV];
  vtile_params tp;
  adex__nparams sets[TILE]; /* a last tile's parameters, padded */
  double tls[TILE];         /* a last tile's t_last_spike, padded */
} adapt_tile;

/* Load neurons [i0, i0 + r): a whole tile in place, the last tile of a
 * range with its last vector padded with copies of its first neuron. */
static inline void adapt_tile_load(adex__adapt_ctx *a, const vparams *U,
                                   size_t i0, size_t r, int p_hat,
                                   adapt_tile *T) {
  T->r = r;
  T->nv = (r + W - 1) / W;
  if (r == TILE) {
    for (size_t j = 0; j < NV; j++)
      adapt_load(a, i0 + j * W, p_hat, &T->Vv[j], &T->wv[j], &T->Iv[j],
                 &T->hv[j]);
    tp_load(&T->tp, U, a->soa, i0, a->uniform != NULL ? NULL : a->per + i0, NV);
    return;
  }
  double V[TILE], w[TILE], I[TILE], h[TILE];
  for (size_t k = 0; k < T->nv * W; k++) {
    size_t i = i0 + (k < r ? k : 0);
    const adex__nparams *np = a->uniform != NULL ? a->uniform : &a->per[i];
    V[k] = a->V[i];
    w[k] = a->w[i];
    T->tls[k] = a->t_last_spike[i];
    I[k] = a->drive != NULL ? a->input[i] + a->drive[i] : a->input[i];
    if (a->uniform == NULL) T->sets[k] = *np;
    h[k] = k >= r ? h[0]
           : a->h_sub[i] > 0
               ? a->h_sub[i]
               : adex__initial_step(np, V[k], w[k], I[k], a->dt, a->tol, p_hat);
  }
  for (size_t j = 0; j < T->nv; j++) {
    T->Vv[j] = vload(V + j * W);
    T->wv[j] = vload(w + j * W);
    T->Iv[j] = vload(I + j * W);
    T->hv[j] = vload(h + j * W);
  }
  tp_load(&T->tp, U, NULL, 0, a->uniform != NULL ? NULL : T->sets, T->nv);
}

/* Each vector's start: its active lanes, the count of non-finite start
 * values, and the lanes refractory at the start (t - t_last_spike <=
 * tau_ref: V held, w integrated, for the whole step). */
static inline void adapt_tile_start(adex__adapt_ctx *a, size_t i0,
                                    const adapt_consts *k, adapt_tile *T) {
  for (size_t j = 0; j < T->nv; j++) {
    T->sv[j] = T->subv[j] = T->nspk[j] = k->zero;
    T->act[j] = T->r >= (j + 1) * W ? ALL_LANES : (1u << (T->r - j * W)) - 1u;
    /* non-finite start values (x - x is not 0 for them): counted
     * (adapt_nf; this mode's cost per neuron dwarfs the test) */
    vd sum = T->Vv[j] + T->wv[j] + T->Iv[j];
    unsigned bad = T->act[j] & ~vbits(veq(sum - sum, k->zero));
    if (bad != 0) adapt_nf(a, i0 + j * W, bad);
    T->held[j] = T->refr0[j] = 0;
    if (a->tau_ref > 0) {
      vd tl =
          vload(T->r == TILE ? a->t_last_spike + i0 + j * W : T->tls + j * W);
      T->held[j] = T->refr0[j] =
          T->act[j] & vbits(vle(vset1(a->t) - tl, vset1(a->tau_ref)));
    }
  }
}

/* Gather the vectors with a lane short of dt into rt, each with its
 * sub-step (the rest of the step, or h when shorter and not capped);
 * returns how many. */
static inline size_t adapt_tile_gather(const adapt_consts *k, adapt_tile *T,
                                       rk_tile *rt) {
  size_t nk = 0;
  for (size_t j = 0; j < T->nv; j++) {
    if (T->act[j] == 0) continue;
    T->subv[j] = vsel(vmask(T->act[j]), T->subv[j] + k->one, T->subv[j]);
    T->capped[j] = vbits(vge(T->subv[j], vset1(ADEX__MAX_SUBSTEPS)));
    vd rem = k->dt - T->sv[j];
    T->hh[j] =
        vsel(vmask(vbits(vlt(T->hv[j], rem)) & ~T->capped[j]), T->hv[j], rem);
    rt->vec[nk] = j;
    rt->V[nk] = T->Vv[j];
    rt->w[nk] = T->wv[j];
    rt->I[nk] = T->Iv[j];
    rt->RI[nk] = tp_at(&T->tp, j)->R * rt->I[nk];
    rt->h[nk] = T->hh[j];
    nk++;
  }
  return nk;
}

/* Accept or reject, lane by lane, the sub-steps integrated in rt: the
 * error ratio (V held: w's error only), the next sub-step size, spikes
 * and their resets, the lanes that reached dt. */
static inline void adapt_tile_accept(const adex__adapt_ctx *a,
                                     const adapt_consts *k, size_t nk,
                                     const rk_tile *rt, adapt_tile *T) {
  for (size_t q = 0; q < nk; q++) {
    size_t j = rt->vec[q];
    const vparams *P = tp_at(&T->tp, j);
    vd eV = vsel(vmask(T->held[j]), k->zero, rt->errV[q]);
    vd ratio = error_ratio_v(eV, rt->errw[q], T->Vv[j], T->wv[j], rt->outV[q],
                             rt->outw[q], k->tol);
    vd hf = vlmax(T->hh[j] * step_factor_v(ratio, k->expo, k->q_lo), k->hmin);
    unsigned rej = T->act[j] & vbits(vgt(ratio, k->one)) &
                   vbits(vgt(T->hh[j], k->hmin)) & ~T->capped[j];
    unsigned acc = T->act[j] & ~rej;
    vd yV = vsel(vmask(T->held[j]), T->Vv[j], rt->outV[q]);
    unsigned spk =
        acc & ~T->held[j] &
        vbits(vor(vnlt(yV, P->V_th), vngt(yV, vset1(-ADEX__BLOWUP))));
    vd s_spk = T->sv[j] + T->hh[j];
    vd s_new =
        vsel(vmask(spk), vsel(vge(s_spk, k->dt), k->dt, s_spk),
             vsel(veq(T->hh[j], k->dt - T->sv[j]), k->dt, T->sv[j] + T->hh[j]));
    vd w_new = vsel(vmask(spk), rt->outw[q] + P->b, rt->outw[q]);
    w_new = vmin(vmax(w_new, vset1(-ADEX__BLOWUP)), vset1(ADEX__BLOWUP));
    vm A = vmask(acc);
    vd Vr = a->soft && spk != 0 ? soft_reset_v(P, yV) : P->V_reset;
    T->Vv[j] = vsel(A, vsel(vmask(spk), Vr, yV), T->Vv[j]);
    T->wv[j] = vsel(A, w_new, T->wv[j]);
    T->sv[j] = vsel(A, s_new, T->sv[j]);
    T->hv[j] = vsel(vmask(acc | rej), hf, T->hv[j]);
    T->nspk[j] = vsel(vmask(spk), T->nspk[j] + k->one, T->nspk[j]);
    /* V held after ADEX_MAX_SPIKES_PER_STEP spikes, and with tau_ref for
     * the rest of the step after a spike */
    T->held[j] |= vbits(vge(T->nspk[j], vset1(ADEX_MAX_SPIKES_PER_STEP)));
    if (a->tau_ref > 0) T->held[j] |= spk;
    T->act[j] &= vbits(vlt(T->sv[j], k->dt));
  }
}

/* The adaptive step of neurons [lo, hi), tile by tile: load, start,
 * sub-steps until every lane reached dt, back to the population. */
void VSFX(adex__rk_adaptive)(adex__adapt_ctx *a, size_t lo, size_t hi) {
  const adex_method *m = a->method;
  adapt_consts k;
  k.p_hat = m->tableau->order_hat;
  k.expo = -1.0 / (k.p_hat + 1);
  /* (5/0.9)^(1/expo) with a margin of 1% for the rounding of pow */
  k.q_lo = 0.99 * pow(5.0 / 0.9, 1.0 / k.expo);
  k.dt = vset1(a->dt);
  k.tol = vset1(a->tol);
  k.hmin = vset1(ADEX__H_MIN);
  k.zero = vset1(0.0);
  k.one = vset1(1.0);
  vparams U;
  if (a->uniform != NULL) vparams_bcast(&U, a->uniform);
  adapt_tile T;
  rk_tile rt;
  for (size_t i0 = lo; i0 < hi; i0 += TILE) {
    size_t r = hi - i0 < TILE ? hi - i0 : TILE;
    adapt_tile_load(a, a->uniform != NULL ? &U : NULL, i0, r, k.p_hat, &T);
    adapt_tile_start(a, i0, &k, &T);
    for (size_t nk; (nk = adapt_tile_gather(&k, &T, &rt)) > 0;) {
      rk_tile_integrate(m, &T.tp, nk, &rt, true);
      adapt_tile_accept(a, &k, nk, &rt, &T);
    }
    for (size_t j = 0; j < T.nv; j++) {
      size_t i = i0 + j * W, real = r - j * W < W ? r - j * W : W;
      adapt_store(a, i, real, T.Vv[j], T.wv[j], T.hv[j], T.nspk[j], T.refr0[j]);
    }
  }
}

/* ------------------------------------------------------------ noise */

/* rng.h's adex__normals_fn: per chunk of 16 neurons the eight pairs of
 * normal values, 8/W vectors of W pairs; lane l of a vector gets the
 * counter of pair j = 8c + h + l, so its bits are the scalar
 * generator's. */
void VSFX(adex__normals)(uint64_t key, uint64_t c0, size_t nc, double *out) {
  uint64_t step[W];
  for (int l = 0; l < W; l++) step[l] = (uint64_t)l * 2 * XM_GAMMA;
  vxu lanes;
  memcpy(&lanes, step, sizeof lanes);
  for (size_t c = 0; c < nc; c++, out += ADEX__NORMAL_CHUNK)
    for (int h = 0; h < 8; h += W) {
      uint64_t j = 8 * (c0 + c) + (uint64_t)h;
      vxu z = XUADDD(lanes, key + (2 * j + 1) * XM_GAMMA);
      vd a, b;
      vx_normal_pair(z, &a, &b);
      vstore(out + h, a);
      vstore(out + 8 + h, b);
    }
}

/* Up to 8 bools (0 or 1) as the bits of a lane mask's value. */
static inline unsigned bool_bits(const bool *p, size_t m) {
  uint64_t b = 0;
  memcpy(&b, p, m);
  return (unsigned)_pext_u64(b, 0x0101010101010101ull);
}

/* Neurons [k, k+W) of adex__noise_add (whole vectors). */
static inline void noise_add_v(double *V, const double *xi, const bool *spk,
                               const bool *held, const double *vth, vd vt1,
                               vd va, size_t k, unsigned char *flag) {
  vd v0 = vload(V + k), v = v0 + va * vload(xi + k);
  vd th = vth != NULL ? vload(vth + k) : vt1;
  unsigned h = held != NULL ? bool_bits(held + k, W) : 0u;
  unsigned cross = vbits(vor(vnlt(v, th), vngt(v, vset1(-ADEX__BLOWUP))));
  unsigned f = (cross & ~h) | bool_bits(spk + k, W);
  vstore(V + k, held != NULL ? vsel(vmask(h), v0, v) : v);
  uint64_t bytes = _pdep_u64(f, 0x0101010101010101ull);
  memcpy(flag + k, &bytes, W);
}

/* kernel.h's adex__noise_add_fn, W neurons at once; the last, partial
 * vector padded. */
void VSFX(adex__noise_add)(double *V, const double *xi, const bool *spk,
                           const bool *held, const double *vth, double vth1,
                           double amp, size_t n, unsigned char *flag) {
  const vd va = vset1(amp), vt1 = vset1(vth1);
  size_t k = 0;
  for (; k + W <= n; k += W)
    noise_add_v(V, xi, spk, held, vth, vt1, va, k, flag);
  if (k == n) return;
  size_t m = n - k;
  double Vb[W] = {0}, xb[W] = {0}, tb[W] = {0};
  bool sb[W] = {0}, hb[W] = {0};
  unsigned char fb[W];
  memcpy(Vb, V + k, m * sizeof *Vb);
  memcpy(xb, xi + k, m * sizeof *xb);
  memcpy(sb, spk + k, m);
  if (held != NULL) memcpy(hb, held + k, m);
  if (vth != NULL) memcpy(tb, vth + k, m * sizeof *tb);
  noise_add_v(Vb, xb, sb, held != NULL ? hb : NULL, vth != NULL ? tb : NULL,
              vt1, va, 0, fb);
  memcpy(V + k, Vb, m * sizeof *Vb);
  memcpy(flag + k, fb, m);
}

/* ------------------------------------------------------------ connectors */

/* kernel.h's adex__gaps_fn: FixedProb's quotients q[k] = ln(1 - u) /
 * log_q of the stream's draws m + k (k < 16), u = adex__rng_uniform's
 * value (its 53 bits as an exact double: 1 - u is exact), ln by xmath's
 * log (within 1.2 ulp) where conn.c's definition has C's log1p(-u). The
 * two quotients differ by a few ulp at most, so their floors and their
 * order against any integer agree unless q lies within a relative 1e-12
 * of an integer: the lanes returned as bits, whose quotient the caller
 * computes with log1p instead. */
unsigned VSFX(adex__gaps)(uint64_t stream, uint64_t m, double log_q,
                          double *q) {
  uint64_t step[W];
  for (int l = 0; l < W; l++) step[l] = (uint64_t)l * XM_GAMMA;
  vxu lanes;
  memcpy(&lanes, step, sizeof lanes);
  const vd two52 = vset1(0x1.0p52);
  unsigned near = 0;
  for (int h = 0; h < 16; h += W) {
    vxu z = XUADDD(lanes, stream + (m + (uint64_t)h + 1) * XM_GAMMA);
    vxu N = XUSHRD(vx_mix64(z), 11); /* 53 bits: hi 21, lo 32 */
    vd hi = XREALD(XUORD(XUSHRD(N, 32), 0x4330000000000000ull)) - two52;
    vd lo =
        XREALD(XUORD(XUANDD(N, 0xffffffffull), 0x4330000000000000ull)) - two52;
    vd u = vfma(hi, vset1(0x1.0p32), lo) * vset1(0x1.0p-53); /* exact */
    vd qv = vx_log(vset1(1.0) - u) / vset1(log_q);
    vstore(q + h, qv);
    /* q >= 0; its nearest integer by adding 2^52 (q below 2^52; above,
     * q is an integer and its lane is returned) */
    vd t = (qv + two52) - two52;
    vd tol = vset1(1e-12) * vmax(qv, vset1(1.0));
    near |= vbits(vle(vabs(qv - t), tol)) << h;
  }
  return near;
}
