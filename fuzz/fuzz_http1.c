/*
 * fuzz_http1.c — libFuzzer target: the HTTP/1.1 reply reader (http1.c)
 * on any bytes, split into reads of any size, with or without the end of
 * the connection after them, for a HEAD request or not, under a small or
 * the default body limit.
 *
 * Byte 0 holds the flags (bit 0 HEAD, bit 1 end of connection, bit 2 a
 * 64-byte body limit); byte 1 the read size less one; the rest is what
 * the connection delivers.
 */
#include "fuzz_common.h"

#include "http1.h"

QC_FUZZ_ENTRY(http1)
{
    fz_in in = {data, size};
    uint8_t flags = fz_u8(&in);
    size_t step = (size_t)fz_u8(&in) + 1;
    size_t len;
    const char *rest = fz_rest(&in, &len);

    qc_http_response resp;
    qc_http_response_init(&resp);
    if (flags & 4)
        resp.body.limit = 64;
    qc_error err;
    qc_error_init(&err);
    qc_h1_reader r;
    qc_h1_reader_init(&r, &resp, flags & 1);
    int rc = QC_OK;
    size_t pos = 0;
    while (pos < len && !r.done) {
        size_t k = step < len - pos ? step : len - pos;
        size_t used = 0;
        rc = qc_h1_reader_feed(&r, rest + pos, k, &used, &err);
        if (rc)
            break;
        FZ_REQUIRE(used <= k);
        FZ_REQUIRE(used == k || r.done);
        pos += used;
        if (used < k)
            break;
    }
    if (rc == QC_OK && !r.done && (flags & 2))
        rc = qc_h1_reader_eof(&r, &err);
    if (rc == QC_OK) {
        FZ_REQUIRE(err.code == QC_OK);
        /* A reader that says done has a final status and its limits held. */
        if (r.done) {
            /* (a 1xx block the connection's end cut is the reply) */
            FZ_REQUIRE(resp.status < 100 || resp.status > 199 ||
                       (flags & 2));
            /* At most 100 lines a block; a block the connection's end
             * cut has no blank line, so all 100 can be headers. */
            FZ_REQUIRE(resp.headers.len <= QC_H1_MAX_HEADER_LINES);
            FZ_REQUIRE(resp.headers.len < QC_H1_MAX_HEADER_LINES ||
                       (flags & 2));
            FZ_REQUIRE(!(flags & 1) || resp.body.len == 0);
        }
        FZ_REQUIRE(!(flags & 4) || resp.body.len <= 64);
    } else {
        FZ_REQUIRE(rc == QC_ERR_CONNECTION_CLOSED || rc == QC_ERR_HTTP ||
                   rc == QC_ERR_LIMIT || rc == QC_ERR_NOMEM);
        FZ_REQUIRE(err.code == rc);
    }
    qc_h1_reader_clean_up(&r);
    qc_error_clean_up(&err);
    qc_http_response_clean_up(&resp);
    return 0;
}
