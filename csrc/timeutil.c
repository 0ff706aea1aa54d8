/*
 * timeutil.c — civil-time arithmetic and ISO-8601 / epoch text parsing,
 * shared by validation, serialization and parsing. No locale, no TZ.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline.h"

/* Returns days since 1970-01-01 for a proleptic Gregorian date. */
int64_t qc_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* Splits days since the epoch into year, month (1-12) and day (1-31). */
void qc_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yy + (*m <= 2);
}

/* Reads exactly n digits at *p; returns -1 when they are not digits. */
static long s_digits(const char **p, const char *end, int n)
{
    long v = 0;
    for (int i = 0; i < n; i++) {
        if (*p >= end || (**p < '0' || **p > '9'))
            return -1;
        v = v * 10 + (**p - '0');
        (*p)++;
    }
    return v;
}

static int s_days_in_month(int64_t y, unsigned m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

/* Parses ISO-8601 text: YYYY-MM-DD[(T| )hh:mm[:ss[.frac]]][Z|(+|-)hh[:mm]].
 * A missing zone means UTC. Returns 0 and sets sec/usec, or -1. The
 * fraction is rounded to microseconds half-even as Python does. */
int qc_parse_iso8601(const char *s, size_t len, int64_t *sec, int32_t *usec)
{
    const char *p = s, *end = s + len;
    long y = s_digits(&p, end, 4);
    if (y < 0 || p >= end || *p != '-')
        return -1;
    p++;
    long mo = s_digits(&p, end, 2);
    if (mo < 1 || mo > 12 || p >= end || *p != '-')
        return -1;
    p++;
    long d = s_digits(&p, end, 2);
    if (d < 1 || d > s_days_in_month(y, (unsigned)mo))
        return -1;
    long hh = 0, mm = 0, ss = 0, us = 0;
    long offset = 0;
    if (p < end && (*p == 'T' || *p == 't' || *p == ' ')) {
        p++;
        hh = s_digits(&p, end, 2);
        if (hh < 0 || hh > 23 || p >= end || *p != ':')
            return -1;
        p++;
        mm = s_digits(&p, end, 2);
        if (mm < 0 || mm > 59)
            return -1;
        if (p < end && *p == ':') {
            p++;
            ss = s_digits(&p, end, 2);
            if (ss < 0 || ss > 59)
                return -1;
            if (p < end && (*p == '.' || *p == ',')) {
                p++;
                const char *f = p;
                long scale = 100000;
                while (p < end && *p >= '0' && *p <= '9') {
                    if (scale > 0) {
                        us += (*p - '0') * scale;
                        scale /= 10;
                    }
                    p++;
                }
                if (p == f)
                    return -1;
                /* dateutil truncates beyond microseconds. */
            }
        }
        if (p < end && (*p == 'Z' || *p == 'z')) {
            p++;
        } else if (p < end && (*p == '+' || *p == '-')) {
            int sign = *p == '-' ? -1 : 1;
            p++;
            long oh = s_digits(&p, end, 2), om = 0;
            if (oh < 0 || oh > 23)
                return -1;
            if (p < end && *p == ':')
                p++;
            if (p < end) {
                om = s_digits(&p, end, 2);
                if (om < 0 || om > 59)
                    return -1;
            }
            offset = sign * (oh * 3600 + om * 60);
        }
    }
    if (p != end)
        return -1;
    *sec = qc_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
           hh * 3600 + mm * 60 + ss - offset;
    *usec = (int32_t)us;
    return 0;
}

/* Splits a float epoch into whole seconds and microseconds rounded
 * half-even, as datetime.fromtimestamp does. Returns -1 when not finite. */
int qc_epoch_from_double(double f, int64_t *sec, int32_t *usec)
{
    if (!isfinite(f) || f > 1e15 || f < -1e15)
        return -1;
    double whole = floor(f);
    double frac = (f - whole) * 1e6;
    double r = nearbyint(frac); /* default rounding: half to even */
    int64_t s = (int64_t)whole;
    int64_t u = (int64_t)r;
    if (u >= 1000000) {
        s += 1;
        u -= 1000000;
    }
    *sec = s;
    *usec = (int32_t)u;
    return 0;
}

/* Writes "YYYY-MM-DDTHH:MM:SS[.ffffff]Z" (botocore's ISO8601 /
 * ISO8601_MICRO formats) for a UTC instant. */
int qc_format_iso8601(qc_buf *b, int64_t sec, int32_t usec)
{
    int64_t days = sec >= 0 ? sec / 86400 : -((-sec + 86399) / 86400);
    int64_t rem = sec - days * 86400;
    int64_t y;
    unsigned m, d;
    qc_civil_from_days(days, &y, &m, &d);
    int rc = qc_buf_appendf(b, "%04lld-%02u-%02uT%02d:%02d:%02d", (long long)y,
                            m, d, (int)(rem / 3600), (int)(rem / 60 % 60),
                            (int)(rem % 60));
    if (rc)
        return rc;
    if (usec > 0)
        rc = qc_buf_appendf(b, ".%06d", (int)usec);
    if (rc)
        return rc;
    return qc_buf_append_byte(b, 'Z');
}

/* Parses timestamp text as botocore's parse_timestamp tries it: first as a
 * number of epoch seconds (float(text)), then as ISO-8601. Returns 0 or -1. */
int qc_timestamp_from_text(const char *s, size_t len, int64_t *sec,
                           int32_t *usec)
{
    size_t b = 0, e = len;
    while (b < e && (s[b] == ' ' || (s[b] >= '\t' && s[b] <= '\r')))
        b++;
    while (e > b && (s[e - 1] == ' ' || (s[e - 1] >= '\t' && s[e - 1] <= '\r')))
        e--;
    if (e > b && e - b < 64) {
        char tmp[64];
        memcpy(tmp, s + b, e - b);
        tmp[e - b] = '\0';
        int numeric = 1;
        for (size_t i = 0; tmp[i]; i++)
            if (!strchr("0123456789+-.eE_", tmp[i]))
                numeric = 0;
        char *end = NULL;
        if (numeric) {
            double f = strtod(tmp, &end);
            if (end && *end == '\0' && end != tmp)
                return qc_epoch_from_double(f, sec, usec);
        }
    }
    return qc_parse_iso8601(s + b, e - b, sec, usec);
}
