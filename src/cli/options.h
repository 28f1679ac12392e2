// SPDX-License-Identifier: MIT
// Every spelling nmap 7.93 accepts on its command line, in one table: the long
// names (matched after "-" or "--", abbreviations allowed) in nmap's own order,
// because that order decides the "possibilities" listed for an ambiguous
// abbreviation, followed by the single-letter options.
#ifndef CMAP_CLI_OPTIONS_H
#define CMAP_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

enum opt_arg { ARG_NONE = 0, ARG_REQUIRED, ARG_OPTIONAL };

enum opt_id {
    OPT_VERSION = 0,
    OPT_VERBOSE,
    OPT_DATADIR,
    OPT_SERVICEDB,
    OPT_VERSIONDB,
    OPT_DEBUG,
    OPT_HELP,
    OPT_IFLIST,
    OPT_RELEASE_MEMORY,
    OPT_NOGCC,
    OPT_MAX_OS_TRIES,
    OPT_MAX_PARALLELISM,
    OPT_MIN_PARALLELISM,
    OPT_TIMING,
    OPT_MAX_RTT_TIMEOUT,
    OPT_MIN_RTT_TIMEOUT,
    OPT_INITIAL_RTT_TIMEOUT,
    OPT_EXCLUDEFILE,
    OPT_EXCLUDE,
    OPT_MAX_HOSTGROUP,
    OPT_MIN_HOSTGROUP,
    OPT_OPEN,
    OPT_SCANFLAGS,
    OPT_DEFEAT_RST_RATELIMIT,
    OPT_DEFEAT_ICMP_RATELIMIT,
    OPT_HOST_TIMEOUT,
    OPT_SCAN_DELAY,
    OPT_MAX_SCAN_DELAY,
    OPT_MAX_RETRIES,
    OPT_OUTPUT_ALL,
    OPT_OUTPUT_NORMAL,
    OPT_OUTPUT_GREPABLE,
    OPT_OUTPUT_KIDDIE,
    OPT_OUTPUT_HTML,
    OPT_OUTPUT_XML,
    OPT_OUTPUT_LEGACY, /* -o: normal output, with the "dangerous" check */
    OPT_OUTPUT_JSON,
    OPT_OUTPUT_JSONL,
    OPT_INPUT_FILE,
    OPT_INPUT_RANDOM,
    OPT_IDLE_SCAN,
    OPT_SOURCE_PORT,
    OPT_RANDOMIZE_HOSTS,
    OPT_NSOCK_ENGINE,
    OPT_PROXIES,
    OPT_DISCOVERY_IGNORE_RST,
    OPT_OSSCAN_LIMIT,
    OPT_OSSCAN_GUESS,
    OPT_PACKET_TRACE,
    OPT_VERSION_TRACE,
    OPT_DATA,
    OPT_DATA_STRING,
    OPT_DATA_LENGTH,
    OPT_SEND_ETH,
    OPT_SEND_IP,
    OPT_STYLESHEET,
    OPT_NO_STYLESHEET,
    OPT_WEBXML,
    OPT_VV,
    OPT_FF,
    OPT_PRIVILEGED,
    OPT_UNPRIVILEGED,
    OPT_MTU,
    OPT_APPEND_OUTPUT,
    OPT_NONINTERACTIVE,
    OPT_SPOOF_MAC,
    OPT_THC,
    OPT_BADSUM,
    OPT_TTL,
    OPT_TRACEROUTE,
    OPT_REASON,
    OPT_ALLPORTS,
    OPT_VERSION_INTENSITY,
    OPT_VERSION_LIGHT,
    OPT_VERSION_ALL,
    OPT_SYSTEM_DNS,
    OPT_RESOLVE_ALL,
    OPT_UNIQUE,
    OPT_LOG_ERRORS,
    OPT_DEPRECATED_XML_OSCLASS,
    OPT_YOLOSCAN,
    OPT_DNS_SERVERS,
    OPT_PORT_RATIO,
    OPT_EXCLUDE_PORTS,
    OPT_TOP_PORTS,
    OPT_SCRIPT,
    OPT_SCRIPT_TRACE,
    OPT_SCRIPT_UPDATEDB,
    OPT_SCRIPT_ARGS,
    OPT_SCRIPT_ARGS_FILE,
    OPT_SCRIPT_HELP,
    OPT_SCRIPT_TIMEOUT,
    OPT_IP_OPTIONS,
    OPT_MIN_RATE,
    OPT_MAX_RATE,
    OPT_ADLER32,
    OPT_STATS_EVERY,
    OPT_DISABLE_ARP_PING,
    OPT_ROUTE_DST,
    OPT_RESUME,
    OPT_IPV4,
    OPT_IPV6,
    OPT_AGGRESSIVE,
    OPT_BOUNCE,
    OPT_DECOYS,
    OPT_INTERFACE,
    OPT_FAST,
    OPT_FRAGMENT,
    OPT_IDENT,
    OPT_NO_DNS,
    OPT_OS,
    OPT_PING,
    OPT_PORTS,
    OPT_QUIET,
    OPT_ALWAYS_DNS,
    OPT_SEQUENTIAL,
    OPT_SPOOF_SOURCE,
    OPT_SCAN,
    OPT_DROP_USER,
    OPT_COUNT
};

struct cli_option {
    const char *name; /* long name without dashes; NULL for a letter-only entry */
    char letter;      /* short option letter; 0 for long names */
    enum opt_arg arg;
    enum opt_id id;
    bool supported;            /* false: accepted, then refused as "not supported yet" */
    const char *deprecated_by; /* with -v, "Warning: The -X option is deprecated..." */
};

extern const struct cli_option cli_options[];
extern const size_t cli_option_count;

/* The entry for a short option letter, or NULL when nmap has none. */
const struct cli_option *cli_option_by_letter(char c);

#endif
