/*
 * test_transport.c — the libcurl and canned transports against the
 * scripted test server. Expected request bytes are the bytes botocore
 * 1.43.11 (urllib3 2.7 / http.client) put on the wire for the same
 * request, captured live from a local socket.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "runner.h"
#include "test_server.h"

/* ------------------------------------------------------------ helpers */

static long long s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Fills r for http://127.0.0.1:port path?query; returns 0 or -1. */
static int s_req(qc_http_request *r, const char *method, int port,
                 const char *path, const char *query, const char *body,
                 size_t body_len)
{
    qc_http_request_init(r);
    r->method = method;
    if (qc_buf_append_str(&r->scheme, "http") ||
        qc_buf_appendf(&r->host, "127.0.0.1:%d", port) ||
        qc_buf_append_str(&r->path, path) ||
        (query && qc_buf_append_str(&r->query, query)) ||
        (body && qc_buf_append(&r->body, body, body_len)))
        return -1;
    return 0;
}

/* Adds header (name, value); returns 0 or -1. */
static int s_hdr(qc_http_request *r, const char *name, const char *value)
{
    return qc_headers_add(&r->headers, name, strlen(name), value,
                          strlen(value)) == QC_OK
               ? 0
               : -1;
}

/* Returns the value of response header name (exact case), or NULL. */
static const char *s_resp_hdr(const qc_http_response *resp, const char *name)
{
    for (size_t i = 0; i < resp->headers.len; i++)
        if (strcmp(resp->headers.items[i].name, name) == 0)
            return resp->headers.items[i].value;
    return NULL;
}

/* Returns a new curl transport with max_conns slots (NULL on failure). */
static qc_transport *s_transport(unsigned max_conns)
{
    qc_curl_transport_options o;
    memset(&o, 0, sizeof(o));
    o.max_connections = max_conns;
    o.verify_ssl = 1;
    qc_transport *t = NULL;
    qc_error err;
    qc_error_init(&err);
    int rc = qc_curl_transport_new(&o, &t, &err);
    qc_error_clean_up(&err);
    return rc == QC_OK ? t : NULL;
}

static qc_send_options s_opts(long connect_ms, long read_ms)
{
    qc_send_options o;
    memset(&o, 0, sizeof(o));
    o.connect_timeout_ms = connect_ms;
    o.read_timeout_ms = read_ms;
    return o;
}

/* Returns a port on 127.0.0.1 with nothing listening (best effort). */
static int s_dead_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        if (fd >= 0)
            close(fd);
        return 1;
    }
    close(fd);
    return ntohs(a.sin_port);
}

/* One GET/POST through a fresh transport and server; *got receives the
 * raw request bytes (malloc'd). Returns the send result. */
static int s_round_trip(qc_http_request *req, const qc_ts_reply *reply,
                        qc_http_response *resp, char **got, size_t *got_len)
{
    qc_test_server *srv = qc_test_server_start(reply);
    if (!srv)
        return -1;
    qc_buf_reset(&req->host);
    if (qc_buf_appendf(&req->host, "127.0.0.1:%d", qc_test_server_port(srv)))
        return -1;
    qc_transport *t = s_transport(2);
    if (!t)
        return -1;
    qc_send_options o = s_opts(2000, 5000);
    qc_error err;
    qc_error_init(&err);
    int rc = qc_transport_send(t, req, &o, resp, &err);
    qc_error_clean_up(&err);
    qc_transport_destroy(t);
    *got = qc_test_server_received(srv, got_len);
    qc_test_server_stop(srv);
    return rc;
}

#define S_UA                                                                  \
    "Boto3/1.43.11 md/Botocore#1.43.11 ua/2.1 os/linux#6.18.44-fc-v669 "      \
    "md/arch#x86_64 lang/python#3.11.7 md/pyimpl#CPython m/D,Z,N,b,e "       \
    "cfg/retry-mode#legacy Botocore/1.43.11"

/* ------------------------------------------------------------ wire bytes */

QC_TEST(transport_get_wire_bytes)
{
    qc_http_request req;
    QC_CHECK(s_req(&req, "GET", 0, "/assistants", "maxResults=5", NULL, 0) ==
             0);
    QC_CHECK(s_hdr(&req, "User-Agent", S_UA) == 0);
    QC_CHECK(s_hdr(&req, "X-Amz-Date", "20261129T100402Z") == 0);
    QC_CHECK(s_hdr(&req, "Authorization",
                   "AWS4-HMAC-SHA256 Credential=AK/20261129/us-east-1/wisdom/"
                   "aws4_request, SignedHeaders=host;x-amz-date, Signature="
                   "8abf8d53d7275c811fa513cb35dc38ec4dcf7221f27d7b30d88e9e4cc"
                   "a417649") == 0);
    QC_CHECK(s_hdr(&req, "amz-sdk-invocation-id",
                   "40f4a079-97a3-414b-a8d0-28258d815d51") == 0);
    QC_CHECK(s_hdr(&req, "amz-sdk-request", "attempt=1") == 0);

    qc_ts_reply reply;
    memset(&reply, 0, sizeof(reply));
    reply.headers = "Date: Sun, 29 Nov 2026 10:04:02 GMT\r\n"
                    "Content-Type: application/json\r\n"
                    "x-amzn-RequestId: 5b2f4a1e-0000-4000-8000-000000000001\r\n";
    reply.body = "{\"assistantSummaries\":[]}";
    reply.body_len = strlen(reply.body);

    qc_http_response resp;
    qc_http_response_init(&resp);
    char *got = NULL;
    size_t got_len = 0;
    QC_CHECK_EQ_INT(s_round_trip(&req, &reply, &resp, &got, &got_len), QC_OK);

    char expected[2048];
    snprintf(expected, sizeof(expected),
             "GET /assistants?maxResults=5 HTTP/1.1\r\n"
             "Host: %s\r\n"
             "Accept-Encoding: identity\r\n"
             "User-Agent: " S_UA "\r\n"
             "X-Amz-Date: 20261129T100402Z\r\n"
             "Authorization: AWS4-HMAC-SHA256 Credential=AK/20261129/us-east-1"
             "/wisdom/aws4_request, SignedHeaders=host;x-amz-date, Signature="
             "8abf8d53d7275c811fa513cb35dc38ec4dcf7221f27d7b30d88e9e4cca417649"
             "\r\n"
             "amz-sdk-invocation-id: 40f4a079-97a3-414b-a8d0-28258d815d51\r\n"
             "amz-sdk-request: attempt=1\r\n"
             "\r\n",
             req.host.data);
    QC_CHECK_EQ_MEM(got, got_len, expected, strlen(expected));

    QC_CHECK_EQ_INT(resp.status, 200);
    QC_CHECK_EQ_INT(resp.headers.len, 4);
    QC_CHECK_EQ_STR(resp.headers.items[0].name, "Date");
    QC_CHECK_EQ_STR(resp.headers.items[0].value,
                    "Sun, 29 Nov 2026 10:04:02 GMT");
    QC_CHECK_EQ_STR(resp.headers.items[1].name, "Content-Type");
    QC_CHECK_EQ_STR(resp.headers.items[1].value, "application/json");
    QC_CHECK_EQ_STR(resp.headers.items[2].name, "x-amzn-RequestId");
    QC_CHECK_EQ_STR(resp.headers.items[2].value,
                    "5b2f4a1e-0000-4000-8000-000000000001");
    QC_CHECK_EQ_STR(resp.headers.items[3].name, "Content-Length");
    QC_CHECK_EQ_STR(resp.headers.items[3].value, "25");
    QC_CHECK_EQ_MEM(resp.body.data, resp.body.len,
                    "{\"assistantSummaries\":[]}", 25);
    free(got);
    qc_http_response_clean_up(&resp);
    qc_http_request_clean_up(&req);
}

QC_TEST(transport_post_wire_bytes)
{
    static const char body[] =
        "{\"name\": \"x\", \"type\": \"AGENT\", \"clientToken\": \"t\"}";
    qc_http_request req;
    QC_CHECK(s_req(&req, "POST", 0, "/assistants", NULL, body,
                   sizeof(body) - 1) == 0);
    QC_CHECK(s_hdr(&req, "Content-Type", "application/json") == 0);
    QC_CHECK(s_hdr(&req, "User-Agent", S_UA) == 0);
    QC_CHECK(s_hdr(&req, "X-Amz-Date", "20261129T100402Z") == 0);
    QC_CHECK(s_hdr(&req, "Authorization",
                   "AWS4-HMAC-SHA256 Credential=AK/20261129/us-east-1/wisdom/"
                   "aws4_request, SignedHeaders=content-type;host;x-amz-date, "
                   "Signature=33dcd09f34a2a619317aa71bf674f0ee65b8450e1f2128de"
                   "0d16068dc358da13") == 0);
    QC_CHECK(s_hdr(&req, "amz-sdk-invocation-id",
                   "4c266d2d-35c5-4ac8-9d8f-278a6ddb99ef") == 0);
    QC_CHECK(s_hdr(&req, "amz-sdk-request", "attempt=1") == 0);
    QC_CHECK(s_hdr(&req, "Content-Length", "50") == 0);

    qc_ts_reply reply;
    memset(&reply, 0, sizeof(reply));
    reply.status = 400;
    reply.headers = "x-amzn-ErrorType: ValidationException\r\n";
    reply.body = "{\"message\":\"bad\"}";
    reply.body_len = strlen(reply.body);
    qc_http_response resp;
    qc_http_response_init(&resp);
    char *got = NULL;
    size_t got_len = 0;
    QC_CHECK_EQ_INT(s_round_trip(&req, &reply, &resp, &got, &got_len), QC_OK);

    char expected[2048];
    snprintf(expected, sizeof(expected),
             "POST /assistants HTTP/1.1\r\n"
             "Host: %s\r\n"
             "Accept-Encoding: identity\r\n"
             "Content-Type: application/json\r\n"
             "User-Agent: " S_UA "\r\n"
             "X-Amz-Date: 20261129T100402Z\r\n"
             "Authorization: AWS4-HMAC-SHA256 Credential=AK/20261129/us-east-1"
             "/wisdom/aws4_request, SignedHeaders=content-type;host;x-amz-date"
             ", Signature=33dcd09f34a2a619317aa71bf674f0ee65b8450e1f2128de0d1"
             "6068dc358da13\r\n"
             "amz-sdk-invocation-id: 4c266d2d-35c5-4ac8-9d8f-278a6ddb99ef\r\n"
             "amz-sdk-request: attempt=1\r\n"
             "Content-Length: 50\r\n"
             "\r\n%s",
             req.host.data, body);
    QC_CHECK_EQ_MEM(got, got_len, expected, strlen(expected));
    QC_CHECK_EQ_INT(resp.status, 400);
    QC_CHECK_EQ_STR(s_resp_hdr(&resp, "x-amzn-ErrorType"),
                    "ValidationException");
    QC_CHECK_EQ_MEM(resp.body.data, resp.body.len, "{\"message\":\"bad\"}",
                    17);
    free(got);
    qc_http_response_clean_up(&resp);
    qc_http_request_clean_up(&req);
}

QC_TEST(transport_delete_wire_bytes)
{
    qc_http_request req;
    QC_CHECK(s_req(&req, "DELETE", 0, "/assistants/a", NULL, NULL, 0) == 0);
    QC_CHECK(s_hdr(&req, "User-Agent", "ua/1") == 0);
    QC_CHECK(s_hdr(&req, "Content-Length", "0") == 0);
    qc_http_response resp;
    qc_http_response_init(&resp);
    char *got = NULL;
    size_t got_len = 0;
    QC_CHECK_EQ_INT(s_round_trip(&req, NULL, &resp, &got, &got_len), QC_OK);
    char expected[512];
    snprintf(expected, sizeof(expected),
             "DELETE /assistants/a HTTP/1.1\r\nHost: %s\r\n"
             "Accept-Encoding: identity\r\nUser-Agent: ua/1\r\n"
             "Content-Length: 0\r\n\r\n",
             req.host.data);
    QC_CHECK_EQ_MEM(got, got_len, expected, strlen(expected));
    QC_CHECK_EQ_INT(resp.status, 200);
    QC_CHECK_EQ_INT(resp.body.len, 0);
    free(got);
    qc_http_response_clean_up(&resp);
    qc_http_request_clean_up(&req);
}

/* Without a Content-Length header the transport frames the body where
 * botocore's whole stack does (captured live through AWSRequest.prepare()
 * and URLLib3Session): last for every method but GET/HEAD/OPTIONS, even
 * when empty; for those three only with a body, after Accept-Encoding. */
QC_TEST(transport_framing_added_like_botocore)
{
    static const struct {
        const char *method;
        const char *body;
        const char *expected_fmt;
    } cases[] = {
        {"GET", "abc",
         "GET /p HTTP/1.1\r\nHost: %s\r\nAccept-Encoding: identity\r\n"
         "Content-Length: 3\r\nUser-Agent: ua/1\r\nX-A: 1\r\n\r\nabc"},
        {"GET", NULL,
         "GET /p HTTP/1.1\r\nHost: %s\r\nAccept-Encoding: identity\r\n"
         "User-Agent: ua/1\r\nX-A: 1\r\n\r\n"},
        {"POST", NULL,
         "POST /p HTTP/1.1\r\nHost: %s\r\nAccept-Encoding: identity\r\n"
         "User-Agent: ua/1\r\nX-A: 1\r\nContent-Length: 0\r\n\r\n"},
        {"DELETE", NULL,
         "DELETE /p HTTP/1.1\r\nHost: %s\r\nAccept-Encoding: identity\r\n"
         "User-Agent: ua/1\r\nX-A: 1\r\nContent-Length: 0\r\n\r\n"},
        {"PUT", "xy",
         "PUT /p HTTP/1.1\r\nHost: %s\r\nAccept-Encoding: identity\r\n"
         "User-Agent: ua/1\r\nX-A: 1\r\nContent-Length: 2\r\n\r\nxy"},
        {"HEAD", NULL,
         "HEAD /p HTTP/1.1\r\nHost: %s\r\nAccept-Encoding: identity\r\n"
         "User-Agent: ua/1\r\nX-A: 1\r\n\r\n"},
        {"OPTIONS", "q",
         "OPTIONS /p HTTP/1.1\r\nHost: %s\r\nAccept-Encoding: identity\r\n"
         "Content-Length: 1\r\nUser-Agent: ua/1\r\nX-A: 1\r\n\r\nq"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        qc_http_request req;
        const char *b = cases[i].body;
        QC_CHECK(s_req(&req, cases[i].method, 0, "/p", NULL, b,
                       b ? strlen(b) : 0) == 0);
        QC_CHECK(s_hdr(&req, "User-Agent", "ua/1") == 0);
        QC_CHECK(s_hdr(&req, "X-A", "1") == 0);
        qc_http_response resp;
        qc_http_response_init(&resp);
        char *got = NULL;
        size_t got_len = 0;
        QC_CHECK_EQ_INT(s_round_trip(&req, NULL, &resp, &got, &got_len),
                        QC_OK);
        char expected[512];
        snprintf(expected, sizeof(expected), cases[i].expected_fmt,
                 req.host.data);
        QC_CHECK_EQ_MEM(got, got_len, expected, strlen(expected));
        free(got);
        qc_http_response_clean_up(&resp);
        qc_http_request_clean_up(&req);
    }
}

/* A 2 MB binary body (NUL bytes included): curl would add "Expect:
 * 100-continue"; http.client does not. The whole body arrives intact. */
QC_TEST(transport_large_post_no_expect)
{
    size_t n = 2000000;
    char *body = malloc(n);
    QC_CHECK(body != NULL);
    for (size_t i = 0; i < n; i++)
        body[i] = (char)(i % 251);
    qc_http_request req;
    QC_CHECK(s_req(&req, "POST", 0, "/big", NULL, body, n) == 0);
    QC_CHECK(s_hdr(&req, "User-Agent", "ua/1") == 0);
    qc_http_response resp;
    qc_http_response_init(&resp);
    char *got = NULL;
    size_t got_len = 0;
    QC_CHECK_EQ_INT(s_round_trip(&req, NULL, &resp, &got, &got_len), QC_OK);
    char head[512];
    snprintf(head, sizeof(head),
             "POST /big HTTP/1.1\r\nHost: %s\r\nAccept-Encoding: identity\r\n"
             "User-Agent: ua/1\r\nContent-Length: 2000000\r\n\r\n",
             req.host.data);
    size_t hl = strlen(head);
    QC_CHECK_EQ_INT(got_len, hl + n);
    QC_CHECK_EQ_MEM(got, hl, head, hl);
    QC_CHECK(memcmp(got + hl, body, n) == 0);
    free(got);
    free(body);
    qc_http_response_clean_up(&resp);
    qc_http_request_clean_up(&req);
}

/* The configured User-Agent goes where urllib3 puts its default one. */
QC_TEST(transport_user_agent_option)
{
    qc_test_server *srv = qc_test_server_start(NULL);
    QC_CHECK(srv != NULL);
    qc_curl_transport_options o;
    memset(&o, 0, sizeof(o));
    o.user_agent = "qc-test/1.0";
    qc_transport *t = NULL;
    QC_CHECK_EQ_INT(qc_curl_transport_new(&o, &t, NULL), QC_OK);
    qc_http_request req;
    QC_CHECK(s_req(&req, "GET", qc_test_server_port(srv), "/", NULL, NULL,
                   0) == 0);
    QC_CHECK(s_hdr(&req, "X-A", "1") == 0);
    qc_http_response resp;
    qc_http_response_init(&resp);
    qc_send_options so = s_opts(2000, 5000);
    QC_CHECK_EQ_INT(qc_transport_send(t, &req, &so, &resp, NULL), QC_OK);
    /* A request carrying its own User-Agent keeps it. */
    QC_CHECK(s_hdr(&req, "User-Agent", "mine/2") == 0);
    QC_CHECK_EQ_INT(qc_transport_send(t, &req, &so, &resp, NULL), QC_OK);
    size_t got_len = 0;
    char *got = qc_test_server_received(srv, &got_len);
    char expected[512];
    snprintf(expected, sizeof(expected),
             "GET / HTTP/1.1\r\nHost: %s\r\nAccept-Encoding: identity\r\n"
             "User-Agent: qc-test/1.0\r\nX-A: 1\r\n\r\n"
             "GET / HTTP/1.1\r\nHost: %s\r\nAccept-Encoding: identity\r\n"
             "X-A: 1\r\nUser-Agent: mine/2\r\n\r\n",
             req.host.data, req.host.data);
    QC_CHECK_EQ_MEM(got, got_len, expected, strlen(expected));
    free(got);
    qc_http_response_clean_up(&resp);
    qc_http_request_clean_up(&req);
    qc_transport_destroy(t);
    qc_test_server_stop(srv);
}

QC_TEST(transport_user_agent_option_rejects_line_breaks)
{
    /* The option becomes a header line: a CR or LF would end it early and
     * start another (header injection). Refused when the transport is
     * made, naming the option. */
    static const char *const bad[] = {"qc\r\nX-Injected: 1", "qc\n", "\rqc",
                                      "\r\n", "a\rb\nc"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        qc_curl_transport_options o;
        memset(&o, 0, sizeof(o));
        o.user_agent = bad[i];
        static char sentinel;
        qc_transport *t = (qc_transport *)(void *)&sentinel; /* set to NULL */
        qc_error err;
        qc_error_init(&err);
        int rc = qc_curl_transport_new(&o, &t, &err);
        int null_out = t == NULL;
        char msg[128];
        snprintf(msg, sizeof msg, "%s", qc_error_text(&err));
        qc_error_clean_up(&err);
        if (rc == QC_OK)
            qc_transport_destroy(t);
        QC_CHECK_EQ_INT(rc, QC_ERR_INVALID_ARG);
        QC_CHECK(null_out);
        QC_CHECK_EQ_STR(msg, "user_agent must not contain CR or LF");
    }
    /* Without an error object too. */
    qc_curl_transport_options o;
    memset(&o, 0, sizeof(o));
    o.user_agent = "x\ny";
    qc_transport *t = NULL;
    QC_CHECK_EQ_INT(qc_curl_transport_new(&o, &t, NULL), QC_ERR_INVALID_ARG);
    QC_CHECK(t == NULL);
    /* Other characters are the caller's business, as before. */
    o.user_agent = "qc/1.0 (x86_64; \t\xc3\xa9)";
    QC_CHECK_EQ_INT(qc_curl_transport_new(&o, &t, NULL), QC_OK);
    qc_transport_destroy(t);
}

/* ------------------------------------------------------------ replies */

QC_TEST(transport_head_request)
{
    qc_ts_reply reply;
    memset(&reply, 0, sizeof(reply));
    reply.headers = "Content-Length: 123\r\nX-A: b\r\n";
    qc_http_request req;
    QC_CHECK(s_req(&req, "HEAD", 0, "/h", NULL, NULL, 0) == 0);
    qc_http_response resp;
    qc_http_response_init(&resp);
    char *got = NULL;
    size_t got_len = 0;
    QC_CHECK_EQ_INT(s_round_trip(&req, &reply, &resp, &got, &got_len), QC_OK);
    QC_CHECK_EQ_INT(resp.status, 200);
    QC_CHECK_EQ_STR(s_resp_hdr(&resp, "X-A"), "b");
    QC_CHECK_EQ_INT(resp.body.len, 0);
    char expected[256];
    snprintf(expected, sizeof(expected),
             "HEAD /h HTTP/1.1\r\nHost: %s\r\nAccept-Encoding: identity\r\n"
             "\r\n",
             req.host.data);
    QC_CHECK_EQ_MEM(got, got_len, expected, strlen(expected));
    free(got);
    qc_http_response_clean_up(&resp);
    qc_http_request_clean_up(&req);
}

QC_TEST(transport_100_continue_then_reply)
{
    qc_ts_reply reply;
    memset(&reply, 0, sizeof(reply));
    reply.action = QC_TS_CONTINUE;
    reply.status = 201;
    reply.headers = "X-Final: 1\r\n";
    reply.body = "done";
    reply.body_len = 4;
    qc_http_request req;
    QC_CHECK(s_req(&req, "POST", 0, "/c", NULL, "x", 1) == 0);
    qc_http_response resp;
    qc_http_response_init(&resp);
    char *got = NULL;
    size_t got_len = 0;
    QC_CHECK_EQ_INT(s_round_trip(&req, &reply, &resp, &got, &got_len), QC_OK);
    QC_CHECK_EQ_INT(resp.status, 201);
    QC_CHECK(s_resp_hdr(&resp, "X-Interim") == NULL);
    QC_CHECK_EQ_STR(s_resp_hdr(&resp, "X-Final"), "1");
    QC_CHECK_EQ_INT(resp.headers.len, 2);
    QC_CHECK_EQ_MEM(resp.body.data, resp.body.len, "done", 4);
    free(got);
    qc_http_response_clean_up(&resp);
    qc_http_request_clean_up(&req);
}

/* A folded (obs-fold) value is joined with one space; a value keeps its
 * trailing spaces as http.client does. */
QC_TEST(transport_folded_header)
{
    qc_ts_reply reply;
    memset(&reply, 0, sizeof(reply));
    reply.headers = "X-A: one\r\n  two\r\n\tthree\r\nX-B:  padded  \r\n";
    qc_http_request req;
    QC_CHECK(s_req(&req, "GET", 0, "/", NULL, NULL, 0) == 0);
    qc_http_response resp;
    qc_http_response_init(&resp);
    char *got = NULL;
    size_t got_len = 0;
    QC_CHECK_EQ_INT(s_round_trip(&req, &reply, &resp, &got, &got_len), QC_OK);
    QC_CHECK_EQ_STR(s_resp_hdr(&resp, "X-A"), "one two three");
    QC_CHECK_EQ_STR(s_resp_hdr(&resp, "X-B"), "padded  ");
    free(got);
    qc_http_response_clean_up(&resp);
    qc_http_request_clean_up(&req);
}

/* http.client accepts at most 99 header lines; botocore reports more as
 * ConnectionClosedError (checked live: 99 lines pass, 100 fail). */
QC_TEST(transport_header_count_limit)
{
    for (int extra = 0; extra < 2; extra++) {
        qc_ts_reply reply;
        memset(&reply, 0, sizeof(reply));
        reply.fill_headers = 98 + (size_t)extra; /* + Content-Length */
        qc_http_request req;
        QC_CHECK(s_req(&req, "GET", 0, "/", NULL, NULL, 0) == 0);
        qc_http_response resp;
        qc_http_response_init(&resp);
        char *got = NULL;
        size_t got_len = 0;
        int rc = s_round_trip(&req, &reply, &resp, &got, &got_len);
        if (extra == 0) {
            QC_CHECK_EQ_INT(rc, QC_OK);
            QC_CHECK_EQ_INT(resp.headers.len, 99);
        } else {
            QC_CHECK_EQ_INT(rc, QC_ERR_CONNECTION_CLOSED);
        }
        free(got);
        qc_http_response_clean_up(&resp);
        qc_http_request_clean_up(&req);
    }
}

/* A header line of more than 65536 bytes (CRLF included) fails as in
 * http.client; exactly 65536 passes. */
QC_TEST(transport_header_line_limit)
{
    for (int extra = 0; extra < 2; extra++) {
        size_t vlen = 65536 - 7 + (size_t)extra; /* "X-L: " + v + CRLF */
        char *h = malloc(vlen + 8);
        QC_CHECK(h != NULL);
        memcpy(h, "X-L: ", 5);
        memset(h + 5, 'a', vlen);
        memcpy(h + 5 + vlen, "\r\n", 3);
        qc_ts_reply reply;
        memset(&reply, 0, sizeof(reply));
        reply.headers = h;
        qc_http_request req;
        QC_CHECK(s_req(&req, "GET", 0, "/", NULL, NULL, 0) == 0);
        qc_http_response resp;
        qc_http_response_init(&resp);
        char *got = NULL;
        size_t got_len = 0;
        int rc = s_round_trip(&req, &reply, &resp, &got, &got_len);
        if (extra == 0) {
            QC_CHECK_EQ_INT(rc, QC_OK);
            QC_CHECK_EQ_INT(strlen(s_resp_hdr(&resp, "X-L")), vlen);
        } else {
            QC_CHECK_EQ_INT(rc, QC_ERR_CONNECTION_CLOSED);
        }
        free(h);
        free(got);
        qc_http_response_clean_up(&resp);
        qc_http_request_clean_up(&req);
    }
}

/* ------------------------------------------------------------ connections */

QC_TEST(transport_keep_alive_reuse)
{
    qc_test_server *srv = qc_test_server_start(NULL);
    QC_CHECK(srv != NULL);
    qc_transport *t = s_transport(4);
    QC_CHECK(t != NULL);
    qc_send_options so = s_opts(2000, 5000);
    for (int i = 0; i < 10; i++) {
        qc_http_request req;
        QC_CHECK(s_req(&req, i % 2 ? "POST" : "GET",
                       qc_test_server_port(srv), "/k", NULL,
                       i % 2 ? "{}" : NULL, i % 2 ? 2 : 0) == 0);
        qc_http_response resp;
        qc_http_response_init(&resp);
        QC_CHECK_EQ_INT(qc_transport_send(t, &req, &so, &resp, NULL), QC_OK);
        QC_CHECK_EQ_INT(resp.status, 200);
        qc_http_response_clean_up(&resp);
        qc_http_request_clean_up(&req);
    }
    QC_CHECK_EQ_INT(qc_test_server_requests(srv), 10);
    QC_CHECK_EQ_INT(qc_test_server_connections(srv), 1);
    qc_transport_destroy(t);
    qc_test_server_stop(srv);
}

/* One request of the sequence below: method, path, query, body, and an
 * own Content-Length header when cl is set. */
typedef struct {
    const char *method;
    const char *path;
    const char *query;
    const char *body;
    const char *cl;
} s_seq_req;

/* Sends r through t to port; appends the bytes the server received for it
 * (from *seen on) to out. Returns 0 or -1. */
static int s_seq_send(qc_transport *t, qc_test_server *srv, const s_seq_req *r,
                      size_t *seen, qc_buf *out)
{
    qc_http_request req;
    int rc = -1;
    if (s_req(&req, r->method, qc_test_server_port(srv), r->path, r->query,
              r->body, r->body ? strlen(r->body) : 0) ||
        s_hdr(&req, "X-A", r->path) ||
        (r->cl && s_hdr(&req, "Content-Length", r->cl)))
        goto out;
    qc_http_response resp;
    qc_http_response_init(&resp);
    qc_send_options so = s_opts(2000, 5000);
    int sent = qc_transport_send(t, &req, &so, &resp, NULL);
    qc_http_response_clean_up(&resp);
    size_t len = 0;
    char *all = qc_test_server_received(srv, &len);
    if (sent == QC_OK && all && len >= *seen &&
        qc_buf_append(out, all + *seen, len - *seen) == QC_OK) {
        *seen = len;
        rc = 0;
    }
    free(all);
out:
    qc_http_request_clean_up(&req);
    return rc;
}

/* A pooled handle keeps the options every request shares and gets only
 * what differs: a sequence of requests of different methods, URLs and
 * bodies through one connection puts on the wire exactly the bytes each
 * request gets from a transport of its own. */
QC_TEST(transport_reused_handle_sends_like_fresh)
{
    static const s_seq_req seq[] = {
        {"GET", "/a", NULL, NULL, NULL},
        {"POST", "/b", NULL, "{}", NULL},
        {"POST", "/b", NULL, "{\"k\": 1}", NULL},
        {"GET", "/a", "q=1", NULL, NULL},
        {"DELETE", "/b", NULL, NULL, NULL},
        {"POST", "/c", NULL, "xyz", "3"},
        {"HEAD", "/a", NULL, NULL, NULL},
        {"POST", "/b", NULL, "", NULL},
        {"PUT", "/d", NULL, "pp", NULL},
        {"GET", "/a", NULL, "g", NULL},
        {"GET", "/a", NULL, NULL, NULL},
        {"POST", "/b", NULL, "{}", NULL},
        {"OPTIONS", "/o", NULL, "q", NULL},
        {"POST", "/b", NULL, "{}", NULL},
        {"GET", "/a", NULL, "g", NULL},
        {"POST", "/b", NULL, "{}", NULL},
    };
    size_t n = sizeof(seq) / sizeof(seq[0]);
    qc_test_server *srv = qc_test_server_start(NULL);
    QC_CHECK(srv != NULL);
    qc_buf fresh, reused;
    qc_buf_init(&fresh, 0);
    qc_buf_init(&reused, 0);
    size_t seen = 0;
    for (size_t i = 0; i < n; i++) {
        qc_transport *t = s_transport(1);
        QC_CHECK(t != NULL);
        QC_CHECK(s_seq_send(t, srv, &seq[i], &seen, &fresh) == 0);
        qc_transport_destroy(t);
    }
    size_t conns = qc_test_server_connections(srv);
    qc_transport *t = s_transport(1);
    QC_CHECK(t != NULL);
    for (size_t i = 0; i < n; i++)
        QC_CHECK(s_seq_send(t, srv, &seq[i], &seen, &reused) == 0);
    qc_transport_destroy(t);
    QC_CHECK_EQ_INT(qc_test_server_connections(srv) - conns, 1);
    QC_CHECK(fresh.len > 0);
    QC_CHECK_EQ_MEM(reused.data, reused.len, fresh.data, fresh.len);
    qc_buf_clean_up(&fresh);
    qc_buf_clean_up(&reused);
    qc_test_server_stop(srv);
}

QC_TEST(transport_connection_refused)
{
    qc_transport *t = s_transport(1);
    QC_CHECK(t != NULL);
    qc_http_request req;
    QC_CHECK(s_req(&req, "GET", s_dead_port(), "/", NULL, NULL, 0) == 0);
    qc_http_response resp;
    qc_http_response_init(&resp);
    qc_error err;
    qc_error_init(&err);
    qc_send_options so = s_opts(2000, 2000);
    QC_CHECK_EQ_INT(qc_transport_send(t, &req, &so, &resp, &err),
                    QC_ERR_CONNECT);
    QC_CHECK_EQ_INT(err.code, QC_ERR_CONNECT);
    QC_CHECK(err.message != NULL && strlen(err.message) > 0);
    QC_CHECK_EQ_INT(resp.status, 0);
    qc_error_clean_up(&err);
    qc_http_response_clean_up(&resp);
    qc_http_request_clean_up(&req);
    qc_transport_destroy(t);
}

/* Returns the send result for an unresolvable host, looked up inside a
 * fresh network namespace (as root) so no query leaves the machine; -1
 * when the namespace cannot be made. Runs in a child process. */
static int s_resolve_in_empty_netns(void)
{
    if (unshare(CLONE_NEWNET) != 0)
        return -1;
    qc_transport *t = s_transport(1);
    if (!t)
        return -2;
    qc_http_request req;
    if (s_req(&req, "GET", 80, "/", NULL, NULL, 0) != 0)
        return -3;
    qc_buf_reset(&req.host);
    if (qc_buf_append_str(&req.host, "no-such-host.invalid") != 0)
        return -4;
    qc_http_response resp;
    qc_http_response_init(&resp);
    qc_send_options so = s_opts(30000, 2000);
    int rc = qc_transport_send(t, &req, &so, &resp, NULL);
    qc_http_response_clean_up(&resp);
    qc_http_request_clean_up(&req);
    qc_transport_destroy(t);
    return rc;
}

QC_TEST(transport_unresolvable_host)
{
    fflush(NULL);
    pid_t pid = fork();
    QC_CHECK(pid >= 0);
    if (pid == 0) {
        int rc = s_resolve_in_empty_netns();
        _exit(rc == QC_ERR_CONNECT ? 0 : rc < 0 ? 100 - rc : 50);
    }
    int status = 0;
    QC_CHECK(waitpid(pid, &status, 0) == pid);
    /* 101: no network namespace could be made (the tests run as root). */
    QC_CHECK(WIFEXITED(status));
    QC_CHECK_EQ_INT(WEXITSTATUS(status), 0);
}

/* A listener whose accept queue is full drops new SYNs, so the connect
 * phase never ends. */
QC_TEST(transport_connect_timeout)
{
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    QC_CHECK(lfd >= 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof(a);
    QC_CHECK(bind(lfd, (struct sockaddr *)&a, sizeof(a)) == 0);
    QC_CHECK(listen(lfd, 0) == 0);
    QC_CHECK(getsockname(lfd, (struct sockaddr *)&a, &alen) == 0);
    int fillers[4];
    for (int i = 0; i < 4; i++) {
        fillers[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        QC_CHECK(fillers[i] >= 0);
        (void)connect(fillers[i], (struct sockaddr *)&a, sizeof(a));
    }
    usleep(50000);
    qc_transport *t = s_transport(1);
    QC_CHECK(t != NULL);
    qc_http_request req;
    QC_CHECK(s_req(&req, "GET", ntohs(a.sin_port), "/", NULL, NULL, 0) == 0);
    qc_http_response resp;
    qc_http_response_init(&resp);
    qc_send_options so = s_opts(300, 5000);
    long long t0 = s_now_ms();
    int rc = qc_transport_send(t, &req, &so, &resp, NULL);
    long long dt = s_now_ms() - t0;
    QC_CHECK_EQ_INT(rc, QC_ERR_CONNECT_TIMEOUT);
    QC_CHECK(dt >= 250 && dt < 1000);
    qc_http_response_clean_up(&resp);
    qc_http_request_clean_up(&req);
    qc_transport_destroy(t);
    for (int i = 0; i < 4; i++)
        close(fillers[i]);
    close(lfd);
}

/* Sends a GET to port and returns its result (a warm-up call). */
static int s_warm_up(qc_transport *t, int port)
{
    qc_http_request req;
    if (s_req(&req, "GET", port, "/warm", NULL, NULL, 0))
        return -1;
    qc_http_response resp;
    qc_http_response_init(&resp);
    qc_send_options so = s_opts(5000, 5000);
    int rc = qc_transport_send(t, &req, &so, &resp, NULL);
    qc_http_response_clean_up(&resp);
    qc_http_request_clean_up(&req);
    return rc;
}

QC_TEST(transport_read_timeout)
{
    qc_ts_reply reply;
    memset(&reply, 0, sizeof(reply));
    reply.action = QC_TS_STALL;
    reply.stall_ms = 3000;
    qc_test_server *srv = qc_test_server_start(NULL);
    QC_CHECK(srv != NULL);
    qc_transport *t = s_transport(1);
    QC_CHECK(t != NULL);
    /* Warm the connection so the timing below is the timeout's alone. */
    QC_CHECK_EQ_INT(s_warm_up(t, qc_test_server_port(srv)), QC_OK);
    QC_CHECK(qc_test_server_push(srv, &reply) == 0);
    qc_http_request req;
    QC_CHECK(s_req(&req, "GET", qc_test_server_port(srv), "/", NULL, NULL,
                   0) == 0);
    qc_http_response resp;
    qc_http_response_init(&resp);
    qc_error err;
    qc_error_init(&err);
    qc_send_options so = s_opts(2000, 300);
    long long t0 = s_now_ms();
    int rc = qc_transport_send(t, &req, &so, &resp, &err);
    long long dt = s_now_ms() - t0;
    QC_CHECK_EQ_INT(rc, QC_ERR_READ_TIMEOUT);
    if (dt < 300 || dt >= 450)
        fprintf(stderr, "    read timeout took %lld ms\n", dt);
    QC_CHECK(dt >= 300 && dt < 450);
    qc_error_clean_up(&err);
    qc_http_response_clean_up(&resp);
    qc_http_request_clean_up(&req);
    qc_transport_destroy(t);
    qc_test_server_stop(srv);
}

/* A server that stops reading the request body: the stall is limited by
 * the connect timeout and reported as a closed connection, as urllib3
 * (socket timeout = connect timeout while sending) and botocore do. */
QC_TEST(transport_send_stall)
{
    qc_ts_reply reply;
    memset(&reply, 0, sizeof(reply));
    reply.action = QC_TS_STALL_UNREAD;
    reply.stall_ms = 5000;
    qc_test_server *srv = qc_test_server_start(NULL);
    QC_CHECK(srv != NULL);
    qc_transport *t = s_transport(1);
    QC_CHECK(t != NULL);
    QC_CHECK_EQ_INT(s_warm_up(t, qc_test_server_port(srv)), QC_OK);
    QC_CHECK(qc_test_server_push(srv, &reply) == 0);
    size_t n = 48u << 20;
    char *body = calloc(1, n);
    QC_CHECK(body != NULL);
    qc_http_request req;
    QC_CHECK(s_req(&req, "POST", qc_test_server_port(srv), "/", NULL, body,
                   n) == 0);
    free(body);
    qc_http_response resp;
    qc_http_response_init(&resp);
    qc_send_options so = s_opts(300, 5000);
    long long t0 = s_now_ms();
    int rc = qc_transport_send(t, &req, &so, &resp, NULL);
    long long dt = s_now_ms() - t0;
    QC_CHECK_EQ_INT(rc, QC_ERR_CONNECTION_CLOSED);
    if (dt < 300 || dt >= 1500)
        fprintf(stderr, "    send stall took %lld ms\n", dt);
    QC_CHECK(dt >= 300 && dt < 1500);
    qc_http_response_clean_up(&resp);
    qc_http_request_clean_up(&req);
    qc_transport_destroy(t);
    qc_test_server_stop(srv);
}

/* Bytes trickling in slower than the whole reply but faster than the
 * per-read timeout keep the transfer alive (urllib3's timeout is per
 * read, not total). */
QC_TEST(transport_read_timeout_is_per_read)
{
    long k = qc_test_time_scale();
    qc_ts_reply slow;
    memset(&slow, 0, sizeof(slow));
    slow.action = QC_TS_STALL;
    slow.stall_ms = 200 * k;
    qc_test_server *srv = qc_test_server_start(NULL);
    QC_CHECK(srv != NULL);
    qc_transport *t = s_transport(1);
    QC_CHECK(t != NULL);
    qc_send_options so = s_opts(2000, 300 * k);
    /* Three stalled replies of 200 ms each: 600 ms in all, no read gap
     * over 300 ms (times scaled: see qc_test_time_scale). */
    for (int i = 0; i < 3; i++) {
        QC_CHECK(qc_test_server_push(srv, &slow) == 0);
        qc_http_request req;
        QC_CHECK(s_req(&req, "GET", qc_test_server_port(srv), "/", NULL,
                       NULL, 0) == 0);
        qc_http_response resp;
        qc_http_response_init(&resp);
        QC_CHECK_EQ_INT(qc_transport_send(t, &req, &so, &resp, NULL), QC_OK);
        qc_http_response_clean_up(&resp);
        qc_http_request_clean_up(&req);
    }
    qc_transport_destroy(t);
    qc_test_server_stop(srv);
}

typedef struct {
    long long start;
    long long fired_at;
    long long after_ms;
    int calls;
} s_abort_ctx;

/* Returns 1 once after_ms have passed since start. */
static int s_abort_after(void *ctx)
{
    s_abort_ctx *a = ctx;
    a->calls++;
    long long now = s_now_ms();
    if (now - a->start >= a->after_ms) {
        if (!a->fired_at)
            a->fired_at = now;
        return 1;
    }
    return 0;
}

QC_TEST(transport_should_abort_interrupts)
{
    qc_ts_reply reply;
    memset(&reply, 0, sizeof(reply));
    reply.action = QC_TS_STALL;
    reply.stall_ms = 5000;
    qc_test_server *srv = qc_test_server_start(NULL);
    QC_CHECK(srv != NULL);
    qc_transport *t = s_transport(1);
    QC_CHECK(t != NULL);
    QC_CHECK_EQ_INT(s_warm_up(t, qc_test_server_port(srv)), QC_OK);
    QC_CHECK(qc_test_server_push(srv, &reply) == 0);
    qc_http_request req;
    QC_CHECK(s_req(&req, "GET", qc_test_server_port(srv), "/", NULL, NULL,
                   0) == 0);
    qc_http_response resp;
    qc_http_response_init(&resp);
    qc_send_options so = s_opts(2000, 60000);
    s_abort_ctx ac = {s_now_ms(), 0, 200, 0};
    so.should_abort = s_abort_after;
    so.abort_ctx = &ac;
    int rc = qc_transport_send(t, &req, &so, &resp, NULL);
    long long end = s_now_ms();
    QC_CHECK_EQ_INT(rc, QC_ERR_INTERRUPTED);
    if (!ac.fired_at || end - ac.fired_at >= 100)
        fprintf(stderr, "    started %lld ms, fired at %lld ms, ended at "
                "%lld ms\n", 0LL, ac.fired_at - ac.start, end - ac.start);
    QC_CHECK(ac.fired_at && end - ac.fired_at < 100);
    QC_CHECK(end - ac.start >= 200);
    QC_CHECK(ac.calls >= 4); /* polled at least every 50 ms */

    /* The aborted connection is not reused: the next call opens a new
     * one and succeeds. */
    qc_ts_reply ok;
    memset(&ok, 0, sizeof(ok));
    QC_CHECK(qc_test_server_push(srv, &ok) == 0);
    so.should_abort = NULL;
    QC_CHECK_EQ_INT(qc_transport_send(t, &req, &so, &resp, NULL), QC_OK);
    QC_CHECK_EQ_INT(resp.status, 200);
    QC_CHECK_EQ_INT(qc_test_server_connections(srv), 2);
    QC_CHECK_EQ_INT(qc_test_server_requests(srv), 3);
    qc_http_response_clean_up(&resp);
    qc_http_request_clean_up(&req);
    qc_transport_destroy(t);
    qc_test_server_stop(srv);
}

typedef struct {
    qc_transport *t;
    int port;
    int rc;
    long long done_at;
    s_abort_ctx *abort;
} s_blocker;

/* Sends one request with the given abort context; records the outcome. */
static void *s_blocker_main(void *arg)
{
    s_blocker *b = arg;
    qc_http_request req;
    if (s_req(&req, "GET", b->port, "/", NULL, NULL, 0)) {
        b->rc = -1;
        return NULL;
    }
    qc_http_response resp;
    qc_http_response_init(&resp);
    qc_send_options so = s_opts(2000, 60000);
    if (b->abort) {
        so.should_abort = s_abort_after;
        so.abort_ctx = b->abort;
    }
    b->rc = qc_transport_send(b->t, &req, &so, &resp, NULL);
    b->done_at = s_now_ms();
    qc_http_response_clean_up(&resp);
    qc_http_request_clean_up(&req);
    return NULL;
}

/* A thread waiting for a pool slot is interruptible too. */
QC_TEST(transport_pool_wait_interruptible)
{
    qc_ts_reply reply;
    memset(&reply, 0, sizeof(reply));
    reply.action = QC_TS_STALL;
    reply.stall_ms = 700;
    qc_test_server *srv = qc_test_server_start(&reply);
    QC_CHECK(srv != NULL);
    qc_transport *t = s_transport(1);
    QC_CHECK(t != NULL);
    s_blocker first = {t, qc_test_server_port(srv), -1, 0, NULL};
    pthread_t th;
    QC_CHECK(pthread_create(&th, NULL, s_blocker_main, &first) == 0);
    usleep(100000); /* first holds the only slot */
    s_abort_ctx ac = {s_now_ms(), 0, 200, 0};
    s_blocker second = {t, qc_test_server_port(srv), -1, 0, &ac};
    s_blocker_main(&second);
    QC_CHECK_EQ_INT(second.rc, QC_ERR_INTERRUPTED);
    QC_CHECK(second.done_at - ac.fired_at < 100);
    pthread_join(th, NULL);
    QC_CHECK_EQ_INT(first.rc, QC_OK);
    QC_CHECK_EQ_INT(qc_test_server_requests(srv), 1);
    qc_transport_destroy(t);
    qc_test_server_stop(srv);
}

/* Sends one GET through t to port with reply action act; returns rc. */
static int s_send_once(qc_transport *t, int port, qc_http_response *resp,
                       qc_error *err)
{
    qc_http_request req;
    if (s_req(&req, "GET", port, "/", NULL, NULL, 0))
        return -1;
    qc_send_options so = s_opts(2000, 5000);
    int rc = qc_transport_send(t, &req, &so, resp, err);
    qc_http_request_clean_up(&req);
    return rc;
}

QC_TEST(transport_truncated_body)
{
    qc_ts_reply cut;
    memset(&cut, 0, sizeof(cut));
    cut.action = QC_TS_CLOSE_MID_BODY;
    cut.body = "0123456789012345678901234567890123456789";
    cut.body_len = 40;
    qc_test_server *srv = qc_test_server_start(NULL);
    QC_CHECK(srv != NULL);
    QC_CHECK(qc_test_server_push(srv, &cut) == 0);
    qc_transport *t = s_transport(1);
    QC_CHECK(t != NULL);
    qc_http_response resp;
    qc_http_response_init(&resp);
    qc_error err;
    qc_error_init(&err);
    QC_CHECK_EQ_INT(s_send_once(t, qc_test_server_port(srv), &resp, &err),
                    QC_ERR_CONNECTION_CLOSED);
    QC_CHECK(err.message != NULL);
    /* The transport recovers with a fresh connection. */
    QC_CHECK_EQ_INT(s_send_once(t, qc_test_server_port(srv), &resp, &err),
                    QC_OK);
    QC_CHECK_EQ_INT(resp.status, 200);
    QC_CHECK_EQ_INT(qc_test_server_connections(srv), 2);
    qc_error_clean_up(&err);
    qc_http_response_clean_up(&resp);
    qc_transport_destroy(t);
    qc_test_server_stop(srv);
}

QC_TEST(transport_reset_and_close_without_reply)
{
    int actions[2] = {QC_TS_RESET, QC_TS_CLOSE};
    for (int i = 0; i < 2; i++) {
        qc_ts_reply r;
        memset(&r, 0, sizeof(r));
        r.action = actions[i];
        qc_test_server *srv = qc_test_server_start(&r);
        QC_CHECK(srv != NULL);
        qc_transport *t = s_transport(1);
        QC_CHECK(t != NULL);
        qc_http_response resp;
        qc_http_response_init(&resp);
        QC_CHECK_EQ_INT(s_send_once(t, qc_test_server_port(srv), &resp, NULL),
                        QC_ERR_CONNECTION_CLOSED);
        qc_http_response_clean_up(&resp);
        qc_transport_destroy(t);
        qc_test_server_stop(srv);
    }
}

/* "Connection: close" replies are honoured: each call gets a new
 * connection and none fails. */
QC_TEST(transport_connection_close_reply)
{
    qc_ts_reply r;
    memset(&r, 0, sizeof(r));
    r.close_after = 1;
    r.body = "ok";
    r.body_len = 2;
    qc_test_server *srv = qc_test_server_start(&r);
    QC_CHECK(srv != NULL);
    qc_transport *t = s_transport(1);
    QC_CHECK(t != NULL);
    for (int i = 0; i < 3; i++) {
        qc_http_response resp;
        qc_http_response_init(&resp);
        QC_CHECK_EQ_INT(s_send_once(t, qc_test_server_port(srv), &resp, NULL),
                        QC_OK);
        QC_CHECK_EQ_MEM(resp.body.data, resp.body.len, "ok", 2);
        qc_http_response_clean_up(&resp);
    }
    QC_CHECK_EQ_INT(qc_test_server_connections(srv), 3);
    qc_transport_destroy(t);
    qc_test_server_stop(srv);
}

/* An https URL answered by a plain-HTTP server fails the TLS handshake:
 * an SSL error (botocore raises SSLError for this). */
QC_TEST(transport_tls_handshake_failure)
{
    qc_ts_reply plain;
    memset(&plain, 0, sizeof(plain));
    plain.greeting = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
    qc_test_server *srv = qc_test_server_start(&plain);
    QC_CHECK(srv != NULL);
    for (int verify = 0; verify < 2; verify++) {
        qc_curl_transport_options o;
        memset(&o, 0, sizeof(o));
        o.verify_ssl = verify;
        qc_transport *t = NULL;
        QC_CHECK_EQ_INT(qc_curl_transport_new(&o, &t, NULL), QC_OK);
        qc_http_request req;
        QC_CHECK(s_req(&req, "GET", qc_test_server_port(srv), "/", NULL, NULL,
                       0) == 0);
        qc_buf_reset(&req.scheme);
        QC_CHECK(qc_buf_append_str(&req.scheme, "https") == 0);
        qc_http_response resp;
        qc_http_response_init(&resp);
        qc_error err;
        qc_error_init(&err);
        qc_send_options so = s_opts(2000, 2000);
        QC_CHECK_EQ_INT(qc_transport_send(t, &req, &so, &resp, &err),
                        QC_ERR_SSL);
        QC_CHECK(err.message != NULL);
        qc_error_clean_up(&err);
        qc_http_response_clean_up(&resp);
        qc_http_request_clean_up(&req);
        qc_transport_destroy(t);
    }
    qc_test_server_stop(srv);
}

/* A body over the response buffer's limit stops the transfer with
 * QC_ERR_LIMIT (the transport caps bodies at 256 MiB, or lower when the
 * caller's buffer says so); the transport stays usable. */
QC_TEST(transport_body_limit)
{
    static char big[5000];
    memset(big, 'z', sizeof(big));
    qc_ts_reply r;
    memset(&r, 0, sizeof(r));
    r.body = big;
    r.body_len = sizeof(big);
    qc_test_server *srv = qc_test_server_start(&r);
    QC_CHECK(srv != NULL);
    qc_transport *t = s_transport(1);
    QC_CHECK(t != NULL);
    qc_http_response resp;
    qc_http_response_init(&resp);
    resp.body.limit = 1000;
    qc_error err;
    qc_error_init(&err);
    QC_CHECK_EQ_INT(s_send_once(t, qc_test_server_port(srv), &resp, &err),
                    QC_ERR_LIMIT);
    QC_CHECK_EQ_INT(err.code, QC_ERR_LIMIT);
    QC_CHECK(err.message != NULL);
    resp.body.limit = 0;
    QC_CHECK_EQ_INT(s_send_once(t, qc_test_server_port(srv), &resp, &err),
                    QC_OK);
    QC_CHECK_EQ_INT(resp.body.len, sizeof(big));
    QC_CHECK_EQ_INT(resp.body.limit, (size_t)256 << 20);
    qc_error_clean_up(&err);
    qc_http_response_clean_up(&resp);
    qc_transport_destroy(t);
    qc_test_server_stop(srv);
}

/* ------------------------------------------------------------ proxies */

QC_TEST(transport_proxy_unreachable_and_no_proxy)
{
    qc_test_server *srv = qc_test_server_start(NULL);
    QC_CHECK(srv != NULL);
    char proxy[64];
    snprintf(proxy, sizeof(proxy), "http://127.0.0.1:%d", s_dead_port());
    qc_curl_transport_options o;
    memset(&o, 0, sizeof(o));
    o.proxy_http = proxy;
    qc_transport *t = NULL;
    QC_CHECK_EQ_INT(qc_curl_transport_new(&o, &t, NULL), QC_OK);
    qc_http_response resp;
    qc_http_response_init(&resp);
    QC_CHECK_EQ_INT(s_send_once(t, qc_test_server_port(srv), &resp, NULL),
                    QC_ERR_PROXY);
    qc_transport_destroy(t);
    QC_CHECK_EQ_INT(qc_test_server_requests(srv), 0);

    /* no_proxy entries as Python's proxy_bypass_environment reads them. */
    char with_port[64];
    snprintf(with_port, sizeof(with_port), "foo, 127.0.0.1:%d",
             qc_test_server_port(srv));
    const char *bypass[] = {"127.0.0.1", "example.com, .0.0.1", "*",
                            with_port};
    for (size_t i = 0; i < 4; i++) {
        o.no_proxy = bypass[i];
        QC_CHECK_EQ_INT(qc_curl_transport_new(&o, &t, NULL), QC_OK);
        QC_CHECK_EQ_INT(s_send_once(t, qc_test_server_port(srv), &resp, NULL),
                        QC_OK);
        qc_transport_destroy(t);
    }
    o.no_proxy = "127.0.0.2,example.com";
    QC_CHECK_EQ_INT(qc_curl_transport_new(&o, &t, NULL), QC_OK);
    QC_CHECK_EQ_INT(s_send_once(t, qc_test_server_port(srv), &resp, NULL),
                    QC_ERR_PROXY);
    qc_transport_destroy(t);
    QC_CHECK_EQ_INT(qc_test_server_requests(srv), 4);
    qc_http_response_clean_up(&resp);
    qc_test_server_stop(srv);
}

/* A plain-http proxy gets the request in absolute form. */
QC_TEST(transport_http_proxy_forwarding)
{
    qc_test_server *proxy_srv = qc_test_server_start(NULL);
    QC_CHECK(proxy_srv != NULL);
    char proxy[64];
    snprintf(proxy, sizeof(proxy), "http://127.0.0.1:%d",
             qc_test_server_port(proxy_srv));
    qc_curl_transport_options o;
    memset(&o, 0, sizeof(o));
    o.proxy_http = proxy;
    qc_transport *t = NULL;
    QC_CHECK_EQ_INT(qc_curl_transport_new(&o, &t, NULL), QC_OK);
    qc_http_request req;
    QC_CHECK(s_req(&req, "GET", 0, "/p", "a=1", NULL, 0) == 0);
    qc_buf_reset(&req.host);
    QC_CHECK(qc_buf_append_str(&req.host, "service.example.com") == 0);
    qc_http_response resp;
    qc_http_response_init(&resp);
    qc_send_options so = s_opts(2000, 5000);
    QC_CHECK_EQ_INT(qc_transport_send(t, &req, &so, &resp, NULL), QC_OK);
    size_t got_len = 0;
    char *got = qc_test_server_received(proxy_srv, &got_len);
    static const char prefix[] =
        "GET http://service.example.com/p?a=1 HTTP/1.1\r\n"
        "Host: service.example.com\r\n";
    QC_CHECK(got_len > sizeof(prefix) - 1);
    QC_CHECK_EQ_MEM(got, sizeof(prefix) - 1, prefix, sizeof(prefix) - 1);
    free(got);
    qc_http_response_clean_up(&resp);
    qc_http_request_clean_up(&req);
    qc_transport_destroy(t);
    qc_test_server_stop(proxy_srv);
}

/* ------------------------------------------------------------ threads */

#define S_THREADS 8
#define S_PER_THREAD 200

typedef struct {
    qc_transport *t;
    int port;
    int id;
    int failures;
} s_worker;

/* Sends S_PER_THREAD echo requests; counts mismatches and failures. */
static void *s_worker_main(void *arg)
{
    s_worker *w = arg;
    qc_send_options so = s_opts(5000, 10000);
    for (int i = 0; i < S_PER_THREAD; i++) {
        char tag[32];
        snprintf(tag, sizeof(tag), "w%d-r%d", w->id, i);
        qc_http_request req;
        if (s_req(&req, i % 3 ? "POST" : "GET", w->port, "/echo", NULL,
                  i % 3 ? tag : NULL, i % 3 ? strlen(tag) : 0) ||
            s_hdr(&req, "X-Echo", tag)) {
            w->failures++;
            qc_http_request_clean_up(&req);
            continue;
        }
        qc_http_response resp;
        qc_http_response_init(&resp);
        int rc = qc_transport_send(w->t, &req, &so, &resp, NULL);
        const char *echo = s_resp_hdr(&resp, "X-Echo");
        if (rc != QC_OK || resp.status != 200 || !echo ||
            strcmp(echo, tag) != 0 || resp.body.len != strlen(tag) ||
            memcmp(resp.body.data, tag, resp.body.len) != 0)
            w->failures++;
        qc_http_response_clean_up(&resp);
        qc_http_request_clean_up(&req);
    }
    return NULL;
}

QC_TEST(transport_threads_share_pool)
{
    qc_ts_reply echo;
    memset(&echo, 0, sizeof(echo));
    echo.echo = 1;
    qc_test_server *srv = qc_test_server_start(&echo);
    QC_CHECK(srv != NULL);
    qc_transport *t = s_transport(4);
    QC_CHECK(t != NULL);
    pthread_t th[S_THREADS];
    s_worker w[S_THREADS];
    for (int i = 0; i < S_THREADS; i++) {
        w[i].t = t;
        w[i].port = qc_test_server_port(srv);
        w[i].id = i;
        w[i].failures = 0;
        QC_CHECK(pthread_create(&th[i], NULL, s_worker_main, &w[i]) == 0);
    }
    int failures = 0;
    for (int i = 0; i < S_THREADS; i++) {
        pthread_join(th[i], NULL);
        failures += w[i].failures;
    }
    QC_CHECK_EQ_INT(failures, 0);
    QC_CHECK_EQ_INT(qc_test_server_requests(srv), S_THREADS * S_PER_THREAD);
    QC_CHECK(qc_test_server_connections(srv) <= 4);
    qc_transport_destroy(t);
    qc_test_server_stop(srv);
}

/* ------------------------------------------------------------ canned */

QC_TEST(transport_canned_basics)
{
    qc_transport *t = NULL;
    QC_CHECK_EQ_INT(qc_canned_transport_new(
                        202, "Content-Type: application/json\r\n"
                             "x-amzn-RequestId:  r-1 \r\nX-Empty:\r\n",
                        "{\"ok\":true}", 11, &t),
                    QC_OK);
    qc_http_request seen;
    QC_CHECK_EQ_INT(qc_canned_transport_last_request(t, &seen),
                    QC_ERR_INVALID_ARG);
    qc_http_request_clean_up(&seen);

    qc_http_request req;
    QC_CHECK(s_req(&req, "PUT", 443, "/a/b", "x=1", "body", 4) == 0);
    QC_CHECK(s_hdr(&req, "X-One", "1") == 0);
    QC_CHECK(s_hdr(&req, "X-Two", "2") == 0);
    qc_http_response resp;
    qc_http_response_init(&resp);
    for (int i = 0; i < 2; i++) { /* a reused response is refilled */
        QC_CHECK_EQ_INT(qc_transport_send(t, &req, NULL, &resp, NULL), QC_OK);
        QC_CHECK_EQ_INT(resp.status, 202);
        QC_CHECK_EQ_INT(resp.headers.len, 3);
        QC_CHECK_EQ_STR(resp.headers.items[0].name, "Content-Type");
        QC_CHECK_EQ_STR(resp.headers.items[0].value, "application/json");
        QC_CHECK_EQ_STR(resp.headers.items[1].name, "x-amzn-RequestId");
        QC_CHECK_EQ_STR(resp.headers.items[1].value, "r-1");
        QC_CHECK_EQ_STR(resp.headers.items[2].value, "");
        QC_CHECK_EQ_MEM(resp.body.data, resp.body.len, "{\"ok\":true}", 11);
    }
    QC_CHECK_EQ_INT(qc_canned_transport_last_request(t, &seen), QC_OK);
    QC_CHECK_EQ_STR(seen.method, "PUT");
    QC_CHECK_EQ_MEM(seen.scheme.data, seen.scheme.len, "http", 4);
    QC_CHECK_EQ_MEM(seen.host.data, seen.host.len, "127.0.0.1:443", 13);
    QC_CHECK_EQ_MEM(seen.path.data, seen.path.len, "/a/b", 4);
    QC_CHECK_EQ_MEM(seen.query.data, seen.query.len, "x=1", 3);
    QC_CHECK_EQ_MEM(seen.body.data, seen.body.len, "body", 4);
    QC_CHECK_EQ_INT(seen.headers.len, 2);
    QC_CHECK_EQ_STR(seen.headers.items[1].name, "X-Two");
    QC_CHECK_EQ_STR(seen.headers.items[1].value, "2");
    qc_http_request_clean_up(&seen);

    /* put_file is for libcurl transports only. */
    QC_CHECK_EQ_INT(qc_transport_put_file(t, "http://127.0.0.1:1/", NULL,
                                          "/dev/null", NULL, &resp, NULL,
                                          NULL, NULL),
                    QC_ERR_INVALID_ARG);
    qc_http_response_clean_up(&resp);
    qc_http_request_clean_up(&req);
    qc_transport_destroy(t);
    qc_transport_destroy(NULL);

    QC_CHECK_EQ_INT(qc_canned_transport_new(200, "no colon here\r\n", NULL, 0,
                                            &t),
                    QC_ERR_INVALID_ARG);
    QC_CHECK(t == NULL);
}

typedef struct {
    qc_transport *t;
    int failures;
} s_canned_worker;

/* Sends through the canned transport from several threads. */
static void *s_canned_main(void *arg)
{
    s_canned_worker *w = arg;
    for (int i = 0; i < 500; i++) {
        qc_http_request req;
        qc_http_response resp;
        qc_http_response_init(&resp);
        if (s_req(&req, "POST", 1, "/", NULL, "{}", 2) ||
            qc_transport_send(w->t, &req, NULL, &resp, NULL) != QC_OK ||
            resp.status != 200)
            w->failures++;
        qc_http_response_clean_up(&resp);
        qc_http_request_clean_up(&req);
    }
    return NULL;
}

QC_TEST(transport_canned_threads)
{
    qc_transport *t = NULL;
    QC_CHECK_EQ_INT(qc_canned_transport_new(200, NULL, "{}", 2, &t), QC_OK);
    pthread_t th[4];
    s_canned_worker w[4];
    for (int i = 0; i < 4; i++) {
        w[i].t = t;
        w[i].failures = 0;
        QC_CHECK(pthread_create(&th[i], NULL, s_canned_main, &w[i]) == 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        QC_CHECK_EQ_INT(w[i].failures, 0);
    }
    qc_transport_destroy(t);
}

/* ------------------------------------------------------------ put_file */

typedef struct {
    int calls;
    uint64_t last_sent;
    uint64_t total;
    int regress;
    int stop_at_call; /* 0 = never */
} s_prog;

/* Records progress calls; asks to stop at call stop_at_call. */
static int s_on_progress(void *ctx, uint64_t sent, uint64_t total)
{
    s_prog *p = ctx;
    p->calls++;
    if (sent < p->last_sent)
        p->regress = 1;
    p->last_sent = sent;
    p->total = total;
    return p->stop_at_call && p->calls >= p->stop_at_call;
}

/* Writes n pseudo-random bytes to a new temp file; returns its malloc'd
 * contents and fills path. */
static char *s_make_file(char *path, size_t n)
{
    strcpy(path, "/tmp/qc_put_XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0)
        return NULL;
    char *data = malloc(n);
    if (!data) {
        close(fd);
        return NULL;
    }
    unsigned x = 12345;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        data[i] = (char)(x >> 16);
    }
    size_t off = 0;
    while (off < n) {
        ssize_t w = write(fd, data + off, n - off);
        if (w <= 0) {
            close(fd);
            free(data);
            return NULL;
        }
        off += (size_t)w;
    }
    close(fd);
    return data;
}

QC_TEST(transport_put_file_streams)
{
    size_t n = 5u << 20;
    char path[64];
    char *data = s_make_file(path, n);
    QC_CHECK(data != NULL);
    qc_ts_reply reply;
    memset(&reply, 0, sizeof(reply));
    reply.headers = "ETag: \"abc\"\r\n";
    qc_test_server *srv = qc_test_server_start(&reply);
    QC_CHECK(srv != NULL);
    qc_transport *t = s_transport(2);
    QC_CHECK(t != NULL);
    char url[128];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/upload/key?partNumber=1",
             qc_test_server_port(srv));
    qc_headers h;
    qc_headers_init(&h);
    QC_CHECK(qc_headers_add(&h, "Content-Type", 12, "text/csv", 8) == QC_OK);
    QC_CHECK(qc_headers_add(&h, "x-amz-meta-a", 12, "b", 1) == QC_OK);
    qc_http_response resp;
    qc_http_response_init(&resp);
    s_prog prog;
    memset(&prog, 0, sizeof(prog));
    qc_send_options so = s_opts(2000, 5000);
    qc_error err;
    qc_error_init(&err);
    int rc = qc_transport_put_file(t, url, &h, path, &so, &resp, &err,
                                   s_on_progress, &prog);
    if (rc)
        fprintf(stderr, "    %s\n", qc_error_text(&err));
    QC_CHECK_EQ_INT(rc, QC_OK);
    QC_CHECK_EQ_INT(resp.status, 200);
    QC_CHECK_EQ_STR(s_resp_hdr(&resp, "ETag"), "\"abc\"");
    QC_CHECK(prog.calls >= 1);
    QC_CHECK_EQ_INT(prog.last_sent, n);
    QC_CHECK_EQ_INT(prog.total, n);
    QC_CHECK(!prog.regress);

    size_t got_len = 0;
    char *got = qc_test_server_received(srv, &got_len);
    char head[512];
    snprintf(head, sizeof(head),
             "PUT /upload/key?partNumber=1 HTTP/1.1\r\n"
             "Host: 127.0.0.1:%d\r\nAccept-Encoding: identity\r\n"
             "Content-Type: text/csv\r\nx-amz-meta-a: b\r\n"
             "Content-Length: %zu\r\n\r\n",
             qc_test_server_port(srv), n);
    size_t hl = strlen(head);
    QC_CHECK_EQ_INT(got_len, hl + n);
    QC_CHECK_EQ_MEM(got, hl, head, hl);
    QC_CHECK(memcmp(got + hl, data, n) == 0);
    free(got);
    qc_error_clean_up(&err);
    qc_headers_clean_up(&h);
    qc_http_response_clean_up(&resp);
    qc_transport_destroy(t);
    qc_test_server_stop(srv);
    unlink(path);
    free(data);
}

/* A nonzero return from the progress callback stops the upload. */
QC_TEST(transport_put_file_progress_stop)
{
    size_t n = 32u << 20;
    char path[64];
    char *data = s_make_file(path, n);
    QC_CHECK(data != NULL);
    free(data);
    qc_ts_reply reply;
    memset(&reply, 0, sizeof(reply));
    qc_test_server *srv = qc_test_server_start(&reply);
    QC_CHECK(srv != NULL);
    qc_transport *t = s_transport(1);
    QC_CHECK(t != NULL);
    char url[128];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/up",
             qc_test_server_port(srv));
    qc_http_response resp;
    qc_http_response_init(&resp);
    s_prog prog;
    memset(&prog, 0, sizeof(prog));
    prog.stop_at_call = 1;
    qc_send_options so = s_opts(2000, 5000);
    int rc = qc_transport_put_file(t, url, NULL, path, &so, &resp, NULL,
                                   s_on_progress, &prog);
    /* Either the upload finished before the first 50 ms tick (then the
     * final call stops it) or the first tick stopped it. */
    QC_CHECK_EQ_INT(rc, QC_ERR_CALLBACK);
    QC_CHECK_EQ_INT(prog.calls, 1);
    QC_CHECK_EQ_INT(prog.total, n);

    /* A missing file is an argument error. */
    QC_CHECK_EQ_INT(qc_transport_put_file(t, url, NULL, "/nonexistent/x",
                                          &so, &resp, NULL, NULL, NULL),
                    QC_ERR_INVALID_ARG);
    qc_http_response_clean_up(&resp);
    qc_transport_destroy(t);
    qc_test_server_stop(srv);
    unlink(path);
}

/* ------------------------------------------------------------ direct mode */

/* Sends each request of a sequence through t (one connection) and
 * appends the bytes the server received to out. Returns 0 or -1. */
static int s_wire_of(qc_transport *t, qc_test_server *srv, size_t *seen,
                     qc_buf *out)
{
    static const struct {
        const char *method, *path, *query, *body;
    } seq[] = {
        {"GET", "/a", NULL, NULL},
        {"POST", "/b", NULL, "{}"},
        {"GET", "/a", "q=1&r=%20", NULL},
        {"DELETE", "/b", NULL, NULL},
        {"HEAD", "/a", NULL, NULL},
        {"POST", "/b", NULL, ""},
        {"PUT", "/d", NULL, "pp"},
        {"GET", "/a", NULL, "g"},
        {"OPTIONS", "/o", NULL, NULL},
        {"PATCH", "/", NULL, "x"},
        {"GET", "", NULL, NULL},
    };
    for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
        qc_http_request req;
        int bad =
            s_req(&req, seq[i].method, qc_test_server_port(srv), seq[i].path,
                  seq[i].query, seq[i].body,
                  seq[i].body ? strlen(seq[i].body) : 0) ||
            s_hdr(&req, "X-Empty", "") || s_hdr(&req, "X-Blank", "   ") ||
            s_hdr(&req, "X-Semi;x", "") || s_hdr(&req, "X-Semi;y", "v") ||
            s_hdr(&req, "X-Trail", "v;") || s_hdr(&req, "X-Pad", " v ") ||
            (i % 2 && s_hdr(&req, "Accept", "*/*")) ||
            (i % 3 == 1 && s_hdr(&req, "Content-Type", "text/plain")) ||
            (i == 6 && s_hdr(&req, "Content-Length", "2")) ||
            (i == 7 && s_hdr(&req, "accept-encoding", "gzip"));
        qc_http_response resp;
        qc_http_response_init(&resp);
        qc_send_options so = s_opts(2000, 5000);
        int rc = bad ? -1 : qc_transport_send(t, &req, &so, &resp, NULL);
        qc_http_response_clean_up(&resp);
        qc_http_request_clean_up(&req);
        size_t len = 0;
        char *all = qc_test_server_received(srv, &len);
        if (rc != QC_OK || !all || len < *seen ||
            qc_buf_append(out, all + *seen, len - *seen) != QC_OK) {
            free(all);
            return -1;
        }
        *seen = len;
        free(all);
    }
    return 0;
}

/* Requests written directly (CONNECT_ONLY connection, curl_easy_send) put
 * on the wire exactly the bytes curl's HTTP engine writes for them
 * (QC_TRANSPORT_DIRECT=0), empty and blank header values, names with a
 * semicolon, the request's own Accept, Content-Type, Content-Length and
 * Accept-Encoding and a User-Agent option included. */
QC_TEST(transport_direct_writes_what_the_engine_writes)
{
    qc_test_server *srv = qc_test_server_start(NULL);
    QC_CHECK(srv != NULL);
    qc_buf engine, direct;
    qc_buf_init(&engine, 0);
    qc_buf_init(&direct, 0);
    size_t seen = 0;
    qc_curl_transport_options o;
    memset(&o, 0, sizeof(o));
    o.max_connections = 1;
    o.user_agent = "ua/1.0";
    for (int mode = 0; mode < 2; mode++) {
        setenv("QC_TRANSPORT_DIRECT", mode ? "1" : "0", 1);
        qc_transport *t = NULL;
        QC_CHECK_EQ_INT(qc_curl_transport_new(&o, &t, NULL), QC_OK);
        size_t before = qc_test_server_connections(srv);
        QC_CHECK(s_wire_of(t, srv, &seen, mode ? &direct : &engine) == 0);
        QC_CHECK_EQ_INT(qc_test_server_connections(srv) - before, 1);
        qc_transport_destroy(t);
    }
    unsetenv("QC_TRANSPORT_DIRECT");
    QC_CHECK(engine.len > 0);
    QC_CHECK_EQ_MEM(direct.data, direct.len, engine.data, engine.len);
    qc_buf_clean_up(&engine);
    qc_buf_clean_up(&direct);
    qc_test_server_stop(srv);
}

/* A one-connection server for s_reply_outcome: reads one request head,
 * sends the reply bytes given, then closes. */
typedef struct s_raw_srv {
    int lfd;
    const char *reply;
    size_t reply_len;
} s_raw_srv;

static void *s_raw_srv_main(void *arg)
{
    s_raw_srv *r = arg;
    int fd = accept(r->lfd, NULL, NULL);
    if (fd < 0)
        return NULL;
    char buf[4096];
    size_t have = 0;
    while (have < sizeof(buf) - 1) {
        ssize_t n = recv(fd, buf + have, sizeof(buf) - 1 - have, 0);
        if (n <= 0)
            break;
        have += (size_t)n;
        buf[have] = '\0';
        if (strstr(buf, "\r\n\r\n"))
            break;
    }
    size_t off = 0;
    while (off < r->reply_len) {
        ssize_t n = send(fd, r->reply + off, r->reply_len - off, MSG_NOSIGNAL);
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    shutdown(fd, SHUT_WR);
    while (recv(fd, buf, sizeof(buf), 0) > 0) {
    }
    close(fd);
    return NULL;
}

/* Sends one GET (HEAD when head is set) answered by reply (then a close)
 * through a transport of the given mode; returns the send result and
 * fills resp. */
static int s_reply_outcome(const char *reply, size_t reply_len, int direct,
                           int head, qc_http_response *resp)
{
    s_raw_srv r = {-1, reply, reply_len};
    r.lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    if (r.lfd < 0 || bind(r.lfd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        listen(r.lfd, 4) != 0 ||
        getsockname(r.lfd, (struct sockaddr *)&a, &len) != 0)
        return -1;
    pthread_t th;
    if (pthread_create(&th, NULL, s_raw_srv_main, &r) != 0)
        return -1;
    setenv("QC_TRANSPORT_DIRECT", direct ? "1" : "0", 1);
    qc_transport *t = s_transport(1);
    unsetenv("QC_TRANSPORT_DIRECT");
    int rc = -1;
    qc_http_request req;
    if (t && s_req(&req, head ? "HEAD" : "GET", ntohs(a.sin_port), "/", NULL,
                   NULL, 0) == 0) {
        qc_send_options so = s_opts(2000, 5000);
        rc = qc_transport_send(t, &req, &so, resp, NULL);
        qc_http_request_clean_up(&req);
    }
    qc_transport_destroy(t);
    pthread_join(th, NULL);
    close(r.lfd);
    return rc;
}

/* Replies well and badly formed read the same through curl's engine and
 * in direct mode: the same result code, and for a reply taken the same
 * status, headers and body (framings, interim replies, folds, lines
 * without a colon, bad lengths and chunks, replies cut anywhere). */
QC_TEST(transport_direct_reads_what_the_engine_reads)
{
    static const struct {
        const char *reply;
        int head;
    } cases[] = {
        {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-A: b\r\n\r\nok", 0},
        {"HTTP/1.1 200 OK\r\nX-A: b\r\n\r\nuntil the close", 0},
        {"HTTP/1.0 200 OK\r\nX-A: b\r\n\r\nten", 0},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
         "3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nT: 1\r\n\r\n",
         0},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
         "Content-Length: 1\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
         0},
        {"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\n"
         "Content-Length: 1\r\n\r\nx",
         0},
        {"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n", 0},
        {"HTTP/1.1 304 Not Modified\r\n\r\n", 0},
        {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", 1},
        {"HTTP/1.1 200 OK\r\nX-F: a\r\n b\r\n"
         "Content-Length: 0\r\n\r\n",
         0},
        {"HTTP/1.1 200 OK\r\nbad line\r\nContent-Length: 0\r\n\r\n", 0},
        {"HTTP/1.1 200 OK\r\n: no name\r\nContent-Length: 0\r\n\r\n", 0},
        {"HTTP/1.1 200 OK\r\nX-A: 1\r\nHTTP/1.1 201 C\r\nX-B: 2\r\n"
         "Content-Length: 0\r\n\r\n", 0},
        {"HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", 0},
        {"HTTP/1.1 200 OK\nContent-Length: 1\n\nz", 0},
        {"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", 0},
        {"HTTP/1.1 200 OK\r\nContent-Length: -3\r\n\r\n", 0},
        {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 3\r\n\r\n"
         "abcde",
         0},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 0},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
         "3\r\nabcX\r\n0\r\n\r\n",
         0},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nab",
         0},
        {"HTTP/1.1 200 OK\r\nX-A: a\rb\r\nContent-Length: 0\r\n\r\n", 0},
        {"HTTP/1.1 200 OK\r\nContent-Len", 0},
        {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A", 0},
        {"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-A: b\r\n", 0},
        {"HTTP/1.1 200 OK\r\nX-A: b\r\n", 0},
        {"HTTP/1.1 200 OK\r\n", 0},
        {"HTTP/1.1 200 OK", 0},
        {"HTTP/1.1 200 OK\r\nX-A: b\r", 0},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n", 0},
        {"HTTP/1.1 100 Continue\r\n", 0},
        {"HTTP/1.1 200 OK\r\nHTTP/1.1 201 C: x\r\nX-B: 2\r\n"
         "Content-Length: 0\r\n\r\n", 0},
        {"HTTP/1.1 200 OK\r\n bad fold first\r\n"
         "Content-Length: 0\r\n\r\n", 0},
        {"HTTP/1.1 100 Continue\r\n\r\n", 0},
        {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n", 1},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
         "1\r\na\r\n0\r\nno colon trailer\r\n\r\n", 0},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
         "1\r\na\r\n0\r\nT: 1\r\n fold\r\n\r\n", 0},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
         "1\r\na\r\n0\r\n", 0},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
         "1\r\na\r\n0\r\nT: 1\r\n", 0},
        {"HTTP/1.1 100 Continue\r\nbad\r\n\r\nHTTP/1.1 200 OK\r\n"
         "Content-Length: 0\r\n\r\n", 0},
        {"HTTP/1.1 200 OK\r\nX-A: 1\r\n\t\r\nContent-Length: 0\r\n\r\n", 0},
        {"HTTP/1.1 200 OK\r\n: x\r\n fold\r\nContent-Length: 0\r\n\r\n", 0},
        {"", 0},
        {"<html>not http</html>\r\n\r\n", 0},
        {"HTTP/1.1 abc OK\r\n\r\n", 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        qc_http_response e, d;
        qc_http_response_init(&e);
        qc_http_response_init(&d);
        const char *rp = cases[i].reply;
        int rc_e = s_reply_outcome(rp, strlen(rp), 0, cases[i].head, &e);
        int rc_d = s_reply_outcome(rp, strlen(rp), 1, cases[i].head, &d);
        if (rc_e != rc_d)
            fprintf(stderr, "    case %zu: engine %d, direct %d\n", i, rc_e,
                    rc_d);
        QC_CHECK_EQ_INT(rc_d, rc_e);
        if (rc_e == QC_OK) {
            QC_CHECK_EQ_INT(d.status, e.status);
            QC_CHECK_EQ_INT(d.body.len, e.body.len);
            if (e.body.len)
                QC_CHECK_EQ_MEM(d.body.data, d.body.len, e.body.data,
                                e.body.len);
            QC_CHECK_EQ_INT(d.headers.len, e.headers.len);
            for (size_t k = 0; k < e.headers.len; k++) {
                QC_CHECK_EQ_STR(d.headers.items[k].name,
                                e.headers.items[k].name);
                QC_CHECK_EQ_STR(d.headers.items[k].value,
                                e.headers.items[k].value);
            }
        }
        qc_http_response_clean_up(&e);
        qc_http_response_clean_up(&d);
    }
}

/* One pool slot serving direct requests and an upload (curl's engine) in
 * turn: each switch closes the slot's connection and opens one of the
 * other kind; every request succeeds. */
QC_TEST(transport_direct_and_engine_share_a_slot)
{
    char path[64];
    char *data = s_make_file(path, 1000);
    QC_CHECK(data != NULL);
    qc_test_server *srv = qc_test_server_start(NULL);
    QC_CHECK(srv != NULL);
    qc_transport *t = s_transport(1);
    QC_CHECK(t != NULL);
    int port = qc_test_server_port(srv);
    char url[128];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/up", port);
    qc_http_response resp;
    qc_http_response_init(&resp);
    qc_send_options so = s_opts(2000, 5000);
    for (int round = 0; round < 2; round++) {
        QC_CHECK_EQ_INT(s_send_once(t, port, &resp, NULL), QC_OK);
        QC_CHECK_EQ_INT(s_send_once(t, port, &resp, NULL), QC_OK);
        QC_CHECK_EQ_INT(qc_transport_put_file(t, url, NULL, path, &so, &resp,
                                              NULL, NULL, NULL),
                        QC_OK);
        QC_CHECK_EQ_INT(resp.status, 200);
    }
    QC_CHECK_EQ_INT(s_send_once(t, port, &resp, NULL), QC_OK);
    QC_CHECK_EQ_INT(qc_test_server_requests(srv), 7);
    QC_CHECK_EQ_INT(qc_test_server_connections(srv), 5);
    qc_http_response_clean_up(&resp);
    qc_transport_destroy(t);
    qc_test_server_stop(srv);
    unlink(path);
    free(data);
}
