#!/usr/bin/env python3
"""Compiles botocore's endpoint data for qconnect into static C tables.

Inputs (from the installed botocore's data directory):
  qconnect/<api>/endpoint-rule-set-1.json.gz   the endpoint rule set
  partitions.json                              partitions for aws.partition
  endpoints.json                               the legacy resolver's data
                                               (client.meta.endpoint_url)
Output:
  csrc/endpoints_qconnect.c   (table types in csrc/endpoint.h; evaluated by
                              csrc/endpoint.c)

The generator refuses anything csrc/endpoint.c cannot evaluate exactly as
botocore does (unknown functions, builtIns, regex syntax, endpoint
properties/headers...), so a regenerated rule set either works or fails here.

Usage: gen_endpoints.py [--out-dir DIR]   (DIR defaults to the repository root)
"""

import argparse
import gzip
import json
import os
import re
import string
import sys

import botocore
from botocore.endpoint_provider import TEMPLATE_STRING_RE
from botocore.regions import EndpointResolver

SERVICE = "qconnect"
API_VERSION = "2020-10-19"
OUT_REL = os.path.join("csrc", "endpoints_qconnect.c")

FUNCTIONS = {
    "isSet": ("QC_EP_FN_IS_SET", 1),
    "not": ("QC_EP_FN_NOT", 1),
    "booleanEquals": ("QC_EP_FN_BOOLEAN_EQUALS", 2),
    "stringEquals": ("QC_EP_FN_STRING_EQUALS", 2),
    "getAttr": ("QC_EP_FN_GET_ATTR", 2),
    "aws.partition": ("QC_EP_FN_AWS_PARTITION", 1),
}

BUILTINS = {
    "AWS::Region": ("QC_EP_BUILTIN_REGION", "string"),
    "AWS::UseFIPS": ("QC_EP_BUILTIN_USE_FIPS", "boolean"),
    "AWS::UseDualStack": ("QC_EP_BUILTIN_USE_DUALSTACK", "boolean"),
    "SDK::Endpoint": ("QC_EP_BUILTIN_ENDPOINT", "string"),
}

TAGS = {"dualstack": "QC_EP_TAG_DUALSTACK", "fips": "QC_EP_TAG_FIPS"}

# Python's \w and \d restricted to ASCII, spelled out so that the POSIX
# pattern does not depend on the locale's collation of ranges.
ERE_WORD = "[ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_]"
ERE_DIGIT = "[0123456789]"


def fail(msg):
    """Stops the generator with msg (the data is outside what endpoint.c
    evaluates)."""
    sys.stderr.write("gen_endpoints.py: %s\n" % msg)
    sys.exit(1)


def data_dir():
    """Returns botocore's bundled data directory."""
    return os.path.join(os.path.dirname(botocore.__file__), "data")


def load_json(path):
    """Returns the parsed JSON at path (plain or .gz)."""
    if os.path.exists(path):
        with open(path, "rb") as f:
            return json.loads(f.read().decode("utf-8"))
    with gzip.open(path + ".gz", "rb") as f:
        return json.loads(f.read().decode("utf-8"))


def c_str(s):
    """Returns s as a C string literal (NULL for None)."""
    if s is None:
        return "NULL"
    out = ['"']
    for ch in s.encode("utf-8"):
        c = chr(ch)
        if c == "\\":
            out.append("\\\\")
        elif c == '"':
            out.append('\\"')
        elif c == "?":
            out.append("\\?")  # no trigraphs
        elif 0x20 <= ch < 0x7F:
            out.append(c)
        else:
            out.append("\\%03o" % ch)
    out.append('"')
    return "".join(out)


def regex_to_ere(rx):
    """Returns the Python regionRegex rx as an equivalent POSIX ERE (for
    re.match on ASCII text; the final "$" is handled by endpoint.c)."""
    if not (rx.startswith("^") and rx.endswith("$") and not rx.endswith("\\$")):
        fail("regionRegex %r is not anchored with ^...$" % rx)
    body = rx[1:-1]
    out = []
    i = 0
    depth = 0
    while i < len(body):
        c = body[i]
        if c == "\\":
            if i + 1 >= len(body):
                fail("regionRegex %r ends with a backslash" % rx)
            n = body[i + 1]
            i += 2
            if n == "w":
                out.append(ERE_WORD)
            elif n == "d":
                out.append(ERE_DIGIT)
            elif n == "-":
                out.append("-")
            elif n == ".":
                out.append("\\.")
            else:
                fail("regionRegex %r: escape \\%s not supported" % (rx, n))
            continue
        if c.isascii() and (c.isalnum() or c in "-_"):
            out.append(c)
        elif c == "(":
            if body[i + 1:i + 2] in ("?", ")"):
                fail("regionRegex %r: group syntax not supported" % rx)
            depth += 1
            out.append(c)
        elif c == ")":
            depth -= 1
            out.append(c)
        elif c in "|+*?":
            if c in "+*?" and body[i + 1:i + 2] in ("?", "+"):
                fail("regionRegex %r: lazy/possessive quantifier" % rx)
            out.append(c)
        else:
            fail("regionRegex %r: %r not supported" % (rx, c))
        i += 1
    if depth != 0:
        fail("regionRegex %r: unbalanced parentheses" % rx)
    ere = "^" + "".join(out) + "$"
    # Self-check on a few strings: the ERE, read back as a Python pattern,
    # must agree with rx (the ERE subset used here means the same in both).
    back = re.compile(ere)
    for probe in ("us-east-1", "cn-north-1", "us-gov-west-1", "eusc-de-east-1",
                  "us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1",
                  "us-isof-south-1", "xx-foo-1", "", "us_x-a_b-12", "us-east"):
        if bool(back.match(probe)) != bool(re.match(rx, probe)):
            fail("regionRegex %r: translation %r disagrees on %r" % (rx, ere, probe))
    return ere


class Gen:
    """Collects the table rows while walking the rule set."""

    def __init__(self, ruleset, partitions, endpoints, prefix):
        self.ruleset = ruleset
        self.partitions = partitions
        self.endpoints = endpoints
        self.prefix = prefix
        self.params = []      # (name, spec)
        self.var_names = []
        self.var_types = {}   # name -> "string" | "boolean" | "partition"
        self.exprs = []       # C initialisers
        self.conds = []
        self.tpl = []
        self.rules = []
        self.max_depth = 0
        self.output_keys = None

    # ------------------------------------------------------------ variables
    def var(self, name):
        """Returns the slot of variable name."""
        if name not in self.var_names:
            fail("reference to unknown variable %r" % name)
        return self.var_names.index(name)

    def collect_params(self):
        """Fills params/var_names from the rule set's parameters."""
        for name, spec in self.ruleset["parameters"].items():
            allowed = {"builtIn", "required", "default", "documentation",
                       "type", "deprecated"}
            extra = set(spec) - allowed
            if extra:
                fail("parameter %s: unsupported keys %s" % (name, sorted(extra)))
            ptype = spec["type"].lower()
            if ptype not in ("string", "boolean"):
                fail("parameter %s: type %s not supported" % (name, spec["type"]))
            builtin = spec.get("builtIn")
            if builtin is not None:
                if builtin not in BUILTINS:
                    fail("parameter %s: builtIn %s not supported" % (name, builtin))
                if BUILTINS[builtin][1] != ptype:
                    fail("parameter %s: builtIn %s has type %s" % (name, builtin, ptype))
            default = spec.get("default")
            if default is not None:
                want = bool if ptype == "boolean" else str
                if not isinstance(default, want):
                    fail("parameter %s: default %r of the wrong type" % (name, default))
            self.params.append((name, spec))
            self.var_names.append(name)
            self.var_types[name] = ptype

    def collect_assigns(self, rules, seen):
        """Adds every "assign" name of rules (recursively) as a variable;
        refuses re-assignment along one path (botocore raises)."""
        for rule in rules:
            here = set(seen)
            for cond in rule.get("conditions", []):
                name = cond.get("assign")
                if name is None:
                    continue
                if name in here or name in self.ruleset["parameters"]:
                    fail("assignment %s would overwrite a variable" % name)
                here.add(name)
                fn = cond.get("fn")
                kind = "partition" if fn == "aws.partition" else "any"
                if name in self.var_types and self.var_types[name] != kind:
                    fail("variable %s assigned values of different kinds" % name)
                if name not in self.var_names:
                    self.var_names.append(name)
                self.var_types[name] = kind
            if rule["type"] == "tree":
                self.collect_assigns(rule["rules"], here)

    # ---------------------------------------------------------- expressions
    def reserve(self, n):
        """Reserves n consecutive expression rows; returns the first."""
        first = len(self.exprs)
        self.exprs.extend([None] * n)
        return first

    def expr(self, value):
        """Returns the row of a new expression for value."""
        row = self.reserve(1)
        self.place(value, row)
        return row

    def place(self, value, row):
        """Fills the reserved row with value (a call's arguments go into one
        block of consecutive rows reserved after it)."""
        if isinstance(value, bool):
            init = "{QC_EP_X_BOOL, 0, %d, -1, 0, 0, NULL}" % int(value)
        elif isinstance(value, str):
            if TEMPLATE_STRING_RE.search(value) is not None:
                first, count = self.template(value)
                init = "{QC_EP_X_TEMPLATE, 0, 0, -1, %d, %d, NULL}" % (first, count)
            else:
                init = "{QC_EP_X_STRING, 0, 0, -1, 0, 0, %s}" % c_str(value)
        elif isinstance(value, dict) and "fn" in value:
            init = self.call(value)
        elif isinstance(value, dict) and "ref" in value:
            if set(value) != {"ref"}:
                fail("reference %r has extra keys" % (value,))
            init = "{QC_EP_X_REF, 0, 0, %d, 0, 0, NULL}" % self.var(value["ref"])
        else:
            fail("value %r not supported" % (value,))
        self.exprs[row] = init

    def template(self, s):
        """Appends the parts of template string s; returns (first, count)."""
        parts = []
        for literal, field, _spec, _conv in string.Formatter().parse(s):
            if field is None:
                parts.append((literal, -1, None))
                continue
            names = field.split("#")
            if len(names) > 2:
                fail("template %r: nested references not supported" % s)
            slot = self.var(names[0])
            attr = names[1] if len(names) == 2 else None
            vtype = self.var_types[names[0]]
            if attr is not None:
                if vtype != "partition":
                    fail("template %r: %s has no attributes" % (s, names[0]))
                if attr not in self.output_keys:
                    fail("template %r: partitions have no %s" % (s, attr))
            elif vtype not in ("string", "boolean"):
                fail("template %r: %s cannot be formatted" % (s, names[0]))
            parts.append((literal, slot, attr))
        first = len(self.tpl)
        self.tpl.extend(parts)
        return first, len(parts)

    def call(self, fn):
        """Returns the initialiser of a CALL row for function object fn."""
        extra = set(fn) - {"fn", "argv", "assign"}
        if extra:
            fail("function %r: unsupported keys %s" % (fn.get("fn"), sorted(extra)))
        name = fn["fn"]
        if name not in FUNCTIONS:
            fail("function %s is not implemented in csrc/endpoint.c" % name)
        enum, arity = FUNCTIONS[name]
        argv = fn["argv"]
        if len(argv) != arity:
            fail("function %s takes %d arguments, not %d" % (name, arity, len(argv)))
        if name == "getAttr":
            target, path = argv
            if not (isinstance(target, dict) and set(target) == {"ref"}
                    and self.var_types.get(target["ref"]) == "partition"):
                fail("getAttr is supported on aws.partition results only")
            if not isinstance(path, str) or path not in self.output_keys:
                fail("getAttr path %r is not a partition output" % (path,))
        first = self.reserve(len(argv))
        for i, arg in enumerate(argv):
            self.place(arg, first + i)
        assign = fn.get("assign")
        slot = self.var(assign) if assign is not None else -1
        return "{QC_EP_X_CALL, %s, 0, %d, %d, %d, NULL}" % (enum, slot, first, len(argv))

    # ---------------------------------------------------------------- rules
    def rule_rows(self, rules, depth):
        """Lays rules out contiguously (children after all siblings);
        returns the index of the first."""
        self.max_depth = max(self.max_depth, depth)
        first = len(self.rules)
        for _ in rules:
            self.rules.append(None)
        for i, rule in enumerate(rules):
            rtype = rule["type"]
            allowed = {"type", "conditions", "documentation"}
            allowed |= {"tree": {"rules"}, "endpoint": {"endpoint"},
                        "error": {"error"}}.get(rtype, set())
            extra = set(rule) - allowed
            if extra:
                fail("rule with unsupported keys %s" % sorted(extra))
            conds = []
            for cond in rule.get("conditions", []):
                if not (isinstance(cond, dict) and "fn" in cond):
                    fail("condition %r is not a function" % (cond,))
                conds.append(self.expr(cond))
            cond_first = len(self.conds)
            self.conds.extend(conds)
            child_first = child_count = value = 0
            if rtype == "tree":
                child_first = self.rule_rows(rule["rules"], depth + 1)
                child_count = len(rule["rules"])
                enum = "QC_EP_RULE_TREE"
            elif rtype == "endpoint":
                ep = rule["endpoint"]
                extra = set(ep) - {"url", "properties", "headers"}
                if extra:
                    fail("endpoint with unsupported keys %s" % sorted(extra))
                if ep.get("properties") or ep.get("headers"):
                    fail("endpoint properties/headers are not supported")
                value = self.expr(ep["url"])
                enum = "QC_EP_RULE_ENDPOINT"
            elif rtype == "error":
                value = self.expr(rule["error"])
                enum = "QC_EP_RULE_ERROR"
            else:
                fail("unknown rule type %r" % rtype)
            self.rules[first + i] = ("{%s, %d, %d, %d, %d, %d}"
                                     % (enum, cond_first, len(conds), child_first,
                                        child_count, value))
        return first


def collect_partitions(gen):
    """Returns the ruleset partitions as (id, ere, regions, outputs) and sets
    gen.output_keys (the outputs every partition has)."""
    result = []
    keys = None
    for part in gen.partitions["partitions"]:
        extra = set(part) - {"id", "outputs", "regionRegex", "regions"}
        if extra:
            fail("partition %s: unsupported keys %s" % (part["id"], sorted(extra)))
        # botocore's aws.partition matches a region against the names of
        # "regions" (and regionRegex) but never reads the per-region
        # entries, so neither do the tables.
        outputs = dict(part["outputs"])
        outputs["name"] = part["id"]  # format_partition_output
        for k, v in outputs.items():
            if not isinstance(v, (str, bool)):
                fail("partition %s: output %s=%r not a string/bool" % (part["id"], k, v))
        keys = set(outputs) if keys is None else keys & set(outputs)
        result.append((part["id"], regex_to_ere(part["regionRegex"]),
                       list(part["regions"]), outputs))
    if not result:
        fail("no partitions")
    gen.output_keys = keys
    return result


LEGACY_ENTRY_KEYS = {"hostname", "dnsSuffix", "credentialScope", "protocols",
                     "variants", "deprecated", "signatureVersions",
                     "sslCommonName"}


def check_host_template(t, where):
    """Refuses hostname templates other than {service}/{region}/{dnsSuffix}."""
    if "{{" in t or "}}" in t:
        fail("%s: escaped braces in %r" % (where, t))
    for _lit, field, spec, conv in string.Formatter().parse(t):
        if field is None:
            continue
        if field not in ("service", "region", "dnsSuffix") or spec or conv:
            fail("%s: placeholder {%s} in %r not supported" % (where, field, t))


def legacy_entry(name, data, where):
    """Returns the pieces of one endpoints.json entry / defaults block."""
    extra = set(data) - LEGACY_ENTRY_KEYS
    if extra:
        fail("%s: unsupported keys %s" % (where, sorted(extra)))
    if "hostname" in data:
        check_host_template(data["hostname"], where)
    scope = data.get("credentialScope")
    if scope is not None and set(scope) - {"region", "service"}:
        fail("%s: credentialScope keys %s" % (where, sorted(scope)))
    variants = []
    for var in data.get("variants", []):
        if set(var) - {"tags", "hostname", "dnsSuffix"}:
            fail("%s: variant keys %s" % (where, sorted(var)))
        tags = var["tags"]
        if not tags or set(tags) - set(TAGS):
            fail("%s: variant tags %r" % (where, tags))
        if "hostname" in var:
            check_host_template(var["hostname"], where)
        variants.append((sorted(set(tags)), var.get("hostname"), var.get("dnsSuffix")))
    protocols = data.get("protocols")
    return {
        "name": name,
        "hostname": data.get("hostname"),
        "dnsSuffix": data.get("dnsSuffix"),
        "scope": scope,
        "protocols": protocols,
        "variants": variants,
    }


def collect_legacy(gen):
    """Returns the endpoints.json partitions, reduced to gen.prefix."""
    result = []
    unsupported = set(EndpointResolver._UNSUPPORTED_DUALSTACK_PARTITIONS)
    for part in gen.endpoints["partitions"]:
        pid = part["partition"]
        defaults = legacy_entry(None, part.get("defaults", {}), pid + " defaults")
        if defaults["hostname"] is None:
            fail("%s: defaults without a hostname" % pid)
        svc = part["services"].get(gen.prefix, {"endpoints": {}})
        extra = set(svc) - {"endpoints", "defaults", "partitionEndpoint",
                            "isRegionalized"}
        if extra:
            fail("%s/%s: unsupported keys %s" % (pid, gen.prefix, sorted(extra)))
        regex = part.get("regionRegex")
        result.append({
            "id": pid,
            "dnsSuffix": part["dnsSuffix"],
            "regex": regex_to_ere(regex) if regex is not None else None,
            "regions": list(part["regions"]),
            "no_dualstack": pid in unsupported,
            "defaults": defaults,
            "service_defaults": legacy_entry(None, svc.get("defaults", {}),
                                             pid + " service defaults"),
            "partitionEndpoint": svc.get("partitionEndpoint"),
            "isRegionalized": bool(svc.get("isRegionalized", True)),
            "endpoints": [legacy_entry(n, d, "%s/%s/%s" % (pid, gen.prefix, n))
                          for n, d in svc["endpoints"].items()],
        })
    if not any(p["id"] == "aws" for p in result):
        fail("endpoints.json has no aws partition (the fallback)")
    return result


def build_tables(gen):
    """Walks the rule set into gen's tables."""
    if gen.ruleset.get("version") != "1.0":
        fail("rule set version %r" % gen.ruleset.get("version"))
    gen.collect_params()
    gen.collect_assigns(gen.ruleset["rules"], set())
    gen.rule_rows(gen.ruleset["rules"], 1)


def str_array(out, name, items):
    """Emits a static array of C strings; returns its name (or NULL)."""
    if not items:
        return "NULL"
    out.append("static const char *const %s[] = {" % name)
    for it in items:
        out.append("    %s," % c_str(it))
    out.append("};")
    return name


def emit_entry(out, name, e):
    """Emits the arrays of legacy entry e; returns its initialiser."""
    protocols = "NULL"
    n_protocols = -1
    if e["protocols"] is not None:
        n_protocols = len(e["protocols"])
        protocols = str_array(out, name + "_protocols", e["protocols"])
    variants = "NULL"
    if e["variants"]:
        variants = name + "_variants"
        out.append("static const qc_ep_variant %s[] = {" % variants)
        for tags, host, dns in e["variants"]:
            out.append("    {%s, %s, %s}," % (" | ".join(TAGS[t] for t in tags),
                                            c_str(host), c_str(dns)))
        out.append("};")
    scope = e["scope"]
    return "{%s, %s, %s, %d, %s, %s, %d, %s, %s, %d}" % (
        c_str(e["name"]), c_str(e["hostname"]), c_str(e["dnsSuffix"]),
        int(scope is not None), c_str(scope.get("region") if scope else None),
        c_str(scope.get("service") if scope else None), n_protocols, protocols,
        variants, len(e["variants"]))


def generate():
    """Returns the text of csrc/endpoints_qconnect.c."""
    ddir = data_dir()
    ruleset = load_json(os.path.join(ddir, SERVICE, API_VERSION,
                                     "endpoint-rule-set-1.json"))
    partitions = load_json(os.path.join(ddir, "partitions.json"))
    endpoints = load_json(os.path.join(ddir, "endpoints.json"))
    model = load_json(os.path.join(ddir, SERVICE, API_VERSION, "service-2.json"))
    prefix = model["metadata"]["endpointPrefix"]

    gen = Gen(ruleset, partitions, endpoints, prefix)
    parts = collect_partitions(gen)
    build_tables(gen)
    legacy = collect_legacy(gen)
    for what, n, limit in (("expressions", len(gen.exprs), 0xFFFF),
                           ("conditions", len(gen.conds), 0xFFFF),
                           ("template parts", len(gen.tpl), 0xFFFF),
                           ("rules", len(gen.rules), 0xFFFF),
                           ("variables", len(gen.var_names), 0x7FFF)):
        if n > limit:
            fail("%d %s do not fit the table indices" % (n, what))

    out = []
    out.append("/* Generated by tools/gen_endpoints.py from botocore %s \u2014 do not edit. */"
               % botocore.__version__)
    out.append("/* Sources: data/%s/%s/endpoint-rule-set-1.json.gz, data/partitions.json,"
               % (SERVICE, API_VERSION))
    out.append(" * data/endpoints.json (service \"%s\"). Evaluated by endpoint.c. */" % prefix)
    out.append("#include \"endpoint.h\"")
    out.append("")

    out.append("static const qc_ep_param s_params[] = {")
    for name, spec in gen.params:
        builtin = BUILTINS[spec["builtIn"]][0] if "builtIn" in spec else "QC_EP_BUILTIN_NONE"
        ptype = "QC_EP_T_BOOL" if spec["type"].lower() == "boolean" else "QC_EP_T_STRING"
        default = spec.get("default")
        if default is None:
            dtype, dbool, dstr = "QC_EP_T_NONE", 0, None
        elif isinstance(default, bool):
            dtype, dbool, dstr = "QC_EP_T_BOOL", int(default), None
        else:
            dtype, dbool, dstr = "QC_EP_T_STRING", 0, default
        out.append("    {%s, %s, %s, %d, %s, %d, %s}," % (
            c_str(name), ptype, builtin, int(bool(spec.get("required"))), dtype,
            dbool, c_str(dstr)))
    out.append("};")
    str_array(out, "s_var_names", gen.var_names)
    out.append("")

    out.append("static const qc_ep_expr s_exprs[] = {")
    for i, e in enumerate(gen.exprs):
        out.append("    /* %d */ %s," % (i, e))
    out.append("};")
    out.append("static const uint16_t s_conds[] = {")
    for i in range(0, len(gen.conds), 12):
        out.append("    " + ", ".join(str(c) for c in gen.conds[i:i + 12]) + ",")
    out.append("};")
    out.append("static const qc_ep_tpl_part s_tpl[] = {")
    for lit, slot, attr in gen.tpl:
        out.append("    {%s, %d, %s}," % (c_str(lit), slot, c_str(attr)))
    out.append("};")
    out.append("static const qc_ep_rule s_rules[] = {")
    for i, r in enumerate(gen.rules):
        out.append("    /* %d */ %s," % (i, r))
    out.append("};")
    out.append("")

    pinits = []
    for i, (pid, ere, regions, outputs) in enumerate(parts):
        rname = str_array(out, "s_p%d_regions" % i, regions)
        out.append("static const qc_ep_output s_p%d_outputs[] = {" % i)
        for k, v in outputs.items():
            if isinstance(v, bool):
                out.append("    {%s, QC_EP_T_BOOL, %d, NULL}," % (c_str(k), int(v)))
            else:
                out.append("    {%s, QC_EP_T_STRING, 0, %s}," % (c_str(k), c_str(v)))
        out.append("};")
        pinits.append("    {%s, %s, %s, %d, s_p%d_outputs, %d}," % (
            c_str(pid), c_str(ere), rname, len(regions), i, len(outputs)))
    out.append("static const qc_ep_partition s_partitions[] = {")
    out.extend(pinits)
    out.append("};")
    out.append("")

    linits = []
    for i, lp in enumerate(legacy):
        base = "s_l%d" % i
        rname = str_array(out, base + "_regions", lp["regions"])
        dinit = emit_entry(out, base + "_defaults", lp["defaults"])
        sinit = emit_entry(out, base + "_svc", lp["service_defaults"])
        einits = [emit_entry(out, "%s_e%d" % (base, j), e)
                  for j, e in enumerate(lp["endpoints"])]
        ename = "NULL"
        if einits:
            ename = base + "_endpoints"
            out.append("static const qc_ep_legacy_entry %s[] = {" % ename)
            for e in einits:
                out.append("    %s," % e)
            out.append("};")
        linits.append("    {%s, %s, %s, %s, %d, %d,\n     %s,\n     %s,\n     %s, %d, %s, %d}," % (
            c_str(lp["id"]), c_str(lp["dnsSuffix"]), c_str(lp["regex"]), rname,
            len(lp["regions"]), int(lp["no_dualstack"]), dinit, sinit,
            c_str(lp["partitionEndpoint"]), int(lp["isRegionalized"]), ename,
            len(einits)))
    out.append("static const qc_ep_legacy_partition s_legacy[] = {")
    out.extend(linits)
    out.append("};")
    out.append("")

    out.append("const qc_ep_ruleset qc_endpoints_qconnect = {")
    out.append("    %s, %s," % (c_str(botocore.__version__), c_str(prefix)))
    out.append("    s_params, %d, s_var_names, %d, %d," % (
        len(gen.params), len(gen.var_names), gen.max_depth))
    out.append("    s_exprs, s_conds, s_tpl, s_rules, %d," % len(gen.ruleset["rules"]))
    out.append("    s_partitions, %d, s_legacy, %d," % (len(parts), len(legacy)))
    out.append("};")
    return "\n".join(out) + "\n"


def main():
    """Writes csrc/endpoints_qconnect.c under --out-dir."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out-dir", default=os.path.join(os.path.dirname(
        os.path.abspath(__file__)), os.pardir))
    args = ap.parse_args()
    text = generate()
    out = os.path.join(args.out_dir, OUT_REL)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


if __name__ == "__main__":
    main()
