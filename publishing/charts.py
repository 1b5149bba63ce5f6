"""Charts of the static report: one Altair chart per indicator, rendered to inline SVG by vl-convert."""

import altair as alt
import polars as pl
import vl_convert as vlc

PROVINCE_LABEL = "Toàn tỉnh"
DISTRICT_LABEL = "Cấp huyện"

# Vietnamese number formatting (12,5 — 1.234): d3-format ships no vi-VN locale, so it is given here.
VI_NUMBER_LOCALE = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " ₫"]}


def prepare() -> None:
    """Start vl-convert's JavaScript engine now, e.g. in a thread while the process waits for
    something else; the first chart would start it otherwise."""
    vlc.get_themes()


def indicator_chart_svg(rows: pl.DataFrame, area_names: list[str], body_names: list[str]) -> str:
    """One indicator's shares as small multiples, as an `<svg>` element.

    rows: area_name, area_level, body_name, value_pct, target_pct — one row per area × body with a value.
    area_names / body_names give the display order (the province first). One facet per body,
    one bar per area; the province bar is coloured apart and a dashed rule marks the target
    where the body has one. No external data: vl-convert may fetch nothing.
    """
    data = rows.with_columns(
        pl.when(pl.col("area_level") == "province")
        .then(pl.lit(PROVINCE_LABEL))
        .otherwise(pl.lit(DISTRICT_LABEL))
        .alias("area_kind")
    ).select("area_name", "area_kind", "body_name", "value_pct", "target_pct")
    y = alt.Y("area_name:N", sort=area_names, title=None)
    bars = alt.Chart().mark_bar().encode(
        y=y,
        x=alt.X("value_pct:Q", scale=alt.Scale(domain=[0, 100]), title="%"),
        color=alt.Color(
            "area_kind:N",
            scale=alt.Scale(domain=[PROVINCE_LABEL, DISTRICT_LABEL], range=["#8e2c1f", "#7fa7d1"]),
            legend=alt.Legend(title=None, orient="top"),
        ),
    )
    labels = alt.Chart().mark_text(align="left", dx=3, fontSize=12, color="#222").encode(
        y=y, x="value_pct:Q", text=alt.Text("value_pct:Q", format=",.1f")
    )
    target = (
        alt.Chart()
        .transform_filter("isValid(datum.target_pct)")
        .mark_rule(color="#c0392b", strokeDash=[5, 3], strokeWidth=2)
        .encode(x="max(target_pct):Q")
    )
    chart = (
        alt.layer(bars, target, labels, data=data)
        .properties(width=300)
        .facet(facet=alt.Facet("body_name:N", sort=body_names, title=None), columns=3)
        .configure_header(labelFontSize=13, labelFontWeight="bold", labelLimit=320)
        .configure_axis(labelFontSize=12, labelLimit=180)
        .configure_view(stroke="#ccc")
    )
    return vlc.vegalite_to_svg(chart.to_dict(), format_locale=VI_NUMBER_LOCALE, allowed_base_urls=[])
