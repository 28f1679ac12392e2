# SPDX-License-Identifier: MIT
"""nmap.socket (src/nse/nse_socket*.c) end to end, against nmap 7.93.

Small NSE scripts written here exercise the socket API's return conventions
(closed sockets, refused, dropped and timed-out connects, EOF, partial
reads, bad arguments), the socket lock, sleep, hostile peers
(hostile_services.py: a 6 MiB banner, an endless stream, half a banner then
FIN or RST, a silent peer) and TLS (nginx, Exim's STARTTLS and SMTPS from
daemons.py). Each runs under nmap and cmap in the scanner namespace and the
outputs must agree; what nmap cannot do (it never returns from a
receive_buf on an endless stream) is checked on cmap alone, with its time
and memory bounded.
"""

import difflib
import os
import re
import resource
import signal
import subprocess
import time

import pytest

import lab as labmod
import labrun
from lab import SVC_TARGET
import scanout

HERE = os.path.dirname(os.path.abspath(__file__))
OPEN = "198.18.1.2"       # the open target: hostile services run there
FILTERED = "198.18.1.3"   # drops 443
REJECT = "198.18.1.4"     # resets 21, admin-prohibited on 443
HOSTILE = {"huge": 4201, "flood": 4202, "half-fin": 4203, "half-rst": 4204, "silent": 4205}
RUN_TIMEOUT = 90

PROBE = r'''
description = "nmap.socket conventions"
categories = {"safe"}
local nmap = require "nmap"
prerule = function() return true end
local function show(...)
  local t = table.pack(...)
  local o = {}
  for i = 1, t.n do o[#o + 1] = tostring(t[i]) end
  return table.concat(o, ",")
end
action = function()
  local out = {}
  local function add(k, ...) out[#out + 1] = k .. "=" .. show(...) end
  local function P(k, f, ...) add(k, pcall(f, ...)) end
  local s = nmap.new_socket()
  add("refused", s:connect("@REJECT@", 21))
  add("prohibited", s:connect("@REJECT@", 443))
  s = nmap.new_socket(); s:set_timeout(300)
  add("dropped", s:connect("@FILTERED@", 443))
  add("close_after_failed", s:close())
  s = nmap.new_socket()
  P("send_closed", s.send, s, "x")
  P("recv_closed", s.receive, s)
  P("recvbytes_closed", s.receive_bytes, s, 1)
  P("recvlines_closed", s.receive_lines, s, 1)
  P("recvbuf_closed", s.receive_buf, s, "\n", false)
  P("close_closed", s.close, s)
  P("info_closed", s.get_info, s)
  add("settimeout1", s:set_timeout(-1))
  add("bind", s:bind(nil, 0))
  P("bindbad", s.bind, s, "bogus", 0)
  P("bindnoport", s.bind, s, "198.18.0.1")
  s = nmap.new_socket()
  add("connect_ok", s:connect("@SVC@", 80))
  P("ssl_on_plain", s.get_ssl_certificate, s)
  s:set_timeout(500)
  add("recv_timeout", s:receive())
  add("send", s:send("GET / HTTP/1.0\r\n\r\n"))
  add("status_line", s:receive_buf("\r?\n", false))
  add("header_kept", s:receive_buf(":", true))
  -- (whether a receive_lines now would see the body depends on how nginx's
  -- segments arrived: receive_buf's leftovers are not its business)
  add("rest_buf", (select(2, s:receive_buf("</html>", true))):match("</html>$") ~= nil)
  P("after_eof", s.receive, s)
  P("after_eof2", s.receive_bytes, s, 1)
  P("after_eof_buf", s.receive_buf, s, "\n", true)
  add("ssl_on_plain_port", nmap.new_socket():connect("@SVC@", 80, "ssl"))
  P("badmethod", s.connect, s, "@SVC@", 80, "foo")
  local u = nmap.new_socket("udp"); u:set_timeout(1000)
  add("udp_connect", u:connect("@REJECT@", 7777))
  add("udp_send", u:send("x"))
  -- the target's ICMP rate limit may swallow one port unreachable
  local st, err = u:receive()
  for _ = 1, 3 do
    if err ~= "TIMEOUT" then break end
    u:send("x")
    st, err = u:receive()
  end
  add("udp_refused", st, err)
  s = nmap.new_socket(); s:connect("@SVC@", 80); s:send("GET / HTTP/1.0\r\n\r\n")
  add("buf_fn", s:receive_buf(function(b) if #b >= 4 then return 1, 4 end end, false))
  add("buf_fn_keep", s:receive_buf(function(b) if #b >= 4 then return 2, 4 end end, true))
  add("tostring", tostring(s):match("^[^:]*"))
  add("stats", nmap.socket.get_stats().connect_waiting)
  P("reconnect_ssl_closed", s.reconnect_ssl, nmap.new_socket())
  P("certparse", nmap.socket.parse_ssl_certificate, "garbage")
  s = nmap.new_socket()
  add("tls", s:connect({ip = "@SVC@", targetname = "svc.cmap.lab"}, 443, "ssl"))
  local c = s:get_ssl_certificate()
  add("cert", c.subject.commonName, c.issuer.commonName, c.pubkey.type, c.pubkey.bits,
      c.sig_algorithm, #c:digest("sha1"), c.pem:match("^%-%-%-%-%-BEGIN CERTIFICATE") ~= nil)
  add("parsed", nmap.socket.parse_ssl_certificate(
      (require "base64").dec(c.pem:gsub("%-%-%-%-%-[^\n]*\n", ""):gsub("\n", ""))).subject.commonName)
  s:send("GET / HTTP/1.0\r\n\r\n")
  add("tls_line", s:receive_buf("\r\n", false))
  return table.concat(out, "\n")
end
'''

HOSTILE_SCRIPT = r'''
description = "hostile peers"
categories = {"safe"}
local nmap = require "nmap"
local stdnse = require "stdnse"
prerule = function() return true end
local H = "@OPEN@"
local P = {huge = @huge@, flood = @flood@, ["half-fin"] = @half-fin@,
           ["half-rst"] = @half-rst@, silent = @silent@}
local function conn(kind, t)
  local s = nmap.new_socket(); s:set_timeout(t or 2000)
  local ok, err = s:connect(H, P[kind])
  if not ok then error(("connect to %s: %s"):format(kind, tostring(err))) end
  return s
end
local function r(ok, d) if ok then return "true," .. #d end return tostring(ok) .. "," .. tostring(d) end
action = function()
  local out = {}
  local s = conn("huge", 3000)
  out[#out+1] = "huge bytes: " .. r(s:receive_bytes(10 * 1024 * 1024))
  out[#out+1] = "huge after: " .. r(s:receive())
  s:close()
  s = conn("huge", 3000)
  out[#out+1] = "huge buf: " .. tostring((s:receive_buf("\n", true)))
  s:close()
  if stdnse.get_script_args("h.flood") then
    -- nmap never returns here: its timeout restarts with every read
    s = conn("flood", 1500)
    local t0 = nmap.clock_ms()
    out[#out+1] = "flood buf: " .. r(s:receive_buf("NEVER%-MATCHES", false))
    out[#out+1] = "flood buf bounded: " .. tostring(nmap.clock_ms() - t0 < 5000)
    s:close()
    s = conn("flood", 1500)
    out[#out+1] = "flood bytes: " .. tostring((s:receive_bytes(100 * 1024 * 1024)))
    s:close()
  end
  s = conn("flood", 1500)
  out[#out+1] = "flood lines: " .. tostring((s:receive_lines(1)))
  s:close()
  s = conn("half-fin")
  out[#out+1] = "fin bytes: " .. r(s:receive_bytes(1000))
  out[#out+1] = "fin again: " .. r(s:receive())
  s:close()
  s = conn("half-fin")
  out[#out+1] = "fin buf: " .. r(s:receive_buf("\n", false))
  s:close()
  -- the reset may even beat the connect's completion (nmap: ERROR)
  s = nmap.new_socket(); s:set_timeout(2000)
  local ok, err = s:connect(H, P["half-rst"])
  if ok then
    out[#out+1] = "rst: " .. r(s:receive_bytes(1000)) .. " then " .. r(s:receive())
  else
    out[#out+1] = "rst: connect " .. tostring(err)
  end
  s:close()
  s = conn("silent", 500)
  local t0 = nmap.clock_ms()
  out[#out+1] = "silent: " .. r(s:receive())
  local el = nmap.clock_ms() - t0
  out[#out+1] = "silent waited: " .. tostring(el > 400 and el < 1500)
  out[#out+1] = "silent send: " .. tostring((s:send("hello\n")))
  out[#out+1] = "silent buf: " .. r(s:receive_buf("\n", true))
  s:close()
  t0 = nmap.clock_ms()
  stdnse.sleep(0.3)
  el = nmap.clock_ms() - t0
  out[#out+1] = "sleep: " .. tostring(el >= 290 and el < 1000)
  return table.concat(out, "\n")
end
'''

LOCK_SCRIPT = r'''
description = "socket lock"
categories = {"safe"}
local nmap = require "nmap"
local stdnse = require "stdnse"
prerule = function() return true end
action = function()
  local connected, maxc, maxw, done = 0, 0, 0, 0
  local cv = nmap.condvar("lock-test")
  local function worker()
    local s = nmap.new_socket()
    s:set_timeout(3000)
    s:connect("@OPEN@", @silent@)
    connected = connected + 1
    if connected > maxc then maxc = connected end
    local w = nmap.socket.get_stats().connect_waiting
    if w > maxw then maxw = w end
    stdnse.sleep(0.3)
    connected = connected - 1
    s:close()
    done = done + 1
    cv "signal"
  end
  for i = 1, 30 do stdnse.new_thread(worker) end
  while done < 30 do cv "wait" end
  return ("max connected %d, max waiting %d, done %d"):format(maxc, maxw, done)
end
'''

TRACE_SCRIPT = r'''
description = "trace"
categories = {"safe"}
local nmap = require "nmap"
local stdnse = require "stdnse"
prerule = function() return true end
action = function()
  local s = nmap.new_socket()
  s:connect("@REJECT@", 21)
  s:close()
  s = nmap.new_socket(); s:set_timeout(300)
  s:connect("@OPEN@", @silent@); s:receive(); s:close()
  s = nmap.new_socket()
  s:connect("@OPEN@", @half-fin@); s:receive_bytes(100); s:receive(); s:close()
  stdnse.sleep(0.1)
  s = nmap.new_socket("udp"); s:set_timeout(500)
  s:connect("@SVC@", 53)
  s:send("\0\1\0\0\0\1\0\0\0\0\0\0\7version\4bind\0\0\16\0\3")
  s:receive(); s:close()
  s = nmap.new_socket()
  s:connect("@SVC@", 443, "ssl"); s:send("GET / HTTP/1.0\r\n\r\n"); s:receive_buf("\r\n", false); s:close()
  s = nmap.new_socket()
  s:connect("@SVC@", 25); s:receive_lines(1); s:send("EHLO x\r\n"); s:receive_lines(1)
  s:send("STARTTLS\r\n"); s:receive_lines(1); s:reconnect_ssl(); s:close()
  s = nmap.new_socket("udp"); s:sendto("@SVC@", 53, "x"); s:close()
  return "ok"
end
'''

PCAP_SCRIPT = r'''
description = "pcap socket"
categories = {"safe"}
local nmap = require "nmap"
local stdnse = require "stdnse"
prerule = function() return true end
action = function()
  local p = nmap.new_socket()
  p:set_timeout(2000)
  local ok, err = pcall(p.pcap_open, p, stdnse.get_script_args("p.iface"), 256, false,
                        "udp and src port 53")
  if not ok then return "pcap_open: " .. tostring(err) end
  local s = nmap.new_socket("udp"); s:set_timeout(1000)
  s:connect("@SVC@", 53)
  s:send("\0\1\0\0\0\1\0\0\0\0\0\0\7version\4bind\0\0\16\0\3")
  local st, len, l2, l3, t = p:pcap_receive()
  local out = {tostring(st), tostring(len), l2 and #l2, l3 and #l3, type(t),
               l3 and ("%02x"):format(l3:byte(1)) or "-", l3 and l3:match("dnsmasq") or "-"}
  p:set_timeout(300)
  local st2, e2 = p:pcap_receive()
  out[#out+1] = tostring(st2) .. "," .. tostring(e2)
  out[#out+1] = tostring((p:pcap_close()))
  out[#out+1] = tostring(select(2, p:pcap_close()))
  local bad_ok = pcall(p.pcap_open, p, "no-such-dev0", 256, false, "udp")
  out[#out+1] = "bad dev raises: " .. tostring(not bad_ok)
  return table.concat(out, " ")
end
'''


def fill(text):
    text = (text.replace("@OPEN@", OPEN).replace("@FILTERED@", FILTERED)
            .replace("@REJECT@", REJECT).replace("@SVC@", SVC_TARGET.v4))
    for kind, port in HOSTILE.items():
        text = text.replace(f"@{kind}@", str(port))
    return text


@pytest.fixture(scope="module")
def scripts(tmp_path_factory):
    d = tmp_path_factory.mktemp("nse-socket")
    paths = {}
    for name, text in (("probe", PROBE), ("hostile", HOSTILE_SCRIPT), ("lock", LOCK_SCRIPT),
                       ("trace", TRACE_SCRIPT), ("pcap", PCAP_SCRIPT)):
        p = d / f"sock-{name}.nse"
        p.write_text(fill(text))
        paths[name] = str(p)
    return paths


@pytest.fixture(scope="module")
def hostile(lab):
    ns = lab.ns("open")
    argv = ["ip", "netns", "exec", ns, labmod.PYTHON, os.path.join(HERE, "hostile_services.py"),
            "--addr", OPEN]
    for kind, port in HOSTILE.items():
        argv += ["--service", f"{kind}={port}"]
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        labmod.wait_ready(proc, ns)
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def run_measured(ns, argv, timeout=RUN_TIMEOUT):
    """(exit status, stdout, stderr, seconds, max RSS in KiB) of argv in ns,
    bounded."""
    rc, out, err, seconds = labrun.run_timed(ns, argv, timeout)
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return rc, out, err, seconds, rss


def both(lab, cmap_bin, argv, name, timeout=RUN_TIMEOUT):
    res = {}
    for prog, exe in (("nmap", "nmap"), ("cmap", cmap_bin)):
        rc, out, err, _, _ = run_measured(lab.scanner, [exe, "-d"] + argv, timeout)
        assert rc == 0, f"{prog} exit {rc}\n{err}\n{out}"
        text = scanout.script_output(out, name)
        assert text is not None, f"{prog}: no {name} output\n{out}\n{err}"
        res[prog] = text
        if "ERROR: Script execution failed" in text or re.search(r"\bthrew an error", out):
            pytest.fail(f"{prog}: script error\n{out[-3000:]}", pytrace=False)
    return res


def test_conventions_match_nmap(lab, svc_host, cmap_bin, scripts):
    res = both(lab, cmap_bin, ["-n", "-Pn", "-sn", "--script", scripts["probe"]], "sock-probe")
    assert "ERROR: Script execution failed" not in res["nmap"], res["nmap"]
    assert res["cmap"] == res["nmap"], "\n".join(difflib.unified_diff(
        res["nmap"].splitlines(), res["cmap"].splitlines(), "nmap", "cmap", lineterm=""))
    # the outcomes that must be what they are, whatever nmap did
    assert "refused=nil,ERROR" in res["cmap"]
    assert "dropped=nil,TIMEOUT" in res["cmap"]
    assert "after_eof=true,nil,EOF" in res["cmap"]
    assert "cert=svc.cmap.lab,svc.cmap.lab,ec,256,ecdsa-with-SHA256,20,true" in res["cmap"]
    assert "tls_line=true,HTTP/1.1 200 OK" in res["cmap"]


def deterministic(text):
    # a reset may reach the kernel before or after the half banner is read
    return [line for line in text.splitlines() if not line.startswith("rst:")]


def test_hostile_peers_match_nmap(lab, hostile, cmap_bin, scripts):
    res = both(lab, cmap_bin, ["-n", "-Pn", "-sn", "--script", scripts["hostile"]], "sock-hostile")
    assert deterministic(res["cmap"]) == deterministic(res["nmap"]), "\n".join(difflib.unified_diff(
        deterministic(res["nmap"]), deterministic(res["cmap"]), "nmap", "cmap", lineterm=""))
    assert "huge bytes: true,6291456" in res["cmap"]
    assert "fin bytes: true,25" in res["cmap"]
    assert "fin again: nil,EOF" in res["cmap"]
    assert "silent: nil,TIMEOUT" in res["cmap"]
    rst = [line for line in res["cmap"].splitlines() if line.startswith("rst:")]
    assert rst and re.match(r"rst: (true,25 then nil,(EOF|ERROR)|nil,(ERROR|EOF) then nil,(ERROR|EOF)"
                            r"|connect ERROR)$", rst[0]), rst


def test_endless_stream_is_bounded(lab, hostile, cmap_bin, scripts):
    """receive_buf on a stream that never matches stops at the socket's
    buffer cap (16 MiB) with nil,"ERROR" instead of growing without end."""
    rc, out, err, seconds, _ = run_measured(
        lab.scanner, [cmap_bin, "-n", "-Pn", "-sn", "--script", scripts["hostile"],
                      "--script-args", "h.flood=1"])
    assert rc == 0, err
    text = scanout.script_output(out, "sock-hostile")
    assert "flood buf: nil,ERROR" in text, text
    assert "flood buf bounded: true" in text, text
    assert "flood bytes: true" in text, text
    assert seconds < 40, seconds


def test_endless_stream_memory(lab, hostile, cmap_bin, scripts):
    """Measured alone so the child's peak RSS is cmap's. A sanitizer build
    keeps freed memory in quarantine; a small one keeps the measure about
    what is live."""
    asan = os.environ.get("ASAN_OPTIONS", "")
    os.environ["ASAN_OPTIONS"] = (asan + ":" if asan else "") + "quarantine_size_mb=1"
    argv = ["ip", "netns", "exec", lab.scanner, cmap_bin, "-n", "-Pn", "-sn", "--script",
            scripts["hostile"], "--script-args", "h.flood=1"]
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        try:
            fd = os.open(os.devnull, os.O_WRONLY)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    deadline = time.monotonic() + RUN_TIMEOUT
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.wait4(pid, 0)
            pytest.fail("cmap did not finish")
        time.sleep(0.1)
    if asan:
        os.environ["ASAN_OPTIONS"] = asan
    else:
        del os.environ["ASAN_OPTIONS"]
    assert os.waitstatus_to_exitcode(status) == 0
    assert usage.ru_maxrss < 200 * 1024, f"peak RSS {usage.ru_maxrss} KiB"


def test_socket_lock_matches_nmap(lab, hostile, cmap_bin, scripts):
    res = both(lab, cmap_bin, ["-n", "-Pn", "-sn", "--script", scripts["lock"]], "sock-lock")
    assert res["cmap"] == res["nmap"] == "max connected 21, max waiting 9, done 30"
    res = both(lab, cmap_bin, ["-n", "-Pn", "-sn", "--max-parallelism", "25", "--script",
                               scripts["lock"]], "sock-lock")
    assert res["cmap"] == res["nmap"] == "max connected 26, max waiting 4, done 30"


def port_scripts(stdout):
    """{port: [script lines]} of a normal output, script blocks sorted by id
    (the order scripts finish in is not the socket layer's business)."""
    ports, cur, blocks = {}, None, []
    for line in stdout.splitlines():
        m = re.match(r"^(\d+)/(tcp|udp)\s", line)
        if m:
            cur = line.split()[0]
            ports[cur] = blocks = []
            continue
        if cur and line.startswith("|"):
            if re.match(r"^\|_? ?[\w-]+: ?", line) and (not blocks or blocks[-1][-1].startswith("|_")):
                blocks.append([line])
            else:
                blocks[-1].append(line)
        elif cur:
            cur = None
    return {p: sorted("\n".join(b) for b in bl) for p, bl in ports.items()}


def test_tls_scripts_match_nmap(lab, svc_host, cmap_bin):
    """ssl-cert over TLS (443, 465) and STARTTLS (25), http-title over TLS."""
    argv = ["-n", "-Pn", "-p", "25,443,465", "--script", "ssl-cert,http-title", SVC_TARGET.v4]
    outs = {}
    for prog, exe in (("nmap", "nmap"), ("cmap", cmap_bin)):
        rc, out, err, _, _ = run_measured(lab.scanner, [exe] + argv)
        assert rc == 0, err
        outs[prog] = port_scripts(out)
    assert outs["cmap"] == outs["nmap"]
    assert any("ssl-cert: Subject: commonName=svc.cmap.lab" in b for b in outs["cmap"]["25/tcp"])
    assert any("http-title: cmap lab" in b for b in outs["cmap"]["443/tcp"])


def test_udp_script_matches_nmap(lab, svc_host, cmap_bin):
    argv = ["-n", "-Pn", "-sU", "-p", "53", "--script", "dns-nsid", SVC_TARGET.v4]
    outs = {}
    for prog, exe in (("nmap", "nmap"), ("cmap", cmap_bin)):
        rc, out, err, _, _ = run_measured(lab.scanner, [exe] + argv)
        assert rc == 0, err
        outs[prog] = port_scripts(out)
    assert outs["cmap"] == outs["nmap"]
    assert any("bind.version: dnsmasq" in b for b in outs["cmap"]["53/udp"])


def trace_lines(stdout):
    """The NSE socket trace lines, local ports blanked (they differ per run)."""
    return [re.sub(r"^(NSE: \w+ [\d.]+):\d+", r"\1:P", line)
            for line in stdout.splitlines() if re.match(r"^NSE: (TCP|UDP) ", line)]


def test_script_trace_matches_nmap(lab, hostile, cmap_bin):
    argv = ["-n", "-Pn", "-p", f"{HOSTILE['half-fin']},{HOSTILE['silent']}", "--script", "banner",
            "--script-args", "banner.timeout=1s", "--script-trace", OPEN]
    traces = {}
    for prog, exe in (("nmap", "nmap"), ("cmap", cmap_bin)):
        rc, out, err, _, _ = run_measured(lab.scanner, [exe] + argv)
        assert rc == 0, err
        traces[prog] = sorted(trace_lines(out))
    assert traces["cmap"] == traces["nmap"]
    assert f"NSE: TCP 198.18.0.1:P < {OPEN}:{HOSTILE['half-fin']} | SSH-2.0-OpenSSH_9.2p1 Deb" \
        in traces["cmap"]


def test_script_trace_hex_dump_matches_nmap(lab, svc_host, cmap_bin):
    argv = ["-n", "-Pn", "-sU", "-p", "53", "--script", "dns-nsid", "--script-trace", SVC_TARGET.v4]
    traces = {}
    for prog, exe in (("nmap", "nmap"), ("cmap", cmap_bin)):
        rc, out, err, _, _ = run_measured(lab.scanner, [exe] + argv)
        assert rc == 0, err
        lines = out.splitlines()
        keep = []
        for i, line in enumerate(lines):
            if re.match(r"^NSE: (TCP|UDP) ", line) or re.match(r"^[0-9a-f]{8}: ", line):
                keep.append(re.sub(r"^(NSE: \w+ [\d.]+):\d+", r"\1:P", line))
        traces[prog] = keep
    assert traces["cmap"] == traces["nmap"]
    assert any(re.match(r"^NSE: UDP .* \| 00000000: ", line) for line in traces["cmap"])


def full_trace(stdout):
    """nsock's and NSE's trace lines with what changes from run to run
    blanked: times, local ports, the date in Exim's banner, and whether a
    peer's FIN came with its data ([EOF])."""
    out = []
    for line in stdout.splitlines():
        # hex dump continuation lines carry the HTTP Date: header
        if not re.match(r"^(NSOCK INFO|NSE: (TCP|UDP) )", line):
            continue
        line = re.sub(r"^NSOCK INFO \[[\d.]+s\]", "NSOCK INFO [T]", line)
        line = re.sub(r"^(NSE: \w+ [\d.]+):\d+", r"\1:P", line)
        line = re.sub(r"\w{3}, \d+ \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4}", "DATE", line)
        out.append(line.replace("[EOF](", "("))
    return out


def test_nsock_trace_matches_nmap(lab, svc_host, hostile, cmap_bin, scripts):
    """Every request and callback numbered as nsock does (IOD, EID), in
    nmap's order, for connect (refused, TCP, UDP, SSL), reads (timeout, EOF,
    bytes, lines), writes, sendto, STARTTLS and a sleep."""
    traces = {}
    for prog, exe in (("nmap", "nmap"), ("cmap", cmap_bin)):
        rc, out, err, _, _ = run_measured(lab.scanner, [exe, "-n", "-Pn", "-sn", "--script",
                                                        scripts["trace"], "--script-trace"])
        assert rc == 0, err
        # NSE's lines go to stdout, nsock's to stderr, in both programs
        traces[prog] = full_trace(out) + full_trace(err)
    assert traces["cmap"] == traces["nmap"], "\n".join(
        difflib.unified_diff(traces["nmap"], traces["cmap"], "nmap", "cmap", lineterm=""))
    assert any("Callback: CONNECT ERROR [Connection refused (111)] for EID 8" in line
               for line in traces["cmap"])
    assert any("nsock_reconnect_ssl(): SSL reconnection requested" in line for line in traces["cmap"])


def test_nsock_lines_at_d2_match_nmap(lab, svc_host, hostile, cmap_bin, scripts):
    """-d2 without a trace: nsock's lines (stderr) and no NSE lines, as nmap."""
    traces = {}
    for prog, exe in (("nmap", "nmap"), ("cmap", cmap_bin)):
        rc, out, err, _, _ = run_measured(lab.scanner, [exe, "-d2", "-n", "-Pn", "-sn", "--script",
                                                        scripts["trace"]])
        assert rc == 0, err
        assert not re.search(r"^NSE: (TCP|UDP) ", out, re.M), out
        traces[prog] = [line for line in full_trace(err) if line.startswith("NSOCK INFO")]
    assert traces["cmap"] == traces["nmap"], "\n".join(
        difflib.unified_diff(traces["nmap"], traces["cmap"], "nmap", "cmap", lineterm=""))
    assert len(traces["cmap"]) > 40


def test_pcap_socket_matches_nmap(lab, svc_host, cmap_bin, scripts):
    """pcap_open on the scanner's interface to the svc target, a DNS answer
    captured (ethernet header, IP packet, time), then a timeout, close."""
    route = labmod.run(["ip", "netns", "exec", lab.scanner, "ip", "-o", "route", "get",
                        SVC_TARGET.v4]).stdout
    iface = re.search(r"\bdev (\S+)", route).group(1)
    res = both(lab, cmap_bin, ["-n", "-Pn", "-sn", "--script", scripts["pcap"], "--script-args",
                               f"p.iface={iface}"], "sock-pcap")
    assert res["cmap"] == res["nmap"]
    assert res["cmap"] == ("true 97 14 83 number 45 dnsmasq nil,TIMEOUT true socket already closed "
                           "bad dev raises: true")
