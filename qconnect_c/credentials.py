"""Credentials, region and client settings, resolved the way botocore does.

Public names:

* :class:`Credentials` -- access key, secret key, session token, where they
  came from (``method``) and account id.  Its repr never shows the secret
  key or the token.
* :func:`resolve_credentials` -- the credential lookup chain.
* :func:`resolve_client_settings` -- everything a client needs
  (region, endpoint URL, TLS verification, retries, timeouts, ...) as a
  :class:`ClientSettings`.
* :class:`SessionBase` -- the non-client half of ``boto3.Session``.

Where values come from, highest priority first (as in botocore 1.43.11):

* region: ``client(region_name=)``, ``Config.region_name``,
  ``Session(region_name=)``, ``AWS_DEFAULT_REGION``, ``region`` in the
  profile.  (``AWS_REGION`` is not read, as in botocore.)
* profile: ``Session(profile_name=)``, ``AWS_DEFAULT_PROFILE``,
  ``AWS_PROFILE``, else the ``[default]`` section.
* files: ``AWS_CONFIG_FILE`` (default ``~/.aws/config``) and
  ``AWS_SHARED_CREDENTIALS_FILE`` (default ``~/.aws/credentials``).  The
  profiles of the credentials file are merged over those of the config
  file, so a ``region`` written in the credentials file counts too.
* most other settings: ``Config`` option, environment variable, profile key,
  default -- e.g. ``AWS_RETRY_MODE``/``retry_mode``,
  ``AWS_MAX_ATTEMPTS``/``max_attempts``,
  ``AWS_USE_FIPS_ENDPOINT``/``use_fips_endpoint``,
  ``AWS_USE_DUALSTACK_ENDPOINT``/``use_dualstack_endpoint``,
  ``AWS_CA_BUNDLE``/``ca_bundle``, ``AWS_DEFAULTS_MODE``/``defaults_mode``,
  ``AWS_ENDPOINT_URL_QCONNECT``, ``AWS_ENDPOINT_URL``, ``[services]``
  sections and ``endpoint_url`` (unless ``ignore_configured_endpoint_urls``
  / ``AWS_IGNORE_CONFIGURED_ENDPOINT_URLS``).

Credential chain, in botocore's order:

1. explicit keys (client arguments, then ``Session`` arguments);
2. ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` /
   ``AWS_SESSION_TOKEN`` (or ``AWS_SECURITY_TOKEN``) / ``AWS_ACCOUNT_ID``
   -- skipped when the session was given ``profile_name``;
3. assume-role (``role_arn``) and web-identity profiles, SSO profiles;
4. the shared credentials file;
5. ``login_session`` and ``credential_process`` profiles;
6. the config file;
7. ``AWS_CREDENTIAL_FILE`` (EC2 tools format), then the boto2 files
   (``BOTO_CONFIG``, or ``/etc/boto.cfg`` and ``~/.boto``);
8. container credentials (``AWS_CONTAINER_CREDENTIALS_*_URI``);
9. the EC2 instance metadata service.

Sources 3, 5 and 8 need calls to other services and are not supported: when
the chain reaches one that botocore would use, a
``CredentialRetrievalError`` naming it is raised instead of silently
falling through to a different identity.  Source 9 is skipped (the chain
ends with no credentials).  Credentials from ``AWS_CREDENTIAL_EXPIRATION``
are used as static credentials.

This module imports nothing outside the standard library.
"""

import os

from qconnect_c import _configfile
from qconnect_c.config import Config, as_config, is_unsigned
from qconnect_c.exceptions import (
    ConfigNotFound,
    CredentialRetrievalError,
    InvalidChecksumConfigError,
    InvalidConfigError,
    InvalidDefaultsMode,
    InvalidRegionError,
    InvalidS3UsEast1RegionalEndpointConfigError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
)

__all__ = [
    "Credentials",
    "ReadOnlyCredentials",
    "ClientSettings",
    "SessionBase",
    "resolve_credentials",
    "resolve_client_settings",
    "validate_region_name",
]


# --------------------------------------------------------------------------
# Small helpers


def ensure_boolean(val):
    """Return ``val`` as a bool: booleans as is, strings true iff "true"."""
    if isinstance(val, bool):
        return val
    if isinstance(val, str):
        return val.lower() == 'true'
    return False


_HOST_LABEL_CHARS = frozenset(
    'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-')


def _is_host_label(text):
    """Return whether ``text`` matches botocore's host-label pattern
    ``^(?![0-9]+$)(?!-)[a-zA-Z0-9-]{,63}(?<!-)$`` (``re.match``, where
    ``$`` also matches before a final newline), without importing re."""
    if text.endswith('\n'):
        text = text[:-1]
    return (len(text) <= 63
            and all(c in _HOST_LABEL_CHARS for c in text)
            and not text.startswith('-')
            and not text.endswith('-')
            and not (text and all('0' <= c <= '9' for c in text)))


def validate_region_name(region_name):
    """Raise InvalidRegionError unless ``region_name`` is None or a host label."""
    if region_name is None:
        return
    if isinstance(region_name, str):
        valid = _is_host_label(region_name)
    else:  # re's own TypeError for what is not text, as botocore raises
        import re

        valid = re.match(r'^(?![0-9]+$)(?!-)[a-zA-Z0-9-]{,63}(?<!-)$',
                         region_name)
    if not valid:
        raise InvalidRegionError(region_name=region_name)


def _mask(value):
    """Return a display form of an identifier showing its last 4 chars."""
    if value is None:
        return None
    text = str(value)
    if len(text) <= 4:
        return '*' * len(text)
    return '*' * 16 + text[-4:]


# --------------------------------------------------------------------------
# Credentials


class ReadOnlyCredentials(tuple):
    """Frozen ``(access_key, secret_key, token, account_id)`` tuple."""

    __slots__ = ()
    _fields = ('access_key', 'secret_key', 'token', 'account_id')

    def __new__(cls, access_key, secret_key, token, account_id=None):
        return tuple.__new__(cls, (access_key, secret_key, token, account_id))

    access_key = property(lambda self: self[0])
    secret_key = property(lambda self: self[1])
    token = property(lambda self: self[2])
    account_id = property(lambda self: self[3])

    def __getnewargs__(self):
        return tuple(self)

    def __repr__(self):
        return (
            f'ReadOnlyCredentials(access_key={_mask(self[0])!r}, '
            f'secret_key={"<hidden>" if self[1] is not None else None}, '
            f'token={"<hidden>" if self[2] is not None else None}, '
            f'account_id={self[3]!r})'
        )

    __str__ = __repr__


class Credentials:
    """The keys used to sign requests.

    :ivar access_key: access key id.
    :ivar secret_key: secret access key (never shown by repr/str).
    :ivar token: session token, or None (never shown by repr/str).
    :ivar method: where the keys were found, with botocore's names:
        ``explicit``, ``env``, ``shared-credentials-file``, ``config-file``,
        ``ec2-credentials-file``, ``boto-config``.
    :ivar account_id: account id, or None.
    """

    def __init__(
        self, access_key, secret_key, token=None, method=None, account_id=None
    ):
        self.access_key = access_key
        self.secret_key = secret_key
        self.token = token
        self.method = 'explicit' if method is None else method
        self.account_id = account_id

    def get_frozen_credentials(self):
        """Return the keys as a :class:`ReadOnlyCredentials` tuple."""
        return ReadOnlyCredentials(
            self.access_key, self.secret_key, self.token, self.account_id
        )

    def get_deferred_property(self, property_name):
        """Return a function that reads ``property_name`` when called."""

        def get_property():
            return getattr(self, property_name, None)

        return get_property

    def __repr__(self):
        return (
            f'Credentials(access_key={_mask(self.access_key)!r}, '
            f'secret_key={"<hidden>" if self.secret_key is not None else None}, '
            f'token={"<hidden>" if self.token is not None else None}, '
            f'method={self.method!r}, account_id={self.account_id!r})'
        )

    __str__ = __repr__

    def __reduce__(self):
        # Pickling copies the keys; only the text forms hide them.
        return (
            Credentials,
            (
                self.access_key,
                self.secret_key,
                self.token,
                self.method,
                self.account_id,
            ),
        )


# --------------------------------------------------------------------------
# Configuration variables: logical name -> (config file key(s), environment
# variable(s), default, conversion).  A config key given as a tuple
# (section, key) names a key inside a nested block of the profile.

_SESSION_VARIABLES = {
    'profile': (None, ['AWS_DEFAULT_PROFILE', 'AWS_PROFILE'], None, None),
    'region': ('region', 'AWS_DEFAULT_REGION', None, None),
    'data_path': ('data_path', 'AWS_DATA_PATH', None, None),
    'config_file': (None, 'AWS_CONFIG_FILE', '~/.aws/config', None),
    'ca_bundle': ('ca_bundle', 'AWS_CA_BUNDLE', None, None),
    'api_versions': ('api_versions', None, {}, None),
    'credentials_file': (
        None,
        'AWS_SHARED_CREDENTIALS_FILE',
        '~/.aws/credentials',
        None,
    ),
    'use_dualstack_endpoint': (
        'use_dualstack_endpoint',
        'AWS_USE_DUALSTACK_ENDPOINT',
        None,
        ensure_boolean,
    ),
    'use_fips_endpoint': (
        'use_fips_endpoint',
        'AWS_USE_FIPS_ENDPOINT',
        None,
        ensure_boolean,
    ),
    'ignore_configured_endpoint_urls': (
        'ignore_configured_endpoint_urls',
        'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS',
        None,
        ensure_boolean,
    ),
    'parameter_validation': ('parameter_validation', None, True, None),
    'endpoint_discovery_enabled': (
        'endpoint_discovery_enabled',
        'AWS_ENDPOINT_DISCOVERY_ENABLED',
        'auto',
        None,
    ),
    'retry_mode': ('retry_mode', 'AWS_RETRY_MODE', 'legacy', None),
    'defaults_mode': ('defaults_mode', 'AWS_DEFAULTS_MODE', 'legacy', None),
    'max_attempts': ('max_attempts', 'AWS_MAX_ATTEMPTS', None, int),
    'user_agent_appid': ('sdk_ua_app_id', 'AWS_SDK_UA_APP_ID', None, None),
    'request_min_compression_size_bytes': (
        'request_min_compression_size_bytes',
        'AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES',
        10240,
        None,
    ),
    'disable_request_compression': (
        'disable_request_compression',
        'AWS_DISABLE_REQUEST_COMPRESSION',
        False,
        ensure_boolean,
    ),
    'sigv4a_signing_region_set': (
        'sigv4a_signing_region_set',
        'AWS_SIGV4A_SIGNING_REGION_SET',
        None,
        None,
    ),
    'request_checksum_calculation': (
        'request_checksum_calculation',
        'AWS_REQUEST_CHECKSUM_CALCULATION',
        'when_supported',
        None,
    ),
    'response_checksum_validation': (
        'response_checksum_validation',
        'AWS_RESPONSE_CHECKSUM_VALIDATION',
        'when_supported',
        None,
    ),
    'account_id_endpoint_mode': (
        'account_id_endpoint_mode',
        'AWS_ACCOUNT_ID_ENDPOINT_MODE',
        'preferred',
        None,
    ),
    'disable_host_prefix_injection': (
        'disable_host_prefix_injection',
        'AWS_DISABLE_HOST_PREFIX_INJECTION',
        None,
        ensure_boolean,
    ),
    'auth_scheme_preference': (
        'auth_scheme_preference',
        'AWS_AUTH_SCHEME_PREFERENCE',
        None,
        None,
    ),
    'tcp_keepalive': (
        'tcp_keepalive',
        'BOTOCORE_TCP_KEEPALIVE',
        None,
        ensure_boolean,
    ),
    's3_disable_express_session_auth': (
        's3_disable_express_session_auth',
        'AWS_S3_DISABLE_EXPRESS_SESSION_AUTH',
        None,
        None,
    ),
}

# Keys of the "s3" block; only reported in ClientSettings.config.s3.
_S3_VARIABLES = {
    'addressing_style': (('s3', 'addressing_style'), None, None, None),
    'use_accelerate_endpoint': (
        ('s3', 'use_accelerate_endpoint'),
        None,
        None,
        ensure_boolean,
    ),
    'use_dualstack_endpoint': (
        ('s3', 'use_dualstack_endpoint'),
        None,
        None,
        ensure_boolean,
    ),
    'payload_signing_enabled': (
        ('s3', 'payload_signing_enabled'),
        None,
        None,
        ensure_boolean,
    ),
    'use_arn_region': (
        ['s3_use_arn_region', ('s3', 'use_arn_region')],
        'AWS_S3_USE_ARN_REGION',
        None,
        ensure_boolean,
    ),
    'us_east_1_regional_endpoint': (
        [
            's3_us_east_1_regional_endpoint',
            ('s3', 'us_east_1_regional_endpoint'),
        ],
        'AWS_S3_US_EAST_1_REGIONAL_ENDPOINT',
        None,
        None,
    ),
    's3_disable_multiregion_access_points': (
        ('s3', 's3_disable_multiregion_access_points'),
        'AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS',
        None,
        ensure_boolean,
    ),
}

# defaults_mode tables (botocore's sdk-default-configuration.json, v1).
_DEFAULT_MODES = ('legacy', 'auto', 'standard', 'in-region', 'cross-region',
                  'mobile')
_MODE_CONNECT_TIMEOUT_MS = {
    'standard': 3100,
    'in-region': 1100,
    'cross-region': 3100,
    'mobile': 30000,
}
_MODE_RETRY_MODE = 'standard'
_MODE_S3_US_EAST_1 = 'regional'

# Endpoint prefix per client name (names the profile's per-service block).
_ENDPOINT_PREFIXES = {'qconnect': 'wisdom'}

# Endpoint URL environment variable / services-section key per client name.
_SERVICE_ENDPOINT_IDS = {'qconnect': 'qconnect'}

_VALID_CHECKSUM_CONFIG = ('when_supported', 'when_required')
_VALID_ACCOUNT_ID_ENDPOINT_MODES = ('preferred', 'disabled', 'required')
_VALID_S3_REGIONAL_CONFIG = ('legacy', 'regional')
_USERAGENT_APPID_MAXLEN = 50

# Total attempts used when no count is configured, per retry mode.
_DEFAULT_TOTAL_ATTEMPTS = {'legacy': 5, 'standard': 3, 'adaptive': 3}


def _as_list(value):
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


# --------------------------------------------------------------------------
# Session


class SessionBase:
    """Configuration state shared by the clients of a session.

    Mirrors the non-client parts of ``boto3.Session``: the profile, the
    region, the credentials and the list of profiles.  The shared config and
    credentials files are read once, when the session is created (as
    boto3 does); environment variables are read each time a value is
    needed.

    :param aws_access_key_id: access key id for every client of the session.
    :param aws_secret_access_key: secret access key.
    :param aws_session_token: session token.
    :param region_name: default region for clients.
    :param botocore_session: kept for positional compatibility with
        ``boto3.Session``; must be None.
    :param profile_name: profile to use.  Naming a profile also turns off
        the credential environment variables, as in botocore.
    :param aws_account_id: account id that goes with the keys.

    :raises ProfileNotFound: the profile exists in neither file.
    :raises ConfigParseError: a file is not valid INI.
    :raises NoCredentialsError: ``aws_account_id`` was given without both
        keys.
    """

    def __init__(
        self,
        aws_access_key_id=None,
        aws_secret_access_key=None,
        aws_session_token=None,
        region_name=None,
        botocore_session=None,
        profile_name=None,
        aws_account_id=None,
    ):
        if botocore_session is not None:
            raise TypeError(
                'qconnect_c sessions cannot wrap a botocore session; pass '
                'profile_name, region_name or credentials instead'
            )
        self._instance_vars = {}
        self._full_config = None
        self._credentials = None
        self._default_client_config = None
        if profile_name is not None:
            self._instance_vars['profile'] = profile_name

        if aws_access_key_id or aws_secret_access_key or (
            aws_session_token or aws_account_id
        ):
            if aws_account_id is not None and (
                aws_access_key_id is None or aws_secret_access_key is None
            ):
                raise NoCredentialsError()
            self._credentials = Credentials(
                aws_access_key_id,
                aws_secret_access_key,
                aws_session_token,
                account_id=aws_account_id,
            )

        if region_name is not None:
            self._instance_vars['region'] = region_name

        # boto3 looks up "data_path" while building the session; when no
        # AWS_DATA_PATH is set that reads the profile, so a missing profile
        # or an unreadable file fails here, not at the first client.
        self.get_config_variable('data_path')

    def __repr__(self):
        return f'{type(self).__name__}(region_name={self.region_name!r})'

    # ----------------------------------------------------------- properties

    @property
    def profile_name(self):
        """The profile in use (read-only); ``'default'`` when none is set."""
        return self.get_config_variable('profile') or 'default'

    @property
    def region_name(self):
        """The session's region (read-only), or None."""
        return self.get_config_variable('region')

    @property
    def available_profiles(self):
        """Names of the profiles of the config and credentials files."""
        return list(self.full_config['profiles'].keys())

    def get_credentials(self):
        """Return the session's :class:`Credentials` or None.

        The lookup runs once; later calls return the same object.
        """
        if self._credentials is None:
            self._credentials = _load_credentials(self)
        return self._credentials

    # -------------------------------------------------- configuration access

    def get_config_variable(self, logical_name):
        """Return a setting, from the session, environment, profile, default.

        Returns None for unknown names.
        """
        spec = _SESSION_VARIABLES.get(logical_name)
        if spec is None:
            return None
        return self._lookup(logical_name, spec)

    def _lookup(self, instance_name, spec, environ=None, smart=None):
        """Return the first non-None value of a variable's chain, converted."""
        config_names, env_names, default, convert = spec
        if smart is not None:
            default = smart
        value = None
        if instance_name is not None:
            value = self._instance_vars.get(instance_name)
        if value is None and env_names is not None:
            env = os.environ if environ is None else environ
            for name in _as_list(env_names):
                if name in env:
                    value = env[name]
                    break
        if value is None and config_names is not None:
            scoped = self.get_scoped_config()
            for name in _as_list(config_names):
                if isinstance(name, tuple):
                    section = scoped.get(name[0])
                    value = (
                        section.get(name[1])
                        if isinstance(section, dict)
                        else None
                    )
                else:
                    value = scoped.get(name)
                if value is not None:
                    break
        if value is None:
            value = default
        if value is not None and convert is not None:
            value = convert(value)
        return value

    @property
    def full_config(self):
        """The parsed config file, with credentials-file profiles merged in.

        A dict with ``profiles`` (name -> settings) and any other sections.
        """
        if self._full_config is None:
            try:
                config = _configfile.load_config(
                    self.get_config_variable('config_file')
                )
            except ConfigNotFound:
                config = {'profiles': {}}
            try:
                cred_profiles = _configfile.raw_config_parse(
                    self.get_config_variable('credentials_file')
                )
            except ConfigNotFound:
                cred_profiles = {}
            profiles = config['profiles']
            for name, values in cred_profiles.items():
                if name not in profiles:
                    profiles[name] = values
                else:
                    profiles[name].update(values)
            self._full_config = config
        return self._full_config

    def get_scoped_config(self):
        """Return the settings of the current profile (a dict).

        :raises ProfileNotFound: a profile was named and does not exist.
        """
        profile_name = self.get_config_variable('profile')
        profiles = self.full_config['profiles']
        if profile_name is None:
            return profiles.get('default', {})
        if profile_name not in profiles:
            raise ProfileNotFound(profile=profile_name)
        return profiles[profile_name]

    def get_default_client_config(self):
        """Return the Config merged under every client's config, or None."""
        return self._default_client_config

    def set_default_client_config(self, client_config):
        """Set a Config merged under every client's config (None clears)."""
        self._default_client_config = as_config(client_config)

    # --------------------------------------------------------------- clients

    def _resolve_client_settings(
        self,
        service_name,
        region_name=None,
        api_version=None,
        use_ssl=True,
        verify=None,
        endpoint_url=None,
        aws_access_key_id=None,
        aws_secret_access_key=None,
        aws_session_token=None,
        config=None,
        aws_account_id=None,
        user_agent=None,
    ):
        """Return the :class:`ClientSettings` for a new client.

        Takes the arguments of ``boto3.Session.client`` (``user_agent`` is
        the ``User-Agent`` the client will send, recorded in
        ``settings.config.user_agent``) and checks them in botocore's order.
        """
        return _resolve(
            self,
            service_name,
            region_name,
            api_version,
            use_ssl,
            verify,
            endpoint_url,
            aws_access_key_id,
            aws_secret_access_key,
            aws_session_token,
            config,
            aws_account_id,
            user_agent,
        )


# --------------------------------------------------------------------------
# Credential chain


def _unsupported(method, what):
    return CredentialRetrievalError(
        provider=method,
        error_msg=(
            f'{what} is not supported by qconnect_c; provide keys through '
            'arguments, environment variables or the shared credentials or '
            'config file'
        ),
    )


def _from_mapping(values, method, token_names, account_key):
    """Return Credentials from a file section holding aws_access_key_id."""
    access_key = values['aws_access_key_id']
    if 'aws_secret_access_key' not in values:
        raise PartialCredentialsError(
            provider=method, cred_var='aws_secret_access_key'
        )
    token = None
    for name in token_names:
        if name in values:
            token = values[name]
            break
    return Credentials(
        access_key,
        values['aws_secret_access_key'],
        token,
        method=method,
        account_id=values.get(account_key) if account_key else None,
    )


def _env_credentials(environ):
    """Return Credentials from AWS_* environment variables, or None."""
    access_key = environ.get('AWS_ACCESS_KEY_ID', '')
    if not access_key:
        return None
    secret_key = environ.get('AWS_SECRET_ACCESS_KEY', '')
    if not secret_key:
        raise PartialCredentialsError(
            provider='env', cred_var='AWS_SECRET_ACCESS_KEY'
        )
    token = None
    for name in ('AWS_SECURITY_TOKEN', 'AWS_SESSION_TOKEN'):
        if environ.get(name, ''):
            token = environ[name]
            break
    account_id = environ.get('AWS_ACCOUNT_ID', '') or None
    return Credentials(
        access_key, secret_key, token, method='env', account_id=account_id
    )


def _load_credentials(session):
    """Run the credential chain for ``session``; return Credentials or None."""
    environ = os.environ
    profile_name = session.get_config_variable('profile') or 'default'
    env_disabled = session._instance_vars.get('profile') is not None

    # 1. environment variables
    if not env_disabled:
        creds = _env_credentials(environ)
        if creds is not None:
            return creds

    profiles = session.full_config.get('profiles', {})
    profile = profiles.get(profile_name, {})

    # 2. assume role
    if 'role_arn' in profile and 'web_identity_token_file' not in profile:
        raise _unsupported(
            'assume-role',
            f'Assuming a role (role_arn in profile "{profile_name}")',
        )

    # 3. assume role with web identity
    def web_identity_value(key, env_key):
        if not env_disabled and env_key in environ:
            return environ[env_key]
        return profile.get(key)

    if web_identity_value(
        'web_identity_token_file', 'AWS_WEB_IDENTITY_TOKEN_FILE'
    ):
        if not web_identity_value('role_arn', 'AWS_ROLE_ARN'):
            raise InvalidConfigError(
                error_msg=(
                    'The provided profile or the current environment is '
                    'configured to assume role with web identity but has no '
                    'role ARN configured. Ensure that the profile has the '
                    'role_arnconfiguration set or the AWS_ROLE_ARN env var '
                    'is set.'
                )
            )
        raise _unsupported(
            'assume-role-with-web-identity', 'Web identity federation'
        )

    # 4. SSO
    if 'sso_role_name' in profile or 'sso_account_id' in profile:
        raise _unsupported(
            'sso', f'IAM Identity Center (SSO) profile "{profile_name}"'
        )

    # 5. shared credentials file
    try:
        cred_sections = _configfile.raw_config_parse(
            session.get_config_variable('credentials_file')
        )
    except ConfigNotFound:
        cred_sections = {}
    section = cred_sections.get(profile_name)
    if section is not None and 'aws_access_key_id' in section:
        return _from_mapping(
            section,
            'shared-credentials-file',
            ('aws_security_token', 'aws_session_token'),
            'aws_account_id',
        )

    # 6. console login sessions
    if 'login_session' in profile:
        raise _unsupported(
            'login', f'Login session profile "{profile_name}"'
        )

    # 7. credential_process
    if profile.get('credential_process') is not None:
        raise _unsupported(
            'custom-process',
            f'credential_process (profile "{profile_name}")',
        )

    # 8. config file
    try:
        config_only = _configfile.load_config(
            session.get_config_variable('config_file')
        )
    except ConfigNotFound:
        config_only = None
    if config_only is not None:
        section = config_only['profiles'].get(profile_name)
        if section is not None and 'aws_access_key_id' in section:
            return _from_mapping(
                section,
                'config-file',
                ('aws_security_token', 'aws_session_token'),
                'aws_account_id',
            )

    # 9. EC2 tools credential file
    if 'AWS_CREDENTIAL_FILE' in environ:
        values = _configfile.parse_key_val_file(
            os.path.expanduser(environ['AWS_CREDENTIAL_FILE'])
        )
        if 'AWSAccessKeyId' in values:
            return Credentials(
                values['AWSAccessKeyId'],
                values['AWSSecretKey'],
                method='ec2-credentials-file',
            )

    # 10. boto2 config files
    if 'BOTO_CONFIG' in environ:
        locations = [environ['BOTO_CONFIG']]
    else:
        locations = ['/etc/boto.cfg', '~/.boto']
    for filename in locations:
        try:
            boto_config = _configfile.raw_config_parse(filename)
        except ConfigNotFound:
            continue
        section = boto_config.get('Credentials')
        if section is not None and 'aws_access_key_id' in section:
            return _from_mapping(section, 'boto-config', (), None)

    # 11. container credentials
    if (
        'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI' in environ
        or 'AWS_CONTAINER_CREDENTIALS_FULL_URI' in environ
    ):
        raise _unsupported('container-role', 'Container credentials')

    # 12. instance metadata: not consulted.
    return None


def resolve_credentials(session_args=None, profile=None):
    """Return the :class:`Credentials` botocore would use, or None.

    :param session_args: dict that may hold ``aws_access_key_id``,
        ``aws_secret_access_key``, ``aws_session_token`` and
        ``aws_account_id`` given by the caller.  Both keys win over every
        other source; one key without the other raises
        ``PartialCredentialsError`` (as ``client()`` does in botocore).
    :param profile: profile name given by the caller, or None to use
        ``AWS_DEFAULT_PROFILE`` / ``AWS_PROFILE`` / ``default``.  A given
        profile disables the credential environment variables.

    :raises PartialCredentialsError, ProfileNotFound, ConfigParseError,
        CredentialRetrievalError: see the module documentation.
    """
    args = session_args or {}
    explicit = _explicit_credentials(
        args.get('aws_access_key_id'),
        args.get('aws_secret_access_key'),
        args.get('aws_session_token'),
        args.get('aws_account_id'),
    )
    if explicit is not None:
        return explicit
    return SessionBase(profile_name=profile).get_credentials()


def _explicit_credentials(access_key, secret_key, token, account_id):
    """Return explicit client credentials, None if neither key is given."""
    if access_key is not None and secret_key is not None:
        return Credentials(
            access_key, secret_key, token, account_id=account_id
        )
    if access_key is not None:
        raise PartialCredentialsError(
            provider='explicit', cred_var='aws_secret_access_key'
        )
    if secret_key is not None:
        raise PartialCredentialsError(
            provider='explicit', cred_var='aws_access_key_id'
        )
    return None


# --------------------------------------------------------------------------
# Client settings


class ClientSettings:
    """Everything a client needs, resolved.

    :ivar service_name: client name (``"qconnect"``).
    :ivar region_name: region (never None; NoRegionError is raised first).
    :ivar api_version: requested API version, or None for the latest.
    :ivar use_ssl: use https when the endpoint comes from the rules.
    :ivar endpoint_url: endpoint URL given or configured
        (argument, ``AWS_ENDPOINT_URL_QCONNECT``, ``AWS_ENDPOINT_URL``,
        ``[services]`` section, profile ``endpoint_url``), or None to use
        the endpoint rules.  This is the rules' ``SDK::Endpoint``.
    :ivar verify: True (default CA bundle), False (no verification) or a
        CA bundle path.
    :ivar credentials: :class:`Credentials`, or None (unsigned requests, or
        nothing found: signing must then raise NoCredentialsError).
    :ivar unsigned: True when ``signature_version`` is ``UNSIGNED``.
    :ivar signature_version: ``"v4"`` unless the Config says otherwise.
    :ivar retry_mode: ``"legacy"``, ``"standard"`` or ``"adaptive"``.
    :ivar total_max_attempts: configured total attempts, or None.
    :ivar max_attempts: total attempts to make (first included), after
        defaults: the configured count, else 5 for legacy and 3 for
        standard/adaptive.
    :ivar connect_timeout, read_timeout: seconds.
    :ivar total_timeout: overall deadline in seconds, or None.
    :ivar max_pool_connections: connection pool size.
    :ivar proxies: ``Config.proxies`` when given (used for every host),
        else the proxies of the environment (``{'https': url, ...}``,
        possibly empty).
    :ivar no_proxy: with environment proxies, the ``NO_PROXY`` value (hosts
        that bypass the proxy), else None.  For botocore's exact rule on a
        final URL use :func:`qconnect_c.config.environ_proxies`.
    :ivar proxies_config: ``Config.proxies_config`` or None.
    :ivar client_cert: path or (cert, key) tuple, or None.
    :ivar tcp_keepalive: bool.
    :ivar parameter_validation: bool.
    :ivar inject_host_prefix: bool.
    :ivar use_fips_endpoint, use_dualstack_endpoint: the rules'
        ``AWS::UseFIPS`` / ``AWS::UseDualStack`` (False when an endpoint URL
        is set).
    :ivar user_agent: the Config's ``user_agent`` (None when not set).
    :ivar user_agent_extra, user_agent_appid: from the Config or
        environment.
    :ivar request_min_compression_size_bytes, disable_request_compression,
        request_checksum_calculation, response_checksum_validation,
        account_id_endpoint_mode, auth_scheme_preference,
        sigv4a_signing_region_set, client_context_params: resolved values.
    :ivar defaults_mode: the resolved mode (``"auto"`` already resolved).
    :ivar profile: the profile name in use (None for the default).
    :ivar config: a :class:`Config` equal to what botocore puts in
        ``client.meta.config``.
    """

    __slots__ = (
        'service_name', 'region_name', 'api_version', 'use_ssl',
        'endpoint_url', 'verify', 'credentials', 'unsigned',
        'signature_version', 'retry_mode', 'total_max_attempts',
        'max_attempts', 'connect_timeout', 'read_timeout', 'total_timeout',
        'max_pool_connections', 'proxies', 'no_proxy', 'proxies_config',
        'client_cert',
        'tcp_keepalive', 'parameter_validation', 'inject_host_prefix',
        'use_fips_endpoint', 'use_dualstack_endpoint', 'user_agent',
        'user_agent_extra', 'user_agent_appid',
        'request_min_compression_size_bytes', 'disable_request_compression',
        'request_checksum_calculation', 'response_checksum_validation',
        'account_id_endpoint_mode', 'auth_scheme_preference',
        'sigv4a_signing_region_set', 'client_context_params',
        'defaults_mode', 'profile', 'config',
    )

    def __init__(self, **kwargs):
        for name in self.__slots__:
            setattr(self, name, kwargs.pop(name, None))
        if kwargs:
            raise TypeError(f'unknown settings: {sorted(kwargs)}')

    def as_dict(self):
        """Return the settings as a dict (credentials object included)."""
        return {name: getattr(self, name) for name in self.__slots__}

    def __repr__(self):
        shown = []
        for name in self.__slots__:
            if name in ('config', 'proxies', 'no_proxy', 'proxies_config'):
                continue
            shown.append(f'{name}={getattr(self, name)!r}')
        return f'ClientSettings({", ".join(shown)})'


def _configured_endpoint_url(session, service_name, scoped):
    """Return the endpoint URL from environment or config file, or None."""
    service_id = _SERVICE_ENDPOINT_IDS.get(service_name, service_name)
    service_id = service_id.replace('-', '_')
    environ = os.environ
    value = environ.get(f'AWS_ENDPOINT_URL_{service_id.upper()}')
    if value:
        return value
    value = environ.get('AWS_ENDPOINT_URL')
    if value:
        return value
    if 'services' in scoped:
        section_name = scoped['services']
        section = session.full_config.get('services', {}).get(section_name)
        if not section:
            raise InvalidConfigError(
                error_msg=(
                    'The profile is configured to use the services section '
                    f'but the "{section_name}" services configuration does '
                    'not exist.'
                )
            )
        value = section.get(service_id.lower(), {}).get('endpoint_url')
        if value:
            return value
    value = scoped.get('endpoint_url')
    if value:
        return value
    return None


def _resolve_defaults_mode(session, config, region_name):
    """Return (mode, effective mode) after validation; auto is resolved."""
    mode = session.get_config_variable('defaults_mode')
    if config is not None and config.defaults_mode:
        mode = config.defaults_mode
    lmode = mode.lower()
    if lmode not in _DEFAULT_MODES:
        raise InvalidDefaultsMode(
            mode=mode, valid_modes=', '.join(_DEFAULT_MODES)
        )
    effective = lmode
    if lmode == 'auto':
        # Without an instance metadata lookup: the execution environment's
        # region decides, else "standard".
        current = None
        if os.environ.get('AWS_EXECUTION_ENV'):
            current = os.environ.get(
                'AWS_REGION', os.environ.get('AWS_DEFAULT_REGION')
            )
        if current:
            effective = (
                'in-region' if region_name == current else 'cross-region'
            )
        else:
            effective = 'standard'
    return lmode, effective


def _s3_settings(session, config, smart):
    """Return the merged "s3" block (profile, environment, Config) or None."""
    scoped = session.get_scoped_config()
    section = scoped.get('s3')
    if section and not isinstance(section, dict):
        section = None
    if isinstance(section, dict):
        section = dict(section)
    for key, spec in _S3_VARIABLES.items():
        default = None
        if smart and key == 'us_east_1_regional_endpoint':
            default = _MODE_S3_US_EAST_1
        value = session._lookup(key, spec, smart=default)
        if value is not None:
            if section is None:
                section = {}
            section[key] = value
    if config is not None and config.s3 is not None:
        if section is None:
            section = config.s3
        else:
            section = dict(section)
            section.update(config.s3)
    return section


def _validate_min_compression_size(min_size):
    base = f'Invalid value "{min_size}" for request_min_compression_size_bytes.'
    try:
        min_size = int(min_size)
    except (ValueError, TypeError):
        raise InvalidConfigError(
            error_msg=(
                f'{base} Value must be an integer. '
                f'Received {type(min_size)} instead.'
            )
        ) from None
    if not 1 <= min_size <= 1048576:
        raise InvalidConfigError(
            error_msg=f'{base} Value must be between 1 and 1048576.'
        )
    return min_size


def _checksum_setting(session, kwargs, key):
    value = kwargs.get(key)
    if value is None:
        value = session.get_config_variable(key)
    if isinstance(value, str):
        value = value.lower()
    if value not in _VALID_CHECKSUM_CONFIG:
        raise InvalidChecksumConfigError(
            config_key=key,
            config_value=value,
            valid_options=_VALID_CHECKSUM_CONFIG,
        )
    return value


def _resolve(
    session,
    service_name,
    region_name,
    api_version,
    use_ssl,
    verify,
    endpoint_url,
    aws_access_key_id,
    aws_secret_access_key,
    aws_session_token,
    config,
    aws_account_id,
    user_agent,
):
    """Return ClientSettings, raising errors in botocore's order."""
    config = as_config(config)
    default_config = session.get_default_client_config()
    if config is not None and default_config is not None:
        config = default_config.merge(config)
    elif default_config is not None:
        config = default_config

    # Region.
    if region_name is None:
        if config is not None and config.region_name is not None:
            region_name = config.region_name
        else:
            region_name = session.get_config_variable('region')
    validate_region_name(region_name)

    if verify is None:
        verify = session.get_config_variable('ca_bundle')
    if api_version is None:
        api_version = session.get_config_variable('api_versions').get(
            service_name, None
        )

    # Credentials.
    unsigned = config is not None and is_unsigned(config.signature_version)
    if unsigned:
        credentials = None
    else:
        credentials = _explicit_credentials(
            aws_access_key_id,
            aws_secret_access_key,
            aws_session_token,
            aws_account_id,
        )
        if credentials is None:
            credentials = session.get_credentials()

    # Defaults mode.
    _, mode = _resolve_defaults_mode(session, config, region_name)
    smart = mode != 'legacy'

    scoped = session.get_scoped_config()

    # FIPS pseudo-regions ("fips-us-east-1", "us-east-1-fips") become the
    # plain region plus use_fips_endpoint=True on the client's Config.
    if region_name is not None:
        plain = region_name.replace('fips-', '').replace('-fips', '')
        if plain != region_name:
            fips_config = Config(use_fips_endpoint=True)
            config = (
                config.merge(fips_config) if config is not None else fips_config
            )
            import logging

            logging.getLogger(__name__).warning(
                'transforming region from %s to %s and setting '
                'use_fips_endpoint to true. client should not '
                'be configured with a fips psuedo region.',
                region_name,
                plain,
            )
            region_name = plain

    # --- what botocore computes while building the client arguments.
    parameter_validation = True
    if config is not None and not config.parameter_validation:
        parameter_validation = False
    elif scoped:
        raw = scoped.get('parameter_validation')
        if raw is not None:
            parameter_validation = ensure_boolean(raw)

    s3_config = _s3_settings(session, config, smart)

    configured_endpoint = endpoint_url
    if configured_endpoint is None:
        if config is not None and config.ignore_configured_endpoint_urls is not None:
            ignore = config.ignore_configured_endpoint_urls
        else:
            ignore = session.get_config_variable(
                'ignore_configured_endpoint_urls'
            )
        if not ignore:
            configured_endpoint = _configured_endpoint_url(
                session, service_name, scoped
            )

    def variant(name):
        if config is not None and getattr(config, name) is not None:
            return getattr(config, name)
        return session.get_config_variable(name)

    use_fips = variant('use_fips_endpoint')
    use_dualstack = variant('use_dualstack_endpoint')

    if region_name is None:
        raise NoRegionError()

    signature_version = 'v4'
    if config is not None and config.signature_version is not None:
        signature_version = config.signature_version
    else:
        block = scoped.get(_ENDPOINT_PREFIXES.get(service_name, service_name))
        if isinstance(block, dict) and block.get('signature_version'):
            signature_version = block['signature_version']

    kwargs = {
        'region_name': region_name,
        'signature_version': signature_version,
        'user_agent': user_agent,
    }
    if use_dualstack:
        kwargs['use_dualstack_endpoint'] = True
    if use_fips:
        kwargs['use_fips_endpoint'] = True
    if config is not None:
        retries = config.retries
        kwargs.update(
            connect_timeout=config.connect_timeout,
            read_timeout=config.read_timeout,
            max_pool_connections=config.max_pool_connections,
            proxies=config.proxies,
            proxies_config=config.proxies_config,
            retries=dict(retries) if retries is not None else None,
            client_cert=config.client_cert,
            inject_host_prefix=config.inject_host_prefix,
            tcp_keepalive=config.tcp_keepalive,
            user_agent_extra=config.user_agent_extra,
            user_agent_appid=config.user_agent_appid,
            request_min_compression_size_bytes=(
                config.request_min_compression_size_bytes
            ),
            disable_request_compression=config.disable_request_compression,
            client_context_params=config.client_context_params,
            sigv4a_signing_region_set=config.sigv4a_signing_region_set,
            request_checksum_calculation=config.request_checksum_calculation,
            response_checksum_validation=config.response_checksum_validation,
            account_id_endpoint_mode=config.account_id_endpoint_mode,
            auth_scheme_preference=config.auth_scheme_preference,
            s3_disable_express_session_auth=(
                config.s3.get('disable_s3_express_session_auth')
                if config.s3 is not None
                else None
            ),
        )
        if config.total_timeout is not None:
            kwargs['total_timeout'] = config.total_timeout

    # Retries: attempts then mode.
    retries = kwargs.get('retries')
    if retries is not None and 'total_max_attempts' in retries:
        retries.pop('max_attempts', None)
    elif retries is not None and 'max_attempts' in retries:
        retries['total_max_attempts'] = retries.pop('max_attempts') + 1
    else:
        max_attempts = session.get_config_variable('max_attempts')
        if max_attempts is not None:
            if retries is None:
                retries = {}
                kwargs['retries'] = retries
            retries['total_max_attempts'] = max_attempts
    retries = kwargs.get('retries')
    if retries is None:
        retries = {}
        kwargs['retries'] = retries
    if 'mode' not in retries:
        retry_mode = session._lookup(
            'retry_mode',
            _SESSION_VARIABLES['retry_mode'],
            smart=_MODE_RETRY_MODE if smart else None,
        )
        retries['mode'] = retry_mode if retry_mode is not None else 'legacy'

    # Connect timeout from the defaults mode.
    if kwargs.get('connect_timeout') is None and smart:
        kwargs['connect_timeout'] = _MODE_CONNECT_TIMEOUT_MS[mode] / 1000

    # Application id.
    appid = kwargs.get('user_agent_appid')
    if appid is None:
        appid = session.get_config_variable('user_agent_appid')
    if appid is not None and len(appid) > _USERAGENT_APPID_MAXLEN:
        import logging

        logging.getLogger(__name__).warning(
            'The configured value for user_agent_appid exceeds the '
            'maximum length of %d characters.',
            _USERAGENT_APPID_MAXLEN,
        )
    kwargs['user_agent_appid'] = appid

    # Request compression.
    min_size = kwargs.get('request_min_compression_size_bytes')
    if min_size is None:
        min_size = session.get_config_variable(
            'request_min_compression_size_bytes'
        )
    kwargs['request_min_compression_size_bytes'] = (
        _validate_min_compression_size(min_size)
    )
    disabled = kwargs.get('disable_request_compression')
    if disabled is None:
        disabled = session.get_config_variable('disable_request_compression')
    else:
        disabled = ensure_boolean(disabled)
    kwargs['disable_request_compression'] = disabled

    # SigV4a region set.
    if kwargs.get('sigv4a_signing_region_set') is None:
        kwargs['sigv4a_signing_region_set'] = session.get_config_variable(
            'sigv4a_signing_region_set'
        )

    # Checksums.
    for key in ('request_checksum_calculation', 'response_checksum_validation'):
        kwargs[key] = _checksum_setting(session, kwargs, key)

    # Account id endpoint mode.
    if is_unsigned(kwargs.get('signature_version')):
        kwargs['account_id_endpoint_mode'] = 'disabled'
    else:
        mode_value = kwargs.get('account_id_endpoint_mode')
        if mode_value is None:
            mode_value = session.get_config_variable(
                'account_id_endpoint_mode'
            )
        if isinstance(mode_value, str):
            mode_value = mode_value.lower()
        if mode_value not in _VALID_ACCOUNT_ID_ENDPOINT_MODES:
            raise InvalidConfigError(
                error_msg=(
                    f"The configured value '{mode_value}' for "
                    "'account_id_endpoint_mode' is invalid. Valid values "
                    f"are: {_VALID_ACCOUNT_ID_ENDPOINT_MODES}."
                )
            )
        kwargs['account_id_endpoint_mode'] = mode_value

    # Host prefix injection.
    if config is None or config._inject_host_prefix == 'UNSET':
        disable = session.get_config_variable('disable_host_prefix_injection')
        kwargs['inject_host_prefix'] = (
            not disable if disable is not None else True
        )

    # Auth scheme preference.
    if config is not None and config.auth_scheme_preference:
        preference = config.auth_scheme_preference
    else:
        preference = session.get_config_variable('auth_scheme_preference')
    if preference is not None:
        if not isinstance(preference, str):
            raise InvalidConfigError(
                error_msg=(
                    'auth_scheme_preference must be a comma-delimited '
                    f'string. Received {type(preference)} instead: '
                    f'{preference}.'
                )
            )
        preference = ','.join(
            item.replace(' ', '').replace('\t', '')
            for item in preference.split(',')
            if item.strip()
        )
    kwargs['auth_scheme_preference'] = preference

    # S3 Express (validated for parity; no effect on this service).
    express = kwargs.get('s3_disable_express_session_auth')
    if express is None:
        express = session.get_config_variable(
            's3_disable_express_session_auth'
        )
    if express is not None and not (
        isinstance(express, bool)
        or (isinstance(express, str) and express.lower() in ('true', 'false'))
    ):
        raise InvalidConfigError(
            error_msg=(
                f'Invalid value "{express}" for '
                's3_disable_express_session_auth. Value must be a boolean'
            )
        )
    kwargs['s3_disable_express_session_auth'] = ensure_boolean(express)

    kwargs['s3'] = s3_config

    client_config = Config(**kwargs)

    # Checked by botocore while building the endpoint-rule inputs.
    if s3_config and 'us_east_1_regional_endpoint' in s3_config:
        if s3_config['us_east_1_regional_endpoint'] not in (
            _VALID_S3_REGIONAL_CONFIG
        ):
            raise InvalidS3UsEast1RegionalEndpointConfigError(
                s3_us_east_1_regional_endpoint_config=s3_config[
                    'us_east_1_regional_endpoint'
                ]
            )
    client_config._supplied_user_agent = (
        config.user_agent if config is not None else None
    )

    # Socket keep-alive.
    keepalive = config.tcp_keepalive if config is not None else None
    if keepalive is None:
        keepalive = session.get_config_variable('tcp_keepalive')

    # Proxies: the Config's, else the environment's (NO_PROXY kept apart).
    if client_config.proxies is not None:
        proxies, no_proxy = client_config.proxies, None
    else:
        from qconnect_c.config import environment_proxy_settings

        proxies, no_proxy = environment_proxy_settings()

    # TLS verification, as the HTTP layer sees it.
    if verify is None:
        verify = os.environ.get('REQUESTS_CA_BUNDLE', True)

    retries = client_config.retries
    retry_mode = retries['mode']
    total = retries.get('total_max_attempts')
    if retry_mode == 'legacy':
        effective_attempts = max(total, 1) if total is not None else 5
    elif retry_mode in ('standard', 'adaptive'):
        effective_attempts = total or 3
    else:
        effective_attempts = 1

    return ClientSettings(
        service_name=service_name,
        region_name=region_name,
        api_version=api_version,
        use_ssl=use_ssl,
        endpoint_url=configured_endpoint,
        verify=verify,
        credentials=credentials,
        unsigned=unsigned,
        signature_version=client_config.signature_version,
        retry_mode=retry_mode,
        total_max_attempts=total,
        max_attempts=effective_attempts,
        connect_timeout=client_config.connect_timeout,
        read_timeout=client_config.read_timeout,
        total_timeout=client_config.total_timeout,
        max_pool_connections=client_config.max_pool_connections,
        proxies=proxies,
        no_proxy=no_proxy,
        proxies_config=client_config.proxies_config,
        client_cert=client_config.client_cert,
        tcp_keepalive=bool(keepalive),
        parameter_validation=parameter_validation,
        inject_host_prefix=client_config.inject_host_prefix,
        use_fips_endpoint=bool(configured_endpoint is None and use_fips),
        use_dualstack_endpoint=bool(
            configured_endpoint is None and use_dualstack
        ),
        user_agent=config.user_agent if config is not None else None,
        user_agent_extra=client_config.user_agent_extra,
        user_agent_appid=client_config.user_agent_appid,
        request_min_compression_size_bytes=(
            client_config.request_min_compression_size_bytes
        ),
        disable_request_compression=client_config.disable_request_compression,
        request_checksum_calculation=(
            client_config.request_checksum_calculation
        ),
        response_checksum_validation=(
            client_config.response_checksum_validation
        ),
        account_id_endpoint_mode=client_config.account_id_endpoint_mode,
        auth_scheme_preference=client_config.auth_scheme_preference,
        sigv4a_signing_region_set=client_config.sigv4a_signing_region_set,
        client_context_params=client_config.client_context_params,
        defaults_mode=mode,
        profile=session.get_config_variable('profile'),
        config=client_config,
    )


def resolve_client_settings(
    service_name,
    region_name=None,
    api_version=None,
    use_ssl=True,
    verify=None,
    endpoint_url=None,
    config=None,
    session_config=None,
    aws_access_key_id=None,
    aws_secret_access_key=None,
    aws_session_token=None,
    aws_account_id=None,
    user_agent=None,
):
    """Return the :class:`ClientSettings` botocore would use for a client.

    :param service_name: client name, ``"qconnect"``.
    :param region_name, api_version, use_ssl, verify, endpoint_url, config:
        the arguments of ``boto3.client()``; ``config`` may be a
        :class:`qconnect_c.config.Config` or a ``botocore.config.Config``.
    :param session_config: the :class:`SessionBase` whose profile, region,
        credentials and default client config apply; None builds a fresh
        default session (as ``boto3.client`` uses the default session).
    :param aws_access_key_id, aws_secret_access_key, aws_session_token,
        aws_account_id: explicit credentials for this client.
    :param user_agent: the ``User-Agent`` the client sends, recorded in
        ``settings.config.user_agent``.

    :raises InvalidRegionError, PartialCredentialsError, InvalidDefaultsMode,
        ProfileNotFound, ConfigParseError, InvalidConfigError, NoRegionError,
        InvalidRetryModeError, InvalidMaxRetryAttemptsError,
        InvalidChecksumConfigError, CredentialRetrievalError: as botocore
        does at client creation.
    """
    session = session_config if session_config is not None else SessionBase()
    return session._resolve_client_settings(
        service_name,
        region_name=region_name,
        api_version=api_version,
        use_ssl=use_ssl,
        verify=verify,
        endpoint_url=endpoint_url,
        aws_access_key_id=aws_access_key_id,
        aws_secret_access_key=aws_secret_access_key,
        aws_session_token=aws_session_token,
        config=config,
        aws_account_id=aws_account_id,
        user_agent=user_agent,
    )
