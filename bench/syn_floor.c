// SPDX-License-Identifier: MIT
// The kernel floor for a SYN scan of every port of one host: the simplest
// program that sends a SYN to ports 1-65535 through a raw socket (sendmmsg,
// batches of 256) and counts the answers (RST or SYN-ACK) on a raw TCP
// socket read by a second thread. No congestion control, no retransmission,
// no result model: what is left is the kernel's cost of moving the probes
// and the replies, which on a veth lab link includes the target's own TCP
// stack (its softirq runs on the sending CPU). bench/syn_compare.sh runs it
// beside cmap and nmap as the yardstick.
//
// usage: syn_floor TARGET [SENDERS]   (SENDERS 1 or 2, default 1; run it
// only inside a lab namespace). Prints "floor_us answered".
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define LAST_PORT 65535
#define BATCH 256
#define SRC_PORT 47001
#define IDLE_NS 300000000LL /* no answer for 0.3 s after the last probe: done */

static struct in_addr target, source;
static uint8_t answered[LAST_PORT + 1];
static atomic_uint n_answered;
static atomic_int sending_done;
static int64_t last_answer_ns;

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static uint16_t csum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
    const uint8_t *p = data;
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (len & 1) sum += (uint32_t)(p[len - 1] << 8);
    return sum;
}

struct probe {
    struct iphdr ip;
    struct tcphdr tcp;
};

static void build_probe(struct probe *p, uint16_t port)
{
    memset(p, 0, sizeof *p);
    p->ip.version = 4;
    p->ip.ihl = 5;
    p->ip.tot_len = htons(sizeof *p);
    p->ip.ttl = 64;
    p->ip.protocol = IPPROTO_TCP;
    p->ip.saddr = source.s_addr;
    p->ip.daddr = target.s_addr;
    p->tcp.source = htons(SRC_PORT);
    p->tcp.dest = htons(port);
    p->tcp.seq = htonl(0x5eed0000u + port);
    p->tcp.doff = 5;
    p->tcp.syn = 1;
    p->tcp.window = htons(1024);
    /* The kernel fills the IP checksum for IP_HDRINCL; TCP's is ours. */
    uint8_t pseudo[12];
    memcpy(pseudo, &p->ip.saddr, 4);
    memcpy(pseudo + 4, &p->ip.daddr, 4);
    pseudo[8] = 0;
    pseudo[9] = IPPROTO_TCP;
    pseudo[10] = 0;
    pseudo[11] = sizeof p->tcp;
    uint32_t sum = csum_add(0, pseudo, sizeof pseudo);
    sum = csum_add(sum, &p->tcp, sizeof p->tcp);
    p->tcp.check = htons(csum_fold(sum));
}

struct range {
    unsigned first, last;
};

static void *sender(void *arg)
{
    const struct range *r = arg;
    int fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
    if (fd < 0) {
        perror("raw socket");
        exit(1);
    }
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_addr = target};
    static _Thread_local struct probe probes[BATCH];
    static _Thread_local struct iovec iov[BATCH];
    static _Thread_local struct mmsghdr msgs[BATCH];
    for (unsigned port = r->first; port <= r->last;) {
        unsigned n = 0;
        for (; n < BATCH && port <= r->last; n++, port++) {
            build_probe(&probes[n], (uint16_t)port);
            iov[n] = (struct iovec){.iov_base = &probes[n], .iov_len = sizeof probes[n]};
            msgs[n] = (struct mmsghdr){
                .msg_hdr = {.msg_name = &to, .msg_namelen = sizeof to, .msg_iov = &iov[n],
                            .msg_iovlen = 1}};
        }
        for (unsigned sent = 0; sent < n;) {
            int rc = sendmmsg(fd, msgs + sent, n - sent, 0);
            if (rc < 0) {
                if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR) continue;
                perror("sendmmsg");
                exit(1);
            }
            sent += (unsigned)rc;
        }
    }
    close(fd);
    return NULL;
}

static void *receiver(void *arg)
{
    int fd = *(int *)arg;
    uint8_t buf[2048];
    for (;;) {
        ssize_t len = recv(fd, buf, sizeof buf, 0);
        if (len < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                if (atomic_load(&sending_done) && now_ns() - last_answer_ns > IDLE_NS) break;
                continue;
            }
            perror("recv");
            exit(1);
        }
        if ((size_t)len < sizeof(struct iphdr)) continue;
        const struct iphdr *ip = (const void *)buf;
        size_t ihl = (size_t)ip->ihl * 4;
        if (ip->saddr != target.s_addr || (size_t)len < ihl + sizeof(struct tcphdr)) continue;
        const struct tcphdr *tcp = (const void *)(buf + ihl);
        if (ntohs(tcp->dest) != SRC_PORT || !(tcp->rst || (tcp->syn && tcp->ack))) continue;
        uint16_t port = ntohs(tcp->source);
        if (port == 0 || answered[port]) continue;
        answered[port] = 1;
        last_answer_ns = now_ns();
        if (atomic_fetch_add(&n_answered, 1) + 1 == LAST_PORT) break;
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2 || inet_pton(AF_INET, argv[1], &target) != 1) {
        fprintf(stderr, "usage: %s TARGET [SENDERS]\n", argv[0]);
        return 2;
    }
    int senders = argc > 2 ? atoi(argv[2]) : 1;
    if (senders < 1 || senders > 2) {
        fprintf(stderr, "SENDERS must be 1 or 2\n");
        return 2;
    }
    /* The source address the route gives: connect a UDP socket. */
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(9), .sin_addr = target};
    socklen_t sl = sizeof sa;
    if (u < 0 || connect(u, (struct sockaddr *)&sa, sizeof sa) < 0 ||
        getsockname(u, (struct sockaddr *)&sa, &sl) < 0) {
        perror("route to target");
        return 1;
    }
    close(u);
    source = sa.sin_addr;

    int rfd = socket(AF_INET, SOCK_RAW, IPPROTO_TCP);
    if (rfd < 0) {
        perror("raw receive socket");
        return 1;
    }
    int big = 64 << 20;
    setsockopt(rfd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
    struct timeval tv = {.tv_sec = 0, .tv_usec = 50000};
    setsockopt(rfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);

    pthread_t rx, tx[2];
    struct range ranges[2] = {{1, LAST_PORT}, {0, 0}};
    if (senders == 2) {
        ranges[0] = (struct range){1, LAST_PORT / 2};
        ranges[1] = (struct range){LAST_PORT / 2 + 1, LAST_PORT};
    }
    int64_t start = now_ns();
    last_answer_ns = start;
    pthread_create(&rx, NULL, receiver, &rfd);
    for (int i = 0; i < senders; i++)
        pthread_create(&tx[i], NULL, sender, &ranges[i]);
    for (int i = 0; i < senders; i++)
        pthread_join(tx[i], NULL);
    atomic_store(&sending_done, 1);
    pthread_join(rx, NULL);
    /* The floor ends at the last answer (the idle wait is not counted). */
    printf("%lld %u\n", (long long)((last_answer_ns - start) / 1000), atomic_load(&n_answered));
    return 0;
}
