#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Hostile TCP services for the version-detection tests (run inside a lab
namespace). Each behaviour listens on the port given for it:

    evil-ssh    "SSH-2.0-OpenSSH_9.2p1 Debian-<EVIL>\\r\\n": nmap's OpenSSH
                Debian line captures <EVIL> into the version field
    evil-ftp    "220 vsFTPd <EVIL> ready...\\r\\n": the vsftpd line puts it
                into the version and the CPE
    evil-smtp   "220 <EVIL> mx.lab ESMTP Postfix (Debian)\\r\\n": the
                Postfix line puts it into extrainfo
    huge        HUGE_BYTES of banner at once, then silence
    garbage     GARBAGE_BYTES of seeded random bytes on connect and after
                every request
    flood       sends without end until the peer goes away
    half-fin    half a banner, then an orderly close
    half-rst    half a banner, then a reset
    silent      accepts, reads, never answers

Every connection ends when the peer closes or after HOLD_SECONDS, so a
scanner that never hangs up cannot keep this process busy for ever.
Prints "ready" once every socket listens; exits on SIGTERM/SIGINT.

    hostile_services.py --addr 198.18.1.2 --service evil-ssh=4001 ...
"""

import argparse
import asyncio
import random
import signal
import socket
import struct
import sys

HOLD_SECONDS = 120
HUGE_BYTES = 6 * 1024 * 1024
GARBAGE_BYTES = 4096
FLOOD_CHUNK = 64 * 1024

# What a terminal must never receive raw: set-title OSC ended by BEL,
# clear screen, a 7-bit CSI colour, an 8-bit C1 CSI, backspaces over the
# text before it, DEL, invalid UTF-8 (lone continuation, 0xff, overlong
# '/', truncated sequence), a U+2028 line separator and, last, a NUL
# (nmap's $1 stops at the first NUL, so "cut" never appears).
EVIL = (b"\x1b]0;pwned\x07" b"\x1b[2J" b"\x1b[31mred" b"\x9b1m" b"bs\x08\x08" b"del\x7f"
        b"\x80\xff\xc0\xaf\xe2\x80" b"ls\xe2\x80\xa8" b"\x00cut")

BANNERS = {
    "evil-ssh": b"SSH-2.0-OpenSSH_9.2p1 Debian-" + EVIL + b"\r\n",
    "evil-ftp": b"220 vsFTPd " + EVIL + b" ready...\r\n",
    "evil-smtp": b"220 " + EVIL + b" mx.lab ESMTP Postfix (Debian)\r\n",
}
HALF_BANNER = b"SSH-2.0-OpenSSH_9.2p1 Deb"
# Seeded random bytes: printable, control and high bytes, so every escaping
# path is taken, and (unlike a byte ramp, which nmap calls chargen) no
# match line ends the reading early.
FLOOD_PATTERN = random.Random(6).randbytes(FLOOD_CHUNK)


def huge_banner():
    line = b"SSH-2.0-" + b"\x1bA\x9b" * 20 + b"\r\n"
    return (line * (HUGE_BYTES // len(line) + 1))[:HUGE_BYTES]


async def drain_reads(reader):
    """Read and discard until EOF."""
    while await reader.read(65536):
        pass


async def hold(reader):
    """Until the peer closes, at most HOLD_SECONDS."""
    try:
        await asyncio.wait_for(drain_reads(reader), HOLD_SECONDS)
    except (asyncio.TimeoutError, OSError):
        pass


async def serve_banner(banner, reader, writer):
    writer.write(banner)
    await writer.drain()
    await hold(reader)


async def serve_garbage(rng, reader, writer):
    writer.write(rng.randbytes(GARBAGE_BYTES))
    await writer.drain()
    while True:
        try:
            data = await asyncio.wait_for(reader.read(65536), HOLD_SECONDS)
        except (asyncio.TimeoutError, OSError):
            return
        if not data:
            return
        writer.write(rng.randbytes(GARBAGE_BYTES))
        await writer.drain()


async def serve_flood(reader, writer):
    async def pump():
        while True:
            writer.write(FLOOD_PATTERN)
            await writer.drain()

    try:
        # return_exceptions: the reset that ends one side is expected, and
        # must not be logged as an exception nobody retrieved.
        await asyncio.wait_for(asyncio.gather(pump(), drain_reads(reader), return_exceptions=True),
                               HOLD_SECONDS)
    except (asyncio.TimeoutError, OSError, ConnectionError):
        pass


async def serve_half(reset, reader, writer):
    writer.write(HALF_BANNER)
    await writer.drain()
    if reset:
        sock = writer.get_extra_info("socket")
        # Linger 0: close() sends a RST instead of a FIN.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def handler(kind, rng):
    async def handle(reader, writer):
        try:
            if kind in BANNERS:
                await serve_banner(BANNERS[kind], reader, writer)
            elif kind == "huge":
                await serve_banner(HUGE, reader, writer)
            elif kind == "garbage":
                await serve_garbage(rng, reader, writer)
            elif kind == "flood":
                await serve_flood(reader, writer)
            elif kind in ("half-fin", "half-rst"):
                await serve_half(kind == "half-rst", reader, writer)
            elif kind == "silent":
                await hold(reader)
        except (OSError, ConnectionError):
            pass
        finally:
            writer.close()

    return handle


KINDS = tuple(BANNERS) + ("huge", "garbage", "flood", "half-fin", "half-rst", "silent")
HUGE = huge_banner()


def parse_service(text):
    kind, sep, port = text.partition("=")
    if not sep or kind not in KINDS or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise argparse.ArgumentTypeError(f"want KIND=PORT with KIND in {', '.join(KINDS)}: {text}")
    return kind, int(port)


async def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--addr", action="append", required=True)
    parser.add_argument("--service", action="append", type=parse_service, required=True)
    args = parser.parse_args(argv)
    rng = random.Random(5)
    servers = []
    for kind, port in args.service:
        for addr in args.addr:
            servers.append(await asyncio.start_server(handler(kind, rng), addr, port,
                                                      reuse_address=True, backlog=256))
    print("ready", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    for server in servers:
        server.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
