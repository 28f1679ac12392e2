// SPDX-License-Identifier: MIT
// --resume: loading the earlier run's file, preparing the outputs and
// skipping the targets it finished. Everything that can fail happens before
// any output file is opened, so a bad file leaves every file as it was.
#include "report/resume.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "report/resume_state.h"
#include "target/targets.h"

/* The closing part of a cmap XML file (</host>, <runstats>, </nmaprun>) is
 * well under this; it is only searched for near the end. */
#define XML_TAIL_MAX 8192

/* The file's bytes, mapped like nmap does, so its messages (an empty file
 * cannot be mapped: "Invalid argument") are the same. */
static void load(struct resume *r)
{
    int fd = open(r->path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) pfatal("Could not mmap() %s file", r->path);
    void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED) pfatal("Could not mmap() %s file", r->path);
    close(fd);
    char err[512];
    int rc = resume_log_parse(map, (size_t)st.st_size, r->path, &r->log, err, sizeof err);
    munmap(map, (size_t)st.st_size);
    if (rc != 0) fatal("%s", err);
}

struct resume *resume_open(int argc, char **argv)
{
    if (argc != 3 || strcmp(argv[1], "--resume") != 0 || getenv("NMAP_ARGS")) return NULL;
    struct resume *r = calloc(1, sizeof *r);
    if (!r || !(r->path = strdup(argv[2]))) fatal("Out of memory resuming from %s", argv[2]);
    load(r);
    size_t n = r->log.n_partials;
    r->consumed = calloc(n ? n : 1, sizeof *r->consumed);
    r->scheduled = calloc(n ? n : 1, sizeof *r->scheduled);
    if (!r->consumed || !r->scheduled) fatal("Out of memory resuming from %s", r->path);
    r->skipping = r->log.have_last;
    if (r->log.randomized)
        error("WARNING: You are attempting to resume a scan which used --randomize-hosts.  Some "
              "hosts in the last randomized batch may be missed and others may be repeated once");
    if (!r->log.have_last && r->log.n_partials == 0)
        error("Warning: You asked for --resume but it doesn't look like any hosts in the log file "
              "were successfully scanned.  Starting from the beginning.");
    return r;
}

void resume_args(const struct resume *r, int *argc, char ***argv)
{
    *argc = r->log.argc;
    *argv = r->log.argv;
}

int resume_plan_failed(const struct resume *r, int status)
{
    if (!r || status == 0) return status;
    fflush(stdout);
    fprintf(stderr, "Cannot resume from (supposed) log file %s\nQUITTING!\n", r->path);
    return EXIT_FATAL;
}

/* Where the closing part of a finished document starts (the <runstats>
 * line, or </nmaprun> alone), or -1 when the file does not end with one,
 * as nmap's own interrupted files do not. */
static off_t xml_closing_offset(int fd, off_t size, const char *path)
{
    char tail[XML_TAIL_MAX];
    off_t from = size > XML_TAIL_MAX ? size - XML_TAIL_MAX : 0;
    size_t want = (size_t)(size - from);
    ssize_t got = pread(fd, tail, want, from);
    if (got < 0) pfatal("Failed to read XML output file %s to resume it", path);
    if ((size_t)got != want) fatal("XML output file %s changed while cmap read it", path);
    size_t end = want;
    while (end > 0 && (tail[end - 1] == '\n' || tail[end - 1] == ' ' || tail[end - 1] == '\r'))
        end--;
    static const char close_tag[] = "</nmaprun>";
    size_t close_len = sizeof close_tag - 1;
    if (end < close_len || memcmp(tail + end - close_len, close_tag, close_len) != 0) return -1;
    size_t cut = end - close_len;
    for (size_t i = cut; i-- > 0;) {
        bool line_start = i == 0 || tail[i - 1] == '\n';
        if (line_start && end - i > 10 && memcmp(tail + i, "<runstats>", 10) == 0) {
            cut = i;
            break;
        }
        if (line_start && end - i > 7 && memcmp(tail + i, "</host>", 7) == 0) break;
    }
    return from + (off_t)cut;
}

static void reopen_xml_document(const char *path)
{
    if (!path || strcmp(path, "-") == 0) return;
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) return; /* a new file gets a new document */
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0)
        pfatal("Failed to open XML output file %s to resume it", path);
    if (S_ISREG(st.st_mode) && st.st_size > 0) {
        off_t cut = xml_closing_offset(fd, st.st_size, path);
        if (cut >= 0 && ftruncate(fd, cut) != 0)
            pfatal("Failed to reopen the document in XML output file %s", path);
    }
    close(fd);
}

void resume_prepare(struct resume *r, struct plan *plan)
{
    if (!r) return;
    plan->resuming = true;
    reopen_xml_document(plan->output_path[OUT_XML]);
}

bool resume_filter(const struct target *t, void *ctx)
{
    struct resume *r = ctx;
    for (size_t i = 0; i < r->log.n_partials; i++) {
        if (r->consumed[i] || !resume_same_host(&r->log.partials[i].host.addr, &t->addr)) continue;
        r->consumed[i] = true; /* resume_next_group scans it */
        return false;
    }
    if (!r->skipping) return true;
    if (resume_same_host(&t->addr, &r->log.last)) r->skipping = false;
    return false;
}

void resume_free(struct resume *r)
{
    if (!r) return;
    resume_log_free(&r->log);
    free(r->consumed);
    free(r->scheduled);
    free(r->path);
    free(r);
}
