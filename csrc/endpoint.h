/*
 * endpoint.h — endpoint resolution from the service's endpoint rule set.
 *
 * The rule set and the partitions are compiled into static tables by
 * tools/gen_endpoints.py (endpoints_qconnect.c, generated); endpoint.c
 * evaluates them generically (isSet, booleanEquals, stringEquals, not,
 * getAttr, aws.partition, templates), as botocore's EndpointRulesetResolver
 * does.
 */
#ifndef QC_ENDPOINT_H
#define QC_ENDPOINT_H

#include "buf.h"
#include "qc.h"

typedef struct qc_endpoint_params {
    const char *region;   /* C string or NULL (unset) */
    int use_fips;         /* 0/1 */
    int use_dualstack;    /* 0/1 */
    const char *endpoint; /* C string or NULL: custom endpoint_url */
} qc_endpoint_params;

/* Resolves the endpoint URL into url_out. On a rule-set error returns
 * QC_ERR_ENDPOINT with err->message exactly the rule's error text (e.g.
 * "Invalid Configuration: FIPS and custom endpoint are not supported"). */
int qc_endpoint_resolve(const qc_endpoint_params *p, qc_buf *url_out,
                        qc_error *err) QC_WARN_UNUSED;

/* ------------------------------------------- client set-up, as botocore does
 * Creating a botocore client runs, in this order (docs/endpoints.md):
 *   1. utils.validate_region_name   -> InvalidRegionError
 *   2. ClientCreator._normalize_fips_region ("fips-"/"-fips" removed, FIPS on)
 *   3. the legacy resolver (endpoints.json) gives client.meta.endpoint_url,
 *      meta.region_name and the signing region -> NoRegionError,
 *      EndpointVariantError
 *   4. EndpointCreator checks the URL        -> ValueError("Invalid endpoint")
 * and each call then resolves the rule set with builtins derived from the
 * above (a custom endpoint turns UseFIPS/UseDualStack off). */

/* Returns 1 when region passes botocore's validate_region_name (NULL, i.e.
 * None, passes), else 0. Python's "$" also matches before one final "\n". */
int qc_region_is_valid(const char *region);

/* Writes region with every "fips-" and then every "-fips" removed into out
 * (replacing its contents) and sets *changed to 1 when that altered it.
 * Returns QC_OK, QC_ERR_NOMEM or QC_ERR_LIMIT. */
int qc_region_normalize_fips(const char *region, qc_buf *out,
                             int *changed) QC_WARN_UNUSED;

/* Which botocore exception a failed set-up stands for. */
typedef enum qc_endpoint_failure {
    QC_EP_FAIL_NONE = 0,
    QC_EP_FAIL_INVALID_REGION,   /* botocore.exceptions.InvalidRegionError */
    QC_EP_FAIL_NO_REGION,        /* botocore.exceptions.NoRegionError */
    QC_EP_FAIL_VARIANT,          /* botocore.exceptions.EndpointVariantError */
    QC_EP_FAIL_INVALID_ENDPOINT  /* ValueError("Invalid endpoint: <url>") */
} qc_endpoint_failure;

typedef struct qc_endpoint_config {
    const char *region;       /* C string or NULL (None) */
    const char *endpoint_url; /* C string or NULL: custom endpoint_url */
    int use_fips;             /* resolved use_fips_endpoint, 0/1 */
    int use_dualstack;        /* resolved use_dualstack_endpoint, 0/1 */
    int is_secure;            /* use_ssl, normally 1 */
} qc_endpoint_config;

/* What client creation settled; all strings owned (qc_endpoint_setup_clean_up). */
typedef struct qc_endpoint_setup {
    char *region;          /* meta.region_name (after FIPS normalisation) */
    char *meta_url;        /* client.meta.endpoint_url */
    char *signing_region;  /* the region the signer uses */
    char *signing_name;    /* credentialScope service, or NULL: the model's */
    char *endpoint_url;    /* copy of the custom endpoint_url, or NULL */
    int use_fips;          /* meta.config.use_fips_endpoint is true */
    int fips_from_region;  /* 1 when step 2 renamed the region */
    int is_secure;
    qc_endpoint_params params; /* rule-set inputs for each call (points into
                                  this struct) */
} qc_endpoint_setup;

/* Runs steps 1-4 above. On failure returns QC_ERR_INVALID_ARG
 * (InvalidRegionError, ValueError) or QC_ERR_ENDPOINT (NoRegionError,
 * EndpointVariantError) with err->message exactly botocore's str(exc), sets
 * *failure (may be NULL) and leaves s cleaned up. A custom endpoint_url is
 * NOT checked here: the caller applies botocore's is_valid_endpoint_url /
 * is_valid_ipv6_endpoint_url to it (ValueError "Invalid endpoint: <url>"). */
int qc_endpoint_setup_init(qc_endpoint_setup *s, const qc_endpoint_config *cfg,
                           int *failure, qc_error *err) QC_WARN_UNUSED;
void qc_endpoint_setup_clean_up(qc_endpoint_setup *s);
/* Resolves the URL one call uses (qc_endpoint_resolve on s->params, then
 * "https://" -> "http://" when !is_secure and no custom endpoint, as
 * EndpointRulesetResolver does). Errors as qc_endpoint_resolve. */
int qc_endpoint_setup_resolve(const qc_endpoint_setup *s, qc_buf *url_out,
                              qc_error *err) QC_WARN_UNUSED;

/* For tests: the next compilation of the region patterns (done on first
 * use, retried after a failure) fails as out of memory at pattern number
 * `at` (0-based: the rule-set partitions', then the legacy partitions'),
 * after compiling the ones before it; -1 clears it. One-shot. */
void qc_endpoint_test_fail_compile(int at);

/* ------------------------------------ generated tables (gen_endpoints.py) */

enum { QC_EP_T_NONE = 0, QC_EP_T_BOOL, QC_EP_T_STRING };
enum {
    QC_EP_BUILTIN_NONE = 0,
    QC_EP_BUILTIN_REGION,        /* AWS::Region */
    QC_EP_BUILTIN_USE_FIPS,      /* AWS::UseFIPS */
    QC_EP_BUILTIN_USE_DUALSTACK, /* AWS::UseDualStack */
    QC_EP_BUILTIN_ENDPOINT       /* SDK::Endpoint */
};
enum { QC_EP_X_BOOL = 0, QC_EP_X_STRING, QC_EP_X_REF, QC_EP_X_TEMPLATE,
       QC_EP_X_CALL };
enum {
    QC_EP_FN_IS_SET = 0,
    QC_EP_FN_NOT,
    QC_EP_FN_BOOLEAN_EQUALS,
    QC_EP_FN_STRING_EQUALS,
    QC_EP_FN_GET_ATTR,
    QC_EP_FN_AWS_PARTITION
};
enum { QC_EP_RULE_TREE = 0, QC_EP_RULE_ENDPOINT, QC_EP_RULE_ERROR };
#define QC_EP_TAG_DUALSTACK 1u
#define QC_EP_TAG_FIPS 2u

typedef struct qc_ep_param {
    const char *name;
    uint8_t type;         /* QC_EP_T_* */
    uint8_t builtin;      /* QC_EP_BUILTIN_* */
    uint8_t required;
    uint8_t default_type; /* QC_EP_T_NONE = no default */
    uint8_t default_bool;
    const char *default_str;
} qc_ep_param;

typedef struct qc_ep_expr {
    uint8_t kind;        /* QC_EP_X_* */
    uint8_t fn;          /* CALL: QC_EP_FN_* */
    uint8_t bool_value;  /* BOOL */
    int16_t var;         /* REF: variable; CALL: assigned variable or -1 */
    uint16_t first;      /* CALL: first argument in exprs; TEMPLATE: in tpl */
    uint16_t count;
    const char *str;     /* STRING */
} qc_ep_expr;

typedef struct qc_ep_tpl_part {
    const char *literal; /* text before the reference */
    int16_t var;         /* referenced variable, or -1 (literal only) */
    const char *attr;    /* "a#attr", or NULL */
} qc_ep_tpl_part;

typedef struct qc_ep_rule {
    uint8_t type;        /* QC_EP_RULE_* */
    uint16_t cond_first; /* conditions: conds[cond_first..+cond_count) */
    uint16_t cond_count;
    uint16_t child_first; /* TREE: rules[child_first..+child_count) */
    uint16_t child_count;
    uint16_t value;      /* ENDPOINT: url expr; ERROR: message expr */
} qc_ep_rule;

typedef struct qc_ep_output {
    const char *key;
    uint8_t type;        /* QC_EP_T_BOOL or QC_EP_T_STRING */
    uint8_t bool_value;
    const char *str;
} qc_ep_output;

typedef struct qc_ep_partition {
    const char *id;
    const char *regex;   /* regionRegex as POSIX ERE */
    const char *const *regions;
    size_t n_regions;
    const qc_ep_output *outputs;
    size_t n_outputs;
} qc_ep_partition;

typedef struct qc_ep_variant {
    uint8_t tags;        /* QC_EP_TAG_* */
    const char *hostname;
    const char *dns_suffix;
} qc_ep_variant;

/* An endpoints.json endpoint entry or "defaults" block; NULL = key absent. */
typedef struct qc_ep_legacy_entry {
    const char *name;
    const char *hostname;
    const char *dns_suffix;
    uint8_t has_scope;   /* credentialScope present */
    const char *scope_region;
    const char *scope_service;
    int8_t n_protocols;  /* -1 = absent */
    const char *const *protocols;
    const qc_ep_variant *variants;
    size_t n_variants;
} qc_ep_legacy_entry;

typedef struct qc_ep_legacy_partition {
    const char *id;
    const char *dns_suffix;
    const char *regex;   /* POSIX ERE */
    const char *const *regions;
    size_t n_regions;
    uint8_t no_dualstack; /* skipped for dualstack, as botocore does */
    qc_ep_legacy_entry defaults;
    qc_ep_legacy_entry service_defaults;
    const char *partition_endpoint; /* NULL = absent */
    uint8_t is_regionalized;
    const qc_ep_legacy_entry *endpoints;
    size_t n_endpoints;
} qc_ep_legacy_partition;

typedef struct qc_ep_ruleset {
    const char *botocore_version;
    const char *service;         /* endpoint prefix, e.g. "wisdom" */
    const qc_ep_param *params;   /* variables 0..n_params-1 */
    size_t n_params;
    const char *const *var_names; /* all variables (params, then assigns) */
    size_t n_vars;
    size_t max_depth;            /* deepest rule nesting */
    const qc_ep_expr *exprs;
    const uint16_t *conds;
    const qc_ep_tpl_part *tpl;
    const qc_ep_rule *rules;
    size_t n_top_rules;          /* rules[0..n_top_rules) */
    const qc_ep_partition *partitions;
    size_t n_partitions;
    const qc_ep_legacy_partition *legacy;
    size_t n_legacy;
} qc_ep_ruleset;

extern const qc_ep_ruleset qc_endpoints_qconnect;

#endif /* QC_ENDPOINT_H */
