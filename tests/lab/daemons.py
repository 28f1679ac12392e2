#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Real daemons from Debian packages, run inside a network namespace.

The version-detection tests and bench/sv_compare.sh need services that
answer the way deployed ones do, so they run the real programs (OpenSSH,
nginx, vsftpd, Exim, Redis, memcached, dnsmasq, net-snmp, rpcbind,
PostgreSQL) instead of imitations. Each one runs in the foreground, bound to
the addresses given, with every configuration file, key, certificate, spool
and pid file generated into one directory under /tmp; nothing in /etc or
/var is read for configuration or written.

Each daemon is started as
    ip netns exec NS unshare --pid --fork --kill-child --mount-proc --
        sh -c 'mount tmpfs on /run; DAEMON & wait'
so that
  - it lives in its own PID namespace: whatever it forks (sshd and exim
    children call setsid and leave the process group) dies with it;
  - it sees a private, empty /run: rpcbind's socket and lock and sshd's
    privilege-separation directory never touch the machine's /run, and two
    labs can run at once;
  - the unshare process is the handle: killing it kills everything.

    daemons.py up NS ADDR [ADDR...]   start them; print "PROTO PORT NAME"
                                      lines (then they keep running)
    daemons.py down NS                stop them and remove their directory
    daemons.py check ADDR SPEC...     (internal) readiness probes, run
                                      inside the namespace by "up"

As a library: start(ns, addrs) returns a Daemons object whose stop() is
idempotent and safe to call from finalizers.
"""

import json
import os
import re
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import sys
import time
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3"
STATE_ROOT = "/tmp"
STATE_PREFIX = "cmap-daemons-"
READY_TIMEOUT = 30
STOP_GRACE = 3
KILL_TIMEOUT = 5
CMD_TIMEOUT = 60
PROBE_TIMEOUT = 2.0


class DaemonError(RuntimeError):
    pass


@dataclass(frozen=True)
class Port:
    proto: str      # "tcp" or "udp"
    port: int
    name: str       # nmap's service name for it, for humans (the tests keep their own)
    check: str      # readiness probe kind, see PROBES


@dataclass
class Spec:
    name: str
    argv: list
    ports: list
    env: dict = field(default_factory=dict)
    # Shell commands run inside the private mount namespace before exec.
    setup: list = field(default_factory=list)


def v6(addr):
    return ":" in addr


def bracket(addr):
    return f"[{addr}]" if v6(addr) else addr


def write(path, text, mode=0o644):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(path, mode)


def run(argv, timeout=CMD_TIMEOUT, **kw):
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kw)
    except subprocess.TimeoutExpired as exc:
        raise DaemonError(f"timed out after {timeout}s: {' '.join(argv)}") from exc
    if proc.returncode != 0:
        raise DaemonError(f"{' '.join(argv)} failed ({proc.returncode}): "
                          f"{(proc.stderr or proc.stdout).strip()}")
    return proc


def drop_to(user):
    """setpriv prefix that runs a daemon as user (for daemons without -u)."""
    return ["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups", "--"]


def chown(path, user):
    shutil.chown(path, user, user)


# ---- the daemons ------------------------------------------------------------
# Each builder writes its files into d (a directory) and returns a Spec.

def sshd(d, addrs):
    for kind in ("ed25519", "ecdsa"):
        key = os.path.join(d, f"ssh_host_{kind}_key")
        run(["ssh-keygen", "-q", "-t", kind, "-N", "", "-C", "cmap-lab", "-f", key])
    cfg = os.path.join(d, "sshd_config")
    lines = ["Port 22"] + [f"ListenAddress {a}" for a in addrs] + [
        f"HostKey {d}/ssh_host_ed25519_key",
        f"HostKey {d}/ssh_host_ecdsa_key",
        f"PidFile {d}/sshd.pid",
        "UsePAM no",
        "LoginGraceTime 10",
        "PermitRootLogin no",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "AuthorizedKeysFile none",
        "MaxStartups 100:30:200",
    ]
    write(cfg, "\n".join(lines) + "\n")
    return Spec("sshd", ["/usr/sbin/sshd", "-D", "-e", "-f", cfg],
                [Port("tcp", 22, "ssh", "ssh")],
                setup=["mkdir -p -m 755 /run/sshd"])


def tls_cert(d):
    """A self-signed certificate for nginx and exim (made once per directory)."""
    key, cert = os.path.join(d, "tls.key"), os.path.join(d, "tls.crt")
    if not os.path.exists(cert):
        run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-nodes", "-days", "30", "-subj", "/CN=svc.cmap.lab", "-keyout", key, "-out", cert])
        # exim reads them after dropping to its user.
        os.chmod(key, 0o640)
        shutil.chown(key, "root", "Debian-exim")
    return key, cert


def nginx(d, addrs):
    key, cert = tls_cert(d)
    www = os.path.join(d, "www")
    os.makedirs(www, exist_ok=True)
    write(os.path.join(www, "index.html"),
          "<html><head><title>cmap lab</title></head><body>cmap lab</body></html>\n")
    temp = os.path.join(d, "nginx-temp")
    os.makedirs(temp, exist_ok=True)
    listens = "".join(f"        listen {bracket(a)}:80;\n        listen {bracket(a)}:443 ssl;\n"
                      for a in addrs)
    cfg = os.path.join(d, "nginx.conf")
    write(cfg, f"""worker_processes 1;
pid {d}/nginx.pid;
error_log stderr;
events {{ worker_connections 512; }}
http {{
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    server {{
{listens}        server_name svc.cmap.lab;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        root {www};
        index index.html;
    }}
}}
""")
    return Spec("nginx", ["/usr/sbin/nginx", "-e", "stderr", "-p", d, "-c", cfg,
                          "-g", "daemon off;"],
                [Port("tcp", 80, "http", "http"), Port("tcp", 443, "https", "https")])


def vsftpd(d, addrs):
    """One vsftpd per address: it listens on a single address."""
    empty = os.path.join(d, "vsftpd-empty")
    os.makedirs(empty, exist_ok=True)
    os.chmod(empty, 0o555)
    specs = []
    for i, a in enumerate(addrs):
        cfg = os.path.join(d, f"vsftpd{i}.conf")
        family = (["listen=NO", "listen_ipv6=YES", f"listen_address6={a}"] if v6(a)
                  else ["listen=YES", "listen_ipv6=NO", f"listen_address={a}"])
        write(cfg, "\n".join(family + [
            "listen_port=21",
            "background=NO",
            # Anonymous login into an empty read-only root; vsftpd refuses to
            # start with every kind of login disabled.
            "anonymous_enable=YES",
            f"anon_root={empty}",
            "no_anon_password=YES",
            "local_enable=NO",
            "write_enable=NO",
            f"secure_chroot_dir={empty}",
            "seccomp_sandbox=NO",
            "xferlog_enable=NO",
            f"vsftpd_log_file={d}/vsftpd-xfer.log",
            "nopriv_user=nobody",
            "max_clients=200",
            "max_per_ip=200",
        ]) + "\n", 0o600)
        ports = [Port("tcp", 21, "ftp", "ftp")] if i == 0 else []
        specs.append(Spec(f"vsftpd{'' if i == 0 else i}", ["/usr/sbin/vsftpd", cfg], ports))
    return specs


def exim(d, addrs):
    key, cert = tls_cert(d)
    spool = os.path.join(d, "exim-spool")
    os.makedirs(spool, exist_ok=True)
    chown(spool, "Debian-exim")
    ifaces = " ; ".join(a for a in addrs)
    cfg = os.path.join(d, "exim.conf")
    write(cfg, f"""primary_hostname = svc.cmap.lab
exim_user = Debian-exim
exim_group = Debian-exim
never_users = root
spool_directory = {spool}
log_file_path = {spool}/%slog
keep_environment =
local_interfaces = <; {ifaces}
daemon_smtp_ports = 25 : 465
tls_on_connect_ports = 465
tls_advertise_hosts = *
tls_certificate = {cert}
tls_privatekey = {key}
smtp_accept_max = 200
smtp_accept_queue_per_connection = 0
host_lookup =
rfc1413_hosts =
acl_smtp_rcpt = refuse_all

begin acl
refuse_all:
  deny message = this lab host accepts no mail
""")
    return Spec("exim", ["/usr/sbin/exim4", "-bdf", "-C", cfg],
                [Port("tcp", 25, "smtp", "smtp"), Port("tcp", 465, "smtps", "smtps")])


def redis(d, addrs):
    data = os.path.join(d, "redis")
    os.makedirs(data, exist_ok=True)
    chown(data, "redis")
    cfg = os.path.join(d, "redis.conf")
    write(cfg, f"""bind {' '.join(addrs)}
port 6379
protected-mode no
daemonize no
supervised no
dir {data}
save ""
appendonly no
logfile ""
""")
    return Spec("redis", drop_to("redis") + ["/usr/bin/redis-server", cfg],
                [Port("tcp", 6379, "redis", "redis")])


def memcached(d, addrs):
    listen = ",".join(bracket(a) for a in addrs)
    return Spec("memcached", ["/usr/bin/memcached", "-u", "memcache", "-l", listen, "-p", "11211",
                              "-U", "0", "-m", "16", "-c", "512"],
                [Port("tcp", 11211, "memcache", "memcached")])


def dnsmasq(d, addrs):
    argv = ["/usr/sbin/dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv",
            "--no-hosts", "--no-poll", "--bind-interfaces", "--port=53", "--user=nobody",
            "--group=nogroup", "--pid-file=", "--log-facility=-",
            "--address=/svc.cmap.lab/" + addrs[0]]
    argv += [f"--listen-address={a}" for a in addrs]
    return Spec("dnsmasq", argv, [Port("tcp", 53, "domain", "dns"),
                                  Port("udp", 53, "domain", "dns")])


def snmpd(d, addrs):
    state = os.path.join(d, "snmp")
    os.makedirs(state, exist_ok=True)
    chown(state, "Debian-snmp")
    cfg = os.path.join(d, "snmpd.conf")
    write(cfg, """rocommunity public default
rocommunity6 public default
sysLocation cmap lab
sysContact lab@svc.cmap.lab
sysName svc.cmap.lab
master no
""")
    endpoints = [f"udp6:[{a}]:161" if v6(a) else f"udp:{a}:161" for a in addrs]
    argv = ["/usr/sbin/snmpd", "-f", "-Lo", "-C", "-c", cfg, "-u", "Debian-snmp",
            "-g", "Debian-snmp", "-p", f"{d}/snmpd.pid"] + endpoints
    # No MIB loading (not needed to answer, and noisy); state in d.
    env = {"SNMP_PERSISTENT_DIR": state, "MIBS": "", "MIBDIRS": "/nonexistent",
           "SNMPCONFPATH": d}
    return Spec("snmpd", argv, [Port("udp", 161, "snmp", "snmp")], env=env)


def rpcbind(d, addrs):
    argv = ["/usr/sbin/rpcbind", "-f", "-w"]
    # rpcbind adds the loopback addresses itself and crashes (double free)
    # when one is also given with -h.
    for a in addrs:
        if a not in ("127.0.0.1", "::1"):
            argv += ["-h", a]
    return Spec("rpcbind", argv, [Port("tcp", 111, "rpcbind", "rpc"),
                                  Port("udp", 111, "rpcbind", "rpc")],
                setup=["mkdir -p -m 755 /run/rpcbind", "chown _rpc /run/rpcbind"])


PG_BIN = "/usr/lib/postgresql/15/bin"


def postgres(d, addrs):
    data = os.path.join(d, "pgdata")
    sock = os.path.join(d, "pgsock")
    for p in (data, sock):
        os.makedirs(p, exist_ok=True)
        chown(p, "postgres")
    os.chmod(data, 0o700)
    run(drop_to("postgres") + [f"{PG_BIN}/initdb", "-D", data, "-A", "trust", "-U", "postgres",
                               "--no-sync", "-E", "UTF8", "--locale=C"], cwd=d)
    argv = drop_to("postgres") + [f"{PG_BIN}/postgres", "-D", data,
                                  "-c", f"listen_addresses={','.join(addrs)}",
                                  "-c", "port=5432", "-c", f"unix_socket_directories={sock}",
                                  "-c", "fsync=off", "-c", "max_connections=200",
                                  "-c", "shared_buffers=16MB"]
    return Spec("postgres", argv, [Port("tcp", 5432, "postgresql", "postgres")])


BUILDERS = (sshd, nginx, vsftpd, exim, redis, memcached, dnsmasq, snmpd, rpcbind, postgres)


# ---- readiness probes (run inside the namespace) ---------------------------

def _recv_until(sock, pred, limit=65536):
    data = b""
    while not pred(data) and len(data) < limit:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def _tcp(addr, port):
    return socket.create_connection((addr, port), timeout=PROBE_TIMEOUT)


def _banner(addr, port, prefix):
    with _tcp(addr, port) as s:
        data = _recv_until(s, lambda b: b"\n" in b)
    return data.startswith(prefix)


def _http(addr, port, tls):
    with _tcp(addr, port) as raw:
        s = raw
        if tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            s = ctx.wrap_socket(raw)
        s.sendall(b"HEAD / HTTP/1.0\r\n\r\n")
        return _recv_until(s, lambda b: b"\r\n" in b).startswith(b"HTTP/1.1 200")


def _smtps(addr, port):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with _tcp(addr, port) as raw, ctx.wrap_socket(raw) as s:
        return _recv_until(s, lambda b: b"\n" in b).startswith(b"220 ")


def _exchange(addr, port, request, pred):
    with _tcp(addr, port) as s:
        s.sendall(request)
        return pred(_recv_until(s, pred))


def _udp(addr, port, payload):
    family = socket.AF_INET6 if v6(addr) else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as s:
        s.settimeout(PROBE_TIMEOUT)
        s.sendto(payload, (addr, port))
        return s.recv(65535)


def dns_version_query(qid=0x5eed):
    name = b"".join(bytes([len(p)]) + p for p in (b"version", b"bind")) + b"\0"
    return struct.pack(">HHHHHH", qid, 0, 1, 0, 0, 0) + name + struct.pack(">HH", 16, 3)


def _dns(addr, port, proto):
    q = dns_version_query()
    if proto == "udp":
        reply = _udp(addr, port, q)
    else:
        with _tcp(addr, port) as s:
            s.sendall(struct.pack(">H", len(q)) + q)
            reply = _recv_until(s, lambda b: len(b) >= 2 and len(b) >= 2 + (b[0] << 8 | b[1]))[2:]
    return len(reply) >= 12 and reply[:2] == q[:2] and reply[2] & 0x80


def _tlv(tag, body):
    assert len(body) < 128
    return bytes([tag, len(body)]) + body


def snmp_get_sysdescr(community=b"public", reqid=0x1234):
    oid = _tlv(0x06, bytes([0x2b, 6, 1, 2, 1, 1, 1, 0]))
    varbinds = _tlv(0x30, _tlv(0x30, oid + b"\x05\x00"))
    pdu = _tlv(0xa0, _tlv(0x02, struct.pack(">H", reqid)) + _tlv(0x02, b"\0") +
               _tlv(0x02, b"\0") + varbinds)
    return _tlv(0x30, _tlv(0x02, b"\x01") + _tlv(0x04, community) + pdu)


def _snmp(addr, port):
    reply = _udp(addr, port, snmp_get_sysdescr())
    return reply[:1] == b"\x30" and b"\xa2" in reply


def rpc_null_call(xid=0x5eed):
    # CALL, RPC v2, portmapper 100000 v2, NULLPROC, AUTH_NULL credential and verifier.
    return struct.pack(">IIIIIIIIII", xid, 0, 2, 100000, 2, 0, 0, 0, 0, 0)


def _rpc(addr, port, proto):
    call = rpc_null_call()
    if proto == "udp":
        reply = _udp(addr, port, call)
    else:
        with _tcp(addr, port) as s:
            s.sendall(struct.pack(">I", 0x80000000 | len(call)) + call)
            reply = _recv_until(s, lambda b: len(b) >= 28)[4:]
    return len(reply) >= 24 and reply[:4] == call[:4] and reply[4:8] == b"\0\0\0\1"


def _postgres(addr, port):
    # SSLRequest: the server answers one byte, 'S' or 'N'.
    return _exchange(addr, port, struct.pack(">II", 8, 80877103), lambda b: b[:1] in (b"N", b"S"))


PROBES = {
    "ssh": lambda a, p, proto: _banner(a, p, b"SSH-2.0-"),
    "ftp": lambda a, p, proto: _banner(a, p, b"220 "),
    "smtp": lambda a, p, proto: _banner(a, p, b"220 "),
    "smtps": lambda a, p, proto: _smtps(a, p),
    "http": lambda a, p, proto: _http(a, p, False),
    "https": lambda a, p, proto: _http(a, p, True),
    "redis": lambda a, p, proto: _exchange(a, p, b"PING\r\n", lambda b: b.startswith(b"+PONG")),
    "memcached": lambda a, p, proto: _exchange(a, p, b"version\r\n",
                                               lambda b: b.startswith(b"VERSION ")),
    "dns": _dns,
    "snmp": lambda a, p, proto: _snmp(a, p),
    "rpc": _rpc,
    "postgres": lambda a, p, proto: _postgres(a, p),
}


def check_all(addrs, specs, timeout):
    """Probe every (addr, proto/port/kind) until each answers; return failures."""
    pending = [(a, s) for a in addrs for s in specs]
    last = {}
    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        still = []
        for a, spec in pending:
            proto, port, kind = spec.split("/")
            try:
                ok = PROBES[kind](a, int(port), proto)
                last[(a, spec)] = "wrong answer"
            except (OSError, ValueError) as exc:
                ok = False
                last[(a, spec)] = str(exc)
            if not ok:
                still.append((a, spec))
        pending = still
        if pending:
            time.sleep(0.1)
    return [f"{a} {spec}: {last.get((a, spec), 'not tried')}" for a, spec in pending]


# ---- process control --------------------------------------------------------

def state_dir(ns):
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", ns):
        raise DaemonError(f"bad namespace name {ns!r}")
    return os.path.join(STATE_ROOT, STATE_PREFIX + ns)


def pid_alive(pid):
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            stat = f.read()
    except (FileNotFoundError, ProcessLookupError):  # gone between open and read
        return False
    return stat[stat.rfind(")") + 2:][:1] != "Z"


def signal_group(pgid, signum):
    try:
        os.killpg(pgid, signum)
    except (ProcessLookupError, PermissionError):
        pass


class Daemons:
    """The daemons running in one namespace; stop() removes every trace."""

    def __init__(self, ns, addrs, directory):
        self.ns = ns
        self.addrs = list(addrs)
        self.dir = directory
        self.procs = []        # Popen objects (only in the process that started them)
        self.entries = []      # {"name", "pid", "ports"} as saved in state.json
        self.ports = []        # Port objects of every daemon started

    def save(self):
        write(os.path.join(self.dir, "state.json"),
              json.dumps({"ns": self.ns, "addrs": self.addrs, "daemons": self.entries}))

    def launch(self, spec):
        # sh stays PID 1 of the new namespace and the daemon runs as its
        # child: a daemon that is PID 1 inherits every orphan, and vsftpd
        # crashes (SIGSEGV) when it reaps a child it did not fork.
        script = "\n".join(["set -e", "mount -t tmpfs -o mode=755 cmap-lab-run /run"] +
                           spec.setup + ['"$@" &', "wait $!"])
        argv = ["ip", "netns", "exec", self.ns, "unshare", "--pid", "--fork", "--kill-child",
                "--mount-proc", "--", "sh", "-c", script, f"{self.dir}/{spec.name}"] + spec.argv
        env = dict(os.environ, **spec.env)
        log = open(os.path.join(self.dir, f"{spec.name}.log"), "ab")
        try:
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                    env=env, cwd=self.dir, start_new_session=True)
        finally:
            log.close()
        self.procs.append(proc)
        self.entries.append({"name": spec.name, "pid": proc.pid,
                             "ports": [f"{p.proto}/{p.port}/{p.check}" for p in spec.ports]})
        self.ports += spec.ports
        self.save()

    def log_tail(self, name, lines=15):
        try:
            with open(os.path.join(self.dir, f"{name}.log"), encoding="utf-8",
                      errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except FileNotFoundError:
            return ""

    def wait_ready(self, timeout=READY_TIMEOUT, check_ns=None):
        specs = [p for e in self.entries for p in e["ports"]]
        argv = ["ip", "netns", "exec", check_ns or self.ns, PYTHON, os.path.abspath(__file__),
                "check", "--timeout", str(timeout)]
        argv += [x for a in self.addrs for x in ("--addr", a)] + specs
        # Poll the daemons while the probes run: one that exits fails the
        # start at once instead of after the whole timeout.
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + timeout + 15
        dead = []
        while proc.poll() is None and not dead and time.monotonic() < deadline:
            time.sleep(0.1)
            dead = [e["name"] for e in self.entries if not self._alive(e["pid"])]
        if proc.poll() is None:
            proc.kill()
        detail = proc.communicate()[0]
        dead = [e["name"] for e in self.entries if not self._alive(e["pid"])]
        if proc.returncode != 0 or dead:
            for name in dead:
                detail += f"\n{name} exited; its log ends with:\n{self.log_tail(name)}"
            raise DaemonError(f"daemons in {self.ns} not ready:\n{detail.strip()}")

    def stop(self):
        """Idempotent: TERM each daemon, then KILL whatever is left."""
        pids = [e["pid"] for e in self.entries]
        for pid in pids:
            # The group is unshare (blocks TERM), sh (PID 1 of the namespace:
            # ignores it) and the daemon, which exits; sh and unshare follow.
            if self._alive(pid):
                signal_group(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE
        while time.monotonic() < deadline and any(self._alive(p) for p in pids):
            time.sleep(0.05)
        for pid in pids:
            if self._alive(pid):
                # Killing unshare makes the kernel kill its PID namespace.
                signal_group(pid, signal.SIGKILL)
        deadline = time.monotonic() + KILL_TIMEOUT
        while time.monotonic() < deadline and any(self._alive(p) for p in pids):
            time.sleep(0.05)
        left = [p for p in pids if self._alive(p)]
        self.entries = [e for e in self.entries if e["pid"] in left]
        self.procs = [p for p in self.procs if p.pid in left]
        if left:
            raise DaemonError(f"processes {left} in {self.ns} survived SIGKILL")
        shutil.rmtree(self.dir, ignore_errors=True)

    def _alive(self, pid):
        """Whether our unshare process pid still runs. A pid read back from
        state.json counts only while its command line names our directory
        (sh's $0), so a reused pid is never signalled."""
        for proc in self.procs:
            if proc.pid == pid:
                return proc.poll() is None
        if not pid_alive(pid):
            return False
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                return f"{self.dir}/".encode() in f.read()
        except FileNotFoundError:
            return False


def remove_stale():
    """Stop and remove what daemons of namespaces that no longer exist left
    (a run killed before its cleanup; lab.py removes the namespaces)."""
    names = run(["ip", "netns", "list"]).stdout.split("\n")
    present = {line.split()[0] for line in names if line.strip()}
    for entry in os.listdir(STATE_ROOT):
        if entry.startswith(STATE_PREFIX) and entry[len(STATE_PREFIX):] not in present:
            stop_ns(entry[len(STATE_PREFIX):])


def start(ns, addrs, builders=BUILDERS, timeout=READY_TIMEOUT, check_ns=None):
    """Start the daemons in ns bound to addrs; every port answers on return
    (probed from check_ns when given, e.g. the lab's scanner namespace)."""
    if not addrs:
        raise DaemonError("no addresses given")
    remove_stale()
    stop_ns(ns)
    directory = state_dir(ns)
    os.makedirs(directory, mode=0o755)
    os.chmod(directory, 0o755)
    daemons = Daemons(ns, addrs, directory)
    try:
        for build in builders:
            built = build(directory, list(addrs))
            for spec in built if isinstance(built, list) else [built]:
                daemons.launch(spec)
        daemons.wait_ready(timeout, check_ns)
    except BaseException:
        daemons.stop()
        raise
    return daemons


def load(ns):
    """The Daemons of ns as saved by a (possibly other) process, or None."""
    directory = state_dir(ns)
    try:
        with open(os.path.join(directory, "state.json"), encoding="utf-8") as f:
            state = json.load(f)
    except FileNotFoundError:
        return Daemons(ns, [], directory) if os.path.isdir(directory) else None
    daemons = Daemons(ns, state["addrs"], directory)
    daemons.entries = state["daemons"]
    return daemons


def stop_ns(ns):
    daemons = load(ns)
    if daemons is not None:
        daemons.stop()


def main(argv):
    usage = ("usage: daemons.py up NS ADDR [ADDR...] | down NS | "
             "check [--timeout S] --addr A ... PROTO/PORT/KIND ...")
    if len(argv) >= 3 and argv[0] == "up":
        daemons = start(argv[1], argv[2:])
        for e in daemons.entries:
            for p in e["ports"]:
                proto, port, _ = p.split("/")
                print(f"{proto} {port} {e['name']}")
        return 0
    if len(argv) == 2 and argv[0] == "down":
        stop_ns(argv[1])
        return 0
    if argv and argv[0] == "check":
        addrs, specs, timeout, rest = [], [], READY_TIMEOUT, argv[1:]
        while rest:
            if rest[0] in ("--addr", "--timeout") and len(rest) >= 2:
                if rest[0] == "--addr":
                    addrs.append(rest[1])
                else:
                    timeout = float(rest[1])
                rest = rest[2:]
            else:
                specs.append(rest.pop(0))
        failures = check_all(addrs, specs, timeout)
        print("\n".join(failures))
        return 1 if failures else 0
    print(usage, file=sys.stderr)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except DaemonError as exc:
        print(f"daemons.py: {exc}", file=sys.stderr)
        sys.exit(1)
