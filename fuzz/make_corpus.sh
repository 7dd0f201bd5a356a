#!/usr/bin/env bash
# Regenerate the seed corpora fuzz/corpus_h5 and fuzz/corpus_npz: a few
# small valid state files of the fuzz targets' population (3 neurons
# named AdExIF0 with delays spk and V_hist, as tests/state_tool.c builds
# them, and a float32 variable g) and variants written the way h5py,
# numpy and BrainPy write them.
# Usage: fuzz/make_corpus.sh [BUILD_DIR]   (needs BUILD_DIR/tests/state_tool)
set -euo pipefail
cd "$(dirname "$0")/.."
tool="${1:-build}/tests/state_tool"
rm -rf fuzz/corpus_h5 fuzz/corpus_npz
mkdir -p fuzz/corpus_h5 fuzz/corpus_npz
"$tool" save fuzz/corpus_h5/adex.h5 --num 3 >/dev/null
"$tool" save fuzz/corpus_npz/adex.npz --num 3 >/dev/null
"$tool" save fuzz/corpus_h5/adex_no_delays.h5 --num 3 --no-delays >/dev/null
"$tool" save fuzz/corpus_npz/adex_V_only.npz --num 3 --var V >/dev/null
/usr/bin/python3 - <<'PY'
import h5py, numpy as np, io, zipfile
src = dict(np.load("fuzz/corpus_npz/adex.npz"))
f32 = {k: (v.astype(np.float32) if v.dtype == np.float64 else v)
       for k, v in src.items()}
def h5(name, arrays):
    with h5py.File("fuzz/corpus_h5/" + name, "w") as f:
        for k, v in arrays.items():
            f[k] = v
h5("h5py_float32.h5", f32)
h5("brainpy_2_1_12.h5",
   {k: v for k, v in f32.items() if "t_last_spike" not in k and ".data" not in k})
h5("int64.h5", dict(src, **{"AdExIF0.V": np.arange(3)}))
h5("extra_key.h5", dict(src, **{"AdExIF0.other": np.zeros(3)}))
# the fuzz population also has a float32 variable "g"
h5("with_g.h5", dict(src, **{"AdExIF0.g": np.array([1, 2, 3], np.float32)}))
np.savez("fuzz/corpus_npz/with_g.npz",
         **dict(src, **{"AdExIF0.g": np.array([1e39, 2, 3])}))
np.savez("fuzz/corpus_npz/numpy_float32.npz", **f32)
np.savez_compressed("fuzz/corpus_npz/numpy_compressed.npz", **src)
np.savez("fuzz/corpus_npz/brainpy_2_1_12.npz",
         **{k: v for k, v in f32.items() if "t_last_spike" not in k and ".data" not in k})
# npy 2.0 headers, big-endian and Fortran-order members
with zipfile.ZipFile("fuzz/corpus_npz/npy_variants.npz", "w") as z:
    for k, v in src.items():
        b = io.BytesIO()
        if v.dtype == np.float64:
            v = v.astype(">f8")
        np.lib.format.write_array(b, np.asfortranarray(v), version=(2, 0))
        z.writestr(k + ".npy", b.getvalue())
PY
ls -l fuzz/corpus_h5 fuzz/corpus_npz
