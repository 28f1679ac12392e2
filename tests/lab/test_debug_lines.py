# SPDX-License-Identifier: MIT
"""-d and -dd lines that cmap prints as nmap does: "Final times for host"
after the port table (terminal only) and "Discovered <state> port" for every
answered port at -dd."""

import re

import lab as labmod
from labrun import require_success

TARGETS = {t.role: t for t in labmod.TARGETS}
FINAL = re.compile(r"^Final times for host: srtt: \d+ rttvar: \d+  to: \d+$")


def lines(text, prefix):
    return [line for line in text.splitlines() if line.startswith(prefix)]


def test_final_times_after_port_table(scan_both):
    runs = scan_both(["-sT", "-n", "-Pn", "-d", "-p", "20-30,80,443"], [TARGETS["open"].v4])
    require_success(runs)
    for name, run in runs.items():
        out = run.stdout.splitlines()
        finals = [i for i, line in enumerate(out) if FINAL.match(line)]
        assert len(finals) == 1, f"{name}: {out}"
        assert re.match(r"^\d+/tcp ", out[finals[0] - 1]), f"{name}: not after the table"
        assert "Final times" not in run.files["N"], f"{name}: -oN must not have it"


def test_discovered_lines_at_dd(scan_both):
    runs = scan_both(["-sT", "-n", "-Pn", "-dd", "-p", "21,22,25,80,110,443,8080"],
                     [TARGETS["reject"].v4])
    require_success(runs)
    found = {name: sorted(lines(run.stdout, "Discovered ")) for name, run in runs.items()}
    assert found["cmap"] == found["nmap"]
    assert any(" closed port " in line for line in found["cmap"])
