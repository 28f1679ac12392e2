# SPDX-License-Identifier: MIT
"""The lab's safety properties: nothing can leave the machine."""

import lab as labmod
from labrun import run_in


def test_no_default_route_anywhere(lab):
    for ns in lab.namespaces():
        for family in ("-4", "-6"):
            routes = run_in(ns, ["ip", family, "route", "show", "default"], timeout=10)
            assert routes.returncode == 0, routes.describe()
            assert routes.stdout.strip() == "", f"{ns} has a default route"


def test_only_lab_prefixes_routed_from_scanner(lab):
    routes = run_in(lab.scanner, ["ip", "-4", "route", "show"], timeout=10).stdout.split("\n")
    prefixes = [line.split()[1] if line.startswith("unreachable") else line.split()[0]
                for line in routes if line.strip()]
    assert prefixes, "scanner has no routes at all"
    assert all(p.startswith("198.18.") for p in prefixes), prefixes


def test_loopback_up_everywhere(lab):
    for ns in lab.namespaces():
        link = run_in(ns, ["ip", "link", "show", "lo"], timeout=10)
        assert ",UP," in link.stdout, f"lo down in {ns}"


def test_root_guard_table_drops_lab_prefixes(lab):
    table = labmod.run(["nft", "list", "table", "inet", lab.guard_table]).stdout
    for prefix in (labmod.LAB_NET_V4, labmod.LAB_NET_V6):
        assert f'daddr {prefix} oifname != "{labmod.IFACE_PREFIX}*" drop' in table
    assert "hook output" in table and "hook forward" in table


def test_lab_interfaces_never_in_root_namespace(lab):
    links = labmod.run(["ip", "-o", "link", "show"]).stdout
    assert f"{labmod.IFACE_PREFIX}{lab.pid}" not in links
