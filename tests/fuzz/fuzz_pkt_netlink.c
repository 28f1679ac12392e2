// SPDX-License-Identifier: MIT
// The netlink reply walker and the link/address/route message parsers on
// arbitrary bytes (kernel replies are trusted, but the parsers must still
// never read outside a message), then the --iflist model and report over
// whatever they accepted.
#include <linux/rtnetlink.h>

#include "fuzz_common.h"
#include "net/iflist.h"
#include "net/netlink.h"

struct parsed {
    struct iface_list ifs;
    struct route_table rt;
};

static int on_msg(void *ctx, uint16_t type, const uint8_t *payload, size_t len)
{
    struct parsed *p = ctx;
    switch (type % 3) {
    case 0:
        return iface_add_link(&p->ifs, payload, len);
    case 1:
        return iface_add_addr(&p->ifs, payload, len);
    default:
        return route_add_msg(&p->rt, payload, len);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct parsed p = {0};
    int err;
    enum nl_walk_result r = nl_walk(data, size, 0, on_msg, &p, &err);
    FUZZ_CHECK(r != NL_WALK_ERROR || err > 0);
    for (size_t i = 0; i < p.ifs.n; i++)
        FUZZ_CHECK(p.ifs.ifs[i].hwaddr_len <= IFACE_HWADDR_MAX);
    struct iflist_v6_order order;
    if (iflist_v6_order_parse((const char *)data, size, &order) == 0) {
        for (size_t i = 0; i < order.n; i++)
            FUZZ_CHECK(strlen(order.entries[i].name) < IFNAMSIZ);
    }
    struct iflist_model m;
    if (iflist_model_build(&p.ifs, &p.rt, &order, &m) == 0) {
        for (size_t i = 0; i < m.n_routes; i++)
            FUZZ_CHECK(m.routes[i].dev != NULL);
        free(iflist_render(&m));
        iflist_model_free(&m);
    }
    iflist_v6_order_free(&order);
    route_table_free(&p.rt);
    iface_list_free(&p.ifs);
    return 0;
}
