// SPDX-License-Identifier: MIT
// portlist_build (and through it portspec_parse and the top-ports choice)
// with fuzzed -p / --exclude-ports strings and fuzzed flags, against a small
// nmap-services parsed once from the text below.
//
// Input: byte 0 = flags (bit 0..3 want tcp/udp/sctp/ip, 4 -F, 5 -r,
// 6 -p given, 7 --exclude-ports given), byte 1 = top-ports/port-ratio
// selector, then "spec\0exclude".
#include <stdbool.h>

#include "data/services.h"
#include "fuzz_common.h"
#include "scan/portspec.h"

static const char services_text[] = "tcpmux\t1/tcp\t0.001995\t# TCP Port Service Multiplexer\n"
                                    "echo\t7/tcp\t0.004855\n"
                                    "echo\t7/udp\t0.024679\n"
                                    "ftp\t21/tcp\t0.197667\n"
                                    "ssh\t22/tcp\t0.182286\t# Secure Shell Login\n"
                                    "ssh\t22/sctp\t0.000000\n"
                                    "domain\t53/udp\t0.213496\n"
                                    "http\t80/tcp\t0.484143\n"
                                    "http\t80/udp\t0.035767\n"
                                    "http\t80/sctp\t0.000000\n"
                                    "https\t443/tcp\t0.208669\n"
                                    "snmp\t161/udp\t0.433467\n"
                                    "http-alt\t8080/tcp\t0.042052\n"
                                    "unknown\t65535/tcp\t0.000088\n"
                                    "unknown\t65535/udp\t0.000001\n";

static struct services_db *db;
static const char *ip_names[256];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    char err[256];
    db = services_parse(services_text, sizeof services_text - 1, "embedded", err, sizeof err);
    if (!db) {
        fprintf(stderr, "embedded nmap-services: %s\n", err);
        abort();
    }
    ip_names[1] = "icmp", ip_names[6] = "tcp", ip_names[17] = "udp", ip_names[132] = "sctp";
    return 0;
}

static void read_request(const uint8_t *data, size_t size, struct portlist_request *req,
                         char **spec, char **exclude)
{
    uint8_t flags = data[0], sel = data[1];
    size_t pos = 2;
    *spec = fuzz_next_piece(data, size, &pos);
    *exclude = fuzz_next_piece(data, size, &pos);
    *req = (struct portlist_request){
        .spec = (flags & 0x40) ? *spec : NULL,
        .exclude_spec = (flags & 0x80) && *exclude ? *exclude : NULL,
        .fast = flags & 0x10,
        .sequential = flags & 0x20,
        .port_ratio = -1,
        .shuffle_seed = size,
        .ip_proto_names = ip_names,
    };
    for (unsigned p = 0; p < PROTO_COUNT; p++)
        req->want[p] = (flags >> p) & 1;
    if (sel == 0xff)
        req->top_ports = 70000; /* beyond nmap's limit: must be refused */
    else if (sel >= 0x80)
        req->port_ratio = (sel & 0x7f) / 100.0;
    else if (sel >= 0x40)
        req->top_ports = (sel & 0x3f) * 7;
}

/* portlist_ranges text names exactly the ports in the list. */
static void check_ranges(const uint16_t *ports, size_t n)
{
    char *text = portlist_ranges(ports, n);
    FUZZ_CHECK(text != NULL);
    uint8_t *table = calloc(PORTSPEC_TABLE_SIZE, 1);
    if (!table) abort();
    struct portspec_opts o = {.protos = PORTSPEC_BIT(PROTO_TCP)};
    bool dup = false;
    char err[256];
    FUZZ_CHECK(n == 0 || portspec_parse(text, &o, table, &dup, err, sizeof err) == 0);
    size_t marked = 0;
    for (size_t i = 0; i < PORTSPEC_TABLE_SIZE; i++)
        marked += table[i] != 0;
    FUZZ_CHECK(marked == n && !dup);
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK(table[ports[i]]);
    free(table);
    free(text);
}

static void check_list(const struct portlist_request *req, const struct port_list *pl)
{
    uint8_t *seen = calloc(PORTSPEC_TABLE_SIZE, 1);
    if (!seen) abort();
    for (unsigned p = 0; p < PROTO_COUNT; p++) {
        FUZZ_CHECK(req->want[p] || pl->count[p] == 0);
        FUZZ_CHECK(pl->count[p] <= (p == PROTO_IP ? 256u : PORTSPEC_TABLE_SIZE));
        for (size_t i = 0; i < pl->count[p]; i++) {
            uint16_t port = pl->ports[p][i];
            FUZZ_CHECK(p != PROTO_IP || port < 256);
            FUZZ_CHECK(!(seen[port] & PORTSPEC_BIT(p))); /* no port twice */
            seen[port] |= (uint8_t)PORTSPEC_BIT(p);
            FUZZ_CHECK(!req->sequential || i == 0 || pl->ports[p][i - 1] < port);
        }
        if (pl->count[p] <= 4096) check_ranges(pl->ports[p], pl->count[p]);
    }
    free(seen);
}

/* portspec_parse on its own with qualifiers refused, as for -PS lists. */
static void check_plain_spec(const char *spec)
{
    uint8_t *table = calloc(PORTSPEC_TABLE_SIZE, 1);
    if (!table) abort();
    struct portspec_opts o = {.protos = PORTSPEC_BIT(PROTO_TCP), .qualifiers = false, .db = db};
    bool dup = false;
    char err[512] = "";
    if (portspec_parse(spec, &o, table, &dup, err, sizeof err) < 0)
        FUZZ_CHECK(err[0] != '\0');
    else
        for (size_t i = 0; i < PORTSPEC_TABLE_SIZE; i++)
            FUZZ_CHECK((table[i] & ~PORTSPEC_BIT(PROTO_TCP)) == 0);
    free(table);
    (void)portspec_qualifiers(spec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    struct portlist_request req;
    char *spec, *exclude;
    read_request(data, size, &req, &spec, &exclude);
    struct port_list pl;
    char err[512] = "";
    if (portlist_build(&req, db, &pl, err, sizeof err) == 0) {
        check_list(&req, &pl);
        portlist_free(&pl);
    } else {
        FUZZ_CHECK(err[0] != '\0');
    }
    check_plain_spec(spec);
    if (exclude) (void)portspec_wildmatch(spec, exclude);
    free(spec);
    free(exclude);
    return 0;
}
