# SPDX-License-Identifier: MIT
"""The NSE libssh2 module (src/nse/nse_libssh2.c) end to end, against nmap 7.93.

Two places run sshd:
- the lab's "svc" target (daemons.py: publickey only, no authorized keys),
  where ssh-auth-methods, ssh-brute and ssh-publickey-acceptance must say
  what nmap says;
- a namespace of this test's own ("ssh2-<pid>", loopback only), where an
  sshd authorizes a key generated here for root and allows passwords, so
  the successful paths run too (publickey_canauth true, userauth_publickey,
  channels through ssh-run), next to hostile peers from hostile_services.py
  (a silent one and one that sends garbage instead of a banner). nmap and
  cmap both run inside that namespace against 127.0.0.1.

A silent server must cost a session_open its timeout and no more, and must
not hold up another script thread meanwhile; garbage must be an error, not
a crash (the ASan/UBSan build runs these tests too: CMAP_BIN=build-asan/cmap).
"""

import atexit
import difflib
import os
import re
import signal
import subprocess
import time

import pytest

import lab as labmod
import labrun
from lab import SVC_TARGET
import scanout

HERE = os.path.dirname(os.path.abspath(__file__))
RUN_TIMEOUT = 120
NS = f"ssh2-{os.getpid()}"
LOCAL = "127.0.0.1"
HOSTILE = {"garbage": 4301, "silent": 4302, "half-fin": 4303}
SCRIPTS = ("ssh-auth-methods", "ssh-brute", "ssh-publickey-acceptance", "ssh-run")


def sh(argv, timeout=30, check=True):
    return subprocess.run([str(a) for a in argv], capture_output=True, text=True,
                          timeout=timeout, check=check)


def wait_port(ns, port, timeout=15):
    """Until something accepts on 127.0.0.1:port inside ns."""
    probe = ("import socket,sys\ns=socket.socket()\ns.settimeout(1)\n"
             f"sys.exit(s.connect_ex(('{LOCAL}', {port})))")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sh(["ip", "netns", "exec", ns, labmod.PYTHON, "-c", probe], check=False).returncode == 0:
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {LOCAL}:{port} in {ns}")


# Forwards to the sshd for its first second, then passes nothing more
# either way and holds the connection: a server that goes quiet mid-session.
STALL_PROXY = r"""
import asyncio, sys
async def pipe(r, w, until):
    loop = asyncio.get_running_loop()
    while True:
        data = await r.read(65536)
        if not data:
            return
        if loop.time() < until:
            w.write(data)
            await w.drain()
async def handle(cr, cw):
    sr, sw = await asyncio.open_connection("127.0.0.1", 22)
    until = asyncio.get_running_loop().time() + 1.0
    try:
        await asyncio.wait_for(asyncio.gather(pipe(cr, sw, until), pipe(sr, cw, until),
                                              return_exceptions=True), 120)
    except asyncio.TimeoutError:
        pass
    cw.close(); sw.close()
async def main():
    await asyncio.start_server(handle, "127.0.0.1", int(sys.argv[1]), reuse_address=True)
    print("ready", flush=True)
    await asyncio.Event().wait()
asyncio.run(main())
"""
STALL_PORT = 4304


class SshLab:
    def __init__(self, d):
        self.dir = d
        self.procs = []
        self.key = os.path.join(d, "id_ed25519")     # authorized for root
        self.other = os.path.join(d, "other_ed25519")  # authorized for nobody
        self.hostkey = os.path.join(d, "ssh_host_ed25519_key")

    def up(self):
        for key in (self.key, self.other):
            sh(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "cmap-ssh2", "-f", key])
        hostkey = self.hostkey
        sh(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostkey])
        auth = os.path.join(self.dir, "authorized_keys")
        with open(self.key + ".pub") as src, open(auth, "w") as dst:
            dst.write(src.read())
        cfg = os.path.join(self.dir, "sshd_config")
        with open(cfg, "w") as f:
            f.write("\n".join([
                "Port 22", f"ListenAddress {LOCAL}", f"HostKey {hostkey}",
                f"PidFile {self.dir}/sshd.pid", "UsePAM no", "LoginGraceTime 10",
                "PermitRootLogin prohibit-password", "PasswordAuthentication yes",
                "KbdInteractiveAuthentication no", f"AuthorizedKeysFile {auth}",
                "StrictModes no", "MaxStartups 100:30:200", "MaxAuthTries 20",
            ]) + "\n")
        sh(["ip", "netns", "add", NS])
        sh(["ip", "-n", NS, "link", "set", "lo", "up"])
        # As daemons.py runs it: its privilege separation directory on a
        # /run of its own, in a PID namespace that dies with unshare.
        script = "\n".join(["set -e", "mount -t tmpfs -o mode=755 ssh2-run /run",
                            "mkdir -p -m 755 /run/sshd", '"$@" &', "wait $!"])
        self.start(["unshare", "--pid", "--fork", "--kill-child", "--mount-proc", "--",
                    "sh", "-c", script, "sshd", "/usr/sbin/sshd", "-D", "-e", "-f", cfg])
        hostile = [labmod.PYTHON, os.path.join(HERE, "hostile_services.py"), "--addr", LOCAL]
        for kind, port in HOSTILE.items():
            hostile += ["--service", f"{kind}={port}"]
        labmod.wait_ready(self.start(hostile, stdout=subprocess.PIPE), NS)
        labmod.wait_ready(self.start([labmod.PYTHON, "-c", STALL_PROXY, str(STALL_PORT)],
                                     stdout=subprocess.PIPE), NS)
        wait_port(NS, 22)
        return self

    def start(self, argv, stdout=subprocess.DEVNULL):
        proc = subprocess.Popen(["ip", "netns", "exec", NS] + argv, stdin=subprocess.DEVNULL,
                                stdout=stdout, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
        self.procs.append(proc)
        return proc

    def down(self):
        """Stop what this lab started and delete its namespace (idempotent)."""
        procs, self.procs = self.procs, []
        for proc in procs:
            if proc.poll() is None:
                # unshare ignores TERM; killing it ends its PID namespace
                proc.send_signal(signal.SIGKILL if "unshare" in proc.args else signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        if NS in labmod.list_namespaces():
            labmod.delete_namespace(NS)


def teardown_on_exit(the_lab):
    """Remove the namespace at exit and on SIGTERM/SIGHUP too, before
    whatever handler was there (the lab's own teardown) runs."""
    atexit.register(the_lab.down)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        previous = signal.getsignal(signum)

        def on_signal(sig, frame, previous=previous):
            the_lab.down()
            if callable(previous):
                previous(sig, frame)
            else:
                signal.signal(sig, signal.SIG_DFL)
                os.kill(os.getpid(), sig)

        signal.signal(signum, on_signal)


@pytest.fixture(scope="module")
def sshlab(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("ssh2"))
    os.chmod(d, 0o755)
    the_lab = SshLab(d)
    teardown_on_exit(the_lab)
    try:
        the_lab.up()
        yield the_lab
    finally:
        the_lab.down()


def run(ns, argv, timeout=RUN_TIMEOUT):
    """(exit status, stdout, stderr, seconds) of argv inside ns, bounded."""
    return labrun.run_timed(ns, argv, timeout)


def both(ns, cmap_bin, argv, name, timeout=RUN_TIMEOUT):
    """{"nmap": text, "cmap": text} of script `name` run by each program."""
    res = {}
    for prog, exe in (("nmap", "nmap"), ("cmap", cmap_bin)):
        rc, out, err, _ = run(ns, [exe] + argv, timeout)
        # nmap 7.93's publickey_canauth lets libssh2 use a signature its
        # callback never set: now and then nmap dies of it (SIGSEGV)
        for _ in range(4):
            if prog != "nmap" or rc >= 0:
                break
            rc, out, err, _ = run(ns, [exe] + argv, timeout)
        assert rc == 0, f"{prog} exit {rc}\n{err}\n{out}"
        assert "AddressSanitizer" not in err and "runtime error" not in err, err
        text = scanout.script_output(out, name)
        assert text is not None, f"{prog}: no {name} output\n{out}\n{err}"
        res[prog] = text
    return res


def same(res):
    assert res["cmap"] == res["nmap"], "\n".join(difflib.unified_diff(
        res["nmap"].splitlines(), res["cmap"].splitlines(), "nmap", "cmap", lineterm=""))


def stripped(text):
    return [line.strip() for line in text.split("\n")]


def write_script(tmp_path, name, text):
    p = tmp_path / f"{name}.nse"
    p.write_text(text)
    return str(p)


# ---- the lab's sshd (publickey only, nothing authorized) ----

def test_auth_methods_svc_matches_nmap(lab, svc_host, cmap_bin):
    res = both(lab.scanner, cmap_bin, ["-n", "-Pn", "-sT", "-p", "22", "--script",
                                       "ssh-auth-methods", SVC_TARGET.v4], "ssh-auth-methods")
    same(res)
    assert stripped(res["cmap"]) == ["", "Supported authentication methods:", "publickey"], res["cmap"]


def test_auth_methods_svc_v6_matches_nmap(lab, svc_host, cmap_bin):
    res = both(lab.scanner, cmap_bin, ["-6", "-n", "-Pn", "-sT", "-p", "22", "--script",
                                       "ssh-auth-methods", SVC_TARGET.v6], "ssh-auth-methods")
    same(res)
    assert stripped(res["cmap"]) == ["", "Supported authentication methods:", "publickey"], res["cmap"]


def test_brute_without_passwords_svc_matches_nmap(lab, svc_host, cmap_bin):
    res = both(lab.scanner, cmap_bin, ["-n", "-Pn", "-sT", "-p", "22", "--script", "ssh-brute",
                                       SVC_TARGET.v4], "ssh-brute")
    same(res)
    assert res["cmap"] == "Password authentication not allowed", res["cmap"]


def test_publickey_acceptance_svc_matches_nmap(lab, svc_host, sshlab, cmap_bin):
    # no key is authorized there
    res = both(lab.scanner, cmap_bin, ["-n", "-Pn", "-sT", "-p", "22", "--script",
                                       "ssh-publickey-acceptance", "--script-args",
                                       f"ssh.usernames={{root,nobody}},"
                                       f"ssh.publickeys={{{sshlab.key}.pub}}",
                                       SVC_TARGET.v4], "ssh-publickey-acceptance")
    same(res)
    assert stripped(res["cmap"]) == ["", "Accepted Public Keys: No public keys accepted"], res


# ---- this test's own sshd ----

def test_scripts_load(sshlab, cmap_bin):
    """All four scripts load and run (before the module they failed to load)."""
    rc, out, err, _ = run(NS, [cmap_bin, "-d", "-n", "-Pn", "-sT", "-p", "22", "--script",
                               ",".join(SCRIPTS), "--script-args",
                               "userdb=/dev/null,passdb=/dev/null", LOCAL])
    assert rc == 0, err
    assert "libssh2" not in err + out, err + out
    for name in SCRIPTS:
        assert re.search(rf"NSE: Starting {name} against", out), (name, out)
        assert not re.search(rf"{name}.*threw an error", out), out
    assert "Supported authentication methods" in out, out


def test_auth_methods_own_matches_nmap(sshlab, cmap_bin):
    res = both(NS, cmap_bin, ["-n", "-Pn", "-sT", "-p", "22", "--script", "ssh-auth-methods",
                              LOCAL], "ssh-auth-methods")
    same(res)
    assert stripped(res["cmap"]) == ["", "Supported authentication methods:", "publickey",
                                     "password"], res["cmap"]


def test_publickey_acceptance_matches_nmap(sshlab, cmap_bin):
    pubs = f"{sshlab.key}.pub,{sshlab.other}.pub"
    res = both(NS, cmap_bin, ["-n", "-Pn", "-sT", "-p", "22", "--script",
                              "ssh-publickey-acceptance", "--script-args",
                              f"ssh.usernames={{root,nobody}},ssh.publickeys={{{pubs}}}", LOCAL],
               "ssh-publickey-acceptance")
    same(res)
    assert stripped(res["cmap"]) == ["", "Accepted Public Keys:",
                                     f"Key {sshlab.key}.pub accepted for user root"], res["cmap"]


def test_publickey_login_matches_nmap(sshlab, cmap_bin):
    privs = f"{sshlab.key},{sshlab.other}"
    res = both(NS, cmap_bin, ["-n", "-Pn", "-sT", "-p", "22", "--script",
                              "ssh-publickey-acceptance", "--script-args",
                              f"ssh.usernames={{root}},ssh.privatekeys={{{privs}}}", LOCAL],
               "ssh-publickey-acceptance")
    same(res)
    assert f"Key {sshlab.key} accepted for user root" in res["cmap"], res["cmap"]
    assert sshlab.other not in res["cmap"], res["cmap"]


def test_ssh_run_matches_nmap(sshlab, cmap_bin):
    res = both(NS, cmap_bin, ["-n", "-Pn", "-sT", "-p", "22", "--script", "ssh-run",
                              "--script-args", f"ssh-run.username=root,ssh-run.privatekey={sshlab.key},"
                              "ssh-run.cmd=echo cmap-ssh2; echo to-stderr >&2; printf 'a\\tb\\n'",
                              LOCAL], "ssh-run")
    same(res)
    assert "cmap-ssh2" in res["cmap"], res["cmap"]


def test_ssh_run_refused_key_matches_nmap(sshlab, cmap_bin):
    res = both(NS, cmap_bin, ["-n", "-Pn", "-sT", "-p", "22", "--script", "ssh-run",
                              "--script-args", f"ssh-run.username=root,ssh-run.privatekey={sshlab.other},"
                              "ssh-run.cmd=id", LOCAL], "ssh-run")
    same(res)
    assert res["cmap"] == "Authentication Failed", res["cmap"]


def test_brute_matches_nmap(sshlab, cmap_bin, tmp_path):
    users = tmp_path / "users"
    users.write_text("root\nnobody\n")
    words = tmp_path / "words"
    words.write_text("wrong1\nwrong2\n")
    res = both(NS, cmap_bin, ["-n", "-Pn", "-sT", "-p", "22", "--script", "ssh-brute",
                              "--script-args", f"userdb={users},passdb={words},brute.delay=0",
                              LOCAL], "ssh-brute")
    stats = re.compile(r"Performed \d+ guesses in \d+ seconds, average tps: [\d.]+")
    for prog in res:
        res[prog] = stats.sub("Performed N guesses", res[prog])
    same(res)
    assert "No valid accounts found" in res["cmap"], res["cmap"]


API_PROBE = r'''
description = "libssh2 conventions"
categories = {"safe"}
local libssh2 = require "libssh2"
prerule = function() return true end
local function show(...)
  local t = table.pack(...)
  local o = {}
  for i = 1, t.n do
    local v = t[i]
    if type(v) == "table" then v = "{" .. table.concat(v, ",") .. "}" end
    o[#o + 1] = type(v) == "userdata" and "userdata" or tostring(v)
  end
  return table.concat(o, ",")
end
action = function()
  local out = {}
  local function add(k, ...) out[#out + 1] = k .. "=" .. show(...) end
  local function P(k, f, ...) add(k, pcall(f, ...)) end
  P("refused", libssh2.session_open, "127.0.0.1", 23)
  P("badport", libssh2.session_open, "127.0.0.1", "x")
  local s = libssh2.session_open("127.0.0.1", 22)
  add("session", s)
  add("sha1", #libssh2.hostkey_hash(s), libssh2.hostkey_hash(s) == libssh2.hostkey_hash(s, "sha1"))
  add("md5", #libssh2.hostkey_hash(s, "md5"))
  add("md5_value", libssh2.hostkey_hash(s, "md5"))
  local h = libssh2.hostkey_hash(s)
  add("hexform", h:match("^[%x:]+$") ~= nil and h:upper() == h and #h:gsub("%x%x:", "") == 2)
  P("badhash", libssh2.hostkey_hash, s, "sha256")
  add("set_timeout", libssh2.set_timeout(s, 5000))
  add("list", libssh2.userauth_list(s, "root"))
  local key = libssh2.read_publickey("@KEY@.pub")
  add("keylen", #key)
  P("readmissing", libssh2.read_publickey, "/nonexistent/key.pub")
  add("canauth_root", libssh2.publickey_canauth(s, "root", key))
  P("canauth_nil", libssh2.publickey_canauth, s, "root", nil)
  add("password", libssh2.userauth_password(s, "root", "wrong"))
  add("wrongkey", libssh2.userauth_publickey(s, "root", "@OTHER@", ""))
  add("login", libssh2.userauth_publickey(s, "root", "@KEY@", ""))
  local ch = libssh2.open_channel(s)
  add("channel", ch)
  add("exec", libssh2.channel_exec(s, ch, "head -c 5000 /dev/zero | tr '\\0' x; echo; echo done"))
  add("send_eof", libssh2.channel_send_eof(s, ch))
  local buf = {}
  while not libssh2.channel_eof(ch) do
    local d = libssh2.channel_read(s, ch)
    if d then buf[#buf + 1] = d end
  end
  local all = table.concat(buf)
  add("read", #all, all:sub(-6))
  add("eof", libssh2.channel_eof(ch))
  add("close_channel", libssh2.channel_close(s, ch))
  add("close", libssh2.session_close(s))
  add("close_again", libssh2.session_close(s))
  -- a key nobody authorized
  s = libssh2.session_open("127.0.0.1", 22)
  add("canauth_other", libssh2.publickey_canauth(s, "root", libssh2.read_publickey("@OTHER@.pub")))
  add("password_other", libssh2.userauth_password(s, "root", "wrong"))
  libssh2.session_close(s)
  -- OpenSSH disconnects a client that changes the user name
  s = libssh2.session_open("127.0.0.1", 22)
  add("canauth_root2", libssh2.publickey_canauth(s, "root", key))
  add("canauth_nobody", libssh2.publickey_canauth(s, "nobody", key))
  P("after_disconnect", libssh2.userauth_password, s, "root", "x")
  P("after_disconnect2", libssh2.userauth_publickey, s, "root", "@KEY@", "")
  libssh2.session_close(s)
  return table.concat(out, "\n")
end
'''


def test_api_matches_nmap(sshlab, cmap_bin, tmp_path):
    text = API_PROBE.replace("@KEY@", sshlab.key).replace("@OTHER@", sshlab.other)
    script = write_script(tmp_path, "ssh2-api", text)
    res = both(NS, cmap_bin, ["-n", "-Pn", "-sn", "--script", script], "ssh2-api")
    same(res)
    md5 = sh(["ssh-keygen", "-l", "-E", "md5", "-f", sshlab.hostkey + ".pub"]).stdout.split()[1]
    assert "md5_value=" + md5.removeprefix("MD5:").upper() in res["cmap"].split("\n"), (md5, res)
    for line in ("refused=false,ERROR", "session=userdata", "sha1=59,true", "md5=47",
                 "hexform=true", "list={publickey,password}", "canauth_root=true", "canauth_other=false",
                 "password=false", "wrongkey=false", "login=true", r"read=5008,done\x0D",
                 "eof=true", "after_disconnect=true,false"):
        assert line in res["cmap"].split("\n"), (line, res["cmap"])


HOSTILE_PROBE = r'''
description = "libssh2 and hostile servers"
categories = {"safe"}
local nmap = require "nmap"
local stdnse = require "stdnse"
local libssh2 = require "libssh2"
prerule = function() return true end
action = function()
  local out = {}
  local done = false
  local cv = nmap.condvar(out)
  -- a silent server: the open waits its timeout in its own thread
  stdnse.new_thread(function()
    local t0 = nmap.clock_ms()
    local ok, err = pcall(libssh2.session_open, "127.0.0.1", @silent@)
    local el = nmap.clock_ms() - t0
    out.silent = tostring(ok) .. "," .. tostring(err)
    out.silent_waited = tostring(el > 25000 and el < 40000)
    done = true
    cv "signal"
  end)
  -- meanwhile other sessions go on
  local t0 = nmap.clock_ms()
  local s = libssh2.session_open("127.0.0.1", 22)
  local methods = libssh2.userauth_list(s, "root")
  libssh2.session_close(s)
  out.meanwhile = table.concat(methods, ",") .. "," .. tostring(nmap.clock_ms() - t0 < 5000)
  out.meanwhile_first = tostring(not done)
  local ok, err = pcall(libssh2.session_open, "127.0.0.1", @garbage@)
  out.garbage = tostring(ok) .. "," .. tostring(err)
  ok, err = pcall(libssh2.session_open, "127.0.0.1", @half-fin@)
  out.half = tostring(ok) .. "," .. tostring(err)
  while not done do cv "wait" end
  local r = {}
  for _, k in ipairs({"meanwhile", "meanwhile_first", "garbage", "half", "silent", "silent_waited"}) do
    r[#r + 1] = k .. "=" .. out[k]
  end
  return table.concat(r, "\n")
end
'''


def hostile_script(tmp_path):
    text = HOSTILE_PROBE
    for kind, port in HOSTILE.items():
        text = text.replace(f"@{kind}@", str(port))
    return write_script(tmp_path, "ssh2-hostile", text)


def test_hostile_servers_match_nmap(sshlab, cmap_bin, tmp_path):
    res = both(NS, cmap_bin, ["-n", "-Pn", "-sn", "--script", hostile_script(tmp_path)],
               "ssh2-hostile")
    same(res)
    lines = res["cmap"].split("\n")
    assert "meanwhile=publickey,password,true" in lines, lines
    assert "meanwhile_first=true" in lines, lines
    assert "silent=false,TIMEOUT" in lines, lines
    assert "silent_waited=true" in lines, lines
    assert "garbage=false,Unable to complete libssh2 handshake." in lines, lines


def test_silent_server_script_timeout(sshlab, cmap_bin, tmp_path):
    """--script-timeout ends a session_open waiting on a silent server."""
    rc, out, err, secs = run(NS, [cmap_bin, "-d", "-n", "-Pn", "-sn", "--script-timeout", "3s",
                                  "--script", hostile_script(tmp_path)], timeout=60)
    assert rc == 0, err
    assert "AddressSanitizer" not in err and "runtime error" not in err, err
    assert secs < 15, secs
    assert re.search(r"ssh2-hostile.*timed out", out), out


MISUSE_PROBE = r"""
description = "libssh2 misuse"
categories = {"safe"}
local libssh2 = require "libssh2"
prerule = function() return true end
action = function()
  local out = {}
  local function P(k, f, ...)
    local ok, err = pcall(f, ...)
    out[#out + 1] = k .. "=" .. tostring(ok) .. "," .. tostring(err)
  end
  local s = libssh2.session_open("127.0.0.1", 22)
  -- blobs whose algorithm name runs past their end
  P("blob_short", libssh2.publickey_canauth, s, "root", "\0\0")
  P("blob_long", libssh2.publickey_canauth, s, "root", "\0\0\1\0ssh-ed25519")
  P("not_session", libssh2.userauth_list, {}, "root")
  P("not_channel", libssh2.channel_read, s, {})
  P("login", libssh2.userauth_publickey, s, "root", "@KEY@", "")
  local ch = libssh2.open_channel(s)
  libssh2.session_close(s)
  -- nmap 7.93 aborts here (an assertion)
  P("closed", libssh2.userauth_list, s, "root")
  P("closed_hash", libssh2.hostkey_hash, s)
  P("closed_channel", libssh2.channel_read, s, ch)
  P("closed_eof", libssh2.channel_eof, ch)
  return table.concat(out, "\n")
end
"""


def test_misuse_is_an_error(sshlab, cmap_bin, tmp_path):
    """A closed session (nmap 7.93 aborts) and a key blob too short for its
    algorithm name (nmap says the key is accepted) are errors in cmap."""
    script = write_script(tmp_path, "ssh2-misuse", MISUSE_PROBE.replace("@KEY@", sshlab.key))
    rc, out, err, _ = run(NS, [cmap_bin, "-n", "-Pn", "-sn", "--script", script])
    assert rc == 0, err
    assert "AddressSanitizer" not in err and "runtime error" not in err, err
    text = scanout.script_output(out, "ssh2-misuse")
    assert text is not None, out
    lines = text.split("\n")
    for expected in ("login=true,true", "blob_short=false,Invalid Publickey", "blob_long=false,Invalid Publickey",
                     "closed=false,session is not open", "closed_hash=false,session is not open",
                     "closed_channel=false,session is not open", "closed_eof=false,channel is closed"):
        assert expected in lines, (expected, lines)
    assert lines[2].startswith("not_session=false,bad argument #1"), lines
    assert lines[3].startswith("not_channel=false,bad argument #2"), lines


STALL_PROBE = r"""
description = "libssh2 set_timeout"
categories = {"safe"}
local nmap = require "nmap"
local stdnse = require "stdnse"
local libssh2 = require "libssh2"
prerule = function() return true end
action = function()
  local s = libssh2.session_open("127.0.0.1", @PORT@)
  libssh2.set_timeout(s, 1500)
  stdnse.sleep(1.2)
  local t0 = nmap.clock_ms()
  local ok, err = pcall(libssh2.userauth_list, s, "root")
  local el = nmap.clock_ms() - t0
  return ("%s,%s,%s"):format(tostring(ok), tostring(err), tostring(el >= 1400 and el < 4000))
end
"""


def test_set_timeout_bounds_a_stalled_server(sshlab, cmap_bin, tmp_path):
    """A server that stops answering mid-session costs set_timeout's time
    (nmap 7.93 ignores set_timeout there and waits its socket's 30 s)."""
    script = write_script(tmp_path, "ssh2-stall", STALL_PROBE.replace("@PORT@", str(STALL_PORT)))
    rc, out, err, secs = run(NS, [cmap_bin, "-n", "-Pn", "-sn", "--script", script], timeout=60)
    assert rc == 0, err
    assert "AddressSanitizer" not in err and "runtime error" not in err, err
    assert scanout.script_output(out, "ssh2-stall") == "false,TIMEOUT,true", out
    assert secs < 15, secs
