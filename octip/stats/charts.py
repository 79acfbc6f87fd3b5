"""Charts of controlled tables, drawn by matplotlib (Agg, no display): SVG for the pages, PNG for the
PDF. A suppressed or unavailable cell is drawn as no bar and labelled with its symbol, never as 0."""

from __future__ import annotations

import io
import re
import textwrap

import matplotlib

matplotlib.use("Agg")

from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from .disclosure import ControlledTable  # noqa: E402

matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: smaller, and readable by a screen reader
matplotlib.rcParams["svg.hashsalt"] = "octip"  # stable ids between renders

COLOURS = ["#1f5f8b", "#c8702a", "#3b7d3b", "#7a4f9a", "#8b1f3a"]


def _figure(table: ControlledTable) -> Figure:
    labels = [textwrap.shorten(label, 42, placeholder="…") for label in table.row_labels]
    series = table.col_labels if not table.one_way else table.col_labels[:1]
    height = max(1.6, 0.32 * len(labels) * (1 if len(series) == 1 else 0.6 * len(series)) + 0.8)
    fig, ax = plt.subplots(figsize=(7.2, height))
    bar = 0.8 / len(series)
    for j, name in enumerate(series):
        ys = [i + j * bar for i in range(len(labels))]
        values = [table.entries[i][j] for i in range(len(labels))]
        widths = [v if isinstance(v, int) else 0 for v in values]
        ax.barh(ys, widths, height=bar, color=COLOURS[j % len(COLOURS)], label=name)
        for y, v in zip(ys, values, strict=True):
            ax.text((v if isinstance(v, int) else 0) + 0.3, y, str(v), va="center", fontsize=7)
    ax.set_yticks([i + bar * (len(series) - 1) / 2 for i in range(len(labels))], labels, fontsize=8)
    ax.invert_yaxis()
    ax.tick_params(axis="x", labelsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    if len(series) > 1:
        ax.legend(fontsize=7, frameon=False, loc="lower right")
    fig.subplots_adjust(left=0.42, right=0.97, top=1 - 0.15 / height, bottom=0.45 / height)
    return fig


def svg(table: ControlledTable, *, title: str = "") -> str:
    """The chart as SVG markup to place inline: no script, no external reference, no inline style
    attribute (the CSP forbids inline styles), with a <title> for assistive technology."""
    fig = _figure(table)
    out = io.StringIO()
    fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    markup = out.getvalue()
    markup = markup[markup.index("<svg"):]
    markup = re.sub(r"<metadata>.*?</metadata>", "", markup, flags=re.S)
    # matplotlib writes presentation as style="..." attributes; turn them into SVG presentation
    # attributes, which CSP's style-src does not govern.
    markup = re.sub(r' style="([^"]*)"', _presentation_attributes, markup)
    markup = re.sub(r"<style[^>]*>.*?</style>", "", markup, flags=re.S)
    name = _escape(title or table.title)
    markup = markup.replace("<svg ", f'<svg role="img" aria-label="{name}" ', 1)
    return re.sub(r"(<svg[^>]*>)", lambda m: m.group(1) + f"<title>{name}</title>", markup, count=1)


def _presentation_attributes(match: re.Match[str]) -> str:
    parts = []
    for declaration in match.group(1).split(";"):
        if ":" not in declaration:
            continue
        prop, value = (s.strip() for s in declaration.split(":", 1))
        if re.fullmatch(r"[a-z-]+", prop) and '"' not in value:
            parts.append(f' {prop}="{value}"')
    return "".join(parts)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def png(table: ControlledTable) -> bytes:
    fig = _figure(table)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=110, metadata={"Software": None})
    plt.close(fig)
    return out.getvalue()
