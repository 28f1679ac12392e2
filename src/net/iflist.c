// SPDX-License-Identifier: MIT
// The --iflist report: nmap's print_iflist() over the model, and where its
// text goes. nmap writes it with LOG_PLAIN right after opening its output
// files and printing "Starting", then exits: the normal output (stdout or
// -oN) gets the tables, XML and grepable files stay empty.
#include "net/iflist.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "cli/plan.h"
#include "core/log.h"
#include "net/iflist_table.h"
#include "report/writer.h"

#define IF_INET6_PATH "/proc/net/if_inet6"
#define IF_INET6_MAX (1 << 20)

static const char *const kind_names[] = {
    [IFLIST_ETHERNET] = "ethernet",
    [IFLIST_LOOPBACK] = "loopback",
    [IFLIST_P2P] = "point2point",
    [IFLIST_OTHER] = "other",
};

static int interface_rows(const struct iflist_model *m, struct text_table *t)
{
    static const char *const head[] = {"DEV", "(SHORT)", "IP/MASK", "TYPE", "UP", "MTU", "MAC"};
    int rc = 0;
    for (size_t c = 0; c < 7; c++)
        rc |= text_table_set(t, 0, c, "%s", head[c]);
    for (size_t i = 0; i < m->n_ifs; i++) {
        const struct iflist_if *r = &m->ifs[i];
        char ip[NET_ADDR_STRLEN] = "(none)";
        if (r->has_addr) net_addr_format(&r->addr, ip, sizeof ip);
        rc |= text_table_set(t, i + 1, 0, "%s", r->f->name);
        rc |= text_table_set(t, i + 1, 1, "(%s)", r->f->name);
        rc |= text_table_set(t, i + 1, 2, "%s/%u", ip, r->has_addr ? r->bits : 0);
        rc |= text_table_set(t, i + 1, 3, "%s", kind_names[r->kind]);
        rc |= text_table_set(t, i + 1, 4, "%s", r->f->flags & IFF_UP ? "up" : "down");
        rc |= text_table_set(t, i + 1, 5, "%u", r->f->mtu);
        if (r->has_mac)
            rc |= text_table_set(t, i + 1, 6, "%02X:%02X:%02X:%02X:%02X:%02X", r->mac[0], r->mac[1],
                                 r->mac[2], r->mac[3], r->mac[4], r->mac[5]);
    }
    return rc;
}

static int route_rows(const struct iflist_model *m, struct text_table *t)
{
    static const char *const head[] = {"DST/MASK", "DEV", "METRIC", "GATEWAY"};
    static const uint8_t zero[16];
    int rc = 0;
    for (size_t c = 0; c < 4; c++)
        rc |= text_table_set(t, 0, c, "%s", head[c]);
    for (size_t i = 0; i < m->n_routes; i++) {
        const struct iflist_route *r = &m->routes[i];
        char dst[NET_ADDR_STRLEN], gw[NET_ADDR_STRLEN];
        net_addr_format(&r->dst, dst, sizeof dst);
        rc |= text_table_set(t, i + 1, 0, "%s/%u", dst, r->bits);
        rc |= text_table_set(t, i + 1, 1, "%s", r->dev->f->name);
        rc |= text_table_set(t, i + 1, 2, "%d", (int)r->metric);
        if (memcmp(r->gw.bytes, zero, sizeof zero) != 0) {
            net_addr_format(&r->gw, gw, sizeof gw);
            rc |= text_table_set(t, i + 1, 3, "%s", gw);
        }
    }
    return rc;
}

/* One titled table followed by a blank line, or the NONE FOUND line. */
static int put_table(FILE *fp, const char *title, const char *none, size_t rows, size_t cols,
                     int (*fill)(const struct iflist_model *, struct text_table *),
                     const struct iflist_model *m)
{
    if (rows == 0) return fputs(none, fp) < 0 ? -1 : 0;
    struct text_table t;
    int rc = text_table_init(&t, rows + 1, cols);
    if (rc == 0) rc = fill(m, &t);
    if (rc == 0) fputs(title, fp);
    if (rc == 0) rc = text_table_print(&t, fp);
    if (rc == 0) fputc('\n', fp);
    text_table_free(&t);
    return rc;
}

char *iflist_render(const struct iflist_model *m)
{
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);
    if (!fp) return NULL;
    int rc = put_table(fp, "************************INTERFACES************************\n",
                       "INTERFACES: NONE FOUND(!)\n", m->n_ifs, 7, interface_rows, m);
    if (rc == 0)
        rc = put_table(fp, "**************************ROUTES**************************\n",
                       "ROUTES: NONE FOUND(!)\n", m->n_routes, 4, route_rows, m);
    if (fclose(fp) != 0 || rc != 0) {
        free(text);
        return NULL;
    }
    return text;
}

/* The whole of a small /proc file; NULL if unreadable. */
static char *read_small_file(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "r");
    if (!fp) return NULL;
    char *text = malloc(IF_INET6_MAX);
    *len = text ? fread(text, 1, IF_INET6_MAX, fp) : 0;
    fclose(fp);
    return text;
}

static char *report_text(void)
{
    struct iface_list ifs;
    struct route_table rt = {0};
    struct iflist_v6_order order = {0};
    char err[256];
    if (iface_list_load(&ifs, err, sizeof err) != 0) memset(&ifs, 0, sizeof ifs);
    if (route_table_load(&rt, err, sizeof err) != 0) memset(&rt, 0, sizeof rt);
    size_t len = 0;
    char *proc = read_small_file(IF_INET6_PATH, &len);
    if (proc && iflist_v6_order_parse(proc, len, &order) != 0) memset(&order, 0, sizeof order);
    free(proc);
    struct iflist_model m;
    char *text = NULL;
    if (iflist_model_build(&ifs, &rt, &order, &m) == 0) {
        text = iflist_render(&m);
        iflist_model_free(&m);
    }
    iflist_v6_order_free(&order);
    route_table_free(&rt);
    iface_list_free(&ifs);
    return text;
}

static bool any_to_stdout(const struct plan *plan)
{
    for (int f = 0; f < OUT_FORMAT_COUNT; f++)
        if (plan->output_path[f] && strcmp(plan->output_path[f], "-") == 0) return true;
    return false;
}

/* Opens the output files in nmap's order (normal, machine, XML), which
 * creates or truncates them; only the normal one is kept open. */
static FILE *open_files(const struct plan *plan)
{
    static const struct {
        enum output_format format;
        const char *kind;
    } order[] = {{OUT_NORMAL, "normal"}, {OUT_GREPABLE, "machine"}, {OUT_XML, "XML"}};
    FILE *normal = NULL;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        const char *path = plan->output_path[order[i].format];
        if (!path || strcmp(path, "-") == 0) continue;
        FILE *fp = fopen(path, plan->append_output ? "a" : "w");
        if (!fp) pfatal("Failed to open %s output file %s for writing", order[i].kind, path);
        if (order[i].format == OUT_NORMAL)
            normal = fp;
        else
            fclose(fp);
    }
    return normal;
}

/* The "Starting" line exactly as the normal writer prints it. */
static void put_banner(const struct plan *plan)
{
    struct run run = {.plan = plan};
    gettimeofday(&run.start_time, NULL);
    struct writer w = {
        .ops = &normal_writer_ops, .fp = stdout, .to_stdout = true, .interactive = true};
    normal_writer_ops.run_begin(&w, &run);
    if (normal_writer_ops.destroy) normal_writer_ops.destroy(&w);
}

static int write_text(FILE *fp, const char *text, const char *label)
{
    errno = 0;
    if (fputs(text, fp) >= 0 && fflush(fp) == 0) return 0;
    error("%s: error writing %s: %s", CMAP_NAME, label, strerror(errno ? errno : EIO));
    return -1;
}

int iflist_run(const struct plan *plan)
{
    FILE *normal = open_files(plan);
    bool interactive = !any_to_stdout(plan) && !plan->silent_stdout;
    const char *normal_path = plan->output_path[OUT_NORMAL];
    bool normal_stdout = normal_path && strcmp(normal_path, "-") == 0;
    if (interactive) put_banner(plan);
    char *text = report_text();
    if (!text) fatal("Out of memory listing interfaces and routes");
    int rc = 0;
    if (interactive || normal_stdout) rc |= write_text(stdout, text, "stdout");
    if (normal) {
        rc |= write_text(normal, text, normal_path);
        if (fclose(normal) != 0) rc = -1;
    }
    free(text);
    return rc == 0 ? 0 : EXIT_FATAL;
}
