/* TCP + framing helpers for the probe examples: POSIX sockets, or Winsock on Windows.
 * Loopback only. */
#ifndef _WIN32
#define _POSIX_C_SOURCE 200809L
#endif
#include "probe_net.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
typedef int socklen_t;
#define poll WSAPoll
#else
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#endif

void probe_net_init(void)
{
#ifdef _WIN32
    WSADATA wsa;
    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0) {
        fprintf(stderr, "WSAStartup failed\n");
        exit(1);
    }
#endif
}

void probe_close(int fd)
{
#ifdef _WIN32
    closesocket((SOCKET)fd);
#else
    close(fd);
#endif
}

static int sock_error(void)
{
#ifdef _WIN32
    return WSAGetLastError();
#else
    return errno;
#endif
}

static void set_timeouts(int fd)
{
#ifdef _WIN32
    DWORD ms = 30000;
    setsockopt((SOCKET)fd, SOL_SOCKET, SO_RCVTIMEO, (const char *)&ms, sizeof ms);
    setsockopt((SOCKET)fd, SOL_SOCKET, SO_SNDTIMEO, (const char *)&ms, sizeof ms);
#else
    struct timeval tv = {30, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
#endif
}

static int new_socket(void)
{
#ifdef _WIN32
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    return s == INVALID_SOCKET ? -1 : (int)s;
#else
    return socket(AF_INET, SOCK_STREAM, 0);
#endif
}

int probe_listen(int port, const char *port_file, int *bound_port)
{
    int fd = new_socket();
    if (fd < 0) {
        fprintf(stderr, "socket: error %d\n", sock_error());
        return -1;
    }
#ifndef _WIN32
    int one = 1; /* on Windows SO_REUSEADDR would allow port stealing: leave it off */
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
#endif
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof sa;
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 4) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &sl) != 0) {
        fprintf(stderr, "bind/listen 127.0.0.1:%d: error %d\n", port, sock_error());
        probe_close(fd);
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
        int bad = !f || fprintf(f, "%d\n", p) < 0;
        if (f && fclose(f) != 0)
            bad = 1;
#ifdef _WIN32
        if (!bad && !MoveFileExA(tmp, port_file, MOVEFILE_REPLACE_EXISTING))
            bad = 1;
#else
        if (!bad && rename(tmp, port_file) != 0)
            bad = 1;
#endif
        if (bad) {
            perror(port_file);
            probe_close(fd);
            return -1;
        }
    }
    return fd;
}

int probe_accept(int lfd, int timeout_s)
{
    struct pollfd pfd;
    memset(&pfd, 0, sizeof pfd);
    pfd.fd = lfd;
    pfd.events = POLLIN;
    int r = poll(&pfd, 1, timeout_s * 1000);
    if (r <= 0) {
        fprintf(stderr, "no connection within %d s\n", timeout_s);
        return -1;
    }
#ifdef _WIN32
    SOCKET as = accept((SOCKET)lfd, NULL, NULL);
    int fd = as == INVALID_SOCKET ? -1 : (int)as;
#else
    int fd = accept(lfd, NULL, NULL);
#endif
    if (fd < 0) {
        fprintf(stderr, "accept: error %d\n", sock_error());
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
    int fd = new_socket();
    if (fd < 0) {
        fprintf(stderr, "socket: error %d\n", sock_error());
        return -1;
    }
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        fprintf(stderr, "connect 127.0.0.1:%ld: error %d\n", port, sock_error());
        probe_close(fd);
        return -1;
    }
    set_timeouts(fd);
    return fd;
}

static int write_all(int fd, const void *p, size_t n)
{
    const uint8_t *b = p;
    while (n) {
#ifdef _WIN32
        int w = send((SOCKET)fd, (const char *)b, n > 65536 ? 65536 : (int)n, 0);
#else
        ssize_t w = write(fd, b, n);
        if (w < 0 && errno == EINTR)
            continue;
#endif
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
#ifdef _WIN32
        int r = recv((SOCKET)fd, (char *)b, n > 65536 ? 65536 : (int)n, 0);
#else
        ssize_t r = read(fd, b, n);
        if (r < 0 && errno == EINTR)
            continue;
#endif
        if (r <= 0)
            return -1;
        b += r;
        n -= (size_t)r;
    }
    return 0;
}

int probe_send(int fd, char type, const void *data, size_t len)
{
    uint8_t hdr[5] = {(uint8_t)type, (uint8_t)(len >> 24), (uint8_t)(len >> 16),
                      (uint8_t)(len >> 8), (uint8_t)len};
    if (len > PROBE_FRAME_MAX || write_all(fd, hdr, 5) != 0 ||
        (len && write_all(fd, data, len) != 0)) {
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

int probe_serve_one(const char *who, const tl_hop_options *options, int port, const char *port_file,
                    int timeout_s, tl_hop_server **server, int *fd)
{
    *server = NULL;
    *fd = -1;
    tl_hop_server *s;
    if (tl_hop_server_new(&s, options) != TL_OK) {
        probe_print_error(who);
        return -1;
    }
    int lfd = probe_listen(port, port_file, &port);
    if (lfd < 0) {
        tl_hop_server_free(s);
        return -1;
    }
    fprintf(stderr, "%s: listening on 127.0.0.1:%d\n", who, port);
    int cfd = probe_accept(lfd, timeout_s);
    probe_close(lfd);
    if (cfd < 0 || probe_server_exchange(cfd, s) != 0) {
        if (cfd >= 0)
            probe_close(cfd);
        tl_hop_server_free(s);
        return -1;
    }
    *server = s;
    *fd = cfd;
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
    size_t n = strlen(name);
    return (slash && (!at || slash < at)) || (n > 1 && name[n - 1] == '$');
}
