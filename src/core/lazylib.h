// SPDX-License-Identifier: MIT
// Shared libraries loaded on first use instead of at start-up. A library
// that only one feature needs (libpcap for raw scans, OpenSSL for -sV
// inside TLS) would otherwise be mapped and relocated on every run: for
// libpcap that is ten shared objects, for a static OpenSSL some 19,000
// relocations dirtying 90 pages; a two-port connect scan that takes about
// two milliseconds in all pays for neither.
//
// A forwarding file (net/pcap_lazy.c, service/openssl_lazy.c) defines each
// function cmap calls under its own name with LAZY_FORWARD; the code using
// the library is written against its usual headers, and the binary is not
// linked with it. A function not listed fails at link time, never at run
// time.
#ifndef CMAP_CORE_LAZYLIB_H
#define CMAP_CORE_LAZYLIB_H

#include <stdatomic.h>
#include <stdbool.h>

#include "core/log.h"

struct lazylib {
    const char *const *sonames; /* tried in order, NULL-terminated */
    const char *package;        /* the Debian package to name when missing */
    bool tried; /* under lazylib.c's lock */
    void *handle;
    char error[256];
};

#define LAZYLIB_INIT(sonames_, package_) {.sonames = (sonames_), .package = (package_)}

/* The address of name in the library, loading it the first time; NULL when
 * the library cannot be loaded (lazylib_error says why). A library without
 * the symbol is fatal: it is older than cmap was built for. */
void *lazylib_sym(struct lazylib *lib, const char *name);
const char *lazylib_error(const struct lazylib *lib);

/* Defines `ret name params` forwarding to the library's `name`; the
 * pointer is looked up once and cached atomically (any thread may call
 * first). RETURN is `return`, or nothing for void functions. */
#define LAZY_FORWARD_AS(lib, RETURN, ret, name, params, args)                                      \
    typedef ret(*name##_lazy_fn) params;                                                           \
    static _Atomic(name##_lazy_fn) name##_lazy_ptr;                                                \
    ret name params                                                                                \
    {                                                                                              \
        name##_lazy_fn fn = atomic_load_explicit(&name##_lazy_ptr, memory_order_acquire);          \
        if (!fn) {                                                                                 \
            fn = (name##_lazy_fn)lazylib_sym(&(lib), #name);                                       \
            if (!fn) fatal("%s", lazylib_error(&(lib)));                                           \
            atomic_store_explicit(&name##_lazy_ptr, fn, memory_order_release);                     \
        }                                                                                          \
        RETURN fn args;                                                                            \
    }
#define LAZY_FORWARD(lib, ret, name, params, args)                                                 \
    LAZY_FORWARD_AS(lib, return, ret, name, params, args)
#define LAZY_FORWARD_VOID(lib, name, params, args) LAZY_FORWARD_AS(lib, , void, name, params, args)

#endif
