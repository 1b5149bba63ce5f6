"""The lineage UI: ``dagster-webserver -w workspace.yaml`` shows one graph from the lake to the publication.

A real webserver on a free port (its own tmp inbox, warehouse and DAGSTER_HOME) and headless Chromium (Debian's, never
a downloaded one). The screenshots are written under the test's tmp folder and their paths printed.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
# The path of one district's roster through the warehouse, as the search box of the lineage page selects it.
PATH_THROUGH = ("lake/memberships", "stg_memberships", "int_memberships", "indicators", "published")
GROUPS = ("ingest", "staging", "intermediate", "marts", "publish")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_serving(url: str, server: subprocess.Popen, log: Path, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"dagster-webserver exited with {server.returncode}:\n{log.read_text()[-5000:]}")
        try:
            with urllib.request.urlopen(f"{url}/server_info", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(1)
    pytest.fail(f"dagster-webserver did not answer within {timeout} s:\n{log.read_text()[-5000:]}")


def stop_server(server: subprocess.Popen, timeout: float = 30) -> None:
    """Stop a server started in a session of its own, with the code server it started."""
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=timeout)


@pytest.fixture
def webserver(clean_env, tmp_path):
    """The URL of a dagster-webserver serving workspace.yaml; the server and its code server are stopped after."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    (tmp_path / "inbox").mkdir()
    env = clean_env({"CADRE_INBOX": str(tmp_path / "inbox"), "CADRE_WAREHOUSE": str(tmp_path / "warehouse"),
                     "DAGSTER_HOME": str(home)})
    port, log = _free_port(), tmp_path / "webserver.log"
    with log.open("w") as output:
        # A session of its own, so stopping its process group also stops the gRPC code server it starts.
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "dagster-webserver"), "-w", "workspace.yaml", "-p", str(port),
             "-h", "127.0.0.1"],
            cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_until_serving(url, server, log)
        yield url
    finally:
        stop_server(server)


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1800, "height": 1000})
            # The "join the community" dialog would cover the graph: mark it dismissed, as its Skip button does.
            page.add_init_script("window.localStorage.setItem('communityNux', JSON.stringify('1'))")
            yield page
        finally:
            browser.close()


def _lineage_url(base: str) -> str:
    selection = " or ".join(f'key:"{key}"' for key in PATH_THROUGH)
    expanded = ",".join(f"global@global:{group}" for group in GROUPS)
    query = urllib.parse.urlencode({"expanded": expanded})
    return f"{base}/asset-groups~{urllib.parse.quote(selection, safe='')}/?{query}"


def test_lineage_graph_shows_lake_dbt_checks_and_published(webserver, page, tmp_path):
    page.goto(_lineage_url(webserver))
    nodes = [key.split("/")[-1] for key in PATH_THROUGH]
    for label in nodes:
        page.get_by_text(label, exact=True).first.wait_for(timeout=120_000)
    page.wait_for_timeout(1000)  # let the edges settle before the picture
    screenshot = tmp_path / "lineage.png"
    page.screenshot(path=str(screenshot))
    print(f"lineage screenshot: {screenshot}")

    for label in nodes:
        assert page.get_by_text(label, exact=True).count() == 1, label
    for group in GROUPS:
        assert page.get_by_text(group, exact=True).count() >= 2, group  # the box in the graph and the sidebar
    page.get_by_text("77 partitions", exact=True).wait_for(timeout=30_000)  # one per reporting unit; drawn last
    assert page.get_by_text("Asset checks", exact=True).count() == len(nodes)

    page.get_by_text("memberships", exact=True).click()
    page.get_by_text("lake / memberships", exact=True).wait_for(timeout=30_000)  # the node is the lake asset

    page.goto(f"{webserver}/assets/indicators?view=checks")
    page.get_by_text("gx_indicators", exact=True).first.click(timeout=60_000)
    suite = json.loads((REPO / "expectations" / "suites" / "indicators.json").read_text(encoding="utf-8"))
    for said in (suite["description_vi"], suite["description"]):  # the check's description, Vietnamese first
        page.get_by_text(said, exact=False).first.wait_for(timeout=30_000)
    checks = tmp_path / "gx_indicators_check.png"
    page.screenshot(path=str(checks))
    print(f"check screenshot: {checks}")
    assert "This is a blocking asset check." in page.inner_text("main" if page.locator("main").count() else "body")
