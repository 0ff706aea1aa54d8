/*
 * fuzz_endpoint.c — libFuzzer target: the endpoint evaluator's inputs.
 * Byte 0 holds the flags (FIPS, dual-stack, TLS, region/endpoint unset,
 * client creation); then the region and the custom endpoint URL as
 * length-prefixed fields (C strings: NULs dropped, as the binding refuses
 * them). Runs region validation and FIPS normalisation, client set-up and
 * per-call resolution, the rule set directly on the raw inputs, and
 * optionally a whole client with one call through a canned transport.
 */
#include <stdlib.h>

#include "endpoint.h"
#include "fuzz_common.h"

/* Copies a field into out (NUL-terminated, NULs dropped). */
static void fze_cstr(fz_in *in, char *out, size_t cap)
{
    size_t len, n = 0;
    const char *p = fz_field(in, &len);
    for (size_t i = 0; i < len && n + 1 < cap; i++)
        if (p[i])
            out[n++] = p[i];
    out[n] = '\0';
}

QC_FUZZ_ENTRY(endpoint)
{
    fz_in in = {data, size};
    uint8_t flags = fz_u8(&in);
    char region_s[260], endpoint_s[260];
    fze_cstr(&in, region_s, sizeof region_s);
    fze_cstr(&in, endpoint_s, sizeof endpoint_s);
    const char *region = (flags & 0x08) ? NULL : region_s;
    const char *endpoint = (flags & 0x10) ? endpoint_s : NULL;
    qc_buf buf;
    qc_buf_init(&buf, 0);
    qc_error err;
    qc_error_init(&err);

    int valid = qc_region_is_valid(region);
    FZ_REQUIRE(valid == 0 || valid == 1);
    if (region) {
        int changed = -1;
        int rc = qc_region_normalize_fips(region, &buf, &changed);
        FZ_REQUIRE(rc == QC_OK || rc == QC_ERR_NOMEM || rc == QC_ERR_LIMIT);
        if (rc == QC_OK) {
            FZ_REQUIRE(changed == 0 || changed == 1);
            FZ_REQUIRE(buf.len <= strlen(region));
            FZ_REQUIRE(!buf.data || strlen(buf.data) == buf.len);
        }
    }

    /* Client creation's steps, then one call's resolution. */
    qc_endpoint_config cfg = {region, endpoint, flags & 1, (flags >> 1) & 1,
                              !((flags >> 2) & 1)};
    qc_endpoint_setup setup;
    int failure = -1;
    int rc = qc_endpoint_setup_init(&setup, &cfg, &failure, &err);
    FZ_REQUIRE(failure >= QC_EP_FAIL_NONE &&
               failure <= QC_EP_FAIL_INVALID_ENDPOINT);
    if (rc == QC_OK) {
        FZ_REQUIRE(failure == QC_EP_FAIL_NONE);
        qc_buf_reset(&buf);
        qc_error_clean_up(&err);
        rc = qc_endpoint_setup_resolve(&setup, &buf, &err);
        FZ_REQUIRE(rc == QC_OK || rc == QC_ERR_ENDPOINT ||
                   rc == QC_ERR_NOMEM || rc == QC_ERR_LIMIT);
        if (rc == QC_ERR_ENDPOINT)
            FZ_REQUIRE(err.message != NULL);
        qc_endpoint_setup_clean_up(&setup);
    } else {
        FZ_REQUIRE(rc == QC_ERR_NOMEM || failure != QC_EP_FAIL_NONE ||
                   rc == QC_ERR_LIMIT);
        FZ_REQUIRE(!setup.region && !setup.meta_url);
    }

    /* The rule set straight on the raw inputs (no region validation). */
    qc_endpoint_params ep = {region, flags & 1, (flags >> 1) & 1, endpoint};
    qc_buf_reset(&buf);
    qc_error_clean_up(&err);
    rc = qc_endpoint_resolve(&ep, &buf, &err);
    FZ_REQUIRE(rc == QC_OK || rc == QC_ERR_ENDPOINT || rc == QC_ERR_NOMEM ||
               rc == QC_ERR_LIMIT);

    /* A whole client and one call. */
    if (flags & 0x20) {
        qc_transport *t = NULL;
        if (qc_canned_transport_new(200, "x-amzn-RequestId: r\r\n", "{}", 2,
                                    &t) == QC_OK) {
            qc_client_options o;
            qc_client_options_init(&o);
            o.region = region;
            o.endpoint_url = endpoint;
            o.use_fips_endpoint = flags & 1;
            o.use_dualstack_endpoint = (flags >> 1) & 1;
            o.use_ssl = !((flags >> 2) & 1);
            o.transport = t;
            qc_client *c = NULL;
            qc_error_clean_up(&err);
            rc = qc_client_new(&o, &c, &err);
            if (rc != QC_OK) {
                FZ_REQUIRE(c == NULL);
                qc_transport_destroy(t);
            } else {
                const char *u = qc_client_endpoint_url(c);
                FZ_REQUIRE(u != NULL && qc_client_meta_endpoint_url(c));
                if (qc_client_set_credentials(c, "AK", 2, "SK", 2, NULL, 0) ==
                    QC_OK) {
                    qc_value params;
                    qc_value_set_null(&params);
                    params.type = QC_VAL_MAP;
                    qc_call_result r;
                    qc_call_options co;
                    qc_call_options_init(&co);
                    co.now_sec = 1700000000;
                    rc = qc_client_call(c, qc_operation_find("ListAssistants",
                                                             14),
                                        &params, &co, &r);
                    FZ_REQUIRE(rc == QC_OK || rc == QC_ERR_ENDPOINT ||
                               rc == QC_ERR_NOMEM || rc == QC_ERR_LIMIT ||
                               rc == QC_ERR_SIGN || rc == QC_ERR_INVALID_ARG);
                    qc_call_result_clean_up(&r);
                }
                qc_client_destroy(c);
            }
        }
    }
    qc_error_clean_up(&err);
    qc_buf_clean_up(&buf);
    return 0;
}
