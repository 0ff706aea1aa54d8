/*
 * transport_curl.c — the libcurl transport (the only user of curl.h).
 *
 * A pool of at most max_connections slots, each an easy handle driven by
 * its own multi handle; the multi keeps the slot's connection cache so a
 * keep-alive connection is reused by the next request that takes the slot
 * (slots are handed out last-in first-out). A share object holds the DNS
 * cache and TLS sessions for all slots. Every transfer runs in the calling
 * thread through curl_multi_poll with short waits, so the caller's abort
 * check runs between polls and the timeouts are measured here, as the
 * time since the last byte moved (urllib3's per-operation socket timeout:
 * the connect timeout while the request goes out, then the read timeout).
 *
 * The request goes out as botocore + http.client/urllib3 write it: Host,
 * then Accept-Encoding: identity unless the request has one, then
 * User-Agent when configured and absent, then the request's own headers.
 * When the request has no Content-Length (nor Transfer-Encoding), one is
 * added last for every method but GET, HEAD and OPTIONS (botocore's
 * AWSPreparedRequest, even for an empty body), and for those three only
 * when a body is sent, right after Accept-Encoding (http.client). curl's
 * Accept, Expect and form Content-Type are suppressed.
 *
 * Most requests do not go through curl's HTTP engine (see "direct mode"
 * below): curl opens the connection only, and the request is written and
 * the reply read (http1.c) here, with the same bytes, framing, timeouts
 * and errors as the engine's. QC_TRANSPORT_DIRECT=0 in the environment of
 * a transport's creation sends everything through the engine.
 */
#include <curl/curl.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "http1.h"

#define S_BODY_CAP ((size_t)256 << 20)  /* largest response body kept */
#define S_BODY_RESERVE ((size_t)16 << 20) /* largest pre-sizing by length */
#define S_TICK_MS 25                    /* longest wait between checks */
#define S_PROGRESS_MS 50                /* put_file progress interval */
/* http.client limits (botocore reports a reply over them as closed). */
#define S_MAX_HEADER_LINES 100 /* lines of one header block, blank included */
#define S_MAX_LINE 65536       /* bytes of one line, CRLF included */

/* A socket opened for one of a slot's connections. */
typedef struct s_sock {
    int fd;
    ino_t ino; /* tells it from a later file with the same number */
} s_sock;

typedef struct s_slot {
    CURL *easy;
    CURLM *multi;
    struct s_slot *next_free;
    s_sock *socks; /* open sockets of the slot's connections */
    unsigned n_socks;
    unsigned cap_socks;
    int fork_idle; /* set while a forked child recovers the pool */
    qc_buf url;
    qc_buf line;   /* header lines being built, each NUL-terminated */
    char errbuf[CURL_ERROR_SIZE];
    /* The handle keeps its options from one request to the next: those
     * every transfer shares are set once (configured), and a request
     * sets only what is its own. A transfer that sets options the next
     * one must not inherit (a method other than GET or POST with a body,
     * an upload) clears configured, so the next one starts from a reset. */
    int configured;
    const char *proxy;  /* CURLOPT_PROXY as last set (t's string or "") */
    long connect_ms;    /* CURLOPT_CONNECTTIMEOUT_MS as last set */
    qc_buf url_set;     /* CURLOPT_URL as last set (valid when url_known) */
    int url_known;
    void *cb_data;      /* the callbacks' data pointer as last set */
    struct curl_slist *hdrs_set; /* CURLOPT_HTTPHEADER as last set */
    struct curl_slist *nodes; /* the request's header list, slot-owned */
    size_t cap_nodes;
    int engine_used;    /* curl's HTTP engine ran a transfer on the handle */
    /* Direct mode (see s_raw_send): the handle holds a connection curl
     * opened with CURLOPT_CONNECT_ONLY; requests and replies go through
     * curl_easy_send / curl_easy_recv. */
    int raw;
    curl_socket_t raw_fd;
    qc_buf raw_key;     /* scheme://host and proxy of that connection */
    qc_buf raw_req;     /* the request's bytes */
    qc_buf raw_rx;      /* receive scratch */
} s_slot;

typedef struct s_curl_transport {
    qc_transport base;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    s_slot *slots;
    unsigned n_slots;
    s_slot *free_list;
    CURLSH *share;
    pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];
    int verify_ssl;
    int tcp_keepalive;
    char *ca_bundle;
    char *user_agent;
    char *proxy_http;
    char *proxy_https;
    char *no_proxy;
    struct s_curl_transport *live_next; /* on s_live, under s_live_lock */
    struct s_curl_transport *live_prev;
    int forked; /* set in a forked child until the pool is rebuilt */
    int raw_off; /* QC_TRANSPORT_DIRECT=0: every request through curl's
                    HTTP engine */
} s_curl_transport;

/* The state of one transfer, shared with the curl callbacks. */
typedef struct s_xfer {
    qc_http_response *resp;
    qc_error *err;
    int cb_code;           /* error raised by a callback, or QC_OK */
    int connected;         /* request may go out: read timing runs */
    int sends;             /* times the request was about to go out */
    int64_t last_activity; /* ms, monotonic */
    int active;            /* bytes came since s_run last looked */
    size_t block_lines;    /* lines of the current header block */
    int headers_done;      /* the final header block ended */
    /* The last header line of the block is stored at once (the last item
     * of resp->headers); obs-fold lines that follow extend it. */
    int have_pending;      /* folds apply to the last stored header */
    int pending_bad;       /* that header was refused: fail at next line */
    qc_buf fold;           /* scratch for a folded header (rarely used) */
    /* put_file only */
    FILE *upload;
} s_xfer;

static const qc_transport_vtable s_curl_vtable;

/* ------------------------------------------------------------ libcurl */

/* libcurl is loaded with dlopen at the first transfer, not linked: a
 * process that only creates clients (or never sends) maps neither libcurl
 * nor its dozens of dependent libraries. These are the functions used. */
typedef struct s_curl_api {
    CURLcode (*global_init)(long flags);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *e);
    void (*easy_reset)(CURL *e);
    CURLcode (*easy_setopt)(CURL *e, CURLoption opt, ...);
    CURLcode (*easy_getinfo)(CURL *e, CURLINFO info, ...);
    const char *(*easy_strerror)(CURLcode code);
    void (*free)(void *p);
    CURLM *(*multi_init)(void);
    CURLMcode (*multi_cleanup)(CURLM *m);
    CURLMcode (*multi_add_handle)(CURLM *m, CURL *e);
    CURLMcode (*multi_remove_handle)(CURLM *m, CURL *e);
    CURLMcode (*multi_perform)(CURLM *m, int *running);
    CURLMcode (*multi_poll)(CURLM *m, struct curl_waitfd extra[],
                            unsigned int n_extra, int timeout_ms, int *ret);
    CURLMsg *(*multi_info_read)(CURLM *m, int *left);
    const char *(*multi_strerror)(CURLMcode code);
    CURLSH *(*share_init)(void);
    CURLSHcode (*share_setopt)(CURLSH *sh, CURLSHoption opt, ...);
    CURLSHcode (*share_cleanup)(CURLSH *sh);
    const char *(*share_strerror)(CURLSHcode code);
    CURLcode (*easy_send)(CURL *e, const void *b, size_t n, size_t *sent);
    CURLcode (*easy_recv)(CURL *e, void *b, size_t n, size_t *got);
    struct curl_slist *(*slist_append)(struct curl_slist *l, const char *s);
    void (*slist_free_all)(struct curl_slist *l);
    CURLU *(*url)(void);
    void (*url_cleanup)(CURLU *u);
    CURLUcode (*url_set)(CURLU *u, CURLUPart what, const char *part,
                         unsigned int flags);
    CURLUcode (*url_get)(const CURLU *u, CURLUPart what, char **part,
                         unsigned int flags);
} s_curl_api;

static s_curl_api s_api;
static pthread_once_t s_load_once = PTHREAD_ONCE_INIT;
static int s_load_rc = QC_ERR_HTTP;
static char s_load_error[512];

/* Loads libcurl, resolves s_api and runs curl_global_init, once per
 * process; on failure s_load_error says why. The library stays mapped
 * for the life of the process. */
static void s_load(void)
{
    void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *why = dlerror();
        snprintf(s_load_error, sizeof(s_load_error),
                 "cannot load libcurl: %s", why ? why : "unknown error");
        return;
    }
    const char *missing = NULL;
#define S_SYM(field, name)                                                    \
    do {                                                                      \
        if (!missing &&                                                       \
            !(s_api.field = (__typeof__(s_api.field))dlsym(h, name)))         \
            missing = name;                                                   \
    } while (0)
    S_SYM(global_init, "curl_global_init");
    S_SYM(easy_init, "curl_easy_init");
    S_SYM(easy_cleanup, "curl_easy_cleanup");
    S_SYM(easy_reset, "curl_easy_reset");
    S_SYM(easy_setopt, "curl_easy_setopt");
    S_SYM(easy_getinfo, "curl_easy_getinfo");
    S_SYM(easy_strerror, "curl_easy_strerror");
    S_SYM(free, "curl_free");
    S_SYM(multi_init, "curl_multi_init");
    S_SYM(multi_cleanup, "curl_multi_cleanup");
    S_SYM(multi_add_handle, "curl_multi_add_handle");
    S_SYM(multi_remove_handle, "curl_multi_remove_handle");
    S_SYM(multi_perform, "curl_multi_perform");
    S_SYM(multi_poll, "curl_multi_poll");
    S_SYM(multi_info_read, "curl_multi_info_read");
    S_SYM(multi_strerror, "curl_multi_strerror");
    S_SYM(share_init, "curl_share_init");
    S_SYM(share_setopt, "curl_share_setopt");
    S_SYM(share_cleanup, "curl_share_cleanup");
    S_SYM(share_strerror, "curl_share_strerror");
    S_SYM(easy_send, "curl_easy_send");
    S_SYM(easy_recv, "curl_easy_recv");
    S_SYM(slist_append, "curl_slist_append");
    S_SYM(slist_free_all, "curl_slist_free_all");
    S_SYM(url, "curl_url");
    S_SYM(url_cleanup, "curl_url_cleanup");
    S_SYM(url_set, "curl_url_set");
    S_SYM(url_get, "curl_url_get");
#undef S_SYM
    if (missing) {
        const char *why = dlerror();
        snprintf(s_load_error, sizeof(s_load_error),
                 "cannot use libcurl: %s", why ? why : missing);
        return;
    }
    CURLcode rc = s_api.global_init(CURL_GLOBAL_ALL);
    if (rc != CURLE_OK) {
        snprintf(s_load_error, sizeof(s_load_error),
                 "curl_global_init failed: %s", s_api.easy_strerror(rc));
        return;
    }
    s_load_rc = QC_OK;
}

/* Returns QC_OK once libcurl is loaded and initialised, else QC_ERR_HTTP
 * with the loader's message in err. */
static int s_curl_ready(qc_error *err)
{
    pthread_once(&s_load_once, s_load);
    if (s_load_rc != QC_OK)
        return qc_error_set(err, QC_ERR_HTTP, "%s", s_load_error);
    return QC_OK;
}

/* Returns monotonic time in milliseconds. */
static int64_t s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Returns a malloc'd copy of s (NULL for NULL); sets *failed on NOMEM. */
static char *s_strdup_opt(const char *s, int *failed)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    char *p = malloc(n + 1);
    if (!p) {
        *failed = 1;
        return NULL;
    }
    memcpy(p, s, n + 1);
    return p;
}

/* ------------------------------------------------------------ share lock */

/* Locks the share mutex for data (curl calls this from any thread). */
static void s_share_lock(CURL *handle, curl_lock_data data,
                         curl_lock_access access, void *userptr)
{
    (void)handle;
    (void)access;
    s_curl_transport *t = userptr;
    if ((unsigned)data < CURL_LOCK_DATA_LAST)
        pthread_mutex_lock(&t->share_locks[data]);
}

/* Unlocks the share mutex for data. */
static void s_share_unlock(CURL *handle, curl_lock_data data, void *userptr)
{
    (void)handle;
    s_curl_transport *t = userptr;
    if ((unsigned)data < CURL_LOCK_DATA_LAST)
        pthread_mutex_unlock(&t->share_locks[data]);
}

/* ------------------------------------------------------------ slots */

/* Frees a slot's curl handles (its cached connection closes). */
static void s_slot_discard(s_slot *s)
{
    if (s->multi && s->easy)
        s_api.multi_remove_handle(s->multi, s->easy);
    if (s->easy)
        s_api.easy_cleanup(s->easy);
    if (s->multi)
        s_api.multi_cleanup(s->multi);
    s->easy = NULL;
    s->multi = NULL;
    s->configured = 0;
    s->engine_used = 0;
    s->raw = 0;
}

/* Creates t's share object (DNS cache and TLS sessions of every slot);
 * called with t->lock held, libcurl loaded. Returns QC_OK, or
 * QC_ERR_NOMEM / QC_ERR_HTTP with err set. */
static int s_share_create(s_curl_transport *t, qc_error *err)
{
    CURLSH *sh = s_api.share_init();
    if (!sh)
        return qc_error_set(err, QC_ERR_NOMEM, "out of memory");
    CURLSHcode sc = s_api.share_setopt(sh, CURLSHOPT_LOCKFUNC, s_share_lock);
    if (!sc)
        sc = s_api.share_setopt(sh, CURLSHOPT_UNLOCKFUNC, s_share_unlock);
    if (!sc)
        sc = s_api.share_setopt(sh, CURLSHOPT_USERDATA, t);
    if (!sc)
        sc = s_api.share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    if (!sc)
        sc = s_api.share_setopt(sh, CURLSHOPT_SHARE,
                                CURL_LOCK_DATA_SSL_SESSION);
    if (sc) {
        s_api.share_cleanup(sh);
        return qc_error_set(err, QC_ERR_HTTP, "curl share set-up failed: %s",
                            s_api.share_strerror(sc));
    }
    t->share = sh;
    return QC_OK;
}

/* ------------------------------------------------------------ fork */

/* After fork() the child holds copies of the parent's sockets, so its
 * pool must neither use the inherited connections nor shut them down (a
 * TLS close_notify, or the read curl does before it, would break the
 * parent's stream). Every live transport is listed here so the fork
 * handlers can bring its pool through the fork: the parent keeps it as
 * it was; the child rebuilds it at its next use (s_pool_after_fork). */
static pthread_mutex_t s_live_lock = PTHREAD_MUTEX_INITIALIZER;
static s_curl_transport *s_live; /* guarded by s_live_lock */
static pthread_once_t s_fork_once = PTHREAD_ONCE_INIT;

/* Initialises a pool's wait condition on the monotonic clock. */
static void s_cond_init(pthread_cond_t *cond)
{
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(cond, &ca);
    pthread_condattr_destroy(&ca);
}

/* Before fork(): takes every pool lock, so the child inherits each pool's
 * free list in a consistent state. */
static void s_fork_prepare(void)
{
    pthread_mutex_lock(&s_live_lock);
    for (s_curl_transport *t = s_live; t; t = t->live_next)
        pthread_mutex_lock(&t->lock);
}

/* After fork(), in the parent: gives back what s_fork_prepare took. */
static void s_fork_parent(void)
{
    for (s_curl_transport *t = s_live; t; t = t->live_next)
        pthread_mutex_unlock(&t->lock);
    pthread_mutex_unlock(&s_live_lock);
}

/* After fork(), in the child (one thread): re-creates the share locks and
 * the pool condition that threads left behind in the parent may have held
 * or waited on, marks every pool for rebuilding, gives the locks back. */
static void s_fork_child(void)
{
    for (s_curl_transport *t = s_live; t; t = t->live_next) {
        for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
            pthread_mutex_init(&t->share_locks[i], NULL);
        s_cond_init(&t->cond);
        t->forked = 1;
        pthread_mutex_unlock(&t->lock);
    }
    pthread_mutex_unlock(&s_live_lock);
}

/* Installs the fork handlers (once per process). */
static void s_fork_install(void)
{
    pthread_atfork(s_fork_prepare, s_fork_parent, s_fork_child);
}

/* Opens a socket for one of the slot's connections, close-on-exec as
 * Python's sockets are, and records it. Returns it, or CURL_SOCKET_BAD. */
static curl_socket_t s_on_open_socket(void *ud, curlsocktype purpose,
                                      struct curl_sockaddr *addr)
{
    (void)purpose;
    s_slot *s = ud;
    if (s->n_socks == s->cap_socks) {
        unsigned cap = s->cap_socks ? s->cap_socks * 2 : 2;
        s_sock *p = realloc(s->socks, cap * sizeof(*p));
        if (!p)
            return CURL_SOCKET_BAD;
        s->socks = p;
        s->cap_socks = cap;
    }
    int fd = socket(addr->family, addr->socktype | SOCK_CLOEXEC,
                    addr->protocol);
    if (fd < 0)
        return CURL_SOCKET_BAD;
    struct stat st;
    s->socks[s->n_socks].fd = fd;
    s->socks[s->n_socks].ino = fstat(fd, &st) == 0 ? st.st_ino : 0;
    s->n_socks++;
    return fd;
}

/* Closes one of the slot's sockets and forgets it. Returns close()'s
 * result. */
static int s_on_close_socket(void *ud, curl_socket_t fd)
{
    s_slot *s = ud;
    for (unsigned i = 0; i < s->n_socks; i++)
        if (s->socks[i].fd == fd) {
            s->socks[i] = s->socks[--s->n_socks];
            break;
        }
    return close(fd);
}

/* Returns 1 when fd is still the socket recorded as sk in this process. */
static int s_sock_is_ours(const s_sock *sk)
{
    struct stat st;
    return fstat(sk->fd, &st) == 0 && S_ISSOCK(st.st_mode) &&
           st.st_ino == sk->ino;
}

/* Rebuilds t's pool in a forked child, at its first use (or destruction),
 * with t->lock held. A slot that was idle has its socket copies pointed at
 * /dev/null (curl's TLS close then reads nothing and writes nowhere) and
 * is freed by curl as usual; a slot that another thread of the parent was
 * using is abandoned (its handles leak, its socket copies are closed), as
 * its transfer state belongs to a thread that did not follow. All slots
 * are free afterwards and the share is made again. */
static void s_pool_after_fork(s_curl_transport *t)
{
    int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    int all_freed = 1;
    for (s_slot *s = t->free_list; s; s = s->next_free)
        s->fork_idle = 1;
    t->free_list = NULL;
    for (unsigned i = t->n_slots; i > 0; i--) {
        s_slot *s = &t->slots[i - 1];
        int free_it = s->fork_idle && null_fd >= 0;
        for (unsigned k = 0; k < s->n_socks; k++)
            if (!s_sock_is_ours(&s->socks[k]))
                free_it = 0; /* curl would close someone else's file */
        for (unsigned k = 0; k < s->n_socks; k++) {
            if (free_it)
                (void)dup2(null_fd, s->socks[k].fd);
            else if (s_sock_is_ours(&s->socks[k]))
                close(s->socks[k].fd);
        }
        if (free_it) {
            s_slot_discard(s);
        } else if (s->easy || s->multi) {
            s->easy = NULL;
            s->multi = NULL;
            all_freed = 0;
        }
        s->raw = 0; /* the direct connection, if any, went with them */
        s->engine_used = 0;
        s->configured = 0;
        s->n_socks = 0;
        s->fork_idle = 0;
        s->next_free = t->free_list;
        t->free_list = s;
    }
    /* The share is still in use by abandoned handles: leave it too. */
    if (t->share && all_freed)
        s_api.share_cleanup(t->share);
    t->share = NULL;
    if (null_fd >= 0)
        close(null_fd);
    t->forked = 0;
}

/* Takes a free slot, waiting while all are busy. Returns QC_OK with *out,
 * QC_ERR_INTERRUPTED when should_abort fired, or QC_ERR_NOMEM. */
static int s_slot_acquire(s_curl_transport *t, const qc_send_options *opts,
                          s_slot **out, qc_error *err)
{
    *out = NULL;
    int rc = s_curl_ready(err);
    if (rc)
        return rc;
    pthread_mutex_lock(&t->lock);
    if (t->forked)
        s_pool_after_fork(t);
    if (!t->share && (rc = s_share_create(t, err)) != QC_OK) {
        pthread_mutex_unlock(&t->lock);
        return rc;
    }
    while (!t->free_list) {
        if (opts && opts->should_abort) {
            pthread_mutex_unlock(&t->lock);
            int stop = opts->should_abort(opts->abort_ctx);
            pthread_mutex_lock(&t->lock);
            if (stop) {
                pthread_mutex_unlock(&t->lock);
                qc_error_set(err, QC_ERR_INTERRUPTED,
                             "interrupted while waiting for a connection "
                             "from the pool");
                return QC_ERR_INTERRUPTED;
            }
            if (t->free_list)
                break;
        }
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_nsec += (long)S_TICK_MS * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec += 1;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&t->cond, &t->lock, &ts);
    }
    s_slot *s = t->free_list;
    if (!s) { /* not reached: the loop above ends with a free slot */
        pthread_mutex_unlock(&t->lock);
        qc_error_set(err, QC_ERR_INTERNAL, "connection pool empty");
        return QC_ERR_INTERNAL;
    }
    t->free_list = s->next_free;
    s->next_free = NULL;
    pthread_mutex_unlock(&t->lock);

    if (!s->easy) {
        s->configured = 0;
        s->raw = 0;
        s->engine_used = 0;
        s->easy = s_api.easy_init();
        s->multi = s_api.multi_init();
        if (!s->easy || !s->multi) {
            s_slot_discard(s);
            pthread_mutex_lock(&t->lock);
            s->next_free = t->free_list;
            t->free_list = s;
            pthread_cond_signal(&t->cond);
            pthread_mutex_unlock(&t->lock);
            qc_error_set(err, QC_ERR_NOMEM, "could not create a curl handle");
            return QC_ERR_NOMEM;
        }
    }
    *out = s;
    return QC_OK;
}

/* Returns slot s to the pool; a slot whose transfer failed (broken) loses
 * its handles and connection first. */
static void s_slot_release(s_curl_transport *t, s_slot *s, int broken)
{
    if (!s)
        return;
    if (broken)
        s_slot_discard(s);
    qc_buf_reset(&s->url);
    qc_buf_reset(&s->line);
    pthread_mutex_lock(&t->lock);
    s->next_free = t->free_list;
    t->free_list = s;
    pthread_cond_signal(&t->cond);
    pthread_mutex_unlock(&t->lock);
}

/* ------------------------------------------------------------ callbacks */

/* Records a callback failure (first one wins); returns 0. */
static size_t s_cb_fail(s_xfer *x, int code, const char *msg)
{
    if (x->cb_code == QC_OK) {
        x->cb_code = code;
        qc_error_set(x->err, code, "%s", msg);
    }
    return 0;
}

/* Ends the pending header where the next line of its block begins (or
 * the transfer ends). A header the response list refused fails the
 * transfer only here, after that line was counted, so a block that is
 * both over the line limit and holds such a header fails on the limit.
 * Returns 1, or 0 when it failed. */
static int s_end_pending(s_xfer *x)
{
    int bad = x->have_pending && x->pending_bad;
    x->have_pending = 0;
    x->pending_bad = 0;
    if (bad) {
        s_cb_fail(x, QC_ERR_HTTP, "the response holds an invalid header");
        return 0;
    }
    return 1;
}

/* Pre-sizes the body buffer from a Content-Length value (NUL-terminated);
 * a wrong length only costs memory. */
static void s_presize_body(s_xfer *x, const char *v)
{
    char *end = NULL;
    errno = 0;
    unsigned long long cl = strtoull(v, &end, 10);
    if (errno == 0 && end != v && cl > 0) {
        size_t want = cl < S_BODY_RESERVE ? (size_t)cl : S_BODY_RESERVE;
        if (want > x->resp->body.len &&
            qc_buf_reserve(&x->resp->body, want - x->resp->body.len)) {
            /* left to the writes to report */
        }
    }
}

/* Adds a header of the reply to the response as the pending one (the one
 * obs-fold lines extend). A header the list refuses (CR, LF or NUL inside)
 * is remembered for s_end_pending. Returns 1, or 0 when out of memory. */
static int s_store_header(s_xfer *x, const char *name, size_t name_len,
                          const char *value, size_t value_len)
{
    qc_headers *h = &x->resp->headers;
    int rc = qc_headers_add(h, name, name_len, value, value_len);
    if (rc == QC_ERR_NOMEM) {
        s_cb_fail(x, QC_ERR_NOMEM, "out of memory storing a response header");
        return 0;
    }
    x->have_pending = 1;
    x->pending_bad = rc != QC_OK;
    if (rc == QC_OK && name_len == 14 &&
        strncasecmp(name, "content-length", 14) == 0)
        s_presize_body(x, h->items[h->len - 1].value);
    return 1;
}

/* Extends the pending header (the last one stored) with an obs-fold line's
 * text, joined by one space: the header is taken off the list and added
 * again with the longer value. Returns 1, or 0 when out of memory. */
static int s_fold_pending(s_xfer *x, const char *more, size_t more_len)
{
    qc_headers *h = &x->resp->headers;
    if (x->pending_bad || h->len == 0)
        return 1; /* refused already: s_end_pending reports it */
    qc_header *last = &h->items[h->len - 1];
    size_t name_len = last->name_len;
    qc_buf *b = &x->fold;
    qc_buf_reset(b);
    if (qc_buf_append(b, last->name, name_len) ||
        qc_buf_append(b, last->value, last->value_len) ||
        qc_buf_append_byte(b, ' ') || qc_buf_append(b, more, more_len)) {
        s_cb_fail(x, QC_ERR_NOMEM, "out of memory storing a response header");
        return 0;
    }
    /* Taken off the list (its text stays in the list's storage until
     * the list is cleaned up) and added again. */
    h->len--;
    return s_store_header(x, b->data, name_len, b->data + name_len,
                          b->len - name_len);
}

/* Receives one header line of the reply. Returns n, or 0 to stop. */
static size_t s_on_header(char *buf, size_t size, size_t nitems, void *ud)
{
    s_xfer *x = ud;
    size_t n = size * nitems;
    x->active = 1; /* s_run reads the clock once per step, not per line */
    if (n > S_MAX_LINE)
        return s_cb_fail(x, QC_ERR_CONNECTION_CLOSED,
                         "a response header line is longer than 65536 "
                         "bytes");
    size_t len = n;
    if (len && buf[len - 1] == '\n')
        len--;
    if (len && buf[len - 1] == '\r')
        len--;

    if (len >= 5 && memcmp(buf, "HTTP/", 5) == 0) {
        /* A status line starts a new block: keep only the last one. */
        qc_headers_clean_up(&x->resp->headers);
        x->block_lines = 0;
        x->headers_done = 0;
        x->have_pending = 0;
        x->pending_bad = 0;
        return n;
    }
    if (x->headers_done)
        return n; /* trailers of a chunked body are not headers */
    if (++x->block_lines > S_MAX_HEADER_LINES)
        return s_cb_fail(x, QC_ERR_CONNECTION_CLOSED,
                         "got more than 100 headers");
    if (len == 0) {
        if (!s_end_pending(x))
            return 0;
        x->headers_done = 1;
        return n;
    }
    if (buf[0] == ' ' || buf[0] == '\t') {
        /* obs-fold: the line continues the previous value. */
        size_t i = 0;
        while (i < len && (buf[i] == ' ' || buf[i] == '\t'))
            i++;
        if (!x->have_pending || i == len)
            return n;
        return s_fold_pending(x, buf + i, len - i) ? n : 0;
    }
    if (!s_end_pending(x))
        return 0;
    const char *colon = memchr(buf, ':', len);
    if (!colon || colon == buf)
        return n; /* not a header line: ignored */
    size_t name_len = (size_t)(colon - buf);
    size_t i = name_len + 1;
    while (i < len && (buf[i] == ' ' || buf[i] == '\t'))
        i++;
    return s_store_header(x, buf, name_len, buf + i, len - i) ? n : 0;
}

/* Receives body bytes. Returns n, or 0 to stop. */
static size_t s_on_body(char *buf, size_t size, size_t nitems, void *ud)
{
    s_xfer *x = ud;
    size_t n = size * nitems;
    x->active = 1;
    int rc = qc_buf_append(&x->resp->body, buf, n);
    if (rc == QC_ERR_LIMIT)
        return s_cb_fail(x, QC_ERR_LIMIT,
                         "the response body is larger than 256 MiB");
    if (rc != QC_OK)
        return s_cb_fail(x, QC_ERR_NOMEM,
                         "out of memory storing the response body");
    return n;
}

/* Called once the connection is ready and the request is about to go out;
 * from here on the read timeout applies. libcurl calls it a second time
 * when it silently re-sends a request whose reused connection died before
 * any reply: botocore counts that as a failed attempt (a closed
 * connection, left to the retry policy), so the re-send is refused.
 * Returns CURL_PREREQFUNC_OK or CURL_PREREQFUNC_ABORT. */
static int s_on_prereq(void *ud, char *conn_primary_ip, char *conn_local_ip,
                       int conn_primary_port, int conn_local_port)
{
    (void)conn_primary_ip;
    (void)conn_local_ip;
    (void)conn_primary_port;
    (void)conn_local_port;
    s_xfer *x = ud;
    if (++x->sends > 1) {
        s_cb_fail(x, QC_ERR_CONNECTION_CLOSED,
                  "the connection was closed before a reply was received");
        return CURL_PREREQFUNC_ABORT;
    }
    x->connected = 1;
    x->last_activity = s_now_ms();
    return CURL_PREREQFUNC_OK;
}

/* Supplies upload bytes from the file. Returns the count, 0 at the end, or
 * CURL_READFUNC_ABORT on a read error. */
static size_t s_on_read(char *buf, size_t size, size_t nitems, void *ud)
{
    s_xfer *x = ud;
    size_t n = fread(buf, 1, size * nitems, x->upload);
    if (n == 0 && ferror(x->upload)) {
        s_cb_fail(x, QC_ERR_HTTP, "reading the upload file failed");
        return CURL_READFUNC_ABORT;
    }
    return n;
}

/* ------------------------------------------------------------ set-up */

/* Returns 1 when host (host[:port], as in the Host header) must bypass the
 * proxy under no_proxy, as Python's proxy_bypass_environment decides. */
static int s_bypass_proxy(const char *no_proxy, const char *host,
                          size_t host_len)
{
    if (!no_proxy || !*no_proxy)
        return 0;
    if (strcmp(no_proxy, "*") == 0)
        return 1;
    /* hostonly: host without a trailing :digits port. */
    size_t only_len = host_len;
    const char *colon = NULL;
    for (size_t i = host_len; i > 0; i--)
        if (host[i - 1] == ':') {
            colon = host + i - 1;
            break;
        }
    if (colon) {
        const char *p = colon + 1;
        while (p < host + host_len && *p >= '0' && *p <= '9')
            p++;
        if (p == host + host_len)
            only_len = (size_t)(colon - host);
    }
    const char *p = no_proxy;
    while (*p) {
        const char *end = strchr(p, ',');
        if (!end)
            end = p + strlen(p);
        const char *a = p, *b = end;
        while (a < b && (*a == ' ' || *a == '\t' || *a == '\n' ||
                         *a == '\r' || *a == '\f' || *a == '\v'))
            a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t' || b[-1] == '\n' ||
                         b[-1] == '\r' || b[-1] == '\f' || b[-1] == '\v'))
            b--;
        if (a < b) {
            while (a < b && *a == '.')
                a++;
            size_t nl = (size_t)(b - a);
            const size_t lens[2] = {only_len, host_len};
            for (int k = 0; k < 2; k++) {
                size_t hl = lens[k];
                if (hl == nl && strncasecmp(host, a, nl) == 0)
                    return 1;
                if (hl > nl && host[hl - nl - 1] == '.' &&
                    strncasecmp(host + hl - nl, a, nl) == 0)
                    return 1;
            }
        }
        p = *end ? end + 1 : end;
    }
    return 0;
}

/* Returns the proxy URL to use for (scheme, host), or NULL for none. */
static const char *s_pick_proxy(const s_curl_transport *t, const char *scheme,
                                size_t scheme_len, const char *host,
                                size_t host_len)
{
    const char *proxy = NULL;
    if (scheme_len == 5 && strncasecmp(scheme, "https", 5) == 0)
        proxy = t->proxy_https;
    else if (scheme_len == 4 && strncasecmp(scheme, "http", 4) == 0)
        proxy = t->proxy_http;
    if (!proxy || !*proxy)
        return NULL;
    if (s_bypass_proxy(t->no_proxy, host, host_len))
        return NULL;
    return proxy;
}

/* Appends the line "name: value" (or curl's "name;" form for an empty
 * value), NUL-terminated, to lines and counts it. Returns QC_OK or
 * QC_ERR_NOMEM. */
static int s_add_header(qc_buf *lines, size_t *count, const char *name,
                        size_t name_len, const char *value, size_t value_len)
{
    int rc = qc_buf_append(lines, name, name_len);
    if (!rc)
        rc = value_len ? qc_buf_append(lines, ": ", 2)
                       : qc_buf_append_byte(lines, ';');
    if (!rc && value_len)
        rc = qc_buf_append(lines, value, value_len);
    if (!rc)
        rc = qc_buf_append_byte(lines, '\0');
    if (rc)
        return QC_ERR_NOMEM;
    (*count)++;
    return QC_OK;
}

/* Appends a literal header line such as "Expect:", NUL-terminated, and
 * counts it. */
static int s_add_raw(qc_buf *lines, size_t *count, const char *line)
{
    if (qc_buf_append(lines, line, strlen(line) + 1))
        return QC_ERR_NOMEM;
    (*count)++;
    return QC_OK;
}

/* Where the transport adds Content-Length when the request has none. */
enum {
    S_CL_NONE,  /* no body is sent */
    S_CL_EARLY, /* http.client's place: right after Accept-Encoding */
    S_CL_LATE,  /* botocore's place: after every request header */
    S_CL_CURL   /* botocore's place, written by curl itself: a body given
                   with CURLOPT_POSTFIELDS gets "Content-Length: N" right
                   after the custom headers when they have none */
};

/* Headers of the request that change what the transport adds. */
enum {
    S_H_ACCEPT = 1,
    S_H_EXPECT = 2,
    S_H_USER_AGENT = 4,
    S_H_CONTENT_TYPE = 8,
    S_H_CONTENT_LENGTH = 16,
    S_H_ACCEPT_ENCODING = 32,
    S_H_TRANSFER_ENCODING = 64
};

/* Returns the S_H_* bits of the headers h holds (names compared without
 * case), in one pass over h. */
static unsigned s_known_headers(const qc_headers *h)
{
    unsigned have = 0;
    for (size_t i = 0; i < h->len; i++) {
        const char *n = h->items[i].name;
        switch (h->items[i].name_len) {
        case 6:
            if (strncasecmp(n, "Accept", 6) == 0)
                have |= S_H_ACCEPT;
            else if (strncasecmp(n, "Expect", 6) == 0)
                have |= S_H_EXPECT;
            break;
        case 10:
            if (strncasecmp(n, "User-Agent", 10) == 0)
                have |= S_H_USER_AGENT;
            break;
        case 12:
            if (strncasecmp(n, "Content-Type", 12) == 0)
                have |= S_H_CONTENT_TYPE;
            break;
        case 14:
            if (strncasecmp(n, "Content-Length", 14) == 0)
                have |= S_H_CONTENT_LENGTH;
            break;
        case 15:
            if (strncasecmp(n, "Accept-Encoding", 15) == 0)
                have |= S_H_ACCEPT_ENCODING;
            break;
        case 17:
            if (strncasecmp(n, "Transfer-Encoding", 17) == 0)
                have |= S_H_TRANSFER_ENCODING;
            break;
        default:
            break;
        }
    }
    return have;
}

/* Writes the request's header lines, in the order botocore + http.client
 * write them (see the file comment), each NUL-terminated, into lines
 * (emptied first); *count gets their number. cl_where is an S_CL_*
 * value. Returns QC_OK or QC_ERR_NOMEM. */
static int s_header_lines(const s_curl_transport *t, const qc_headers *h,
                          int cl_where, long long body_len, qc_buf *lines,
                          size_t *count)
{
    int rc = QC_OK;
    char num[24];
    size_t nl = 0;
    unsigned long long v = body_len < 0 ? 0 : (unsigned long long)body_len;
    do {
        num[sizeof(num) - 1 - nl++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    const char *digits = num + sizeof(num) - nl;
    unsigned have = s_known_headers(h);
    qc_buf_reset(lines);
    *count = 0;
    if (have & (S_H_CONTENT_LENGTH | S_H_TRANSFER_ENCODING))
        cl_where = S_CL_NONE;
    if (!(have & S_H_ACCEPT_ENCODING))
        rc = s_add_raw(lines, count, "Accept-Encoding: identity");
    if (!rc && cl_where == S_CL_EARLY)
        rc = s_add_header(lines, count, "Content-Length", 14, digits, nl);
    if (!rc && t->user_agent && !(have & S_H_USER_AGENT))
        rc = s_add_header(lines, count, "User-Agent", 10, t->user_agent,
                          strlen(t->user_agent));
    for (size_t i = 0; !rc && i < h->len; i++)
        rc = s_add_header(lines, count, h->items[i].name,
                          h->items[i].name_len, h->items[i].value,
                          h->items[i].value_len);
    if (!rc && cl_where == S_CL_LATE)
        rc = s_add_header(lines, count, "Content-Length", 14, digits, nl);
    if (!rc && !(have & S_H_ACCEPT))
        rc = s_add_raw(lines, count, "Accept:");
    if (!rc && !(have & S_H_EXPECT))
        rc = s_add_raw(lines, count, "Expect:");
    if (!rc && !(have & S_H_CONTENT_TYPE))
        rc = s_add_raw(lines, count, "Content-Type:");
    return rc;
}

/* Builds the header list as a curl_slist of its own (put_file; the
 * caller frees *out with curl_slist_free_all), the lines written into
 * s->line. Returns QC_OK or QC_ERR_NOMEM. */
static int s_build_headers(const s_curl_transport *t, s_slot *s,
                           const qc_headers *h, int cl_where,
                           long long body_len, struct curl_slist **out)
{
    struct curl_slist *list = NULL;
    size_t count;
    int rc = s_curl_ready(NULL);
    if (!rc)
        rc = s_header_lines(t, h, cl_where, body_len, &s->line, &count);
    const char *p = s->line.data;
    for (size_t i = 0; !rc && i < count; i++) {
        struct curl_slist *n = s_api.slist_append(list, p);
        if (!n)
            rc = QC_ERR_NOMEM;
        else
            list = n;
        p += strlen(p) + 1;
    }
    if (rc) {
        if (list)
            s_api.slist_free_all(list);
        return rc;
    }
    *out = list;
    return QC_OK;
}

/* Builds the header list for a request in slot storage: the lines in
 * s->line, the list nodes in s->nodes, both kept from one request to the
 * next (no allocation once warm; curl only reads the list, which lives
 * until the slot's next request). Returns QC_OK or QC_ERR_NOMEM. */
static int s_slot_headers(const s_curl_transport *t, s_slot *s,
                          const qc_headers *h, int cl_where,
                          long long body_len, struct curl_slist **out)
{
    size_t count;
    int rc = s_header_lines(t, h, cl_where, body_len, &s->line, &count);
    if (rc)
        return rc;
    if (count > s->cap_nodes) {
        struct curl_slist *n = realloc(s->nodes, count * sizeof(*n));
        if (!n)
            return QC_ERR_NOMEM;
        s->nodes = n;
        s->cap_nodes = count;
    }
    char *p = s->line.data;
    for (size_t i = 0; i < count; i++) {
        s->nodes[i].data = p;
        s->nodes[i].next = i + 1 < count ? &s->nodes[i + 1] : NULL;
        p += strlen(p) + 1;
    }
    *out = count ? s->nodes : NULL;
    return QC_OK;
}

/* Sets the options of a transfer: those every transfer shares once per
 * handle (see s_slot.configured), then the request's own (URL, proxy,
 * connect timeout, the callbacks' data). Returns QC_OK or an error. */
static int s_setup_common(const s_curl_transport *t, s_slot *s, s_xfer *x,
                          const char *url, size_t url_len, const char *proxy,
                          const qc_send_options *opts, qc_error *err)
{
    CURL *e = s->easy;
    CURLcode c = CURLE_OK;
    const char *want_proxy = proxy ? proxy : "";
    long want_ms = opts && opts->connect_timeout_ms > 0
                       ? opts->connect_timeout_ms
                       : 0; /* 0: curl's default */
    s->errbuf[0] = '\0';
#define S_SET(opt, val)                                                       \
    do {                                                                      \
        if (c == CURLE_OK)                                                    \
            c = s_api.easy_setopt(e, opt, val);                                \
    } while (0)
    if (!s->configured) {
        s_api.easy_reset(e);
        S_SET(CURLOPT_SHARE, t->share);
        S_SET(CURLOPT_NOSIGNAL, 1L);
        S_SET(CURLOPT_ERRORBUFFER, s->errbuf);
        S_SET(CURLOPT_PROTOCOLS_STR, "http,https");
        S_SET(CURLOPT_PATH_AS_IS, 1L);
        S_SET(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
        S_SET(CURLOPT_HTTP_CONTENT_DECODING, 0L);
        S_SET(CURLOPT_HEADERFUNCTION, s_on_header);
        S_SET(CURLOPT_WRITEFUNCTION, s_on_body);
        S_SET(CURLOPT_PREREQFUNCTION, s_on_prereq);
        S_SET(CURLOPT_OPENSOCKETFUNCTION, s_on_open_socket);
        S_SET(CURLOPT_OPENSOCKETDATA, s);
        S_SET(CURLOPT_CLOSESOCKETFUNCTION, s_on_close_socket);
        S_SET(CURLOPT_CLOSESOCKETDATA, s);
        S_SET(CURLOPT_SSL_VERIFYPEER, t->verify_ssl ? 1L : 0L);
        S_SET(CURLOPT_SSL_VERIFYHOST, t->verify_ssl ? 2L : 0L);
        if (t->ca_bundle)
            S_SET(CURLOPT_CAINFO, t->ca_bundle);
        S_SET(CURLOPT_TCP_KEEPALIVE, t->tcp_keepalive ? 1L : 0L);
        /* The caller decides proxies; curl must not read the environment. */
        S_SET(CURLOPT_NOPROXY, "");
        S_SET(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
        s->proxy = NULL;
        s->connect_ms = -1;
        s->url_known = 0;
        s->cb_data = NULL;
        s->hdrs_set = NULL;
        s->configured = c == CURLE_OK;
    }
    if (s->proxy != want_proxy) {
        S_SET(CURLOPT_PROXY, want_proxy);
        s->proxy = want_proxy;
    }
    if (s->connect_ms != want_ms) {
        S_SET(CURLOPT_CONNECTTIMEOUT_MS, want_ms);
        s->connect_ms = want_ms;
    }
    /* curl copies the URL and parses it again at every transfer: the same
     * URL as last time need not be given again. */
    if (!s->url_known || s->url_set.len != url_len ||
        memcmp(s->url_set.data, url, url_len) != 0) {
        S_SET(CURLOPT_URL, url);
        qc_buf_reset(&s->url_set);
        s->url_known = c == CURLE_OK &&
                       qc_buf_append(&s->url_set, url, url_len) == QC_OK;
    }
    if (s->cb_data != x) {
        S_SET(CURLOPT_HEADERDATA, x);
        S_SET(CURLOPT_WRITEDATA, x);
        S_SET(CURLOPT_PREREQDATA, x);
        s->cb_data = x;
    }
#undef S_SET
    if (c != CURLE_OK) {
        s->configured = 0; /* start afresh next time */
        return qc_error_set(err, c == CURLE_OUT_OF_MEMORY ? QC_ERR_NOMEM
                                                          : QC_ERR_HTTP,
                            "curl set-up failed: %s", s_api.easy_strerror(c));
    }
    return QC_OK;
}

/* ------------------------------------------------------------ transfer */

/* Maps a finished transfer's curl result to a qc code, writing err. */
static int s_map_error(CURLcode rc, const s_xfer *x, const s_slot *s,
                       int via_proxy, qc_error *err)
{
    const char *detail = s->errbuf[0] ? s->errbuf : s_api.easy_strerror(rc);
    int code;
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
        code = QC_ERR_CONNECT;
        break;
    case CURLE_OPERATION_TIMEDOUT:
        code = x->connected ? QC_ERR_READ_TIMEOUT : QC_ERR_CONNECT_TIMEOUT;
        break;
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_WEIRD_SERVER_REPLY:
        code = QC_ERR_CONNECTION_CLOSED;
        break;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT:
    case CURLE_USE_SSL_FAILED:
        code = QC_ERR_SSL;
        break;
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_PROXY:
        code = QC_ERR_PROXY;
        break;
    case CURLE_OUT_OF_MEMORY:
        code = QC_ERR_NOMEM;
        break;
    default:
        code = QC_ERR_HTTP;
        break;
    }
    /* Failing to reach the endpoint through a proxy is a proxy failure,
     * as urllib3 reports it. */
    if (via_proxy && !x->connected &&
        (code == QC_ERR_CONNECT || code == QC_ERR_CONNECT_TIMEOUT ||
         code == QC_ERR_CONNECTION_CLOSED))
        code = QC_ERR_PROXY;
    return qc_error_set(err, code, "%s", detail);
}

typedef struct s_progress {
    int (*fn)(void *ctx, uint64_t sent, uint64_t total);
    void *ctx;
    uint64_t total;
} s_progress;

/* Drives the slot's transfer to its end. Returns QC_OK when a complete
 * reply arrived, else an error code with err set; *broken is set when the
 * connection must not be reused. */
static int s_run(s_slot *s, s_xfer *x, const qc_send_options *opts,
                 curl_off_t upload_total, int via_proxy,
                 const s_progress *prog, int *broken, qc_error *err)
{
    CURLM *m = s->multi;
    CURL *e = s->easy;
    int code = QC_OK;
    *broken = 1;
    if (s_api.multi_add_handle(m, e) != CURLM_OK)
        return qc_error_set(err, QC_ERR_HTTP, "curl_multi_add_handle failed");

    long read_timeout = opts ? opts->read_timeout_ms : 0;
    long send_timeout = opts ? opts->connect_timeout_ms : 0;
    int64_t now = s_now_ms();
    int64_t last_abort_check = now, last_progress = now;
    curl_off_t last_sent = 0;
    x->last_activity = now;
    for (;;) {
        int running = 0;
        CURLMcode mc = s_api.multi_perform(m, &running);
        if (mc != CURLM_OK) {
            code = qc_error_set(err, mc == CURLM_OUT_OF_MEMORY ? QC_ERR_NOMEM
                                                              : QC_ERR_HTTP,
                                "curl_multi_perform: %s",
                                s_api.multi_strerror(mc));
            goto out;
        }
        if (!running)
            break;
        now = s_now_ms();
        if (x->active) { /* the callbacks received bytes in that step */
            x->active = 0;
            x->last_activity = now;
        }
        curl_off_t sent = 0;
        if (s_api.easy_getinfo(e, CURLINFO_SIZE_UPLOAD_T, &sent) == CURLE_OK &&
            sent != last_sent) {
            last_sent = sent;
            x->last_activity = now;
        }
        if (opts && opts->should_abort &&
            now - last_abort_check >= S_TICK_MS) {
            last_abort_check = now;
            if (opts->should_abort(opts->abort_ctx)) {
                code = qc_error_set(err, QC_ERR_INTERRUPTED,
                                    "the transfer was interrupted");
                goto out;
            }
            now = s_now_ms();
        }
        if (prog && now - last_progress >= S_PROGRESS_MS) {
            last_progress = now;
            if (prog->fn(prog->ctx, (uint64_t)last_sent, prog->total)) {
                code = qc_error_set(err, QC_ERR_CALLBACK,
                                    "the progress callback stopped the "
                                    "upload");
                goto out;
            }
            now = s_now_ms();
        }
        /* While the body goes out, a stall is limited by the connect
         * timeout and reported as a broken connection (urllib3 sends with
         * the connect timeout on the socket); then the read timeout runs. */
        int sending = last_sent < upload_total;
        long limit = sending ? send_timeout : read_timeout;
        long wait = S_TICK_MS;
        if (limit > 0 && x->connected) {
            int64_t left = x->last_activity + limit - now;
            if (left <= 0) {
                if (sending)
                    code = qc_error_set(err, QC_ERR_CONNECTION_CLOSED,
                                        "timed out sending the request "
                                        "body (%ld ms without progress)",
                                        limit);
                else
                    code = qc_error_set(err, QC_ERR_READ_TIMEOUT,
                                        "no data received for %ld ms",
                                        limit);
                goto out;
            }
            if (left < wait)
                wait = (long)left;
        }
        mc = s_api.multi_poll(m, NULL, 0, (int)wait, NULL);
        if (mc != CURLM_OK) {
            code = qc_error_set(err, QC_ERR_HTTP, "curl_multi_poll: %s",
                                s_api.multi_strerror(mc));
            goto out;
        }
    }

    CURLcode rc = CURLE_FAILED_INIT;
    int msgs = 0;
    CURLMsg *msg;
    while ((msg = s_api.multi_info_read(m, &msgs)) != NULL)
        if (msg->msg == CURLMSG_DONE && msg->easy_handle == e)
            rc = msg->data.result;
    if (x->cb_code != QC_OK) {
        code = x->cb_code; /* err already holds the callback's message */
        goto out;
    }
    if (rc != CURLE_OK) {
        code = s_map_error(rc, x, s, via_proxy, err);
        goto out;
    }
    if (!s_end_pending(x)) {
        code = x->cb_code;
        goto out;
    }
    long status = 0;
    s_api.easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    x->resp->status = status;
    *broken = 0;
out:
    s_api.multi_remove_handle(m, e);
    return code;
}

/* Empties resp for a new reply and caps its body. */
static void s_response_reset(qc_http_response *resp)
{
    resp->status = 0;
    qc_headers_clean_up(&resp->headers);
    qc_buf_reset(&resp->body);
    if (resp->body.limit == 0 || resp->body.limit > S_BODY_CAP)
        resp->body.limit = S_BODY_CAP;
}

/* Returns 1 when a request of this method states its body length even
 * when empty (botocore's AWSPreparedRequest sets Content-Length for every
 * method but GET, HEAD and OPTIONS). */
static int s_method_expects_body(const char *m)
{
    return strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0 &&
           strcmp(m, "OPTIONS") != 0;
}

/* ------------------------------------------------------------ direct mode */

/* Ordinary requests skip curl's HTTP engine: curl opens the connection
 * (name lookup, connect timeout, proxy CONNECT tunnel, TLS with the
 * transport's verification options) with CURLOPT_CONNECT_ONLY, and the
 * request is written with curl_easy_send, byte for byte what the engine
 * writes, and the reply read with curl_easy_recv through http1.c. The
 * engine stays for what this does not do: plain HTTP through a proxy
 * (absolute-form requests), uploads from a file (put_file), and requests
 * whose headers make the engine behave specially (Host, Expect,
 * Transfer-Encoding, a HEAD with a body) or whose URL it would reject or
 * rewrite. Timeouts, aborts and errors are those of s_run. */

/* Returns 1 when c may appear in a host or URL written directly (curl
 * would take the same text unchanged). */
static int s_plain_url_byte(unsigned char c, int host)
{
    if (host)
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
               c == '-' || c == ':' || c == '[' || c == ']' || c == '_';
    return c > 0x20 && c < 0x7f && c != '#';
}

/* Returns 1 when req can go out in direct mode (see above). */
static int s_raw_eligible(const s_curl_transport *t, const qc_http_request *req,
                          const char *proxy)
{
    if (t->raw_off)
        return 0;
    int https = req->scheme.len == 5 &&
                strncasecmp(req->scheme.data, "https", 5) == 0;
    int http = req->scheme.len == 4 &&
               strncasecmp(req->scheme.data, "http", 4) == 0;
    if (!https && !http)
        return 0;
    if (proxy) {
        /* Absolute-form requests (plain HTTP through a proxy) are the
         * engine's; so are tunnels through anything but a plain HTTP
         * proxy (https://, socks...: not tested in direct mode). */
        if (!https)
            return 0;
        const char *sep = strstr(proxy, "://");
        if (sep && !((size_t)(sep - proxy) == 4 &&
                     strncasecmp(proxy, "http", 4) == 0))
            return 0;
    }
    if (req->host.len == 0)
        return 0;
    for (size_t i = 0; i < req->host.len; i++)
        if (!s_plain_url_byte((unsigned char)req->host.data[i], 1))
            return 0;
    /* curl leaves the scheme's default port out of Host. */
    const char *dflt = https ? ":443" : ":80";
    size_t dl = strlen(dflt);
    if (req->host.len > dl &&
        memcmp(req->host.data + req->host.len - dl, dflt, dl) == 0)
        return 0;
    if (req->path.len && req->path.data[0] != '/')
        return 0;
    for (size_t i = 0; i < req->path.len; i++)
        if (!s_plain_url_byte((unsigned char)req->path.data[i], 0))
            return 0;
    for (size_t i = 0; i < req->query.len; i++)
        if (!s_plain_url_byte((unsigned char)req->query.data[i], 0))
            return 0;
    if (strcmp(req->method, "HEAD") == 0 && req->body.len)
        return 0;
    const qc_headers *h = &req->headers;
    for (size_t i = 0; i < h->len; i++) {
        const char *n = h->items[i].name;
        size_t l = h->items[i].name_len;
        if ((l == 4 && strncasecmp(n, "Host", 4) == 0) ||
            (l == 6 && strncasecmp(n, "Expect", 6) == 0) ||
            (l == 17 && strncasecmp(n, "Transfer-Encoding", 17) == 0))
            return 0;
    }
    return 1;
}

/* Returns 1 for the bytes curl's ISSPACE accepts. */
static int s_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
           c == '\r';
}

/* Appends one of s_header_lines' lines (len bytes) to the request as
 * curl writes a custom header: "name: value" when the value is not
 * blank, "name;" as "name:", anything else (such as "Accept:", which
 * only removes a header of curl's own) not at all. Returns QC_OK or
 * QC_ERR_NOMEM. */
static int s_raw_header(qc_buf *b, const char *line, size_t len)
{
    const char *colon = memchr(line, ':', len);
    const char *end = line + len;
    if (!colon) {
        const char *semi = memchr(line, ';', len);
        if (!semi || semi == line || semi + 1 != end)
            return QC_OK;
        if (qc_buf_append(b, line, (size_t)(semi - line)) ||
            qc_buf_append(b, ":\r\n", 3))
            return QC_ERR_NOMEM;
        return QC_OK;
    }
    if (colon == line)
        return QC_OK;
    const char *v = colon + 1;
    while (v < end && s_is_space(*v))
        v++;
    if (v == end)
        return QC_OK;
    if (qc_buf_append(b, line, len) || qc_buf_append(b, "\r\n", 2))
        return QC_ERR_NOMEM;
    return QC_OK;
}

/* Writes the whole request (line, Host, headers, body) into s->raw_req.
 * Returns QC_OK or QC_ERR_NOMEM. */
static int s_raw_build(const s_curl_transport *t, s_slot *s,
                       const qc_http_request *req, int cl_where,
                       int send_body)
{
    qc_buf *b = &s->raw_req;
    size_t count = 0;
    qc_buf_reset(b);
    if (s_header_lines(t, &req->headers, cl_where, (long long)req->body.len,
                       &s->line, &count))
        return QC_ERR_NOMEM;
    if (qc_buf_reserve(b, s->line.len + req->body.len + req->path.len +
                              req->query.len + req->host.len + 64) ||
        qc_buf_append_str(b, req->method) || qc_buf_append_byte(b, ' ') ||
        (req->path.len ? qc_buf_append(b, req->path.data, req->path.len)
                       : qc_buf_append_byte(b, '/')) ||
        (req->query.len &&
         (qc_buf_append_byte(b, '?') ||
          qc_buf_append(b, req->query.data, req->query.len))) ||
        qc_buf_append(b, " HTTP/1.1\r\nHost: ", 17) ||
        qc_buf_append(b, req->host.data, req->host.len) ||
        qc_buf_append(b, "\r\n", 2))
        return QC_ERR_NOMEM;
    const char *p = s->line.data;
    for (size_t i = 0; i < count; i++) {
        size_t l = strlen(p);
        if (s_raw_header(b, p, l))
            return QC_ERR_NOMEM;
        p += l + 1;
    }
    if (qc_buf_append(b, "\r\n", 2) ||
        (send_body && req->body.len &&
         qc_buf_append(b, req->body.data, req->body.len)))
        return QC_ERR_NOMEM;
    return QC_OK;
}

/* Writes the connection key of a request (scheme://host, proxy) into
 * out. Returns QC_OK or QC_ERR_NOMEM. */
static int s_raw_key(const qc_http_request *req, const char *proxy,
                     qc_buf *out)
{
    qc_buf_reset(out);
    if (qc_buf_append(out, req->scheme.data, req->scheme.len) ||
        qc_buf_append(out, "://", 3) ||
        qc_buf_append(out, req->host.data, req->host.len) ||
        qc_buf_append(out, "/\n", 2) ||
        (proxy && qc_buf_append_str(out, proxy)))
        return QC_ERR_NOMEM;
    return QC_OK;
}

/* Returns 1 when the slot's idle direct connection still looks usable:
 * nothing to read on it (a reply-less byte or the server's close means
 * it is done; a TLS record that carries no data, such as a session
 * ticket, is read and leaves it usable), as curl checks a cached
 * connection before reusing it. */
static int s_raw_alive(s_slot *s)
{
    for (int i = 0; i < 4; i++) {
        struct pollfd pf = {s->raw_fd, POLLIN, 0};
        int n = poll(&pf, 1, 0);
        if (n == 0)
            return 1;
        if (n < 0)
            return 0;
        char b[64];
        size_t got = 0;
        CURLcode c = s_api.easy_recv(s->easy, b, sizeof(b), &got);
        if (c != CURLE_AGAIN)
            return 0;
    }
    return 0;
}

/* Gives the slot fresh curl handles (its connection, if any, closes).
 * Returns QC_OK or QC_ERR_NOMEM with err set. */
static int s_slot_renew(s_slot *s, qc_error *err)
{
    s_slot_discard(s);
    s->easy = s_api.easy_init();
    s->multi = s_api.multi_init();
    if (!s->easy || !s->multi) {
        s_slot_discard(s);
        return qc_error_set(err, QC_ERR_NOMEM,
                            "could not create a curl handle");
    }
    return QC_OK;
}

/* Opens the slot's direct connection for req: curl connects (through
 * proxy when set) and stops. Returns QC_OK, or an error as s_run maps a
 * failed connect, with err set. */
static int s_raw_connect(const s_curl_transport *t, s_slot *s, s_xfer *x,
                         const qc_http_request *req, const char *proxy,
                         const qc_send_options *opts, qc_error *err)
{
    int rc;
    if (s->raw || s->engine_used || !s->easy)
        if ((rc = s_slot_renew(s, err)))
            return rc;
    CURL *e = s->easy;
    CURLM *m = s->multi;
    s->configured = 0;
    s->errbuf[0] = '\0';
    /* s->url is free here: the connect URL (scheme://host/) goes in it. */
    qc_buf_reset(&s->url);
    if (qc_buf_append(&s->url, req->scheme.data, req->scheme.len) ||
        qc_buf_append(&s->url, "://", 3) ||
        qc_buf_append(&s->url, req->host.data, req->host.len) ||
        qc_buf_append_byte(&s->url, '/'))
        return qc_error_set(err, QC_ERR_NOMEM, "out of memory");
    long ms = opts && opts->connect_timeout_ms > 0 ? opts->connect_timeout_ms
                                                   : 0;
    CURLcode c = CURLE_OK;
    s_api.easy_reset(e);
#define S_SET(opt, val)                                                       \
    do {                                                                      \
        if (c == CURLE_OK)                                                    \
            c = s_api.easy_setopt(e, opt, val);                                \
    } while (0)
    S_SET(CURLOPT_SHARE, t->share);
    S_SET(CURLOPT_NOSIGNAL, 1L);
    S_SET(CURLOPT_ERRORBUFFER, s->errbuf);
    S_SET(CURLOPT_PROTOCOLS_STR, "http,https");
    S_SET(CURLOPT_PATH_AS_IS, 1L);
    /* ALPN offers http/1.1 only: the connection must not become h2. */
    S_SET(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    S_SET(CURLOPT_OPENSOCKETFUNCTION, s_on_open_socket);
    S_SET(CURLOPT_OPENSOCKETDATA, s);
    S_SET(CURLOPT_CLOSESOCKETFUNCTION, s_on_close_socket);
    S_SET(CURLOPT_CLOSESOCKETDATA, s);
    S_SET(CURLOPT_SSL_VERIFYPEER, t->verify_ssl ? 1L : 0L);
    S_SET(CURLOPT_SSL_VERIFYHOST, t->verify_ssl ? 2L : 0L);
    if (t->ca_bundle)
        S_SET(CURLOPT_CAINFO, t->ca_bundle);
    S_SET(CURLOPT_TCP_KEEPALIVE, t->tcp_keepalive ? 1L : 0L);
    S_SET(CURLOPT_NOPROXY, "");
    S_SET(CURLOPT_PROXY, proxy ? proxy : "");
    S_SET(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
    S_SET(CURLOPT_CONNECTTIMEOUT_MS, ms);
    S_SET(CURLOPT_CONNECT_ONLY, 1L);
    S_SET(CURLOPT_URL, s->url.data);
#undef S_SET
    if (c != CURLE_OK)
        return qc_error_set(err, c == CURLE_OUT_OF_MEMORY ? QC_ERR_NOMEM
                                                          : QC_ERR_HTTP,
                            "curl set-up failed: %s", s_api.easy_strerror(c));
    if (s_api.multi_add_handle(m, e) != CURLM_OK)
        return qc_error_set(err, QC_ERR_HTTP, "curl_multi_add_handle failed");
    int64_t last_abort_check = s_now_ms();
    for (;;) {
        int running = 0;
        CURLMcode mc = s_api.multi_perform(m, &running);
        if (mc != CURLM_OK)
            return qc_error_set(err, mc == CURLM_OUT_OF_MEMORY ? QC_ERR_NOMEM
                                                              : QC_ERR_HTTP,
                                "curl_multi_perform: %s",
                                s_api.multi_strerror(mc));
        if (!running)
            break;
        int64_t now = s_now_ms();
        if (opts && opts->should_abort &&
            now - last_abort_check >= S_TICK_MS) {
            last_abort_check = now;
            if (opts->should_abort(opts->abort_ctx))
                return qc_error_set(err, QC_ERR_INTERRUPTED,
                                    "the transfer was interrupted");
        }
        mc = s_api.multi_poll(m, NULL, 0, S_TICK_MS, NULL);
        if (mc != CURLM_OK)
            return qc_error_set(err, QC_ERR_HTTP, "curl_multi_poll: %s",
                                s_api.multi_strerror(mc));
    }
    CURLcode res = CURLE_FAILED_INIT;
    int msgs = 0;
    CURLMsg *msg;
    while ((msg = s_api.multi_info_read(m, &msgs)) != NULL)
        if (msg->msg == CURLMSG_DONE && msg->easy_handle == e)
            res = msg->data.result;
    if (res != CURLE_OK)
        return s_map_error(res, x, s, proxy != NULL, err);
    curl_socket_t fd = CURL_SOCKET_BAD;
    if (s_api.easy_getinfo(e, CURLINFO_ACTIVESOCKET, &fd) != CURLE_OK ||
        fd == CURL_SOCKET_BAD)
        return qc_error_set(err, QC_ERR_HTTP,
                            "curl gave no socket for the connection");
    s->raw_fd = fd;
    s->raw = 1;
    return QC_OK;
}

/* Calls should_abort when S_TICK_MS have passed since the last call
 * (*last_abort_check). Returns QC_OK, or QC_ERR_INTERRUPTED with err
 * set. */
static int s_raw_abort_check(const qc_send_options *opts,
                             int64_t *last_abort_check, int64_t now,
                             qc_error *err)
{
    if (opts && opts->should_abort && now - *last_abort_check >= S_TICK_MS) {
        *last_abort_check = now;
        if (opts->should_abort(opts->abort_ctx))
            return qc_error_set(err, QC_ERR_INTERRUPTED,
                                "the transfer was interrupted");
    }
    return QC_OK;
}

/* One wait of the direct exchange: checks should_abort (every S_TICK_MS)
 * and the timeout running since *last_activity (limit ms, 0 for none;
 * while sending it is the send timeout, reported as a closed
 * connection), then polls the socket for events for at most one tick.
 * Returns QC_OK, or QC_ERR_INTERRUPTED / _READ_TIMEOUT /
 * _CONNECTION_CLOSED with err set. *revents gets poll's answer. */
static int s_raw_wait(const s_slot *s, short events,
                      const qc_send_options *opts, int64_t *last_abort_check,
                      int64_t last_activity, long limit, int sending,
                      short *revents, qc_error *err)
{
    int64_t now = s_now_ms();
    *revents = 0;
    if (opts && opts->should_abort && now - *last_abort_check >= S_TICK_MS) {
        int rc = s_raw_abort_check(opts, last_abort_check, now, err);
        if (rc)
            return rc;
        now = s_now_ms();
    }
    long wait = S_TICK_MS;
    if (limit > 0) {
        int64_t left = last_activity + limit - now;
        if (left <= 0) {
            if (sending)
                return qc_error_set(err, QC_ERR_CONNECTION_CLOSED,
                                    "timed out sending the request body "
                                    "(%ld ms without progress)",
                                    limit);
            return qc_error_set(err, QC_ERR_READ_TIMEOUT,
                                "no data received for %ld ms", limit);
        }
        if (left < wait)
            wait = (long)left;
    }
    struct pollfd pf = {s->raw_fd, events, 0};
    if (poll(&pf, 1, (int)wait) > 0)
        *revents = pf.revents;
    return QC_OK;
}

/* Returns the message of a failed curl_easy_send / curl_easy_recv. */
static const char *s_raw_detail(const s_slot *s, CURLcode c)
{
    return s->errbuf[0] ? s->errbuf : s_api.easy_strerror(c);
}

/* Reads what the connection has into the reader. Returns QC_OK (*eof
 * set when the connection ended, *got when bytes came), CURLE_AGAIN
 * reported as QC_OK with neither set, or an error with err set. */
static int s_raw_read(s_slot *s, qc_h1_reader *r, int *got, int *eof,
                      size_t *excess, qc_error *err)
{
    qc_buf *rx = &s->raw_rx;
    *got = 0;
    *eof = 0;
    if (rx->cap < 16384 + 1 && qc_buf_reserve(rx, 16384))
        return qc_error_set(err, QC_ERR_NOMEM, "out of memory");
    size_t n = 0;
    s->errbuf[0] = '\0';
    CURLcode c = s_api.easy_recv(s->easy, rx->data, 16384, &n);
    if (c == CURLE_AGAIN)
        return QC_OK;
    if (c != CURLE_OK)
        return qc_error_set(err, QC_ERR_CONNECTION_CLOSED, "%s",
                            s_raw_detail(s, c));
    if (n == 0) {
        *eof = 1;
        return qc_h1_reader_eof(r, err);
    }
    *got = 1;
    size_t used = 0;
    int rc = qc_h1_reader_feed(r, rx->data, n, &used, err);
    if (rc)
        return rc;
    *excess += n - used;
    return QC_OK;
}

/* Sends req on the slot's direct connection (opened or reused) and reads
 * the reply into resp. Returns as s_send; *broken is cleared when the
 * connection may serve the next request. */
static int s_raw_send(s_curl_transport *t, s_slot *s,
                      const qc_http_request *req, const char *proxy,
                      const qc_send_options *opts, s_xfer *x, int *broken,
                      qc_error *err)
{
    const char *m = req->method;
    int cl_where = s_method_expects_body(m) ? S_CL_LATE
                   : req->body.len > 0      ? S_CL_EARLY
                                            : S_CL_NONE;
    int send_body = cl_where != S_CL_NONE;
    int rc;
    *broken = 1;
    s->url_known = 0; /* url_set serves as scratch below */
    if (s_raw_build(t, s, req, cl_where, send_body) ||
        s_raw_key(req, proxy, &s->url_set))
        return qc_error_set(err, QC_ERR_NOMEM,
                            "out of memory building the request");
    if (!(s->raw && s->raw_key.len == s->url_set.len &&
          memcmp(s->raw_key.data, s->url_set.data, s->url_set.len) == 0 &&
          s_raw_alive(s))) {
        qc_buf_reset(&s->raw_key);
        if ((rc = s_raw_connect(t, s, x, req, proxy, opts, err)))
            return rc;
        if (qc_buf_append(&s->raw_key, s->url_set.data, s->url_set.len))
            return qc_error_set(err, QC_ERR_NOMEM, "out of memory");
    }

    qc_h1_reader r;
    qc_h1_reader_init(&r, x->resp, strcmp(m, "HEAD") == 0);
    long read_timeout = opts ? opts->read_timeout_ms : 0;
    long send_timeout = opts ? opts->connect_timeout_ms : 0;
    int64_t now = s_now_ms();
    int64_t last_activity = now, last_abort_check = now;
    size_t excess = 0;
    int got = 0, eof = 0;
    short ev = 0;
    x->connected = 1;

    /* The request, in as few writes as the socket takes. A reply that
     * comes while it goes out is read as it comes. */
    const char *out = s->raw_req.data;
    size_t left = s->raw_req.len;
    int body_out = send_body && req->body.len > 0;
    while (left && !r.done) {
        size_t n = 0;
        s->errbuf[0] = '\0';
        CURLcode c = s_api.easy_send(s->easy, out, left, &n);
        if (c == CURLE_OK && n) {
            out += n;
            left -= n;
            last_activity = s_now_ms();
            /* A socket that keeps taking bytes never waits: the abort
             * check runs here too. */
            if ((rc = s_raw_abort_check(opts, &last_abort_check,
                                        last_activity, err)))
                goto out;
            continue;
        }
        if (c != CURLE_OK && c != CURLE_AGAIN) {
            rc = qc_error_set(err, QC_ERR_CONNECTION_CLOSED, "%s",
                              s_raw_detail(s, c));
            goto out;
        }
        if ((rc = s_raw_wait(s, POLLOUT | POLLIN, opts, &last_abort_check,
                             last_activity,
                             body_out ? send_timeout : read_timeout, body_out,
                             &ev, err)))
            goto out;
        if (ev & POLLIN) {
            if ((rc = s_raw_read(s, &r, &got, &eof, &excess, err)))
                goto out;
            if (got)
                last_activity = s_now_ms();
            if (eof)
                break;
        }
    }
    if (!r.done && left == 0)
        last_activity = s_now_ms();
    /* The reply: try to read before waiting (TLS may hold bytes the
     * socket no longer shows). */
    while (!r.done && !eof) {
        if ((rc = s_raw_read(s, &r, &got, &eof, &excess, err)))
            goto out;
        if (got) {
            last_activity = s_now_ms();
            if ((rc = s_raw_abort_check(opts, &last_abort_check,
                                        last_activity, err)))
                goto out;
            continue;
        }
        if (eof)
            break;
        if ((rc = s_raw_wait(s, POLLIN, opts, &last_abort_check,
                             last_activity, read_timeout, 0, &ev, err)))
            goto out;
    }
    if (!r.done) { /* not reached: the loop ends with done or an error */
        rc = qc_error_set(err, QC_ERR_CONNECTION_CLOSED,
                          "the connection was closed before the reply was "
                          "complete");
        goto out;
    }
    rc = QC_OK;
    /* Reusable when the reply says so, came whole with nothing after it,
     * and the request went out whole. */
    *broken = !(r.keep_alive && !eof && excess == 0 && left == 0);
out:
    qc_h1_reader_clean_up(&r);
    return rc;
}

/* The vtable send: see http.h. */
static int s_send(qc_transport *base, const qc_http_request *req,
                  const qc_send_options *opts, qc_http_response *resp,
                  qc_error *err)
{
    s_curl_transport *t = (s_curl_transport *)base;
    if (!req || !resp || !req->method || !req->scheme.data ||
        !req->host.data)
        return qc_error_set(err, QC_ERR_INVALID_ARG,
                            "incomplete HTTP request");
    s_response_reset(resp);

    s_slot *s = NULL;
    struct curl_slist *hdrs = NULL;
    int broken = 1;
    s_xfer x;
    memset(&x, 0, sizeof(x));
    x.resp = resp;
    x.err = err;
    qc_buf_init(&x.fold, 0);

    int rc = s_slot_acquire(t, opts, &s, err);
    if (rc)
        goto out_no_slot;

    const char *proxy = s_pick_proxy(t, req->scheme.data, req->scheme.len,
                                     req->host.data, req->host.len);
    if (s_raw_eligible(t, req, proxy)) {
        rc = s_raw_send(t, s, req, proxy, opts, &x, &broken, err);
        goto out;
    }
    /* curl's HTTP engine: a direct connection is closed first (the
     * handle is still busy with it). */
    if (s->raw && (rc = s_slot_renew(s, err)))
        goto out;
    s->engine_used = 1;
    qc_buf_reset(&s->url);
    if ((rc = qc_http_request_url(req, &s->url)) != QC_OK) {
        rc = qc_error_set(err, rc, "could not build the request URL");
        goto out;
    }
    if ((rc = s_setup_common(t, s, &x, s->url.data, s->url.len, proxy, opts,
                             err)))
        goto out;

    const char *m = req->method;
    int cl_where = s_method_expects_body(m) ? S_CL_LATE
                   : req->body.len > 0      ? S_CL_EARLY
                                            : S_CL_NONE;
    int send_body = cl_where != S_CL_NONE;
    if ((rc = s_slot_headers(t, s, &req->headers,
                             cl_where == S_CL_LATE ? S_CL_CURL : cl_where,
                             (long long)req->body.len, &hdrs))) {
        rc = qc_error_set(err, rc, "out of memory building headers");
        goto out;
    }
    /* GET without a body, and POST with one, leave the handle fit for the
     * next request; anything else sets options (CURLOPT_CUSTOMREQUEST,
     * CURLOPT_NOBODY) it must not inherit. */
    int is_post = strcmp(m, "POST") == 0;
    if (!(send_body ? is_post : strcmp(m, "GET") == 0))
        s->configured = 0;
    CURL *e = s->easy;
    CURLcode c = CURLE_OK;
    if (hdrs != s->hdrs_set) { /* curl reads the list at each transfer */
        c = s_api.easy_setopt(e, CURLOPT_HTTPHEADER, hdrs);
        s->hdrs_set = c == CURLE_OK ? hdrs : NULL;
    }
    if (send_body) {
        if (!c)
            c = s_api.easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
                                 (curl_off_t)req->body.len);
        if (!c)
            c = s_api.easy_setopt(e, CURLOPT_POSTFIELDS,
                                 req->body.data ? req->body.data : "");
        if (!c && !is_post)
            c = s_api.easy_setopt(e, CURLOPT_CUSTOMREQUEST, m);
    } else if (strcmp(m, "HEAD") == 0) {
        if (!c)
            c = s_api.easy_setopt(e, CURLOPT_NOBODY, 1L);
    } else if (strcmp(m, "GET") == 0) {
        if (!c)
            c = s_api.easy_setopt(e, CURLOPT_HTTPGET, 1L);
    } else if (!c) {
        c = s_api.easy_setopt(e, CURLOPT_CUSTOMREQUEST, m);
    }
    if (c != CURLE_OK) {
        rc = qc_error_set(err, QC_ERR_HTTP, "curl set-up failed: %s",
                          s_api.easy_strerror(c));
        goto out;
    }
    rc = s_run(s, &x, opts, send_body ? (curl_off_t)req->body.len : 0,
               proxy != NULL, NULL, &broken, err);
out:
    s_slot_release(t, s, broken || rc != QC_OK);
out_no_slot:
    qc_buf_clean_up(&x.fold);
    return rc;
}

/* Frees the transport and every pooled handle. */
static void s_destroy(qc_transport *base)
{
    s_curl_transport *t = (s_curl_transport *)base;
    if (!t)
        return;
    pthread_mutex_lock(&s_live_lock);
    if (t->live_prev)
        t->live_prev->live_next = t->live_next;
    else if (s_live == t)
        s_live = t->live_next;
    if (t->live_next)
        t->live_next->live_prev = t->live_prev;
    pthread_mutex_unlock(&s_live_lock);
    if (t->forked && t->slots)
        s_pool_after_fork(t); /* never close the parent's connections */
    for (unsigned i = 0; i < t->n_slots; i++) {
        s_slot_discard(&t->slots[i]);
        qc_buf_clean_up(&t->slots[i].url);
        qc_buf_clean_up(&t->slots[i].url_set);
        qc_buf_clean_up(&t->slots[i].line);
        qc_buf_clean_up(&t->slots[i].raw_key);
        qc_buf_clean_up(&t->slots[i].raw_req);
        qc_buf_clean_up(&t->slots[i].raw_rx);
        free(t->slots[i].nodes);
        free(t->slots[i].socks);
    }
    free(t->slots);
    if (t->share)
        s_api.share_cleanup(t->share);
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_destroy(&t->share_locks[i]);
    pthread_cond_destroy(&t->cond);
    pthread_mutex_destroy(&t->lock);
    free(t->ca_bundle);
    free(t->user_agent);
    free(t->proxy_http);
    free(t->proxy_https);
    free(t->no_proxy);
    free(t);
}

static const qc_transport_vtable s_curl_vtable = {s_send, s_destroy};

/* Returns QC_OK with a new transport in *out (owned by the caller, freed
 * with qc_transport_destroy), or QC_ERR_NOMEM / QC_ERR_HTTP. */
int qc_curl_transport_new(const qc_curl_transport_options *opts,
                          qc_transport **out, qc_error *err)
{
    if (!out)
        return qc_error_set(err, QC_ERR_INVALID_ARG, "out is NULL");
    *out = NULL;
    /* user_agent becomes a header line: a line break would end it early. */
    if (opts && opts->user_agent && strpbrk(opts->user_agent, "\r\n"))
        return qc_error_set(err, QC_ERR_INVALID_ARG,
                            "user_agent must not contain CR or LF");
    /* libcurl itself is loaded, and the share made, at the first send. */
    s_curl_transport *t = calloc(1, sizeof(*t));
    if (!t)
        return qc_error_set(err, QC_ERR_NOMEM, "out of memory");
    t->base.vtable = &s_curl_vtable;
    pthread_mutex_init(&t->lock, NULL);
    s_cond_init(&t->cond);
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_init(&t->share_locks[i], NULL);

    int failed = 0;
    t->verify_ssl = opts ? opts->verify_ssl : 1;
    t->tcp_keepalive = opts ? opts->tcp_keepalive : 0;
    if (opts) {
        t->ca_bundle = s_strdup_opt(opts->ca_bundle, &failed);
        t->user_agent = s_strdup_opt(opts->user_agent, &failed);
        t->proxy_http = s_strdup_opt(opts->proxy_http, &failed);
        t->proxy_https = s_strdup_opt(opts->proxy_https, &failed);
        t->no_proxy = s_strdup_opt(opts->no_proxy, &failed);
    }
    const char *direct = getenv("QC_TRANSPORT_DIRECT");
    t->raw_off = direct && strcmp(direct, "0") == 0;
    t->n_slots = opts && opts->max_connections ? opts->max_connections : 10;
    t->slots = calloc(t->n_slots, sizeof(*t->slots));
    if (failed || !t->slots)
        goto nomem;
    /* LIFO: the slot used last (warm connection) is handed out first. */
    for (unsigned i = t->n_slots; i > 0; i--) {
        s_slot *s = &t->slots[i - 1];
        qc_buf_init(&s->url, 0);
        qc_buf_init(&s->url_set, 0);
        qc_buf_init(&s->line, 0);
        qc_buf_init(&s->raw_key, 0);
        qc_buf_init(&s->raw_req, 0);
        qc_buf_init(&s->raw_rx, 0);
        s->next_free = t->free_list;
        t->free_list = s;
    }

    pthread_once(&s_fork_once, s_fork_install);
    pthread_mutex_lock(&s_live_lock);
    t->live_next = s_live;
    if (s_live)
        s_live->live_prev = t;
    s_live = t;
    pthread_mutex_unlock(&s_live_lock);
    *out = &t->base;
    return QC_OK;
nomem:
    s_destroy(&t->base);
    return qc_error_set(err, QC_ERR_NOMEM, "out of memory");
}

/* ------------------------------------------------------------ put_file */

/* Copies the URL part `what` of url into *out (malloc'd by curl; the caller
 * frees it with curl_free). Returns 0 on success. */
static int s_url_part(CURLU *u, CURLUPart what, char **out)
{
    *out = NULL;
    return s_api.url_get(u, what, out, 0) == CURLUE_OK ? 0 : -1;
}

/* See http.h: streams the file at path as the body of a PUT to url. */
int qc_transport_put_file(qc_transport *base, const char *url,
                          const qc_headers *headers, const char *path,
                          const qc_send_options *opts, qc_http_response *resp,
                          qc_error *err,
                          int (*progress)(void *ctx, uint64_t sent,
                                          uint64_t total),
                          void *progress_ctx)
{
    if (!base || base->vtable != &s_curl_vtable)
        return qc_error_set(err, QC_ERR_INVALID_ARG,
                            "put_file needs a curl transport");
    if (!url || !path || !resp)
        return qc_error_set(err, QC_ERR_INVALID_ARG,
                            "put_file: url, path and resp are required");
    s_curl_transport *t = (s_curl_transport *)base;
    s_response_reset(resp);

    qc_headers none;
    qc_headers_init(&none);
    const qc_headers *h = headers ? headers : &none;
    s_slot *s = NULL;
    struct curl_slist *hdrs = NULL;
    CURLU *u = NULL;
    char *scheme = NULL, *host = NULL, *port = NULL;
    int broken = 1;
    int rc;
    s_xfer x;
    memset(&x, 0, sizeof(x));
    x.resp = resp;
    x.err = err;
    qc_buf_init(&x.fold, 0);
    qc_buf hostport;
    qc_buf_init(&hostport, 0);

    x.upload = fopen(path, "rb");
    if (!x.upload) {
        rc = qc_error_set(err, QC_ERR_INVALID_ARG, "cannot open %s: %s", path,
                          strerror(errno));
        goto out_no_slot;
    }
    struct stat st;
    if (fstat(fileno(x.upload), &st) != 0 || !S_ISREG(st.st_mode)) {
        rc = qc_error_set(err, QC_ERR_INVALID_ARG,
                          "%s is not a regular file", path);
        goto out_no_slot;
    }
    uint64_t total = (uint64_t)st.st_size;

    if ((rc = s_curl_ready(err)))
        goto out_no_slot;
    u = s_api.url();
    if (!u) {
        rc = qc_error_set(err, QC_ERR_NOMEM, "out of memory");
        goto out_no_slot;
    }
    if (s_api.url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        s_url_part(u, CURLUPART_SCHEME, &scheme) ||
        s_url_part(u, CURLUPART_HOST, &host)) {
        rc = qc_error_set(err, QC_ERR_INVALID_ARG, "invalid URL: %s", url);
        goto out_no_slot;
    }
    s_url_part(u, CURLUPART_PORT, &port); /* absent port is fine */
    if (qc_buf_append_str(&hostport, host) ||
        (port && (qc_buf_append_byte(&hostport, ':') ||
                  qc_buf_append_str(&hostport, port)))) {
        rc = qc_error_set(err, QC_ERR_NOMEM, "out of memory");
        goto out_no_slot;
    }
    const char *proxy = s_pick_proxy(t, scheme, strlen(scheme),
                                     hostport.data, hostport.len);

    if ((rc = s_slot_acquire(t, opts, &s, err)))
        goto out_no_slot;
    if (s->raw && (rc = s_slot_renew(s, err)))
        goto out;
    s->engine_used = 1;
    if ((rc = s_setup_common(t, s, &x, url, strlen(url), proxy, opts,
                             err)))
        goto out;
    s->configured = 0; /* the upload options are not for the next request */
    if ((rc = s_build_headers(t, s, h, S_CL_LATE, (long long)total,
                              &hdrs))) {
        rc = qc_error_set(err, rc, "out of memory building headers");
        goto out;
    }
    CURL *e = s->easy;
    CURLcode c = s_api.easy_setopt(e, CURLOPT_HTTPHEADER, hdrs);
    if (!c)
        c = s_api.easy_setopt(e, CURLOPT_UPLOAD, 1L);
    if (!c)
        c = s_api.easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)total);
    if (!c)
        c = s_api.easy_setopt(e, CURLOPT_READFUNCTION, s_on_read);
    if (!c)
        c = s_api.easy_setopt(e, CURLOPT_READDATA, &x);
    if (c != CURLE_OK) {
        rc = qc_error_set(err, QC_ERR_HTTP, "curl set-up failed: %s",
                          s_api.easy_strerror(c));
        goto out;
    }
    s_progress prog = {progress, progress_ctx, total};
    rc = s_run(s, &x, opts, (curl_off_t)total, proxy != NULL,
               progress ? &prog : NULL, &broken, err);
    if (rc == QC_OK && progress && progress(progress_ctx, total, total))
        rc = qc_error_set(err, QC_ERR_CALLBACK,
                          "the progress callback stopped the upload");
out:
    s_slot_release(t, s, broken || rc != QC_OK);
out_no_slot:
    if (hdrs)
        s_api.slist_free_all(hdrs);
    if (scheme)
        s_api.free(scheme);
    if (host)
        s_api.free(host);
    if (port)
        s_api.free(port);
    if (u)
        s_api.url_cleanup(u);
    if (x.upload)
        fclose(x.upload);
    qc_buf_clean_up(&hostport);
    qc_buf_clean_up(&x.fold);
    return rc;
}
