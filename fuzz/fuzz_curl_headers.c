/*
 * fuzz_curl_headers.c — libFuzzer target: the libcurl transport's handling
 * of reply header lines (status lines, obs-folds, limits, Content-Length
 * pre-sizing), its no_proxy matching and the request header list it
 * builds, without any network: the transport's source is compiled into
 * this target so its callbacks can be driven directly, a line at a time,
 * as curl calls them.
 *
 * Byte 0 holds the flags; then two length-prefixed fields (no_proxy, host)
 * and the reply header bytes, delivered line by line (each with its LF).
 */
#include "fuzz_common.h"

#include "transport_curl.c"

QC_FUZZ_ENTRY(curl_headers)
{
    fz_in in = {data, size};
    uint8_t flags = fz_u8(&in);
    char no_proxy[260], host[260];
    size_t len;
    const char *p = fz_field(&in, &len);
    memcpy(no_proxy, p, len);
    no_proxy[len] = '\0';
    p = fz_field(&in, &len);
    memcpy(host, p, len);
    host[len] = '\0';

    /* Proxy bypass: any answer, no crash. */
    int by = s_bypass_proxy(no_proxy, host, len);
    FZ_REQUIRE(by == 0 || by == 1);

    qc_http_response resp;
    qc_http_response_init(&resp);
    qc_error err;
    qc_error_init(&err);
    s_xfer x;
    memset(&x, 0, sizeof(x));
    x.resp = &resp;
    x.err = &err;
    qc_buf_init(&x.fold, 0);
    s_response_reset(&resp);

    const char *rest = fz_rest(&in, &len);
    const char *end = rest + len;
    if (flags & 1) {
        static char status[] = "HTTP/1.1 200 OK\r\n";
        FZ_REQUIRE(s_on_header(status, 1, sizeof(status) - 1, &x) ==
                   sizeof(status) - 1);
    }
    int stopped = 0;
    for (const char *line = rest; line < end && !stopped;) {
        const char *eol = memchr(line, '\n', (size_t)(end - line));
        size_t n = eol ? (size_t)(eol - line) + 1 : (size_t)(end - line);
        /* curl hands over a writable copy; so does this. */
        char *copy = malloc(n ? n : 1);
        if (!copy)
            break;
        memcpy(copy, line, n);
        size_t got = (flags & 2) ? s_on_header(copy, n, 1, &x)
                                 : s_on_header(copy, 1, n, &x);
        free(copy);
        if (got == 0) {
            FZ_REQUIRE(x.cb_code != QC_OK);
            stopped = 1;
        } else {
            FZ_REQUIRE(got == n);
        }
        line += n;
    }
    if (!stopped)
        (void)s_end_pending(&x);
    FZ_REQUIRE(resp.headers.len <= S_MAX_HEADER_LINES);
    for (size_t i = 0; i < resp.headers.len; i++) {
        const qc_header *h = &resp.headers.items[i];
        FZ_REQUIRE(h->name_len > 0 && strlen(h->name) == h->name_len &&
                   strlen(h->value) == h->value_len);
        FZ_REQUIRE(!memchr(h->name, ':', h->name_len));
    }

    /* The received headers as a request's: the list curl would send. */
    s_curl_transport t;
    memset(&t, 0, sizeof(t));
    /* A User-Agent option (the host field): a transport is made with it
     * only when it holds no line break; then it goes into the list. (The
     * client never hands one over: it adds the header itself, through the
     * checks of qc_headers_add.) */
    if (flags & 4) {
        qc_curl_transport_options o;
        memset(&o, 0, sizeof(o));
        o.user_agent = host;
        qc_transport *made = NULL;
        int mrc = qc_curl_transport_new(&o, &made, NULL);
        FZ_REQUIRE(mrc == QC_OK || mrc == QC_ERR_INVALID_ARG ||
                   mrc == QC_ERR_NOMEM);
        FZ_REQUIRE((mrc == QC_ERR_INVALID_ARG) ==
                   (strpbrk(host, "\r\n") != NULL));
        FZ_REQUIRE((mrc == QC_OK) == (made != NULL));
        qc_transport_destroy(made);
        if (mrc == QC_OK)
            t.user_agent = host;
    }
    s_slot slot;
    memset(&slot, 0, sizeof(slot));
    qc_buf_init(&slot.line, 0);
    struct curl_slist *list = NULL;
    int cl_where = (flags >> 3) % 3;
    if (s_build_headers(&t, &slot, &resp.headers, cl_where,
                        (long long)resp.body.cap, &list) == QC_OK) {
        size_t count = 0;
        for (struct curl_slist *l = list; l; l = l->next) {
            FZ_REQUIRE(!strchr(l->data, '\r') && !strchr(l->data, '\n'));
            count++;
        }
        FZ_REQUIRE(count >= resp.headers.len);
    }
    curl_slist_free_all(list);
    qc_buf_clean_up(&slot.line);
    qc_buf_clean_up(&x.fold);
    qc_error_clean_up(&err);
    qc_http_response_clean_up(&resp);
    return 0;
}
