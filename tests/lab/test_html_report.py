# SPDX-License-Identifier: MIT
"""An HTML report as users make it: cmap's XML through Nmap's nmap.xsl
(xsltproc), then rendered by a real browser (headless Chromium).

The port table of the report must be the one nmap's XML gives for the same
scan, and the rendered page must be a real page, not a blank screenshot.
Chromium runs inside the lab's scanner namespace, which has no route out,
and is bounded in time.
"""

import html.parser
import shutil

import pytest
from PIL import Image

import lab as labmod
from labrun import require_success

XSL = "/usr/share/nmap/nmap.xsl"
CHROMIUM_TIMEOUT = 60
WINDOW = (1200, 900)
TARGET = next(t for t in labmod.TARGETS if t.role == "open")
CLOSED_PORTS = (21, 23, 25, 110)
PORTS = sorted(TARGET.listen + CLOSED_PORTS)
OPTIONS = ["-sT", "-n", "-Pn", "--reason", "-p", ",".join(map(str, PORTS))]
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


class PortTables(html.parser.HTMLParser):
    """Rows of nmap.xsl's port tables: address -> [(port, proto, state,
    service, reason)], in document order."""

    def __init__(self):
        super().__init__()
        self.tables = {}
        self.rows = None
        self.cells = None
        self.text = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        table_id = attrs.get("id") or ""
        if tag == "table" and table_id.startswith("porttable_"):
            self.rows = self.tables.setdefault(table_id[len("porttable_"):], [])
        elif tag == "tr" and self.rows is not None and attrs.get("class") != "head":
            self.cells = []
        elif tag == "td" and self.cells is not None:
            self.text = []

    def handle_data(self, data):
        if self.text is not None:
            self.text.append(data)

    def handle_endtag(self, tag):
        if tag == "td" and self.text is not None:
            self.cells.append("".join(self.text).replace("\xa0", " ").strip())
            self.text = None
        elif tag == "tr" and self.cells is not None:
            self.rows.append(tuple(self.cells[:5]))
            self.cells = None
        elif tag == "table":
            self.rows = None


def port_tables(html_text):
    parser = PortTables()
    parser.feed(html_text)
    parser.close()
    return parser.tables


def transform(run_in, ns, xml_path, html_path):
    result = run_in(ns, ["xsltproc", "-o", html_path, XSL, xml_path], timeout=30)
    assert result.returncode == 0, result.describe()
    with open(html_path, encoding="utf-8") as f:
        return f.read()


@pytest.fixture(scope="module")
def reports(lab, scan_both, run_in, tmp_path_factory):
    """{"nmap": html, "cmap": html} for one scan of the open host."""
    if shutil.which("xsltproc") is None:
        pytest.fail("xsltproc is not installed (run scripts/install-deps.sh)", pytrace=False)
    runs = scan_both(OPTIONS, [TARGET.v4], formats="X")
    require_success(runs)
    outdir = tmp_path_factory.mktemp("html")
    return {name: transform(run_in, lab.scanner, run.argv[run.argv.index("-oX") + 1],
                            outdir / f"{name}.html")
            for name, run in runs.items()}


def test_report_lists_the_host_and_its_open_ports(reports):
    tables = port_tables(reports["cmap"])
    assert list(tables) == [TARGET.v4]
    rows = tables[TARGET.v4]
    assert TARGET.v4 in reports["cmap"]
    open_ports = {int(port) for port, proto, state, _, _ in rows
                  if proto == "tcp" and state == "open"}
    closed_ports = {int(port) for port, proto, state, _, _ in rows
                    if proto == "tcp" and state == "closed"}
    assert open_ports == set(TARGET.listen)
    assert closed_ports == set(CLOSED_PORTS)
    assert all(reason == "syn-ack" for _, _, state, _, reason in rows if state == "open")


def test_report_port_table_matches_nmaps(reports):
    assert port_tables(reports["cmap"]) == port_tables(reports["nmap"])


# nmap.xsl's CSS: the title bar, and the rows of open ports and up hosts.
TITLE_BAR = (0x2A, 0x0D, 0x45)
OPEN_ROW = (0xCC, 0xFF, 0xCC)


def screenshot_colours(path):
    """(size, {colour: share of the pixels})."""
    with Image.open(path) as img:
        rgb = img.convert("RGB")
        pixels = rgb.width * rgb.height
        return rgb.size, {colour: count / pixels
                          for count, colour in rgb.getcolors(maxcolors=pixels)}


def test_chromium_renders_the_report(lab, reports, run_in, tmp_path):
    if shutil.which("chromium") is None:
        pytest.fail("chromium is not installed (run scripts/install-deps.sh)", pytrace=False)
    page = tmp_path / "report.html"
    page.write_text(reports["cmap"], encoding="utf-8")
    png = tmp_path / "report.png"
    argv = (["chromium"] + CHROMIUM_FLAGS +
            [f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={png}",
             f"--window-size={WINDOW[0]},{WINDOW[1]}", page.as_uri()])
    result = run_in(lab.scanner, argv, timeout=CHROMIUM_TIMEOUT)
    assert result.returncode == 0, result.describe()
    assert png.is_file(), f"no screenshot written:\n{result.describe()}"
    size, colours = screenshot_colours(png)
    assert size == WINDOW
    background = max(colours.values())
    assert len(colours) > 16 and background < 0.98, (
        f"screenshot looks blank: {len(colours)} colours, background {background:.1%}")
    # The stylesheet's layout was applied and the open-port table drawn (an
    # error page or unstyled text has neither colour).
    assert colours.get(TITLE_BAR, 0) > 0.005, "no title bar in the screenshot"
    assert colours.get(OPEN_ROW, 0) > 0.01, "no open-port rows in the screenshot"
