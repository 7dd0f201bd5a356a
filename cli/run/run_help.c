/* cli/run/run_help.c - `adex run --help` and the methods' list. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_args.h"
#include "cli_config.h"
#include "run_internal.h"

/* ------------------------------------------------------------ help */

/* Print the parameter flags with units and BrainPy's defaults. */
static void help_params(FILE *out) {
  adex_params p;
  int i;
  adex_params_default(&p);
  for (i = 0; i < ADEX_NPARAMS; i++) {
    adex_param_id id = (adex_param_id)i;
    const char *unit = adex_param_unit(id);
    char flag[32], what[80];
    snprintf(flag, sizeof flag, "--%s X", adex_param_name(id));
    if (strcmp(unit, "1") == 0)
      snprintf(what, sizeof what, "%s", adex_param_doc(id));
    else
      snprintf(what, sizeof what, "%s, %s", adex_param_doc(id), unit);
    fprintf(out, "  %-16s %s [%g]\n", flag, what, adex_params_get(&p, id));
  }
}

/* Print the registered method names, wrapped at 78 columns. */
void cli_help_methods(FILE *out) {
  static const char lead[] = "                   ";
  size_t i, n = adex_method_count(), col = sizeof lead - 1;
  fprintf(out, "%s", lead);
  for (i = 0; i < n; i++) {
    const char *name = adex_method_name(adex_method_at(i));
    size_t len = strlen(name);
    if (i > 0 && col + len + 1 > 78) {
      fprintf(out, "\n%s", lead);
      col = sizeof lead - 1;
    }
    fprintf(out, "%s%s", name, i + 1 < n ? " " : "\n");
    col += len + 1;
  }
}

/* Print the full option list of `adex run`. */
void cli_run_help(FILE *out) {
  fprintf(
      out,
      "usage: adex run [CONFIG.json] [options]\n"
      "\n"
      "Simulate populations of AdEx neurons (BrainPy's AdExIF) and report "
      "spikes,\n"
      "rates and recordings. Units: mV, ms, input I such that R*I is in mV.\n"
      "Options take their value as the next argument or after '='.\n"
      "\n"
      "CONFIG.json describes the run (time, populations, inputs, recordings,\n"
      "output; schema in docs/cli.md). Options override the file; the\n"
      "population options (--size, --method, the parameters, --V0, --w0,\n"
      "--input and the integrator options) need a config with a single\n"
      "population. Without a config the population is named \"pop\".\n"
      "\n"
      "With no arguments at all, `adex run` runs a built-in demonstration: "
      "the\n"
      "f-I curve of 200 neurons (--size 200 --duration 1000 --input 0:40 --V0 "
      "-65\n"
      "--rates), and writes its spikes, and V and w of neurons "
      "0,50,100,150,199\n"
      "every 1 ms, to " DEFAULT_OUT " in the current directory. Any argument\n"
      "switches it off; the defaults below then apply.\n"
      "\n"
      "Population and time:\n"
      "  --size N         number of neurons, >= 1 [1]\n"
      "  --duration MS    simulated time, ms, >= 0; steps = ceil(MS/dt) "
      "[100]\n"
      "  --dt MS          time step, ms, > 0 [0.1]\n"
      "  --start MS       time of the first step, ms [0]\n"
      "  --method NAME    integration method [exp_auto], one of (or an "
      "alias):\n");
  cli_help_methods(out);
  fprintf(
      out,
      "  --list-methods   print every method with its order and whether it is "
      "an\n"
      "                   embedded pair (usable with --adaptive), then exit\n"
      "\n"
      "Integrator options (beyond BrainPy; defaults give BrainPy's update):\n"
      "  --adaptive       per-neuron sub-steps inside dt with error control; "
      "needs\n"
      "                   an embedded method (rkf12, rkf45, rkdp, ck, bs,\n"
      "                   heun_euler) [off]\n"
      "  --tol X          adaptive: absolute and relative tolerance, 0 < X < "
      "1\n"
      "                   [1e-06]\n"
      "  --precise-spikes locate each V_th crossing inside the step, reset "
      "there\n"
      "                   and integrate the rest of the step; spikes then "
      "carry\n"
      "                   their crossing time [off]\n"
      "  --tau_ref MS     refractory period, ms, >= 0: V is held while\n"
      "                   t - t_last_spike <= MS [0: none]\n"
      "  --noise SIGMA    white noise on V, mV/sqrt(ms), >= 0: V gains\n"
      "                   SIGMA*sqrt(dt)*N(0,1) each step [0: none]\n"
      "  --noise-seed N   seed of the noise stream, unsigned 64-bit [derived "
      "from\n"
      "                   --seed: population p gets mix64(seed ^ "
      "mix64(0x2000+p))]\n"
      "  --spk_reset hard|soft  after a spike V = V_reset (hard) or\n"
      "                   V -= V_th - V_reset (soft) [hard]\n"
      "A dt outside the stability region of a fixed-step method is refused\n"
      "(exit 2) with the largest stable dt.\n");
  fprintf(
      out,
      "\n"
      "Speed (every population; a config sets them per population with the "
      "keys\n"
      "\"threads\", \"kernel\", \"dtype\"):\n"
      "  --threads N      OpenMP threads of an update, 0..4096; 0: OpenMP's "
      "default\n"
      "                   (OMP_NUM_THREADS or every core); every count gives "
      "the\n"
      "                   same bits [1: serial]\n"
      "  --kernel NAME    implementation of the method: auto (the fastest "
      "here),\n"
      "                   scalar (the reference), avx2, avx512; every kernel "
      "gives\n"
      "                   the same bits [auto];\n"
      "                   available here: auto, scalar%s%s\n"
      "  --dtype float64|float32  element type of V, w, input and "
      "t_last_spike;\n"
      "                   float32 halves the state and runs exp_auto in float\n"
      "                   (outputs are still written as float64); fixed steps\n"
      "                   only: not with --adaptive, --precise-spikes or "
      "--noise;\n"
      "                   projections keep float64 state [float64]\n",
      adex_kernel_available(ADEX_KERNEL_AVX2) ? ", avx2" : "",
      adex_kernel_available(ADEX_KERNEL_AVX512) ? ", avx512" : "");
  fprintf(
      out,
      "\n"
      "Parameters: X for every neuron, or LO:HI spread linearly over the "
      "neurons\n"
      "(neuron i of N gets LO + (HI-LO)*i/(N-1); with N = 1 it gets LO):\n");
  help_params(out);
  fprintf(
      out,
      "\n"
      "Initial state (INIT: X, zero, uniform:LO:HI or normal:MEAN:SD):\n"
      "  --V0 INIT        initial V, mV [zero: V = 0 mV is above V_th, so "
      "every\n"
      "                   neuron spikes in the first step, as in BrainPy]\n"
      "  --w0 INIT        initial w [zero]\n"
      "  --seed N         seed of the random initializers and inputs, "
      "unsigned\n"
      "                   64-bit; population p: V uses N+2p, w N+2p+1 [1]\n"
      "\n"
      "Input (the config's \"inputs\" offer constant, section, ramp, poisson, "
      "ou\n"
      "and file inputs; --input replaces those of the population):\n"
      "  --input X        input I to every neuron, added before every step "
      "[0]\n"
      "  --input LO:HI    neuron i of N gets LO + (HI-LO)*i/(N-1)\n"
      "\n"
      "Recording into one file (format by extension; layouts in docs/cli.md):\n"
      "  --out FILE       .h5/.hdf5 (a group per population: spikes/t, "
      "spikes/\n"
      "                   neuron, one samples x neurons dataset per variable "
      "with\n"
      "                   ts and neurons beside it, parameters as "
      "attributes),\n"
      "                   .csv (rows t,population,neuron,var,value) or .npy "
      "(one\n"
      "                   float64 array: the one recorded variable, samples x\n"
      "                   neurons, or else the spikes as rows t,neuron)\n"
      "  --record LIST    variables to sample, comma-separated: V, w, input,\n"
      "                   spike, t_last_spike (needs --out) [none: spikes "
      "only]\n"
      "  --record-every STEPS  sample every STEPS steps, >= 1 [1]\n"
      "  --no-spikes      do not store spikes in FILE (they are stored, for "
      "every\n"
      "                   neuron, by default)\n"
      "\n"
      "Output in the first form (CSV, one population):\n"
      "  --spikes FILE    CSV 't,neuron': one row per spike, by step then "
      "neuron;\n"
      "                   t is the step's t (with --precise-spikes the "
      "crossing\n"
      "                   time)\n"
      "  --trace FILE     CSV 't,neuron,V,w': the watched neurons after every "
      "step\n"
      "  --watch LIST     neurons to trace and record: all, or indices such "
      "as\n"
      "                   0,3,7 [all]\n"
      "  --rates          print spikes and rate (Hz) per neuron (about 25 "
      "rows)\n"
      "  -q, --quiet      no progress bar (shown on a terminal for runs > 1 "
      "s)\n"
      "  -h, --help       print this help\n"
      "\n");
  fprintf(
      out,
      "State files (.h5/.hdf5 or .npz, the library's save_states format; keys\n"
      "<population>.V, .w, ...; docs/state-files.md):\n"
      "  --load-state FILE  load the population's state before the first step\n"
      "                   (the file's population name must match; keys "
      "missing\n"
      "                   from the file are warned about on stderr)\n"
      "  --save-state FILE  save the state after the last step (also when a\n"
      "                   signal stops the run)\n"
      "With several populations each has its own file, FILE with .<name> "
      "before\n"
      "the extension (s.h5 -> s.exc.h5). To continue a run of D ms, run again\n"
      "with --start <start + D> --load-state FILE: when start is a whole "
      "number\n"
      "of steps (start/dt within 1e-9 of an integer, as start 0), the result\n"
      "equals the uninterrupted run bit for bit. From another start the times\n"
      "(start + D) + k*dt and start + (K + k)*dt can differ by an ulp: the\n"
      "stamps of samples and spikes then do, and so can what reads the time\n"
      "(tau_ref), while a fixed-step run without tau_ref gives the same V, w\n"
      "and spikes. (For the inputs, time counts from each run's start: a\n"
      "constant input continues, others start again.)\n"
      "\n");
  fprintf(
      out,
      "Numbers in the CSV files are printed with 17 significant digits. A file "
      "is\n"
      "written as FILE.tmp.XXXXXX and renamed onto FILE only when the run\n"
      "succeeds; on failure an existing FILE is left untouched. A device or "
      "pipe\n"
      "(/dev/stdout) is written in place; a failed write (full disk, closed "
      "pipe)\n"
      "stops the run with exit 1. Two outputs, or an output and an input, "
      "that\n"
      "are one file are refused. Ctrl-C (SIGINT) or SIGTERM stops the run "
      "before\n"
      "the next step (a network on --threads that records only spikes: before "
      "the\n"
      "next multiple of 64 steps); what was recorded so far is written and "
      "the\n"
      "exit status is 130 (SIGINT) or 143 (SIGTERM).\n"
      "\n"
      "Time: steps = ceil(duration/dt) (BrainPy's count; a duration within "
      "1e-9 of\n"
      "a whole number of steps counts exactly: 1 ms at dt 0.1 is 10 steps, "
      "1.04 ms\n"
      "is 11), at least 1 (a warning when steps*dt is not the duration);\n"
      "step k = 0..steps-1 advances the state from\n"
      "t_k = start + k*dt to t_k + dt (when start is a whole number n of "
      "steps,\n"
      "t_k = (n + k)*dt, the times of an uninterrupted run). The times must "
      "tell\n"
      "steps apart: doubles at most dt/1000 apart at every t of the run (with\n"
      "dt 0.1, |t| < 5.5e11 ms). A spike found in the step from t to t+dt\n"
      "is stamped t (the time passed to the update), or with --precise-spikes\n"
      "its crossing time of V_th inside the step (several spikes of one "
      "neuron\n"
      "in one step are each reported and counted); a state recorded after "
      "that\n"
      "step is stamped t+dt, the time the state belongs to; a recorded input "
      "is\n"
      "the one used in it.\n"
      "\n"
      "Several processes: mpirun -np N adex run ... spreads the network over "
      "N\n"
      "processes (built with Open MPI) and writes the same files, bit for "
      "bit,\n"
      "as one process; rank 0 writes files and messages, and every option\n"
      "works as alone; with --threads add mpirun's --bind-to none "
      "(docs/cli.md,\n"
      "Several processes).\n"
      "\n"
      "Exit status: 0 success; 2 bad option, value, config, parameter, output\n"
      "path, unstable dt or state file that cannot be loaded (nothing was\n"
      "written); 1 failure during the run (I/O error, out of memory, a state\n"
      "that cannot be saved); 130/143 stopped by SIGINT/SIGTERM.\n");
}
