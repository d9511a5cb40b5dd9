"""The readiness chart: the same scores drawn for the app (plotly) and for the Word plan (PNG)."""

import io
import subprocess
import sys

import pytest
from PIL import Image

from roadmap.charts import (
    CHART_TITLE,
    NOT_RATED,
    build_readiness_figure,
    draw_readiness_chart,
    readiness_alt_text,
)
from roadmap.plan import Plan
from roadmap.scoring import AreaScore, score_areas

from .conftest import ROOT


def _scores():
    return [
        AreaScore("design-for-impact", "Design for impact", 2.5, 50, 2, 0, 2, "between Emerging and Developing"),
        AreaScore("know-the-context", "Know the context", None, None, 0, 0, 3),
        AreaScore("define-the-measures", "Define the measures", 4.0, 100, 3, 0, 3, "Established"),
        AreaScore("build-strategically", "Build strategically", None, None, 0, 4, 4),
    ]


def test_figure_has_one_bar_per_area_in_bank_order(bank):
    figure = build_readiness_figure(_scores(), bank)
    bar = figure.data[0]
    assert bar.orientation == "h"
    assert list(bar.y) == ["Design for impact", "Know the context", "Define the measures", "Build strategically"]
    assert figure.layout.yaxis.autorange == "reversed"  # the first area reads first, at the top


def test_figure_prints_each_figure_on_its_bar(bank):
    bar = build_readiness_figure(_scores(), bank).data[0]
    assert list(bar.text) == ["2.5", "", "4.0", ""]  # the mean level, on the rubric's scale
    assert bar.textposition == "auto"


def test_figure_shows_not_rated_areas_as_words_not_as_zero(bank):
    figure = build_readiness_figure(_scores(), bank)
    bar = figure.data[0]
    assert bar.base == 1  # bars start at Not started: an area all Not started has no length
    assert list(bar.x) == [1.5, None, 3.0, None]
    notes = {a.y: a.text for a in figure.layout.annotations if a.name == "not-rated"}
    assert notes == {"Know the context": NOT_RATED, "Build strategically": NOT_RATED}
    names = [a.text for a in figure.layout.annotations if a.name == "area"]
    # Each area's name sits inside the plot, at the axis's start, not off to its left.
    assert {a.x for a in figure.layout.annotations if a.name == "area"} == {figure.layout.xaxis.range[0]}
    assert names == ["Design for impact", "Know the context", "Define the measures", "Build strategically"]


def test_figure_says_it_is_a_self_assessment_and_names_the_levels(bank):
    layout = build_readiness_figure(_scores(), bank).layout
    assert "self-assessment" in layout.title.text
    assert layout.xaxis.title.text == "Mean readiness level"
    assert list(layout.xaxis.tickvals) == [1, 2, 3, 4]
    # The axis starts at Not started, not at zero (with a little room for the level's name under it).
    assert 0.5 < layout.xaxis.range[0] < 1 and layout.xaxis.tickvals[0] == 1
    assert [t.split("<br>")[1] for t in layout.xaxis.ticktext] == ["Not started", "Emerging", "Developing", "Established"]


def test_figure_does_not_rely_on_colour(bank):
    bar = build_readiness_figure(_scores(), bank).data[0]
    assert isinstance(bar.marker.color, str)  # one colour for every bar: it carries no meaning
    assert bar.marker.pattern.shape == "/"


def test_figure_from_a_real_plan(bank, sample):
    scores = score_areas(sample, bank)
    bar = build_readiness_figure(scores, bank).data[0]
    assert list(bar.x) == [s.mean - 1 for s in scores]
    assert list(bar.hovertext or []) == [] and all("rated" in c[0] for c in bar.customdata)


def _png(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return Image.open(io.BytesIO(data))


def test_chart_png_is_print_resolution_and_page_width(bank, sample):
    image = _png(draw_readiness_chart(score_areas(sample, bank), bank))
    assert image.info["dpi"] == pytest.approx((200, 200), abs=0.5)
    assert image.width == 1300  # 6.5 inches, the width between a portrait page's margins


def test_chart_grows_with_the_number_of_areas(bank_with_fifth_area):
    bank5, _ = bank_with_fifth_area
    plan = Plan()
    four = _png(draw_readiness_chart(score_areas(plan, bank5)[:4], bank5, dpi=50))
    five = _png(draw_readiness_chart(score_areas(plan, bank5), bank5, dpi=50))
    assert five.height > four.height


@pytest.mark.filterwarnings("ignore:Glyph .* missing from font")  # emoji: DejaVu has none; a box is drawn
@pytest.mark.parametrize("scores", [[], _scores(), [AreaScore("x", "Ünïcode — 🎉 area", 1.0, 0, 1, 0, 1, "Not started")]])
def test_chart_draws_any_scores(bank, scores):
    assert _png(draw_readiness_chart(scores, bank, dpi=50)).width == 325


def test_chart_never_imports_pyplot():
    code = ("import sys, roadmap.charts as c; from roadmap.bank import load_bank; b = load_bank(); "
            "from roadmap.scoring import score_areas; from roadmap.plan import Plan; "
            "c.draw_readiness_chart(score_areas(Plan(), b), b, dpi=30); print('matplotlib.pyplot' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.stdout.strip() == "False", result.stderr


def test_alt_text_gives_every_area_in_words():
    text = readiness_alt_text(_scores())
    assert "self-assessment" in text
    assert "Design for impact: 2.5: between Emerging and Developing (2 of 2 rated)." in text
    assert "Know the context: not rated (none of 3 rated)." in text
    assert "Build strategically: not rated (none of 4 rated, 4 not applicable)." in text
    assert "Define the measures: 4.0: Established" in text
    assert "%" not in text
    assert text.index("Design for impact") < text.index("Know the context") < text.index("Build strategically")


def test_alt_text_for_no_areas():
    assert readiness_alt_text([]) == f"{CHART_TITLE}: there are no areas to show."


@pytest.mark.parametrize("after,within,expected", [
    (3.0, 0.5, ("2.5: between Emerging and Developing (2 of 2 rated)", False)),  # fits after the bar
    (1.0, 3.0, ("2.5: between Emerging and Developing (2 of 2 rated)", True)),  # only inside a long bar
    (2.0, 1.5, ("2.5: between Emerging and Developing", False)),  # shorter words, after the bar
    (0.5, 0.5, ("2.5: between Emerging and Developing", False)),  # nothing fits: after, never over the names
])
def test_bar_words_never_go_inside_a_bar_too_short_for_them(after, within, expected):
    from roadmap.charts import place_bar_words

    choices = ["2.5: between Emerging and Developing (2 of 2 rated)", "2.5: between Emerging and Developing"]
    assert place_bar_words(choices, after, within, lambda words: len(words) * 0.05) == expected
