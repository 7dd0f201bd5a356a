"""State files against h5py and numpy: what adex writes, they read with
the expected keys, dtypes, shapes and values (bit for bit); what they
write the way BrainPy does (h5py `f[key] = array`, numpy.savez, float32 or
float64), adex loads; and damaged or mismatched files are refused with the
population unchanged."""

import io
import zipfile

import h5py
import numpy as np
import pytest

KEYS = ["AdExIF0.V", "AdExIF0.w", "AdExIF0.input", "AdExIF0.spike",
        "AdExIF0.refractory", "AdExIF0.t_last_spike",
        "AdExIF0.spk.data", "AdExIF0.V_hist.data"]
BOOL_KEYS = {"AdExIF0.spike", "AdExIF0.refractory"}
DELAY_ROWS = {"AdExIF0.spk.data": 4, "AdExIF0.V_hist.data": 3}


def expected_array(res, key):
    """The numpy array of `key` in a state_tool Result."""
    k = res.keys[key]
    dtype = np.bool_ if k["dtype"] == "bool" else np.float64
    return np.array(res.values(key), dtype=dtype).reshape(k["shape"])


def read_h5(path):
    with h5py.File(str(path), "r") as f:
        return {k: f[k][()] for k in f.keys()}


def read_npz(path):
    with np.load(str(path)) as z:
        return {k: z[k] for k in z.files}


def same_bits(a, b):
    return (a.dtype == b.dtype and a.shape == b.shape
            and a.tobytes() == b.tobytes())


# ------------------------------------------------------------ adex -> them

@pytest.mark.parametrize("ext,reader", [("h5", read_h5), ("hdf5", read_h5),
                                        ("npz", read_npz)])
@pytest.mark.parametrize("shape", [None, "2x3"])
def test_adex_files_read_by_h5py_and_numpy(tool, tmp_path, ext, reader, shape):
    args = ["--shape", shape] if shape else []
    saved = tool("save", "s." + ext, *args)
    assert saved.status == "ADEX_OK", saved.message
    got = reader(tmp_path / ("s." + ext))
    assert sorted(got) == sorted(KEYS)
    var_shape = (2, 3) if shape else (5,)
    for key in KEYS:
        want = expected_array(saved, key)
        assert got[key].dtype == (np.bool_ if key in BOOL_KEYS else np.float64)
        rows = DELAY_ROWS.get(key)
        assert got[key].shape == ((rows,) + var_shape if rows else var_shape)
        assert same_bits(got[key], want), key
    # The run was not trivial: spikes happened, the delays moved.
    assert got["AdExIF0.t_last_spike"].max() > 0
    assert not np.array_equal(got["AdExIF0.V_hist.data"][0],
                              got["AdExIF0.V_hist.data"][2])


def test_h5_layout_is_h5pys(tool, tmp_path):
    """One dataset per key at the root: contiguous, no attributes, bool as
    h5py's enum, float64 little-endian IEEE."""
    tool("save", "s.h5")
    with h5py.File(str(tmp_path / "s.h5"), "r") as f:
        for key in KEYS:
            d = f[key]
            assert isinstance(d, h5py.Dataset)
            assert d.chunks is None and d.compression is None
            assert len(d.attrs) == 0
            t = d.id.get_type()
            if key in BOOL_KEYS:
                assert t.get_class() == h5py.h5t.ENUM
                assert [t.get_member_name(i) for i in range(2)] == [b"FALSE", b"TRUE"]
                assert t.get_super().get_size() == 1
            else:
                assert t.get_class() == h5py.h5t.FLOAT
                assert t.get_size() == 8 and t.get_order() == h5py.h5t.ORDER_LE


def test_npz_members_are_numpy_save_bytes(tool, tmp_path):
    """Each member is stored (not compressed) and is byte for byte what
    numpy.save writes for the same array (npy 1.0, 64-byte aligned)."""
    tool("save", "s.npz")
    with zipfile.ZipFile(str(tmp_path / "s.npz")) as z:
        assert z.testzip() is None
        names = [i.filename for i in z.infolist()]
        assert names == [k + ".npy" for k in KEYS]
        for info in z.infolist():
            assert info.compress_type == zipfile.ZIP_STORED
            raw = z.read(info.filename)
            assert raw[:8] == b"\x93NUMPY\x01\x00"
            arr = np.lib.format.read_array(io.BytesIO(raw))
            again = io.BytesIO()
            np.lib.format.write_array(again, arr)
            assert raw == again.getvalue(), info.filename
            hlen = int.from_bytes(raw[8:10], "little")
            assert (10 + hlen) % 64 == 0


def test_selection_writes_only_those_keys(tool, tmp_path):
    for ext, reader in (("h5", read_h5), ("npz", read_npz)):
        res = tool("save", "sel." + ext, "--var", "V", "--var", "AdExIF0.w",
                   "--var", "spk.data")
        assert res.status == "ADEX_OK"
        assert sorted(reader(tmp_path / ("sel." + ext))) == sorted(
            ["AdExIF0.V", "AdExIF0.w", "AdExIF0.spk.data"])
        bad = tool("save", "bad." + ext, "--var", "nope")
        assert bad.status == "ADEX_EKEY" and "nope" in bad.message
        assert not (tmp_path / ("bad." + ext)).exists()


# ------------------------------------------------------------ them -> adex

def reference(tool):
    """The state a save writes (100 steps), as numpy arrays."""
    res = tool("show")
    return {k: expected_array(res, k) for k in KEYS}


def write_h5(path, arrays, **kw):
    with h5py.File(str(path), "w", **kw) as f:
        for k, v in arrays.items():
            f[k] = v


def as_float32(arrays):
    return {k: (v.astype(np.float32) if v.dtype == np.float64 else v)
            for k, v in arrays.items()}


WRITERS = {
    "h5py_f64": ("h5", lambda p, a: write_h5(p, a)),
    "h5py_f32": ("h5", lambda p, a: write_h5(p, as_float32(a))),
    "h5py_f32_hdf5": ("hdf5", lambda p, a: write_h5(p, as_float32(a))),
    "savez_f64": ("npz", lambda p, a: np.savez(str(p), **a)),
    "savez_f32": ("npz", lambda p, a: np.savez(str(p), **as_float32(a))),
    "savez_compressed": ("npz", lambda p, a: np.savez_compressed(str(p), **a)),
}


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_files_written_by_h5py_and_numpy_load(tool, tmp_path, writer):
    ext, write = WRITERS[writer]
    ref = reference(tool)
    path = tmp_path / ("in." + ext)
    write(path, ref)
    res = tool("load", path.name, "--verbose")
    assert res.status == "ADEX_OK", res.message
    assert res.missing == 0
    assert res.log.count("Loading ") == len(KEYS)
    for key in KEYS:
        want = ref[key]
        if "f32" in writer and want.dtype == np.float64:
            want = want.astype(np.float32).astype(np.float64)
        assert same_bits(expected_array(res, key), want), key


def npy_bytes(arr, version=(1, 0)):
    b = io.BytesIO()
    np.lib.format.write_array(b, arr, version=version)
    return b.getvalue()


def test_npy_variants_load(tool, tmp_path):
    """npy 2.0 and 3.0 headers, big-endian data, 1-d Fortran order."""
    ref = reference(tool)
    path = tmp_path / "var.npz"
    with zipfile.ZipFile(str(path), "w") as z:
        for i, (k, v) in enumerate(ref.items()):
            if v.dtype == np.float64 and i % 2 == 0:
                v = v.astype(">f8")
            if v.ndim == 1:
                v = np.asfortranarray(v)
            z.writestr(k + ".npy", npy_bytes(v, version=(2 + i % 2, 0)))
    res = tool("load", path.name)
    assert res.status == "ADEX_OK", res.message
    for key in KEYS:
        assert same_bits(expected_array(res, key), ref[key]), key


def test_h5_hard_link_and_trailing_bytes_load(tool, tmp_path):
    """Two names for one dataset (a hard link) and bytes after the end of
    the HDF5 file are legal HDF5; both load."""
    ref = reference(tool)
    linked = tmp_path / "linked.h5"
    with h5py.File(str(linked), "w") as f:
        for k, v in ref.items():
            if k != "AdExIF0.input":
                f[k] = v
        f["AdExIF0.input"] = f["AdExIF0.w"]
    res = tool("load", linked.name)
    assert res.status == "ADEX_OK", res.message
    assert same_bits(expected_array(res, "AdExIF0.input"), ref["AdExIF0.w"])
    trailing = tmp_path / "trailing.h5"
    write_h5(trailing, ref)
    trailing.write_bytes(trailing.read_bytes() + b"\0" * 100)
    res = tool("load", trailing.name)
    assert res.status == "ADEX_OK", res.message
    assert same_bits(expected_array(res, "AdExIF0.V"), ref["AdExIF0.V"])


@pytest.mark.parametrize("ext", ["h5", "npz"])
def test_brainpy_2_1_12_file_loads_with_warnings(tool, tmp_path, ext):
    """BrainPy V2.1.12's AdExIF has no t_last_spike (and this one no
    delays): the other keys load, the missing ones are warnings."""
    ref = as_float32(reference(tool))
    old = {k: v for k, v in ref.items()
           if "t_last_spike" not in k and not k.endswith(".data")}
    path = tmp_path / ("old." + ext)
    if ext == "h5":
        write_h5(path, old)
    else:
        np.savez(str(path), **old)
    fresh = tool("show", "--steps", "0")
    res = tool("load", path.name)
    assert res.status == "ADEX_OK", res.message
    assert res.missing == 3
    for key in ("AdExIF0.t_last_spike", "AdExIF0.spk.data",
                "AdExIF0.V_hist.data"):
        assert "Warning: %s is not in" % key in res.log
        assert res.keys[key] == fresh.keys[key]
    assert same_bits(expected_array(res, "AdExIF0.V"),
                     ref["AdExIF0.V"].astype(np.float64))


# ------------------------------------------------------------ refused files

def replace(ref, key, value):
    out = dict(ref)
    out[key] = value
    return out


def refused_cases():
    """(id, ext, make(path, ref), status, words in the message)."""
    def h5(fn):
        return lambda p, ref: write_h5(p, fn(ref))

    def npz(fn):
        return lambda p, ref: np.savez(str(p), **fn(ref))

    cases = []
    for ext, wrap in (("h5", h5), ("npz", npz)):
        cases += [
            ("int64_" + ext, ext, wrap(lambda r: replace(r, "AdExIF0.V", np.arange(5))),
             "ADEX_EFORMAT", "int64"),
            ("int32_" + ext, ext, wrap(lambda r: replace(r, "AdExIF0.w", np.arange(5, dtype=np.int32))),
             "ADEX_EFORMAT", "int32"),
            ("float16_" + ext, ext, wrap(lambda r: replace(r, "AdExIF0.V", r["AdExIF0.V"].astype(np.float16))),
             "ADEX_EFORMAT", "AdExIF0.V"),
            ("complex_" + ext, ext, wrap(lambda r: replace(r, "AdExIF0.V", r["AdExIF0.V"].astype(complex))),
             "ADEX_EFORMAT", "AdExIF0.V"),
            ("float_for_bool_" + ext, ext, wrap(lambda r: replace(r, "AdExIF0.spike", np.zeros(5))),
             "ADEX_EFORMAT", "expected bool"),
            ("bool_for_float_" + ext, ext, wrap(lambda r: replace(r, "AdExIF0.V", np.zeros(5, bool))),
             "ADEX_EFORMAT", "expected float64"),
            ("short_" + ext, ext, wrap(lambda r: replace(r, "AdExIF0.V", np.zeros(4))),
             "ADEX_ESIZE", "shape (4,), expected (5,)"),
            ("2d_" + ext, ext, wrap(lambda r: replace(r, "AdExIF0.V", np.zeros((5, 1)))),
             "ADEX_ESIZE", "shape (5, 1)"),
            ("scalar_" + ext, ext, wrap(lambda r: replace(r, "AdExIF0.V", np.float64(1))),
             "ADEX_ESIZE", "shape ()"),
            ("delay_rows_" + ext, ext, wrap(lambda r: replace(r, "AdExIF0.spk.data", np.zeros((3, 5)))),
             "ADEX_ESIZE", "AdExIF0.spk.data"),
            ("extra_key_" + ext, ext, wrap(lambda r: replace(r, "AdExIF0.other", np.zeros(5))),
             "ADEX_EKEY", "unknown key 'AdExIF0.other'"),
            ("other_pop_" + ext, ext, wrap(lambda r: {k.replace("AdExIF0", "AdExIF1"): v for k, v in r.items()}),
             "ADEX_EKEY", "unknown key 'AdExIF1."),
            ("string_" + ext, ext, wrap(lambda r: replace(r, "AdExIF0.V", np.array(["a"] * 5, dtype="S1"))),
             "ADEX_EFORMAT", "AdExIF0.V"),
        ]
    return cases


def bad_npz(members):
    def make(path, ref):
        with zipfile.ZipFile(str(path), "w") as z:
            for name, data in members(ref):
                z.writestr(name, data)
    return make


def set_bool_byte(ref):
    raw = bytearray(npy_bytes(ref["AdExIF0.spike"]))
    raw[-1] = 2
    return [(k + ".npy", npy_bytes(v)) for k, v in ref.items()
            if k != "AdExIF0.spike"] + [("AdExIF0.spike.npy", bytes(raw))]


def bad_header(ref):
    raw = npy_bytes(ref["AdExIF0.V"]).replace(b"'shape': (5,)", b"'shape': (5) ")
    return [("AdExIF0.V.npy", raw)]


def fortran_2d(ref):
    v = np.asfortranarray(ref["AdExIF0.spk.data"])
    return [("AdExIF0.spk.data.npy", npy_bytes(v))]


def h5_with(fn, **kw):
    def make(path, ref):
        with h5py.File(str(path), "w", **kw) as f:
            for k, v in ref.items():
                f[k] = v
            fn(f)
    return make


MORE_REFUSED = [
    ("npz_text_member", "npz", bad_npz(lambda r: [("notes.txt", b"hello")]),
     "ADEX_EFORMAT", "not a .npy array"),
    ("npz_empty_zip", "npz", bad_npz(lambda r: []), "ADEX_EFORMAT", "no arrays"),
    ("npz_not_npy", "npz", bad_npz(lambda r: [("AdExIF0.V.npy", b"garbage" * 20)]),
     "ADEX_EFORMAT", "npy magic"),
    ("npz_bad_header", "npz", bad_npz(bad_header), "ADEX_EFORMAT", "malformed npy header"),
    ("npz_bool_byte_2", "npz", bad_npz(set_bool_byte), "ADEX_EFORMAT", "not 0 or 1"),
    ("npz_fortran_2d", "npz", bad_npz(fortran_2d), "ADEX_EFORMAT", "Fortran"),
    ("npz_truncated_member", "npz",
     bad_npz(lambda r: [("AdExIF0.V.npy", npy_bytes(r["AdExIF0.V"])[:-8])]),
     "ADEX_EFORMAT", "data bytes"),
    ("h5_group", "h5", h5_with(lambda f: f.create_group("AdExIF0.sub")),
     "ADEX_EFORMAT", "'AdExIF0.sub' is a group"),
    ("h5_soft_link", "h5", h5_with(lambda f: f.__setitem__("AdExIF0.alias", h5py.SoftLink("/AdExIF0.V"))),
     "ADEX_EFORMAT", "soft link"),
    ("h5_attribute", "h5", h5_with(lambda f: f["AdExIF0.V"].attrs.__setitem__("unit", "mV")),
     "ADEX_EFORMAT", "unsupported HDF5 message"),
    ("h5_libver_latest", "h5", h5_with(lambda f: None, libver="latest"),
     "ADEX_EFORMAT", "superblock version"),
    ("h5_not_hdf5", "h5", lambda p, r: p.write_bytes(b"\x00" * 100), "ADEX_EFORMAT",
     "not an HDF5 file"),
    ("npz_not_zip", "npz", lambda p, r: p.write_bytes(b"\x00" * 100), "ADEX_EFORMAT",
     "not a zip file"),
]


@pytest.mark.parametrize("case", refused_cases() + MORE_REFUSED,
                         ids=lambda c: c[0])
def test_refused_files_change_nothing(tool, tmp_path, case):
    name, ext, make, status, words = case
    ref = reference(tool)
    path = tmp_path / ("bad." + ext)
    make(path, ref)
    fresh = tool("show", "--steps", "0")
    res = tool("load", path.name, "--verbose")
    assert res.status == status, res.message
    assert words in res.message, res.message
    assert str(path.name) in res.message
    assert res.code == 1
    assert res.log == ""
    assert res.keys == fresh.keys
