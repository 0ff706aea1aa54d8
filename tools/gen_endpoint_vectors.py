#!/usr/bin/env python3
"""Records botocore's endpoint behaviour for qconnect, run live.

Writes tests/vectors/endpoints.json with three lists:
  "region_names": utils.validate_region_name's verdict and
             ClientCreator._normalize_fips_region's rewrite per name.
  "ruleset": botocore's EndpointProvider (the rule set and partitions.json)
             called as EndpointRulesetResolver calls it, for a matrix of
             Region x UseFIPS x UseDualStack x Endpoint; each case holds the
             URL or the EndpointResolutionError text.
  "client":  botocore.session.Session().create_client("qconnect", ...) for
             a matrix of region_name x use_fips_endpoint x
             use_dualstack_endpoint x endpoint_url (x use_ssl); each case
             holds the creation error (class, message) or client.meta's
             endpoint_url / region_name, the signer's region and name,
             meta.config.use_fips_endpoint, and the URL the rule set gives a
             call (or the error it raises).
tests/c/test_endpoint.c checks csrc/endpoint.c against every case;
tests/test_endpoint_vectors.py regenerates this in memory and compares.

The environment is isolated while recording (no AWS_* variables, no config
files), so the result depends on botocore alone.

Usage: gen_endpoint_vectors.py [--out PATH | --stdout]
"""

import argparse
import contextlib
import gzip
import json
import logging
import os
import sys

import botocore
import botocore.session
from botocore.config import Config
from botocore.endpoint_provider import EndpointProvider

SERVICE = "qconnect"
API_VERSION = "2020-10-19"
OPERATION = "ListAssistants"
OUT_REL = os.path.join("tests", "vectors", "endpoints.json")

REGIONS_KNOWN = [
    "us-east-1", "eu-west-2", "cn-north-1", "cn-northwest-1", "us-gov-west-1",
    "us-gov-east-1", "us-iso-east-1", "us-iso-west-1", "us-isob-east-1",
    "eu-isoe-west-1", "us-isof-south-1", "us-isof-east-1", "eusc-de-east-1",
    "ca-central-1", "ap-southeast-7", "mx-central-1", "il-central-1",
]
REGIONS_UNKNOWN = [
    "xx-foo-1", "mars-east-1", "us-west-99", "cn-south-9", "eusc-de-west-2",
    "eusc-fr-east-1", "us-gov-north-7", "us-iso-north-3", "us-isob-south-2",
    "eu-isoe-south-2", "us-isof-west-4", "cn-north-1a", "cn--1",
]
REGIONS_ODD = [
    "aws-global", "aws-cn-global", "aws-us-gov-global", "aws-iso-global",
    "aws-iso-b-global", "aws-iso-e-global", "aws-iso-f-global",
    "fips-us-east-1", "us-east-1-fips", "us-fips-east-1", "fips-aws-global",
    "fips-cn-north-1", "us-isob-east-1-fips", "fips-xx-foo-1", "fips",
    "fips-fips", "fips--fips", "ui-us-east-1", "US-EAST-1", "Us-East-1",
    "us_east_1", "us-e_st-1", "", "us-east-1\n", "cn-north-1\n",
    "us-east-1\n\n", "-us-east-1", "us-east-1-", "123", "123\n", "a",
    "x" * 63, "x" * 64, "us-east-1.", "us east 1", "eu-west-1/x",
]
# Only through a client (rejected there before the rule set sees them).
REGIONS_CLIENT_ONLY = ["us-\u00e9ast-1"]

ENDPOINTS = [None, "https://example.com", "http://127.0.0.1:8080/path"]


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


@contextlib.contextmanager
def isolated_env():
    """Runs the body without AWS_* variables or config files, restoring
    os.environ afterwards."""
    saved = dict(os.environ)
    try:
        for k in list(os.environ):
            if k.startswith("AWS_") or k.startswith("BOTO"):
                del os.environ[k]
        os.environ["AWS_CONFIG_FILE"] = os.devnull
        os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
        os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def ruleset_cases():
    """Returns the "ruleset" list, resolved by botocore's EndpointProvider."""
    ddir = data_dir()
    provider = EndpointProvider(
        ruleset_data=load_json(os.path.join(ddir, SERVICE, API_VERSION,
                                            "endpoint-rule-set-1.json")),
        partition_data=load_json(os.path.join(ddir, "partitions.json")),
    )
    cases = []
    regions = [None] + REGIONS_KNOWN + REGIONS_UNKNOWN + REGIONS_ODD
    for region in regions:
        for fips in (False, True):
            for dualstack in (False, True):
                for endpoint in ENDPOINTS:
                    # EndpointRulesetResolver passes only non-None values, in
                    # the rule set's parameter order.
                    params = {}
                    if region is not None:
                        params["Region"] = region
                    params["UseDualStack"] = dualstack
                    params["UseFIPS"] = fips
                    if endpoint is not None:
                        params["Endpoint"] = endpoint
                    case = {"region": region, "use_fips": fips,
                            "use_dualstack": dualstack, "endpoint": endpoint}
                    try:
                        case["url"] = provider.resolve_endpoint(**params).url
                    except botocore.exceptions.EndpointResolutionError as e:
                        case["error"] = str(e)
                    cases.append(case)
    return cases


def describe(exc):
    """Returns {"class", "module", "message"} for exception exc."""
    return {"class": type(exc).__name__, "module": type(exc).__module__,
            "message": str(exc)}


def client_case(session, region, fips, dualstack, endpoint, use_ssl):
    """Returns one "client" case: botocore's client creation and the URL
    its rule-set resolver gives ListAssistants."""
    case = {"region": region, "use_fips_endpoint": fips,
            "use_dualstack_endpoint": dualstack, "endpoint_url": endpoint,
            "use_ssl": use_ssl}
    config = Config(use_fips_endpoint=fips, use_dualstack_endpoint=dualstack)
    try:
        client = session.create_client(SERVICE, region_name=region,
                                       endpoint_url=endpoint, use_ssl=use_ssl,
                                       config=config)
    except Exception as e:  # recorded, whatever botocore raises
        case["error"] = describe(e)
        return case
    case["meta_endpoint_url"] = client.meta.endpoint_url
    case["meta_region_name"] = client.meta.region_name
    case["config_use_fips_endpoint"] = client.meta.config.use_fips_endpoint
    case["signing_region"] = client._request_signer._region_name
    case["signing_name"] = client._request_signer._signing_name
    op = client.meta.service_model.operation_model(OPERATION)
    try:
        case["url"] = client._resolve_endpoint_ruleset(op, {}, {})[0]
    except Exception as e:
        case["url_error"] = describe(e)
    return case


def client_cases():
    """Returns the "client" list."""
    cases = []
    regions = ([None] + REGIONS_KNOWN + REGIONS_UNKNOWN + REGIONS_ODD
               + REGIONS_CLIENT_ONLY)
    logging.getLogger("botocore").setLevel(logging.ERROR)
    with isolated_env():
        session = botocore.session.Session()
        session.set_credentials("AKIDEXAMPLE", "SECRET")

        def add(region, fips, dualstack, endpoint, use_ssl=True):
            cases.append(client_case(session, region, fips, dualstack,
                                     endpoint, use_ssl))

        for region in regions:
            for fips in (None, True):
                for dualstack in (None, True):
                    for endpoint in ENDPOINTS:
                        add(region, fips, dualstack, endpoint)
        # An explicit False (meta.config keeps it unless a FIPS region
        # overrides it), an empty endpoint_url, and use_ssl=False.
        for region in (None, "us-east-1", "fips-us-east-1", "us-east-1-fips",
                       "eu-isoe-west-1", "us-iso-east-1", ""):
            for dualstack in (False, True):
                for endpoint in (None, "", "https://example.com"):
                    add(region, False, dualstack, endpoint)
        for region in ("us-east-1", "us-iso-east-1", "fips-us-east-1", ""):
            for endpoint in (None, "https://example.com"):
                add(region, None, None, endpoint, use_ssl=False)
    return cases


REGION_NAME_PROBES = [
    "\n", "a\n", "a\n\n", "1", "1a", "a1", "12\n", "-", "a-", "-a", "a-b",
    "a--b", "x" * 62 + "\n", "x" * 63 + "\n", "x" * 64 + "\n", "a b", "a.b",
    "a_b", "\ta", "a\r", "fips-", "-fips", "fips-fips-us-east-1",
    "us-east-1-fips-fips", "us-fipsfips-east-1", "fipsfips", "FIPS-us-east-1",
    "fips-1", "ffips-fips-x", "\u0131", "us-\u00e9ast-1",
]


def region_name_cases():
    """Returns the "region_names" list: validate_region_name's verdict and
    ClientCreator._normalize_fips_region's rewrite for odd names."""
    from botocore.client import ClientCreator
    from botocore.exceptions import InvalidRegionError
    from botocore.utils import validate_region_name
    cases = []
    names = (REGIONS_KNOWN + REGIONS_UNKNOWN + REGIONS_ODD + REGIONS_CLIENT_ONLY
             + REGION_NAME_PROBES)
    logging.getLogger("botocore").setLevel(logging.ERROR)
    for name in names:
        try:
            validate_region_name(name)
            valid = True
        except InvalidRegionError:
            valid = False
        # The method reads nothing from self.
        normalized, config = ClientCreator._normalize_fips_region(None, name, None)
        cases.append({"region": name, "valid": valid, "normalized": normalized,
                      "use_fips": bool(config and config.use_fips_endpoint)})
    return cases


def build():
    """Returns the whole vector document."""
    return {
        "botocore_version": botocore.__version__,
        "service": SERVICE,
        "operation": OPERATION,
        "region_names": region_name_cases(),
        "ruleset": ruleset_cases(),
        "client": client_cases(),
    }


def dumps(doc):
    """Returns doc as the committed file's text (one case per line)."""
    lines = ["{"]
    keys = list(doc)
    for i, key in enumerate(keys):
        comma = "," if i + 1 < len(keys) else ""
        value = doc[key]
        if isinstance(value, list):
            lines.append(" %s: [" % json.dumps(key))
            for j, case in enumerate(value):
                sep = "," if j + 1 < len(value) else ""
                lines.append("  %s%s" % (json.dumps(case, ensure_ascii=True), sep))
            lines.append(" ]%s" % comma)
        else:
            lines.append(" %s: %s%s" % (json.dumps(key), json.dumps(value), comma))
    lines.append("}")
    return "\n".join(lines) + "\n"


def main():
    """Writes the vectors (or prints them with --stdout)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(os.path.dirname(
        os.path.abspath(__file__)), os.pardir, OUT_REL))
    ap.add_argument("--stdout", action="store_true")
    args = ap.parse_args()
    text = dumps(build())
    if args.stdout:
        sys.stdout.write(text)
        return
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


if __name__ == "__main__":
    main()
