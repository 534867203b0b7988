/* TCP + framing helpers for the probe examples (POSIX sockets, loopback only). */
#define _POSIX_C_SOURCE 200809L
#include "probe_net.h"
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static void set_timeouts(int fd)
{
    struct timeval tv = {30, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

int probe_listen(int port, const char *port_file, int *bound_port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        perror("socket");
        return -1;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof sa;
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 4) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &sl) != 0) {
        perror("bind/listen 127.0.0.1");
        close(fd);
        return -1;
    }
    int p = ntohs(sa.sin_port);
    if (bound_port)
        *bound_port = p;
    if (port_file) {
        /* Write then rename, so a watcher never reads a half-written file. */
        char tmp[4096];
        snprintf(tmp, sizeof tmp, "%s.tmp", port_file);
        FILE *f = fopen(tmp, "w");
        if (!f || fprintf(f, "%d\n", p) < 0 || fclose(f) != 0 || rename(tmp, port_file) != 0) {
            perror(port_file);
            close(fd);
            return -1;
        }
    }
    return fd;
}

int probe_accept(int lfd, int timeout_s)
{
    struct pollfd pfd = {lfd, POLLIN, 0};
    int r = poll(&pfd, 1, timeout_s * 1000);
    if (r <= 0) {
        fprintf(stderr, "no connection within %d s\n", timeout_s);
        return -1;
    }
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0) {
        perror("accept");
        return -1;
    }
    set_timeouts(fd);
    return fd;
}

int probe_connect(const char *addr)
{
    const char *colon = strrchr(addr, ':');
    const char *port_s = colon ? colon + 1 : addr;
    if (colon && strncmp(addr, "127.0.0.1", (size_t)(colon - addr)) != 0 &&
        strncmp(addr, "localhost", (size_t)(colon - addr)) != 0) {
        fprintf(stderr, "%s: the examples only talk to 127.0.0.1\n", addr);
        return -1;
    }
    char *end;
    long port = strtol(port_s, &end, 10);
    if (*port_s == '\0' || *end != '\0' || port <= 0 || port > 65535) {
        fprintf(stderr, "%s: bad port\n", addr);
        return -1;
    }
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        perror("socket");
        return -1;
    }
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        fprintf(stderr, "connect 127.0.0.1:%ld: %s\n", port, strerror(errno));
        close(fd);
        return -1;
    }
    set_timeouts(fd);
    return fd;
}

static int write_all(int fd, const void *p, size_t n)
{
    const uint8_t *b = p;
    while (n) {
        ssize_t w = write(fd, b, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        b += w;
        n -= (size_t)w;
    }
    return 0;
}

static int read_all(int fd, void *p, size_t n)
{
    uint8_t *b = p;
    while (n) {
        ssize_t r = read(fd, b, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        b += r;
        n -= (size_t)r;
    }
    return 0;
}

int probe_send(int fd, char type, const void *data, size_t len)
{
    uint8_t hdr[5] = {(uint8_t)type, (uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8), (uint8_t)len};
    if (len > PROBE_FRAME_MAX || write_all(fd, hdr, 5) != 0 || (len && write_all(fd, data, len) != 0)) {
        fprintf(stderr, "send failed\n");
        return -1;
    }
    return 0;
}

int probe_recv(int fd, char *type, uint8_t **data, size_t *len)
{
    uint8_t hdr[5];
    *data = NULL;
    *len = 0;
    if (read_all(fd, hdr, 5) != 0) {
        fprintf(stderr, "peer closed the connection or timed out\n");
        return -1;
    }
    size_t n = (size_t)hdr[1] << 24 | (size_t)hdr[2] << 16 | (size_t)hdr[3] << 8 | hdr[4];
    if (n > PROBE_FRAME_MAX || (hdr[0] != 'T' && hdr[0] != 'R' && hdr[0] != 'E')) {
        fprintf(stderr, "bad frame from peer\n");
        return -1;
    }
    uint8_t *b = malloc(n + 1);
    if (!b || (n && read_all(fd, b, n) != 0)) {
        free(b);
        fprintf(stderr, "short frame from peer\n");
        return -1;
    }
    b[n] = 0;
    *type = (char)hdr[0];
    *data = b;
    *len = n;
    return 0;
}

void probe_print_error(const char *what)
{
    const tl_error *e = tl_error_last();
    fprintf(stderr, "%s: %s: %s", what, tl_error_name(e->code), e->message);
    if (e->native)
        fprintf(stderr, " (native 0x%lx)", (unsigned long)e->native);
    fputc('\n', stderr);
}

int probe_client_exchange(int fd, tl_hop_client *c)
{
    uint8_t *in = NULL;
    size_t in_len = 0;
    for (;;) {
        uint8_t *out;
        size_t out_len;
        int rc = tl_hop_client_step(c, in, in_len, &out, &out_len);
        free(in);
        in = NULL;
        if (rc) {
            probe_print_error("client side of the exchange");
            return -1;
        }
        if (out_len && probe_send(fd, 'T', out, out_len) != 0) {
            tl_free(out);
            return -1;
        }
        tl_free(out);
        if (tl_hop_client_done(c))
            return 0;
        char type;
        if (probe_recv(fd, &type, &in, &in_len) != 0)
            return -1;
        if (type != 'T') {
            fprintf(stderr, "server refused: %s\n", (char *)in);
            free(in);
            return -1;
        }
    }
}

int probe_server_exchange(int fd, tl_hop_server *s)
{
    while (!tl_hop_server_done(s)) {
        char type;
        uint8_t *in, *out;
        size_t in_len, out_len;
        if (probe_recv(fd, &type, &in, &in_len) != 0)
            return -1;
        if (type != 'T') {
            fprintf(stderr, "client sent '%c' during authentication: %s\n", type, (char *)in);
            free(in);
            return -1;
        }
        int rc = tl_hop_server_step(s, in, in_len, &out, &out_len);
        free(in);
        if (rc) {
            const tl_error *e = tl_error_last();
            probe_print_error("server side of the exchange");
            probe_send(fd, 'E', e->message, strlen(e->message));
            return -1;
        }
        if (out_len && probe_send(fd, 'T', out, out_len) != 0) {
            tl_free(out);
            return -1;
        }
        tl_free(out);
    }
    return 0;
}

int probe_is_service_name(const char *name)
{
    if (!name)
        return 0;
    const char *at = strchr(name, '@');
    const char *slash = strchr(name, '/');
    return slash && (!at || slash < at);
}
