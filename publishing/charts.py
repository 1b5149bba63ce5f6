"""Charts of the static report, made with Altair and rendered to inline SVG by vl-convert: the shares of one
indicator across the units, and the change of the province's figures since the previous term."""

import altair as alt
import polars as pl
import vl_convert as vlc

PROVINCE_LABEL = "Toàn tỉnh"
UNIT_LABEL = "Từng đơn vị"
ROW_HEIGHT = 34
CHANGE_BAR_HEIGHT = 15
# Units are spread over this many lanes of their body's row, by the rank of their share, so units with similar
# shares do not hide each other; by rank, not at random, so the same data gives the same page byte for byte.
SPREAD_LANES = 5

# Vietnamese number formatting (12,5 — 1.234): d3-format ships no vi-VN locale, so it is given here.
VI_NUMBER_LOCALE = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " ₫"]}


def prepare() -> None:
    """Start vl-convert's JavaScript engine now, e.g. in a thread while the process waits for
    something else; the first chart would start it otherwise."""
    vlc.get_themes()


def indicator_chart_svg(rows: pl.DataFrame, body_names: list[str]) -> str:
    return _svg(indicator_chart(rows, body_names))


def change_chart_svg(rows: pl.DataFrame, body_names: list[str], indicator_names: list[str]) -> str:
    return _svg(change_chart(rows, body_names, indicator_names))


def _svg(chart: alt.LayerChart) -> str:
    # Not validated against Vega-Lite's schema here: the specs are this module's own and the tests validate them
    # (tests/test_report.py), while validating walks the whole schema for every chart of every publication.
    return vlc.vegalite_to_svg(chart.to_dict(validate=False), format_locale=VI_NUMBER_LOCALE, allowed_base_urls=[])


def indicator_chart(rows: pl.DataFrame, body_names: list[str]) -> alt.LayerChart:
    """One indicator's shares as a strip per body.

    rows: area_level, body_name, value_pct, target_pct — the province roll-up and the units, one row per area ×
    body. body_names gives the rows' order. Each unit is a dot and the province a diamond on its body's row, so
    the chart stays as tall with 65 units as with 11 (the units' names and counts are in their tables); a dashed
    tick marks the target where the body has one. No external data: vl-convert may fetch nothing.
    """
    data = rows.with_columns(
        pl.when(pl.col("area_level") == "province").then(pl.lit(PROVINCE_LABEL)).otherwise(pl.lit(UNIT_LABEL))
        .alias("area_kind"),
        (pl.col("value_pct").rank("ordinal").over("body_name", "area_level").cast(pl.Int32) % SPREAD_LANES
         - SPREAD_LANES // 2).alias("lane"),
    ).select("body_name", "area_kind", "lane", "value_pct", "target_pct")
    y = alt.Y("body_name:N", sort=body_names, title=None, axis=alt.Axis(labelLimit=300))
    x = alt.X("value_pct:Q", scale=alt.Scale(domain=[0, 100]), title="Tỷ lệ (%)", axis=alt.Axis(tickCount=10))
    kinds = [PROVINCE_LABEL, UNIT_LABEL]
    colour = alt.Color("area_kind:N", scale=alt.Scale(domain=kinds, range=["#8e2c1f", "#4f7fb3"]),
                       legend=alt.Legend(title=None, orient="top"))
    shape = alt.Shape("area_kind:N", scale=alt.Scale(domain=kinds, range=["diamond", "circle"]))
    offset = alt.YOffset("lane:Q", scale=alt.Scale(domain=[-SPREAD_LANES, SPREAD_LANES]))
    units = alt.Chart().transform_filter(alt.datum.area_kind == UNIT_LABEL).mark_point(
        filled=True, size=45, opacity=0.6).encode(y=y, yOffset=offset, x=x, color=colour, shape=shape)
    province = alt.Chart().transform_filter(alt.datum.area_kind == PROVINCE_LABEL).mark_point(
        filled=True, size=160, stroke="#fff", strokeWidth=1).encode(y=y, x=x, color=colour, shape=shape)
    target = (
        alt.Chart()
        .transform_filter("isValid(datum.target_pct)")
        .mark_tick(color="#c0392b", strokeDash=[4, 2], thickness=2)
        .encode(y=y, x="max(target_pct):Q")
    )
    return (
        alt.layer(target, units, province, data=data)
        .properties(width=640, height=alt.Step(ROW_HEIGHT))
        .configure_axis(labelFontSize=12)
        .configure_view(stroke="#ccc")
    )


def change_chart(rows: pl.DataFrame, body_names: list[str], indicator_names: list[str]) -> alt.LayerChart:
    """The change since the previous term in percentage points, one bar per body and indicator.

    rows: body_name, indicator_name, change_pp — one area on one as-of date, rows without a previous term left
    out. body_names and indicator_names give the order. The axis is symmetric around 0, so a fall reads as far
    as a rise; each bar carries its value ("+9,0"), so the chart can be read without the table.
    """
    data = rows.select("body_name", "indicator_name", "change_pp")
    # Up to a multiple of 5 points, with room left for the label of the longest bar.
    reach = max(5.0, -(-(float(data["change_pp"].abs().max()) + 3) // 5) * 5)
    y = alt.Y("body_name:N", sort=body_names, title=None, axis=alt.Axis(labelLimit=300))
    offset = alt.YOffset("indicator_name:N", sort=indicator_names)
    x = alt.X("change_pp:Q", scale=alt.Scale(domain=[-reach, reach]), title="Thay đổi (điểm %)",
              axis=alt.Axis(format="+d"))
    colour = alt.Color("indicator_name:N", sort=indicator_names, scale=alt.Scale(scheme="tableau10"),
                       legend=alt.Legend(title=None, orient="top", columns=3, labelLimit=320))
    bars = alt.Chart().mark_bar().encode(y=y, yOffset=offset, x=x, color=colour)
    labels = [
        alt.Chart().transform_filter(f"datum.change_pp {sign} 0")
        .mark_text(align=align, dx=dx, fontSize=10, color="#333")
        .encode(y=y, yOffset=offset, x=x, text=alt.Text("change_pp:Q", format="+.1f"))
        for sign, align, dx in ((">=", "left", 3), ("<", "right", -3))
    ]
    zero = alt.Chart().mark_rule(color="#555").encode(x=alt.datum(0))
    return (
        alt.layer(bars, *labels, zero, data=data)
        .properties(width=560, height=alt.Step(CHANGE_BAR_HEIGHT))  # with a yOffset, the step is one bar's
        .configure_axis(labelFontSize=12)
        .configure_view(stroke="#ccc")
    )
