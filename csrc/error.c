/*
 * error.c — the error list's names and messages, and qc_error detail text.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qc.h"

static const char *const s_messages[] = {
#define QC_ERR_MSG_(name, msg) msg,
    QC_ERRORS(QC_ERR_MSG_)
#undef QC_ERR_MSG_
};

static const char *const s_names[] = {
#define QC_ERR_NAME_(name, msg) #name,
    QC_ERRORS(QC_ERR_NAME_)
#undef QC_ERR_NAME_
};

/* Returns a static message for code. */
const char *qc_strerror(int code)
{
    if (code < 0 || code >= QC_ERR_COUNT_)
        return "unknown error";
    return s_messages[code];
}

/* Returns the static symbolic name of code. */
const char *qc_errname(int code)
{
    if (code < 0 || code >= QC_ERR_COUNT_)
        return "QC_ERR_UNKNOWN";
    return s_names[code];
}

/* Empties err (storage owned by the caller); nothing is freed. */
void qc_error_init(qc_error *err)
{
    err->code = QC_OK;
    err->message = NULL;
    err->message_len = 0;
    err->fault = QC_FAULT_NONE;
    err->origin = NULL;
}

/* Frees err's message and empties it. */
void qc_error_clean_up(qc_error *err)
{
    free(err->message);
    qc_error_init(err);
}

/* Drops err's message and fault and sets code; returns code. */
static int s_reset(qc_error *err, int code)
{
    free(err->message);
    qc_error_init(err);
    err->code = code;
    return code;
}

/* Sets code and formatted message on err (when not NULL); returns code. */
int qc_error_set(qc_error *err, int code, const char *fmt, ...)
{
    if (!err)
        return code;
    s_reset(err, code);
    if (!fmt)
        return code;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return code;
    char *msg = malloc((size_t)n + 1);
    if (!msg)
        return code;
    va_start(ap, fmt);
    vsnprintf(msg, (size_t)n + 1, fmt, ap);
    va_end(ap);
    err->message = msg;
    err->message_len = (size_t)n;
    return code;
}

/* Sets code and a copy of (text, len) on err (when not NULL); returns code. */
int qc_error_set_text(qc_error *err, int code, const char *text, size_t len)
{
    if (!err)
        return code;
    s_reset(err, code);
    if (!text || len == SIZE_MAX)
        return code;
    char *msg = malloc(len + 1);
    if (!msg)
        return code;
    if (len)
        memcpy(msg, text, len);
    msg[len] = '\0';
    err->message = msg;
    err->message_len = len;
    return code;
}

/* Returns err's message or the code's static text (never NULL). */
const char *qc_error_text(const qc_error *err)
{
    if (!err)
        return "";
    return err->message ? err->message : qc_strerror(err->code);
}

/* Returns err's text (never NULL) and its length in *len. */
const char *qc_error_text_len(const qc_error *err, size_t *len)
{
    const char *t = qc_error_text(err);
    *len = err && err->message ? err->message_len : strlen(t);
    return t;
}
