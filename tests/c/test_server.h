/*
 * test_server.h — a small scripted HTTP/1.1 server for C tests. It listens
 * on 127.0.0.1 (ephemeral port), serves each connection in its own thread,
 * records the raw bytes of every request and answers as scripted: queued
 * one-shot replies first (in arrival order of requests), then the default.
 */
#ifndef QC_TEST_SERVER_H
#define QC_TEST_SERVER_H

#include <stddef.h>

typedef enum qc_ts_action {
    QC_TS_REPLY = 0,      /* answer normally */
    QC_TS_STALL,          /* wait stall_ms, then answer */
    QC_TS_CLOSE_MID_BODY, /* send the head and half the body, then close */
    QC_TS_RESET,          /* reset the connection (RST), no answer */
    QC_TS_CONTINUE,       /* a "100 Continue" block first, then answer */
    QC_TS_CLOSE,          /* close the connection, no answer */
    QC_TS_STALL_UNREAD    /* read the head only, wait stall_ms, close */
} qc_ts_action;

typedef struct qc_ts_reply {
    int action;           /* qc_ts_action */
    int status;           /* 0 = 200 */
    const char *headers;  /* extra lines, each ending "\r\n"; may be NULL */
    const char *body;     /* may be NULL */
    size_t body_len;
    long stall_ms;        /* QC_TS_STALL, QC_TS_STALL_UNREAD */
    size_t fill_headers;  /* adds "X-Fill-<i>: v" lines */
    int echo;             /* answer X-Echo: <request's X-Echo> and that body */
    int close_after;      /* send "Connection: close" and close after */
    const char *greeting; /* default reply only: bytes sent on accept */
} qc_ts_reply;

typedef struct qc_test_server qc_test_server;

/* Starts a server answering with dflt (NULL = a plain 200 with no body).
 * Returns NULL on failure. */
qc_test_server *qc_test_server_start(const qc_ts_reply *dflt);
/* Queues a one-shot reply for the next request without one. Returns 0. */
int qc_test_server_push(qc_test_server *s, const qc_ts_reply *r);
int qc_test_server_port(const qc_test_server *s);
/* Number of TCP connections accepted so far. */
size_t qc_test_server_connections(qc_test_server *s);
/* Number of complete requests read so far. */
size_t qc_test_server_requests(qc_test_server *s);
/* Returns a malloc'd, NUL-terminated copy of all request bytes received so
 * far (requests back to back), or NULL; *len gets the length. */
char *qc_test_server_received(qc_test_server *s, size_t *len);
/* Stops the server, joins its threads and frees it. */
void qc_test_server_stop(qc_test_server *s);

#endif
