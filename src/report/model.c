// SPDX-License-Identifier: MIT
// Names of port states and reasons in nmap's exact vocabulary (users'
// parsers match on these strings), and the run's current output levels.
#include "report/model.h"

#include <stdlib.h>

#include "cli/plan.h"
#include "core/runtime.h"

const char *port_state_name(enum port_state s)
{
    static const char *const names[PORT_STATE_COUNT] = {
        [PORT_UNKNOWN] = "unknown",
        [PORT_OPEN] = "open",
        [PORT_CLOSED] = "closed",
        [PORT_FILTERED] = "filtered",
        [PORT_UNFILTERED] = "unfiltered",
        [PORT_OPEN_FILTERED] = "open|filtered",
        [PORT_CLOSED_FILTERED] = "closed|filtered",
    };
    if ((unsigned)s >= PORT_STATE_COUNT) return "unknown";
    return names[s];
}

const char *reason_name(enum reason r)
{
    static const char *const names[REASON_COUNT] = {
        [REASON_UNKNOWN] = "unknown",
        [REASON_SYN_ACK] = "syn-ack",
        [REASON_CONN_REFUSED] = "conn-refused",
        [REASON_NO_RESPONSE] = "no-response",
        [REASON_RESET] = "reset",
        [REASON_LOCALHOST_RESPONSE] = "localhost-response",
        [REASON_USER_SET] = "user-set",
        [REASON_HOST_UNREACH] = "host-unreach",
        [REASON_NET_UNREACH] = "net-unreach",
        [REASON_PERM_DENIED] = "perm-denied",
        [REASON_NO_ROUTE] = "no-route",
        [REASON_ADMIN_PROHIBITED] = "admin-prohibited",
        [REASON_PROTO_UNREACH] = "proto-unreach",
        [REASON_DEST_UNREACH] = "dest-unreach",
        [REASON_PORT_UNREACH] = "port-unreach",
        [REASON_NET_PROHIBITED] = "net-prohibited",
        [REASON_HOST_PROHIBITED] = "host-prohibited",
        [REASON_BEYOND_SCOPE] = "beyond-scope",
        [REASON_REJECT_ROUTE] = "reject-route",
        [REASON_SPLIT_HANDSHAKE_SYN] = "split-handshake-syn",
        [REASON_ECHO_REPLY] = "echo-reply",
        [REASON_TIMESTAMP_REPLY] = "timestamp-reply",
        [REASON_ADDRESSMASK_REPLY] = "addressmask-reply",
        [REASON_ARP_RESPONSE] = "arp-response",
        [REASON_ND_RESPONSE] = "nd-response",
        [REASON_PROTO_RESPONSE] = "proto-response",
        [REASON_UDP_RESPONSE] = "udp-response",
        [REASON_INIT_ACK] = "init-ack",
        [REASON_ABORT] = "abort",
        [REASON_PARAM_PROBLEM] = "param-problem",
        [REASON_UNKNOWN_RESPONSE] = "unknown-response",
        [REASON_SCRIPT_SET] = "script-set",
    };
    if ((unsigned)r >= REASON_COUNT) return "unknown";
    return names[r];
}

int run_verbosity(const struct run *run)
{
    return run->rt ? runtime_verbosity(run->rt) : run->plan->verbosity;
}

int run_debugging(const struct run *run)
{
    return run->rt ? runtime_debugging(run->rt) : run->plan->debugging;
}

void host_trace_free(struct host_trace *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->n_hops; i++)
        free(t->hops[i].name);
    free(t->hops);
    free(t);
}

void script_elems_free(struct script_elem *e, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(e[i].key);
        free(e[i].value);
        script_elems_free(e[i].children, e[i].n_children);
    }
    free(e);
}

void script_results_free(struct script_result *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(r[i].id);
        free(r[i].output);
        free(r[i].text);
        script_elems_free(r[i].elems, r[i].n_elems);
    }
    free(r);
}

const struct port_scripts *host_port_scripts(const struct host *h, uint8_t proto, uint16_t port)
{
    for (size_t i = 0; i < h->n_port_scripts; i++)
        if (h->port_scripts[i].port == port && h->port_scripts[i].proto == proto)
            return &h->port_scripts[i];
    return NULL;
}

void host_scripts_free(struct host *h)
{
    script_results_free(h->host_scripts, h->n_host_scripts);
    h->host_scripts = NULL;
    h->n_host_scripts = 0;
    for (size_t i = 0; i < h->n_port_scripts; i++)
        script_results_free(h->port_scripts[i].scripts, h->port_scripts[i].n_scripts);
    free(h->port_scripts);
    h->port_scripts = NULL;
    h->n_port_scripts = 0;
}

void service_info_free(struct service_info *svc)
{
    if (!svc) return;
    free(svc->name);
    free(svc->product);
    free(svc->version);
    free(svc->extrainfo);
    free(svc->hostname);
    free(svc->ostype);
    free(svc->devicetype);
    for (size_t i = 0; i < svc->n_cpe; i++)
        free(svc->cpe[i]);
    free(svc->cpe);
    free(svc->fingerprint);
    free(svc);
}
