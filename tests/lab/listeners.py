#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""TCP and UDP listeners for the lab's target namespaces.

Accepts connections on the given ports (IPv4 and IPv6), optionally writes a
banner, and closes each connection when the peer does or after a short idle
time. UDP ports given with --udp answer every datagram (for -sU's
udp-response); those given with --udp-silent are bound but never answer,
so the kernel sends no port unreachable (open|filtered). Prints "ready" on stdout once every socket is bound, so the lab can
wait for it instead of sleeping. Exits on SIGTERM/SIGINT.

    listeners.py --addr 0.0.0.0 --addr :: --port 22 --port 80 \
                 --banner '22=SSH-2.0-OpenSSH_9.2p1 cmlab\r\n'
"""

import argparse
import selectors
import signal
import socket
import sys
import time

IDLE_SECONDS = 5.0
MAX_CLIENTS = 2048
BACKLOG = 1024


def parse_port(text):
    port = int(text)
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port out of range: {text}")
    return port


def parse_banner(text):
    port, sep, banner = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"banner must be PORT=TEXT: {text}")
    # Escapes let the caller pass \r\n through a command line.
    return parse_port(port), banner.encode().decode("unicode_escape").encode("latin-1")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--addr", action="append", required=True)
    parser.add_argument("--port", action="append", type=parse_port, required=True)
    parser.add_argument("--udp", action="append", type=parse_port, default=[])
    parser.add_argument("--udp-silent", action="append", type=parse_port, default=[])
    parser.add_argument("--banner", action="append", type=parse_banner, default=[])
    return parser.parse_args(argv)


def open_udp(addr, port):
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM)
    if family == socket.AF_INET6:
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    sock.bind((addr, port))
    sock.setblocking(False)
    return sock


UDP_ANSWER = b"cmlab udp\n"


def open_listener(addr, port):
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6:
        # A separate IPv4 socket exists; keep the families independent.
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    sock.bind((addr, port))
    sock.listen(BACKLOG)
    sock.setblocking(False)
    return sock


class Server:
    def __init__(self, listeners, banners, udp_answer=(), udp_silent=()):
        self.sel = selectors.DefaultSelector()
        self.banners = banners
        self.clients = {}
        for sock in listeners:
            self.sel.register(sock, selectors.EVENT_READ, "listen")
        for sock in udp_answer:
            self.sel.register(sock, selectors.EVENT_READ, "udp")
        for sock in udp_silent:
            self.sel.register(sock, selectors.EVENT_READ, "udp-silent")

    @staticmethod
    def datagram(sock, answer):
        """Read every queued datagram; answer each when asked to."""
        for _ in range(256):
            try:
                _, peer = sock.recvfrom(2048)
            except OSError:
                return
            if answer:
                try:
                    sock.sendto(UDP_ANSWER, peer)
                except OSError:
                    pass

    def accept(self, lsock):
        try:
            conn, _ = lsock.accept()
        except OSError:
            return
        if len(self.clients) >= MAX_CLIENTS:
            self.drop(next(iter(self.clients)))
        conn.setblocking(False)
        banner = self.banners.get(lsock.getsockname()[1])
        if banner:
            try:
                conn.send(banner)
            except OSError:
                conn.close()
                return
        self.clients[conn] = time.monotonic()
        self.sel.register(conn, selectors.EVENT_READ, "client")

    def drop(self, conn):
        self.clients.pop(conn, None)
        self.sel.unregister(conn)
        conn.close()

    def read(self, conn):
        try:
            data = conn.recv(4096)
        except OSError:
            data = b""
        if data:
            self.clients[conn] = time.monotonic()
        else:
            self.drop(conn)

    def expire(self):
        limit = time.monotonic() - IDLE_SECONDS
        for conn in [c for c, seen in self.clients.items() if seen < limit]:
            self.drop(conn)

    def serve(self):
        while True:
            for key, _ in self.sel.select(timeout=1.0):
                if key.data == "listen":
                    self.accept(key.fileobj)
                elif key.data in ("udp", "udp-silent"):
                    self.datagram(key.fileobj, key.data == "udp")
                else:
                    self.read(key.fileobj)
            self.expire()


def stop(signum, _frame):
    sys.exit(128 + signum)


def main(argv):
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    listeners = [open_listener(a, p) for a in args.addr for p in args.port]
    udp_answer = [open_udp(a, p) for a in args.addr for p in args.udp]
    udp_silent = [open_udp(a, p) for a in args.addr for p in args.udp_silent]
    server = Server(listeners, dict(args.banner), udp_answer, udp_silent)
    print("ready", flush=True)
    server.serve()


if __name__ == "__main__":
    main(sys.argv[1:])
