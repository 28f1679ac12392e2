// SPDX-License-Identifier: MIT
// libpcap, loaded the first time a capture is opened instead of when cmap
// starts. Debian's libpcap.so pulls in ten more shared objects (D-Bus,
// systemd, libgcrypt, three compressors): mapping and relocating them costs
// every run about a millisecond, which a connect scan of two ports (a few
// milliseconds in all) would spend on a library it never calls. Raw scans
// pay it once, when they open their capture, as nmap does at start-up.
//
// Each libpcap function cmap calls is defined here under its own name and
// forwards to the real one, so the capture code is written against
// <pcap/pcap.h> as usual and the binary is simply not linked with -lpcap.
// A function not listed here fails at link time, never at run time.
#include <dlfcn.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include "core/log.h"

/* Debian's libpcap0.8 package; the development symlink as a fallback. */
static const char *const sonames[] = {"libpcap.so.0.8", "libpcap.so.1", "libpcap.so"};

static void *lib;
static char load_error[256];
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void)
{
    for (size_t i = 0; i < sizeof sonames / sizeof sonames[0] && !lib; i++)
        lib = dlopen(sonames[i], RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char *why = dlerror();
        snprintf(load_error, sizeof load_error,
                 "cannot load libpcap (%s); install Debian's libpcap0.8 package",
                 why ? why : "not found");
    }
}

static void *lookup(const char *name)
{
    pthread_once(&load_once, load);
    if (!lib) return NULL;
    void *fn = dlsym(lib, name);
    if (!fn) fatal("libpcap has no %s: it is too old for cmap", name);
    return fn;
}

/* Defines `ret name params` forwarding to libpcap's `name`; the pointer is
 * looked up once and cached (atomically: capture may start on any thread).
 * RETURN is `return` or nothing, for the void functions. */
#define FORWARD_AS(RETURN, ret, name, params, args)                                                \
    typedef ret(*name##_fn) params;                                                                \
    static _Atomic(name##_fn) name##_ptr;                                                          \
    ret name params                                                                                \
    {                                                                                              \
        name##_fn fn = atomic_load_explicit(&name##_ptr, memory_order_acquire);                    \
        if (!fn) {                                                                                 \
            fn = (name##_fn)lookup(#name);                                                         \
            if (!fn) fatal("%s", load_error);                                                      \
            atomic_store_explicit(&name##_ptr, fn, memory_order_release);                          \
        }                                                                                          \
        RETURN fn args;                                                                            \
    }
#define FORWARD(ret, name, params, args) FORWARD_AS(return, ret, name, params, args)
#define FORWARD_VOID(name, params, args) FORWARD_AS(, void, name, params, args)

/* The way in: reports a missing library the way libpcap reports its own
 * failures, through errbuf, so the caller's message names the problem. */
typedef pcap_t *(*pcap_create_fn)(const char *, char *);
pcap_t *pcap_create(const char *source, char *errbuf)
{
    pcap_create_fn fn = (pcap_create_fn)lookup("pcap_create");
    if (!fn) {
        snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s", load_error);
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
FORWARD(int, pcap_setdirection, (pcap_t * p, pcap_direction_t d), (p, d))
FORWARD(int, pcap_setfilter, (pcap_t * p, struct bpf_program *fp), (p, fp))
FORWARD(int, pcap_setnonblock, (pcap_t * p, int nonblock, char *errbuf), (p, nonblock, errbuf))
FORWARD(int, pcap_stats, (pcap_t * p, struct pcap_stat *ps), (p, ps))
FORWARD(const char *, pcap_statustostr, (int error), (error))
