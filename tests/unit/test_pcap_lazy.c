// SPDX-License-Identifier: MIT
// The lazily loaded libpcap: a capture handle opens, reports its link type
// and closes through the forwarding functions, and the binary has no
// DT_NEEDED entry for libpcap (that is the point of loading it lazily).
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <pcap/pcap.h>

static void capture_opens_through_the_shim(void **state)
{
    (void)state;
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    pcap_t *p = pcap_create("any", errbuf);
    assert_non_null(p);
    if (geteuid() == 0) {
        /* Activating needs CAP_NET_RAW; the suite runs as root. */
        assert_int_equal(pcap_set_snaplen(p, 256), 0);
        assert_int_equal(pcap_set_immediate_mode(p, 1), 0);
        int rc = pcap_activate(p);
        assert_true(rc >= 0);
        assert_int_equal(pcap_datalink(p), DLT_LINUX_SLL);
        struct bpf_program prog;
        assert_int_equal(pcap_compile(p, &prog, "tcp and port 9", 1, PCAP_NETMASK_UNKNOWN), 0);
        assert_int_equal(pcap_setfilter(p, &prog), 0);
        pcap_freecode(&prog);
        assert_true(pcap_get_selectable_fd(p) >= 0);
    }
    pcap_close(p);
}

static void binary_does_not_link_libpcap(void **state)
{
    (void)state;
    FILE *f = fopen("/proc/self/maps", "r");
    assert_non_null(f);
    char line[512];
    bool before_use = true;
    while (fgets(line, sizeof line, f))
        if (strstr(line, "libpcap")) before_use = false;
    fclose(f);
    /* Runs first: nothing has called into libpcap yet. */
    assert_true(before_use);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(binary_does_not_link_libpcap),
        cmocka_unit_test(capture_opens_through_the_shim),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
