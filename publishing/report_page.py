"""The shell of `report.html`: its style for screen and A4 print, the unit search box and its few lines of script,
and the Content-Security-Policy that lets that one script run and forbids every fetch.

The script is allowed by its SHA-256 hash, not a nonce: a nonce changes on every publication, and the same data
must give the same page byte for byte. Without scripts (or printed) the page loses only the search box.
Not here: what the sections say (``report`` and its parts).
"""

import base64
import hashlib
from html import escape

CSS = """
body { font-family: system-ui, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", Arial, sans-serif;
       margin: 0 auto; max-width: 1240px; padding: 1.5rem; color: #222; background: #fff; }
h1 { margin-bottom: .2rem; } h2 { margin-top: 2.5rem; border-bottom: 2px solid #8e2c1f; padding-bottom: .3rem; }
h3 { margin: 1.5rem 0 .4rem; } h4 { margin: 1rem 0 .3rem; }
.meta, .note, .lineage { color: #555; margin-top: 0; } .code { color: #666; font-weight: normal; }
.en { color: #777; font-weight: normal; font-size: .8em; }
nav.contents ul { padding-left: 1.2rem; } nav.unit-index ul { columns: 15rem; padding-left: 1.2rem; }
figure.chart { margin: 1.5rem 0; } figure.chart svg { max-width: 100%; height: auto; }
figcaption h3 { margin: 0 0 .2rem; } figcaption p { margin: 0 0 .6rem; color: #555; font-size: .9rem; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { border: 1px solid #ddd; padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: #f3ece9; } tr.body th { background: #faf6f4; } tr.total td { font-weight: bold; }
table.rollup, table.province-bodies, table.unit { table-layout: fixed; }
table.rollup th:nth-child(1), table.province-bodies th:nth-child(1), table.unit th:nth-child(1) { width: 31%; }
table.rollup th:nth-child(2), table.province-bodies th:nth-child(2), table.unit th:nth-child(2) { width: 18%; }
table.rollup th:nth-child(3), table.province-bodies th:nth-child(3), table.unit th:nth-child(3) { width: 33%; }
table.status-summary { width: auto; } td { overflow-wrap: anywhere; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; overflow-wrap: normal; }
td.date { white-space: nowrap; overflow-wrap: normal; }
tr.met td.verdict { color: #1e7b34; font-weight: bold; } tr.unmet td.verdict { color: #b3261e; font-weight: bold; }
.empty, .no-previous { padding: .6rem 1rem; background: #f6f6f6; border-left: 4px solid #999; }
[id] { scroll-margin-top: 6rem; }  /* a link's target is not hidden under the search bar */
form.unit-search { position: sticky; top: 0; z-index: 1; margin: 1rem 0; padding: .6rem 1rem; background: #faf6f4;
                   border: 1px solid #e4d6d1; }
form.unit-search label { margin-right: .5rem; }
form.unit-search input { font-size: 1rem; padding: .3rem .5rem; width: min(24rem, 100%); }
form.unit-search .found { margin-left: .6rem; color: #555; } form.unit-search .found a { margin-right: .4rem; }
@media print {
  @page { size: A4; margin: 12mm; }
  body { max-width: none; padding: 0; font-size: 10pt; } table { font-size: 8.5pt; }
  th, td { padding: .12rem .3rem; } h3 { margin-top: .8rem; }
  table.rollup th:nth-child(1), table.province-bodies th:nth-child(1), table.unit th:nth-child(1) { width: 26%; }
  table.rollup th:nth-child(2), table.province-bodies th:nth-child(2), table.unit th:nth-child(2) { width: 17%; }
  table.rollup th:nth-child(3), table.province-bodies th:nth-child(3), table.unit th:nth-child(3) { width: 35%; }
  h2:not(#rollup) { break-before: page; } h2, h3, h4 { break-after: avoid; }
  section.unit, section.rollup + section.rollup, section.province-bodies + section.province-bodies
    { break-before: page; }
  thead { display: table-header-group; } tr, figure.chart { break-inside: avoid; }
  nav.contents, form.unit-search, .back { display: none; } a { color: inherit; text-decoration: none; }
  nav.unit-index ul { columns: 3; }
}
"""

SEARCH_ID = "unit-search"

# The unit search: hides the index entries and unit sections whose key does not hold the typed text, and lists the
# first units left as links beside the box; Enter jumps to the first. Keys are written by the report with
# ingest.text.fold; `fold` here is its twin for the query. Text only through textContent and cloned links.
SCRIPT = """
(function () {
  var form = document.getElementById("unit-search");
  if (!form) { return; }
  var box = form.querySelector("input"), found = form.querySelector(".found");
  var sections = document.querySelectorAll("section.unit"), entries = document.querySelectorAll("#unit-index li");
  var groups = document.querySelectorAll("#unit-index .unit-group");
  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\\u0111\\u00f0]/g, "d").replace(/[^a-z0-9]/g, "");
  }
  function keep(element, key) {
    element.hidden = element.dataset.search.indexOf(key) < 0;
    return !element.hidden;
  }
  box.addEventListener("input", function () {
    var key = fold(box.value);
    var shown = Array.prototype.filter.call(sections, function (s) { return keep(s, key); });
    var listed = Array.prototype.filter.call(entries, function (e) { return keep(e, key); });
    groups.forEach(function (group) { group.hidden = !group.querySelector("li:not([hidden])"); });
    found.textContent = key ? shown.length + " \\u0111\\u01a1n v\\u1ecb" + (shown.length ? ": " : "") : "";
    if (key) {
      listed.slice(0, MAX_LINKS).forEach(function (entry) { found.append(entry.firstChild.cloneNode(true), " "); });
      if (listed.length > MAX_LINKS) { found.append("\\u2026"); }
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var first = document.querySelector("section.unit:not([hidden])");
    if (first) { first.scrollIntoView(); }
  });
  form.hidden = false;
})();
""".replace("MAX_LINKS", "8")
SCRIPT_HASH = base64.b64encode(hashlib.sha256(SCRIPT.encode("utf-8")).digest()).decode("ascii")
CSP = f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{SCRIPT_HASH}'; form-action 'none'"


def search_form() -> str:
    """The search box, kept at the top of the window while the page scrolls; hidden until the script shows it
    (without scripts it would do nothing)."""
    return (f'<form class="unit-search" id="{SEARCH_ID}" role="search" hidden>\n'
            f'<label for="{SEARCH_ID}-box">Tìm đơn vị theo tên hoặc mã <span class="en" lang="en">Find a unit'
            f'</span></label>\n<input id="{SEARCH_ID}-box" type="search" autocomplete="off" '
            'placeholder="vd. Cao Lộc, Đông Kinh, 06211"> <span class="found" aria-live="polite"></span>\n</form>')


def page(title: str, sections: list[str]) -> str:
    """The whole document around the already rendered sections."""
    return (
        '<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<h1>{escape(title)}</h1>\n" + "\n".join(sections) + f"\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
    )
