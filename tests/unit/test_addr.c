// SPDX-License-Identifier: MIT
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/addr.h"

static void parses_and_formats_v4(void **state)
{
    (void)state;
    struct net_addr a;
    char buf[NET_ADDR_STRLEN];
    assert_int_equal(net_addr_parse("198.18.0.7", AF_INET, &a), 0);
    assert_int_equal(net_addr_v4(&a), 0xC6120007u);
    net_addr_format(&a, buf, sizeof buf);
    assert_string_equal(buf, "198.18.0.7");
    assert_int_not_equal(net_addr_parse("300.1.1.1", AF_INET, &a), 0);
    assert_int_not_equal(net_addr_parse("::1", AF_INET, &a), 0);
}

static void parses_and_formats_v6(void **state)
{
    (void)state;
    struct net_addr a;
    char buf[NET_ADDR_STRLEN];
    assert_int_equal(net_addr_parse("fd00::0001", AF_INET6, &a), 0);
    net_addr_format(&a, buf, sizeof buf);
    assert_string_equal(buf, "fd00::1");
    assert_int_equal(net_addr_parse("::1", AF_UNSPEC, &a), 0);
    assert_true(net_addr_is_loopback(&a));
    assert_int_not_equal(net_addr_parse("fd00::1%", AF_INET6, &a), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_and_formats_v4),
        cmocka_unit_test(parses_and_formats_v6),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
