"""qconnect_c.config.Config against botocore.config.Config, compared live."""

import copy
import pickle

import pytest

import botocore.config as botocore_config
import botocore  # noqa: E402
import botocore.utils  # noqa: E402

from qconnect_c import config as qcc  # noqa: E402
from qconnect_c import exceptions as qce  # noqa: E402

BotoConfig = botocore_config.Config
Config = qcc.Config
BOTO_OPTIONS = list(BotoConfig.OPTION_DEFAULTS)

# A value to set for each option, chosen to be valid for both classes.
SAMPLE_VALUES = {
    'region_name': 'eu-west-2',
    'signature_version': 'v4',
    'user_agent': 'my-agent/1.0',
    'user_agent_extra': 'extra/2',
    'user_agent_appid': 'app-1',
    'connect_timeout': 5,
    'read_timeout': 7.5,
    'parameter_validation': False,
    'max_pool_connections': 33,
    'proxies': {'https': 'proxy.example:3128'},
    'proxies_config': {'proxy_ca_bundle': '/tmp/ca.pem'},
    's3': {'addressing_style': 'path'},
    's3_disable_express_session_auth': True,
    'retries': {'max_attempts': 3, 'mode': 'standard'},
    'client_cert': ('/tmp/c.pem', '/tmp/k.pem'),
    'inject_host_prefix': False,
    'endpoint_discovery_enabled': True,
    'use_dualstack_endpoint': True,
    'use_fips_endpoint': True,
    'ignore_configured_endpoint_urls': True,
    'defaults_mode': 'standard',
    'tcp_keepalive': True,
    'request_min_compression_size_bytes': 100,
    'disable_request_compression': True,
    'client_context_params': {'a': 'b'},
    'sigv4a_signing_region_set': '*',
    'request_checksum_calculation': 'when_required',
    'response_checksum_validation': 'when_required',
    'account_id_endpoint_mode': 'disabled',
    'auth_scheme_preference': 'sigv4,sigv4a',
}


def _state(cfg, with_private=True):
    """Every option attribute (and the recorded options) of a Config."""
    state = {name: getattr(cfg, name) for name in BOTO_OPTIONS}
    if with_private:
        provided = dict(cfg._user_provided_options)
        provided.pop('total_timeout', None)
        state['_user_provided_options'] = provided
        state['_inject_host_prefix'] = cfg._inject_host_prefix
    return state


def test_sample_values_cover_every_botocore_option():
    assert sorted(SAMPLE_VALUES) == sorted(BOTO_OPTIONS)


def test_option_order_matches_botocore_then_total_timeout():
    ours = list(Config.OPTION_DEFAULTS)
    assert ours[:-1] == BOTO_OPTIONS
    assert ours[-1] == 'total_timeout'
    for name in BOTO_OPTIONS:
        assert Config.OPTION_DEFAULTS[name] == BotoConfig.OPTION_DEFAULTS[name]
    assert Config.NON_LEGACY_OPTION_DEFAULTS == (
        BotoConfig.NON_LEGACY_OPTION_DEFAULTS
    )


def test_defaults_match():
    assert _state(Config()) == _state(BotoConfig())
    cfg = Config()
    assert cfg.total_timeout is None
    assert cfg.inject_host_prefix is True
    assert cfg.connect_timeout == 60 and cfg.read_timeout == 60
    assert cfg.max_pool_connections == 10
    assert cfg.parameter_validation is True


@pytest.mark.parametrize('name', BOTO_OPTIONS)
def test_each_option_by_keyword(name):
    value = SAMPLE_VALUES[name]
    ours = Config(**{name: copy.deepcopy(value)})
    boto = BotoConfig(**{name: copy.deepcopy(value)})
    assert _state(ours) == _state(boto)


@pytest.mark.parametrize('count', [0, 1, 5, 12, len(BOTO_OPTIONS)])
def test_positional_arguments(count):
    args = [copy.deepcopy(SAMPLE_VALUES[n]) for n in BOTO_OPTIONS[:count]]
    assert _state(Config(*args)) == _state(BotoConfig(*copy.deepcopy(args)))


def test_total_timeout_is_the_extra_positional_argument():
    args = [SAMPLE_VALUES[n] for n in BOTO_OPTIONS] + [12.5]
    cfg = Config(*args)
    assert cfg.total_timeout == 12.5
    with pytest.raises(TypeError) as boto:
        BotoConfig(*args)
    assert str(boto.value) == (
        f'Takes at most {len(BOTO_OPTIONS)} arguments '
        f'({len(BOTO_OPTIONS) + 1} given)'
    )
    with pytest.raises(TypeError) as ours:
        Config(*(args + [1]))
    assert str(ours.value) == (
        f'Takes at most {len(BOTO_OPTIONS) + 1} arguments '
        f'({len(BOTO_OPTIONS) + 2} given)'
    )


def _same_error(call_ours, call_boto):
    with pytest.raises(Exception) as boto:
        call_boto()
    with pytest.raises(Exception) as ours:
        call_ours()
    assert type(ours.value).__name__ == type(boto.value).__name__
    assert str(ours.value) == str(boto.value)
    return ours.value


def test_unexpected_keyword():
    err = _same_error(lambda: Config(foo=1), lambda: BotoConfig(foo=1))
    assert isinstance(err, TypeError)


def test_multiple_values():
    err = _same_error(
        lambda: Config('us-east-1', region_name='us-west-2'),
        lambda: BotoConfig('us-east-1', region_name='us-west-2'),
    )
    assert isinstance(err, TypeError)


@pytest.mark.parametrize(
    'retries',
    [
        {'bogus': 1},
        {'max_attempts': -1},
        {'total_max_attempts': 0},
        {'mode': 'fast'},
        {'mode': 'LEGACY'},
        {'mode': 'standard', 'max_attempts': -5},
    ],
)
def test_retry_validation(retries):
    err = _same_error(
        lambda: Config(retries=dict(retries)),
        lambda: BotoConfig(retries=dict(retries)),
    )
    assert isinstance(err, qce.InvalidRetryConfigurationError)


@pytest.mark.parametrize(
    'retries',
    [
        {'max_attempts': 0},
        {'total_max_attempts': 1},
        {'mode': 'adaptive'},
        {'mode': 'legacy', 'max_attempts': 10, 'total_max_attempts': 2},
        {},
    ],
)
def test_valid_retries(retries):
    assert _state(Config(retries=dict(retries))) == _state(
        BotoConfig(retries=dict(retries))
    )


def test_s3_addressing_style_validation():
    err = _same_error(
        lambda: Config(s3={'addressing_style': 'sideways'}),
        lambda: BotoConfig(s3={'addressing_style': 'sideways'}),
    )
    assert isinstance(err, qce.InvalidS3AddressingStyleError)


@pytest.mark.parametrize('mode', ['standard', 'legacy', 'in-region', 'auto'])
def test_defaults_mode_changes_connect_timeout_default(mode):
    assert _state(Config(defaults_mode=mode)) == _state(
        BotoConfig(defaults_mode=mode)
    )
    assert _state(Config(defaults_mode=mode, connect_timeout=9)) == _state(
        BotoConfig(defaults_mode=mode, connect_timeout=9)
    )


def test_inject_host_prefix_property():
    for value in (True, False, None):
        ours = Config(inject_host_prefix=value)
        boto = BotoConfig(inject_host_prefix=value)
        assert _state(ours) == _state(boto)
    ours, boto = Config(), BotoConfig()
    ours.inject_host_prefix = False
    boto.inject_host_prefix = False
    assert _state(ours) == _state(boto)


MERGE_CASES = [
    ({}, {}),
    ({'region_name': 'a1'}, {}),
    ({}, {'region_name': 'b1'}),
    ({'region_name': 'a1', 'read_timeout': 3}, {'region_name': 'b1'}),
    ({'retries': {'mode': 'standard'}}, {'retries': {'max_attempts': 2}}),
    ({'inject_host_prefix': False}, {'connect_timeout': 2}),
    ({'defaults_mode': 'standard'}, {'connect_timeout': 8}),
    ({'connect_timeout': 8}, {'defaults_mode': 'mobile'}),
    ({'user_agent_extra': 'x'}, {'user_agent_extra': None}),
]


@pytest.mark.parametrize('left,right', MERGE_CASES)
def test_merge(left, right):
    ours = Config(**copy.deepcopy(left)).merge(Config(**copy.deepcopy(right)))
    boto = BotoConfig(**copy.deepcopy(left)).merge(
        BotoConfig(**copy.deepcopy(right))
    )
    assert isinstance(ours, Config)
    assert _state(ours) == _state(boto)


def test_merge_accepts_botocore_config_and_keeps_total_timeout():
    ours = Config(total_timeout=30, region_name='a1').merge(
        BotoConfig(region_name='b1', read_timeout=4)
    )
    assert ours.total_timeout == 30
    assert ours.region_name == 'b1' and ours.read_timeout == 4
    again = Config(region_name='x1').merge(Config(total_timeout=5))
    assert again.total_timeout == 5
    assert again._user_provided_options == {
        'region_name': 'x1', 'total_timeout': 5
    }


@pytest.mark.parametrize('value', [0, -1, 'ten', True, float('nan'), [1]])
def test_total_timeout_rejects_bad_values(value):
    with pytest.raises(qce.InvalidConfigError) as err:
        Config(total_timeout=value)
    assert 'total_timeout' in str(err.value)


@pytest.mark.parametrize('value', [None, 1, 0.25, 3600])
def test_total_timeout_accepts(value):
    cfg = Config(total_timeout=value)
    assert cfg.total_timeout == value
    assert _state(cfg) == _state(BotoConfig())


def test_docstring_documents_every_option():
    doc = Config.__doc__
    for name in list(Config.OPTION_DEFAULTS):
        assert f':param {name}:' in doc, name
        assert f':type {name}:' in doc, name
    assert 'deadline' in doc


def test_as_config():
    assert qcc.as_config(None) is None
    cfg = Config(region_name='a1')
    assert qcc.as_config(cfg) is cfg
    boto = BotoConfig(region_name='a1', retries={'mode': 'standard'},
                      inject_host_prefix=False)
    converted = qcc.as_config(boto)
    assert isinstance(converted, Config)
    assert _state(converted) == _state(boto)
    with pytest.raises(TypeError):
        qcc.as_config({'region_name': 'a1'})


def test_unsigned_marker():
    assert qcc.is_unsigned(qcc.UNSIGNED)
    assert qcc.is_unsigned(botocore.UNSIGNED)
    assert not qcc.is_unsigned('v4')
    assert not qcc.is_unsigned(None)
    assert copy.copy(qcc.UNSIGNED) is qcc.UNSIGNED
    assert copy.deepcopy(qcc.UNSIGNED) is qcc.UNSIGNED
    assert pickle.loads(pickle.dumps(qcc.UNSIGNED)) is qcc.UNSIGNED
    cfg = Config(signature_version=qcc.UNSIGNED)
    assert cfg.merge(Config()).signature_version is qcc.UNSIGNED


PROXY_ENVS = [
    {},
    {'HTTPS_PROXY': 'http://proxy.local:3128'},
    {'https_proxy': 'http://p:1', 'http_proxy': 'http://q:2'},
    {'HTTPS_PROXY': 'http://proxy.local:3128',
     'NO_PROXY': 'wisdom.us-east-1.amazonaws.com'},
    {'HTTPS_PROXY': 'http://proxy.local:3128', 'NO_PROXY': '.amazonaws.com'},
    {'HTTPS_PROXY': 'http://proxy.local:3128', 'no_proxy': '*'},
]


@pytest.mark.parametrize('env', PROXY_ENVS)
@pytest.mark.parametrize(
    'url',
    ['https://wisdom.us-east-1.amazonaws.com', 'http://127.0.0.1:8080/x'],
)
def test_environ_proxies_match(monkeypatch, env, url):
    for key in ('HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy',
                'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy',
                'REQUEST_METHOD'):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert qcc.environ_proxies(url) == botocore.utils.get_environ_proxies(url)
