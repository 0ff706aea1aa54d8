/*
 * test_http1.c — the HTTP/1.1 reply reader (csrc/http1.c): every framing,
 * interim replies, header rules, limits, malformed input, and the same
 * result whatever way the bytes are split between reads.
 */
#include <stdlib.h>
#include <string.h>

#include "http1.h"
#include "runner.h"

/* The outcome of reading one reply. */
typedef struct s_read {
    int rc;        /* first error, or QC_OK */
    int done;
    int keep;
    size_t excess; /* bytes left over after the reply */
    qc_http_response resp;
    char msg[256];
} s_read;

/* Feeds (p, n) to a reader in pieces of step bytes (0: all at once), then
 * the end of the connection when eof is set, into out (cleaned up with
 * s_read_clean_up). */
static void s_run(const char *p, size_t n, size_t step, int head, int eof,
                  size_t body_limit, s_read *out)
{
    memset(out, 0, sizeof(*out));
    qc_http_response_init(&out->resp);
    if (body_limit)
        out->resp.body.limit = body_limit;
    qc_h1_reader r;
    qc_h1_reader_init(&r, &out->resp, head);
    qc_error err;
    qc_error_init(&err);
    size_t pos = 0;
    while (pos < n && !r.done) {
        size_t k = step && step < n - pos ? step : n - pos;
        size_t used = 0;
        out->rc = qc_h1_reader_feed(&r, p + pos, k, &used, &err);
        if (out->rc)
            break;
        pos += used;
        if (used < k) {
            out->excess = n - pos;
            break;
        }
    }
    if (!out->rc && !r.done && eof)
        out->rc = qc_h1_reader_eof(&r, &err);
    if (out->rc && err.message)
        snprintf(out->msg, sizeof(out->msg), "%s", err.message);
    out->done = r.done;
    out->keep = r.keep_alive;
    qc_error_clean_up(&err);
    qc_h1_reader_clean_up(&r);
}

static void s_read_clean_up(s_read *r)
{
    qc_http_response_clean_up(&r->resp);
}

/* Returns header name's value (exact case) or NULL. */
static const char *s_hv(const qc_http_response *resp, const char *name)
{
    for (size_t i = 0; i < resp->headers.len; i++)
        if (strcmp(resp->headers.items[i].name, name) == 0)
            return resp->headers.items[i].value;
    return NULL;
}

/* Reads text at every split size from 1 to 7 and whole, and checks each
 * gives the same status, headers and body as the whole read. */
static int s_same_split(const char *text, int head, int eof)
{
    size_t n = strlen(text);
    s_read whole;
    s_run(text, n, 0, head, eof, 0, &whole);
    int ok = 1;
    for (size_t step = 1; step <= 7 && ok; step++) {
        s_read part;
        s_run(text, n, step, head, eof, 0, &part);
        ok = part.rc == whole.rc && part.done == whole.done &&
             part.keep == whole.keep && part.resp.status == whole.resp.status &&
             part.resp.body.len == whole.resp.body.len &&
             (whole.resp.body.len == 0 ||
              memcmp(part.resp.body.data, whole.resp.body.data,
                     whole.resp.body.len) == 0) &&
             part.resp.headers.len == whole.resp.headers.len;
        for (size_t i = 0; ok && i < whole.resp.headers.len; i++)
            ok = strcmp(part.resp.headers.items[i].name,
                        whole.resp.headers.items[i].name) == 0 &&
                 strcmp(part.resp.headers.items[i].value,
                        whole.resp.headers.items[i].value) == 0;
        s_read_clean_up(&part);
    }
    s_read_clean_up(&whole);
    return ok;
}

QC_TEST(http1_content_length)
{
    const char *t = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello";
    s_read r;
    s_run(t, strlen(t), 0, 0, 0, 0, &r);
    QC_CHECK_EQ_INT(r.rc, QC_OK);
    QC_CHECK(r.done);
    QC_CHECK(r.keep);
    QC_CHECK_EQ_INT(r.resp.status, 200);
    QC_CHECK_EQ_INT(r.resp.headers.len, 2);
    QC_CHECK_EQ_STR(r.resp.headers.items[0].name, "Content-Length");
    QC_CHECK_EQ_STR(s_hv(&r.resp, "X-A"), "b");
    QC_CHECK_EQ_MEM(r.resp.body.data, r.resp.body.len, "hello", 5);
    s_read_clean_up(&r);
    QC_CHECK(s_same_split(t, 0, 0));
}

QC_TEST(http1_bytes_after_the_reply_are_left)
{
    const char *t = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1";
    s_read r;
    s_run(t, strlen(t), 0, 0, 0, 0, &r);
    QC_CHECK_EQ_INT(r.rc, QC_OK);
    QC_CHECK(r.done);
    QC_CHECK_EQ_INT(r.excess, 8);
    QC_CHECK_EQ_MEM(r.resp.body.data, r.resp.body.len, "ok", 2);
    s_read_clean_up(&r);
}

QC_TEST(http1_chunked_with_extensions_and_trailers)
{
    const char *t = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                    "Content-Length: 99\r\n\r\n"
                    "5;name=v\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n"
                    "0\r\nX-Trailer: t\r\n\r\n";
    s_read r;
    s_run(t, strlen(t), 0, 0, 0, 0, &r);
    QC_CHECK_EQ_INT(r.rc, QC_OK);
    QC_CHECK(r.done);
    QC_CHECK(r.keep);
    QC_CHECK_EQ_MEM(r.resp.body.data, r.resp.body.len,
                    "helloabcdefghijklmnopqrstuvwxyz", 31);
    QC_CHECK(s_hv(&r.resp, "X-Trailer") == NULL); /* trailers dropped */
    QC_CHECK_EQ_INT(r.excess, 0);
    s_read_clean_up(&r);
    QC_CHECK(s_same_split(t, 0, 0));
    /* LF-only line ends are read too. */
    const char *lf = "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n"
                     "3\nabc\n0\n\n";
    s_run(lf, strlen(lf), 0, 0, 0, 0, &r);
    QC_CHECK_EQ_INT(r.rc, QC_OK);
    QC_CHECK(r.done);
    QC_CHECK_EQ_MEM(r.resp.body.data, r.resp.body.len, "abc", 3);
    s_read_clean_up(&r);
}

QC_TEST(http1_chunked_malformed)
{
    static const char *bad[] = {
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        "3\r\nabcX\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        "10000000000000000\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        "8000000000000000\r\n",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        s_read r;
        s_run(bad[i], strlen(bad[i]), 0, 0, 1, 0, &r);
        QC_CHECK_EQ_INT(r.rc, QC_ERR_CONNECTION_CLOSED);
        QC_CHECK(r.msg[0] != '\0');
        s_read_clean_up(&r);
    }
    /* Cut short: the end of the connection inside the body. */
    const char *cut = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "5\r\nhel";
    s_read r;
    s_run(cut, strlen(cut), 0, 0, 1, 0, &r);
    QC_CHECK_EQ_INT(r.rc, QC_ERR_CONNECTION_CLOSED);
    s_read_clean_up(&r);
}

QC_TEST(http1_body_until_close)
{
    const char *t = "HTTP/1.1 200 OK\r\nX-A: 1\r\n\r\nall of it";
    s_read r;
    s_run(t, strlen(t), 0, 0, 0, 0, &r);
    QC_CHECK_EQ_INT(r.rc, QC_OK);
    QC_CHECK(!r.done); /* not before the connection ends */
    s_read_clean_up(&r);
    s_run(t, strlen(t), 0, 0, 1, 0, &r);
    QC_CHECK_EQ_INT(r.rc, QC_OK);
    QC_CHECK(r.done);
    QC_CHECK(!r.keep);
    QC_CHECK_EQ_MEM(r.resp.body.data, r.resp.body.len, "all of it", 9);
    s_read_clean_up(&r);
    QC_CHECK(s_same_split(t, 0, 1));
    /* A length too large to hold: read until the close as well. */
    const char *big = "HTTP/1.1 200 OK\r\n"
                      "Content-Length: 99999999999999999999999\r\n\r\nab";
    s_run(big, strlen(big), 0, 0, 1, 0, &r);
    QC_CHECK_EQ_INT(r.rc, QC_OK);
    QC_CHECK(!r.keep);
    QC_CHECK_EQ_MEM(r.resp.body.data, r.resp.body.len, "ab", 2);
    s_read_clean_up(&r);
}

QC_TEST(http1_no_body_for_head_204_304)
{
    const char *head = "HTTP/1.1 200 OK\r\nContent-Length: 123\r\n\r\n";
    s_read r;
    s_run(head, strlen(head), 0, 1, 0, 0, &r);
    QC_CHECK_EQ_INT(r.rc, QC_OK);
    QC_CHECK(r.done);
    QC_CHECK(r.keep);
    QC_CHECK_EQ_INT(r.resp.body.len, 0);
    s_read_clean_up(&r);
    static const char *empty[] = {
        "HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n",
        "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n",
    };
    for (int i = 0; i < 2; i++) {
        s_run(empty[i], strlen(empty[i]), 0, 0, 0, 0, &r);
        QC_CHECK_EQ_INT(r.rc, QC_OK);
        QC_CHECK(r.done);
        QC_CHECK_EQ_INT(r.resp.status, i ? 304 : 204);
        QC_CHECK_EQ_INT(r.resp.body.len, 0);
        s_read_clean_up(&r);
    }
}

QC_TEST(http1_interim_replies_skipped)
{
    const char *t = "HTTP/1.1 100 Continue\r\nX-Interim: 1\r\n\r\n"
                    "HTTP/1.1 102 Processing\r\n\r\n"
                    "HTTP/1.1 201 Created\r\nX-Final: 1\r\nContent-Length: 4"
                    "\r\n\r\ndone";
    s_read r;
    s_run(t, strlen(t), 0, 0, 0, 0, &r);
    QC_CHECK_EQ_INT(r.rc, QC_OK);
    QC_CHECK(r.done);
    QC_CHECK_EQ_INT(r.resp.status, 201);
    QC_CHECK(s_hv(&r.resp, "X-Interim") == NULL);
    QC_CHECK_EQ_STR(s_hv(&r.resp, "X-Final"), "1");
    QC_CHECK_EQ_INT(r.resp.headers.len, 2);
    QC_CHECK_EQ_MEM(r.resp.body.data, r.resp.body.len, "done", 4);
    s_read_clean_up(&r);
    QC_CHECK(s_same_split(t, 0, 0));
}

/* The header rules of the transport's curl callback (see
 * transport_folded_header): folds joined with one space, a value's
 * leading blanks dropped and trailing ones kept, a line starting with a
 * colon not stored. */
QC_TEST(http1_header_rules)
{
    const char *t = "HTTP/1.1 200 OK\r\nX-A: one\r\n  two\r\n\tthree\r\n"
                    "X-B:  padded  \r\n: no name\r\n"
                    "X-Empty:\r\n   \r\nContent-Length: 0\r\n\r\n";
    s_read r;
    s_run(t, strlen(t), 0, 0, 0, 0, &r);
    QC_CHECK_EQ_INT(r.rc, QC_OK);
    QC_CHECK_EQ_STR(s_hv(&r.resp, "X-A"), "one two three");
    QC_CHECK_EQ_STR(s_hv(&r.resp, "X-B"), "padded  ");
    QC_CHECK_EQ_STR(s_hv(&r.resp, "X-Empty"), "");
    QC_CHECK_EQ_INT(r.resp.headers.len, 4);
    s_read_clean_up(&r);
    QC_CHECK(s_same_split(t, 0, 0));
}

/* libcurl refuses a header line without a colon, and a folded line with
 * no header line before it in its block; a trailer line without a colon
 * is refused as an invalid header. */
QC_TEST(http1_lines_libcurl_refuses)
{
    static const char *bad[] = {
        "HTTP/1.1 200 OK\r\nno colon\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-A: 1\r\nHTTP/1.1 201 C\r\n\r\n",
        "HTTP/1.1 200 OK\r\n fold first\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 100 Continue\r\nbad\r\n\r\nHTTP/1.1 200 OK\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        s_read r;
        s_run(bad[i], strlen(bad[i]), 0, 0, 1, 0, &r);
        QC_CHECK_EQ_INT(r.rc, QC_ERR_CONNECTION_CLOSED);
        s_read_clean_up(&r);
    }
    const char *tr = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "1\r\na\r\n0\r\nno colon\r\n\r\n";
    s_read r;
    s_run(tr, strlen(tr), 0, 0, 1, 0, &r);
    QC_CHECK_EQ_INT(r.rc, QC_ERR_HTTP);
    s_read_clean_up(&r);
    /* A fold after a line without a name, or in the trailers, is fine;
     * so is a "HTTP/" line with a colon (it starts the block afresh, as
     * the curl callback does). */
    static const char *good[] = {
        "HTTP/1.1 200 OK\r\n: x\r\n fold\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        "0\r\nT: 1\r\n fold\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-A: 1\r\nHTTP/1.1 201 C: x\r\n"
        "Content-Length: 0\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        s_run(good[i], strlen(good[i]), 0, 0, 1, 0, &r);
        QC_CHECK_EQ_INT(r.rc, QC_OK);
        QC_CHECK(r.done);
        s_read_clean_up(&r);
    }
    const char *restart = good[2];
    s_run(restart, strlen(restart), 0, 0, 1, 0, &r);
    QC_CHECK_EQ_INT(r.resp.headers.len, 1);
    QC_CHECK_EQ_STR(r.resp.headers.items[0].name, "Content-Length");
    s_read_clean_up(&r);
}

QC_TEST(http1_refused_header_values)
{
    /* A CR inside a value, or a NUL: the reply is refused. */
    static const char cr[] = "HTTP/1.1 200 OK\r\nX-A: a\rb\r\n"
                             "Content-Length: 0\r\n\r\n";
    static const char nul[] = "HTTP/1.1 200 OK\r\nX-A: a\0b\r\n"
                              "Content-Length: 0\r\n\r\n";
    s_read r;
    s_run(cr, sizeof(cr) - 1, 0, 0, 0, 0, &r);
    QC_CHECK_EQ_INT(r.rc, QC_ERR_HTTP);
    s_read_clean_up(&r);
    s_run(nul, sizeof(nul) - 1, 0, 0, 0, 0, &r);
    QC_CHECK_EQ_INT(r.rc, QC_ERR_HTTP);
    s_read_clean_up(&r);
}

QC_TEST(http1_keep_alive_rules)
{
    static const struct {
        const char *text;
        int keep;
    } cases[] = {
        {"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 1},
        {"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
         0},
        {"HTTP/1.1 200 OK\r\nConnection: Keep-Alive, Close\r\n"
         "Content-Length: 0\r\n\r\n",
         0},
        {"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", 0},
        {"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n"
         "Content-Length: 0\r\n\r\n",
         1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        s_read r;
        s_run(cases[i].text, strlen(cases[i].text), 0, 0, 0, 0, &r);
        QC_CHECK_EQ_INT(r.rc, QC_OK);
        QC_CHECK(r.done);
        QC_CHECK_EQ_INT(r.keep, cases[i].keep);
        s_read_clean_up(&r);
    }
}

/* 100 lines per block, the blank one included (99 headers pass, 100
 * fail), as http.client and the curl path. */
QC_TEST(http1_header_count_limit)
{
    for (int extra = 0; extra < 2; extra++) {
        qc_buf b;
        qc_buf_init(&b, 0);
        QC_CHECK(qc_buf_append_str(&b, "HTTP/1.1 200 OK\r\n") == QC_OK);
        for (int i = 0; i < 98 + extra; i++)
            QC_CHECK(qc_buf_appendf(&b, "X-Fill-%d: v\r\n", i) == QC_OK);
        QC_CHECK(qc_buf_append_str(&b, "Content-Length: 0\r\n\r\n") == QC_OK);
        s_read r;
        s_run(b.data, b.len, 0, 0, 0, 0, &r);
        if (extra == 0) {
            QC_CHECK_EQ_INT(r.rc, QC_OK);
            QC_CHECK_EQ_INT(r.resp.headers.len, 99);
        } else {
            QC_CHECK_EQ_INT(r.rc, QC_ERR_CONNECTION_CLOSED);
            QC_CHECK_EQ_STR(r.msg, "got more than 100 headers");
        }
        s_read_clean_up(&r);
        qc_buf_clean_up(&b);
    }
}

/* 65536 bytes per line, CRLF included, whether it arrives whole or in
 * pieces. */
QC_TEST(http1_header_line_limit)
{
    for (int extra = 0; extra < 2; extra++) {
        size_t vlen = 65536 - 7 + (size_t)extra;
        qc_buf b;
        qc_buf_init(&b, 0);
        QC_CHECK(qc_buf_append_str(&b, "HTTP/1.1 200 OK\r\nX-L: ") == QC_OK);
        for (size_t i = 0; i < vlen; i++)
            QC_CHECK(qc_buf_append_byte(&b, 'a') == QC_OK);
        QC_CHECK(qc_buf_append_str(&b, "\r\nContent-Length: 0\r\n\r\n") ==
                 QC_OK);
        for (size_t step = 0; step < 2; step++) {
            s_read r;
            s_run(b.data, b.len, step ? 1000 : 0, 0, 0, 0, &r);
            if (extra == 0) {
                QC_CHECK_EQ_INT(r.rc, QC_OK);
                QC_CHECK_EQ_INT(strlen(s_hv(&r.resp, "X-L")), vlen);
            } else {
                QC_CHECK_EQ_INT(r.rc, QC_ERR_CONNECTION_CLOSED);
            }
            s_read_clean_up(&r);
        }
        qc_buf_clean_up(&b);
    }
    /* A line that never ends fails once it is over the limit, without
     * waiting for more. */
    char *endless = malloc(70000);
    QC_CHECK(endless != NULL);
    memcpy(endless, "HTTP/1.1 200 OK\r\nX-L: ", 22);
    memset(endless + 22, 'a', 70000 - 22);
    s_read r;
    s_run(endless, 70000, 4096, 0, 0, 0, &r);
    QC_CHECK_EQ_INT(r.rc, QC_ERR_CONNECTION_CLOSED);
    s_read_clean_up(&r);
    free(endless);
}

QC_TEST(http1_not_http)
{
    static const char *bad[] = {
        "<html>hello</html>\r\n\r\n",
        "HTTP/2 200\r\n\r\n",
        "HTTP/1.1 2000 OK\r\n\r\n",
        "HTTP/1.1 20 OK\r\n\r\n",
        "HTTP/1.1200 OK\r\n\r\n",
        "\r\nHTTP/1.1 200 OK\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        s_read r;
        s_run(bad[i], strlen(bad[i]), 0, 0, 1, 0, &r);
        QC_CHECK_EQ_INT(r.rc, QC_ERR_HTTP);
        s_read_clean_up(&r);
    }
    /* Known at the first wrong byte: no need to wait for the line end. */
    s_read r;
    s_run("HTX", 3, 0, 0, 0, 0, &r);
    QC_CHECK_EQ_INT(r.rc, QC_ERR_HTTP);
    s_read_clean_up(&r);
    /* A status line without a reason phrase is fine. */
    const char *bare = "HTTP/1.1 503\r\nContent-Length: 0\r\n\r\n";
    s_run(bare, strlen(bare), 0, 0, 0, 0, &r);
    QC_CHECK_EQ_INT(r.rc, QC_OK);
    QC_CHECK_EQ_INT(r.resp.status, 503);
    s_read_clean_up(&r);
}

QC_TEST(http1_invalid_content_length)
{
    static const char *bad[] = {
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        s_read r;
        s_run(bad[i], strlen(bad[i]), 0, 0, 1, 0, &r);
        QC_CHECK_EQ_INT(r.rc, QC_ERR_CONNECTION_CLOSED);
        s_read_clean_up(&r);
    }
}

QC_TEST(http1_connection_ends_early)
{
    static const char *cut[] = {
        "",
        "HTTP/1.1 200",
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
        "HTTP/1.1 100 Continue\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n",
    };
    for (size_t i = 0; i < sizeof(cut) / sizeof(cut[0]); i++) {
        s_read r;
        s_run(cut[i], strlen(cut[i]), 0, 0, 1, 0, &r);
        QC_CHECK_EQ_INT(r.rc, QC_ERR_CONNECTION_CLOSED);
        QC_CHECK(r.msg[0] != '\0');
        s_read_clean_up(&r);
    }
}

/* The end of the connection inside a header block ends it, as libcurl
 * reads it: the reply is what came (a partial last line dropped) when
 * its framing needs no more bytes. */
QC_TEST(http1_connection_ends_in_the_headers)
{
    static const struct {
        const char *text;
        int head;
        long status;
        size_t headers;
    } cases[] = {
        {"HTTP/1.1 200 OK\r\n", 0, 200, 0},
        {"HTTP/1.1 200 OK\r\nContent-Len", 0, 200, 0},
        {"HTTP/1.1 200 OK\r\nX-A: b\r", 0, 200, 0},
        {"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-A: b\r\n", 0, 200, 2},
        {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n", 1, 200, 1},
        {"HTTP/1.1 100 Continue\r\n", 0, 100, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        s_read r;
        s_run(cases[i].text, strlen(cases[i].text), 0, cases[i].head, 1, 0,
              &r);
        QC_CHECK_EQ_INT(r.rc, QC_OK);
        QC_CHECK(r.done);
        QC_CHECK_EQ_INT(r.resp.status, cases[i].status);
        QC_CHECK_EQ_INT(r.resp.headers.len, cases[i].headers);
        s_read_clean_up(&r);
    }
}

QC_TEST(http1_body_limit)
{
    const char *t = "HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n"
                    "01234567890123456789";
    s_read r;
    s_run(t, strlen(t), 0, 0, 0, 10, &r);
    QC_CHECK_EQ_INT(r.rc, QC_ERR_LIMIT);
    s_read_clean_up(&r);
    const char *ch = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "14\r\n01234567890123456789\r\n0\r\n\r\n";
    s_run(ch, strlen(ch), 0, 0, 0, 10, &r);
    QC_CHECK_EQ_INT(r.rc, QC_ERR_LIMIT);
    s_read_clean_up(&r);
}

/* libcurl's bound on the header bytes of a reply (300 KiB, every block
 * counted), which the curl path applies: five 60000-byte headers pass,
 * six fail. */
QC_TEST(http1_header_bytes_limit)
{
    for (int n = 5; n <= 6; n++) {
        qc_buf b;
        qc_buf_init(&b, 0);
        QC_CHECK(qc_buf_append_str(&b, "HTTP/1.1 100 Continue\r\n\r\n"
                                       "HTTP/1.1 200 OK\r\n") == QC_OK);
        for (int i = 0; i < n; i++) {
            QC_CHECK(qc_buf_appendf(&b, "X-%d: ", i) == QC_OK);
            for (int k = 0; k < 60000; k++)
                QC_CHECK(qc_buf_append_byte(&b, 'a') == QC_OK);
            QC_CHECK(qc_buf_append_str(&b, "\r\n") == QC_OK);
        }
        QC_CHECK(qc_buf_append_str(&b, "Content-Length: 0\r\n\r\n") == QC_OK);
        s_read r;
        s_run(b.data, b.len, 0, 0, 0, 0, &r);
        QC_CHECK_EQ_INT(r.rc, n == 5 ? QC_OK : QC_ERR_CONNECTION_CLOSED);
        s_read_clean_up(&r);
        qc_buf_clean_up(&b);
    }
}
