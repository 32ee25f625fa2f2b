"""The coverage history drawn as an SVG line chart on the server, with pygal.

The SVG carries no script (pygal's configuration script is taken out, and no pygal.js is
linked) and is served as an image from its own route, whose policy allows its inline styles
and nothing else. In a right-to-left language time runs from right to left.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from datetime import date

import pygal
from babel.dates import format_date
from pygal.style import Style

from focalpoints.coverage.history import History

# pygal appends to sys.meta_path an import hook for its map plugins (unused here) of the kind
# Python 3.4 deprecated: every later import that reaches it warns. It goes.
sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, pygal.PluginImportFixer)]

#: The policy of the chart's own response: its embedded styles, nothing else.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
# Colours of the house palette that keep a 3:1 contrast with white.
COLOURS = ("#0b5ed7", "#146c43", "#b02a37", "#6f42c1", "#a25e00", "#0f6674", "#d63384", "#495057")
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
_STYLE = Style(
    font_family='"Noto Sans", "Noto Sans Arabic", "Noto Sans CJK SC", "DejaVu Sans", sans-serif',
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#212529",
    foreground_strong="#212529",
    foreground_subtle="#6c757d",
    colors=COLOURS,
    title_font_size=16,
    legend_font_size=13,
    label_font_size=12,
    major_label_font_size=12,
)


def month_label(point: date, language: str) -> str:
    """A month as the reader's language names it ("Mar 2025", "مارس ٢٠٢٥")."""
    return format_date(point, "MMM y", locale=language)


def render(history: History, title: str, language: str, rtl: bool) -> str:
    """The chart as an SVG document without script."""
    labels: Sequence[str] = [month_label(p, language) for p in history.points]
    chart = pygal.Line(
        js=[],
        no_prefix=True,
        width=960,
        height=480,
        style=_STYLE,
        title=title,
        range=(0, 100),
        y_labels=[0, 25, 50, 75, 100],
        value_formatter=lambda value: f"{value:.0f}%",
        legend_at_bottom=True,
        legend_at_bottom_columns=2,
        truncate_legend=-1,
        truncate_label=-1,
        allow_interruptions=True,
        show_minor_x_labels=False,
        x_labels_major_every=max(1, len(labels) // 8),
        dots_size=2.5,
        disable_xml_declaration=True,
    )
    order = slice(None, None, -1) if rtl else slice(None)
    chart.x_labels = list(labels)[order]
    for line in history.series:
        values = [None if s is None else round(s * 100, 1) for s in line.shares()]
        chart.add(line.label, values[order])
    return _SCRIPT.sub("", chart.render(is_unicode=True))
