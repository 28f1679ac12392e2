// SPDX-License-Identifier: MIT
// The result model: plain data filled in by the phases (targets, port scan,
// reverse DNS) and read by the writers. Writers see nothing of the engine.
#ifndef CMAP_REPORT_MODEL_H
#define CMAP_REPORT_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "core/addr.h"
#include "scan/portlist.h"

struct plan;

enum port_state {
    PORT_UNKNOWN = 0,
    PORT_OPEN,
    PORT_CLOSED,
    PORT_FILTERED,
    PORT_UNFILTERED,
    PORT_OPEN_FILTERED,
    PORT_CLOSED_FILTERED,
    PORT_STATE_COUNT
};

/* nmap's reason vocabulary (reason.cc); names via reason_name(). */
enum reason {
    REASON_UNKNOWN = 0,
    REASON_SYN_ACK,
    REASON_CONN_REFUSED,
    REASON_NO_RESPONSE,
    REASON_RESET,
    REASON_LOCALHOST_RESPONSE,
    REASON_USER_SET,
    REASON_HOST_UNREACH,
    REASON_NET_UNREACH,
    REASON_PERM_DENIED,
    REASON_NO_ROUTE,
    REASON_ADMIN_PROHIBITED,
    REASON_PROTO_UNREACH,
    REASON_DEST_UNREACH,
    REASON_PORT_UNREACH,
    REASON_NET_PROHIBITED,
    REASON_HOST_PROHIBITED,
    REASON_BEYOND_SCOPE,
    REASON_REJECT_ROUTE,
    REASON_SPLIT_HANDSHAKE_SYN,
    /* Host discovery's. */
    REASON_ECHO_REPLY,
    REASON_TIMESTAMP_REPLY,
    REASON_ADDRESSMASK_REPLY,
    REASON_ARP_RESPONSE,
    REASON_ND_RESPONSE,
    REASON_PROTO_RESPONSE,
    REASON_UDP_RESPONSE,
    REASON_INIT_ACK,
    REASON_ABORT,
    REASON_PARAM_PROBLEM, /* -sO over IPv6: an ICMPv6 parameter problem */
    REASON_UNKNOWN_RESPONSE, /* <hosthint> of a host an IP ping found up */
    REASON_SCRIPT_SET, /* an NSE script changed the state (nmap.set_port_state) */
    REASON_COUNT
};

enum host_state {
    HOST_STATE_UNKNOWN = 0, /* -sL: never probed */
    HOST_STATE_UP,
    HOST_STATE_DOWN,
    HOST_STATE_SKIPPED,
};

/* What version detection (-sV) learned about a port: nmap's <service>
 * element. Strings are NULL when unknown; everything is heap-owned by the
 * port_result and released by service_info_free(). */
enum service_method { SVC_METHOD_TABLE = 0, SVC_METHOD_PROBED };

struct service_info {
    char *name; /* "ssh", "http"; replaces port_result.service when set */
    char *product, *version, *extrainfo;
    char *hostname, *ostype, *devicetype;
    char **cpe; /* "cpe:/a:openbsd:openssh:9.2p1", line order */
    size_t n_cpe;
    uint8_t method;   /* enum service_method */
    uint8_t conf;     /* nmap's confidence: 10 probed match, 3 table */
    bool ssl_tunnel;  /* tunnel="ssl": found inside TLS (name printed ssl/<name>) */
    bool tcpwrapped;  /* closed at once after connecting: name "tcpwrapped" */
    /* ONC RPC (rpcinfo grinding): program number and version range. */
    bool rpc;
    uint32_t rpc_program;
    uint32_t rpc_low, rpc_high;
    /* nmap's service fingerprint ("SF-Port...") for a port that answered
     * but matched no hard match; NULL otherwise. Lines joined by '\n',
     * each as nmap prints it in normal output. */
    char *fingerprint;
};

void service_info_free(struct service_info *svc);

struct port_result {
    uint16_t port;
    uint8_t proto;  /* enum proto_index */
    uint8_t state;  /* enum port_state */
    uint8_t reason; /* enum reason */
    uint8_t reason_ttl;
    const char *service; /* name from nmap-services, NULL = "unknown" */
    struct service_info *svc; /* -sV result, NULL when not probed */
};

/* --traceroute (src/trace): nmap's probe kinds as its output names them.
 * TRACE_DIRECT: a neighbour, one hop and no probe ("TRACEROUTE" alone). */
enum trace_kind { TRACE_DIRECT = 0, TRACE_TCP, TRACE_UDP, TRACE_ICMP };

struct trace_hop {
    uint8_t ttl;
    bool timed_out;      /* no answer at this TTL: addr and rtt unset */
    double rtt_ms;       /* < 0: not measured ("--") */
    struct net_addr addr;
    struct net_addr tag; /* the traced host whose probes found this hop */
    char *name;          /* its PTR name, NULL when none was looked up or found */
};

struct host_trace {
    uint8_t kind;  /* enum trace_kind */
    uint8_t proto; /* IP protocol of the probes */
    uint16_t port; /* TCP and UDP: destination port */
    struct trace_hop *hops; /* lowest TTL first */
    size_t n_hops;
};

/* The probe that got the best answer (nmap's "ping probe"), kept for
 * --traceroute: kind 0 none, else enum trace_kind. */
struct ping_probe {
    uint8_t kind;
    uint8_t tcp_flags, icmp_type;
    uint16_t port;
};

/* NSE (--script, -sC, -sV's version scripts): one script's result, as
 * nmap's <script id output> element. `output` is the text normal output
 * prints (nmap's formatting of a returned table when the script gave no
 * string; it may start with "\n"); `elems` is the structured result that
 * XML writes as nested <table key>/<elem key> (none for a plain string).
 * Everything is heap-owned; script_results_free() releases a list. */
struct script_elem {
    char *key;   /* NULL for an array item */
    char *value; /* a leaf's text; NULL for a table */
    struct script_elem *children; /* a table's items, in nmap's order */
    size_t n_children;
};

struct script_result {
    char *id; /* the script's name without ".nse" */
    char *output;
    struct script_elem *elems;
    size_t n_elems;
    /* The script returned a value besides text (a table, even an empty
     * one, or a number): XML writes <script ...>...</script>, not <script
     * .../>. A value that is no table is the element's own text (`text`,
     * NULL otherwise). */
    bool structured;
    char *text;
};

/* The results of portrule scripts on one port of a host. Kept beside the
 * port list, not in port_result, so a -p- scan does not carry a pointer per
 * port for the few ports scripts ever touch. */
struct port_scripts {
    uint16_t port;
    uint8_t proto; /* enum proto_index */
    struct script_result *scripts; /* in the order they finished */
    size_t n_scripts;
};

void script_elems_free(struct script_elem *e, size_t n);
void script_results_free(struct script_result *r, size_t n);

struct host {
    struct net_addr addr;
    char *target_name;            /* hostname as the user gave it, NULL for literals */
    char *rdns;                   /* PTR name, NULL if none looked up or found */
    struct net_addr *other_addrs; /* other addresses of target_name (not scanned) */
    size_t n_other_addrs;

    enum host_state state;
    uint8_t reason; /* enum reason */
    uint8_t reason_ttl;
    struct timeval start_time, end_time;
    bool timed_out; /* --host-timeout expired */

    struct port_result *ports; /* every scanned port, any order */
    size_t n_ports;

    /* The MAC address of a host on a local Ethernet (from ARP/ND or the
     * link header of its replies) and its vendor from nmap-mac-prefixes
     * (NULL: "Unknown"; points into a table that lives for the run). */
    bool has_mac;
    uint8_t mac[6];
    const char *mac_vendor;

    /* Latency (from the scan's RTT estimate); valid when have_times. */
    bool have_times;
    int64_t srtt_us, rttvar_us, timeout_us;

    struct ping_probe ping;   /* set by discovery */
    struct host_trace *trace; /* --traceroute; NULL when not traced */

    /* NSE results: hostrule scripts ("Host script results"), and portrule
     * scripts per port (writers look a port up with host_port_scripts). */
    struct script_result *host_scripts;
    size_t n_host_scripts;
    struct port_scripts *port_scripts;
    size_t n_port_scripts;
};

/* The scripts that ran on one port of h, or NULL. */
const struct port_scripts *host_port_scripts(const struct host *h, uint8_t proto, uint16_t port);
/* Releases h's script results (both lists). */
void host_scripts_free(struct host *h);

void host_trace_free(struct host_trace *t);

struct runtime;

struct run {
    const struct plan *plan;
    /* Verbosity and debugging as the runtime keys left them (NULL: the
     * plan's); read them through run_verbosity()/run_debugging(). */
    const struct runtime *rt;
    struct timeval start_time, end_time;
    unsigned long hosts_total, hosts_up, hosts_down;
    /* Set when the run ends on an error: XML gets exit="error". */
    const char *error_message;
    bool interrupted;
    /* NSE prerule and postrule results ("Pre-scan script results", XML
     * <prescript>/<postscript>); heap-owned, freed at the end of the run. */
    struct script_result *pre_scripts;
    size_t n_pre_scripts;
    struct script_result *post_scripts;
    size_t n_post_scripts;
    /* Scripts were asked for (--script, -sC, -A: nmap's o.script, not
     * -sV's version scripts alone): even under -sn every up host's block
     * then ends with an empty line and its XML <host> carries times. */
    bool script_scan;
};

const char *port_state_name(enum port_state s); /* "open", "open|filtered", ... */
int run_verbosity(const struct run *run);
int run_debugging(const struct run *run);
const char *reason_name(enum reason r);         /* "syn-ack", "conn-refused", ... */

#endif
