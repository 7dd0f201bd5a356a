"""adex.plot draws labelled axes (matplotlib, Agg backend)."""

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import adex  # noqa: E402


def test_raster_and_traces(pops, tmp_path):
    pop = pops(20, V_initializer=adex.init.Constant(-65.0))
    res = adex.run(pop, 50.0, inputs=np.linspace(0, 60, 20),
                   monitors=["spike", "V"], progress=False)
    fig, (a1, a2) = plt.subplots(2, 1)
    ax = adex.plot.raster(res["ts"], res["spike"], ax=a1)
    assert ax is a1
    assert ax.get_xlabel() == "Time (ms)" and ax.get_ylabel() == "Neuron index"
    xs, ys = ax.lines[0].get_data()
    assert len(xs) == res["spike"].sum()
    ax = adex.plot.traces(res["ts"], res["V"], neurons=[0, 19], ax=a2)
    assert ax.get_ylabel() == "V (mV)" and len(ax.lines) == 2
    assert ax.get_legend() is not None
    fig.savefig(tmp_path / "plot.png")
    assert (tmp_path / "plot.png").stat().st_size > 1000
    plt.close(fig)
    with pytest.raises(ValueError):
        adex.plot.raster(res["ts"][:-1], res["spike"])
    with pytest.raises(ValueError):
        adex.plot.traces(res["ts"], res["V"], neurons=[25])
    ax = adex.plot.traces(res["ts"], res["V"][:, 3])  # one trace, gca()
    assert len(ax.lines) == 1
    plt.close("all")
