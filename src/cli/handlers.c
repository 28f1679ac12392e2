// SPDX-License-Identifier: MIT
// Which handler runs for which option. Options without a handler here are
// refused ones whose arguments need no reading beyond being consumed.
#include "cli/handlers.h"

static const cli_handler_fn handlers[OPT_COUNT] = {
    [OPT_HELP] = opt_help,
    [OPT_VERSION] = opt_version,
    [OPT_THC] = opt_thc,
    [OPT_VERBOSE] = opt_verbose,
    [OPT_VV] = opt_vv,
    [OPT_DEBUG] = opt_debug,
    [OPT_PRIVILEGED] = opt_privileged,
    [OPT_UNPRIVILEGED] = opt_privileged,
    [OPT_IPV4] = opt_family,
    [OPT_IPV6] = opt_family,
    [OPT_REASON] = opt_flag,
    [OPT_OPEN] = opt_flag,
    [OPT_PACKET_TRACE] = opt_flag,
    [OPT_TRACEROUTE] = opt_flag,
    [OPT_NONINTERACTIVE] = opt_flag,
    [OPT_APPEND_OUTPUT] = opt_flag,
    [OPT_RANDOMIZE_HOSTS] = opt_flag,
    [OPT_UNIQUE] = opt_flag,
    [OPT_RESOLVE_ALL] = opt_flag,
    [OPT_SYSTEM_DNS] = opt_flag,
    [OPT_DEFEAT_RST_RATELIMIT] = opt_flag,
    [OPT_IFLIST] = opt_flag,
    [OPT_VERSION_INTENSITY] = opt_version_detection,
    [OPT_VERSION_LIGHT] = opt_version_detection,
    [OPT_VERSION_ALL] = opt_version_detection,
    [OPT_VERSION_TRACE] = opt_version_detection,
    [OPT_ALLPORTS] = opt_version_detection,
    [OPT_QUIET] = opt_ignore,
    [OPT_LOG_ERRORS] = opt_ignore,
    [OPT_NOGCC] = opt_ignore,
    [OPT_RELEASE_MEMORY] = opt_ignore,
    [OPT_DISABLE_ARP_PING] = opt_flag,
    [OPT_DISCOVERY_IGNORE_RST] = opt_flag,
    [OPT_SEND_IP] = opt_flag,
    [OPT_SEND_ETH] = opt_flag,
    [OPT_IDENT] = opt_ident,
    [OPT_DATADIR] = opt_datafile,
    [OPT_SERVICEDB] = opt_datafile,
    [OPT_STYLESHEET] = opt_stylesheet,
    [OPT_NO_STYLESHEET] = opt_stylesheet,
    [OPT_WEBXML] = opt_stylesheet,
    [OPT_INPUT_FILE] = opt_input_file,
    [OPT_INPUT_RANDOM] = opt_input_random,
    [OPT_EXCLUDE] = opt_exclude,
    [OPT_EXCLUDEFILE] = opt_exclude,
    [OPT_NO_DNS] = opt_resolve,
    [OPT_ALWAYS_DNS] = opt_resolve,
    [OPT_DNS_SERVERS] = opt_dns_servers,
    [OPT_OUTPUT_ALL] = opt_output,
    [OPT_OUTPUT_NORMAL] = opt_output,
    [OPT_OUTPUT_GREPABLE] = opt_output,
    [OPT_OUTPUT_XML] = opt_output,
    [OPT_OUTPUT_LEGACY] = opt_output,
    [OPT_OUTPUT_HTML] = opt_output_html,
    [OPT_RESUME] = opt_resume,
    [OPT_STATS_EVERY] = opt_stats_every,
    [OPT_OUTPUT_KIDDIE] = opt_output,
    [OPT_OUTPUT_JSON] = opt_output,
    [OPT_OUTPUT_JSONL] = opt_output,
    [OPT_TIMING] = opt_template,
    [OPT_MAX_RTT_TIMEOUT] = opt_rtt_timeout,
    [OPT_MIN_RTT_TIMEOUT] = opt_rtt_timeout,
    [OPT_INITIAL_RTT_TIMEOUT] = opt_rtt_timeout,
    [OPT_SCAN_DELAY] = opt_delay,
    [OPT_MAX_SCAN_DELAY] = opt_delay,
    [OPT_HOST_TIMEOUT] = opt_host_timeout,
    [OPT_MAX_RETRIES] = opt_max_retries,
    [OPT_MAX_PARALLELISM] = opt_parallelism,
    [OPT_MIN_PARALLELISM] = opt_parallelism,
    [OPT_MIN_HOSTGROUP] = opt_hostgroup,
    [OPT_MAX_HOSTGROUP] = opt_hostgroup,
    [OPT_MIN_RATE] = opt_rate,
    [OPT_MAX_RATE] = opt_rate,
    [OPT_SCAN] = opt_scan_types,
    [OPT_SCANFLAGS] = opt_scanflags,
    [OPT_PING] = opt_ping_types,
    [OPT_IDLE_SCAN] = opt_scan_bit,
    [OPT_BOUNCE] = opt_scan_bit,
    [OPT_NSOCK_ENGINE] = opt_nsock_engine,
    [OPT_PORTS] = opt_ports,
    [OPT_EXCLUDE_PORTS] = opt_ports,
    [OPT_FAST] = opt_port_selection,
    [OPT_SEQUENTIAL] = opt_port_selection,
    [OPT_TOP_PORTS] = opt_port_selection,
    [OPT_PORT_RATIO] = opt_port_selection,
    [OPT_DROP_USER] = opt_drop_user,
    [OPT_INTERFACE] = opt_source,
    [OPT_SPOOF_SOURCE] = opt_source,
};

int cli_handle_option(struct cli_ctx *ctx, const struct getopt_item *item)
{
    const struct cli_option *opt = item->opt;
    if (opt->deprecated_by) {
        char letter[2] = {opt->letter, '\0'};
        cli_note_deprecated(ctx, opt->name ? opt->name : letter, opt->deprecated_by);
    }
    /* A refused option is still read (its argument consumed, a technique it
     * names counted) so later options and nmap's checks behave; the refusal
     * comes once the whole command line is known. */
    if (!opt->supported) cli_refuse(ctx, item->spelling);
    cli_handler_fn fn = handlers[opt->id];
    return fn ? fn(ctx, item) : 0;
}
