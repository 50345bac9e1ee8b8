"""Charts of a unit's months (participation and average score %), as inline SVG.

Rendered on the server by pygal with its JavaScript switched off (no ``js`` files, and the
inline config script, comments and namespace URLs stripped), so a page embeds plain SVG
that loads nothing from anywhere.
"""

from __future__ import annotations

import re

import pygal
from markupsafe import Markup
from pygal.style import Style

from quizapp.results.periods import Period
from quizapp.reports.queries import Figures

_STYLE = Style(
    background="transparent", plot_background="transparent", foreground="#333",
    foreground_strong="#111", foreground_subtle="#999", colors=("#c0392b", "#2c7be5"),
    font_family="sans-serif", label_font_size=17, major_label_font_size=17,
    title_font_size=19, legend_font_size=18, value_font_size=16, stroke_width=3, stroke_width_hover=4,
)
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_NAMESPACE = re.compile(r'\s+xmlns(?::\w+)?="[^"]*"')


def _config() -> pygal.Config:
    config = pygal.Config()
    config.js = []  # pygal's default loads its tooltip script from a CDN
    config.disable_xml_declaration = True
    config.style = _STYLE
    # Drawn small and scaled up: on a 390 px phone the labels read at about their own size.
    config.width, config.height = 440, 300
    config.range = (0, 100)
    config.show_legend = True
    config.legend_at_bottom = True
    config.x_label_rotation = 0
    config.print_values = False
    config.show_y_guides = True
    config.dots_size = 4
    config.stroke_style = {"width": 3}
    config.truncate_label = -1
    config.y_labels = [0, 25, 50, 75, 100]
    config.no_data_text = "暂无数据"
    return config


def clean_svg(svg: str) -> Markup:
    """pygal's SVG without scripts, comments or namespace URLs, safe to embed in HTML."""
    svg = _SCRIPT.sub("", svg)
    svg = _COMMENT.sub("", svg)
    # pygal writes the SVG as an XML tree, so titles and labels are escaped; scripts are gone.
    return Markup(_NAMESPACE.sub("", svg, count=0))  # nosec B704


def monthly_chart(months: list[Period], by_month: dict[str, Figures]) -> Markup:
    """Participation and average score % per month, a line through the months that had an
    activity (a month without one is skipped over, not a break in the line)."""
    chart = pygal.Line(_config(), title="近12个月参与率与平均得分率（%）", allow_interruptions=False)
    chart.x_labels = [f"{p.start.month}月" for p in months]
    # Every other month named when all twelve are shown, so that each label stays legible.
    chart.x_labels_major = chart.x_labels[1::2] if len(months) > 6 else chart.x_labels
    chart.show_minor_x_labels = len(months) <= 6
    chart.add("参与率", [by_month.get(p.key, Figures()).participation for p in months])
    chart.add("平均得分率", [by_month.get(p.key, Figures()).average for p in months])
    return clean_svg(chart.render(is_unicode=True))
