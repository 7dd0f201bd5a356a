/* fi_curve.c - the README's example: firing rate of AdEx neurons (seed
 * parameters) against their input current, through the C API. */
#include <stdio.h>
#include <stdlib.h>

#include <adex/adex.h>

int main(void) {
  enum { N = 11 };
  adex_pop_config cfg;
  adex_pop_config_default(&cfg, N);       /* BrainPy's default parameters */
  cfg.V_init = adex_init_constant(-65.0); /* start at rest, mV */
  adex_pop *pop;
  if (adex_pop_create(&cfg, &pop) != ADEX_OK) {
    fprintf(stderr, "adex: %s\n", adex_errmsg());
    return EXIT_FAILURE;
  }
  const double dt = 0.1, duration = 1000.0; /* ms */
  long steps = (long)(duration / dt + 0.5), count[N] = {0};
  double *input = adex_pop_input(pop);
  const bool *spike = adex_pop_spike(pop);
  for (long k = 0; k < steps; k++) {
    for (int i = 0; i < N; i++) input[i] = 4.0 * i; /* R*I in mV */
    adex_pop_update(pop, (double)k * dt, dt);
    for (int i = 0; i < N; i++) count[i] += spike[i];
  }
  printf("input  rate (Hz)\n");
  for (int i = 0; i < N; i++)
    printf("%5.1f  %8.1f\n", 4.0 * i, (double)count[i] / (duration / 1000.0));
  adex_pop_destroy(pop);
  return EXIT_SUCCESS;
}
