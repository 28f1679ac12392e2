#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""A userspace SCTP endpoint for the lab, whose kernel has no SCTP.

Runs inside a target namespace and answers the first chunk of every SCTP
packet as an RFC 9260 stack without the association would:

  INIT to an --open port          INIT ACK (with a State Cookie), tagged
                                  with the INIT's Initiate Tag (5.1)
  INIT to any other port          ABORT tagged with the Initiate Tag, T bit
                                  clear (8.4 item 3: nothing listens)
  COOKIE ECHO to an --open port   nothing: the cookie is not one this end
                                  made, so it is discarded silently (5.1.5)
  COOKIE ECHO, --cookie-ack port  COOKIE ACK (as if the cookie were good)
  COOKIE ECHO to any other port   ABORT reflecting the packet's tag, T bit
                                  set (8.4 item 8, out of the blue)
  anything to an --odd port       a HEARTBEAT chunk: a reply a scanner
                                  does not expect

Replies carry a correct CRC32c. The raw IPPROTO_SCTP sockets (IPv4 and
IPv6) also keep the kernel from answering with protocol unreachables.
Ports are dropped or rejected with ICMP by nft rules in the namespace, not
here. --log FILE appends one line per packet received (hex), for checking
what a scanner sends. Prints "ready" once both sockets are open; exits on
SIGTERM/SIGINT.

    sctp_responder.py --open 80 --open 7 --cookie-ack 9 --odd 13
"""

import argparse
import os
import select
import signal
import socket
import struct
import sys

IPPROTO_SCTP = 132
INIT, INIT_ACK, HEARTBEAT, ABORT, COOKIE_ECHO, COOKIE_ACK = 1, 2, 4, 6, 10, 11
STATE_COOKIE_PARAM = 7
COMMON_LEN = 12
MAX_PACKET = 65535


def _crc32c_table():
    poly = 0x82F63B78  # Castagnoli, bit-reversed (RFC 9260 appendix A)
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ (poly if c & 1 else 0)
        table.append(c)
    return table


CRC_TABLE = _crc32c_table()


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc = (crc >> 8) ^ CRC_TABLE[(crc ^ b) & 0xFF]
    return crc ^ 0xFFFFFFFF


def packet(sport, dport, vtag, chunks):
    """Common header + chunks, the CRC32c stored least significant byte first."""
    body = b"".join(chunks)
    head = struct.pack("!HHII", sport, dport, vtag, 0)
    crc = crc32c(head + body)
    return struct.pack("!HHI", sport, dport, vtag) + struct.pack("<I", crc) + body


def chunk(ctype, flags, value=b""):
    data = struct.pack("!BBH", ctype, flags, 4 + len(value)) + value
    return data + b"\0" * (-len(data) % 4)


def init_ack(init_value):
    """An INIT ACK for the INIT's fixed part, with a State Cookie."""
    _tag, _rwnd, out_streams, in_streams, _tsn = struct.unpack("!IIHHI", init_value[:16])
    cookie = os.urandom(24)
    param = struct.pack("!HH", STATE_COOKIE_PARAM, 4 + len(cookie)) + cookie
    fixed = struct.pack("!IIHHI", int.from_bytes(os.urandom(4), "big") | 1, 106496,
                        min(10, in_streams or 1), min(10, out_streams or 1),
                        int.from_bytes(os.urandom(4), "big"))
    return chunk(INIT_ACK, 0, fixed + param)


def answer(data, args):
    """The reply to one SCTP packet, or None."""
    if len(data) < COMMON_LEN + 4:
        return None
    sport, dport, vtag = struct.unpack("!HHI", data[:8])
    ctype, _flags, clen = struct.unpack("!BBH", data[12:16])
    if clen < 4 or COMMON_LEN + clen > len(data):
        return None
    value = data[16:COMMON_LEN + clen]
    reply = lambda tag, *chunks: packet(dport, sport, tag, chunks)  # noqa: E731
    if dport in args.odd:
        return reply(vtag, chunk(HEARTBEAT, 0, struct.pack("!HH", 1, 8) + b"cmap"))
    if ctype == INIT:
        if len(value) < 16:
            return None
        initiate_tag = struct.unpack("!I", value[:4])[0]
        if dport in args.open:
            return reply(initiate_tag, init_ack(value))
        return reply(initiate_tag, chunk(ABORT, 0))
    if ctype == COOKIE_ECHO:
        if dport in args.cookie_ack:
            return reply(vtag, chunk(COOKIE_ACK, 0))
        if dport in args.open:
            return None
        return reply(vtag, chunk(ABORT, 1))
    if ctype == ABORT:
        return None  # never answer an ABORT (8.4 item 2)
    if dport in args.open or dport in args.cookie_ack:
        return None
    return reply(vtag, chunk(ABORT, 1))


def parse_port(text):
    port = int(text)
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port out of range: {text}")
    return port


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("--open", "--cookie-ack", "--odd"):
        parser.add_argument(name, action="append", type=parse_port, default=[])
    parser.add_argument("--log")
    args = parser.parse_args(argv)
    args.open, args.cookie_ack, args.odd = set(args.open), set(args.cookie_ack), set(args.odd)
    return args


def serve(args):
    v4 = socket.socket(socket.AF_INET, socket.SOCK_RAW, IPPROTO_SCTP)
    v6 = socket.socket(socket.AF_INET6, socket.SOCK_RAW, IPPROTO_SCTP)
    log = open(args.log, "a", encoding="ascii") if args.log else None
    print("ready", flush=True)
    while True:
        readable, _, _ = select.select([v4, v6], [], [])
        for sock in readable:
            data, peer = sock.recvfrom(MAX_PACKET)
            if sock is v4:  # IPv4 raw sockets deliver the IP header too
                ihl = (data[0] & 0x0F) * 4 if data else 0
                if ihl < 20 or len(data) < ihl:
                    continue
                data = data[ihl:]
            if log:
                log.write(f"{peer[0]} {data.hex()}\n")
                log.flush()
            out = answer(data, args)
            if out:
                try:
                    sock.sendto(out, (peer[0], 0))
                except OSError as exc:  # e.g. an nft reject on output
                    print(f"sctp_responder: send: {exc}", file=sys.stderr)


def main(argv):
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: sys.exit(0))
    serve(parse_args(argv))


if __name__ == "__main__":
    main(sys.argv[1:])
