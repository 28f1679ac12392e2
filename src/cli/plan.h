// SPDX-License-Identifier: MIT
// The plan: everything a run will do, parsed from the command line and
// validated once, read-only afterwards. Nothing after the parser reads argv.
#ifndef CMAP_CLI_PLAN_H
#define CMAP_CLI_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scan/portlist.h"

struct services_db;
struct protocols_db;

enum tcp_scan_type {
    TCP_SCAN_NONE = 0,
    TCP_SCAN_CONNECT, /* -sT */
    TCP_SCAN_SYN,     /* -sS (raw engine) */
    TCP_SCAN_ACK,     /* -sA, and the rest also raw */
    TCP_SCAN_WINDOW,  /* -sW */
    TCP_SCAN_MAIMON,  /* -sM */
    TCP_SCAN_NULL,    /* -sN */
    TCP_SCAN_FIN,     /* -sF */
    TCP_SCAN_XMAS,    /* -sX */
};

/* Flags: nmap runs both when both are given, INIT first. */
enum sctp_scan_type {
    SCTP_SCAN_NONE = 0,
    SCTP_SCAN_INIT = 1,   /* -sY */
    SCTP_SCAN_COOKIE = 2, /* -sZ */
};

enum dns_mode {
    DNS_DEFAULT = 0, /* reverse-resolve hosts that are up */
    DNS_NEVER,       /* -n */
    DNS_ALWAYS,      /* -R */
};

/* One slot per output format; path NULL when the format was not asked for,
 * "-" for stdout. The stored path already has nmap's strftime-like
 * expansion (%H %M %S %m %d %y %Y %T %R %D) applied. */
enum output_format {
    OUT_NORMAL = 0,
    OUT_XML,
    OUT_GREPABLE,
    OUT_JSON,   /* -oJ: one JSON document */
    OUT_JSONL,  /* -oJL: JSON Lines, one record per line as the run goes */
    OUT_KIDDIE, /* -oS */
    OUT_FORMAT_COUNT
};

/* Host discovery probes from -PS/-PA/-PU/-PY (ports) and -PO (protocols),
 * -PE/-PP/-PM; `given` is false when no probe option was typed, and
 * discovery then uses nmap's default set. Lists are heap-owned. */
struct ping_probes {
    bool given;
    bool echo, timestamp, mask; /* -PE -PP -PM */
    uint16_t *syn, *ack, *udp, *sctp;
    size_t n_syn, n_ack, n_udp, n_sctp;
    uint8_t *protos; /* -PO */
    size_t n_protos;
};

/* Times are microseconds; -1 means "not set, use the template's value". */
struct timing {
    int level;              /* -T0..-T5, 3 by default */
    int64_t min_rtt_timeout;
    int64_t max_rtt_timeout;
    int64_t initial_rtt_timeout;
    int max_retries;
    int64_t host_timeout;   /* 0 = none */
    int64_t scan_delay;
    int64_t max_scan_delay;
    int64_t max_udp_scan_delay; /* -T4/-T5 lower only TCP's; --max-scan-delay sets both */
    int min_parallelism;    /* 0 = adaptive */
    int max_parallelism;    /* 0 = adaptive */
    int min_hostgroup;      /* 0 = adaptive */
    int max_hostgroup;      /* 0 = adaptive */
    double min_rate;        /* packets per second; 0 = none */
    double max_rate;        /* 0 = none */
};

struct plan {
    /* The command line as typed (NMAP_ARGS included), for output headers:
     * "cmap -sT -p 22 127.0.0.1". */
    char *command_line;
    int address_family; /* AF_INET (default) or AF_INET6 (-6) */

    /* Targets, as given; expansion happens in the target iterator. */
    char **targets;
    size_t n_targets;
    char *input_file;     /* -iL, "-" for stdin */
    long long random_targets; /* -iR N; -1 when unset, 0 = endless */
    char **excludes;      /* --exclude, already split on commas */
    size_t n_excludes;
    char *exclude_file;   /* --excludefile */
    bool unique;          /* --unique */
    bool resolve_all;     /* --resolve-all */
    bool randomize_hosts; /* --randomize-hosts */
    enum dns_mode dns;
    bool system_dns;      /* --system-dns: getnameinfo, one host at a time */
    /* --dns-servers split at commas and blanks (the last option wins);
     * NULL when not given. Non-NULL with n_dns_servers 0 when given empty:
     * then there is no server at all, as in nmap. */
    char **dns_servers;
    size_t n_dns_servers;

    /* What runs. */
    bool list_scan;       /* -sL */
    bool skip_discovery;  /* -Pn: every host up (ARP/ND still run on a LAN) */
    bool ping_scan;       /* -sn: discovery only, no port scan */
    struct ping_probes ping;
    bool disable_arp;     /* --disable-arp-ping */
    bool send_ip;         /* --send-ip: no ARP/ND */
    bool send_eth;        /* --send-eth: raw probes as Ethernet frames to the neighbour's MAC */
    bool ignore_rst;      /* --discovery-ignore-rst */
    enum tcp_scan_type tcp_scan;
    bool tcp_scan_default; /* no technique was asked for: nmap's default */
    bool scanflags_set;    /* --scanflags was given: */
    uint8_t scanflags;     /* the raw TCP probes' flags */
    bool udp_scan;         /* -sU, after the TCP scan as nmap */
    unsigned sctp_scan;    /* -sY and/or -sZ (enum sctp_scan_type), after UDP */
    bool ip_proto_scan;    /* -sO: alone (nmap refuses it with other scan types) */

    /* Service and version detection. */
    bool version_scan;      /* -sV (or -A) */
    int version_intensity;  /* 0..9: 7 by default, 2 --version-light, 9 --version-all */
    bool version_trace;     /* --version-trace */
    bool version_all_ports; /* --allports: ignore the probe file's Exclude */

    /* NSE (--script, -sC; -sV also runs the "version" scripts). */
    bool script_scan;       /* --script or -sC: nse_main.lua's cnse.default */
    char **script_rules;    /* --script split at commas (nmap's rules), in order */
    size_t n_script_rules;
    char *script_args;      /* --script-args as typed (Lua parses it) */
    char *script_args_file; /* --script-args-file */
    bool script_trace;      /* --script-trace (also --packet-trace) */
    bool script_updatedb;   /* --script-updatedb */
    bool script_help;       /* --script-help: describe script_rules, then exit */
    double script_timeout;  /* --script-timeout in seconds (-T5: 600); 0 = none */

    /* Ports (empty for -sL). */
    struct port_list ports;
    const struct services_db *services; /* loaded nmap-services */
    char *services_path;                /* where it came from */
    const struct protocols_db *protocols; /* nmap-protocols, loaded for -sO */

    struct timing timing;

    /* Output. */
    char *output_path[OUT_FORMAT_COUNT];
    bool append_output;   /* --append-output */
    bool resuming;        /* --resume: continuing an interrupted run's outputs */
    int verbosity;        /* -v count, -v0 silences stdout */
    bool silent_stdout;   /* -v0 was given: interactive output goes nowhere */
    int debugging;        /* -d level */
    bool reason;          /* --reason (also implied by -d) */
    bool open_only;       /* --open */
    bool defeat_rst_ratelimit;  /* --defeat-rst-ratelimit (or --open) */
    bool defeat_icmp_ratelimit; /* --defeat-icmp-ratelimit */
    bool packet_trace;    /* --packet-trace */
    bool traceroute;      /* --traceroute: after the scan, trace each up host */
    bool iflist;          /* --iflist: print interfaces and routes, then exit 0 */
    char *stylesheet;     /* --stylesheet / --webxml; NULL = default */
    bool no_stylesheet;   /* --no-stylesheet */
    bool noninteractive;  /* --noninteractive */
    int64_t stats_every;  /* --stats-every, microseconds; 0 = never */

    /* Data files. */
    char *datadir;        /* --datadir */
    char *servicedb;      /* --servicedb */
    char *exe_path;       /* /proc/self/exe, for the data-file search */

    bool privileged;      /* root or --privileged, and not --unprivileged */
    char *drop_user;      /* --drop-user: become this user after setup; NULL = stay */
    char *device;         /* -e: the interface raw probes leave by; NULL = the route's */
    char *spoof_source;   /* -S: the probes' source address (as given); NULL = the route's */
};

/* Outcome of parsing: run a scan, or exit early with a status (after -h,
 * -V, or an error whose message was already printed). */
enum plan_result { PLAN_RUN = 0, PLAN_EXIT };

/* Parse argv (NMAP_ARGS from the environment is prepended by
 * plan_from_args itself) into a validated plan. On PLAN_EXIT, *exit_status holds
 * the status to exit with: 0 for -h/-V, 255 for getopt-style errors, 1 for
 * fatal errors, whose messages (nmap's texts) are already on stderr. */
enum plan_result plan_from_args(int argc, char **argv, struct plan *plan, int *exit_status);
void plan_free(struct plan *plan);

/* Parse a time value ("500ms", "2s", "1.5m", "1h", "30" = seconds) into
 * microseconds. Returns -1 if malformed. */
int64_t parse_time_value(const char *s);

#endif
