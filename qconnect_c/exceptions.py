"""Exception classes of qconnect_c.

The names, the class hierarchy and the message formats follow
``botocore.exceptions`` (botocore 1.43.11), so code written against boto3
catches and prints the same things::

    try:
        client.get_assistant(assistantId="...")
    except client.exceptions.ResourceNotFoundException as err:
        ...
    except ClientError as err:
        print(err.response["Error"]["Code"])

Differences, on purpose:

* botocore mixes a few classes with the exception classes of its vendored
  ``requests``/``urllib3`` stubs (``SSLError``, ``ConnectTimeoutError``,
  ``ReadTimeoutError``, ``ProxyConnectionError``).  Those stubs derive from
  ``OSError``; here the same classes derive from ``OSError`` directly, so
  ``except OSError`` / ``except IOError`` still catches them, but
  ``except botocore.vendored.requests.exceptions.ConnectTimeout`` does not.
* Modelled service errors are built by :func:`make_client_exceptions`; their
  classes live in this module instead of ``botocore.errorfactory``.

This module imports nothing outside the standard library.
"""

import _thread

__all__ = [
    "BotoCoreError",
    "ClientError",
    "BaseClientExceptions",
    "make_client_exceptions",
    "ResponseParserError",
]


def _exception_from_packed_args(exception_cls, args=None, kwargs=None):
    """Rebuild an exception from its class, positional and keyword args.

    Used by ``__reduce__`` so keyword-only exceptions survive pickling.
    """
    return exception_cls(*(args or ()), **(kwargs or {}))


class BotoCoreError(Exception):
    """Root of every client-side (non-service) error.

    Subclasses set ``fmt``; the keyword arguments given to the constructor
    fill it in to form the message and are kept in ``self.kwargs``.
    """

    fmt = 'An unspecified error occurred'

    def __init__(self, **kwargs):
        Exception.__init__(self, self.fmt.format(**kwargs))
        self.kwargs = kwargs

    def __reduce__(self):
        return _exception_from_packed_args, (self.__class__, None, self.kwargs)


class DataNotFoundError(BotoCoreError):
    """Data for a path could not be loaded (``data_path``)."""

    fmt = 'Unable to load data for: {data_path}'


class UnknownServiceError(DataNotFoundError):
    """An unknown service name was asked for.

    :ivar service_name: the name asked for.
    """

    fmt = (
        "Unknown service: '{service_name}'. Valid service names are: "
        "{known_service_names}"
    )


class UnknownRegionError(BotoCoreError):
    """An unknown region was asked for (``region_name``, ``error_msg``)."""

    fmt = "Unknown region: '{region_name}'. {error_msg}"


class ApiVersionNotFoundError(BotoCoreError):
    """No data for the requested API version."""

    fmt = 'Unable to load data {data_path} for: {api_version}'


class HTTPClientError(BotoCoreError):
    """The HTTP layer failed in a way not covered by a narrower class.

    ``request`` and ``response`` (either may be None) are kept as
    attributes; ``error`` is the underlying cause.
    """

    fmt = 'An HTTP Client raised an unhandled exception: {error}'

    def __init__(self, request=None, response=None, **kwargs):
        self.request = request
        self.response = response
        super().__init__(**kwargs)

    def __reduce__(self):
        return _exception_from_packed_args, (
            self.__class__,
            (self.request, self.response),
            self.kwargs,
        )


class ConnectionError(BotoCoreError):  # noqa: A001 - botocore's name
    """A connection could not be established (``error``)."""

    fmt = 'An HTTP Client failed to establish a connection: {error}'


class InvalidIMDSEndpointError(BotoCoreError):
    fmt = 'Invalid endpoint EC2 Instance Metadata endpoint: {endpoint}'


class InvalidIMDSEndpointModeError(BotoCoreError):
    fmt = (
        'Invalid EC2 Instance Metadata endpoint mode: {mode}'
        ' Valid endpoint modes (case-insensitive): {valid_modes}.'
    )


class EndpointConnectionError(ConnectionError):
    """The endpoint URL could not be reached (``endpoint_url``, ``error``)."""

    fmt = 'Could not connect to the endpoint URL: "{endpoint_url}"'


class SSLError(ConnectionError, OSError):
    """TLS verification or negotiation failed (``endpoint_url``, ``error``)."""

    fmt = 'SSL validation failed for {endpoint_url} {error}'


class ConnectionClosedError(HTTPClientError):
    """The peer closed the connection before a full response arrived."""

    fmt = (
        'Connection was closed before we received a valid response '
        'from endpoint URL: "{endpoint_url}".'
    )


class ReadTimeoutError(HTTPClientError, OSError):
    """No data arrived within ``read_timeout`` (``endpoint_url``)."""

    fmt = 'Read timeout on endpoint URL: "{endpoint_url}"'


class ConnectTimeoutError(ConnectionError, OSError):
    """The connection was not set up within ``connect_timeout``."""

    fmt = 'Connect timeout on endpoint URL: "{endpoint_url}"'


class ProxyConnectionError(ConnectionError, OSError):
    """The proxy could not be reached (``proxy_url``)."""

    fmt = 'Failed to connect to proxy URL: "{proxy_url}"'


class ResponseStreamingError(HTTPClientError):
    fmt = 'An error occurred while reading from response stream: {error}'


class NoCredentialsError(BotoCoreError):
    """No credentials were found anywhere in the lookup chain."""

    fmt = 'Unable to locate credentials'


class NoAuthTokenError(BotoCoreError):
    fmt = 'Unable to locate authorization token'


class TokenRetrievalError(BotoCoreError):
    fmt = 'Error when retrieving token from {provider}: {error_msg}'


class PartialCredentialsError(BotoCoreError):
    """A credential source held only part of a key pair.

    :ivar provider: where the partial credentials were found.
    :ivar cred_var: the name of the missing part.
    """

    fmt = 'Partial credentials found in {provider}, missing: {cred_var}'


class CredentialRetrievalError(BotoCoreError):
    """A credential source could not produce credentials."""

    fmt = 'Error when retrieving credentials from {provider}: {error_msg}'


class UnknownSignatureVersionError(BotoCoreError):
    fmt = 'Unknown Signature Version: {signature_version}.'


class ServiceNotInRegionError(BotoCoreError):
    fmt = 'Service {service_name} not available in region {region_name}'


class BaseEndpointResolverError(BotoCoreError):
    """Parent of the errors raised while working out an endpoint."""


class NoRegionError(BaseEndpointResolverError):
    """No region was given or configured."""

    fmt = 'You must specify a region.'


class EndpointVariantError(BaseEndpointResolverError):
    fmt = (
        'Unable to construct a modeled endpoint with the following '
        'variant(s) {tags}: '
    )


class UnknownEndpointError(BaseEndpointResolverError, ValueError):
    fmt = (
        'Unable to construct an endpoint for '
        '{service_name} in region {region_name}'
    )


class UnknownFIPSEndpointError(BaseEndpointResolverError):
    fmt = (
        'The provided FIPS pseudo-region "{region_name}" is not known for '
        'the service "{service_name}". A FIPS compliant endpoint cannot be '
        'constructed.'
    )


class ProfileNotFound(BotoCoreError):
    """The named profile is in neither the config nor the credentials file."""

    fmt = 'The config profile ({profile}) could not be found'


class ConfigParseError(BotoCoreError):
    """A config or credentials file is not valid INI (``path``)."""

    fmt = 'Unable to parse config file: {path}'


class ConfigNotFound(BotoCoreError):
    fmt = 'The specified config file ({path}) could not be found.'


class MissingParametersError(BotoCoreError):
    fmt = (
        'The following required parameters are missing for '
        '{object_name}: {missing}'
    )


class ValidationError(BotoCoreError):
    fmt = "Invalid value ('{value}') for param {param} of type {type_name} "


class ParamValidationError(BotoCoreError):
    """Request parameters failed validation; ``report`` lists each problem."""

    fmt = 'Parameter validation failed:\n{report}'


class UnknownKeyError(ValidationError):
    fmt = (
        "Unknown key '{value}' for param '{param}'.  Must be one of: {choices}"
    )


class RangeError(ValidationError):
    fmt = (
        'Value out of range for param {param}: '
        '{min_value} <= {value} <= {max_value}'
    )


class UnknownParameterError(ValidationError):
    fmt = (
        "Unknown parameter '{name}' for operation {operation}.  Must be one "
        "of: {choices}"
    )


class InvalidRegionError(ValidationError, ValueError):
    """The region name is not a valid host label."""

    fmt = "Provided region_name '{region_name}' doesn't match a supported format."


class AliasConflictParameterError(ValidationError):
    fmt = (
        "Parameter '{original}' and its alias '{alias}' were provided "
        "for operation {operation}.  Only one of them may be used."
    )


class UnknownServiceStyle(BotoCoreError):
    fmt = 'The service style ({service_style}) is not understood.'


class PaginationError(BotoCoreError):
    fmt = 'Error during pagination: {message}'


class OperationNotPageableError(BotoCoreError):
    fmt = 'Operation cannot be paginated: {operation_name}'


class ChecksumError(BotoCoreError):
    fmt = (
        'Checksum {checksum_type} failed, expected checksum '
        '{expected_checksum} did not match calculated checksum '
        '{actual_checksum}.'
    )


class UnseekableStreamError(BotoCoreError):
    fmt = (
        'Need to rewind the stream {stream_object}, but stream '
        'is not seekable.'
    )


class WaiterError(BotoCoreError):
    """A waiter gave up; ``last_response`` is the final response seen."""

    fmt = 'Waiter {name} failed: {reason}'

    def __init__(self, name, reason, last_response):
        super().__init__(name=name, reason=reason)
        self.last_response = last_response


class IncompleteReadError(BotoCoreError):
    fmt = '{actual_bytes} read, but total bytes expected is {expected_bytes}.'


class InvalidExpressionError(BotoCoreError):
    fmt = 'Invalid expression {expression}: Only dotted lookups are supported.'


class UnknownCredentialError(BotoCoreError):
    """A credential provider name is not in the chain."""

    fmt = 'Credential named {name} not found.'


class WaiterConfigError(BotoCoreError):
    fmt = 'Error processing waiter config: {error_msg}'


class UnknownClientMethodError(BotoCoreError):
    fmt = 'Client does not have method: {method_name}'


class UnsupportedSignatureVersionError(BotoCoreError):
    fmt = 'Signature version(s) are not supported: {signature_version}'


class ClientError(Exception):
    """The service answered with an error.

    :ivar response: the parsed error response (``Error``,
        ``ResponseMetadata`` ...), as a dict.
    :ivar operation_name: the API operation that failed.
    """

    MSG_TEMPLATE = (
        'An error occurred ({error_code}) when calling the {operation_name} '
        'operation{retry_info}: {error_message}'
    )

    def __init__(self, error_response, operation_name):
        error = error_response.get('Error', {})
        msg = self.MSG_TEMPLATE.format(
            error_code=error.get('Code', 'Unknown'),
            error_message=error.get('Message', 'Unknown'),
            operation_name=operation_name,
            retry_info=self._get_retry_info(error_response),
        )
        super().__init__(msg)
        self.response = error_response
        self.operation_name = operation_name

    def _get_retry_info(self, response):
        # The suffix only appears when retries ran out and the count is known.
        if 'ResponseMetadata' not in response:
            return ''
        metadata = response['ResponseMetadata']
        if metadata.get('MaxAttemptsReached', False) and (
            'RetryAttempts' in metadata
        ):
            return f" (reached max retries: {metadata['RetryAttempts']})"
        return ''

    def __reduce__(self):
        # Generated subclasses are not importable by name, so they pickle
        # as a plain ClientError carrying the same response.
        return ClientError, (self.response, self.operation_name)


class EventStreamError(ClientError):
    pass


class UnsupportedTLSVersionWarning(Warning):
    """Warned when the TLS library cannot do TLS 1.2."""


class ImminentRemovalWarning(Warning):
    pass


class InvalidDNSNameError(BotoCoreError):
    fmt = (
        'Bucket named {bucket_name} is not DNS compatible. Virtual '
        'hosted-style addressing cannot be used. The addressing style '
        'can be configured by removing the addressing_style value '
        'or setting that value to \'path\' or \'auto\' in the AWS Config '
        'file or in the botocore.client.Config object.'
    )


class InvalidS3AddressingStyleError(BotoCoreError):
    fmt = (
        'S3 addressing style {s3_addressing_style} is invalid. Valid options '
        'are: \'auto\', \'virtual\', and \'path\''
    )


class UnsupportedS3ArnError(BotoCoreError):
    fmt = (
        'S3 ARN {arn} provided to "Bucket" parameter is invalid. Only '
        'ARNs for S3 access-points are supported.'
    )


class UnsupportedS3ControlArnError(BotoCoreError):
    fmt = 'S3 ARN "{arn}" provided is invalid for this operation. {msg}'


class InvalidHostLabelError(BotoCoreError):
    """A value bound into the endpoint host name is not a valid label."""

    fmt = (
        'Invalid host label to be bound to the hostname of the endpoint: '
        '"{label}".'
    )


class UnsupportedOutpostResourceError(BotoCoreError):
    fmt = (
        'S3 Outpost ARN resource "{resource_name}" provided to "Bucket" '
        'parameter is invalid. Only ARNs for S3 Outpost arns with an '
        'access-point sub-resource are supported.'
    )


class UnsupportedS3ConfigurationError(BotoCoreError):
    fmt = 'Unsupported configuration when using S3: {msg}'


class UnsupportedS3AccesspointConfigurationError(BotoCoreError):
    fmt = 'Unsupported configuration when using S3 access-points: {msg}'


class InvalidEndpointDiscoveryConfigurationError(BotoCoreError):
    fmt = (
        'Unsupported configuration value for endpoint_discovery_enabled. '
        'Expected one of ("true", "false", "auto") but got {config_value}.'
    )


class UnsupportedS3ControlConfigurationError(BotoCoreError):
    fmt = 'Unsupported configuration when using S3 Control: {msg}'


class InvalidRetryConfigurationError(BotoCoreError):
    """``Config(retries=...)`` holds a key that is not a retry option."""

    fmt = (
        'Cannot provide retry configuration for "{retry_config_option}". '
        'Valid retry configuration options are: {valid_options}'
    )


class InvalidMaxRetryAttemptsError(InvalidRetryConfigurationError):
    """A retry attempt count is below its minimum."""

    fmt = (
        'Value provided to "max_attempts": {provided_max_attempts} must '
        'be an integer greater than or equal to {min_value}.'
    )


class InvalidRetryModeError(InvalidRetryConfigurationError):
    """The retry mode is not legacy, standard or adaptive."""

    fmt = (
        'Invalid value provided to "mode": "{provided_retry_mode}" must '
        'be one of: {valid_modes}'
    )


class InvalidS3UsEast1RegionalEndpointConfigError(BotoCoreError):
    fmt = (
        'S3 us-east-1 regional endpoint option '
        '{s3_us_east_1_regional_endpoint_config} is '
        'invalid. Valid options are: "legacy", "regional"'
    )


class InvalidSTSRegionalEndpointsConfigError(BotoCoreError):
    fmt = (
        'STS regional endpoints option {sts_regional_endpoints_config} is '
        'invalid. Valid options are: "legacy", "regional"'
    )


class StubResponseError(BotoCoreError):
    fmt = (
        'Error getting response stub for operation {operation_name}: {reason}'
    )


class StubAssertionError(StubResponseError, AssertionError):
    pass


class UnStubbedResponseError(StubResponseError):
    pass


class InvalidConfigError(BotoCoreError):
    """A configuration value is not usable; ``error_msg`` says why."""

    fmt = '{error_msg}'


class InfiniteLoopConfigError(InvalidConfigError):
    fmt = (
        'Infinite loop in credential configuration detected. Attempting to '
        'load from profile {source_profile} which has already been visited. '
        'Visited profiles: {visited_profiles}'
    )


class RefreshWithMFAUnsupportedError(BotoCoreError):
    fmt = 'Cannot refresh credentials: MFA token required.'


class MD5UnavailableError(BotoCoreError):
    fmt = "This system does not support MD5 generation."


class MissingDependencyException(BotoCoreError):
    fmt = "Missing Dependency: {msg}"


class MetadataRetrievalError(BotoCoreError):
    fmt = "Error retrieving metadata: {error_msg}"


class UndefinedModelAttributeError(Exception):
    pass


class MissingServiceIdError(UndefinedModelAttributeError):
    fmt = (
        "The model being used for the service {service_name} is missing the "
        "serviceId metadata property, which is required."
    )

    def __init__(self, **kwargs):
        Exception.__init__(self, self.fmt.format(**kwargs))
        self.kwargs = kwargs


class SSOError(BotoCoreError):
    fmt = (
        "An unspecified error happened when resolving AWS credentials or an "
        "access token from SSO."
    )


class SSOTokenLoadError(SSOError):
    fmt = "Error loading SSO Token: {error_msg}"


class UnauthorizedSSOTokenError(SSOError):
    fmt = (
        "The SSO session associated with this profile has expired or is "
        "otherwise invalid. To refresh this SSO session run aws sso login "
        "with the corresponding profile."
    )


class LoginError(BotoCoreError):
    fmt = (
        "An unspecified error happened when resolving AWS credentials or "
        "refreshing a login session profile."
    )


class LoginRefreshRequired(LoginError):
    fmt = (
        "Your session has expired or credentials have changed. Please "
        "reauthenticate using 'aws login'."
    )


class LoginInsufficientPermissions(LoginError):
    fmt = (
        "Unable to create or refresh login credentials due to insufficient "
        "permissions. You may be missing permission for the "
        "'signin:CreateOAuth2Token' action."
    )


class LoginTokenLoadError(LoginError):
    fmt = "Error loading login session token: {error_msg}"


class LoginAuthorizationCodeError(LoginError):
    fmt = "Error loading or redeeming a login authorization code: {error_msg} "


class CapacityNotAvailableError(BotoCoreError):
    """The client-side retry quota is exhausted."""

    fmt = 'Insufficient request capacity available.'


class InvalidProxiesConfigError(BotoCoreError):
    fmt = 'Invalid configuration value(s) provided for proxies_config.'


class InvalidDefaultsMode(BotoCoreError):
    """``defaults_mode`` is not one of the known modes."""

    fmt = (
        'Client configured with invalid defaults mode: {mode}. '
        'Valid defaults modes include: {valid_modes}.'
    )


class AwsChunkedWrapperError(BotoCoreError):
    fmt = '{error_msg}'


class FlexibleChecksumError(BotoCoreError):
    fmt = '{error_msg}'


class InvalidEndpointConfigurationError(BotoCoreError):
    fmt = 'Invalid endpoint configuration: {msg}'


class EndpointProviderError(BotoCoreError):
    """Parent of the errors of the endpoint rule-set evaluation."""

    fmt = '{msg}'


class EndpointResolutionError(EndpointProviderError):
    """The endpoint rules ended in an error rule; ``msg`` is its text."""

    fmt = '{msg}'


class UnknownEndpointResolutionBuiltInName(EndpointProviderError):
    fmt = 'Unknown builtin variable name: {name}'


class InvalidChecksumConfigError(BotoCoreError):
    """A checksum setting is not one of its allowed values."""

    fmt = (
        'Unsupported configuration value for {config_key}. '
        'Expected one of {valid_options} but got {config_value}.'
    )


class UnsupportedServiceProtocolsError(BotoCoreError):
    fmt = (
        'Botocore supports {botocore_supported_protocols}, but service {service} only '
        'supports {service_supported_protocols}.'
    )


# --------------------------------------------------------------------------
# Modelled service errors


class BaseClientExceptions:
    """Holder of a client's modelled error classes (``client.exceptions``).

    Each modelled error is an attribute named after its shape, a subclass of
    :class:`ClientError`.  ``from_code`` maps an error code to its class.
    """

    ClientError = ClientError

    def __init__(self, code_to_exception):
        self._code_to_exception = code_to_exception

    def from_code(self, error_code):
        """Return the class for ``error_code``, or ``ClientError`` if unknown."""
        return self._code_to_exception.get(error_code, self.ClientError)

    def __getattr__(self, name):
        names = ', '.join(
            cls.__name__ for cls in self._code_to_exception.values()
        )
        raise AttributeError(
            f"{self} object has no attribute {name}. "
            f"Valid exceptions are: {names}"
        )


_EXCEPTIONS_CACHE = {}
_EXCEPTIONS_LOCK = _thread.allocate_lock()


def _normalise_shapes(error_shapes, error_codes):
    """Return a tuple of (shape name, error code) pairs from many inputs."""
    if isinstance(error_shapes, dict):
        items = error_shapes.items()
    else:
        items = error_shapes
    codes = error_codes or {}
    pairs = []
    for item in items:
        if isinstance(item, str):
            name, code = item, codes.get(item, item)
        else:
            name, code = item
            if code is None:
                code = name
        pairs.append((str(name), str(code)))
    return tuple(pairs)


def make_client_exceptions(
    error_shape_names, error_codes=None, service_module_name='QConnect'
):
    """Build the ``client.exceptions`` object for a service.

    :param error_shape_names: the modelled error shapes, in order: an
        iterable of shape names, an iterable of ``(name, code)`` pairs, or a
        ``{name: code}`` dict.
    :param error_codes: optional ``{name: code}`` dict for shapes given by
        name whose error code differs from the name (default: code == name).
    :param service_module_name: prefix of the holder class name
        (``QConnect`` gives ``QConnectExceptions``, as in botocore).
    :returns: an instance of a ``BaseClientExceptions`` subclass whose
        attributes are the error classes (subclasses of ``ClientError``),
        with ``from_code(code)`` and a ``ClientError`` attribute.

    The same arguments return the same object, so an error raised by one
    client is caught through the ``exceptions`` of another.
    """
    pairs = _normalise_shapes(error_shape_names, error_codes)
    key = (service_module_name, pairs)
    with _EXCEPTIONS_LOCK:
        cached = _EXCEPTIONS_CACHE.get(key)
        if cached is None:
            cached = _EXCEPTIONS_CACHE[key] = _build_client_exceptions(
                pairs, service_module_name
            )
    return cached


def _build_client_exceptions(pairs, service_module_name):
    """Return a new exceptions holder for (name, code) pairs."""
    cls_props = {}
    code_to_exception = {}
    for name, code in pairs:
        exc_cls = cls_props.get(name)
        if exc_cls is None:
            exc_cls = type(name, (ClientError,), {'__module__': __name__})
            cls_props[name] = exc_cls
        code_to_exception[code] = exc_cls
    holder_cls = type(
        f'{service_module_name}Exceptions',
        (BaseClientExceptions,),
        dict(cls_props, __module__=__name__),
    )
    return holder_cls(code_to_exception)


class ResponseParserError(Exception):
    """The service's reply could not be parsed (botocore raises
    ``botocore.parsers.ResponseParserError`` or a Python error there)."""

    def __init__(self, msg=''):
        super().__init__(msg)
        self.msg = msg


_WORKFLOW_ERRORS = ("ImportQuickResponsesError", "ImportJobFailedError",
                    "ImportJobTimeoutError", "UploadError")


def __getattr__(name):
    # The import workflow's exceptions, without importing it up front.
    if name in _WORKFLOW_ERRORS:
        from qconnect_c import workflow

        return getattr(workflow, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
