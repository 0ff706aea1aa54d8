/*
 * fuzz_sigv4.c — libFuzzer target: the SigV4 canonicalizer and signer on
 * requests with arbitrary path, query, header and body bytes. Byte 0
 * picks the method, byte 1 the options (path normalisation, session
 * token, a Date header, the whole signing flow); then length-prefixed
 * fields: host, path, query, body, region, the signing time and up to 11
 * headers (those the header list refuses are left out, as no request
 * could carry them).
 */
#include <stdlib.h>

#include "fuzz_common.h"
#include "sigv4.h"

/* Copies field bytes into a NUL-terminated buffer without NULs. */
static void fzs_cstr(fz_in *in, char *out, size_t cap)
{
    size_t len, n = 0;
    const char *p = fz_field(in, &len);
    for (size_t i = 0; i < len && n + 1 < cap; i++)
        if (p[i])
            out[n++] = p[i];
    out[n] = '\0';
}

/* Returns the number of c in (s, n). */
static size_t fzs_count(const char *s, size_t n, char c)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += s[i] == c;
    return k;
}

QC_FUZZ_ENTRY(sigv4)
{
    static const char *const methods[] = {"GET", "POST", "PUT", "DELETE",
                                          "PATCH", "HEAD", "OPTIONS", "get"};
    fz_in in = {data, size};
    uint8_t msel = fz_u8(&in);
    uint8_t opts = fz_u8(&in);
    char method[17], region[64];
    qc_http_request req;
    qc_http_request_init(&req);
    qc_buf creq, sh, sts, sig;
    qc_buf_init(&creq, 0);
    qc_buf_init(&sh, 0);
    qc_buf_init(&sts, 0);
    qc_buf_init(&sig, 0);
    qc_error err;
    qc_error_init(&err);
    qc_signer *signer = NULL;
    size_t len;
    const char *p;

    if (msel < 0xF0) {
        req.method = methods[msel % 8];
    } else {
        /* A made-up method of letters. */
        p = fz_field(&in, &len);
        size_t n = 0;
        for (size_t i = 0; i < len && n < 16; i++)
            method[n++] = (char)('A' + (unsigned char)p[i] % 26);
        method[n] = '\0';
        req.method = method;
    }
    p = fz_field(&in, &len);
    if (qc_buf_append(&req.host, p, len))
        goto out;
    p = fz_field(&in, &len);
    if (qc_buf_append(&req.path, p, len))
        goto out;
    p = fz_field(&in, &len);
    if (qc_buf_append(&req.query, p, len))
        goto out;
    p = fz_field(&in, &len);
    if (len && qc_buf_append(&req.body, p, len))
        goto out;
    fzs_cstr(&in, region, sizeof region);
    int64_t now = 1700000000 + (int64_t)(int32_t)(fz_u16(&in) * 40503u);
    if (opts & 0x20)
        now = (int64_t)fz_u64(&in);
    size_t nh = fz_u8(&in) % 12;
    for (size_t i = 0; i < nh; i++) {
        size_t nl, vl;
        const char *name = fz_field(&in, &nl);
        const char *value = fz_field(&in, &vl);
        int rc = (opts & 0x40) && i % 2
                     ? qc_headers_set(&req.headers, name, nl, value, vl)
                     : qc_headers_add(&req.headers, name, nl, value, vl);
        FZ_REQUIRE(rc == QC_OK || rc == QC_ERR_INVALID_ARG ||
                   rc == QC_ERR_NOMEM);
    }
    if ((opts & 0x08) && qc_headers_add(&req.headers, "Date", 4, "x", 1))
        goto out;

    qc_sigv4_params sp;
    sp.region = region;
    sp.service = "wisdom";
    sp.now_sec = now;
    sp.normalize_path = !(opts & 1);
    sp.sign_body = (opts >> 1) & 1;

    /* Stage by stage. */
    int rc = qc_sigv4_canonical_request(&req, &sp, &creq, &sh);
    FZ_REQUIRE(rc == QC_OK || rc == QC_ERR_NOMEM || rc == QC_ERR_LIMIT ||
               rc == QC_ERR_SIGN || rc == QC_ERR_INVALID_ARG);
    if (rc == QC_OK) {
        /* With a normalised path the URI line is fully percent-encoded
         * (else the path is used as given; the query always is, as
         * botocore signs the URL's query). */
        FZ_REQUIRE(fzs_count(sh.data, sh.len, '\n') == 0);
        const char *l2 = memchr(creq.data, '\n', creq.len);
        FZ_REQUIRE(l2 != NULL);
        l2++;
        for (const char *q = l2; sp.normalize_path && *q != '\n'; q++) {
            char c = *q;
            FZ_REQUIRE((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                       (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                       c == '.' || c == '~' || c == '%' || c == '/');
        }
        rc = qc_sigv4_string_to_sign(qc_cursor_from(creq.data, creq.len), &sp,
                                     &sts);
        if (rc == QC_OK && sp.now_sec >= 0 && sp.now_sec < 253402300800LL) {
            qc_credentials cred;
            cred.access_key = qc_cursor_from("AKIDEXAMPLE", 11);
            cred.secret_key = qc_cursor_from(
                "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", 40);
            cred.session_token = qc_cursor_from("", 0);
            rc = qc_sigv4_signature(NULL, &cred, &sp,
                                    qc_cursor_from(sts.data, sts.len), &sig);
            FZ_REQUIRE(rc != QC_OK || sig.len == 64);
        }
    }

    /* The whole flow, through a key cache. */
    if (opts & 0x10) {
        signer = qc_signer_new();
        if (!signer)
            goto out;
        qc_credentials cred;
        cred.access_key = qc_cursor_from("AKIDEXAMPLE", 11);
        cred.secret_key = qc_cursor_from("secret", 6);
        cred.session_token = (opts & 0x04) ? qc_cursor_from("tok\x01en", 6)
                                           : qc_cursor_from("", 0);
        for (int round = 0; round < 2; round++) {
            rc = qc_sigv4_sign_request(signer, &req, &cred, &sp, &err);
            FZ_REQUIRE(rc == QC_OK || rc == QC_ERR_NOMEM ||
                       rc == QC_ERR_LIMIT || rc == QC_ERR_INVALID_ARG ||
                       rc == QC_ERR_SIGN);
            if (rc == QC_OK)
                FZ_REQUIRE(qc_headers_get(&req.headers, "Authorization", 13));
        }
    }
out:
    qc_signer_destroy(signer);
    qc_error_clean_up(&err);
    qc_buf_clean_up(&creq);
    qc_buf_clean_up(&sh);
    qc_buf_clean_up(&sts);
    qc_buf_clean_up(&sig);
    qc_http_request_clean_up(&req);
    return 0;
}
