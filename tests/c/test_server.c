/*
 * test_server.c — the scripted HTTP/1.1 test server (see test_server.h).
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "test_server.h"

#define S_MAX_HEAD ((size_t)1 << 20) /* a request head larger is refused */
#define S_MAX_BODY ((size_t)64 << 20)
#define S_POLL_MS 10

/* An owned copy of a qc_ts_reply. */
typedef struct s_reply {
    qc_ts_reply r;
    char *headers;
    char *body;
    char *greeting;
    struct s_reply *next;
} s_reply;

typedef struct s_conn_thread {
    pthread_t tid;
    int fd;
    qc_test_server *srv;
} s_conn_thread;

struct qc_test_server {
    int listen_fd;
    int port;
    atomic_int stopping;
    pthread_t acceptor;
    pthread_mutex_t lock;
    s_reply dflt;
    s_reply *queue_head, *queue_tail;
    s_conn_thread **conns;
    size_t n_conns, cap_conns;
    size_t n_requests;
    qc_buf received;
};

/* Returns a malloc'd copy of (p, n) (NUL-terminated) or NULL for NULL. */
static char *s_dupn(const char *p, size_t n)
{
    if (!p)
        return NULL;
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, p, n);
        d[n] = '\0';
    }
    return d;
}

/* Frees what s_reply_copy allocated. */
static void s_reply_free(s_reply *r)
{
    free(r->headers);
    free(r->body);
    free(r->greeting);
    r->headers = r->body = r->greeting = NULL;
}

/* Fills dst with a deep copy of src; returns 0, or -1 with nothing held. */
static int s_reply_copy(s_reply *dst, const qc_ts_reply *src)
{
    memset(dst, 0, sizeof(*dst));
    if (!src)
        return 0;
    dst->r = *src;
    if (src->headers &&
        !(dst->headers = s_dupn(src->headers, strlen(src->headers))))
        goto fail;
    if (src->body && !(dst->body = s_dupn(src->body, src->body_len)))
        goto fail;
    if (src->greeting &&
        !(dst->greeting = s_dupn(src->greeting, strlen(src->greeting))))
        goto fail;
    dst->r.headers = dst->headers;
    dst->r.body = dst->body;
    dst->r.greeting = dst->greeting;
    return 0;
fail:
    s_reply_free(dst);
    return -1;
}

/* Sleeps ms milliseconds. */
static void s_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* Sends all of (p, n); returns 0 or -1. */
static int s_send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Reads more bytes into b; returns 1 on data, 0 on EOF/error/stop. */
static int s_read_more(qc_test_server *s, int fd, qc_buf *b)
{
    char chunk[16384];
    for (;;) {
        if (s->stopping)
            return 0;
        struct pollfd p = {fd, POLLIN, 0};
        int pr = poll(&p, 1, S_POLL_MS);
        if (pr < 0 && errno != EINTR)
            return 0;
        if (pr <= 0)
            continue;
        ssize_t r = recv(fd, chunk, sizeof(chunk), 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return 0;
        if (qc_buf_append(b, chunk, (size_t)r))
            return 0;
        return 1;
    }
}

/* Returns the offset just past "\r\n\r\n" in (p, n), or 0 when absent. */
static size_t s_head_end(const char *p, size_t n)
{
    for (size_t i = 3; i < n; i++)
        if (p[i - 3] == '\r' && p[i - 2] == '\n' && p[i - 1] == '\r' &&
            p[i] == '\n')
            return i + 1;
    return 0;
}

/* Finds header name in the head (p, n); returns its value span or NULL. */
static const char *s_header(const char *p, size_t n, const char *name,
                            size_t *vlen)
{
    size_t nl = strlen(name);
    const char *line = memchr(p, '\n', n);
    const char *end = p + n;
    while (line && line + 1 < end) {
        line++;
        const char *eol = memchr(line, '\n', (size_t)(end - line));
        if (!eol)
            break;
        size_t ll = (size_t)(eol - line);
        if (ll > nl && line[nl] == ':' && strncasecmp(line, name, nl) == 0) {
            const char *v = line + nl + 1;
            while (v < eol && (*v == ' ' || *v == '\t'))
                v++;
            const char *ve = eol;
            while (ve > v && (ve[-1] == '\r' || ve[-1] == ' '))
                ve--;
            *vlen = (size_t)(ve - v);
            return v;
        }
        line = eol;
    }
    return NULL;
}

/* Returns 1 when needle occurs in hay, ignoring ASCII case. */
static int s_contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return 1;
    return 0;
}

/* Takes the next scripted reply (copied into out); returns 0 or -1. */
static int s_next_reply(qc_test_server *s, s_reply *out)
{
    pthread_mutex_lock(&s->lock);
    s_reply *q = s->queue_head;
    int rc = 0;
    if (q) {
        s->queue_head = q->next;
        if (!s->queue_head)
            s->queue_tail = NULL;
        *out = *q;
        free(q);
    } else {
        rc = s_reply_copy(out, &s->dflt.r);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* Writes the reply head for r into b; body_len is the announced length.
 * Returns 0 or -1. */
static int s_build_head(qc_buf *b, const qc_ts_reply *r, const char *echo,
                        size_t echo_len, size_t body_len)
{
    int status = r->status ? r->status : 200;
    if (qc_buf_appendf(b, "HTTP/1.1 %d %s\r\n", status,
                       status == 200 ? "OK" : "Status"))
        return -1;
    for (size_t i = 0; i < r->fill_headers; i++)
        if (qc_buf_appendf(b, "X-Fill-%zu: v\r\n", i))
            return -1;
    if (r->headers && qc_buf_append_str(b, r->headers))
        return -1;
    if (r->echo && (qc_buf_append_str(b, "X-Echo: ") ||
                    qc_buf_append(b, echo, echo_len) ||
                    qc_buf_append_str(b, "\r\n")))
        return -1;
    if (r->close_after && qc_buf_append_str(b, "Connection: close\r\n"))
        return -1;
    if (!(r->headers && s_contains_ci(r->headers, "content-length:")) &&
        qc_buf_appendf(b, "Content-Length: %zu\r\n", body_len))
        return -1;
    return qc_buf_append_str(b, "\r\n") ? -1 : 0;
}

/* Answers one request per r; returns 1 to keep the connection, else 0. */
static int s_answer(qc_test_server *s, int fd, const s_reply *rep,
                    const char *head, size_t head_len)
{
    const qc_ts_reply *r = &rep->r;
    size_t echo_len = 0;
    const char *echo = "";
    if (r->echo) {
        echo = s_header(head, head_len, "X-Echo", &echo_len);
        if (!echo) {
            echo = "";
            echo_len = 0;
        }
    }
    const char *body = r->echo ? echo : (r->body ? r->body : "");
    size_t body_len = r->echo ? echo_len : r->body_len;

    if (r->action == QC_TS_CLOSE)
        return 0;
    if (r->action == QC_TS_RESET) {
        struct linger lg = {1, 0};
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
        return 0;
    }
    if (r->action == QC_TS_STALL) {
        for (long waited = 0; waited < r->stall_ms && !s->stopping;
             waited += S_POLL_MS)
            s_sleep_ms(S_POLL_MS);
        if (s->stopping)
            return 0;
    }
    if (r->action == QC_TS_CONTINUE) {
        static const char k100[] =
            "HTTP/1.1 100 Continue\r\nX-Interim: yes\r\n\r\n";
        if (s_send_all(fd, k100, sizeof(k100) - 1))
            return 0;
    }
    qc_buf out;
    qc_buf_init(&out, 0);
    int keep = 0;
    if (s_build_head(&out, r, echo, echo_len, body_len) == 0) {
        size_t send_len = body_len;
        if (r->action == QC_TS_CLOSE_MID_BODY)
            send_len = body_len / 2;
        if (qc_buf_append(&out, body, send_len) == 0 &&
            s_send_all(fd, out.data, out.len) == 0)
            keep = r->action != QC_TS_CLOSE_MID_BODY && !r->close_after;
    }
    qc_buf_clean_up(&out);
    return keep;
}

/* Serves one connection until it closes or the server stops. */
static void *s_conn_main(void *arg)
{
    s_conn_thread *ct = arg;
    qc_test_server *s = ct->srv;
    int fd = ct->fd;
    qc_buf in;
    qc_buf_init(&in, S_MAX_HEAD + S_MAX_BODY);
    const char *greeting = s->dflt.greeting;
    if (greeting && s_send_all(fd, greeting, strlen(greeting)))
        goto out;
    for (;;) {
        size_t head_len;
        while ((head_len = s_head_end(in.data, in.len)) == 0) {
            if (in.len > S_MAX_HEAD || !s_read_more(s, fd, &in))
                goto out;
        }
        size_t cl_len = 0, body_len = 0;
        const char *cl = s_header(in.data, head_len, "Content-Length", &cl_len);
        if (cl) {
            char *num = s_dupn(cl, cl_len);
            if (!num)
                goto out;
            body_len = strtoull(num, NULL, 10);
            free(num);
            if (body_len > S_MAX_BODY)
                goto out;
        }
        s_reply rep;
        if (s_next_reply(s, &rep))
            goto out;
        if (rep.r.action == QC_TS_STALL_UNREAD) {
            pthread_mutex_lock(&s->lock);
            if (qc_buf_append(&s->received, in.data, head_len) == 0)
                s->n_requests++;
            pthread_mutex_unlock(&s->lock);
            for (long waited = 0; waited < rep.r.stall_ms && !s->stopping;
                 waited += S_POLL_MS)
                s_sleep_ms(S_POLL_MS);
            s_reply_free(&rep);
            goto out;
        }
        while (in.len < head_len + body_len)
            if (!s_read_more(s, fd, &in)) {
                s_reply_free(&rep);
                goto out;
            }
        size_t req_len = head_len + body_len;
        pthread_mutex_lock(&s->lock);
        int ok = qc_buf_append(&s->received, in.data, req_len) == 0;
        s->n_requests++;
        pthread_mutex_unlock(&s->lock);
        if (!ok) {
            s_reply_free(&rep);
            goto out;
        }
        int keep = s_answer(s, fd, &rep, in.data, head_len);
        s_reply_free(&rep);
        if (!keep)
            goto out;
        memmove(in.data, in.data + req_len, in.len - req_len);
        in.len -= req_len;
    }
out:
    qc_buf_clean_up(&in);
    close(fd);
    return NULL;
}

/* Accepts connections until the server stops. */
static void *s_accept_main(void *arg)
{
    qc_test_server *s = arg;
    while (!s->stopping) {
        struct pollfd p = {s->listen_fd, POLLIN, 0};
        if (poll(&p, 1, S_POLL_MS) <= 0)
            continue;
        int fd = accept(s->listen_fd, NULL, NULL);
        if (fd < 0)
            continue;
        s_conn_thread *ct = calloc(1, sizeof(*ct));
        if (!ct) {
            close(fd);
            continue;
        }
        ct->fd = fd;
        ct->srv = s;
        pthread_mutex_lock(&s->lock);
        if (s->n_conns == s->cap_conns) {
            size_t cap = s->cap_conns ? s->cap_conns * 2 : 16;
            s_conn_thread **n = realloc(s->conns, cap * sizeof(*n));
            if (!n) {
                pthread_mutex_unlock(&s->lock);
                close(fd);
                free(ct);
                continue;
            }
            s->conns = n;
            s->cap_conns = cap;
        }
        if (pthread_create(&ct->tid, NULL, s_conn_main, ct) != 0) {
            pthread_mutex_unlock(&s->lock);
            close(fd);
            free(ct);
            continue;
        }
        s->conns[s->n_conns++] = ct;
        pthread_mutex_unlock(&s->lock);
    }
    return NULL;
}

/* Returns a running server (owned by the caller) or NULL. */
qc_test_server *qc_test_server_start(const qc_ts_reply *dflt)
{
    qc_test_server *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->listen_fd = -1;
    pthread_mutex_init(&s->lock, NULL);
    qc_buf_init(&s->received, 0);
    if (s_reply_copy(&s->dflt, dflt))
        goto fail;
    s->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    if (s->listen_fd < 0)
        goto fail;
    int one = 1;
    setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t alen = sizeof(a);
    if (bind(s->listen_fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        listen(s->listen_fd, 64) != 0 ||
        getsockname(s->listen_fd, (struct sockaddr *)&a, &alen) != 0)
        goto fail;
    s->port = ntohs(a.sin_port);
    if (pthread_create(&s->acceptor, NULL, s_accept_main, s) != 0)
        goto fail;
    return s;
fail:
    if (s->listen_fd >= 0)
        close(s->listen_fd);
    s_reply_free(&s->dflt);
    qc_buf_clean_up(&s->received);
    pthread_mutex_destroy(&s->lock);
    free(s);
    return NULL;
}

/* Queues a copy of r; returns 0 or -1. */
int qc_test_server_push(qc_test_server *s, const qc_ts_reply *r)
{
    s_reply *q = malloc(sizeof(*q));
    if (!q)
        return -1;
    if (s_reply_copy(q, r)) {
        free(q);
        return -1;
    }
    q->next = NULL;
    pthread_mutex_lock(&s->lock);
    if (s->queue_tail)
        s->queue_tail->next = q;
    else
        s->queue_head = q;
    s->queue_tail = q;
    pthread_mutex_unlock(&s->lock);
    return 0;
}

/* Returns the listening port. */
int qc_test_server_port(const qc_test_server *s)
{
    return s->port;
}

/* Returns the number of accepted connections. */
size_t qc_test_server_connections(qc_test_server *s)
{
    pthread_mutex_lock(&s->lock);
    size_t n = s->n_conns;
    pthread_mutex_unlock(&s->lock);
    return n;
}

/* Returns the number of requests read. */
size_t qc_test_server_requests(qc_test_server *s)
{
    pthread_mutex_lock(&s->lock);
    size_t n = s->n_requests;
    pthread_mutex_unlock(&s->lock);
    return n;
}

/* Returns a malloc'd copy of the bytes received (caller frees). */
char *qc_test_server_received(qc_test_server *s, size_t *len)
{
    pthread_mutex_lock(&s->lock);
    char *copy = malloc(s->received.len + 1);
    if (copy) {
        if (s->received.len)
            memcpy(copy, s->received.data, s->received.len);
        copy[s->received.len] = '\0';
        if (len)
            *len = s->received.len;
    }
    pthread_mutex_unlock(&s->lock);
    return copy;
}

/* Stops s, joins its threads and frees it. */
void qc_test_server_stop(qc_test_server *s)
{
    if (!s)
        return;
    s->stopping = 1;
    pthread_join(s->acceptor, NULL);
    close(s->listen_fd);
    for (size_t i = 0; i < s->n_conns; i++) {
        pthread_join(s->conns[i]->tid, NULL);
        free(s->conns[i]);
    }
    free(s->conns);
    while (s->queue_head) {
        s_reply *q = s->queue_head;
        s->queue_head = q->next;
        s_reply_free(q);
        free(q);
    }
    s_reply_free(&s->dflt);
    qc_buf_clean_up(&s->received);
    pthread_mutex_destroy(&s->lock);
    free(s);
}
