// SPDX-License-Identifier: MIT
// The kernel floor for a TCP connect scan of 127.0.0.1: the simplest
// single-threaded epoll loop that connects to every port 1-65535 with a
// bounded number in flight, and prints its wall time. bench/compare.sh runs it
// inside its own network namespace as the yardstick for cmap and nmap.
//
// usage: floor [in_flight]   (default 1000; run it only inside a namespace)
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define LAST_PORT 65535

static struct sockaddr_in target;
static unsigned open_ports, closed_ports;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void count_result(int err)
{
    if (err == 0)
        open_ports++;
    else
        closed_ports++;
}

/* Start one connect; returns 1 if it is in flight (watched by epoll). */
static int start(int ep, int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        perror("socket");
        exit(1);
    }
    struct linger lg = {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    target.sin_port = htons((uint16_t)port);
    int err = connect(fd, (struct sockaddr *)&target, sizeof target) == 0 ? 0 : errno;
    if (err != EINPROGRESS) {
        count_result(err);
        close(fd);
        return 0;
    }
    struct epoll_event ev = {.events = EPOLLOUT, .data.fd = fd};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
        perror("epoll_ctl");
        exit(1);
    }
    return 1;
}

static void finish(int fd)
{
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) err = errno;
    count_result(err);
    close(fd);
}

int main(int argc, char **argv)
{
    long in_flight_max = argc > 1 ? strtol(argv[1], NULL, 10) : 1000;
    if (in_flight_max < 1 || in_flight_max > 60000) {
        fprintf(stderr, "usage: floor [in_flight 1..60000]\n");
        return 2;
    }
    target.sin_family = AF_INET;
    target.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event evs[256];
    double t0 = now_s();
    int next_port = 1;
    long in_flight = 0;
    while (next_port <= LAST_PORT || in_flight > 0) {
        while (next_port <= LAST_PORT && in_flight < in_flight_max)
            in_flight += start(ep, next_port++);
        if (in_flight == 0) continue;
        int n = epoll_wait(ep, evs, 256, 1000);
        for (int i = 0; i < n; i++) {
            finish(evs[i].data.fd);
            in_flight--;
        }
    }
    printf("floor: %u open, %u closed, %.3f s\n", open_ports, closed_ports, now_s() - t0);
    return 0;
}
