"""Credentials, region and client settings against boto3/botocore, live.

Each scenario sets environment variables and writes config/credentials
files under a temporary HOME, then asks boto3 and qconnect_c the same
question and compares the answers (values, or exception class and text).
"""

import os
import pickle
import socket
import textwrap

import pytest

import boto3
from botocore.regions import EndpointResolverBuiltins  # noqa: E402
from botocore.config import Config as BotoConfig  # noqa: E402
import botocore  # noqa: E402

from qconnect_c import config as qcc  # noqa: E402
from qconnect_c import credentials as qcred  # noqa: E402
from qconnect_c import exceptions as qce  # noqa: E402


# --------------------------------------------------------------------------
# Harness


class Env:
    def __init__(self, monkeypatch, tmp_path):
        self.mp = monkeypatch
        self.tmp = tmp_path
        self.home = tmp_path / "home"
        (self.home / ".aws").mkdir(parents=True)

    def set(self, **values):
        for key, value in values.items():
            if value is None:
                self.mp.delenv(key, raising=False)
            else:
                self.mp.setenv(key, value)

    def write(self, name, text):
        """Write a file; bare names go to ~/.aws/, others under tmp."""
        if name in ("config", "credentials"):
            path = self.home / ".aws" / name
        else:
            path = self.tmp / name
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
        return str(path)


@pytest.fixture
def env(monkeypatch, tmp_path):
    for key in list(os.environ):
        if (
            key.startswith("AWS_")
            or key.startswith("BOTO")
            or key in ("REQUESTS_CA_BUNDLE",)
            or key.lower().endswith("_proxy")
        ):
            monkeypatch.delenv(key)
    e = Env(monkeypatch, tmp_path)
    monkeypatch.setenv("HOME", str(e.home))
    # Keep botocore off the network and away from machine-wide files.
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("BOTO_CONFIG", str(tmp_path / "no-such-boto.cfg"))
    return e


def outcome(fn):
    """Return ("ok", value) or ("error", class name, message)."""
    try:
        return ("ok", fn())
    except Exception as err:  # noqa: BLE001 - compared as data
        return ("error", type(err).__name__, str(err))


def creds_tuple(creds):
    if creds is None:
        return None
    return (
        creds.access_key,
        creds.secret_key,
        creds.token,
        creds.method,
        getattr(creds, "account_id", None),
    )


def boto_session_view(**session_kw):
    s = boto3.Session(**session_kw)
    return {
        "region": s.region_name,
        "profile": s.profile_name,
        "profiles": s.available_profiles,
        "creds": creds_tuple(s.get_credentials()),
    }


def our_session_view(**session_kw):
    s = qcred.SessionBase(**session_kw)
    return {
        "region": s.region_name,
        "profile": s.profile_name,
        "profiles": s.available_profiles,
        "creds": creds_tuple(s.get_credentials()),
    }


def compare_sessions(**session_kw):
    boto = outcome(lambda: boto_session_view(**session_kw))
    ours = outcome(lambda: our_session_view(**session_kw))
    assert ours == boto
    return ours


_SKIP_CONFIG_KEYS = {"user_agent", "total_timeout"}


def config_state(cfg):
    state = {}
    for key, value in vars(cfg).items():
        if key in _SKIP_CONFIG_KEYS:
            continue
        if key == "_user_provided_options":
            value = {
                k: v for k, v in value.items() if k not in _SKIP_CONFIG_KEYS
            }
        state[key] = value
    return state


def _builtin(client, name):
    return client._ruleset_resolver._builtins[name]


def boto_client_view(session_kw, client_kw):
    client = boto3.Session(**session_kw).client("qconnect", **client_kw)
    http = client._endpoint.http_session
    cfg = client.meta.config
    if cfg.proxies is not None:
        proxies = cfg.proxies
    else:
        proxies = botocore.utils.get_environ_proxies(client.meta.endpoint_url)
    return {
        "region": client.meta.region_name,
        "config": config_state(cfg),
        "endpoint_url": _builtin(client, EndpointResolverBuiltins.SDK_ENDPOINT),
        "fips": _builtin(client, EndpointResolverBuiltins.AWS_USE_FIPS),
        "dualstack": _builtin(client, EndpointResolverBuiltins.AWS_USE_DUALSTACK),
        "verify": http._verify,
        "keepalive": (socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        in http._socket_options,
        "validation": type(client._serializer).__name__
        == "ParamValidationDecorator",
        "creds": creds_tuple(client._request_signer._credentials),
        "timeouts": (http._timeout.connect_timeout, http._timeout.read_timeout),
        "pool": http._max_pool_connections,
        "proxies": proxies,
        "signature_version": client._request_signer.signature_version,
    }


def our_client_view(session_kw, client_kw):
    session = qcred.SessionBase(**session_kw)
    s = session._resolve_client_settings("qconnect", **client_kw)
    legacy_url = "https://wisdom.%s.amazonaws.com" % s.region_name
    return {
        "region": s.region_name,
        "config": config_state(s.config),
        "endpoint_url": s.endpoint_url,
        "fips": s.use_fips_endpoint,
        "dualstack": s.use_dualstack_endpoint,
        "verify": s.verify,
        "keepalive": s.tcp_keepalive,
        "validation": s.parameter_validation,
        "creds": creds_tuple(s.credentials),
        "timeouts": (s.connect_timeout, s.read_timeout),
        "pool": s.max_pool_connections,
        "proxies": s.proxies
        if s.config.proxies is not None
        else qcc.environ_proxies(s.endpoint_url or legacy_url),
        "signature_version": (
            botocore.UNSIGNED if s.unsigned else s.signature_version
        ),
    }


def compare_clients(session_kw=None, **client_kw):
    session_kw = session_kw or {}
    client_kw.setdefault("region_name", "us-east-1")
    if client_kw["region_name"] is None:
        del client_kw["region_name"]
    boto = outcome(lambda: boto_client_view(session_kw, dict(client_kw)))
    ours = outcome(lambda: our_client_view(session_kw, dict(client_kw)))
    if boto[0] == "ok" and ours[0] == "ok":
        for key in boto[1]:
            assert ours[1][key] == boto[1][key], key
    assert ours == boto
    return ours


# --------------------------------------------------------------------------
# Credentials class


def test_credentials_repr_hides_secrets():
    creds = qcred.Credentials(
        "AKIDEXAMPLE12345", "wJalrXUtnFEMI/K7MDENG", "SESSIONTOKENVALUE",
        method="env", account_id="123456789012",
    )
    for text in (repr(creds), str(creds), repr(creds.get_frozen_credentials()),
                 str(creds.get_frozen_credentials())):
        assert "wJalrXUtnFEMI" not in text
        assert "SESSIONTOKENVALUE" not in text
        assert "AKIDEXAMPLE12345" not in text
        assert "2345" in text
    frozen = creds.get_frozen_credentials()
    assert frozen == ("AKIDEXAMPLE12345", "wJalrXUtnFEMI/K7MDENG",
                      "SESSIONTOKENVALUE", "123456789012")
    assert frozen.access_key == "AKIDEXAMPLE12345"
    assert frozen.secret_key == "wJalrXUtnFEMI/K7MDENG"
    assert frozen.token == "SESSIONTOKENVALUE"
    assert frozen.account_id == "123456789012"
    assert pickle.loads(pickle.dumps(frozen)) == frozen
    back = pickle.loads(pickle.dumps(creds))
    assert creds_tuple(back) == creds_tuple(creds)
    assert creds.get_deferred_property("account_id")() == "123456789012"


def test_credentials_fields_like_botocore():
    ours = qcred.Credentials("a", "b")
    boto = botocore.credentials.Credentials("a", "b")
    assert creds_tuple(ours) == creds_tuple(boto)
    frozen_b = boto.get_frozen_credentials()
    assert tuple(ours.get_frozen_credentials()) == tuple(frozen_b)


def test_settings_repr_hides_secrets(env):
    s = qcred.resolve_client_settings(
        "qconnect", region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="SECRETKEY",
        aws_session_token="TOKENVALUE",
    )
    text = repr(s)
    assert "SECRETKEY" not in text and "TOKENVALUE" not in text
    assert s.credentials.secret_key == "SECRETKEY"


# --------------------------------------------------------------------------
# Session: credentials, region, profiles


def test_nothing_configured(env):
    view = compare_sessions()
    assert view == ("ok", {"region": None, "profile": "default",
                           "profiles": [], "creds": None})


@pytest.mark.parametrize(
    "variables",
    [
        {"AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": "SK"},
        {"AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": "SK",
         "AWS_SESSION_TOKEN": "ST"},
        {"AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": "SK",
         "AWS_SECURITY_TOKEN": "OLD"},
        {"AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": "SK",
         "AWS_SECURITY_TOKEN": "OLD", "AWS_SESSION_TOKEN": "NEW"},
        {"AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": "SK",
         "AWS_SECURITY_TOKEN": "", "AWS_SESSION_TOKEN": "NEW"},
        {"AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": "SK",
         "AWS_ACCOUNT_ID": "123456789012"},
        {"AWS_ACCESS_KEY_ID": "AK"},
        {"AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": ""},
        {"AWS_SECRET_ACCESS_KEY": "SK"},
        {"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "SK"},
    ],
)
def test_environment_credentials(env, variables):
    env.set(**variables)
    compare_sessions()
    compare_sessions(profile_name=None)


def test_env_partial_message(env):
    env.set(AWS_ACCESS_KEY_ID="AK")
    view = compare_sessions()
    assert view == ("error", "PartialCredentialsError",
                    "Partial credentials found in env, missing: "
                    "AWS_SECRET_ACCESS_KEY")


CREDS_FILE = """
[default]
aws_access_key_id = DEFAULT_AK
aws_secret_access_key = DEFAULT_SK
region = eu-west-1

[dev]
aws_access_key_id = DEV_AK
aws_secret_access_key = DEV_SK
aws_security_token = DEV_OLD_TOKEN
aws_session_token = DEV_TOKEN
aws_account_id = 111122223333

[partial]
aws_access_key_id = PARTIAL_AK

[tokenonly]
aws_session_token = T

[Mixed Case]
aws_access_key_id = MC_AK
aws_secret_access_key = MC_SK
"""

CONFIG_FILE = """
[default]
region = us-west-2
retry_mode = standard

[profile dev]
region = ap-southeast-2

[profile cfgonly]
aws_access_key_id = CFG_AK
aws_secret_access_key = CFG_SK
aws_session_token = CFG_TOKEN
region = ca-central-1

[profile cfgpartial]
aws_access_key_id = CFGP_AK

[profile "quoted name"]
region = eu-north-1

[profile  spaced]
region = eu-south-1

[profilex broken]
region = eu-central-2

[profile a b]
region = us-east-2

[sso-session corp]
sso_region = us-east-1

[services local]
qconnect =
  endpoint_url = http://localhost:4566

[plugins]
x = y
"""


@pytest.mark.parametrize(
    "profile",
    [None, "default", "dev", "partial", "tokenonly", "cfgonly", "cfgpartial",
     "quoted name", "spaced", "broken", "a b", "Mixed Case", "missing", "",
     "corp", "local", "plugins"],
)
@pytest.mark.parametrize("how", ["argument", "AWS_PROFILE",
                                 "AWS_DEFAULT_PROFILE"])
def test_profiles_from_files(env, profile, how):
    env.write("credentials", CREDS_FILE)
    env.write("config", CONFIG_FILE)
    if profile is None:
        compare_sessions()
    elif how == "argument":
        compare_sessions(profile_name=profile)
    else:
        env.set(**{how: profile})
        compare_sessions()


def test_default_profile_precedence(env):
    env.write("credentials", CREDS_FILE)
    env.write("config", CONFIG_FILE)
    env.set(AWS_PROFILE="dev", AWS_DEFAULT_PROFILE="cfgonly")
    view = compare_sessions()
    assert view[1]["profile"] == "cfgonly"
    view = compare_sessions(profile_name="default")
    assert view[1]["profile"] == "default"


def test_profile_not_found_message(env):
    view = compare_sessions(profile_name="nope")
    assert view == ("error", "ProfileNotFound",
                    "The config profile (nope) could not be found")
    compare_sessions(profile_name="default")
    env.set(AWS_PROFILE="")
    compare_sessions()


def test_explicit_profile_disables_env_credentials(env):
    env.write("credentials", CREDS_FILE)
    env.set(AWS_ACCESS_KEY_ID="ENV_AK", AWS_SECRET_ACCESS_KEY="ENV_SK")
    assert compare_sessions(profile_name="dev")[1]["creds"][0] == "DEV_AK"
    env.set(AWS_PROFILE="dev")
    assert compare_sessions()[1]["creds"][0] == "ENV_AK"
    assert compare_sessions(profile_name="cfgonly")[0] == "error"


def test_env_credentials_with_partial_profile(env):
    env.write("credentials", CREDS_FILE)
    env.set(AWS_PROFILE="partial")
    assert compare_sessions()[0] == "error"
    env.set(AWS_ACCESS_KEY_ID="ENV_AK", AWS_SECRET_ACCESS_KEY="ENV_SK")
    assert compare_sessions()[1]["creds"][0] == "ENV_AK"


def test_custom_file_locations(env):
    cred_path = env.write("elsewhere/creds.ini", CREDS_FILE)
    conf_path = env.write("elsewhere/conf.ini", CONFIG_FILE)
    env.set(AWS_SHARED_CREDENTIALS_FILE=cred_path, AWS_CONFIG_FILE=conf_path)
    compare_sessions(profile_name="dev")
    compare_sessions(profile_name="cfgonly")
    compare_sessions()
    # ~ and $VARS expand.
    env.set(AWS_CONFIG_FILE="$HOME/../elsewhere/conf.ini",
            AWS_SHARED_CREDENTIALS_FILE="~/../elsewhere/creds.ini")
    compare_sessions(profile_name="dev")
    env.set(AWS_CONFIG_FILE="", AWS_SHARED_CREDENTIALS_FILE="")
    compare_sessions()


def test_directory_instead_of_file(env):
    env.set(AWS_CONFIG_FILE=str(env.tmp))
    compare_sessions()


@pytest.mark.parametrize(
    "text",
    [
        "not an ini file\n",
        "[default]\nregion = a\n[default]\nregion = b\n",
        "[default]\nregion = a\nregion = b\n",
        "[default]\ns3 =\n  no_equals_sign\n",
        "region = x\n",
    ],
)
@pytest.mark.parametrize("which", ["config", "credentials"])
def test_parse_errors(env, text, which):
    env.write(which, text)
    view = compare_sessions()
    assert view[0] == "error" and view[1] == "ConfigParseError"


def test_ini_details(env):
    env.write(
        "config",
        """
        [DEFAULT]
        region = from-default-section
        [default]
        # comment
        ; other comment
        REGION : mixed-case-key
        [profile inherit]
        output = json
        [profile nested]
        s3 =
          addressing_style = path
          use_accelerate_endpoint = true
        region = nested-1
        """,
    )
    compare_sessions()
    compare_sessions(profile_name="inherit")
    compare_sessions(profile_name="nested")


def test_credentials_file_merged_over_config(env):
    env.write("config", "[profile p]\nregion = from-config\noutput = json\n")
    env.write("credentials", "[p]\nregion = from-credentials\n"
              "aws_access_key_id = A\naws_secret_access_key = S\n"
              "[profile p]\naws_access_key_id = LITERAL\n"
              "aws_secret_access_key = S2\n")
    view = compare_sessions(profile_name="p")
    assert view[1]["region"] == "from-credentials"
    compare_sessions(profile_name="profile p")


def test_region_sources(env):
    env.write("config", "[default]\nregion = file-region\n"
              "[profile other]\nregion = other-region\n")
    assert compare_sessions()[1]["region"] == "file-region"
    env.set(AWS_REGION="aws-region-ignored")
    assert compare_sessions()[1]["region"] == "file-region"
    env.set(AWS_DEFAULT_REGION="env-region")
    assert compare_sessions()[1]["region"] == "env-region"
    assert compare_sessions(region_name="arg-region")[1]["region"] == (
        "arg-region"
    )
    env.set(AWS_DEFAULT_REGION="")
    assert compare_sessions()[1]["region"] == ""
    env.set(AWS_DEFAULT_REGION=None)
    assert compare_sessions(profile_name="other")[1]["region"] == (
        "other-region"
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"aws_access_key_id": "AK", "aws_secret_access_key": "SK"},
        {"aws_access_key_id": "AK", "aws_secret_access_key": "SK",
         "aws_session_token": "T"},
        {"aws_access_key_id": "AK"},
        {"aws_secret_access_key": "SK"},
        {"aws_session_token": "T"},
        {"aws_access_key_id": "", "aws_secret_access_key": ""},
        {"aws_access_key_id": "AK", "aws_secret_access_key": "SK",
         "aws_account_id": "123456789012"},
        {"aws_access_key_id": "AK", "aws_account_id": "123456789012"},
        {"aws_account_id": "123456789012"},
    ],
)
def test_explicit_session_credentials(env, kwargs):
    env.set(AWS_ACCESS_KEY_ID="ENV_AK", AWS_SECRET_ACCESS_KEY="ENV_SK")
    compare_sessions(**kwargs)


def test_account_id_without_keys_message(env):
    view = compare_sessions(aws_account_id="123456789012")
    assert view == ("error", "NoCredentialsError",
                    "Unable to locate credentials")


def test_ec2_credential_file(env):
    path = env.write("ec2.creds", "AWSAccessKeyId=EC2AK\nAWSSecretKey=EC2SK\n"
                     "junk line\n")
    env.set(AWS_CREDENTIAL_FILE=path)
    assert compare_sessions()[1]["creds"][3] == "ec2-credentials-file"
    env.set(AWS_CREDENTIAL_FILE=str(env.tmp / "missing"))
    compare_sessions()
    path = env.write("ec2b.creds", "Other=1\n")
    env.set(AWS_CREDENTIAL_FILE=path)
    compare_sessions()


def test_boto2_config_file(env):
    path = env.write("boto.cfg", "[Credentials]\naws_access_key_id = BAK\n"
                     "aws_secret_access_key = BSK\n")
    env.set(BOTO_CONFIG=path)
    assert compare_sessions()[1]["creds"][3] == "boto-config"
    path = env.write("boto2.cfg", "[Credentials]\naws_access_key_id = BAK\n")
    env.set(BOTO_CONFIG=path)
    compare_sessions()


def test_web_identity_without_role_arn_message(env):
    env.set(AWS_WEB_IDENTITY_TOKEN_FILE=str(env.tmp / "token"))
    compare_sessions()


@pytest.mark.parametrize(
    "profile_text,provider",
    [
        ("role_arn = arn:aws:iam::123456789012:role/r\n"
         "source_profile = base\n", "assume-role"),
        ("sso_account_id = 123456789012\nsso_role_name = r\n"
         "sso_start_url = https://x\nsso_region = us-east-1\n", "sso"),
        ("credential_process = /bin/false\n", "custom-process"),
        ("login_session = abc\n", "login"),
        ("web_identity_token_file = /tmp/t\n"
         "role_arn = arn:aws:iam::123456789012:role/r\n",
         "assume-role-with-web-identity"),
    ],
)
def test_unsupported_providers_raise(env, profile_text, provider):
    env.write("config", "[profile p]\n" + profile_text +
              "[profile base]\naws_access_key_id = A\n"
              "aws_secret_access_key = S\n")
    with pytest.raises(qce.CredentialRetrievalError) as err:
        qcred.SessionBase(profile_name="p").get_credentials()
    assert str(err.value).startswith(
        f"Error when retrieving credentials from {provider}: "
    )
    # Environment keys come first, as in botocore.
    env.set(AWS_PROFILE="p", AWS_ACCESS_KEY_ID="E", AWS_SECRET_ACCESS_KEY="S")
    assert qcred.SessionBase().get_credentials().access_key == "E"


def test_container_credentials_unsupported(env):
    env.set(AWS_CONTAINER_CREDENTIALS_RELATIVE_URI="/v2/creds")
    with pytest.raises(qce.CredentialRetrievalError) as err:
        qcred.SessionBase().get_credentials()
    assert "container-role" in str(err.value)
    env.write("credentials", CREDS_FILE)
    assert qcred.SessionBase().get_credentials().access_key == "DEFAULT_AK"


def test_resolve_credentials(env):
    env.write("credentials", CREDS_FILE)
    env.set(AWS_ACCESS_KEY_ID="ENV_AK", AWS_SECRET_ACCESS_KEY="ENV_SK")
    assert qcred.resolve_credentials().access_key == "ENV_AK"
    assert qcred.resolve_credentials(None, "dev").access_key == "DEV_AK"
    creds = qcred.resolve_credentials(
        {"aws_access_key_id": "X", "aws_secret_access_key": "Y",
         "aws_session_token": "Z"}, "dev")
    assert creds_tuple(creds) == ("X", "Y", "Z", "explicit", None)
    with pytest.raises(qce.PartialCredentialsError) as err:
        qcred.resolve_credentials({"aws_access_key_id": "X"})
    assert str(err.value) == (
        "Partial credentials found in explicit, missing: aws_secret_access_key"
    )
    with pytest.raises(qce.ProfileNotFound):
        qcred.resolve_credentials(None, "nope")
    env.set(AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None)
    env.write("credentials", "")
    assert qcred.resolve_credentials() is None


def test_session_repr_and_cache(env):
    env.write("credentials", CREDS_FILE)
    s = qcred.SessionBase(region_name="eu-west-3")
    assert repr(s) == repr(boto3.Session(region_name="eu-west-3")).replace(
        "Session(", "SessionBase("
    )
    first = s.get_credentials()
    env.write("credentials", "[default]\naws_access_key_id = NEW\n"
              "aws_secret_access_key = NEW\n")
    assert s.get_credentials() is first
    with pytest.raises(TypeError):
        qcred.SessionBase(botocore_session=object())


# --------------------------------------------------------------------------
# Client settings


def test_client_defaults(env):
    compare_clients()


def test_client_no_region(env):
    view = compare_clients(region_name=None)
    assert view == ("error", "NoRegionError", "You must specify a region.")
    compare_clients(region_name=None, endpoint_url="http://127.0.0.1:9")


@pytest.mark.parametrize("region", ["Bad_Region", "-x", "123", "a" * 64,
                                    "us-east-1", "fips-us-east-1"])
def test_client_region_validation(env, region):
    compare_clients(region_name=region)


def test_client_region_sources(env):
    env.write("config", "[default]\nregion = eu-west-2\n")
    compare_clients(region_name=None)
    compare_clients(region_name=None, config=BotoConfig(region_name="ca-central-1"))
    compare_clients(region_name="us-west-2",
                    config=BotoConfig(region_name="ca-central-1"))
    compare_clients({"region_name": "ap-northeast-1"}, region_name=None)
    env.set(AWS_DEFAULT_REGION="eu-central-1")
    compare_clients(region_name=None)
    env.write("config", "[default]\nregion = not_valid\n")
    env.set(AWS_DEFAULT_REGION=None)
    compare_clients(region_name=None)


@pytest.mark.parametrize(
    "client_kw",
    [
        {"aws_access_key_id": "AK", "aws_secret_access_key": "SK"},
        {"aws_access_key_id": "AK", "aws_secret_access_key": "SK",
         "aws_session_token": "T", "aws_account_id": "123456789012"},
        {"aws_access_key_id": "AK"},
        {"aws_secret_access_key": "SK"},
        {"aws_session_token": "T"},
        {"aws_access_key_id": "", "aws_secret_access_key": ""},
    ],
)
def test_client_explicit_credentials(env, client_kw):
    env.set(AWS_ACCESS_KEY_ID="ENV_AK", AWS_SECRET_ACCESS_KEY="ENV_SK")
    compare_clients(**client_kw)
    compare_clients({"aws_access_key_id": "S_AK",
                     "aws_secret_access_key": "S_SK"}, **client_kw)


def test_client_unsigned(env):
    env.set(AWS_ACCESS_KEY_ID="ENV_AK", AWS_SECRET_ACCESS_KEY="ENV_SK")
    compare_clients(config=BotoConfig(signature_version=botocore.UNSIGNED))
    compare_clients(config=BotoConfig(signature_version=botocore.UNSIGNED),
                    aws_access_key_id="ONLY")
    view = our_client_view(
        {}, {"region_name": "us-east-1",
             "config": qcc.Config(signature_version=qcc.UNSIGNED)})
    assert view["creds"] is None
    assert view["config"]["account_id_endpoint_mode"] == "disabled"


@pytest.mark.parametrize(
    "variables,config_text,config",
    [
        ({"AWS_RETRY_MODE": "standard"}, "", None),
        ({"AWS_RETRY_MODE": "adaptive", "AWS_MAX_ATTEMPTS": "7"}, "", None),
        ({"AWS_MAX_ATTEMPTS": "2"}, "", None),
        ({"AWS_MAX_ATTEMPTS": "0"}, "", None),
        ({"AWS_MAX_ATTEMPTS": "x"}, "", None),
        ({"AWS_RETRY_MODE": "bogus"}, "", None),
        ({}, "retry_mode = standard\nmax_attempts = 4\n", None),
        ({"AWS_RETRY_MODE": "legacy"}, "retry_mode = standard\n", None),
        ({"AWS_MAX_ATTEMPTS": "6"}, "",
         BotoConfig(retries={"max_attempts": 1})),
        ({"AWS_MAX_ATTEMPTS": "6"}, "",
         BotoConfig(retries={"total_max_attempts": 9, "max_attempts": 1})),
        ({"AWS_RETRY_MODE": "adaptive"}, "",
         BotoConfig(retries={"mode": "standard"})),
        ({}, "", BotoConfig(retries={"max_attempts": 0})),
        ({}, "", BotoConfig(retries={})),
    ],
)
def test_client_retries(env, variables, config_text, config):
    env.set(**variables)
    env.write("config", "[default]\n" + config_text)
    compare_clients(config=config)


def test_client_retry_attempt_totals(env):
    s = qcred.resolve_client_settings("qconnect", region_name="us-east-1")
    assert (s.retry_mode, s.total_max_attempts, s.max_attempts) == (
        "legacy", None, 5)
    env.set(AWS_RETRY_MODE="standard")
    s = qcred.resolve_client_settings("qconnect", region_name="us-east-1")
    assert (s.retry_mode, s.max_attempts) == ("standard", 3)
    s = qcred.resolve_client_settings(
        "qconnect", region_name="us-east-1",
        config=qcc.Config(retries={"max_attempts": 1}))
    assert (s.total_max_attempts, s.max_attempts) == (2, 2)
    user_retries = {"max_attempts": 1}
    cfg = qcc.Config(retries=user_retries)
    qcred.resolve_client_settings("qconnect", region_name="us-east-1",
                                  config=cfg)
    assert cfg.retries == {"max_attempts": 1}


@pytest.mark.parametrize(
    "mode_env,config",
    [
        ("standard", None),
        ("in-region", None),
        ("cross-region", None),
        ("mobile", None),
        ("Standard", None),
        ("legacy", None),
        ("bogus", None),
        ("standard", BotoConfig()),
        (None, BotoConfig(defaults_mode="standard")),
        (None, BotoConfig(defaults_mode="mobile", connect_timeout=2)),
        ("mobile", BotoConfig(defaults_mode="legacy")),
        (None, BotoConfig(defaults_mode="nope")),
    ],
)
def test_client_defaults_mode(env, mode_env, config):
    env.set(AWS_DEFAULTS_MODE=mode_env)
    compare_clients(config=config)
    env.set(AWS_RETRY_MODE="adaptive")
    compare_clients(config=config)


@pytest.mark.parametrize("current", ["us-east-1", "eu-west-1"])
def test_client_defaults_mode_auto(env, current):
    env.set(AWS_DEFAULTS_MODE="auto", AWS_EXECUTION_ENV="AWS_Lambda_python3.11",
            AWS_REGION=current)
    compare_clients()


def test_client_defaults_mode_from_config_file(env):
    env.write("config", "[default]\ndefaults_mode = cross-region\n")
    compare_clients()


@pytest.mark.parametrize(
    "variables,config_text,config,endpoint_url",
    [
        ({"AWS_USE_FIPS_ENDPOINT": "true"}, "", None, None),
        ({"AWS_USE_FIPS_ENDPOINT": "TRUE"}, "", None, None),
        ({"AWS_USE_FIPS_ENDPOINT": "false"}, "", None, None),
        ({"AWS_USE_DUALSTACK_ENDPOINT": "true"}, "", None, None),
        ({}, "use_fips_endpoint = true\nuse_dualstack_endpoint = true\n",
         None, None),
        ({"AWS_USE_FIPS_ENDPOINT": "true"}, "", BotoConfig(use_fips_endpoint=False),
         None),
        ({}, "", BotoConfig(use_fips_endpoint=True,
                            use_dualstack_endpoint=True), None),
        ({"AWS_USE_FIPS_ENDPOINT": "true"}, "", None, "https://x.example"),
    ],
)
def test_client_fips_dualstack(env, variables, config_text, config,
                               endpoint_url):
    env.set(**variables)
    env.write("config", "[default]\n" + config_text)
    compare_clients(config=config, endpoint_url=endpoint_url)


ENDPOINT_CONFIG = """
[default]
endpoint_url = https://global-from-profile.example

[profile svc]
services = mysvc
endpoint_url = https://global-from-svc-profile.example

[profile badsvc]
services = nosuch

[profile othersvc]
services = other

[services mysvc]
qconnect =
  endpoint_url = https://qconnect-from-services.example

[services other]
s3 =
  endpoint_url = https://s3.example
"""


@pytest.mark.parametrize("profile", [None, "svc", "badsvc", "othersvc"])
@pytest.mark.parametrize(
    "variables",
    [
        {},
        {"AWS_ENDPOINT_URL": "https://global-env.example"},
        {"AWS_ENDPOINT_URL_QCONNECT": "https://svc-env.example",
         "AWS_ENDPOINT_URL": "https://global-env.example"},
        {"AWS_ENDPOINT_URL_QCONNECT": "", "AWS_ENDPOINT_URL": ""},
        {"AWS_ENDPOINT_URL": "https://global-env.example",
         "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"},
    ],
)
def test_client_configured_endpoint(env, profile, variables):
    env.write("config", ENDPOINT_CONFIG)
    env.set(**variables)
    session_kw = {"profile_name": profile} if profile else {}
    compare_clients(session_kw)
    compare_clients(session_kw, endpoint_url="https://explicit.example")
    compare_clients(session_kw,
                    config=BotoConfig(ignore_configured_endpoint_urls=True))
    compare_clients(session_kw,
                    config=BotoConfig(ignore_configured_endpoint_urls=False))


def test_client_ignore_endpoint_from_config_file(env):
    env.write("config", "[default]\nendpoint_url = https://p.example\n"
              "ignore_configured_endpoint_urls = true\n")
    compare_clients()


@pytest.mark.parametrize(
    "variables,config_text,verify",
    [
        ({}, "", None),
        ({}, "", False),
        ({}, "", "/tmp/explicit.pem"),
        ({"AWS_CA_BUNDLE": "/tmp/env.pem"}, "", None),
        ({"AWS_CA_BUNDLE": "/tmp/env.pem"}, "", False),
        ({}, "ca_bundle = /tmp/file.pem\n", None),
        ({"REQUESTS_CA_BUNDLE": "/tmp/req.pem"}, "", None),
        ({"REQUESTS_CA_BUNDLE": "/tmp/req.pem",
          "AWS_CA_BUNDLE": "/tmp/env.pem"}, "", None),
    ],
)
def test_client_verify(env, variables, config_text, verify):
    env.set(**variables)
    env.write("config", "[default]\n" + config_text)
    compare_clients(verify=verify)


@pytest.mark.parametrize(
    "variables,config_text,config",
    [
        ({"BOTOCORE_TCP_KEEPALIVE": "true"}, "", None),
        ({}, "tcp_keepalive = true\n", None),
        ({"BOTOCORE_TCP_KEEPALIVE": "true"}, "",
         BotoConfig(tcp_keepalive=False)),
        ({}, "", BotoConfig(tcp_keepalive=True)),
        ({}, "parameter_validation = false\n", None),
        ({}, "parameter_validation = false\n",
         BotoConfig(parameter_validation=True)),
        ({}, "", BotoConfig(parameter_validation=False)),
        ({"AWS_DISABLE_HOST_PREFIX_INJECTION": "true"}, "", None),
        ({"AWS_DISABLE_HOST_PREFIX_INJECTION": "true"}, "",
         BotoConfig(inject_host_prefix=True)),
        ({}, "disable_host_prefix_injection = false\n", BotoConfig()),
        ({"AWS_SDK_UA_APP_ID": "my-app"}, "", None),
        ({}, "sdk_ua_app_id = file-app\n", BotoConfig(user_agent_appid="x")),
        ({}, "sdk_ua_app_id = file-app\n", None),
        ({"AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES": "2048",
          "AWS_DISABLE_REQUEST_COMPRESSION": "true"}, "", None),
        ({"AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES": "0"}, "", None),
        ({"AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES": "big"}, "", None),
        ({}, "", BotoConfig(request_min_compression_size_bytes=2000000)),
        ({}, "", BotoConfig(disable_request_compression="True")),
        ({"AWS_REQUEST_CHECKSUM_CALCULATION": "WHEN_REQUIRED"}, "", None),
        ({"AWS_RESPONSE_CHECKSUM_VALIDATION": "sometimes"}, "", None),
        ({}, "", BotoConfig(request_checksum_calculation="never")),
        ({"AWS_ACCOUNT_ID_ENDPOINT_MODE": "Required"}, "", None),
        ({"AWS_ACCOUNT_ID_ENDPOINT_MODE": "maybe"}, "", None),
        ({"AWS_AUTH_SCHEME_PREFERENCE": " sigv4a , sigv4,, "}, "", None),
        ({}, "", BotoConfig(auth_scheme_preference="sig v4,\tsigv4a")),
        ({"AWS_SIGV4A_SIGNING_REGION_SET": "us-*"}, "", None),
        ({}, "s3 =\n  addressing_style = path\n", None),
        ({"AWS_S3_US_EAST_1_REGIONAL_ENDPOINT": "regional",
          "AWS_S3_USE_ARN_REGION": "true"}, "s3_use_arn_region = false\n",
         BotoConfig(s3={"addressing_style": "virtual"})),
        ({"AWS_S3_US_EAST_1_REGIONAL_ENDPOINT": "sideways"}, "", None),
        ({"AWS_S3_DISABLE_EXPRESS_SESSION_AUTH": "maybe"}, "", None),
        ({"AWS_S3_DISABLE_EXPRESS_SESSION_AUTH": "TRUE"}, "", None),
        ({}, "wisdom =\n  signature_version = v4a\n", None),
        ({}, "api_versions =\n  qconnect = 2020-10-19\n", None),
        ({}, "", BotoConfig(connect_timeout=3, read_timeout=4,
                            max_pool_connections=2, client_cert="/c.pem",
                            user_agent="custom-ua",
                            user_agent_extra="extra",
                            client_context_params={"k": "v"},
                            proxies={"https": "http://p:1"},
                            proxies_config={"proxy_ca_bundle": "/p.pem"})),
        ({"HTTPS_PROXY": "http://proxy.example:3128"}, "", None),
    ],
)
def test_client_misc_settings(env, variables, config_text, config):
    env.set(**variables)
    env.write("config", "[default]\n" + config_text)
    compare_clients(config=config)


def test_client_qconnect_config_object_and_total_timeout(env):
    env.set(AWS_RETRY_MODE="standard")
    ours = qcred.resolve_client_settings(
        "qconnect", region_name="us-east-1",
        config=qcc.Config(read_timeout=5, total_timeout=30,
                          retries={"total_max_attempts": 4}),
    )
    boto = boto3.Session().client(
        "qconnect", region_name="us-east-1",
        config=BotoConfig(read_timeout=5, retries={"total_max_attempts": 4}),
    )
    assert config_state(ours.config) == config_state(boto.meta.config)
    assert ours.total_timeout == 30
    assert ours.config.total_timeout == 30
    assert ours.max_attempts == 4
    plain = qcred.resolve_client_settings("qconnect", region_name="us-east-1")
    assert plain.total_timeout is None
    assert "total_timeout" not in plain.config._user_provided_options


def test_default_client_config_is_merged(env):
    boto_session = boto3.Session()
    boto_session._session.set_default_client_config(
        BotoConfig(read_timeout=11, region_name="eu-west-1"))
    boto_client = boto_session.client("qconnect",
                                      config=BotoConfig(connect_timeout=4))
    ours = qcred.SessionBase()
    ours.set_default_client_config(qcc.Config(read_timeout=11,
                                              region_name="eu-west-1"))
    settings = ours._resolve_client_settings(
        "qconnect", config=qcc.Config(connect_timeout=4))
    assert config_state(settings.config) == config_state(
        boto_client.meta.config)
    assert settings.region_name == boto_client.meta.region_name


def test_client_profile_errors(env):
    env.write("config", "[profile dev]\nregion = us-west-2\n")
    compare_clients({"profile_name": "dev"})
    env.set(AWS_PROFILE="dev")
    compare_clients()
    env.write("credentials", "[dev]\naws_access_key_id = A\n")
    compare_clients()


@pytest.mark.parametrize("region", ["fips-us-east-1", "us-west-2-fips"])
@pytest.mark.parametrize("mode", [None, "standard"])
def test_client_fips_pseudo_region(env, region, mode):
    env.set(AWS_DEFAULTS_MODE=mode)
    compare_clients(region_name=region)
    compare_clients(region_name=region, config=BotoConfig(read_timeout=3))


def test_client_defaults_mode_auto_without_environment(env):
    env.set(AWS_DEFAULTS_MODE="auto")
    view = compare_clients()
    assert view[1]["timeouts"] == (3.1, 60)


def test_modules_import_without_botocore():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import qconnect_c.config, qconnect_c.exceptions\n"
        "import qconnect_c.credentials, qconnect_c._configfile\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('botocore', 'boto3', 'urllib3', 'requests'))\n"
        "assert not bad, bad\n"
        "assert 'urllib.request' not in sys.modules\n"
    )
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


def test_client_proxy_settings(env):
    s = qcred.resolve_client_settings("qconnect", region_name="us-east-1")
    assert (s.proxies, s.no_proxy) == ({}, None)
    env.set(HTTPS_PROXY="http://user:pw@proxy.example:3128",
            http_proxy="http://plain.example:80",
            NO_PROXY="localhost,.internal")
    s = qcred.resolve_client_settings("qconnect", region_name="us-east-1")
    assert s.proxies == {"https": "http://user:pw@proxy.example:3128",
                         "http": "http://plain.example:80"}
    assert s.no_proxy == "localhost,.internal"
    assert "pw@" not in repr(s)
    s = qcred.resolve_client_settings(
        "qconnect", region_name="us-east-1",
        config=qcc.Config(proxies={"https": "http://cfg.example:1"}))
    assert (s.proxies, s.no_proxy) == ({"https": "http://cfg.example:1"}, None)
