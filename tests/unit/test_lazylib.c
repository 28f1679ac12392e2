// SPDX-License-Identifier: MIT
// core/lazylib: a library that cannot be loaded gives NULL and a message
// naming it and the package to install (built from the first dlopen error
// even after later attempts: dlerror's text does not outlive the next call),
// and a loadable one gives its functions.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/lazylib.h"

static void missing_library_is_named(void **state)
{
    (void)state;
    static const char *const names[] = {"libcmap-missing.so.7", "libcmap-missing-too.so.1",
                                        NULL};
    static struct lazylib lib = LAZYLIB_INIT(names, "cmap-missing");
    assert_null(lazylib_sym(&lib, "anything"));
    const char *e = lazylib_error(&lib);
    assert_non_null(strstr(e, "cannot load libcmap-missing.so.7 ("));
    assert_non_null(strstr(e, "libcmap-missing.so.7: cannot open shared object file"));
    assert_non_null(strstr(e, "install Debian's cmap-missing package"));
    /* Asking again does not retry or change the answer. */
    assert_null(lazylib_sym(&lib, "other"));
    assert_string_equal(lazylib_error(&lib), e);
}

static void present_library_gives_functions(void **state)
{
    (void)state;
    static const char *const names[] = {"libc.so.6", NULL};
    static struct lazylib lib = LAZYLIB_INIT(names, "libc6");
    size_t (*len)(const char *) = (size_t(*)(const char *))lazylib_sym(&lib, "strlen");
    assert_non_null(len);
    assert_int_equal(len("cmap"), 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(missing_library_is_named),
        cmocka_unit_test(present_library_gives_functions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
