"""Output files of `adex run`, `adex patterns` and `adex plot` in hard
places: a full disk, one file named twice, an output that is an input, a
device or a pipe, and targets that cannot take a file."""

import os
import resource
import signal
import stat
import subprocess
import time

import pytest

FSIZE_LIMIT = 160 * 1024  # bytes a process may write into one file


def small_disk():
    """In the child: files stop growing at FSIZE_LIMIT bytes, and a write
    past it fails with EFBIG (as on a full disk) instead of killing."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (FSIZE_LIMIT, FSIZE_LIMIT))


def run_limited(adex_bin, workdir, *args):
    return subprocess.run([adex_bin] + [str(a) for a in args],
                          cwd=str(workdir), capture_output=True, text=True,
                          timeout=120, preexec_fn=small_disk)


# ---------------------------------------------------------------- full disk

@pytest.mark.parametrize("out", ["x.h5", "x.csv", "x.npy"])
def test_full_disk_run(out, adex_bin, workdir, show):
    """A recording that does not fit: exit 1 with a message, no crash in
    HDF5's exit handler, nothing left behind."""
    proc = run_limited(adex_bin, workdir, "run", "-q", "--size", "50",
                       "--input", "20", "--duration", "50", "--out", out,
                       "--record", "V")
    assert proc.returncode == 1, show(proc)
    assert "cannot write output file '%s'" % out in proc.stderr, show(proc)
    assert list(workdir.iterdir()) == []


def test_full_disk_patterns(adex_bin, workdir, show):
    proc = run_limited(adex_bin, workdir, "patterns", "-q", "--no-plot",
                       "--out", "p")
    assert proc.returncode == 1, show(proc)
    assert "cannot write output file" in proc.stderr, show(proc)
    assert [p.name for p in (workdir / "p").iterdir()] == []


@pytest.mark.parametrize("state", ["s.h5", "s.npz"])
def test_full_disk_save_state(state, adex_bin, workdir, show):
    proc = run_limited(adex_bin, workdir, "run", "-q", "--size", "20000",
                       "--duration", "1", "--save-state", state)
    assert proc.returncode == 1, show(proc)
    assert "--save-state" in proc.stderr, show(proc)
    assert list(workdir.iterdir()) == []


def test_small_output_fits_under_the_limit(adex_bin, workdir, show):
    """The limit itself lets small files through (the test above fails for
    the size of the recording, not for any write at all)."""
    proc = run_limited(adex_bin, workdir, "run", "-q", "--size", "2",
                       "--duration", "5", "--out", "x.h5", "--record", "V")
    assert proc.returncode == 0, show(proc)
    assert (workdir / "x.h5").is_file()


# ---------------------------------------------------------------- same file

@pytest.mark.parametrize("args,what", [
    (["--out", "y.h5", "--save-state", "./y.h5"], "--save-state"),
    (["--trace", "./x.csv", "--spikes", "x.csv"], "--spikes"),
    (["--out", "{pwd}/z.csv", "--trace", "z.csv"], "--out"),
    (["--out", "z.csv", "--trace", "sub/../z.csv"], "--out"),
    (["--out", "lnk/z.csv", "--spikes", "sub/z.csv"], "--out"),
])
def test_outputs_named_twice(args, what, adex_run, workdir, show,
                             expect_usage_error):
    """Two outputs that are one file, however they are spelled."""
    (workdir / "sub").mkdir()
    (workdir / "lnk").symlink_to("sub")
    args = [a.replace("{pwd}", str(workdir)) for a in args]
    proc = adex_run("--duration", "5", *args)
    line = expect_usage_error(proc, show, "same file")
    assert line.startswith("adex run: " + what), line
    assert sorted(p.name for p in workdir.iterdir()) == ["lnk", "sub"]
    assert list((workdir / "sub").iterdir()) == []


def test_existing_output_named_twice(adex_run, workdir, show,
                                     expect_usage_error):
    """An output file that exists already, named twice."""
    (workdir / "x.csv").write_text("keep\n")
    proc = adex_run("--duration", "5", "--spikes", "x.csv", "--trace",
                    str(workdir / "x.csv"))
    expect_usage_error(proc, show, "same file")
    assert (workdir / "x.csv").read_text() == "keep\n"


@pytest.fixture
def state_file(adex_run, workdir, show):
    proc = adex_run("--duration", "5", "--save-state", "st.h5")
    assert proc.returncode == 0, show(proc)
    return workdir / "st.h5"


@pytest.mark.parametrize("args,what", [
    (["--load-state", "st.h5", "--out", "st.h5"], "--out"),
    (["--spikes", "st.h5", "--load-state", "st.h5"], "--spikes"),
    (["--trace", "./st.h5", "--load-state", "st.h5"], "--trace"),
])
def test_output_over_an_input_refused(args, what, state_file, adex_run, show,
                                      expect_usage_error):
    before = state_file.read_bytes()
    proc = adex_run("--duration", "5", "--start", "5", *args)
    line = expect_usage_error(proc, show, "same file", "input --load-state")
    assert line.startswith("adex run: " + what), line
    assert state_file.read_bytes() == before


def test_output_over_the_config_refused(adex_run, write_config, show,
                                        expect_usage_error):
    cfg = write_config({"duration": 5, "populations": [{"size": 2}]})
    text = cfg.read_text()
    proc = adex_run(cfg.name, "--spikes", "./" + cfg.name)
    expect_usage_error(proc, show, "--spikes", "the input", "config")
    assert cfg.read_text() == text


def test_save_state_may_replace_the_loaded_state(state_file, adex_run, show):
    """Continuing from a state file and saving into it is allowed: the
    state is loaded whole before the run."""
    before = state_file.read_bytes()
    proc = adex_run("--duration", "5", "--start", "5", "--load-state",
                    "st.h5", "--save-state", "./st.h5")
    assert proc.returncode == 0, show(proc)
    assert "saved to ./st.h5" in proc.stdout
    assert state_file.read_bytes() != before


def test_plot_refuses_to_overwrite_its_input(adex, adex_run, workdir, show,
                                             expect_usage_error):
    proc = adex_run("--size", "3", "--duration", "5", "--out", "run.h5")
    assert proc.returncode == 0, show(proc)
    before = (workdir / "run.h5").read_bytes()
    for out in ["run.h5", "./run.h5", str(workdir / "run.h5")]:
        proc = adex("plot", "run.h5", "--out", out)
        expect_usage_error(proc, show, "recording itself")
        assert (workdir / "run.h5").read_bytes() == before


# ---------------------------------------------------------------- devices

def char_device(path, major, minor):
    """Make a character device node at path, or skip."""
    try:
        os.mknod(str(path), 0o666 | stat.S_IFCHR, os.makedev(major, minor))
        fd = os.open(str(path), os.O_WRONLY)
        os.close(fd)
    except (OSError, PermissionError) as exc:
        pytest.skip("cannot make a device node here: %s" % exc)
    return path


@pytest.mark.parametrize("flag", ["--spikes", "--trace", "--out"])
def test_write_error_on_a_device(flag, adex_run, workdir, show):
    """A device that refuses every write (like /dev/full): exit 1, and the
    device node stays a device (it is written in place, not replaced)."""
    full = char_device(workdir / "full.csv", 1, 7)
    args = ["--record", "V"] if flag == "--out" else []
    proc = adex_run("--size", "100", "--input", "100", "--duration", "10",
                    flag, "full.csv", *args)
    assert proc.returncode == 1, show(proc)
    assert "No space left on device" in proc.stderr, show(proc)
    assert "written" not in proc.stdout
    assert stat.S_ISCHR(os.stat(str(full)).st_mode)
    assert sorted(p.name for p in workdir.iterdir()) == ["full.csv"]


def test_null_device_twice(adex_run, workdir, show):
    """/dev/null (a character device) may take several outputs."""
    null = char_device(workdir / "null", 1, 3)
    proc = adex_run("--duration", "5", "--spikes", "null", "--trace",
                    str(null))
    assert proc.returncode == 0, show(proc)
    assert stat.S_ISCHR(os.stat(str(null)).st_mode)


def test_broken_pipe_stops_the_run(adex_bin, workdir, show):
    """--trace into a pipe whose reader quits: the run stops at the first
    failed write (EPIPE), exit 1, instead of running every step."""
    fifo = workdir / "pipe"
    os.mkfifo(str(fifo))
    reader = subprocess.Popen(["head", "-n", "1", str(fifo)],
                              stdout=subprocess.PIPE)
    t0 = time.time()
    try:
        proc = subprocess.run([adex_bin, "run", "-q", "--duration", "1e6",
                               "--trace", str(fifo), "--out", "r.h5"],
                              cwd=str(workdir), capture_output=True,
                              text=True, timeout=60)
    finally:
        reader.kill()
        first = reader.communicate()[0]
    assert first == b"t,neuron,V,w\n"
    assert proc.returncode == 1, show(proc)
    assert "Broken pipe" in proc.stderr, show(proc)
    assert time.time() - t0 < 20
    assert stat.S_ISFIFO(os.stat(str(fifo)).st_mode)
    assert sorted(p.name for p in workdir.iterdir()) == ["pipe"]


@pytest.mark.parametrize("name", ["/dev/fd/1", "/proc/self/fd/1"])
def test_trace_to_standard_output_in_a_file(name, adex_bin, workdir, show):
    """stdout redirected to a file: the trace goes into that file through
    the descriptor, followed by the summary (nothing truncated or
    replaced)."""
    out = workdir / "out.txt"
    with open(str(out), "w") as f:
        proc = subprocess.run([adex_bin, "run", "--duration", "0.3",
                               "--trace", name], cwd=str(workdir),
                              stdout=f, stderr=subprocess.PIPE, text=True,
                              timeout=30)
    text = out.read_text()
    assert proc.returncode == 0, proc.stderr + text
    lines = text.splitlines()
    assert lines[0] == "t,neuron,V,w" and len(lines) > 4, text
    assert [ln.split(",")[0] for ln in lines[1:4]] == [
        "0.10000000000000001", "0.20000000000000001", "0.30000000000000004"]
    assert lines[4].startswith("adex run: 1 neuron"), text
    assert "trace written to %s (3 rows)" % name in text
    assert sorted(p.name for p in workdir.iterdir()) == ["out.txt"]


@pytest.mark.parametrize("out", ["pipe.h5", "pipe.npy"])
def test_seeking_formats_refuse_a_pipe(out, adex_run, workdir, show,
                                       expect_usage_error):
    os.mkfifo(str(workdir / out))
    proc = adex_run("--duration", "5", "--out", out, "--record", "V")
    expect_usage_error(proc, show, out, "not a regular file")
    assert stat.S_ISFIFO(os.stat(str(workdir / out)).st_mode)


# ---------------------------------------------------------------- save-state

@pytest.mark.parametrize("target,needle", [
    ("/proc/s.h5", "cannot write '/proc/s.h5'"),
    ("d.h5", "'d.h5' is a directory"),
    ("fifo.h5", "'fifo.h5' is not a regular file"),
])
def test_save_state_checked_before_the_run(target, needle, adex_run, workdir,
                                           show, expect_usage_error):
    """A --save-state that cannot be written is refused at once (exit 2),
    not after a long run."""
    (workdir / "d.h5").mkdir()
    os.mkfifo(str(workdir / "fifo.h5"))
    t0 = time.time()
    proc = adex_run("--size", "1000", "--duration", "1e7", "--save-state",
                    target, timeout=60)
    expect_usage_error(proc, show, "--save-state", needle)
    assert time.time() - t0 < 10
    assert sorted(p.name for p in workdir.iterdir()) == ["d.h5", "fifo.h5"]


# ---------------------------------------------------------------- plot

@pytest.fixture
def recording(adex_run, workdir, show):
    proc = adex_run("--size", "3", "--duration", "20", "--input", "30",
                    "--V0", "-65", "--out", "run.h5", "--record", "V")
    assert proc.returncode == 0, show(proc)
    return workdir / "run.h5"


@pytest.mark.parametrize("name,magic", [
    ("fig.png", b"\x89PNG\r\n\x1a\n"),
    ("fig.pdf", b"%PDF"),
    ("fig.svg", b"<?xml"),
    ("fig.eps", b"%!PS-Adobe"),
    ("fig.jpg", b"\xff\xd8\xff"),
    ("FIG.JPEG", b"\xff\xd8\xff"),
    ("fig.tiff", b"II*\x00"),
])
def test_plot_writes_the_format_its_name_says(name, magic, recording, adex,
                                              workdir, show):
    proc = adex("plot", recording.name, "--out", name)
    assert proc.returncode == 0, show(proc)
    data = (workdir / name).read_bytes()
    assert data.startswith(magic), data[:16]
    if name.endswith(".svg"):
        assert b"<svg" in data[:2000]
    assert not [p for p in workdir.iterdir() if ".tmp." in p.name]


@pytest.mark.parametrize("name", ["fig.txt", "fig", "fig.h5"])
def test_plot_refuses_an_unknown_format(name, recording, adex, workdir, show,
                                        expect_usage_error):
    proc = adex("plot", recording.name, "--out", name)
    expect_usage_error(proc, show, name, ".png", ".pdf", ".svg")
    assert sorted(p.name for p in workdir.iterdir()) == ["run.h5"]


def test_plot_legends_fit_with_many_populations(adex_run, write_config,
                                               workdir, show, monkeypatch):
    """Eighty populations: no legend runs off the figure (the names are
    left out beyond a dozen)."""
    import sys
    sys.path.insert(0, str(os.path.join(os.path.dirname(__file__), "..",
                                        "..", "cli", "plot")))
    try:
        import adex_plot
    finally:
        sys.path.pop(0)
    pops = [{"name": "p%02d" % k, "size": 2, "V_initializer": -65}
            for k in range(80)]
    cfg = write_config({
        "duration": 20, "populations": pops,
        "inputs": [{"target": p["name"], "kind": "constant", "value": 30}
                   for p in pops],
        "record": {p["name"]: ["V"] for p in pops}, "out": "many.h5"})
    proc = adex_run(cfg.name)
    assert proc.returncode == 0, show(proc)
    figs = []
    monkeypatch.setattr(adex_plot, "save", lambda fig, out: figs.append(fig))
    adex_plot.plot_recording(str(workdir / "many.h5"), "many.png")
    (fig,) = figs
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend()]
    for leg in legends:
        ext = leg.get_window_extent(renderer)
        assert ext.y0 >= box.y0 - 1 and ext.y1 <= box.y1 + 1, \
            (ext, box, len(leg.get_texts()))
    assert "80 populations" in " ".join(ax.get_title()
                                        for ax in fig.axes)
    adex_plot.plt.close(fig)


# ---------------------------------------------------------------- small things

def test_progress_bar_keeps_its_width(adex_bin, workdir):
    """On a terminal the bar is redrawn in place; its width does not follow
    the lengths of the numbers beside it."""
    import fcntl
    import pty
    import re
    import select
    import struct
    import termios
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    proc = subprocess.Popen([adex_bin, "run", "--size", "10", "--duration",
                             "1e9"], cwd=str(workdir),
                            stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    buf = b""
    deadline = time.time() + 30
    try:
        while buf.count(b"\r[") < 10 and time.time() < deadline:
            if select.select([master], [], [], 0.5)[0]:
                try:
                    buf += os.read(master, 65536)
                except OSError:
                    break
    finally:
        proc.kill()
        proc.wait()
        os.close(master)
    draws = re.findall(rb"\r\[([#.]+)\]([^\r\x1b]*)\x1b\[K", buf)
    assert len(draws) >= 5, buf[-500:]
    widths = {len(bar) for bar, _ in draws}
    assert len(widths) == 1, [(len(b), t) for b, t in draws]
    # and the line fits the 100 columns
    assert all(len(b) + 2 + len(t) <= 100 for b, t in draws)


@pytest.mark.parametrize("name", ["my state.h5", "it's $HOME;.h5", "s.h5"])
def test_continue_hint_is_one_shell_word(name, adex_run, workdir, show):
    """The printed "continue with" flags can be pasted into a shell."""
    import shlex
    proc = adex_run("--duration", "5", "--save-state", name)
    assert proc.returncode == 0, show(proc)
    hint = proc.stdout.split("(continue with ")[1].split(")\n")[0]
    assert shlex.split(hint) == ["--start", "5", "--load-state", name]
    proc = adex_run("--duration", "5", *shlex.split(hint))
    assert proc.returncode == 0, show(proc)


def test_state_extension_in_capitals(adex_run, workdir, show):
    """--save-state S.H5 is taken like --out X.H5."""
    proc = adex_run("--duration", "5", "--save-state", "S.H5", "--out",
                    "X.H5")
    assert proc.returncode == 0, show(proc)
    proc = adex_run("--duration", "5", "--start", "5", "--load-state",
                    "S.H5", "--save-state", "T.NPZ")
    assert proc.returncode == 0, show(proc)
    assert (workdir / "T.NPZ").read_bytes()[:2] == b"PK"


@pytest.mark.parametrize("name,magic", [("R.NPY", b"\x93NUMPY"),
                                        ("R.Csv", b"t"), ("R.HDF5", b"\x89HDF")])
def test_every_extension_in_any_case(name, magic, adex_run, adex, workdir,
                                     show, write_config):
    """One extension rule (the library's adex_file_kind_of) for outputs,
    inputs and adex info: any letter case names the same format."""
    proc = adex_run("--duration", "2", "--record", "V", "--out", name)
    assert proc.returncode == 0, show(proc)
    first = sorted(workdir.glob("R*"))[0]
    assert first.read_bytes()[:len(magic)] == magic, first
    info = adex("info", str(first))
    assert info.returncode == 0, show(info)
    np = pytest.importorskip("numpy")
    with open(str(workdir / "IN.NPY"), "wb") as f:  # np.save would add .npy
        np.save(f, np.full((20, 1), 5.0))
    cfg = write_config({"duration": 2, "populations": [{"size": 1}],
                        "inputs": [{"kind": "file", "path": "IN.NPY"}]})
    proc = adex_run(str(cfg))
    assert proc.returncode == 0, show(proc)
    proc = adex_run("--duration", "2", "--out", "R.xyz")
    assert proc.returncode == 2 and "no known extension" in proc.stderr


@pytest.mark.parametrize("text,why", [
    ("hello\n", "not a header"),
    ("hello world\nfoo\n", "not a header"),
    ("t,neuron\n0.5,1\n1,2,3\n", "line 3 has 3 fields"),
    ("a,,b\n1,2,3\n", "not a header"),
    ("t,neuron\n0.5\x001\n", "binary data in line 2"),
])
def test_info_refuses_text_that_is_not_csv(text, why, adex, workdir, show):
    (workdir / "x.txt").write_text(text)
    proc = adex("info", "x.txt")
    assert proc.returncode == 1, show(proc)
    assert "not a CSV file" in proc.stderr and why in proc.stderr, show(proc)
    assert proc.stdout == ""


def test_info_describes_the_csv_outputs(adex, adex_run, workdir, show):
    proc = adex_run("--size", "3", "--duration", "5", "--input", "30",
                    "--spikes", "s.csv", "--trace", "t.csv", "--out",
                    "o.csv", "--record", "V")
    assert proc.returncode == 0, show(proc)
    for name, cols in [("s.csv", 2), ("t.csv", 4), ("o.csv", 5)]:
        proc = adex("info", name)
        assert proc.returncode == 0, show(proc)
        assert "CSV file" in proc.stdout and "(%d columns)" % cols \
            in proc.stdout, show(proc)


def test_plot_default_name_for_capitals(adex, adex_run, workdir, show):
    proc = adex_run("--size", "3", "--duration", "20", "--input", "30",
                    "--out", "RUN.H5")
    assert proc.returncode == 0, show(proc)
    proc = adex("plot", "RUN.H5")
    assert proc.returncode == 0, show(proc)
    assert (workdir / "RUN.png").read_bytes()[:4] == b"\x89PNG"
