"""Client configuration: :class:`Config`, drop-in for ``botocore.config.Config``.

A ``botocore.config.Config`` instance is accepted wherever a :class:`Config`
is (see :func:`as_config`), so existing code that builds botocore configs
keeps working.

This module imports nothing outside the standard library.
"""

import os

from qconnect_c.exceptions import (
    InvalidConfigError,
    InvalidMaxRetryAttemptsError,
    InvalidRetryConfigurationError,
    InvalidRetryModeError,
    InvalidS3AddressingStyleError,
)

__all__ = [
    "Config",
    "UNSIGNED",
    "is_unsigned",
    "as_config",
    "environ_proxies",
    "environment_proxy_settings",
]

#: Default connect and read timeout, in seconds.
DEFAULT_TIMEOUT = 60
#: Default size of the connection pool.
MAX_POOL_CONNECTIONS = 10


class _Unsigned:
    """Type of the :data:`UNSIGNED` marker; copies are the marker itself."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        return (_Unsigned, ())

    def __repr__(self):
        return 'UNSIGNED'


#: Pass as ``Config(signature_version=UNSIGNED)`` to send requests unsigned.
#: ``botocore.UNSIGNED`` is accepted too.
UNSIGNED = _Unsigned()


def is_unsigned(value):
    """Return True if ``value`` is :data:`UNSIGNED` or ``botocore.UNSIGNED``."""
    if value is UNSIGNED:
        return True
    cls = type(value)
    return cls.__name__ == 'UNSIGNED' and cls.__module__ == 'botocore'


class Config:
    """Advanced settings for a client.

    Every argument may be given by keyword; they may also be given by
    position, in the order documented below.  Only the options actually
    passed count as "set": the others keep their defaults and leave the
    decision to environment variables and the shared config file.

    :type region_name: str
    :param region_name: Region the client talks to, when no ``region_name``
        is passed to ``client()`` itself.

    :type signature_version: str
    :param signature_version: How requests are signed.  ``"v4"`` is what the
        service uses; :data:`UNSIGNED` sends requests without a signature.

    :type user_agent: str
    :param user_agent: Replaces the whole ``User-Agent`` header value.

    :type user_agent_extra: str
    :param user_agent_extra: Text added at the end of the ``User-Agent``
        header.

    :type user_agent_appid: str
    :param user_agent_appid: Application id put in the ``User-Agent``
        header as ``app/<id>``.  Characters outside ASCII letters, digits and
        ``!#$%&'*+-.^_`|~`` are replaced by ``-``.

    :type connect_timeout: float or int
    :param connect_timeout: Seconds to wait for a connection to be set up
        before giving up with ``ConnectTimeoutError``.  Default: 60.

    :type read_timeout: float or int
    :param read_timeout: Seconds to wait for data on an open connection
        before giving up with ``ReadTimeoutError``.  Default: 60.

    :type parameter_validation: bool
    :param parameter_validation: Check request parameters against the
        service model before sending.  Default: True.  Turning it off saves
        a little time; the service still rejects bad input.

    :type max_pool_connections: int
    :param max_pool_connections: Largest number of connections kept open
        for reuse.  Default: 10.

    :type proxies: dict
    :param proxies: Proxy to use, by scheme or by ``scheme://host``, e.g.
        ``{'https': 'proxy.example.com:3128'}``.  Without it, the
        ``HTTP(S)_PROXY`` / ``NO_PROXY`` environment variables apply.

    :type proxies_config: dict
    :param proxies_config: Extra proxy settings:

        * ``proxy_ca_bundle`` -- CA bundle used to verify an HTTPS proxy.
        * ``proxy_client_cert`` -- client certificate for the proxy, a path
          or a ``(cert_path, key_path)`` tuple.
        * ``proxy_use_forwarding_for_https`` -- send HTTPS requests to the
          proxy with an absolute URI instead of tunnelling (boolean; only for
          trusted proxies).

    :type s3: dict
    :param s3: Amazon S3 settings (``addressing_style``,
        ``use_accelerate_endpoint``, ``payload_signing_enabled``,
        ``us_east_1_regional_endpoint``, ...).  Accepted and validated for
        compatibility; they do not change Amazon Q in Connect requests.

    :type s3_disable_express_session_auth: bool
    :param s3_disable_express_session_auth: Accepted for compatibility;
        Amazon S3 only.

    :type retries: dict
    :param retries: Retry settings:

        * ``total_max_attempts`` -- total attempts per call, first one
          included (1 means never retry).  Wins over ``max_attempts``; the
          ``AWS_MAX_ATTEMPTS`` variable and the ``max_attempts`` config file
          key set the same number.
        * ``max_attempts`` -- retries after the first attempt (0 means never
          retry).
        * ``mode`` -- ``"legacy"`` (default), ``"standard"`` or
          ``"adaptive"`` (standard plus client-side rate limiting).

    :type client_cert: str, (str, str)
    :param client_cert: TLS client certificate: a path to a file holding
        certificate and key, or a ``(cert_path, key_path)`` tuple.

    :type inject_host_prefix: bool
    :param inject_host_prefix: Let operations that model a host prefix put
        it in front of the endpoint host.  Unset means True; set False when
        talking to a custom endpoint whose host must not change.

    :type endpoint_discovery_enabled: bool
    :param endpoint_discovery_enabled: Accepted for compatibility; the
        service has no endpoint discovery.

    :type use_dualstack_endpoint: bool
    :param use_dualstack_endpoint: Use the IPv4/IPv6 endpoint.

    :type use_fips_endpoint: bool
    :param use_fips_endpoint: Use the FIPS 140 endpoint.

    :type ignore_configured_endpoint_urls: bool
    :param ignore_configured_endpoint_urls: Ignore endpoint URLs set through
        ``AWS_ENDPOINT_URL*`` variables and the shared config file.

    :type defaults_mode: str
    :param defaults_mode: Set of default values: ``legacy`` (default),
        ``standard``, ``in-region``, ``cross-region``, ``mobile`` or
        ``auto``.  Modes other than ``legacy`` default to standard retries
        and shorter connect timeouts.

    :type tcp_keepalive: bool
    :param tcp_keepalive: Turn on TCP keep-alive on new connections.
        Default: off.

    :type request_min_compression_size_bytes: int
    :param request_min_compression_size_bytes: Smallest body size, in
        bytes, that is compressed for operations that support request
        compression (1 to 1048576).  Default: 10240.

    :type disable_request_compression: bool
    :param disable_request_compression: Never compress request bodies.

    :type client_context_params: dict
    :param client_context_params: Service-specific endpoint parameters;
        unknown keys are ignored.

    :type sigv4a_signing_region_set: str
    :param sigv4a_signing_region_set: Regions a SigV4a signature covers,
        comma separated, ``*`` for all.  Accepted for compatibility.

    :type request_checksum_calculation: str
    :param request_checksum_calculation: ``when_supported`` (default) or
        ``when_required``: when request payload checksums are computed.

    :type response_checksum_validation: str
    :param response_checksum_validation: ``when_supported`` (default) or
        ``when_required``: when response payload checksums are checked.

    :type account_id_endpoint_mode: str
    :param account_id_endpoint_mode: ``preferred`` (default), ``disabled``
        or ``required``: whether endpoints may be chosen by account id.

    :type auth_scheme_preference: str
    :param auth_scheme_preference: Comma separated auth scheme names, most
        preferred first.

    :type total_timeout: float or int
    :param total_timeout: Overall deadline, in seconds, for one API call
        across all of its attempts, retry back-off included.  When it runs
        out the call stops with the error of the last attempt (or a
        ``ReadTimeoutError`` / ``ConnectTimeoutError`` if the deadline cut an
        attempt short).  Default: None, meaning no overall deadline, which is
        how botocore behaves.  This option is specific to qconnect_c.
    """

    OPTION_DEFAULTS = {
        'region_name': None,
        'signature_version': None,
        'user_agent': None,
        'user_agent_extra': None,
        'user_agent_appid': None,
        'connect_timeout': DEFAULT_TIMEOUT,
        'read_timeout': DEFAULT_TIMEOUT,
        'parameter_validation': True,
        'max_pool_connections': MAX_POOL_CONNECTIONS,
        'proxies': None,
        'proxies_config': None,
        's3': None,
        's3_disable_express_session_auth': None,
        'retries': None,
        'client_cert': None,
        'inject_host_prefix': None,
        'endpoint_discovery_enabled': None,
        'use_dualstack_endpoint': None,
        'use_fips_endpoint': None,
        'ignore_configured_endpoint_urls': None,
        'defaults_mode': None,
        'tcp_keepalive': None,
        'request_min_compression_size_bytes': None,
        'disable_request_compression': None,
        'client_context_params': None,
        'sigv4a_signing_region_set': None,
        'request_checksum_calculation': None,
        'response_checksum_validation': None,
        'account_id_endpoint_mode': None,
        'auth_scheme_preference': None,
        # Specific to qconnect_c; kept last so positional arguments map to
        # the same options as in botocore.
        'total_timeout': None,
    }

    #: Defaults replaced when ``defaults_mode`` is given and not "legacy".
    NON_LEGACY_OPTION_DEFAULTS = {
        'connect_timeout': None,
    }

    # inject_host_prefix reads True while unset, yet remembers that it was
    # not set so environment and config-file values can still apply.
    @property
    def inject_host_prefix(self):
        if self._inject_host_prefix == 'UNSET':
            return True
        return self._inject_host_prefix

    @inject_host_prefix.setter
    def inject_host_prefix(self, value):
        self._inject_host_prefix = value

    def __init__(self, *args, **kwargs):
        self._user_provided_options = self._record_user_provided_options(
            args, kwargs
        )
        self._inject_host_prefix = 'UNSET'

        values = dict(self.OPTION_DEFAULTS)
        if self._user_provided_options.get('defaults_mode', 'legacy') != (
            'legacy'
        ):
            values.update(self.NON_LEGACY_OPTION_DEFAULTS)
        values.update(self._user_provided_options)

        for key, value in values.items():
            if (
                key == 'inject_host_prefix'
                and key not in self._user_provided_options
            ):
                continue
            setattr(self, key, value)

        self._validate_s3_configuration(self.s3)
        self._validate_retry_configuration(self.retries)
        self._validate_total_timeout(self.total_timeout)

    def _record_user_provided_options(self, args, kwargs):
        """Return the options the caller set, keyed by name, in call order."""
        order = list(self.OPTION_DEFAULTS)
        provided = {}
        for key, value in kwargs.items():
            if key not in self.OPTION_DEFAULTS:
                raise TypeError(f"Got unexpected keyword argument '{key}'")
            provided[key] = value

        if len(args) > len(order):
            raise TypeError(
                f"Takes at most {len(order)} arguments ({len(args)} given)"
            )
        for index, value in enumerate(args):
            name = order[index]
            if name in provided:
                raise TypeError(
                    f"Got multiple values for keyword argument '{name}'"
                )
            provided[name] = value
        return provided

    def _validate_s3_configuration(self, s3):
        if s3 is None:
            return
        style = s3.get('addressing_style')
        if style not in ('virtual', 'auto', 'path', None):
            raise InvalidS3AddressingStyleError(s3_addressing_style=style)

    def _validate_retry_configuration(self, retries):
        if retries is None:
            return
        valid_options = ('max_attempts', 'mode', 'total_max_attempts')
        valid_modes = ('legacy', 'standard', 'adaptive')
        for key, value in retries.items():
            if key not in valid_options:
                raise InvalidRetryConfigurationError(
                    retry_config_option=key, valid_options=valid_options
                )
            if key == 'max_attempts' and value < 0:
                raise InvalidMaxRetryAttemptsError(
                    provided_max_attempts=value, min_value=0
                )
            if key == 'total_max_attempts' and value < 1:
                raise InvalidMaxRetryAttemptsError(
                    provided_max_attempts=value, min_value=1
                )
            if key == 'mode' and value not in valid_modes:
                raise InvalidRetryModeError(
                    provided_retry_mode=value, valid_modes=valid_modes
                )

    @staticmethod
    def _validate_total_timeout(value):
        if value is None:
            return
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        if not ok or not value > 0:
            raise InvalidConfigError(
                error_msg=(
                    f'Invalid value "{value}" for total_timeout. Value must '
                    'be a number of seconds greater than 0, or None.'
                )
            )

    def merge(self, other_config):
        """Return a new Config with ``other_config``'s set options on top.

        Only options that were explicitly set count; ``other_config`` wins
        where both set the same option.  ``other_config`` may also be a
        ``botocore.config.Config``.
        """
        import copy

        options = copy.copy(self._user_provided_options)
        options.update(other_config._user_provided_options)
        return Config(**options)


def as_config(config):
    """Return ``config`` as a :class:`Config` (or None).

    A ``botocore.config.Config`` (or anything with ``_user_provided_options``)
    is rebuilt from the options it was given; a :class:`Config` is returned
    as is.
    """
    if config is None or isinstance(config, Config):
        return config
    options = getattr(config, '_user_provided_options', None)
    if options is None:
        raise TypeError(
            f'config must be a qconnect_c.Config or botocore.config.Config, '
            f'not {type(config).__name__}'
        )
    return Config(**options)


def environment_proxy_settings():
    """Return ``(proxies, no_proxy)`` from the environment.

    ``proxies`` maps a scheme to a proxy URL (``HTTPS_PROXY`` ->
    ``'https'``, lower-case names winning, as ``urllib`` reads them);
    ``no_proxy`` is the ``NO_PROXY`` value or None.  Use
    :func:`environ_proxies` to apply ``NO_PROXY`` to a given URL exactly as
    botocore does.
    """
    import sys

    if sys.platform not in ('darwin', 'win32') and not any(
        name[-6:].lower() == '_proxy' for name in os.environ
    ):
        return {}, None
    from urllib.request import getproxies

    proxies = dict(getproxies())
    no_proxy = proxies.pop('no', None)
    return proxies, no_proxy


def environ_proxies(url):
    """Return the proxies from the environment that apply to ``url``.

    Same rules as botocore when ``Config(proxies=...)`` is not given:
    ``HTTP_PROXY``/``HTTPS_PROXY``/... as read by ``urllib``, or ``{}`` when
    ``NO_PROXY`` (or the system settings) exclude the URL's host.
    """
    # Imported here: urllib.request is slow to import and rarely needed.
    import socket
    from urllib.parse import urlparse
    from urllib.request import getproxies, proxy_bypass

    try:
        if proxy_bypass(urlparse(url).netloc):
            return {}
    except (TypeError, socket.gaierror):
        pass
    return getproxies()
