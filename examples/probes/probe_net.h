/* Plumbing shared by the three example tiers: TCP on 127.0.0.1 and a framed token exchange.
 *
 * Wire format: each frame is a 1-byte type, a 4-byte big-endian length and that many bytes.
 * 'T' carries an authentication token, 'R' a result line (UTF-8), 'E' an error line.
 * Tokens flow until both sides are established (a side sends only non-empty tokens: GSSAPI and
 * SSPI guarantee the peer produces one whenever the other side still needs it). */
#ifndef PROBE_NET_H
#define PROBE_NET_H

#include <stddef.h>
#include <stdint.h>
#include "tokenlens/hop.h"

#define PROBE_FRAME_MAX (64u * 1024u)

/* Call once before any other probe_* function (WSAStartup on Windows). */
void probe_net_init(void);
/* Close a socket from probe_listen/probe_accept/probe_connect. */
void probe_close(int fd);

/* Listen on 127.0.0.1:port (0 = any free port); the chosen port is written to port_file
 * when given. Returns the listening fd or -1 (message on stderr). */
int probe_listen(int port, const char *port_file, int *bound_port);
/* Accept one connection, waiting at most timeout_s seconds. -1 on failure or timeout. */
int probe_accept(int lfd, int timeout_s);
/* Connect to "127.0.0.1:port" or "port" (loopback only). -1 on failure. */
int probe_connect(const char *addr);

int probe_send(int fd, char type, const void *data, size_t len);
/* Receives one frame into a malloc'ed buffer (NUL-terminated for convenience). */
int probe_recv(int fd, char *type, uint8_t **data, size_t *len);

/* Run the whole exchange on fd. On an authentication failure the error is printed with the
 * library's message and sent to the peer as an 'E' frame (server) or read from it (client).
 * Return 0 on success. */
int probe_client_exchange(int fd, tl_hop_client *c);
int probe_server_exchange(int fd, tl_hop_server *s);

/* The server half of a tier: create an acceptor from `options`, listen on 127.0.0.1:port
 * (see probe_listen), accept one client within timeout_s and authenticate it. On success
 * *server holds the established context and *fd the client's socket (the caller frees and
 * closes both); on failure everything is released, the reason is on stderr and -1 returned.
 * `who` names the tier in messages ("db", "web"). */
int probe_serve_one(const char *who, const tl_hop_options *options, int port, const char *port_file,
                    int timeout_s, tl_hop_server **server, int *fd);

/* "what: TL_EAUTH: message (native 0x...)" on stderr. */
void probe_print_error(const char *what);

/* True for a service's own (process) identity: a Kerberos service principal
 * ("HTTP/web.lab.test@LAB.TEST") or a Windows machine account ("LAB\\WEB01$"). */
int probe_is_service_name(const char *name);

#endif
