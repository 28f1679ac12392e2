// SPDX-License-Identifier: MIT
// nmap-services load benchmark: the part of a two-port scan's start-up that
// cmap itself controls. Times services_load_ports() for ports 80 and 443
// (what `-p 80,443` loads), services_load_protos() for TCP (what the
// default top-1000 TCP scan loads) and services_load() (the whole table);
// prints the median of RUNS runs in microseconds.
//
// usage: services_bench [nmap-services]
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "data/services.h"

#define RUNS 201

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_load(const char *path, const struct port_list *only, const bool *protos)
{
    static double t[RUNS];
    char err[512];
    for (int i = 0; i < RUNS; i++) {
        double t0 = now_us();
        struct services_db *db = only     ? services_load_ports(path, only, err, sizeof err)
                                 : protos ? services_load_protos(path, protos, err, sizeof err)
                                          : services_load(path, err, sizeof err);
        t[i] = now_us() - t0;
        if (!db) {
            fprintf(stderr, "%s\n", err);
            exit(1);
        }
        services_free(db);
    }
    qsort(t, RUNS, sizeof t[0], cmp_double);
    return t[RUNS / 2];
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "/usr/share/nmap/nmap-services";
    uint16_t tcp[] = {80, 443};
    struct port_list two = {0};
    two.ports[PROTO_TCP] = tcp;
    two.count[PROTO_TCP] = 2;
    const bool tcp_only[PROTO_COUNT] = {[PROTO_TCP] = true};
    printf("-p 80,443 (services_load_ports):   %8.1f us\n", median_load(path, &two, NULL));
    printf("every tcp (services_load_protos):  %8.1f us\n", median_load(path, NULL, tcp_only));
    printf("whole table (services_load):       %8.1f us\n", median_load(path, NULL, NULL));
    return 0;
}
