"""``make docs``: dbt's documentation as one page that opens from disk, its catalog read from the published release
without ever writing it (a BI reader or a run must never meet a lock because someone built the docs).

The recipe is the Makefile's own, run with the test's virtualenv, output folder and the demo run's warehouse; the
page is opened from ``file://`` in headless Chromium (Debian's), where dbt's non-static index stays "(loading)".
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
# dbt-docs' own page asks for its icons before Angular fills in their names ("{{ getIcon(...) }}"): a harmless
# upstream error on every page, whichever way it is opened.
DBT_DOCS_ICON_ERROR = "getIcon(item.type"


@pytest.fixture(scope="module")
def docs(demo_published, clean_env, tmp_path_factory):
    """(make's output, the static page, sha256 of the published database before and after)."""
    root = tmp_path_factory.mktemp("dbt_docs")
    database = demo_published / "warehouse.duckdb"
    before = hashlib.sha256(database.read_bytes()).hexdigest()
    env = clean_env({"CADRE_WAREHOUSE": str(demo_published.parent), "DBT_LOG_PATH": str(root / "logs")})
    done = subprocess.run(["make", "-o", "install", "docs", f"BIN={Path(sys.executable).parent}",
                           f"DOCS_DIR={root / 'site'}"], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout, root / "site" / "static_index.html", before, hashlib.sha256(database.read_bytes()).hexdigest()


def test_make_docs_says_where_the_page_is_and_how_to_serve_it_on_this_machine_only(docs):
    output, page, _, _ = docs
    assert f"file://{page}" in output
    assert re.search(r"dbt docs serve --host 127\.0\.0\.1 --port \d+ --target-path ", output)


def test_the_docs_read_the_published_release_and_leave_it_unchanged(docs):
    _, page, before, after = docs
    catalog = json.loads((page.parent / "catalog.json").read_text(encoding="utf-8"))["nodes"]
    indicators = catalog["model.cadre_warehouse.area_indicators"]
    assert indicators["metadata"]["name"] == "indicators" and "value_pct" in indicators["columns"]
    assert after == before


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="/usr/bin/chromium is not installed (make test installs it)")
def test_the_static_page_opens_from_disk_with_the_models_descriptions(docs):
    from playwright.sync_api import sync_playwright

    _, page_path, _, _ = docs
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            errors, requests = [], []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("console", lambda message: errors.append(message.text)
                    if message.type == "error" and DBT_DOCS_ICON_ERROR not in message.text
                    and "ERR_FILE_NOT_FOUND" not in message.text else None)
            page.on("request", lambda request: requests.append(request.url))
            page.goto(f"{page_path.as_uri()}#!/model/model.cadre_warehouse.area_indicators")
            page.get_by_text("Published as indicators").first.wait_for(timeout=60_000)
            text = page.inner_text("body")
        finally:
            browser.close()
    assert "(loading)" not in text
    assert "Code of the area (Mã địa bàn)" in text  # a column's description, from the manifest inside the page
    assert not errors
    assert not [url for url in requests if not url.startswith(("file:", "data:"))]  # nothing leaves the machine
