# SPDX-License-Identifier: MIT
"""cmap's -oJ / -oJL against its own -oX, and -oS against its terminal text.

Each scenario runs cmap once with -oX, -oJ and -oJL (cached). The JSON must
validate against docs/cmap-json.schema.json, carry exactly the hosts, port
states and reasons of the XML (folded ports included), and the JSON Lines
stream must be one self-contained record per line, hosts in the XML's
order, readable by jq.
"""

import json
import os
import re

import jsonschema
import pytest

import lab as labmod
import scanout
from labrun import FAST_TIMING

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCHEMA_PATH = os.path.join(REPO, "docs", "cmap-json.schema.json")
BASE = ["-sT", "-n", "-Pn"]
TARGETS = {t.role: t for t in labmod.TARGETS}
SCENARIOS = [
    pytest.param((BASE + ["-p", "1-1024", "--reason"],
                  [TARGETS["open"].v4, TARGETS["reject"].v4, TARGETS["open"].v6]),
                 id="three-hosts"),
    pytest.param((BASE + ["-p", "1-1100", "-v"] + FAST_TIMING, [TARGETS["filtered"].v4]),
                 id="filtered-verbose"),
    pytest.param((BASE + ["--top-ports", "100", "--open"] + FAST_TIMING, ["198.18.1.0/29"]),
                 id="open-cidr"),
    pytest.param((["-sT", "-p", "20-25,80,631", "--system-dns"], ["localhost"]),
                 id="localhost-names"),
    pytest.param((["-sL", "-n"], ["198.18.1.0/29"]), id="list-scan"),
]


@pytest.fixture(scope="session")
def validator():
    with open(SCHEMA_PATH, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture(scope="session")
def json_scans(lab, run_in, cmap_bin, tmp_path_factory):
    cache = {}
    outdir = tmp_path_factory.mktemp("json")

    def scan(options, targets):
        key = (tuple(options), tuple(targets))
        if key not in cache:
            base = outdir / f"scan{len(cache)}"
            files = {"X": f"{base}.xml", "J": f"{base}.json", "JL": f"{base}.jsonl"}
            argv = [cmap_bin] + options
            for fmt, path in files.items():
                argv += [f"-o{fmt}", path]
            run = run_in(lab.scanner, argv + targets)
            assert run.returncode == 0, run.describe()
            for fmt, path in files.items():
                with open(path, encoding="utf-8") as f:
                    run.files[fmt] = f.read()
            run.paths = files
            cache[key] = run
        return cache[key]

    return scan


@pytest.fixture(params=SCENARIOS)
def scanned(request, json_scans):
    options, targets = request.param
    return json_scans(options, targets)


def json_hosts(doc_hosts):
    """{address: HostResult} as scanout reads the XML, from JSON hosts."""
    hosts = {}
    for host in doc_hosts:
        status = host["status"]
        names = tuple((h["name"], h["type"]) for h in host["hostnames"])
        result = scanout.HostResult(status["state"], status["reason"], names)
        for port in host.get("ports", {}).get("port", []):
            st = port["state"]
            result.ports.add((port["protocol"], port["portid"], st["state"], st["reason"]))
        hosts[host["addresses"][0]["addr"]] = result
    return hosts


def json_lines(text):
    assert text.endswith("\n")
    return [json.loads(line) for line in text.split("\n")[:-1]]


def test_json_validates_against_schema(scanned, validator):
    validator.validate(json.loads(scanned.files["J"]))
    for record in json_lines(scanned.files["JL"]):
        validator.validate(record)


def test_json_ports_equal_xml(scanned):
    xml = scanout.xml_hosts(scanned.files["X"])
    doc = json.loads(scanned.files["J"])
    got = json_hosts(doc["hosts"])
    assert list(got) == list(xml), "hosts or their order differ"
    for addr, want in xml.items():
        assert want.folded_counts == {}, "cmap's XML names every folded port"
        assert (got[addr].state, got[addr].reason, got[addr].hostnames) == \
            (want.state, want.reason, want.hostnames), addr
        if "--open" in scanned.argv:
            listed = {p for p in want.ports if p[2] in ("open", "open|filtered")}
            assert got[addr].ports == listed, addr
        else:
            assert got[addr].ports == want.ports, addr


def test_json_summaries_equal_xml(scanned):
    root = scanout.parse_xml(scanned.files["X"])
    doc = json.loads(scanned.files["J"])
    xml_info = [{k: el.get(k) for k in ("type", "protocol", "numservices", "services")}
                for el in root.findall("scaninfo")]
    json_info = [{k: str(v) for k, v in info.items()} for info in doc["scaninfo"]]
    assert json_info == xml_info
    assert doc["args"] == root.get("args")
    assert doc["start"] == int(root.get("start"))
    assert str(doc["verbose"]) == root.find("verbose").get("level")
    hosts = root.find("runstats/hosts")
    assert {k: str(v) for k, v in doc["runstats"]["hosts"].items()} == dict(hosts.attrib)
    finished = root.find("runstats/finished")
    assert doc["runstats"]["finished"]["exit"] == finished.get("exit")
    assert doc["runstats"]["finished"]["summary"] == finished.get("summary")
    for host_el, host in zip(root.findall("host"), doc["hosts"]):
        extras = [{"state": e.get("state"), "count": int(e.get("count")),
                   "extrareasons": [{"reason": r.get("reason"), "count": int(r.get("count")),
                                     "proto": r.get("proto"), "ports": r.get("ports")}
                                    for r in e.findall("extrareasons")]}
                  for e in host_el.findall("ports/extraports")]
        assert host.get("ports", {}).get("extraports", []) == extras
    xml_tasks = [(el.tag, el.get("task")) for el in root if el.tag.startswith("task")]
    assert [(t["type"], t["task"]) for t in doc["tasks"]] == xml_tasks


def test_json_lines_stream(scanned):
    records = json_lines(scanned.files["JL"])
    doc = json.loads(scanned.files["J"])
    assert records[0]["type"] == "run" and records[-1]["type"] == "runstats"
    assert all(r["type"] not in ("run", "runstats") for r in records[1:-1])
    assert [r for r in records if r["type"] == "host"] == doc["hosts"]
    assert records[-1]["hosts"] == doc["runstats"]["hosts"]
    head = {k: v for k, v in doc.items() if k not in ("hosts", "tasks", "runstats")}
    assert records[0] == head


def test_jq_reads_both(lab, run_in, scanned):
    paths = scanned.paths
    doc = json.loads(scanned.files["J"])
    hosts = run_in(lab.scanner, ["jq", "-c", 'select(.type=="host")', paths["JL"]], timeout=30)
    assert hosts.returncode == 0, hosts.describe()
    assert [json.loads(line) for line in hosts.stdout.splitlines()] == doc["hosts"]
    count = run_in(lab.scanner, ["jq", ".hosts | length", paths["J"]], timeout=30)
    assert count.returncode == 0, count.describe()
    assert int(count.stdout) == len(doc["hosts"])


def test_json_lines_on_stdout(lab, run_in, cmap_bin, validator):
    """-oJL - replaces the terminal text: stdout is the stream alone."""
    run = run_in(lab.scanner, [cmap_bin] + BASE + ["-p", "20-25,80", "-oJL", "-",
                                                   TARGETS["open"].v4, TARGETS["reject"].v4])
    assert run.returncode == 0, run.describe()
    records = json_lines(run.stdout)
    for record in records:
        validator.validate(record)
    assert [r["type"] for r in records] == ["run", "host", "host", "runstats"]
    assert [r["addresses"][0]["addr"] for r in records[1:3]] == \
        [TARGETS["open"].v4, TARGETS["reject"].v4]


LEET = {"A": "4", "e": "3", "E": "3", "o": "0", "O": "0", "z": "s", "Z": "S"}


def kiddie_allowed(plain, nxt, got):
    """Whether nmap's skid_output() may turn plain (followed by nxt) into got."""
    if got == plain or (plain.isalpha() and got == plain.swapcase()):
        return True
    if plain in "iI":
        return got in "!|1"
    if plain in "sS":
        return got == ("z" if nxt and not nxt.isalnum() else "$")
    return LEET.get(plain) == got


def test_kiddie_is_the_terminal_text(lab, run_in, cmap_bin, tmp_path):
    """-oS holds the interactive report, letter-substituted as nmap does."""
    path = tmp_path / "out.skid"
    run = run_in(lab.scanner, [cmap_bin] + BASE + ["-p", "1-100", "-oS", path,
                                                   TARGETS["open"].v4])
    assert run.returncode == 0, run.describe()
    kiddie = path.read_text(encoding="utf-8")
    plain = run.stdout
    assert len(kiddie) == len(plain)
    for i, (a, b) in enumerate(zip(plain, kiddie)):
        nxt = plain[i + 1] if i + 1 < len(plain) else ""
        assert kiddie_allowed(a, nxt, b), f"position {i}: {a!r} became {b!r}"
    assert kiddie != plain
    assert re.match(r"^[$sS]t[a4A]rt", kiddie, re.I)
