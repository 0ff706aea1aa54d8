/*
 * model.h — the types of the service-model tables.
 *
 * The tables themselves (model_qconnect.c) are generated from botocore's
 * service-2.json by tools/gen_model.py (`make model`); never edit them by
 * hand. Generic code (validate.c, serialize.c, parse.c) walks these tables:
 * nothing in the core is written per operation.
 */
#ifndef QC_MODEL_H
#define QC_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "qc.h"

#define QC_NO_SHAPE 0xFFFFu

/* Shape types (botocore type names). */
typedef enum qc_stype {
    QC_T_STRUCTURE = 0,
    QC_T_LIST,
    QC_T_MAP,
    QC_T_STRING,
    QC_T_INTEGER,
    QC_T_LONG,
    QC_T_FLOAT,
    QC_T_DOUBLE,
    QC_T_BOOLEAN,
    QC_T_TIMESTAMP,
    QC_T_BLOB,
    QC_T_DOCUMENT /* a structure with "document": true */
} qc_stype;

/* Shape flags. */
#define QC_SF_UNION 0x01u       /* structure with "union": true */
#define QC_SF_HAS_MIN 0x02u     /* "min" present (shape.min is valid) */
#define QC_SF_SENSITIVE 0x04u   /* "sensitive": true */
#define QC_SF_EXCEPTION 0x08u   /* an error shape */
#define QC_SF_TS_ISO8601 0x10u  /* timestampFormat iso8601 */
#define QC_SF_TS_UNIX 0x20u     /* timestampFormat unixTimestamp */
#define QC_SF_TS_RFC822 0x40u   /* timestampFormat rfc822 */
#define QC_SF_JSONVALUE 0x80u   /* string with "jsonvalue": true */

/* Member locations. */
typedef enum qc_location {
    QC_LOC_BODY = 0,
    QC_LOC_URI,
    QC_LOC_QUERY,
    QC_LOC_HEADER,
    QC_LOC_HEADERS, /* a map of headers sharing a prefix */
    QC_LOC_STATUS   /* output only: the HTTP status code */
} qc_location;

/* Member flags. */
#define QC_MF_IDEMPOTENCY_TOKEN 0x01u /* "idempotencyToken": true */
#define QC_MF_REQUIRED 0x02u          /* listed in the parent's "required" */
#define QC_MF_GREEDY 0x04u            /* uri label written {name+} */
#define QC_MF_JSONVALUE 0x08u         /* member has "jsonvalue": true */

typedef struct qc_member {
    const char *name;      /* member name: Python keyword and JSON key */
    const char *wire_name; /* locationName (uri label, query key, header) */
    uint16_t name_len;
    uint16_t shape;        /* index into qc_model.shapes */
    uint8_t location;      /* qc_location */
    uint8_t flags;         /* QC_MF_* */
    uint8_t ts_format;     /* member-level timestampFormat (QC_SF_TS_*) or 0 */
    uint8_t reserved;
} qc_member;

typedef struct qc_shape {
    const char *name;      /* shape name, e.g. "StartImportJobRequest" */
    uint8_t type;          /* qc_stype */
    uint8_t flags;         /* QC_SF_* */
    uint16_t n_members;    /* structure: member count */
    uint32_t first_member; /* structure: index of first member in members[] */
    uint16_t n_required;   /* structure: count of "required" names */
    uint32_t first_required; /* index into indices[]: member positions
                                (0-based within the structure) in the order
                                of the model's "required" list */
    uint16_t member;       /* list: element shape */
    uint16_t key;          /* map: key shape */
    uint16_t value;        /* map: value shape */
    uint16_t error_status; /* exception: error.httpStatusCode, else 0 */
    const char *error_code; /* exception: error.code if given, else name */
    int64_t min;           /* valid when QC_SF_HAS_MIN (integral mins) */
    double min_f;          /* valid when QC_SF_HAS_MIN: the min as a double */
    const char *min_text;  /* valid when QC_SF_HAS_MIN: str(min) as Python
                              prints the model's value ("1", "0.0") */
} qc_shape;

/* Operation flags. */
#define QC_OF_BODY_MEMBERS 0x01u /* input has members without a location
                                    (rest-json then sends "{}" at least) */
#define QC_OF_IDEMPOTENCY 0x02u  /* input has an idempotency-token member */

struct qc_operation {
    const char *name;        /* "StartImportJob" */
    const char *py_name;     /* "start_import_job" (botocore.xform_name) */
    const char *method;      /* "POST" */
    const char *request_uri; /* "/knowledgeBases/{knowledgeBaseId}/importJobs" */
    uint16_t input;          /* shape index or QC_NO_SHAPE */
    uint16_t output;         /* shape index or QC_NO_SHAPE */
    uint16_t response_code;  /* http.responseCode (default 200) */
    uint16_t n_errors;       /* modelled errors, in model order */
    uint32_t first_error;    /* index into indices[]: shape indices */
    uint16_t flags;          /* QC_OF_* */
    uint16_t token_member;   /* position of the idempotency-token member
                                within the input structure, or 0xFFFF */
};

typedef struct qc_model {
    const char *service_id;    /* "QConnect" */
    const char *api_version;   /* "2020-10-19" */
    const char *signing_name;  /* "wisdom" */
    const char *endpoint_prefix; /* "wisdom" */
    const char *service_name;  /* "qconnect" (boto3 service name) */
    const qc_shape *shapes;
    size_t n_shapes;
    const qc_member *members;
    size_t n_members;
    const uint16_t *indices;   /* shared pool for required lists and errors */
    size_t n_indices;
    const struct qc_operation *operations; /* sorted by name */
    size_t n_operations;
    const uint16_t *error_shapes; /* every shape with QC_SF_EXCEPTION */
    size_t n_error_shapes;
    const uint16_t *py_order;  /* operation positions sorted by py_name
                                  (n_operations entries) */
} qc_model;

/* The generated model of this service (model_qconnect.c). */
extern const qc_model qc_model_qconnect;

/* Returns the i-th member of structure shape s. */
static inline const qc_member *qc_shape_member(const qc_model *m,
                                               const qc_shape *s, size_t i)
{
    return &m->members[s->first_member + i];
}

/* Returns the position of the member named (name, len) in structure s, or
 * -1 when s has no such member. */
int qc_shape_find_member(const qc_model *m, const qc_shape *s,
                         const char *name, size_t len);

#endif /* QC_MODEL_H */
