// SPDX-License-Identifier: MIT
#include "raw/rawio.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Enough of a reply for every header a scan reads: link header (20),
 * IPv6 (40) + ICMPv6 (8) + quoted IPv6 (40) + 8 quoted bytes, with room for
 * extension headers and TCP options. */
#define SNAPLEN 384
/* Kernel ring for captured replies: at 100 bytes a frame, 8 MiB hold some
 * 80 000 replies, far more than arrive between two turns of the loop. */
#define CAPTURE_BUFFER (8 << 20)
/* Send buffer: a batch of a few hundred probes must fit without EAGAIN. */
#define SEND_BUFFER (4 << 20)

static int open_send_socket(int family, char *err, size_t errlen)
{
    /* IPPROTO_RAW implies IP_HDRINCL for IPv4 and IPV6_HDRINCL for IPv6. */
    int fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_RAW);
    if (fd < 0) {
        int e = errno;
        snprintf(err, errlen, "Couldn't open a raw socket. Error: %s (%d)", strerror(e), e);
        errno = e;
        return -1;
    }
    int size = SEND_BUFFER;
    if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size) != 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    return fd;
}

static int pcap_fail(struct raw_io *io, const char *what, const char *why, int err, char *buf,
                     size_t len)
{
    snprintf(buf, len, "%s: %s", what, why);
    raw_io_close(io);
    errno = err;
    return -1;
}

static int open_capture(struct raw_io *io, char *err, size_t errlen)
{
    char pe[PCAP_ERRBUF_SIZE] = "";
    io->pcap = pcap_create("any", pe);
    if (!io->pcap) return pcap_fail(io, "Cannot open a packet capture", pe, EPERM, err, errlen);
    pcap_set_snaplen(io->pcap, SNAPLEN);
    pcap_set_promisc(io->pcap, 0);
    pcap_set_immediate_mode(io->pcap, 1);
    pcap_set_buffer_size(io->pcap, CAPTURE_BUFFER);
    int rc = pcap_activate(io->pcap);
    if (rc < 0) {
        int e = rc == PCAP_ERROR_PERM_DENIED ? EPERM : EIO;
        return pcap_fail(io, "Cannot start the packet capture", pcap_geterr(io->pcap), e, err,
                         errlen);
    }
    if (pcap_setnonblock(io->pcap, 1, pe) != 0)
        return pcap_fail(io, "Cannot make the capture non-blocking", pe, EIO, err, errlen);
    /* Our own probes leave through the same interfaces: only what arrives. */
    if (pcap_setdirection(io->pcap, PCAP_D_IN) != 0)
        return pcap_fail(io, "Cannot limit the capture to incoming packets", pcap_geterr(io->pcap),
                         EIO, err, errlen);
    io->dlt = pcap_datalink(io->pcap);
    io->pcap_fd = pcap_get_selectable_fd(io->pcap);
    if (io->pcap_fd < 0)
        return pcap_fail(io, "The capture has no selectable descriptor", "", EIO, err, errlen);
    return 0;
}

int raw_io_open(struct raw_io *io, int family, char *err, size_t errlen)
{
    *io = (struct raw_io){.family = family, .send_fd = -1, .link_fd = -1, .pcap_fd = -1};
    io->send_fd = open_send_socket(family, err, errlen);
    if (io->send_fd < 0) return -1;
    if (open_capture(io, err, errlen) != 0) return -1;
    /* Until a scan narrows it: nothing but what a scan could want. */
    return raw_io_set_filter(io, "tcp or udp or icmp or icmp6", err, errlen);
}

int raw_io_set_filter(struct raw_io *io, const char *filter, char *err, size_t errlen)
{
    struct bpf_program prog;
    if (pcap_compile(io->pcap, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
        snprintf(err, errlen, "Cannot compile the capture filter \"%s\": %s", filter,
                 pcap_geterr(io->pcap));
        return -1;
    }
    int rc = pcap_setfilter(io->pcap, &prog);
    pcap_freecode(&prog);
    if (rc != 0) {
        snprintf(err, errlen, "Cannot set the capture filter: %s", pcap_geterr(io->pcap));
        return -1;
    }
    return 0;
}

int raw_io_open_link(struct raw_io *io)
{
    if (io->link_fd >= 0) return 0;
    /* Protocol 0: this socket only sends, it receives nothing. */
    io->link_fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (io->link_fd < 0) return -1;
    int size = SEND_BUFFER;
    if (setsockopt(io->link_fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size) != 0)
        setsockopt(io->link_fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    return 0;
}

static bool to_link(const struct mmsghdr *m)
{
    const struct sockaddr *sa = m->msg_hdr.msg_name;
    return sa && sa->sa_family == AF_PACKET;
}

int raw_io_send(struct raw_io *io, struct mmsghdr *msgs, unsigned n)
{
    unsigned done = 0;
    while (done < n) {
        /* A run of messages for one socket: IP packets or link frames. */
        bool link = to_link(&msgs[done]);
        unsigned run = 1;
        while (done + run < n && to_link(&msgs[done + run]) == link)
            run++;
        int fd = link ? io->link_fd : io->send_fd;
        int rc = fd < 0 ? (errno = EBADF, -1) : sendmmsg(fd, msgs + done, run, 0);
        if (rc > 0) {
            done += (unsigned)rc;
            continue;
        }
        if (rc < 0 && errno == EINTR) continue;
        if (rc < 0 && (errno == EAGAIN || errno == ENOBUFS)) break;
        /* One undeliverable probe (EHOSTUNREACH, EPERM from a local
         * firewall...) must not hold back the rest: report it to the caller
         * only when it is the first. */
        if (done == 0) return -1;
        break;
    }
    return (int)done;
}

int raw_io_bind_device(struct raw_io *io, const char *dev)
{
    return setsockopt(io->send_fd, SOL_SOCKET, SO_BINDTODEVICE, dev, (socklen_t)strlen(dev) + 1);
}

void raw_io_watch_device(struct raw_io *io, int oif)
{
    if (oif <= 0) return;
    for (unsigned i = 0; i < io->n_devices; i++)
        if (io->devices[i] == oif) return;
    if (io->n_devices < RAW_IO_DEVICES_MAX) io->devices[io->n_devices++] = oif;
}

void raw_io_watch_reset(struct raw_io *io)
{
    io->n_devices = 0;
}

bool raw_io_device_lost(const struct raw_io *io)
{
    char name[IF_NAMESIZE];
    for (unsigned i = 0; i < io->n_devices; i++)
        if (!if_indextoname((unsigned)io->devices[i], name) && errno == ENXIO) return true;
    return false;
}

void raw_io_close(struct raw_io *io)
{
    if (io->pcap) pcap_close(io->pcap);
    io->pcap = NULL;
    io->pcap_fd = -1;
    if (io->send_fd >= 0) close(io->send_fd);
    io->send_fd = -1;
    if (io->link_fd >= 0) close(io->link_fd);
    io->link_fd = -1;
}
