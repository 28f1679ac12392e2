#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Small services for the version-detection lab test, one per port.

    vscan_listeners.py --addr 0.0.0.0 --cert c.pem --key k.pem PORT=KIND ...

KIND is one of: ssh, http, https, smtp, pop3, ftpsoft (a banner nmap only
soft-matches), silent (accepts, never speaks), close (closes at once:
tcpwrapped), unknown (a banner nothing matches), errors (answers every
line with an error nothing matches). Connections close when the peer
does or after IDLE seconds. Prints "ready" once every socket is bound.
"""

import argparse
import signal
import socket
import ssl
import sys
import threading
import time

IDLE = 15.0
BANNERS = {
    "ssh": b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n",
    "smtp": b"220 mail.lab.example ESMTP Postfix (Debian/GNU)\r\n",
    "pop3": b"+OK Dovecot (Debian) ready.\r\n",
    "ftpsoft": b"220 Welcome to zork FTP service.\r\n",
    "unknown": b"HELLO\x00\x01 cmlab [banner] \"x\"\t(1)\r\n\xff\xfe9\x009",
}
HTTP_REPLY = (b"HTTP/1.1 200 OK\r\nServer: Apache/2.4.57 (Debian)\r\n"
              b"Content-Type: text/html\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi")
HTTPS_REPLY = (b"HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n"
               b"Content-Type: text/html\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi")


def serve_conn(conn, kind, tls):
    try:
        conn.settimeout(IDLE)
        if kind == "close":
            return
        if kind == "https":
            conn = tls.wrap_socket(conn, server_side=True)
        if kind in BANNERS:
            conn.sendall(BANNERS[kind])
        while True:
            data = conn.recv(4096)
            if not data:
                return
            if kind in ("http", "https"):
                conn.sendall(HTTP_REPLY if kind == "http" else HTTPS_REPLY)
                return
            if kind == "errors":
                conn.sendall(b"ERR unknown command %d\r\n" % len(data))
    except (OSError, ssl.SSLError):
        pass
    finally:
        try:
            conn.close()
        except OSError:
            pass


def accept_loop(sock, kind, tls):
    while True:
        try:
            conn, _ = sock.accept()
        except OSError:
            continue
        threading.Thread(target=serve_conn, args=(conn, kind, tls), daemon=True).start()


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--addr", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("services", nargs="+")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda s, f: sys.exit(128 + s))
    tls = None
    if args.cert:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(args.cert, args.key)
    for spec in args.services:
        port, kind = spec.split("=")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((args.addr, int(port)))
        sock.listen(128)
        threading.Thread(target=accept_loop, args=(sock, kind, tls), daemon=True).start()
    print("ready", flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main(sys.argv[1:])
