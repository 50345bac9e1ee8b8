"""A member's points over time as an inline SVG chart (pygal), with no script and no
external address: pygal's tooltips script (from a CDN) is turned off, and the config
script and comments it still writes are filtered out of the SVG."""

from __future__ import annotations

import sys
from typing import Any

import pygal
from markupsafe import Markup
from pygal.style import Style

from quizapp.points.queries import MonthPoints

# Importing pygal appends an import hook for its optional map plugins (pygal.maps.*, unused
# here). The hook has no find_spec, so Python raises an ImportWarning on every later import
# that reaches it (jieba's pkg_resources does): an error under the tests' warning filter.
sys.meta_path[:] = [finder for finder in sys.meta_path
                    if type(finder) is not pygal.PluginImportFixer]

_STYLE = Style(
    background="transparent", plot_background="transparent", colors=("#dc3545", "#6c757d"),
    font_family="system-ui, sans-serif", label_font_size=14, major_label_font_size=14,
    value_font_size=14, title_font_size=16,
)


def _without_scripts(root: Any) -> Any:
    """Drop every <script> and comment (pygal's config script, its links in comments)."""
    for node in list(root.iter()):
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag.endswith("script") or not isinstance(node.tag, str):
            parent = node.getparent() if hasattr(node, "getparent") else None
            if parent is not None:
                parent.remove(node)
    return root


def points_chart(months: list[MonthPoints]) -> Markup | None:
    """Cumulative points by month as inline SVG (None with fewer than two months: one point
    is no trend, and the table says it). The y axis is labelled in whole points."""
    if len(months) < 2:
        return None
    chart = pygal.Line(
        js=[], disable_xml_declaration=True, style=_STYLE,
        width=420, height=260, show_legend=False, print_values=True, dots_size=4,
        include_x_axis=True,
        x_label_rotation=0 if len(months) <= 4 else 45, truncate_label=-1, margin=12, margin_right=32,
    )
    chart.add_xml_filter(_without_scripts)
    chart.x_labels = [m.month for m in months]
    chart.y_labels = _whole_ticks([m.cumulative for m in months])
    chart.add("累计积分", [m.cumulative for m in months])
    svg = chart.render(is_unicode=True)
    # pygal builds the SVG as an XML tree (text escaped) from numbers and month labels, scripts
    # removed above: nothing a user typed reaches it unescaped.
    return Markup(svg.replace("<svg ", '<svg role="img" aria-label="累计积分走势" ', 1))  # nosec B704


def _whole_ticks(values: list[int], most: int = 5) -> list[int]:
    """At most ``most`` whole-number ticks covering 0 and the values (no 0.6, 1.4, 2.2)."""
    low, high = min(0, *values), max(0, *values)
    step = max(1, -(-(high - low) // (most - 1)))
    first = (low // step) * step
    return list(range(first, high + step, step))
