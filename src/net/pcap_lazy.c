// SPDX-License-Identifier: MIT
// libpcap, loaded the first time a capture is opened instead of when cmap
// starts (see core/lazylib.h). Debian's libpcap.so pulls in ten more shared
// objects (D-Bus, systemd, libgcrypt, three compressors): mapping them costs
// every run about a millisecond, which a connect scan of two ports would
// spend on a library it never calls. Raw scans pay it once, when they open
// their capture, as nmap does at start-up.
#include <pcap/pcap.h>
#include <stdio.h>

#include "core/lazylib.h"

/* Debian's libpcap0.8 package; the development symlink as a fallback. */
static const char *const sonames[] = {"libpcap.so.0.8", "libpcap.so.1", "libpcap.so", NULL};
static struct lazylib pcap_lib = LAZYLIB_INIT(sonames, "libpcap0.8");

#define FORWARD(ret, name, params, args) LAZY_FORWARD(pcap_lib, ret, name, params, args)
#define FORWARD_VOID(name, params, args) LAZY_FORWARD_VOID(pcap_lib, name, params, args)

/* The way in: reports a missing library the way libpcap reports its own
 * failures, through errbuf, so the caller's message names the problem. */
typedef pcap_t *(*pcap_create_fn)(const char *, char *);
pcap_t *pcap_create(const char *source, char *errbuf)
{
    pcap_create_fn fn = (pcap_create_fn)lazylib_sym(&pcap_lib, "pcap_create");
    if (!fn) {
        snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s", lazylib_error(&pcap_lib));
        return NULL;
    }
    return fn(source, errbuf);
}

FORWARD(int, pcap_activate, (pcap_t * p), (p))
FORWARD_VOID(pcap_close, (pcap_t * p), (p))
FORWARD(int, pcap_compile, (pcap_t * p, struct bpf_program *fp, const char *str, int optimize,
                            bpf_u_int32 netmask),
        (p, fp, str, optimize, netmask))
FORWARD(int, pcap_datalink, (pcap_t * p), (p))
FORWARD(int, pcap_dispatch, (pcap_t * p, int cnt, pcap_handler callback, u_char *user),
        (p, cnt, callback, user))
FORWARD_VOID(pcap_freecode, (struct bpf_program * fp), (fp))
FORWARD(int, pcap_get_selectable_fd, (pcap_t * p), (p))
FORWARD(char *, pcap_geterr, (pcap_t * p), (p))
FORWARD(int, pcap_set_buffer_size, (pcap_t * p, int size), (p, size))
FORWARD(int, pcap_set_immediate_mode, (pcap_t * p, int on), (p, on))
FORWARD(int, pcap_set_promisc, (pcap_t * p, int on), (p, on))
FORWARD(int, pcap_set_snaplen, (pcap_t * p, int snaplen), (p, snaplen))
FORWARD(int, pcap_set_timeout, (pcap_t * p, int ms), (p, ms)) /* NSE's pcap sockets */
FORWARD(int, pcap_next_ex, (pcap_t * p, struct pcap_pkthdr **h, const u_char **data),
        (p, h, data))
FORWARD(int, pcap_setdirection, (pcap_t * p, pcap_direction_t d), (p, d))
FORWARD(int, pcap_setfilter, (pcap_t * p, struct bpf_program *fp), (p, fp))
FORWARD(int, pcap_setnonblock, (pcap_t * p, int nonblock, char *errbuf), (p, nonblock, errbuf))
FORWARD(int, pcap_stats, (pcap_t * p, struct pcap_stat *ps), (p, ps))
FORWARD(const char *, pcap_statustostr, (int error), (error))
