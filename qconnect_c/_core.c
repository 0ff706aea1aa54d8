/*
 * _core.c — the CPython binding of the qconnect_c core.
 *
 * It only converts: Python values <-> qc_value trees, and core error codes
 * -> the exception classes of qconnect_c.exceptions. Everything else
 * (validation, serialization, signing, HTTP, parsing) is the C core's.
 * The GIL is released for the whole core call; the callbacks that need
 * Python (describing a value for a message, parsing a timestamp string,
 * checking for Ctrl-C) take it back briefly.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <datetime.h>
#include <structmember.h>

/* The binding uses the C API of Python 3.10 and later (pyproject.toml:
 * requires-python), e.g. PyModule_AddObjectRef. */
#if PY_VERSION_HEX < 0x030A0000
#error "qconnect_c needs Python 3.10 or newer"
#endif

#include <stdint.h>
#include <string.h>
#include <time.h>

#include "http.h"
#include "qc.h"

/* ------------------------------------------------------------ state */

/* One cached key: the str for the static text (ptr, len). */
typedef struct {
    const char *ptr;
    size_t len;
    PyObject *str;
} s_key_slot;

#define S_TZ_NAME_MAX 64 /* longer zone names: compared by pointer only */
#define S_DKEYS 256      /* slots of the dynamic key cache (a power of 2) */
#define S_DKEY_MAX 48    /* longest key text kept there */
#define S_LT_SLOTS 4     /* local-time offsets remembered */

typedef struct {
    PyObject *exc_module;   /* qconnect_c.exceptions */
    PyObject *ts_parser;    /* callable(obj) -> (sec, usec) | None */
    PyObject *tz_cache;     /* dict: offset seconds -> tzinfo */
    PyObject *tz_local;     /* botocore's tzlocal() */
    PyObject *tz_utc;       /* tzutc(), from tz_fixed_factory */
    PyObject *tz_utc_named; /* the tzinfo dateutil gives "Z" */
    PyObject *tz_offset;    /* callable(seconds) -> tzinfo, likewise */
    PyObject *tz_fixed_factory; /* callable() -> (tzutc, offset factory),
                                   called at the first need */
    PyObject *tz_local_factory; /* callable() -> (tzlocal, utc_named) */
    /* The zone (timezone, daylight, tzname) tz_local was made for; it is
     * remade when time.tzset() changes the zone, as botocore makes one per
     * parse. */
    int tz_known;
    long tz_timezone;
    int tz_daylight;
    char tz_name[2][S_TZ_NAME_MAX];
    const char *tz_name_ptr[2]; /* tzname[] when checked: the C library
                                   never changes a name in place */
    /* The local offsets of the last instants converted (valid for the
     * zone above): lt_known entries, lt_next the one replaced next. */
    int lt_known, lt_next;
    int64_t lt_sec[S_LT_SLOTS];
    long lt_off[S_LT_SLOTS];
    /* Interned str objects of the static key texts of parsed replies (the
     * model's member names, literals), found by pointer: open addressing,
     * keys_cap a power of two (0 = none yet). */
    s_key_slot *keys;
    size_t keys_cap, keys_len;
    /* str objects of recent other keys (header names, map keys), found by
     * their text: direct-mapped, S_DKEYS slots (like json's key memo, but
     * across calls). */
    PyObject *dkeys[S_DKEYS];
    PyTypeObject *client_type;
    PyTypeObject *method_type;
    PyObject *core_error;   /* _core.CoreError(name, message) */
    PyObject *str_core;     /* "_core" (interned) */
    PyObject *str_validate; /* "_validate" (interned) */
} s_state;

static PyObject *s_module; /* the module itself, for callbacks */

/* Returns the module state (borrowed). */
static s_state *s_get_state(void)
{
    return (s_state *)PyModule_GetState(s_module);
}

/* ------------------------------------------------------ keep-alive list */

#define S_REFS_LOCAL 24 /* held without an allocation (a typical call) */

/* Objects whose memory the value tree points into, held for the call. */
typedef struct {
    PyObject **items; /* local, or PyMem storage once that is full */
    size_t len, cap;
    PyObject *local[S_REFS_LOCAL];
} s_refs;

static int s_refs_add(s_refs *r, PyObject *o)
{
    if (!r->items) {
        r->items = r->local;
        r->cap = S_REFS_LOCAL;
    }
    if (r->len == r->cap) {
        size_t cap = r->cap * 2;
        PyObject **n = PyMem_Malloc(cap * sizeof(*n));
        if (!n) {
            PyErr_NoMemory();
            return -1;
        }
        memcpy(n, r->items, r->len * sizeof(*n));
        if (r->items != r->local)
            PyMem_Free(r->items);
        r->items = n;
        r->cap = cap;
    }
    Py_INCREF(o);
    r->items[r->len++] = o;
    return 0;
}

static void s_refs_clear(s_refs *r)
{
    for (size_t i = 0; i < r->len; i++)
        Py_DECREF(r->items[i]);
    if (r->items != r->local)
        PyMem_Free(r->items);
    r->items = NULL;
    r->len = r->cap = 0;
}

/* ------------------------------------------------- Python -> qc_value */

typedef struct {
    qc_arena *arena;
    s_refs refs;
} s_conv;

static int s_to_value(s_conv *cv, PyObject *o, qc_value *v);
static int s_seq_to_value(s_conv *cv, PyObject *o, qc_value *v, int tuple);

/* Fills v with the string o (borrowing its UTF-8; o kept alive). */
static int s_str_to_value(s_conv *cv, PyObject *o, qc_value *v)
{
    Py_ssize_t n;
    const char *p = PyUnicode_AsUTF8AndSize(o, &n);
    if (!p) {
        /* Lone surrogates: keep them, encoded as WTF-8, as json.dumps
         * would escape them. */
        if (!PyErr_ExceptionMatches(PyExc_UnicodeEncodeError))
            return -1;
        PyErr_Clear();
        PyObject *b = PyUnicode_AsEncodedString(o, "utf-8", "surrogatepass");
        if (!b)
            return -1;
        int rc = s_refs_add(&cv->refs, b);
        Py_DECREF(b);
        if (rc)
            return -1;
        p = PyBytes_AS_STRING(b);
        n = PyBytes_GET_SIZE(b);
        v->flags |= QC_VALF_SURROGATE;
    }
    v->type = QC_VAL_STRING;
    v->u.s.ptr = p;
    v->u.s.len = (size_t)n;
    v->u.s.nchars = (size_t)PyUnicode_GET_LENGTH(o);
    return 0;
}

static int s_int_to_value(s_conv *cv, PyObject *o, qc_value *v)
{
    int overflow = 0;
    long long i = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (i == -1 && PyErr_Occurred())
        return -1;
    v->type = QC_VAL_INT;
    if (!overflow) {
        v->u.i = i;
        return 0;
    }
    PyObject *s = PyObject_Str(o);
    if (!s)
        return -1;
    Py_ssize_t n;
    const char *p = PyUnicode_AsUTF8AndSize(s, &n);
    int rc = p ? s_refs_add(&cv->refs, s) : -1;
    Py_DECREF(s);
    if (rc)
        return -1;
    v->flags |= QC_VALF_BIGINT;
    v->u.s.ptr = p;
    v->u.s.len = (size_t)n;
    v->u.s.nchars = (size_t)n;
    return 0;
}

/* Makes the datetime C API usable (PyDateTimeAPI), importing the C module
 * _datetime the first time: done when a datetime is first met or made,
 * not at import, so that importing the module stays cheap. Returns 0 or
 * -1 with an exception set. */
static int s_datetime_ready(void)
{
    if (PyDateTimeAPI)
        return 0;
    PyObject *mod = PyImport_ImportModule("_datetime");
    if (!mod)
        return -1;
    PyObject *cap = PyObject_GetAttrString(mod, "datetime_CAPI");
    Py_DECREF(mod);
    if (!cap)
        return -1;
    void *api = PyCapsule_GetPointer(cap, PyDateTime_CAPSULE_NAME);
    Py_DECREF(cap);
    if (!api)
        return -1;
    PyDateTimeAPI = (PyDateTime_CAPI *)api;
    return 0;
}

/* Converts a datetime to UTC seconds/usec; naive means UTC (botocore). */
static int s_datetime_to_value(PyObject *o, qc_value *v)
{
    int64_t days_y = PyDateTime_GET_YEAR(o);
    unsigned m = (unsigned)PyDateTime_GET_MONTH(o);
    unsigned d = (unsigned)PyDateTime_GET_DAY(o);
    int64_t y = days_y - (m <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int64_t days = era * 146097 + (int64_t)doe - 719468;
    int64_t sec = days * 86400 + PyDateTime_DATE_GET_HOUR(o) * 3600 +
                  PyDateTime_DATE_GET_MINUTE(o) * 60 +
                  PyDateTime_DATE_GET_SECOND(o);
    PyObject *tz = PyObject_GetAttrString(o, "tzinfo");
    if (!tz)
        return -1;
    if (tz != Py_None) {
        PyObject *off = PyObject_CallMethod(o, "utcoffset", NULL);
        if (!off) {
            Py_DECREF(tz);
            return -1;
        }
        if (off != Py_None && PyDelta_Check(off))
            sec -= (int64_t)PyDateTime_DELTA_GET_DAYS(off) * 86400 +
                   PyDateTime_DELTA_GET_SECONDS(off);
        Py_DECREF(off);
    }
    Py_DECREF(tz);
    v->type = QC_VAL_TIMESTAMP;
    v->u.ts.sec = sec;
    v->u.ts.usec = PyDateTime_DATE_GET_MICROSECOND(o);
    return 0;
}

static int s_dict_to_value(s_conv *cv, PyObject *o, qc_value *v)
{
    Py_ssize_t n = PyDict_Size(o);
    if (qc_value_set_map(v, cv->arena, (size_t)n)) {
        PyErr_NoMemory();
        return -1;
    }
    v->origin = o;
    Py_ssize_t pos = 0, i = 0;
    PyObject *k, *val;
    while (PyDict_Next(o, &pos, &k, &val)) {
        if (i >= n) {
            PyErr_SetString(PyExc_RuntimeError,
                            "dictionary changed size during iteration");
            return -1;
        }
        qc_pair *p = &v->u.map.items[i++];
        if (s_to_value(cv, k, &p->key) || s_to_value(cv, val, &p->value))
            return -1;
    }
    v->u.map.len = (size_t)i;
    return 0;
}

/* Returns 1 when dict subclass tp has its own items(): botocore (and
 * json.dumps) read such a dict through items(), others (whatever they
 * override) give the same pairs as the dict's storage. */
static int s_dict_items_overridden(PyTypeObject *tp)
{
    static PyObject *name, *base;
    if (!name) {
        name = PyUnicode_InternFromString("items");
        if (!name)
            return -1;
    }
    if (!base)
        base = _PyType_Lookup(&PyDict_Type, name); /* lives as long as dict */
    PyObject *own = _PyType_Lookup(tp, name);
    return own && own != base;
}

/* Fills v with the pairs of o.items() (a dict subclass overriding it),
 * unpacked as botocore's "for k, v in value.items()" unpacks them. */
static int s_dict_items_to_value(s_conv *cv, PyObject *o, qc_value *v)
{
    PyObject *items = PyObject_CallMethod(o, "items", NULL);
    PyObject *list = items ? PySequence_List(items) : NULL;
    Py_XDECREF(items);
    if (!list)
        return -1;
    int rc = -1;
    Py_ssize_t n = PyList_GET_SIZE(list);
    if (qc_value_set_map(v, cv->arena, (size_t)n)) {
        PyErr_NoMemory();
        goto out;
    }
    v->origin = o;
    Py_ssize_t i;
    for (i = 0; i < n && i < PyList_GET_SIZE(list); i++) {
        PyObject *it = PyList_GET_ITEM(list, i);
        PyObject *kv[2];
        Py_INCREF(it);
        int ok = PyTuple_CheckExact(it) && PyTuple_GET_SIZE(it) == 2;
        if (ok) {
            kv[0] = PyTuple_GET_ITEM(it, 0);
            kv[1] = PyTuple_GET_ITEM(it, 1);
            Py_INCREF(kv[0]);
            Py_INCREF(kv[1]);
        } else {
            /* Any other 2-item iterable unpacks too; the errors are the
             * interpreter's unpacking errors. */
            PyObject *iter = PyObject_GetIter(it);
            PyObject *extra = NULL;
            if (!iter) {
                if (PyErr_ExceptionMatches(PyExc_TypeError)) {
                    PyErr_Clear();
                    PyErr_Format(PyExc_TypeError,
                                 "cannot unpack non-iterable %.200s object",
                                 Py_TYPE(it)->tp_name);
                }
                Py_DECREF(it);
                goto out;
            }
            int got = 0;
            for (; got < 2; got++)
                if (!(kv[got] = PyIter_Next(iter)))
                    break;
            if (got == 2 && !PyErr_Occurred()) {
                extra = PyIter_Next(iter);
                if (extra)
                    PyErr_SetString(PyExc_ValueError,
                                    "too many values to unpack (expected 2)");
            } else if (!PyErr_Occurred()) {
                PyErr_Format(PyExc_ValueError,
                             "not enough values to unpack (expected 2, got "
                             "%d)", got);
            }
            Py_DECREF(iter);
            if (extra || PyErr_Occurred()) {
                Py_XDECREF(extra);
                for (int k = 0; k < got && k < 2; k++)
                    Py_DECREF(kv[k]);
                Py_DECREF(it);
                goto out;
            }
        }
        qc_pair *p = &v->u.map.items[i];
        int bad = s_to_value(cv, kv[0], &p->key) ||
                  s_to_value(cv, kv[1], &p->value);
        Py_DECREF(kv[0]);
        Py_DECREF(kv[1]);
        Py_DECREF(it);
        if (bad)
            goto out;
    }
    v->u.map.len = (size_t)i;
    v->flags |= QC_VALF_ITEMS;
    if (PyDict_GET_SIZE(o) == 0)
        v->flags |= QC_VALF_EMPTY_STORE;
    rc = 0;
out:
    Py_DECREF(list);
    return rc;
}

/* Fills v from list(o): a list or tuple subclass overriding __iter__ is
 * read through it, as botocore's loops read it. */
static int s_iter_seq_to_value(s_conv *cv, PyObject *o, qc_value *v,
                               int tuple)
{
    PyObject *list = PySequence_List(o);
    if (!list)
        return -1;
    int rc = s_seq_to_value(cv, list, v, 0);
    Py_DECREF(list);
    v->origin = o;
    if (tuple)
        v->flags |= QC_VALF_TUPLE;
    return rc;
}

static int s_seq_to_value(s_conv *cv, PyObject *o, qc_value *v, int tuple)
{
    Py_ssize_t n = tuple ? PyTuple_GET_SIZE(o) : PyList_GET_SIZE(o);
    if (qc_value_set_list(v, cv->arena, (size_t)n)) {
        PyErr_NoMemory();
        return -1;
    }
    v->origin = o;
    if (tuple)
        v->flags |= QC_VALF_TUPLE;
    for (Py_ssize_t i = 0; i < n; i++) {
        /* A list may shrink while we convert (an item's code runs): */
        if (!tuple && i >= PyList_GET_SIZE(o)) {
            v->u.list.len = (size_t)i;
            break;
        }
        PyObject *it = tuple ? PyTuple_GET_ITEM(o, i) : PyList_GET_ITEM(o, i);
        if (s_to_value(cv, it, &v->u.list.items[i]))
            return -1;
    }
    return 0;
}

/* Fills v from any Python object (the object is kept alive for the call
 * and recorded as v->origin). Returns 0 or -1 with an exception set. */
static int s_to_value(s_conv *cv, PyObject *o, qc_value *v)
{
    memset(v, 0, sizeof(*v));
    if (s_refs_add(&cv->refs, o))
        return -1;
    v->origin = o;
    if (PyUnicode_Check(o))
        return s_str_to_value(cv, o, v);
    if (o == Py_None) {
        v->type = QC_VAL_NULL;
        return 0;
    }
    if (PyBool_Check(o)) {
        v->type = QC_VAL_BOOL;
        v->u.b = o == Py_True;
        return 0;
    }
    if (PyLong_Check(o))
        return s_int_to_value(cv, o, v);
    if (PyFloat_Check(o)) {
        v->type = QC_VAL_FLOAT;
        v->u.f = PyFloat_AS_DOUBLE(o);
        return 0;
    }
    int rc;
    if (PyDict_Check(o)) {
        int sub = PyDict_CheckExact(o) ? 0
                                       : s_dict_items_overridden(Py_TYPE(o));
        if (sub < 0 || Py_EnterRecursiveCall(" while converting parameters"))
            return -1;
        rc = sub ? s_dict_items_to_value(cv, o, v) : s_dict_to_value(cv, o, v);
        Py_LeaveRecursiveCall();
        return rc;
    }
    if (PyList_Check(o) || PyTuple_Check(o)) {
        int tuple = PyTuple_Check(o);
        int sub = !PyList_CheckExact(o) && !PyTuple_CheckExact(o) &&
                  Py_TYPE(o)->tp_iter !=
                      (tuple ? PyTuple_Type.tp_iter : PyList_Type.tp_iter);
        if (Py_EnterRecursiveCall(" while converting parameters"))
            return -1;
        rc = sub ? s_iter_seq_to_value(cv, o, v, tuple)
                 : s_seq_to_value(cv, o, v, tuple);
        Py_LeaveRecursiveCall();
        return rc;
    }
    if (PyBytes_Check(o)) {
        v->type = QC_VAL_BYTES;
        v->u.s.ptr = PyBytes_AS_STRING(o);
        v->u.s.len = (size_t)PyBytes_GET_SIZE(o);
        v->u.s.nchars = v->u.s.len;
        return 0;
    }
    if (PyByteArray_Check(o)) {
        size_t n = (size_t)PyByteArray_GET_SIZE(o);
        char *copy = qc_arena_strndup(cv->arena, PyByteArray_AS_STRING(o), n);
        if (!copy) {
            PyErr_NoMemory();
            return -1;
        }
        v->type = QC_VAL_BYTES;
        v->u.s.ptr = copy;
        v->u.s.len = n;
        v->u.s.nchars = n;
        return 0;
    }
    if (s_datetime_ready())
        return -1;
    if (PyDateTime_Check(o))
        return s_datetime_to_value(o, v);
    if (strcmp(Py_TYPE(o)->tp_name, "decimal.Decimal") == 0) {
        /* Its text: what str() puts in a URI or query; the core reads the
         * number from it as float() does, and only where botocore does
         * (float(sNaN) raises, so not here). */
        PyObject *t = PyObject_Str(o);
        if (!t)
            return -1;
        Py_ssize_t n;
        const char *p = PyUnicode_AsUTF8AndSize(t, &n);
        int rc = p ? s_refs_add(&cv->refs, t) : -1;
        Py_DECREF(t);
        if (rc)
            return -1;
        v->type = QC_VAL_FLOAT;
        v->flags |= QC_VALF_DECIMAL | QC_VALF_DECIMAL_TEXT;
        v->u.s.ptr = p;
        v->u.s.len = (size_t)n;
        v->u.s.nchars = (size_t)n;
        return 0;
    }
    v->type = QC_VAL_OTHER;
    int has_read = PyObject_HasAttrString(o, "read");
    if (has_read)
        v->flags |= QC_VALF_READABLE;
    return 0;
}

/* ------------------------------------------------- qc_value -> Python */

static PyObject *s_from_value(const qc_value *v);
static PyObject *s_str_from(const qc_value *v);
static int s_is_ascii(const char *p, size_t n);

/* Makes sure st->tz_utc and st->tz_offset are set, from the Python
 * layer's factory on first use. Returns 0 or -1 with an exception set. */
static int s_fixed_zones(s_state *st)
{
    if (st->tz_utc && st->tz_offset)
        return 0;
    if (!st->tz_fixed_factory) {
        PyErr_SetString(PyExc_RuntimeError,
                        "qconnect_c._core is not configured");
        return -1;
    }
    PyObject *pair = PyObject_CallNoArgs(st->tz_fixed_factory);
    PyObject *utc = NULL, *offset = NULL;
    if (!pair || !PyArg_ParseTuple(pair, "OO", &utc, &offset)) {
        Py_XDECREF(pair);
        return -1;
    }
    Py_INCREF(utc);
    Py_XSETREF(st->tz_utc, utc);
    Py_INCREF(offset);
    Py_XSETREF(st->tz_offset, offset);
    Py_DECREF(pair);
    return 0;
}

/* Returns the tzinfo for a fixed offset (cached), borrowed: made by the
 * Python layer's offset factory (dateutil's tzoffset when available). */
static PyObject *s_timezone(long offset)
{
    s_state *st = s_get_state();
    if (s_fixed_zones(st))
        return NULL;
    PyObject *key = PyLong_FromLong(offset);
    if (!key)
        return NULL;
    PyObject *tz = PyDict_GetItemWithError(st->tz_cache, key);
    if (!tz && !PyErr_Occurred()) {
        tz = PyObject_CallOneArg(st->tz_offset, key);
        if (tz) {
            int rc = PyDict_SetItem(st->tz_cache, key, tz);
            Py_DECREF(tz); /* the cache holds it */
            if (rc)
                tz = NULL;
        }
    }
    Py_DECREF(key);
    return tz;
}

/* Returns a new datetime with the civil fields of UTC second sec. */
static PyObject *s_datetime_fields(int64_t sec, int32_t usec, PyObject *tz)
{
    int64_t days = sec >= 0 ? sec / 86400 : -((-sec + 86399) / 86400);
    int64_t rem = sec - days * 86400;
    /* civil from days */
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    if (y < 1 || y > 9999) {
        PyErr_SetString(PyExc_OverflowError, "timestamp out of range");
        return NULL;
    }
    return PyDateTimeAPI->DateTime_FromDateAndTime(
        (int)y, (int)m, (int)d, (int)(rem / 3600), (int)(rem / 60 % 60),
        (int)(rem % 60), usec, tz ? tz : Py_None,
        PyDateTimeAPI->DateTimeType);
}

/* Returns 1 when the C library's zone (timezone, daylight, tzname) is the
 * one st->tz_local was made for. */
static int s_same_zone(const s_state *st)
{
    if (!st->tz_known || st->tz_timezone != (long)timezone ||
        st->tz_daylight != daylight)
        return 0;
    if (tzname[0] == st->tz_name_ptr[0] && tzname[1] == st->tz_name_ptr[1] &&
        tzname[0] && tzname[1])
        return 1;
    for (int i = 0; i < 2; i++) {
        const char *n = tzname[i] ? tzname[i] : "";
        if (strlen(n) >= S_TZ_NAME_MAX || strcmp(n, st->tz_name[i]) != 0)
            return 0;
    }
    return 1;
}

/* Makes sure st->tz_local/tz_utc_named belong to the process's current
 * zone (the C library's, which time.tzset() updates). Returns 0 or -1. */
static int s_refresh_local_zone(s_state *st)
{
    if (s_same_zone(st))
        return 0;
    st->lt_known = 0;
    PyObject *pair = PyObject_CallNoArgs(st->tz_local_factory);
    PyObject *local = NULL, *named = NULL;
    if (!pair || !PyArg_ParseTuple(pair, "OO", &local, &named)) {
        Py_XDECREF(pair);
        return -1;
    }
    Py_INCREF(local);
    Py_XSETREF(st->tz_local, local);
    Py_INCREF(named);
    Py_XSETREF(st->tz_utc_named, named);
    Py_DECREF(pair);
    st->tz_timezone = (long)timezone;
    st->tz_daylight = daylight;
    for (int i = 0; i < 2; i++) {
        const char *n = tzname[i] ? tzname[i] : "";
        size_t len = strlen(n);
        if (len >= S_TZ_NAME_MAX)
            len = S_TZ_NAME_MAX - 1; /* never equal by content */
        memcpy(st->tz_name[i], n, len);
        st->tz_name[i][len] = '\0';
        st->tz_name_ptr[i] = tzname[i];
    }
    st->tz_known = 1;
    return 0;
}

/* Returns a new datetime for a parsed timestamp with the tzinfo botocore's
 * parser gives it (see QC_TZ_* in qc.h). */
static PyObject *s_datetime_from(const qc_value *v)
{
    s_state *st = s_get_state();
    if (s_datetime_ready())
        return NULL;
    if (v->reserved == QC_TZ_UTC && s_fixed_zones(st))
        return NULL;
    if ((v->reserved == QC_TZ_LOCAL || v->reserved == QC_TZ_UTC_NAMED) &&
        s_refresh_local_zone(st))
        return NULL;
    int64_t sec = v->u.ts.sec;
    switch (v->reserved) {
    case QC_TZ_NAIVE:
        return s_datetime_fields(sec, v->u.ts.usec, NULL);
    case QC_TZ_UTC:
        return s_datetime_fields(sec, v->u.ts.usec, st->tz_utc);
    case QC_TZ_UTC_NAMED:
        if (st->tz_utc_named != st->tz_local)
            return s_datetime_fields(sec, v->u.ts.usec, st->tz_utc_named);
        break;
    case QC_TZ_OFFSET: {
        PyObject *tz = s_timezone(v->u.ts.offset);
        if (!tz)
            return NULL;
        return s_datetime_fields(sec + v->u.ts.offset, v->u.ts.usec, tz);
    }
    default:
        break;
    }
    /* Local time of the instant, as datetime.fromtimestamp(x, tzlocal()).
     * The offsets of the last S_LT_SLOTS seconds converted are kept
     * (replies hold a few instants, often the same ones call after call);
     * a zone change forgets them. */
    long off = 0;
    int hit = 0;
    for (int i = 0; i < st->lt_known && !hit; i++)
        if (st->lt_sec[i] == sec) {
            off = st->lt_off[i];
            hit = 1;
        }
    if (!hit) {
        time_t t = (time_t)sec;
        struct tm lt;
        if ((int64_t)t != sec || !localtime_r(&t, &lt)) {
            PyErr_SetString(PyExc_OverflowError, "timestamp out of range");
            return NULL;
        }
        off = lt.tm_gmtoff;
        int i = st->lt_known < S_LT_SLOTS ? st->lt_known++ : st->lt_next;
        st->lt_next = (i + 1) % S_LT_SLOTS;
        st->lt_sec[i] = sec;
        st->lt_off[i] = off;
    }
    return s_datetime_fields(sec + off, v->u.ts.usec, st->tz_local);
}

#define S_KEYS_MAX 8192 /* cached key texts at most (the model has fewer) */

/* Returns the slot of (ptr, len) in st->keys: its entry or the empty slot
 * where it belongs (keys_cap > 0). */
static s_key_slot *s_key_slot_of(s_state *st, const char *ptr, size_t len)
{
    size_t mask = st->keys_cap - 1;
    size_t i = (size_t)(((uint64_t)(uintptr_t)ptr * 0x9E3779B97F4A7C15ULL) >>
                        32) &
               mask;
    for (;;) {
        s_key_slot *sl = &st->keys[i];
        if (!sl->str || (sl->ptr == ptr && sl->len == len))
            return sl;
        i = (i + 1) & mask;
    }
}

/* Makes room for one more cached key (the table stays at most half full).
 * Returns 0, or -1 when it cannot grow (the key is then not cached). */
static int s_keys_reserve(s_state *st)
{
    if (st->keys_cap && (st->keys_len + 1) * 2 <= st->keys_cap)
        return 0;
    if (st->keys_len >= S_KEYS_MAX)
        return -1;
    size_t cap = st->keys_cap ? st->keys_cap * 2 : 64;
    s_key_slot *old = st->keys;
    size_t old_cap = st->keys_cap;
    st->keys = PyMem_Calloc(cap, sizeof(*st->keys));
    if (!st->keys) {
        st->keys = old;
        return -1;
    }
    st->keys_cap = cap;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].str)
            *s_key_slot_of(st, old[i].ptr, old[i].len) = old[i];
    PyMem_Free(old);
    return 0;
}

/* Frees the key cache. */
static void s_keys_clear(s_state *st)
{
    for (size_t i = 0; i < st->keys_cap; i++)
        Py_XDECREF(st->keys[i].str);
    PyMem_Free(st->keys);
    st->keys = NULL;
    st->keys_cap = st->keys_len = 0;
}

/* Returns a new str for a key whose text is not static: from the dynamic
 * key cache when its slot holds the same text, else made (and, when short
 * ASCII, put in the slot). */
static PyObject *s_dynamic_key(const qc_value *k)
{
    size_t n = k->u.s.len;
    if (n > S_DKEY_MAX || k->u.s.nchars != n || !s_is_ascii(k->u.s.ptr, n))
        return s_str_from(k);
    /* The slot: a hash of the length and the first and last eight bytes
     * (a clash only costs a miss). */
    uint64_t a = 0, b = 0;
    const char *p = k->u.s.ptr;
    if (n >= 8) {
        memcpy(&a, p, 8);
        memcpy(&b, p + n - 8, 8);
    } else {
        memcpy(&a, p, n);
    }
    uint64_t h = (a * 0x9E3779B97F4A7C15ULL) ^ (b * 0xC2B2AE3D27D4EB4FULL) ^ n;
    h ^= h >> 29;
    h *= 0x9E3779B97F4A7C15ULL;
    s_state *st = s_get_state();
    PyObject **slot = &st->dkeys[(h >> 40) & (S_DKEYS - 1)];
    PyObject *s = *slot;
    if (s && (size_t)PyUnicode_GET_LENGTH(s) == n &&
        memcmp(PyUnicode_DATA(s), k->u.s.ptr, n) == 0) {
        Py_INCREF(s);
        return s;
    }
    s = s_str_from(k);
    if (s && PyUnicode_IS_COMPACT_ASCII(s)) {
        Py_INCREF(s);
        Py_XSETREF(*slot, s);
    }
    return s;
}

/* Returns a new str for a key. Static texts (QC_VALF_STATIC: model names
 * and literals) come from the key cache, made and interned once, so the
 * dict insertions find their hash computed already. */
static PyObject *s_key_from(const qc_value *k)
{
    if (k->type != QC_VAL_STRING)
        return s_from_value(k);
    if (!(k->flags & QC_VALF_STATIC))
        return s_dynamic_key(k);
    s_state *st = s_get_state();
    s_key_slot *sl = st->keys_cap ? s_key_slot_of(st, k->u.s.ptr, k->u.s.len)
                                  : NULL;
    if (sl && sl->str) {
        Py_INCREF(sl->str);
        return sl->str;
    }
    PyObject *s = PyUnicode_DecodeUTF8(k->u.s.ptr, (Py_ssize_t)k->u.s.len,
                                       "surrogatepass");
    if (!s || s_keys_reserve(st))
        return s;
    PyUnicode_InternInPlace(&s);
    sl = s_key_slot_of(st, k->u.s.ptr, k->u.s.len);
    sl->ptr = k->u.s.ptr;
    sl->len = k->u.s.len;
    sl->str = s;
    Py_INCREF(s);
    st->keys_len++;
    return s;
}

/* Returns 1 when the n bytes at p are all ASCII. */
static int s_is_ascii(const char *p, size_t n)
{
    uint64_t acc = 0, w;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(&w, p + i, 8);
        acc |= w;
    }
    for (; i < n; i++)
        acc |= (unsigned char)p[i];
    return (acc & 0x8080808080808080ULL) == 0;
}

/* Returns a new str for the string value v: ASCII text (as many code
 * points as bytes, checked) is copied straight into a compact ASCII str,
 * anything else decoded (surrogates kept). */
static PyObject *s_str_from(const qc_value *v)
{
    size_t n = v->u.s.len;
    if (v->u.s.nchars == n && n <= (size_t)PY_SSIZE_T_MAX &&
        s_is_ascii(v->u.s.ptr, n)) {
        PyObject *o = PyUnicode_New((Py_ssize_t)n, 127);
        if (o && n)
            memcpy(PyUnicode_DATA(o), v->u.s.ptr, n);
        return o;
    }
    return PyUnicode_DecodeUTF8(v->u.s.ptr, (Py_ssize_t)n, "surrogatepass");
}

/* Returns a new empty dict with room for n items (no resizing while they
 * are inserted). */
static PyObject *s_dict_for(size_t n)
{
#if PY_VERSION_HEX < 0x030D0000
    if (n > 5 && n <= (size_t)PY_SSIZE_T_MAX)
        return _PyDict_NewPresized((Py_ssize_t)n);
#endif
    (void)n;
    return PyDict_New();
}

/* Returns a new reference to the Python form of v. */
static PyObject *s_from_value(const qc_value *v)
{
    PyObject *o;
    switch (v->type) {
    case QC_VAL_NULL:
        Py_RETURN_NONE;
    case QC_VAL_BOOL:
        return PyBool_FromLong(v->u.b);
    case QC_VAL_INT:
        if (v->flags & QC_VALF_BIGINT) {
            char *tmp = PyMem_Malloc(v->u.s.len + 1);
            if (!tmp)
                return PyErr_NoMemory();
            memcpy(tmp, v->u.s.ptr, v->u.s.len);
            tmp[v->u.s.len] = '\0';
            o = PyLong_FromString(tmp, NULL, 10);
            PyMem_Free(tmp);
            return o;
        }
        return PyLong_FromLongLong(v->u.i);
    case QC_VAL_FLOAT:
        return PyFloat_FromDouble(v->u.f);
    case QC_VAL_STRING:
        return s_str_from(v);
    case QC_VAL_BYTES:
        return PyBytes_FromStringAndSize(v->u.s.ptr, (Py_ssize_t)v->u.s.len);
    case QC_VAL_TIMESTAMP:
        return s_datetime_from(v);
    case QC_VAL_LIST:
        o = PyList_New((Py_ssize_t)v->u.list.len);
        if (!o)
            return NULL;
        for (size_t i = 0; i < v->u.list.len; i++) {
            PyObject *it = s_from_value(&v->u.list.items[i]);
            if (!it) {
                Py_DECREF(o);
                return NULL;
            }
            PyList_SET_ITEM(o, (Py_ssize_t)i, it);
        }
        return o;
    case QC_VAL_MAP:
        o = s_dict_for(v->u.map.len);
        if (!o)
            return NULL;
        for (size_t i = 0; i < v->u.map.len; i++) {
            PyObject *k = s_key_from(&v->u.map.items[i].key);
            PyObject *val = k ? s_from_value(&v->u.map.items[i].value) : NULL;
            int rc = (k && val) ? PyDict_SetItem(o, k, val) : -1;
            Py_XDECREF(k);
            Py_XDECREF(val);
            if (rc) {
                Py_DECREF(o);
                return NULL;
            }
        }
        return o;
    default:
        if (v->origin) {
            o = (PyObject *)v->origin;
            Py_INCREF(o);
            return o;
        }
        Py_RETURN_NONE;
    }
}

/* ------------------------------------------------------ core callbacks */

/* Returns a NUL-terminated arena copy of (p, n) in which each NUL byte is
 * written as C0 80 (the describe callback's form of NUL), or NULL. */
static const char *s_describe_copy(qc_arena *a, const char *p, size_t n)
{
    size_t nuls = 0;
    for (const char *z = memchr(p, 0, n); z;
         z = memchr(z + 1, 0, n - (size_t)(z + 1 - p)))
        nuls++;
    if (!nuls)
        return qc_arena_strndup(a, p, n);
    char *out = qc_arena_alloc(a, n + nuls + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i]) {
            out[o++] = p[i];
        } else {
            out[o++] = (char)0xC0;
            out[o++] = (char)0x80;
        }
    }
    out[o] = '\0';
    return out;
}

/* qc_describe_fn: str(value) / str(type(value)) through Python. */
static const char *s_describe(void *ctx, const qc_value *v, int what,
                              qc_arena *a)
{
    (void)ctx;
    if (!v->origin)
        return what ? "<class 'object'>" : "";
    PyGILState_STATE g = PyGILState_Ensure();
    const char *out = NULL;
    PyObject *o = (PyObject *)v->origin;
    PyObject *s = what ? PyObject_Str((PyObject *)Py_TYPE(o)) : PyObject_Str(o);
    if (s) {
        Py_ssize_t n;
        const char *p = PyUnicode_AsUTF8AndSize(s, &n);
        if (!p && PyErr_ExceptionMatches(PyExc_UnicodeEncodeError)) {
            PyErr_Clear();
            PyObject *b = PyUnicode_AsEncodedString(s, "utf-8", "surrogatepass");
            if (b) {
                out = s_describe_copy(a, PyBytes_AS_STRING(b),
                                      (size_t)PyBytes_GET_SIZE(b));
                Py_DECREF(b);
            }
        } else if (p) {
            out = s_describe_copy(a, p, (size_t)n);
        }
        if (!out && !PyErr_Occurred())
            PyErr_NoMemory();
        Py_DECREF(s);
    }
    PyGILState_Release(g);
    return out;
}

/* qc_timestamp_fn: parses a timestamp given as text or another object with
 * qconnect_c's Python parser (dateutil when available, as botocore). */
static int s_to_timestamp(void *ctx, const qc_value *v, int64_t *sec,
                          int32_t *usec)
{
    (void)ctx;
    if (!v->origin)
        return 1;
    PyGILState_STATE g = PyGILState_Ensure();
    int rc = 1;
    s_state *st = s_get_state();
    if (st->ts_parser) {
        PyObject *r = PyObject_CallOneArg(st->ts_parser, (PyObject *)v->origin);
        if (!r) {
            rc = -1;
        } else {
            long long s = 0;
            int us = 0;
            if (r != Py_None && PyArg_ParseTuple(r, "Li", &s, &us)) {
                *sec = s;
                *usec = us;
                rc = 0;
            } else if (PyErr_Occurred()) {
                rc = -1;
            }
            Py_DECREF(r);
        }
    }
    PyGILState_Release(g);
    return rc;
}

/* qc_abort_fn: runs pending signal handlers (Ctrl-C raises
 * KeyboardInterrupt there); returns 1 when one raised. */
static int s_should_abort(void *ctx)
{
    (void)ctx;
    PyGILState_STATE g = PyGILState_Ensure();
    int stop = PyErr_CheckSignals() < 0;
    PyGILState_Release(g);
    return stop;
}

/* ------------------------------------------------------------ Client */

typedef struct {
    PyObject_HEAD
    qc_client *client;
    PyObject *error_factory; /* callable(code) -> exception class */
    PyObject *proxy_urls;    /* {scheme: masked proxy URL} for messages */
    qc_transport *canned;    /* borrowed view of a canned transport */
} s_client;

/* Returns a new exception instance of qconnect_c.exceptions.<name>(**kw). */
static void s_raise(const char *name, PyObject *kwargs)
{
    s_state *st = s_get_state();
    PyObject *cls = st->exc_module ? PyObject_GetAttrString(st->exc_module, name)
                                   : NULL;
    if (!cls) {
        if (!PyErr_Occurred())
            PyErr_Format(PyExc_RuntimeError, "qconnect_c: %s", name);
        return;
    }
    PyObject *args = PyTuple_New(0);
    PyObject *exc = args ? PyObject_Call(cls, args, kwargs) : NULL;
    Py_XDECREF(args);
    if (exc) {
        PyErr_SetObject(cls, exc);
        Py_DECREF(exc);
    }
    Py_DECREF(cls);
}

/* Raises the exception for a failed call result (not a service error). */
/* Returns the (masked) proxy URL used for url's scheme as a new reference,
 * or url itself as a str. */
static PyObject *s_proxy_url_for(PyObject *proxy_urls, const char *url)
{
    if (proxy_urls && PyDict_Check(proxy_urls)) {
        const char *colon = strchr(url, ':');
        if (colon) {
            PyObject *scheme = PyUnicode_FromStringAndSize(url, colon - url);
            PyObject *p = scheme ? PyDict_GetItemWithError(proxy_urls, scheme)
                                 : NULL;
            Py_XDECREF(scheme);
            if (p) {
                Py_INCREF(p);
                return p;
            }
            if (PyErr_Occurred())
                return NULL;
        }
    }
    return PyUnicode_FromString(url);
}

/* Raises the exception botocore meets for a value the core could not
 * convert (QC_ERR_VALUE): the same operation, done here on the value
 * itself, so that the exception is Python's own. Returns 0 with that
 * exception set, or -1 (no exception) when the operation succeeds. */
static int s_raise_value_fault(const qc_error *e)
{
    PyObject *o = (PyObject *)e->origin;
    PyObject *r = NULL;
    if (!o)
        return -1;
    switch (e->fault) {
    case QC_FAULT_UTF8: {
        /* percent_encode: str(value) unless text, then .encode("utf-8") */
        PyObject *t = o;
        if (PyUnicode_Check(o))
            Py_INCREF(t);
        else
            t = PyObject_Str(o);
        if (t) {
            r = PyUnicode_AsUTF8String(t);
            Py_DECREF(t);
        }
        break;
    }
    case QC_FAULT_FLOAT: {
        /* _handle_float's math.isnan(value) (float(value) first for a
         * Decimal, which fails the same way) */
        double d = PyFloat_AsDouble(o);
        if (!(d == -1.0 && PyErr_Occurred())) {
            Py_INCREF(Py_None);
            r = Py_None;
        }
        break;
    }
    case QC_FAULT_JSON:
    case QC_FAULT_JSON_KEY: {
        PyObject *json = PyImport_ImportModule("json");
        PyObject *arg = NULL;
        if (json && e->fault == QC_FAULT_JSON_KEY) {
            arg = PyDict_New();
            if (arg && PyDict_SetItem(arg, o, Py_None))
                Py_CLEAR(arg);
        } else if (json) {
            Py_INCREF(o);
            arg = o;
        }
        if (arg)
            r = PyObject_CallMethod(json, "dumps", "O", arg);
        Py_XDECREF(arg);
        Py_XDECREF(json);
        break;
    }
    case QC_FAULT_COMPARE: {
        /* botocore's "value < min" / "value == inf" on a NaN decimal */
        PyObject *zero = PyLong_FromLong(0);
        int c = zero ? PyObject_RichCompareBool(o, zero, Py_LT) : -1;
        Py_XDECREF(zero);
        if (c >= 0) {
            Py_INCREF(Py_None);
            r = Py_None;
        }
        break;
    }
    case QC_FAULT_KEY: {
        /* shape.members[key]: KeyError(key), a tuple key kept whole */
        PyObject *args = PyTuple_Pack(1, o);
        if (args) {
            PyErr_SetObject(PyExc_KeyError, args);
            Py_DECREF(args);
        }
        return 0;
    }
    default:
        return -1;
    }
    if (r) {
        Py_DECREF(r);
        return -1;
    }
    return PyErr_Occurred() ? 0 : -1;
}

static void s_raise_core_error(int rc, const qc_call_result *r,
                               PyObject *proxy_urls)
{
    if (PyErr_Occurred())
        return; /* a callback's Python exception (e.g. KeyboardInterrupt) */
    size_t msg_len;
    const char *msg = qc_error_text_len(&r->err, &msg_len);
    Py_ssize_t mlen = (Py_ssize_t)msg_len;
    const char *url = r->url ? r->url : "";
    PyObject *kw = NULL;
    if (rc == QC_ERR_VALUE && s_raise_value_fault(&r->err) == 0)
        return;
    if (rc == QC_ERR_RESPONSE_PARSE && r->err.fault == QC_FAULT_RECURSION) {
        /* botocore lets json.loads' RecursionError through */
        PyObject *m = PyUnicode_DecodeUTF8(msg, mlen, "replace");
        if (m) {
            PyErr_SetObject(PyExc_RecursionError, m);
            Py_DECREF(m);
        }
        return;
    }
    switch (rc) {
    case QC_ERR_NOMEM:
        PyErr_NoMemory();
        return;
    case QC_ERR_INTERRUPTED:
        PyErr_SetNone(PyExc_KeyboardInterrupt);
        return;
    case QC_ERR_PARAM_VALIDATION: {
        /* The report quotes parameter names and values as given: lone
         * surrogates come back as WTF-8. */
        PyObject *report = PyUnicode_DecodeUTF8(msg, mlen, "surrogatepass");
        if (!report) {
            PyErr_Clear();
            report = PyUnicode_DecodeUTF8(msg, mlen, "replace");
        }
        kw = report ? Py_BuildValue("{s:N}", "report", report) : NULL;
        if (kw)
            s_raise("ParamValidationError", kw);
        break;
    }
    case QC_ERR_NO_CREDENTIALS:
        kw = PyDict_New();
        if (kw)
            s_raise("NoCredentialsError", kw);
        break;
    case QC_ERR_ENDPOINT:
        kw = Py_BuildValue("{s:s#}", "msg", msg, mlen);
        if (kw)
            s_raise("EndpointResolutionError", kw);
        break;
    case QC_ERR_CONNECT:
        kw = Py_BuildValue("{s:s,s:s#}", "endpoint_url", url, "error", msg,
                           mlen);
        if (kw)
            s_raise("EndpointConnectionError", kw);
        break;
    case QC_ERR_CONNECT_TIMEOUT:
        kw = Py_BuildValue("{s:s,s:s#}", "endpoint_url", url, "error", msg,
                           mlen);
        if (kw)
            s_raise("ConnectTimeoutError", kw);
        break;
    case QC_ERR_READ_TIMEOUT:
        kw = Py_BuildValue("{s:s,s:s#}", "endpoint_url", url, "error", msg,
                           mlen);
        if (kw)
            s_raise("ReadTimeoutError", kw);
        break;
    case QC_ERR_CONNECTION_CLOSED:
        kw = Py_BuildValue("{s:s}", "endpoint_url", url);
        if (kw)
            s_raise("ConnectionClosedError", kw);
        break;
    case QC_ERR_SSL:
        kw = Py_BuildValue("{s:s,s:s#}", "endpoint_url", url, "error", msg,
                           mlen);
        if (kw)
            s_raise("SSLError", kw);
        break;
    case QC_ERR_PROXY: {
        PyObject *purl = s_proxy_url_for(proxy_urls, url);
        kw = purl ? Py_BuildValue("{s:N,s:s#}", "proxy_url", purl, "error",
                                  msg, mlen)
                  : NULL;
        if (kw)
            s_raise("ProxyConnectionError", kw);
        break;
    }
    case QC_ERR_RESPONSE_PARSE:
        kw = Py_BuildValue("{s:s#}", "msg", msg, mlen);
        if (kw)
            s_raise("ResponseParserError", kw);
        break;
    default:
        kw = Py_BuildValue("{s:s#}", "error", msg, mlen);
        if (kw)
            s_raise("HTTPClientError", kw);
        break;
    }
    Py_XDECREF(kw);
}

static void s_client_dealloc(s_client *self)
{
    PyObject_GC_UnTrack(self);
    if (self->client) {
        qc_client *c = self->client;
        self->client = NULL;
        Py_BEGIN_ALLOW_THREADS
        qc_client_destroy(c);
        Py_END_ALLOW_THREADS
    }
    Py_CLEAR(self->error_factory);
    Py_CLEAR(self->proxy_urls);
    PyTypeObject *tp = Py_TYPE(self);
    tp->tp_free((PyObject *)self);
    Py_DECREF(tp);
}

static int s_client_traverse(s_client *self, visitproc visit, void *arg)
{
    Py_VISIT(self->error_factory);
    Py_VISIT(self->proxy_urls);
    Py_VISIT(Py_TYPE(self));
    return 0;
}

static int s_client_clear(s_client *self)
{
    Py_CLEAR(self->error_factory);
    Py_CLEAR(self->proxy_urls);
    return 0;
}

/* Client(region, endpoint_url=None, use_fips=False, use_dualstack=False,
 *        verify_ssl=True, ca_bundle=None, connect_timeout=60.0,
 *        read_timeout=60.0, max_pool_connections=10, tcp_keepalive=False,
 *        user_agent=None, proxy_http=None, proxy_https=None, no_proxy=None,
 *        retry_mode=0, max_attempts=0, error_factory=None,
 *        canned_reply=None, total_timeout=0.0, unsigned=False,
 *        proxy_urls=None) */
static int s_client_init(s_client *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"region", "endpoint_url", "use_ssl", "use_fips",
                             "use_dualstack", "verify_ssl", "ca_bundle",
                             "connect_timeout", "read_timeout",
                             "max_pool_connections", "tcp_keepalive",
                             "user_agent", "proxy_http", "proxy_https",
                             "no_proxy", "retry_mode", "max_attempts",
                             "error_factory", "canned_reply", "total_timeout",
                             "unsigned", "proxy_urls", NULL};
    const char *region = NULL, *endpoint_url = NULL, *ca_bundle = NULL,
               *user_agent = NULL, *proxy_http = NULL, *proxy_https = NULL,
               *no_proxy = NULL;
    int use_ssl = 1, use_fips = 0, use_dualstack = 0, verify_ssl = 1,
        keepalive = 0;
    double connect_timeout = 60.0, read_timeout = 60.0;
    unsigned int max_pool = 10;
    int retry_mode = 0, max_attempts = 0;
    PyObject *error_factory = NULL, *canned = NULL;
    double total_timeout = 0.0;
    int unsigned_requests = 0;
    PyObject *proxy_urls = NULL;
    if (!PyArg_ParseTupleAndKeywords(
            args, kwds, "z|zppppzddIpzzzziiOOdpO", kwlist, &region,
            &endpoint_url, &use_ssl, &use_fips, &use_dualstack, &verify_ssl,
            &ca_bundle, &connect_timeout, &read_timeout, &max_pool,
            &keepalive, &user_agent, &proxy_http, &proxy_https, &no_proxy,
            &retry_mode, &max_attempts, &error_factory, &canned,
            &total_timeout, &unsigned_requests, &proxy_urls))
        return -1;
    if (self->client) {
        PyErr_SetString(PyExc_RuntimeError, "Client already initialised");
        return -1;
    }
    qc_client_options o;
    qc_client_options_init(&o);
    o.region = region;
    o.endpoint_url = endpoint_url;
    o.use_ssl = use_ssl;
    o.use_fips_endpoint = use_fips;
    o.use_dualstack_endpoint = use_dualstack;
    o.verify_ssl = verify_ssl;
    o.ca_bundle = ca_bundle;
    o.connect_timeout_ms = (long)(connect_timeout * 1000.0);
    o.read_timeout_ms = (long)(read_timeout * 1000.0);
    o.max_pool_connections = max_pool;
    o.tcp_keepalive = keepalive;
    o.user_agent = user_agent;
    o.proxy_http = proxy_http;
    o.proxy_https = proxy_https;
    o.no_proxy = no_proxy;
    o.retry_mode = retry_mode;
    o.max_attempts = max_attempts;
    o.unsigned_requests = unsigned_requests;
    if (total_timeout > 0.0) {
        o.total_timeout_ms = total_timeout >= 1e9 ? 1000000000000L
                                                  : (long)(total_timeout * 1000.0);
        if (o.total_timeout_ms < 1)
            o.total_timeout_ms = 1;
    }
    if (canned && canned != Py_None) {
        long status;
        const char *headers;
        const char *body;
        Py_ssize_t body_len;
        int record = 1;
        if (!PyArg_ParseTuple(canned, "lsy#|p", &status, &headers, &body,
                              &body_len, &record))
            return -1;
        int crc = qc_canned_transport_new(status, headers, body,
                                          (size_t)body_len, &o.transport);
        if (crc == QC_OK && !record)
            qc_canned_transport_set_record(o.transport, 0);
        if (crc == QC_ERR_INVALID_ARG) {
            PyErr_SetString(PyExc_ValueError,
                            "canned_reply: a header line has no name");
            return -1;
        }
        if (crc) {
            PyErr_NoMemory();
            return -1;
        }
        self->canned = o.transport;
    }
    qc_error err;
    qc_error_init(&err);
    qc_client *c = NULL;
    int rc = qc_client_new(&o, &c, &err);
    if (rc) {
        if (o.transport)
            qc_transport_destroy(o.transport);
        self->canned = NULL;
        if (rc == QC_ERR_NOMEM) {
            PyErr_NoMemory();
        } else {
            PyObject *e = Py_BuildValue("(ss)", qc_errname(rc),
                                        qc_error_text(&err));
            if (e) {
                PyErr_SetObject(s_get_state()->core_error, e);
                Py_DECREF(e);
            }
        }
        qc_error_clean_up(&err);
        return -1;
    }
    qc_error_clean_up(&err);
    self->client = c;
    if (error_factory == Py_None)
        error_factory = NULL;
    Py_XINCREF(error_factory);
    Py_XSETREF(self->error_factory, error_factory);
    if (proxy_urls == Py_None)
        proxy_urls = NULL;
    Py_XINCREF(proxy_urls);
    Py_XSETREF(self->proxy_urls, proxy_urls);
    return 0;
}

static PyObject *s_client_set_credentials(s_client *self, PyObject *args)
{
    const char *ak, *sk, *tk = NULL;
    Py_ssize_t akn, skn, tkn = 0;
    if (!PyArg_ParseTuple(args, "s#s#|z#", &ak, &akn, &sk, &skn, &tk, &tkn))
        return NULL;
    if (!self->client) {
        PyErr_SetString(PyExc_RuntimeError, "Client is not initialised");
        return NULL;
    }
    int rc = qc_client_set_credentials(self->client, ak, (size_t)akn, sk,
                                       (size_t)skn, tk, (size_t)tkn);
    if (rc == QC_ERR_NOMEM)
        return PyErr_NoMemory();
    if (rc) {
        PyErr_SetString(PyExc_ValueError, "invalid credentials");
        return NULL;
    }
    Py_RETURN_NONE;
}

/* Raises the modelled (or generic) ClientError for a service error. */
static void s_raise_service_error(s_client *self, const qc_operation *op,
                                  const qc_call_result *r, PyObject *response)
{
    PyObject *code = PyUnicode_FromString(r->error_code ? r->error_code : "");
    if (!code)
        return;
    PyObject *cls = NULL;
    if (self->error_factory) {
        cls = PyObject_CallOneArg(self->error_factory, code);
    } else {
        s_state *st = s_get_state();
        cls = PyObject_GetAttrString(st->exc_module, "ClientError");
    }
    Py_DECREF(code);
    if (!cls)
        return;
    PyObject *name = PyUnicode_FromString(qc_operation_name(op));
    PyObject *exc = name ? PyObject_CallFunctionObjArgs(cls, response, name,
                                                        NULL)
                         : NULL;
    Py_XDECREF(name);
    if (exc) {
        PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
        Py_DECREF(exc);
    }
    Py_DECREF(cls);
}

/* The deepest JSON nesting json.loads reads in botocore's parsers on this
 * interpreter: up to 3.11 it follows the recursion limit, so the caller's
 * stack (the core's default, 0, is a call from a script's top level); from
 * 3.12 it is the fixed C recursion limit less the C-level recursion of
 * botocore's call, whatever the caller's stack (measured: 1497 on 3.12,
 * 9998 on 3.13). */
#if PY_VERSION_HEX >= 0x030D0000 && defined(Py_C_RECURSION_LIMIT)
#define S_JSON_DEPTH_LIMIT (Py_C_RECURSION_LIMIT - 2)
#elif PY_VERSION_HEX >= 0x030D0000
#define S_JSON_DEPTH_LIMIT 9998
#elif PY_VERSION_HEX >= 0x030C0000 && defined(C_RECURSION_LIMIT)
#define S_JSON_DEPTH_LIMIT (C_RECURSION_LIMIT - 3)
#elif PY_VERSION_HEX >= 0x030C0000
#define S_JSON_DEPTH_LIMIT 1497
#else
#define S_JSON_DEPTH_LIMIT 0
#endif

/* Runs op with the converted params (the caller keeps alive what they
 * point into until this returns, as the fault re-raise reads their
 * origins) and returns the result dict, or NULL with the exception set. */
/* A frame of its own, under its own name, in profiles (make bench). */
#if defined(__clang__)
__attribute__((noinline))
#elif defined(__GNUC__)
__attribute__((noinline, noclone))
#endif
static PyObject *s_run_call(s_client *self, const qc_operation *op,
                            const qc_value *params, int validate)
{
    PyObject *out = NULL;
    qc_call_result r;
    qc_call_result_init(&r);
    qc_call_options co;
    qc_call_options_init(&co);
    co.describe = s_describe;
    co.to_timestamp = s_to_timestamp;
    co.should_abort = s_should_abort;
    co.validate = validate;
    co.json_depth_limit = S_JSON_DEPTH_LIMIT;
    int rc;
    qc_client *c = self->client;
    Py_BEGIN_ALLOW_THREADS
    rc = qc_client_call(c, op, params, &co, &r);
    Py_END_ALLOW_THREADS

    if (rc == QC_OK) {
        out = s_from_value(&r.response);
    } else if (rc == QC_ERR_SERVICE) {
        PyObject *resp = s_from_value(&r.response);
        if (resp) {
            s_raise_service_error(self, op, &r, resp);
            Py_DECREF(resp);
        }
    } else {
        s_raise_core_error(rc, &r, self->proxy_urls);
    }
    qc_call_result_clean_up(&r);
    return out;
}

/* Starts a conversion (its arena); returns 0 or -1 with MemoryError. */
static int s_conv_init(s_conv *cv)
{
    memset(cv, 0, sizeof(*cv));
    cv->arena = qc_arena_new();
    if (!cv->arena) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

/* Releases what a conversion holds. */
static void s_conv_clean_up(s_conv *cv)
{
    s_refs_clear(&cv->refs);
    qc_arena_destroy(cv->arena);
}

/* call(op_index, params: dict, validate=True) -> dict */
static PyObject *s_client_call(s_client *self, PyObject *const *args,
                               Py_ssize_t nargs)
{
    if (nargs < 2 || nargs > 3) {
        PyErr_SetString(PyExc_TypeError, "call(op_index, params[, validate])");
        return NULL;
    }
    Py_ssize_t idx = PyLong_AsSsize_t(args[0]);
    if (idx == -1 && PyErr_Occurred())
        return NULL;
    if (idx < 0 || (size_t)idx >= qc_operation_count()) {
        PyErr_SetString(PyExc_IndexError, "no such operation");
        return NULL;
    }
    if (!PyDict_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "params must be a dict");
        return NULL;
    }
    if (!self->client) {
        PyErr_SetString(PyExc_RuntimeError, "Client is not initialised");
        return NULL;
    }
    int validate = nargs == 3 ? PyObject_IsTrue(args[2]) : 1;
    if (validate < 0)
        return NULL;
    s_conv cv;
    if (s_conv_init(&cv))
        return NULL;
    PyObject *out = NULL;
    qc_value params;
    if (!s_to_value(&cv, args[1], &params))
        out = s_run_call(self, qc_operation_at((size_t)idx), &params,
                    validate);
    s_conv_clean_up(&cv);
    return out;
}

/* ------------------------------------------------------------ Method */

/* One operation as a method of the Python client class (boto3's
 * client.start_import_job): a method descriptor called with the client
 * as its first argument and the operation's parameters as keywords. It
 * reads the client's `_core` (a Client, or anything with a
 * call(op_index, params, validate) method) and `_validate` attributes,
 * and converts the keywords straight from the call's argument vector. */
typedef struct {
    PyObject_HEAD
    Py_ssize_t index;   /* operation index */
    PyObject *name;     /* __name__ */
    PyObject *qualname; /* __qualname__ */
    PyObject *dict;     /* __dict__ (__doc__, ...) */
    vectorcallfunc vectorcall;
} s_method;

static PyObject *s_method_vectorcall(PyObject *callable,
                                     PyObject *const *args, size_t nargsf,
                                     PyObject *kwnames);

/* Method(index, name, qualname) */
static PyObject *s_method_new(PyTypeObject *type, PyObject *args,
                              PyObject *kwds)
{
    Py_ssize_t index;
    PyObject *name, *qualname;
    if (kwds && PyDict_GET_SIZE(kwds)) {
        PyErr_SetString(PyExc_TypeError, "Method() takes no keywords");
        return NULL;
    }
    if (!PyArg_ParseTuple(args, "nUU:Method", &index, &name, &qualname))
        return NULL;
    if (index < 0 || (size_t)index >= qc_operation_count()) {
        PyErr_SetString(PyExc_IndexError, "no such operation");
        return NULL;
    }
    s_method *self = (s_method *)type->tp_alloc(type, 0);
    if (!self)
        return NULL;
    self->index = index;
    Py_INCREF(name);
    self->name = name;
    Py_INCREF(qualname);
    self->qualname = qualname;
    self->vectorcall = s_method_vectorcall;
    return (PyObject *)self;
}

static int s_method_traverse(s_method *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(self->name);
    Py_VISIT(self->qualname);
    Py_VISIT(self->dict);
    return 0;
}

static int s_method_clear(s_method *self)
{
    Py_CLEAR(self->name);
    Py_CLEAR(self->qualname);
    Py_CLEAR(self->dict);
    return 0;
}

static void s_method_dealloc(s_method *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    s_method_clear(self);
    tp->tp_free((PyObject *)self);
    Py_DECREF(tp);
}

/* Returns the method bound to obj (a bound method object), or itself when
 * read from the class. */
static PyObject *s_method_get(PyObject *self, PyObject *obj, PyObject *type)
{
    if (!obj || obj == Py_None) {
        Py_INCREF(self);
        return self;
    }
    return PyMethod_New(self, obj);
}

/* Calls core.call(index, kwargs, validate) on something that is not a
 * Client (a closed client's placeholder, a test double). */
static PyObject *s_method_call_other(s_method *m, PyObject *core,
                                     PyObject *const *kwv, PyObject *kwnames,
                                     PyObject *validate)
{
    Py_ssize_t nk = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    PyObject *kwargs = PyDict_New();
    if (!kwargs)
        return NULL;
    for (Py_ssize_t i = 0; i < nk; i++) {
        if (PyDict_SetItem(kwargs, PyTuple_GET_ITEM(kwnames, i), kwv[i])) {
            Py_DECREF(kwargs);
            return NULL;
        }
    }
    PyObject *index = PyLong_FromSsize_t(m->index);
    PyObject *out = index ? PyObject_CallMethod(core, "call", "OOO", index,
                                                kwargs, validate)
                          : NULL;
    Py_XDECREF(index);
    Py_DECREF(kwargs);
    return out;
}

/* The call: args[0] is the client; every parameter is a keyword. */
static PyObject *s_method_vectorcall(PyObject *callable,
                                     PyObject *const *args, size_t nargsf,
                                     PyObject *kwnames)
{
    s_method *m = (s_method *)callable;
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    if (nargs != 1) {
        if (nargs == 0)
            PyErr_Format(PyExc_TypeError,
                         "%U() missing 1 required positional argument: "
                         "'self'", m->name);
        else
            PyErr_Format(PyExc_TypeError,
                         "%U() only accepts keyword arguments.", m->name);
        return NULL;
    }
    s_state *st = s_get_state();
    PyObject *core = PyObject_GetAttr(args[0], st->str_core);
    if (!core)
        return NULL;
    PyObject *vflag = PyObject_GetAttr(args[0], st->str_validate);
    if (!vflag) {
        Py_DECREF(core);
        return NULL;
    }
    PyObject *out = NULL;
    int validate = PyObject_IsTrue(vflag);
    if (validate < 0)
        goto done;
    if (!Py_IS_TYPE(core, st->client_type)) {
        out = s_method_call_other(m, core, args + 1, kwnames, vflag);
        goto done;
    }
    s_client *client = (s_client *)core;
    if (!client->client) {
        PyErr_SetString(PyExc_RuntimeError, "Client is not initialised");
        goto done;
    }
    s_conv cv;
    if (s_conv_init(&cv))
        goto done;
    Py_ssize_t nk = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    qc_value params;
    memset(&params, 0, sizeof(params));
    if (qc_value_set_map(&params, cv.arena, (size_t)nk)) {
        PyErr_NoMemory();
    } else {
        int rc = 0;
        for (Py_ssize_t i = 0; i < nk && !rc; i++) {
            qc_pair *p = &params.u.map.items[i];
            rc = s_to_value(&cv, PyTuple_GET_ITEM(kwnames, i), &p->key) ||
                 s_to_value(&cv, args[1 + i], &p->value);
        }
        if (!rc)
            out = s_run_call(client, qc_operation_at((size_t)m->index),
                        &params, validate);
    }
    s_conv_clean_up(&cv);
done:
    Py_DECREF(vflag);
    Py_DECREF(core);
    return out;
}

static PyObject *s_method_get_text_signature(PyObject *self, void *closure)
{
    return PyUnicode_FromString("($self, /, *args, **kwargs)");
}

static PyObject *s_method_repr(s_method *self)
{
    return PyUnicode_FromFormat("<function %U>", self->qualname);
}

static PyMemberDef s_method_members[] = {
    {"__name__", T_OBJECT, offsetof(s_method, name), READONLY, NULL},
    {"__qualname__", T_OBJECT, offsetof(s_method, qualname), READONLY, NULL},
    {"__dictoffset__", T_PYSSIZET, offsetof(s_method, dict), READONLY, NULL},
    {"__vectorcalloffset__", T_PYSSIZET, offsetof(s_method, vectorcall),
     READONLY, NULL},
    {NULL, 0, 0, 0, NULL},
};

static PyGetSetDef s_method_getset[] = {
    {"__text_signature__", s_method_get_text_signature, NULL, NULL, NULL},
    {"__dict__", PyObject_GenericGetDict, PyObject_GenericSetDict, NULL,
     NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot s_method_slots[] = {
    {Py_tp_doc, "An operation of the client, as a method."},
    {Py_tp_new, s_method_new},
    {Py_tp_dealloc, s_method_dealloc},
    {Py_tp_traverse, s_method_traverse},
    {Py_tp_clear, s_method_clear},
    {Py_tp_call, PyVectorcall_Call},
    {Py_tp_descr_get, s_method_get},
    {Py_tp_repr, s_method_repr},
    {Py_tp_members, s_method_members},
    {Py_tp_getset, s_method_getset},
    {0, NULL},
};

static PyType_Spec s_method_spec = {
    "qconnect_c._core.Method",
    sizeof(s_method),
    0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL |
        Py_TPFLAGS_METHOD_DESCRIPTOR,
    s_method_slots,
};

/* qc_progress_fn: calls the Python progress callable (sent, total);
 * an exception from it stops the upload and propagates. */
static int s_upload_progress(void *ctx, uint64_t sent, uint64_t total)
{
    PyGILState_STATE g = PyGILState_Ensure();
    int stop = 0;
    PyObject *r = PyObject_CallFunction((PyObject *)ctx, "KK",
                                        (unsigned long long)sent,
                                        (unsigned long long)total);
    if (!r)
        stop = 1;
    Py_XDECREF(r);
    if (!stop && PyErr_CheckSignals() < 0)
        stop = 1;
    PyGILState_Release(g);
    return stop;
}

/* upload_file(url, headers: dict, path, progress=None)
 *   -> (status, headers text, body bytes) */
static PyObject *s_client_upload_file(s_client *self, PyObject *args)
{
    const char *url, *path;
    PyObject *headers, *progress = Py_None;
    if (!PyArg_ParseTuple(args, "sO!s|O", &url, &PyDict_Type, &headers, &path,
                          &progress))
        return NULL;
    if (!self->client) {
        PyErr_SetString(PyExc_RuntimeError, "Client is not initialised");
        return NULL;
    }
    Py_ssize_t n = PyDict_Size(headers);
    const char **pairs = PyMem_Calloc((size_t)(2 * n + 1), sizeof(char *));
    if (!pairs)
        return PyErr_NoMemory();
    PyObject *out = NULL;
    Py_ssize_t pos = 0, i = 0;
    PyObject *k, *v;
    while (PyDict_Next(headers, &pos, &k, &v)) {
        if (!PyUnicode_Check(k) || !PyUnicode_Check(v)) {
            PyErr_SetString(PyExc_TypeError,
                            "upload header names and values must be str");
            goto done;
        }
        pairs[2 * i] = PyUnicode_AsUTF8(k);
        pairs[2 * i + 1] = PyUnicode_AsUTF8(v);
        if (!pairs[2 * i] || !pairs[2 * i + 1])
            goto done;
        i++;
    }
    qc_call_options co;
    qc_call_options_init(&co);
    co.should_abort = s_should_abort;
    qc_upload_result r;
    int rc;
    qc_client *c = self->client;
    PyObject *pcb = progress == Py_None ? NULL : progress;
    Py_BEGIN_ALLOW_THREADS
    rc = qc_client_upload_file(c, url, pairs, (size_t)i, path, &co,
                               pcb ? s_upload_progress : NULL, pcb, &r);
    Py_END_ALLOW_THREADS
    if (rc == QC_OK) {
        out = Py_BuildValue("(lsy#)", r.status, r.headers ? r.headers : "",
                            r.body ? r.body : "", (Py_ssize_t)r.body_len);
    } else if (!PyErr_Occurred()) {
        if (rc == QC_ERR_INVALID_ARG) {
            PyErr_SetString(PyExc_ValueError, qc_error_text(&r.err));
        } else {
            qc_call_result cr;
            qc_call_result_init(&cr);
            cr.url = url;
            cr.err = r.err;
            s_raise_core_error(rc, &cr, self->proxy_urls);
        }
    }
    qc_upload_result_clean_up(&r);
done:
    PyMem_Free(pairs);
    return out;
}

/* last_request() -> (method, url, headers list, body bytes) | None:
 * the request the canned transport last received. */
static PyObject *s_client_last_request(s_client *self, PyObject *unused)
{
    if (!self->canned)
        Py_RETURN_NONE;
    qc_http_request req;
    qc_http_request_init(&req);
    if (qc_canned_transport_last_request(self->canned, &req)) {
        qc_http_request_clean_up(&req);
        Py_RETURN_NONE;
    }
    PyObject *out = NULL;
    qc_buf url;
    qc_buf_init(&url, 0);
    PyObject *headers = PyList_New(0);
    if (!headers || qc_http_request_url(&req, &url))
        goto done;
    for (size_t i = 0; i < req.headers.len; i++) {
        PyObject *t = Py_BuildValue("(s#s#)", req.headers.items[i].name,
                                    (Py_ssize_t)req.headers.items[i].name_len,
                                    req.headers.items[i].value,
                                    (Py_ssize_t)req.headers.items[i].value_len);
        if (!t || PyList_Append(headers, t)) {
            Py_XDECREF(t);
            goto done;
        }
        Py_DECREF(t);
    }
    out = Py_BuildValue("(ss#Oy#)", req.method, url.data ? url.data : "",
                        (Py_ssize_t)url.len, headers,
                        req.body.data ? req.body.data : "",
                        (Py_ssize_t)req.body.len);
done:
    Py_XDECREF(headers);
    qc_buf_clean_up(&url);
    qc_http_request_clean_up(&req);
    return out;
}

static PyObject *s_client_get_endpoint_url(s_client *self, void *closure)
{
    if (!self->client)
        Py_RETURN_NONE;
    return PyUnicode_FromString(qc_client_endpoint_url(self->client));
}

static PyObject *s_client_get_meta_endpoint_url(s_client *self, void *closure)
{
    if (!self->client)
        Py_RETURN_NONE;
    return PyUnicode_FromString(qc_client_meta_endpoint_url(self->client));
}

static PyObject *s_client_get_region(s_client *self, void *closure)
{
    if (!self->client || !qc_client_region(self->client))
        Py_RETURN_NONE;
    return PyUnicode_FromString(qc_client_region(self->client));
}

static PyMethodDef s_client_methods[] = {
    {"call", (PyCFunction)(void (*)(void))s_client_call, METH_FASTCALL,
     "call(op_index, params, validate=True) -> dict\n\nRuns one operation."},
    {"upload_file", (PyCFunction)s_client_upload_file, METH_VARARGS,
     "upload_file(url, headers, path, progress=None) -> (status, headers, "
     "body)\n\nHTTP PUT of a file, streamed from disk."},
    {"set_credentials", (PyCFunction)s_client_set_credentials, METH_VARARGS,
     "set_credentials(access_key, secret_key, token=None)"},
    {"last_request", (PyCFunction)s_client_last_request, METH_NOARGS,
     "The request a canned-reply client last sent (tests)."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef s_client_getset[] = {
    {"endpoint_url", (getter)s_client_get_endpoint_url, NULL,
     "The URL calls go to ('' when the endpoint rules failed).", NULL},
    {"meta_endpoint_url", (getter)s_client_get_meta_endpoint_url, NULL,
     "client.meta.endpoint_url as botocore reports it.", NULL},
    {"region_name", (getter)s_client_get_region, NULL,
     "client.meta.region_name (after FIPS-prefix normalisation).", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot s_client_slots[] = {
    {Py_tp_doc, "A qconnect_c core client (one connection pool)."},
    {Py_tp_new, PyType_GenericNew},
    {Py_tp_init, s_client_init},
    {Py_tp_dealloc, s_client_dealloc},
    {Py_tp_traverse, s_client_traverse},
    {Py_tp_clear, s_client_clear},
    {Py_tp_methods, s_client_methods},
    {Py_tp_getset, s_client_getset},
    {0, NULL},
};

static PyType_Spec s_client_spec = {
    "qconnect_c._core.Client",
    sizeof(s_client),
    0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    s_client_slots,
};

/* ------------------------------------------------------------ module */

static PyObject *s_mod_operations(PyObject *m, PyObject *unused)
{
    size_t n = qc_operation_count();
    PyObject *out = PyList_New((Py_ssize_t)n);
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        const qc_operation *op = qc_operation_at(i);
        PyObject *t = Py_BuildValue("(ss)", qc_operation_py_name(op),
                                    qc_operation_name(op));
        if (!t) {
            Py_DECREF(out);
            return NULL;
        }
        PyList_SET_ITEM(out, (Py_ssize_t)i, t);
    }
    return out;
}

static PyObject *s_mod_configure(PyObject *m, PyObject *args)
{
    PyObject *exc_module, *ts_parser, *tz_fixed_factory, *tz_local_factory;
    if (!PyArg_ParseTuple(args, "OOOO", &exc_module, &ts_parser,
                          &tz_fixed_factory, &tz_local_factory))
        return NULL;
    s_state *st = PyModule_GetState(m);
    Py_CLEAR(st->tz_utc);
    Py_CLEAR(st->tz_offset);
    Py_INCREF(tz_fixed_factory);
    Py_XSETREF(st->tz_fixed_factory, tz_fixed_factory);
    Py_INCREF(tz_local_factory);
    Py_XSETREF(st->tz_local_factory, tz_local_factory);
    st->tz_known = 0;
    st->lt_known = 0;
    PyDict_Clear(st->tz_cache);
    Py_INCREF(exc_module);
    Py_XSETREF(st->exc_module, exc_module);
    Py_INCREF(ts_parser);
    Py_XSETREF(st->ts_parser, ts_parser);
    Py_RETURN_NONE;
}

static PyObject *s_mod_strerror(PyObject *m, PyObject *arg)
{
    long code = PyLong_AsLong(arg);
    if (code == -1 && PyErr_Occurred())
        return NULL;
    return Py_BuildValue("(ss)", qc_errname((int)code), qc_strerror((int)code));
}

static PyMethodDef s_module_methods[] = {
    {"operations", s_mod_operations, METH_NOARGS,
     "operations() -> [(python_name, api_name)], in core index order."},
    {"configure", s_mod_configure, METH_VARARGS,
     "configure(exceptions_module, timestamp_parser, tz_fixed_factory, "
     "tz_local_factory)\n\ntz_fixed_factory() -> (tzutc, offset_factory) "
     "and tz_local_factory() -> (tzlocal, utc_named) are called when a "
     "timestamp first needs them."},
    {"strerror", s_mod_strerror, METH_O, "strerror(code) -> (name, text)"},
    {NULL, NULL, 0, NULL},
};

static int s_module_traverse(PyObject *m, visitproc visit, void *arg)
{
    s_state *st = PyModule_GetState(m);
    Py_VISIT(st->exc_module);
    Py_VISIT(st->ts_parser);
    Py_VISIT(st->tz_cache);
    Py_VISIT(st->tz_local);
    Py_VISIT(st->tz_utc);
    Py_VISIT(st->tz_utc_named);
    Py_VISIT(st->tz_offset);
    Py_VISIT(st->tz_fixed_factory);
    Py_VISIT(st->tz_local_factory);
    Py_VISIT(st->client_type);
    Py_VISIT(st->method_type);
    Py_VISIT(st->core_error);
    return 0;
}

static int s_module_clear(PyObject *m)
{
    s_state *st = PyModule_GetState(m);
    Py_CLEAR(st->exc_module);
    Py_CLEAR(st->ts_parser);
    Py_CLEAR(st->tz_cache);
    Py_CLEAR(st->tz_local);
    Py_CLEAR(st->tz_utc);
    Py_CLEAR(st->tz_utc_named);
    Py_CLEAR(st->tz_offset);
    Py_CLEAR(st->tz_fixed_factory);
    Py_CLEAR(st->tz_local_factory);
    st->tz_known = 0;
    st->lt_known = 0;
    s_keys_clear(st);
    for (size_t i = 0; i < S_DKEYS; i++)
        Py_CLEAR(st->dkeys[i]);
    Py_CLEAR(st->client_type);
    Py_CLEAR(st->method_type);
    Py_CLEAR(st->core_error);
    Py_CLEAR(st->str_core);
    Py_CLEAR(st->str_validate);
    return 0;
}

static void s_module_free(void *m)
{
    s_module_clear((PyObject *)m);
}

static struct PyModuleDef s_moduledef = {
    PyModuleDef_HEAD_INIT,
    "qconnect_c._core",
    "The C core of qconnect_c: validate, serialize, sign, send, parse.",
    sizeof(s_state),
    s_module_methods,
    NULL,
    s_module_traverse,
    s_module_clear,
    s_module_free,
};

PyMODINIT_FUNC PyInit__core(void)
{
    PyObject *m = PyModule_Create(&s_moduledef);
    if (!m)
        return NULL;
    s_state *st = PyModule_GetState(m);
    st->tz_cache = PyDict_New();
    st->client_type = (PyTypeObject *)PyType_FromModuleAndSpec(m, &s_client_spec, NULL);
    st->method_type = (PyTypeObject *)PyType_FromModuleAndSpec(m, &s_method_spec, NULL);
    st->str_core = PyUnicode_InternFromString("_core");
    st->str_validate = PyUnicode_InternFromString("_validate");
    st->core_error = PyErr_NewExceptionWithDoc(
        "qconnect_c._core.CoreError",
        "A core failure the Python layer maps to botocore's exception: "
        "args are (error name, message).",
        NULL, NULL);
    if (!st->tz_cache || !st->client_type || !st->method_type ||
        !st->core_error || !st->str_core || !st->str_validate ||
        PyModule_AddObjectRef(m, "Client", (PyObject *)st->client_type) < 0 ||
        PyModule_AddObjectRef(m, "Method", (PyObject *)st->method_type) < 0 ||
        PyModule_AddObjectRef(m, "CoreError", st->core_error) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    s_module = m;
    return m;
}
