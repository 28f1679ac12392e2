// SPDX-License-Identifier: MIT
#include "core/lazylib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

/* Held only while a library is first loaded and each function is first
 * looked up: a few times per run. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void load(struct lazylib *lib)
{
    /* dlerror()'s text lives only until the next dl call: copy the first. */
    char why[160] = "";
    for (const char *const *s = lib->sonames; *s && !lib->handle; s++) {
        lib->handle = dlopen(*s, RTLD_NOW | RTLD_LOCAL);
        const char *e = lib->handle ? NULL : dlerror();
        if (e && !why[0]) snprintf(why, sizeof why, "%s", e);
    }
    if (!lib->handle)
        snprintf(lib->error, sizeof lib->error, "cannot load %s (%s); install Debian's %s package",
                 lib->sonames[0], why[0] ? why : "not found", lib->package);
}

void *lazylib_sym(struct lazylib *lib, const char *name)
{
    pthread_mutex_lock(&lock);
    if (!lib->tried) {
        lib->tried = true;
        load(lib);
    }
    void *handle = lib->handle;
    pthread_mutex_unlock(&lock);
    if (!handle) return NULL;
    void *fn = dlsym(handle, name);
    if (!fn) fatal("%s has no %s: it is older than cmap needs", lib->sonames[0], name);
    return fn;
}

const char *lazylib_error(const struct lazylib *lib)
{
    pthread_mutex_lock(&lock);
    const char *e = lib->error;
    pthread_mutex_unlock(&lock);
    return e;
}
