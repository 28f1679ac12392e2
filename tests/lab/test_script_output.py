# SPDX-License-Identifier: MIT
"""NSE results in cmap's outputs against nmap 7.93's, on the same lab hosts.

Both programs run the same scripts: the lab's own test scripts
(tests/lab/nse/cmapout-*.nse: fixed results in every phase, outputs with
leading newlines, empty lines, control bytes, empty outputs, nested tables,
markup to escape)
and some of nmap's (ftp-anon, ssh-hostkey, http-title, banner) against the
`svc` target's real daemons. The normal output must be the same text line
for line and the XML the same script elements, valid against nmap.dtd;
the JSON must carry the same results and validate against its schema.

Which of two scripts finishes first is up to each engine (nmap's order
follows the hash order of its Lua tables), so where several results follow
each other the comparison sorts them; the layout itself is checked byte for
byte against nmap's recorded files in tests/unit/test_script_output.c.
"""

import json
import os
import re
import subprocess
import xml.etree.ElementTree as ET

import jsonschema
import pytest

import lab as labmod

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NSE = os.path.join(REPO, "tests", "lab", "nse")
SCRIPT_A, SCRIPT_B, SCRIPT_C, SCRIPT_D, SCRIPT_E = (os.path.join(NSE, f"cmapout-{x}.nse")
                                                    for x in "abcde")
SCHEMA_PATH = os.path.join(REPO, "docs", "cmap-json.schema.json")
DTD = "/usr/share/nmap/nmap.dtd"
TARGETS = {t.role: t for t in labmod.TARGETS}
SVC = labmod.SVC_TARGET
TIMEOUT = 90

SCENARIOS = {
    # Every layout case of the test scripts, on open ports of real daemons.
    "custom": (["-sT", "-Pn", "-n", "-p", "21,22,25,53,80,443,6379", "--script",
                f"{SCRIPT_A},{SCRIPT_B}"], [SVC.v4]),
    # -v and --reason change the table and the progress lines, not the scripts.
    "verbose-reason": (["-sT", "-Pn", "-n", "-v", "--reason", "-p", "1-100", "--script",
                        SCRIPT_A], [SVC.v4]),
    # --open: closed ports folded, a host without open ports hidden.
    "open": (["-sT", "-Pn", "-n", "--open", "-p", "21,22,80,81-90", "--script", SCRIPT_A],
             [SVC.v4, TARGETS["dark"].v4]),
    # nmap's own scripts against the daemons.
    "nmap-scripts": (["-sT", "-Pn", "-n", "-p", "21,22,80,443", "--script",
                      "ftp-anon,ssh-hostkey,http-title"], [SVC.v4]),
    "banner": (["-sT", "-Pn", "-n", "-p", "21,22", "--script", "banner"], [SVC.v4]),
    # A ping scan with scripts: host blocks end with an empty line, hosts
    # get times in XML; host scripts on one, none on the other.
    "ping-scan": (["-sn", "-n", "--script", SCRIPT_C, "--script-args", "cmapout-c.host"],
                  [SVC.v4, TARGETS["open"].v4]),
    "ping-scan-no-host-scripts": (["-sn", "-n", "--script", SCRIPT_C], [SVC.v4]),
    # Host scripts come before the traceroute, after MAC and port table.
    "ping-scan-trace": (["-sn", "-n", "--traceroute", "--script", SCRIPT_B], [SVC.v4]),
    "syn-trace": (["-sS", "-Pn", "-n", "--traceroute", "-p", "22", "--script", SCRIPT_B],
                  [SVC.v4]),
    # Markup, "--", control bytes and UTF-8 in a structure's keys and values.
    "escaping": (["-sn", "-n", "--script", SCRIPT_D], [SVC.v4]),
    # Silent UDP ports: every one open|filtered, folded, with script results
    # no format shows; an empty host script output.
    "udp-folded": (["-sU", "-Pn", "-n", "--max-retries", "0", "-p", "1-30,81", "--script",
                    SCRIPT_C, "--script-args", "cmapout-c.host=empty"], [TARGETS["dark"].v4]),
}


@pytest.fixture(scope="module")
def scans(svc_host, scan_both):
    """{scenario: {"nmap": Run, "cmap": Run}}, each pair run once."""
    cache = {}

    def get(name):
        if name not in cache:
            options, targets = SCENARIOS[name]
            cache[name] = scan_both(options, targets, formats="NX", timeout=TIMEOUT,
                                    parallel=True)
            for prog, run in cache[name].items():
                assert run.returncode == 0, f"{prog}: {run.describe()}"
        return cache[name]

    return get


def is_script_line(line):
    return line.startswith("| ") or line.startswith("|_")


def sort_script_runs(lines):
    """The lines with each run of consecutive script results sorted by
    result (a result is its "| id: ..." lines through its "|_" line)."""
    out, run, current = [], [], []
    for line in lines + [None]:
        if line is not None and is_script_line(line):
            current.append(line)
            if line.startswith("|_"):
                run.append(current)
                current = []
            continue
        if current:  # an unterminated result: keep it as it is
            run.append(current)
            current = []
        for result in sorted(run):
            out.extend(result)
        run = []
        if line is not None:
            out.append(line)
    return out


VOLATILE = [
    (re.compile(r"\([0-9.]+s latency\)"), "(L latency)"),
    (re.compile(r"^MAC Address: .*"), "MAC Address: M"),
    (re.compile(r" at \d\d:\d\d"), " at T"),
    (re.compile(r"[0-9.]+s elapsed"), "Es elapsed"),
    (re.compile(r"^1   [0-9.]+ ms "), "1   R ms "),
]
# Lines that are not the writers': headers, trailers, the data directory
# (nmap finds its own through its binary's path), retransmission warnings
# and the order of "Discovered" lines (scan engine timing).
SKIP = re.compile(r"^(# |Starting |Nmap done|Read data files|Warning: |Discovered open port)")


def normal_lines(text):
    lines = []
    for line in text.split("\n"):
        if SKIP.match(line):
            continue
        for pattern, repl in VOLATILE:
            line = pattern.sub(repl, line)
        lines.append(line)
    return sort_script_runs(lines)


def canon_elems(el):
    """A <script>/<table>'s items: array items in order, keyed ones sorted
    (Lua's pairs() order is each engine's own)."""
    items, keyed = [], []
    for child in el:
        value = canon_elems(child) if child.tag == "table" else (child.text or "")
        key = child.get("key")
        (items if key is None else keyed).append((child.tag, key or "", value))
    return (tuple(items), tuple(sorted(keyed, key=repr)))


def canon_script(el):
    return (el.get("id"), el.get("output"), canon_elems(el))


def xml_scripts(text):
    """{place: sorted script tuples} for every place scripts can be."""
    root = ET.fromstring(text)
    places = {}

    def add(place, parent):
        places[place] = sorted((canon_script(s) for s in parent.findall("script")), key=repr)

    for tag in ("prescript", "postscript"):
        for el in root.findall(tag):
            add(tag, el)
    for host in root.findall("host"):
        addr = host.find("address").get("addr")
        places[("host", addr)] = (host.get("starttime") is not None,)
        for el in host.findall("hostscript"):
            add(("hostscript", addr), el)
        for port in host.findall("ports/port"):
            add(("port", addr, port.get("protocol"), port.get("portid")), port)
    return places


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_normal_output_matches_nmap(scans, name):
    runs = scans(name)
    want = normal_lines(runs["nmap"].files["N"])
    got = normal_lines(runs["cmap"].files["N"])
    assert got == want, f"-oN differs\n--- nmap\n{runs['nmap'].files['N']}--- cmap\n" \
                        f"{runs['cmap'].files['N']}"
    assert any(is_script_line(line) for line in want), "the scenario shows no script output"
    # The terminal report too (less its -v progress lines' timing).
    assert normal_lines(runs["cmap"].stdout) == normal_lines(runs["nmap"].stdout)


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_xml_scripts_match_nmap(scans, name):
    runs = scans(name)
    want = xml_scripts(runs["nmap"].files["X"])
    got = xml_scripts(runs["cmap"].files["X"])
    assert got == want


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_xml_is_valid(scans, name, tmp_path):
    path = tmp_path / "cmap.xml"
    path.write_text(scans(name)["cmap"].files["X"], encoding="utf-8")
    check = subprocess.run(["xmllint", "--noout", "--dtdvalid", DTD, str(path)],
                           capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stderr


def test_empty_output_is_an_error_on_stderr(scans):
    """nmap's "Bug in <id>: no string output." goes to stderr and -oN, not
    to the terminal's report."""
    for name in ("custom", "udp-folded"):
        for prog, run in scans(name).items():
            assert "no string output." in run.stderr, f"{prog} {name}: {run.stderr}"
            assert "no string output." not in run.stdout
            assert "no string output." in run.files["N"]


def test_version_scripts_alone_show_nothing(svc_host, scan_both):
    """-sV without --script runs the version scripts (http-server-header
    has something to say about nginx) but nmap shows none of their output;
    with a --script, it does."""
    options = ["-sV", "-sT", "-Pn", "-n", "-p", "22,80"]
    runs = scan_both(options, [SVC.v4], formats="NX", timeout=TIMEOUT, parallel=True)
    for prog, run in runs.items():
        assert run.returncode == 0, run.describe()
        assert "http-server-header" not in run.files["N"], prog
        assert "<script" not in run.files["X"], prog
    assert normal_lines(runs["cmap"].files["N"]) == normal_lines(runs["nmap"].files["N"])
    runs = scan_both(options + ["--script", SCRIPT_B], [SVC.v4], formats="NX", timeout=TIMEOUT,
                     parallel=True)
    for prog, run in runs.items():
        assert "|_http-server-header: nginx/" in run.files["N"], prog
    assert normal_lines(runs["cmap"].files["N"]) == normal_lines(runs["nmap"].files["N"])
    assert xml_scripts(runs["cmap"].files["X"]) == xml_scripts(runs["nmap"].files["X"])


def test_bare_values_normal_output(svc_host, scan_both):
    """A number and an empty table as results (cmapout-e): "|_id: 42" and
    nmap's "Bug in" error."""
    runs = scan_both(["-sn", "-n", "--script", SCRIPT_E], [SVC.v4], formats="NX",
                     timeout=TIMEOUT, parallel=True)
    assert normal_lines(runs["cmap"].files["N"]) == normal_lines(runs["nmap"].files["N"])
    assert "|_cmapout-e: 42\n" in runs["cmap"].files["N"]


def test_bare_values_xml(svc_host, scan_both):
    """nmap writes <script output="42">42</script> and, for an empty table,
    <script output=""></script>."""
    runs = scan_both(["-sn", "-n", "--script", SCRIPT_E], [SVC.v4], formats="NX",
                     timeout=TIMEOUT, parallel=True)
    nmap, cmap = runs["nmap"].files["X"], runs["cmap"].files["X"]
    assert '<script id="cmapout-e" output="42">42</script>' in nmap
    assert '<script id="cmapout-e" output=""></script>' in nmap
    assert '<script id="cmapout-e" output="42">42</script>' in cmap
    assert '<script id="cmapout-e" output=""></script>' in cmap


def test_comparison_can_fail(scans):
    """The normalisation keeps what matters: another script's result, or a
    result moved to another port, is noticed."""
    runs = scans("custom")
    text = runs["cmap"].files["N"]
    assert normal_lines(text.replace("|_cmapout-a: one line", "|_cmapout-a: one Line")) != \
        normal_lines(runs["nmap"].files["N"])
    moved = text.replace("22/tcp   open  ssh\n|_cmapout-a: one line\n",
                         "22/tcp   open  ssh\n").replace("25/tcp   open  smtp\n",
                                                         "25/tcp   open  smtp\n|_cmapout-a: one line\n")
    assert moved != text
    assert normal_lines(moved) != normal_lines(runs["nmap"].files["N"])
    xml = runs["cmap"].files["X"].replace('output="b on 22"', 'output="b on 23"')
    assert xml_scripts(xml) != xml_scripts(runs["nmap"].files["X"])


def json_script(s):
    def elems(items):
        plain, keyed = [], []
        for e in items:
            value = elems(e["elems"]) if "elems" in e else e["value"]
            tag = "table" if "elems" in e else "elem"
            (plain if "key" not in e else keyed).append((tag, e.get("key", ""), value))
        return (tuple(plain), tuple(sorted(keyed, key=repr)))
    return (s["id"], s["output"], elems(s.get("elems", [])))


def test_json_carries_the_same_results(lab, svc_host, run_in, cmap_bin, scans, tmp_path):
    """-oJ and -oJL: the XML's results (of the ports the XML lists), valid
    against the schema."""
    with open(SCHEMA_PATH, encoding="utf-8") as f:
        validator = jsonschema.Draft202012Validator(json.load(f))
    options, targets = SCENARIOS["custom"]
    paths = {fmt: tmp_path / f"out.{fmt}" for fmt in ("X", "J", "JL")}
    argv = [cmap_bin] + options
    for fmt, path in paths.items():
        argv += [f"-o{fmt}", str(path)]
    run = run_in(lab.scanner, argv + targets, timeout=TIMEOUT)
    assert run.returncode == 0, run.describe()
    xml = xml_scripts(paths["X"].read_text(encoding="utf-8"))
    doc = json.loads(paths["J"].read_text(encoding="utf-8"))
    validator.validate(doc)
    places = {"prescript": sorted(map(json_script, doc.get("prescripts", [])), key=repr),
              "postscript": sorted(map(json_script, doc.get("postscripts", [])), key=repr)}
    for host in doc["hosts"]:
        addr = host["addresses"][0]["addr"]
        places[("host", addr)] = (True,)
        if "hostscripts" in host:
            places[("hostscript", addr)] = sorted(map(json_script, host["hostscripts"]), key=repr)
        for port in host["ports"]["port"]:
            places[("port", addr, port["protocol"], str(port["portid"]))] = \
                sorted(map(json_script, port.get("scripts", [])), key=repr)
    assert places == xml
    records = [json.loads(line) for line in paths["JL"].read_text(encoding="utf-8").splitlines()]
    for record in records:
        validator.validate(record)
    types = [r["type"] for r in records]
    assert types == ["run", "prescript", "host", "postscript", "runstats"]
    assert sorted(map(json_script, records[1]["scripts"]), key=repr) == xml["prescript"]
    assert sorted(map(json_script, records[3]["scripts"]), key=repr) == xml["postscript"]
