"""Charts as PNG images (matplotlib, Agg backend, a CJK font so Chinese labels render)."""

from __future__ import annotations

import base64
import io
import threading
from functools import lru_cache

from ..presenters import Chart

# The first CJK font found, then DejaVu for the rest: each font in the chain costs time on every text.
CJK_FONTS = ["Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "Noto Sans CJK JP"]
_lock = threading.Lock()   # pyplot keeps global state; one chart at a time


@lru_cache(maxsize=1)
def _setup():
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib import font_manager, rcParams

    names = {f.name for f in font_manager.fontManager.ttflist}
    family = [f for f in CJK_FONTS if f in names][:1] + ["DejaVu Sans"]
    rcParams["font.family"] = "sans-serif"
    rcParams["font.sans-serif"] = family
    rcParams["axes.unicode_minus"] = False
    rcParams["svg.fonttype"] = "none"
    import matplotlib.pyplot as plt

    return plt


COLOURS = ["#0d6efd", "#fd7e14", "#198754", "#6f42c1"]


def png(chart: Chart) -> bytes:
    """A horizontal bar chart (one bar per label and series); the same chart is drawn once."""
    key = (chart.title, tuple(chart.labels), tuple((n, tuple(v)) for n, v in chart.series), chart.unit,
           chart.reference)
    return _png_cached(key)


@lru_cache(maxsize=128)
def _png_cached(key: tuple) -> bytes:
    title, labels, series, unit, reference = key
    return _draw(Chart("", title, list(labels), [(n, list(v)) for n, v in series], unit, reference))


def _draw(chart: Chart) -> bytes:
    plt = _setup()
    with _lock:
        n = len(chart.labels)
        fig, ax = plt.subplots(figsize=(6.4, max(1.6, 0.45 * n * max(1, len(chart.series)) + 0.9)), dpi=110)
        try:
            height = 0.8 / max(1, len(chart.series))
            for k, (name, values) in enumerate(chart.series):
                ys = [i + k * height for i in range(n)]
                bars = ax.barh(ys, values, height=height * 0.92, label=name, color=COLOURS[k % len(COLOURS)])
                ax.bar_label(bars, labels=[f"{v:,.1f}" if v % 1 else f"{v:,.0f}" for v in values], padding=3,
                             fontsize=8)
            ax.set_yticks([i + height * (len(chart.series) - 1) / 2 for i in range(n)],
                          labels=[_short(label) for label in chart.labels], fontsize=8)
            ax.invert_yaxis()
            if chart.reference is not None:
                ax.axvline(chart.reference, color="#dc3545", linewidth=1, linestyle="--")
            ax.set_title(chart.title + (f" ({chart.unit})" if chart.unit else ""), fontsize=10)
            ax.spines[["top", "right"]].set_visible(False)
            ax.tick_params(axis="x", labelsize=8)
            ax.margins(x=0.15)
            if len(chart.series) > 1:
                ax.legend(fontsize=8, frameon=False)
            fig.tight_layout()
            out = io.BytesIO()
            fig.savefig(out, format="png")
            return out.getvalue()
        finally:
            plt.close(fig)


def _short(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def data_uri(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode()
