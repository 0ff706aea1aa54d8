/*
 * pipeline.h — the stages client.c drives, one file each:
 *   validate.c  serialize.c  (sigv4.c)  (transport)  parse.c
 */
#ifndef QC_PIPELINE_H
#define QC_PIPELINE_H

#include "buf.h"
#include "http.h"
#include "model.h"
#include "qc.h"

/* validate.c: checks params against op's input shape exactly as botocore's
 * ParamValidator does, gathering every problem. Returns QC_OK, or
 * QC_ERR_PARAM_VALIDATION with err->message holding botocore's report text
 * (the lines after "Parameter validation failed:\n"), or QC_ERR_CALLBACK
 * when the describe callback failed, or QC_ERR_NOMEM. */
int qc_validate(const qc_model *m, const qc_shape *input,
                const qc_value *params, const qc_call_options *co,
                qc_arena *a, qc_error *err) QC_WARN_UNUSED;

/* serialize.c: builds method, path, query, headers and JSON body of req
 * from params as botocore's RestJSONSerializer does. token (may be NULL)
 * is the idempotency token to use when params lacks that member; it is
 * appended last in the JSON body, as botocore's handler does. */
int qc_serialize(const qc_model *m, const qc_operation *op,
                 const qc_value *params, const qc_cursor *token,
                 qc_http_request *req, qc_error *err) QC_WARN_UNUSED;

/* Writes a JSON string literal for (s, len) as Python's json.dumps does
 * with ensure_ascii=True (non-ASCII as \uXXXX, surrogate pairs). */
int qc_json_write_string(qc_buf *b, const char *s, size_t len) QC_WARN_UNUSED;
/* Writes a double as Python's float repr / json.dumps does. */
int qc_json_write_double(qc_buf *b, double d) QC_WARN_UNUSED;

/* Percent-encodes (s, len) as botocore.utils.percent_encode: unreserved
 * characters and the bytes in safe are kept. */
int qc_percent_encode(qc_buf *b, const char *s, size_t len,
                      const char *safe) QC_WARN_UNUSED;

/* parse.c: turns a received reply into botocore's parsed dict (see
 * qc_call_result in qc.h). For 2xx: output members + ResponseMetadata.
 * Otherwise: {"Error": {"Code", "Message"}, "ResponseMetadata", modelled
 * members...} and *error_code set. Returns QC_OK for a success reply,
 * QC_ERR_SERVICE for an error reply, or QC_ERR_NOMEM. attempts goes into
 * ResponseMetadata.RetryAttempts. */
int qc_parse_response(const qc_model *m, const qc_operation *op,
                      const qc_http_response *resp, int retry_attempts,
                      qc_arena *a, qc_value *out, const char **error_code,
                      qc_error *err) QC_WARN_UNUSED;
/* The same with json.loads' nesting limit (0 = CPython 3.10/3.11's). */
int qc_parse_response_depth(const qc_model *m, const qc_operation *op,
                            const qc_http_response *resp, int retry_attempts,
                            qc_arena *a, qc_value *out,
                            const char **error_code, qc_error *err,
                            int json_depth_limit) QC_WARN_UNUSED;

/* timeutil.c: civil time and timestamp text. */
int64_t qc_days_from_civil(int64_t y, unsigned m, unsigned d);
void qc_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);
/* Parses ISO-8601 (date, optional time, fraction, Z or offset; no zone =
 * UTC) into UTC seconds + microseconds. Returns 0 or -1. */
int qc_parse_iso8601(const char *s, size_t len, int64_t *sec, int32_t *usec);
/* Splits a float epoch into seconds + microseconds rounded half-even, as
 * datetime.fromtimestamp does. Returns 0 or -1 (not finite/out of range). */
int qc_epoch_from_double(double f, int64_t *sec, int32_t *usec);
/* Parses text as epoch seconds (a number) or ISO-8601. Returns 0 or -1. */
int qc_timestamp_from_text(const char *s, size_t len, int64_t *sec,
                           int32_t *usec);
/* Appends botocore's ISO8601 / ISO8601_MICRO form of a UTC instant. */
int qc_format_iso8601(qc_buf *b, int64_t sec, int32_t usec) QC_WARN_UNUSED;

#endif /* QC_PIPELINE_H */
