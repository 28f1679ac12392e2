# SPDX-License-Identifier: MIT
"""The script engine end to end: cmap runs nmap 7.93's own nse_main.lua,
nselib and scripts, and must print what nmap prints on the same host.

Against the lab's real daemons (the "svc" target, daemons.py): http-title
on nginx (plain and TLS), -sC, a script of the test's own with every rule
type and --script-args, -sV's version scripts on net-snmp, the errors of an
unknown script and of unparseable arguments, --script-help and
--script-updatedb. Script results of one port are compared as a set: both
programs list them in the order the scripts finished, which varies from run
to run (nmap's own order changes between two runs of the same command).
"""

import os
import re
import subprocess
import time

import pytest

import scanout
from labrun import require_success

TIMEOUT = 120
DTD = "/usr/share/nmap/nmap.dtd"
BASE = ["-sT", "-Pn", "-n"]

# A script of the test's own: every rule type, a structured result with
# nested and escaped values, script arguments, and a (table, string) pair.
RULES_SCRIPT = r'''
local stdnse = require "stdnse"
description = [[cmap lab: every rule type.]]
categories = {"safe"}
prerule = function() return true end
hostrule = function(host) return true end
portrule = function(host, port) return port.state == "open" end
postrule = function() return true end
action = function(host, port)
  local o = stdnse.output_table()
  if SCRIPT_TYPE == "prerule" then
    o.phase = "pre"
    o.word = stdnse.get_script_args("labrules.word") or "none"
    o.list = {"a", "b<&>\"'", {x = "1"}}
    return o
  elseif SCRIPT_TYPE == "hostrule" then
    return "host " .. host.ip
  elseif SCRIPT_TYPE == "portrule" then
    o.port = port.number
    o.proto = port.protocol
    o.service = port.service
    return o, "port " .. port.number .. "/" .. port.protocol
  end
  return {"post", "done"}
end
'''

# vsftpd's status counts the connections open at that moment.
VOLATILE = [(re.compile(r"client count was \d+"), "client count was N")]


def unvolatile(text):
    for pattern, repl in VOLATILE:
        text = pattern.sub(repl, text)
    return text


def script_blocks(normal):
    """{section: sorted list of script blocks} from normal output. Sections
    are "pre", "post", "host" and "<port>/<proto>"; a block is a script's
    lines ("| id: ...", "|   ...", "|_...") joined."""
    sections = {}
    section = None
    block = []

    def flush():
        if block and section:
            sections.setdefault(section, []).append(unvolatile("\n".join(block)))
        block.clear()

    for line in normal.splitlines():
        port = re.match(r"^(\d+/(?:tcp|udp|sctp))\s", line)
        if port:
            flush()
            section = port.group(1)
        elif line.startswith("Pre-scan script results:"):
            flush()
            section = "pre"
        elif line.startswith("Post-scan script results:"):
            flush()
            section = "post"
        elif line.startswith("Host script results:"):
            flush()
            section = "host"
        elif line.startswith("|"):
            if re.match(r"^\|_?[ ]?[A-Za-z0-9_.-]+:", line) and not line.startswith("|  "):
                flush()
            block.append(line)
            if line.startswith("|_"):
                flush()
        else:
            flush()
            if not line.strip():
                section = section if section and "/" in section else None
    flush()
    return {k: sorted(v) for k, v in sections.items()}


def elem_tree(node):
    """A <script>/<table>'s children as comparable nested tuples: array
    items in order, keyed ones sorted (a script's plain Lua table lists its
    keys in hash order, which changes from run to run in nmap too)."""
    items = []
    for child in node:
        if child.tag == "elem":
            items.append(("elem", child.get("key"), unvolatile(child.text or "")))
        elif child.tag == "table":
            items.append(("table", child.get("key"), elem_tree(child)))
    return tuple(sorted(items, key=lambda i: (i[1] is not None, i[1] or "")))


def xml_scripts(text):
    """{section: sorted [(id, output, structure)]} from XML output."""
    root = scanout.parse_xml(text)
    out = {}

    def add(section, script):
        out.setdefault(section, []).append(
            (script.get("id"), unvolatile(script.get("output")), elem_tree(script)))

    for s in root.findall("prescript/script"):
        add("pre", s)
    for s in root.findall("postscript/script"):
        add("post", s)
    for host in root.findall("host"):
        for port in host.findall("ports/port"):
            for s in port.findall("script"):
                add(f"{port.get('portid')}/{port.get('protocol')}", s)
        for s in host.findall("hostscript/script"):
            add("host", s)
    return {k: sorted(v) for k, v in out.items()}


def nse_task_lines(stdout):
    """The engine's progress lines, times dropped."""
    keep = []
    for line in stdout.splitlines():
        if line.startswith("NSE: ") or re.match(r"^(Initiating|Completed) NSE at", line):
            keep.append(re.sub(r" at \d\d:\d\d.*", " at T", line))
    return keep


def dtd_valid(ns_run, path):
    check = subprocess.run(["xmllint", "--noout", "--dtdvalid", DTD, path],
                           capture_output=True, text=True, timeout=60)
    return check.returncode, check.stderr


@pytest.fixture(scope="module")
def rules_script(tmp_path_factory):
    path = tmp_path_factory.mktemp("nse") / "labrules.nse"
    path.write_text(RULES_SCRIPT)
    os.chmod(path.parent, 0o755)
    os.chmod(path, 0o644)
    return str(path)


def both(scan_both, options, target, formats="NX", timeout=TIMEOUT):
    runs = scan_both(options, [target], formats, timeout, parallel=True)
    require_success(runs)
    return runs


# ---- results --------------------------------------------------------------

def test_http_title_plain_and_tls_match_nmap(svc_host, scan_both, tmp_path):
    runs = both(scan_both, ["-v"] + BASE + ["-p", "80,443", "--script", "http-title"],
                svc_host.v4)
    nmap, cmap = runs["nmap"], runs["cmap"]
    blocks = script_blocks(cmap.files["N"])
    assert blocks.get("80/tcp") == ["|_http-title: cmap lab"], cmap.files["N"]
    assert blocks == script_blocks(nmap.files["N"])
    assert xml_scripts(cmap.files["X"]) == xml_scripts(nmap.files["X"])
    # "NSE: Loaded 1 scripts", the three phases and their task lines.
    assert nse_task_lines(cmap.stdout) == nse_task_lines(nmap.stdout)
    assert len(nse_task_lines(cmap.stdout)) >= 10
    xml_path = tmp_path / "cmap.xml"
    xml_path.write_text(cmap.files["X"])
    assert dtd_valid(None, str(xml_path)) == (0, "")


def test_every_rule_type_and_script_args_match_nmap(svc_host, scan_both, rules_script):
    opts = BASE + ["-p", "22,80,81", "--script", rules_script,
                   "--script-args", "labrules.word=hello,other={1,2}"]
    runs = both(scan_both, opts, svc_host.v4)
    nmap, cmap = runs["nmap"], runs["cmap"]
    blocks = script_blocks(cmap.files["N"])
    assert set(blocks) == {"pre", "22/tcp", "80/tcp", "host", "post"}, cmap.files["N"]
    assert "|   word: hello" in blocks["pre"][0]
    assert blocks == script_blocks(nmap.files["N"])
    assert xml_scripts(cmap.files["X"]) == xml_scripts(nmap.files["X"])
    # The whole report, script lines in place, is nmap's.
    assert scanout.normal_body(cmap.files["N"]) == scanout.normal_body(nmap.files["N"])


SCRIPT_FAILED = "ERROR: Script execution failed"


def without_failures(sections):
    """Script results minus failed scripts (a script nmap itself fails now
    and then on a loaded machine, e.g. smtp-ntlm-info)."""
    kept = {k: [b for b in v if SCRIPT_FAILED not in str(b)] for k, v in sections.items()}
    return {k: v for k, v in kept.items() if v}


def test_default_scripts_match_nmap(svc_host, scan_both, tmp_path):
    runs = both(scan_both, ["-sC"] + BASE + ["-p", "21,22,25,80,443"], svc_host.v4)
    nmap, cmap = runs["nmap"], runs["cmap"]
    blocks = script_blocks(cmap.files["N"])
    assert "22/tcp" in blocks and "443/tcp" in blocks, cmap.files["N"]
    assert SCRIPT_FAILED not in cmap.files["N"], cmap.files["N"]
    assert blocks == without_failures(script_blocks(nmap.files["N"]))
    assert xml_scripts(cmap.files["X"]) == without_failures(xml_scripts(nmap.files["X"]))
    xml_path = tmp_path / "cmap.xml"
    xml_path.write_text(cmap.files["X"])
    assert dtd_valid(None, str(xml_path)) == (0, "")


# ---- -sV runs the version scripts ----------------------------------------------

def test_version_scripts_complete_snmp_service(svc_host, scan_both):
    """nmap's service line for net-snmp comes partly from the snmp-info
    version script; with the engine, cmap's -sV line is nmap's."""
    runs = both(scan_both, ["-v", "-sV", "-sU", "-Pn", "-n", "-p", "161"], svc_host.v4,
                formats="NX")
    nmap, cmap = runs["nmap"], runs["cmap"]
    nmap_rows = scanout.port_table(nmap.files["N"])
    assert any("net-snmp SNMPv3 server" in r for r in nmap_rows), nmap_rows
    assert scanout.port_table(cmap.files["N"]) == nmap_rows
    info = [l for l in cmap.files["N"].splitlines() if l.startswith("Service Info:")]
    assert info == [l for l in nmap.files["N"].splitlines() if l.startswith("Service Info:")]
    # -sV alone: the version scripts load, no pre- or post-scan phase.
    lines = nse_task_lines(cmap.stdout)
    assert lines == nse_task_lines(nmap.stdout)
    assert "NSE: Loaded 45 scripts for scanning." in lines
    assert "NSE: Script Pre-scanning." not in lines


# ---- errors --------------------------------------------------------------------

def lua_error_text(stderr):
    """The engine's message with the path of nse_main.lua masked."""
    return re.sub(r"\S*/nse_main\.lua", "nse_main.lua", stderr).replace("Nmap", "cmap")


@pytest.mark.parametrize("options", [
    ["--script", "nosuchscript"],
    ["--script", "http-title", "--script-args", "a={"],
    ["--script", "http-title", "--script-args-file", "/nonexistent/args"],
    # A relative file is looked for on the data path only, never in the
    # working directory (the repository's root, where this file exists).
    ["--script", "http-title", "--script-args-file", "tests/lab/pytest.ini"],
], ids=["unknown-script", "bad-args", "missing-args-file", "relative-args-file"])
def test_engine_errors_match_nmap(svc_host, lab, run_in, cmap_bin, tmp_path, options):
    results = {}
    for name, exe in (("nmap", "nmap"), ("cmap", cmap_bin)):
        xml = tmp_path / f"{name}.xml"
        run = run_in(lab.scanner, [exe] + BASE + ["-p", "80"] + options + ["-oX", xml,
                                                                          svc_host.v4], TIMEOUT)
        results[name] = (run, xml.read_text())
    nmap, cmap = results["nmap"][0], results["cmap"][0]
    assert nmap.returncode == 1 and cmap.returncode == 1, cmap.describe()
    assert "NSE: failed to initialize the script engine:" in cmap.stderr
    assert lua_error_text(cmap.stderr) == lua_error_text(nmap.stderr)
    assert "Nmap scan report" not in cmap.stdout
    root = scanout.parse_xml(results["cmap"][1])
    finished = root.find("runstats/finished")
    assert finished.get("exit") == "error"
    assert lua_error_text(finished.get("errormsg")) == lua_error_text(
        scanout.parse_xml(results["nmap"][1]).find("runstats/finished").get("errormsg"))


def test_script_timeout_value_checked_like_nmap(lab, run_in, cmap_bin):
    for exe in ("nmap", cmap_bin):
        run = run_in(lab.scanner, [exe, "--script-timeout", "soon", "198.18.1.10"], 30)
        assert run.returncode == 1
        assert run.stderr == "Bogus --script-timeout argument specified\nQUITTING!\n"


# ---- --script-help and --script-updatedb -------------------------------------

def test_script_help_matches_nmap(lab, run_in, cmap_bin, tmp_path):
    out = {}
    for name, exe in (("nmap", "nmap"), ("cmap", cmap_bin)):
        xml = tmp_path / f"{name}.xml"
        run = run_in(lab.scanner, [exe, "--script-help", "http-title,ssh-hostkey", "-oX", xml],
                     30)
        assert run.returncode == 0, run.describe()
        body = run.stdout.split("\n", 1)[1]  # after the "Starting" banner
        root = scanout.parse_xml(xml.read_text())
        out[name] = (body, [(s.get("filename").rsplit("/", 1)[-1],
                             [c.text for c in s.findall("categories/category")],
                             s.findtext("description")) for s in root.findall("script")])
    assert "https://nmap.org/nsedoc/scripts/http-title.html" in out["cmap"][0]
    assert out["cmap"] == out["nmap"]


def test_script_updatedb_writes_nmaps_database(lab, run_in, cmap_bin, tmp_path):
    """Also the engine's -d lines: the arguments (none), -T5's ten-minute
    script timeout, the update."""
    dbs, nse_lines = {}, {}
    for name, exe in (("nmap", "nmap"), ("cmap", cmap_bin)):
        datadir = tmp_path / name
        (datadir / "scripts").mkdir(parents=True)
        for script in ("http-title.nse", "ssh-hostkey.nse", "snmp-info.nse"):
            with open(f"/usr/share/nmap/scripts/{script}") as src:
                (datadir / "scripts" / script).write_text(src.read())
        run = run_in(lab.scanner, [exe, "-d", "-T5", "--datadir", datadir, "--script-updatedb"],
                     60)
        assert run.returncode == 0, run.describe()
        assert "NSE: Updating rule database.\nNSE: Script Database updated successfully.\n" \
            in run.stdout
        assert "No targets were specified" not in run.stderr
        dbs[name] = (datadir / "scripts" / "script.db").read_text()
        nse_lines[name] = [re.sub(r"Lua 5\.\d", "Lua 5.x", line)
                           for line in run.stdout.splitlines() if line.startswith("NSE: ")]
    assert "NSE: Set script-timeout as: 600 seconds" in nse_lines["cmap"]
    assert nse_lines["cmap"] == nse_lines["nmap"]
    assert 'Entry { filename = "snmp-info.nse", categories = { "default", "safe", "version", } }' \
        in dbs["cmap"]
    assert sorted(dbs["cmap"].splitlines()) == sorted(dbs["nmap"].splitlines())


# ---- cost ------------------------------------------------------------------------

def test_version_scripts_startup_cost(svc_host, lab, run_in, cmap_bin):
    """Lua start-up and loading -sV's 45 version scripts, on a port with
    nothing to probe: no more than nmap's own start-up plus a margin (not
    measured on a sanitizer build, which is several times slower)."""
    with open(cmap_bin, "rb") as f:
        if b"__asan_init" in f.read():
            pytest.skip("timing of a sanitizer build")
    def best(exe, extra):
        times = []
        for _ in range(3):
            t0 = time.monotonic()
            run = run_in(lab.scanner, [exe] + BASE + ["-p", "81"] + extra + [svc_host.v4], 60)
            times.append(time.monotonic() - t0)
            assert run.returncode == 0, run.describe()
        return min(times)

    cost_cmap = best(cmap_bin, ["-sV"]) - best(cmap_bin, [])
    cost_nmap = best("nmap", ["-sV"]) - best("nmap", [])
    print(f"version-script start-up: cmap {cost_cmap:.3f}s, nmap {cost_nmap:.3f}s")
    assert cost_cmap < max(2 * cost_nmap, 0.25)


# ---- interruption ------------------------------------------------------------------

SLEEPY_SCRIPT = r'''
local stdnse = require "stdnse"
description = [[cmap lab: waits long enough to be interrupted.]]
categories = {"safe"}
portrule = function() return true end
action = function() stdnse.sleep(60) return "woke" end
'''


def test_interrupt_ends_script_phase(svc_host, lab, cmap_bin, tmp_path):
    """Ctrl-C while scripts wait: the run stops at once, as interrupted,
    and its XML is still complete."""
    script = tmp_path / "labsleepy.nse"
    script.write_text(SLEEPY_SCRIPT)
    os.chmod(tmp_path, 0o755)
    xml = tmp_path / "out.xml"
    proc = subprocess.Popen(["ip", "netns", "exec", lab.scanner, cmap_bin] + BASE +
                            ["-p", "80", "--script", str(script), "-oX", str(xml), svc_host.v4],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(2)
        assert proc.poll() is None, proc.communicate()
        sent = time.monotonic()
        proc.send_signal(2)
        out, err = proc.communicate(timeout=10)
        waited = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, err
    assert waited < 3, f"took {waited:.1f}s to stop"
    assert "woke" not in out
    root = scanout.parse_xml(xml.read_text())
    assert root.find("runstats/finished") is not None


# ---- targets added by scripts ------------------------------------------------

# A pre-scan script adds the "filtered" host; a host script, run on the
# "open" host, adds the "reject" one, which only a later host group can scan.
ADD_TARGETS_SCRIPT = """\
local target = require "target"
description = "adds lab targets"
categories = {"safe"}
prerule = function() return true end
hostrule = function(host) return host.ip == "198.18.1.2" end
action = function(host)
  local st, err = target.add(host and "198.18.1.4" or "198.18.1.3")
  return tostring(st) .. " " .. tostring(err)
end
"""


def reported_hosts(normal):
    return re.findall(r"^Nmap scan report for (\S+)", normal, re.M)


def test_targets_added_by_scripts_are_scanned_like_nmap(scan_both, tmp_path_factory):
    path = tmp_path_factory.mktemp("addtargets") / "addtargets.nse"
    path.write_text(ADD_TARGETS_SCRIPT)
    os.chmod(path.parent, 0o755)
    os.chmod(path, 0o644)
    runs = scan_both(["-sn", "-n", "--script", str(path), "--script-args", "newtargets"],
                     ["198.18.1.2"], "N")
    require_success(runs)
    nmap, cmap = runs["nmap"].files["N"], runs["cmap"].files["N"]
    assert reported_hosts(nmap) == ["198.18.1.2", "198.18.1.3", "198.18.1.4"], nmap
    assert reported_hosts(cmap) == reported_hosts(nmap), cmap
    assert "|_addtargets: true 1" in cmap
    done = re.compile(r"^# Nmap done at .* -- 3 IP addresses \(3 hosts up\)", re.M)
    assert done.search(nmap) and done.search(cmap), cmap


def test_targets_are_added_only_with_newtargets(lab, run_in, cmap_bin, tmp_path):
    path = tmp_path / "addtargets.nse"
    path.write_text(ADD_TARGETS_SCRIPT)
    os.chmod(tmp_path, 0o755)
    os.chmod(path, 0o644)
    run = run_in(lab.scanner, [cmap_bin, "-sn", "-n", "--script", str(path), "198.18.1.2"], 30)
    assert run.returncode == 0, run.stderr
    # The target library refuses without the argument, and says why.
    assert "newtargets" in run.stdout
    assert reported_hosts(run.stdout) == ["198.18.1.2"], run.stdout
