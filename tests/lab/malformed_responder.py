#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Answers TCP SYNs with malformed segments, for the fault tests.

Runs inside a target namespace: it sees each SYN on a packet socket (the
namespace's firewall drops them before the kernel could answer) and sends
back through a raw IP socket:
  --short PORT   an IPv4 packet whose TCP header is cut after 10 bytes;
  --badoff PORT  a SYN-ACK whose data offset says 60 bytes of header in a
                 20-byte segment.
It prints "ready" once listening and stops by itself after --seconds.

    malformed_responder.py --iface IF --short 5555 --badoff 5556 --seconds 60
"""

import argparse
import select
import socket
import struct
import sys
import time

ETH_P_IP = 0x0800


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip_header(src, dst, payload_len, ident):
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + payload_len, ident, 0, 64,
                       socket.IPPROTO_TCP, 0, src, dst)


def reply(kind, src, dst, sport, dport, seq, ident):
    if kind == "short":
        tcp = struct.pack("!HHIH", sport, dport, 0x1234, 0)  # 10 bytes of 20
    else:
        # Data offset 15 (60 bytes) with SYN|ACK in a 20-byte segment.
        tcp = struct.pack("!HHIIBBHHH", sport, dport, 0x1234, (seq + 1) & 0xFFFFFFFF,
                          15 << 4, 0x12, 1024, 0, 0)
        pseudo = struct.pack("!4s4sBBH", src, dst, 0, socket.IPPROTO_TCP, len(tcp))
        tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
    return ip_header(src, dst, len(tcp), ident) + tcp


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iface", required=True)
    ap.add_argument("--short", type=int, required=True)
    ap.add_argument("--badoff", type=int, required=True)
    ap.add_argument("--seconds", type=float, default=60)
    args = ap.parse_args()
    ports = {args.short: "short", args.badoff: "badoff"}
    sniff = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IP))
    sniff.bind((args.iface, ETH_P_IP))
    out = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    print("ready", flush=True)
    deadline = time.monotonic() + args.seconds
    ident = 1
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return 0
        ready, _, _ = select.select([sniff], [], [], min(left, 0.5))
        if not ready:
            continue
        frame = sniff.recv(2048)
        if len(frame) < 14 + 20 + 20 or frame[23] != socket.IPPROTO_TCP:
            continue
        ip = frame[14:]
        hl = (ip[0] & 15) * 4
        src, dst = ip[12:16], ip[16:20]
        sport, dport, seq = struct.unpack("!HHI", ip[hl:hl + 8])
        flags = ip[hl + 13]
        if dport not in ports or not (flags & 0x02) or (flags & 0x10):
            continue
        pkt = reply(ports[dport], dst, src, dport, sport, seq, ident)
        ident += 1
        out.sendto(pkt, (socket.inet_ntoa(src), 0))


if __name__ == "__main__":
    sys.exit(main())
