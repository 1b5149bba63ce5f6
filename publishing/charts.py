"""Charts of the static report: one Altair chart per indicator, rendered to inline SVG by vl-convert."""

import altair as alt
import polars as pl
import vl_convert as vlc

PROVINCE_LABEL = "Toàn tỉnh"
UNIT_LABEL = "Từng đơn vị"
ROW_HEIGHT = 34
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
    """One indicator's shares as a strip per body, as an `<svg>` element.

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
    chart = (
        alt.layer(target, units, province, data=data)
        .properties(width=640, height=alt.Step(ROW_HEIGHT))
        .configure_axis(labelFontSize=12)
        .configure_view(stroke="#ccc")
    )
    return vlc.vegalite_to_svg(chart.to_dict(), format_locale=VI_NUMBER_LOCALE, allowed_base_urls=[])
