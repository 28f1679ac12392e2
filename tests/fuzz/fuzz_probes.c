// SPDX-License-Identifier: MIT
// The nmap-service-probes parser on arbitrary text, then PCRE2 compilation
// of whatever parsed and a lookup of the input itself as a response. A
// parsed database must be consistent (counts, ranges, links inside the
// probe array, nmap's fallback shape); a rejected one must say
// "label:line: what"; filled fields must fit nmap's buffers.
#include "fuzz_common.h"
#include "service/match.h"

#define LABEL "fuzz-probes"

static int in_db(const struct vscan_db *db, const struct vscan_probe *p)
{
    return p >= db->probes && p < db->probes + db->probe_count;
}

static void check_match(const struct vscan_match *m)
{
    FUZZ_CHECK(m->service && m->service[0] && !strchr(m->service, ' '));
    FUZZ_CHECK(m->pattern && strlen(m->pattern) == m->pattern_len);
    for (size_t i = 0; i < m->cpe_count; i++)
        FUZZ_CHECK(strncmp(m->cpe[i], "cpe:/", 5) == 0);
}

static void check_probe(const struct vscan_db *db, const struct vscan_probe *p, size_t *lines)
{
    FUZZ_CHECK(p->proto == PROTO_TCP || p->proto == PROTO_UDP);
    FUZZ_CHECK(p->name && p->name[0]);
    FUZZ_CHECK(p->rarity >= 1 && p->rarity <= 9);
    FUZZ_CHECK(p->totalwaitms >= 100 && p->totalwaitms <= 300000);
    FUZZ_CHECK(p->tcpwrappedms >= 100 && p->tcpwrappedms <= 300000);
    FUZZ_CHECK((p->payload_len == 0) == (p == db->null_probe));
    for (size_t i = 0; i < p->port_ranges; i++)
        FUZZ_CHECK(p->ports[i].lo <= p->ports[i].hi);
    FUZZ_CHECK(p->fallback_count >= 1 && p->fallback_count <= VSCAN_MAX_NAMED_FALLBACKS + 2);
    FUZZ_CHECK(p->fallbacks[0] == p);
    for (size_t i = 0; i < p->fallback_count; i++)
        FUZZ_CHECK(in_db(db, p->fallbacks[i]));
    if (p == db->null_probe) FUZZ_CHECK(p->fallback_count == 1);
    FUZZ_CHECK(p->service_count <= p->match_count);
    for (size_t i = 0; i < p->match_count; i++) {
        check_match(&p->matches[i]);
        FUZZ_CHECK(vscan_service_possible(p, p->matches[i].service));
    }
    *lines += p->match_count;
}

static void check_result(const struct vscan_result *r)
{
    FUZZ_CHECK(strlen(r->product) < sizeof r->product);
    FUZZ_CHECK(strlen(r->version) < sizeof r->version);
    FUZZ_CHECK(strlen(r->info) < sizeof r->info);
    FUZZ_CHECK(strlen(r->hostname) < sizeof r->hostname);
    FUZZ_CHECK(strlen(r->ostype) < sizeof r->ostype);
    FUZZ_CHECK(strlen(r->devicetype) < sizeof r->devicetype);
    FUZZ_CHECK(strlen(r->cpe_a) < sizeof r->cpe_a);
    FUZZ_CHECK(r->cpe_a[0] == '\0' || strncmp(r->cpe_a, "cpe:/a", 6) == 0);
    FUZZ_CHECK(r->cpe_h[0] == '\0' || strncmp(r->cpe_h, "cpe:/h", 6) == 0);
    FUZZ_CHECK(r->cpe_o[0] == '\0' || strncmp(r->cpe_o, "cpe:/o", 6) == 0);
}

/* Compiles (interpreted: JIT compilation would dominate the run) and looks
 * the input up as a response to every probe. */
static void check_matching(struct vscan_db *db, const uint8_t *data, size_t size)
{
    if (vscan_compile(db, VSCAN_COMPILE_NO_JIT, NULL, NULL) < 0) return;
    struct vscan_matcher *m = vscan_matcher_new(db, 0);
    if (!m) return;
    for (size_t i = 0; i < db->probe_count; i++) {
        struct vscan_result r;
        if (vscan_match_response(m, &db->probes[i], data, size, &r)) {
            FUZZ_CHECK(r.match && in_db(db, r.source));
            check_result(&r);
        } else {
            FUZZ_CHECK(r.match == NULL && r.product[0] == '\0');
        }
    }
    vscan_matcher_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size ? size : 1); /* unterminated: the length rules */
    if (!text) abort();
    if (size) memcpy(text, data, size);
    char err[512] = "";
    struct vscan_db *db = vscan_parse(text, size, LABEL, err, sizeof err);
    free(text);
    if (!db) {
        fuzz_check_line_error(err, LABEL, data, size);
        return 0;
    }
    size_t lines = 0;
    for (size_t i = 0; i < db->probe_count; i++)
        check_probe(db, &db->probes[i], &lines);
    FUZZ_CHECK(lines == db->match_count + db->softmatch_count);
    check_matching(db, data, size);
    vscan_free(db);
    return 0;
}
