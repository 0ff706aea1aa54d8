"""Sessions: where credentials, region and configuration come from, and the
factory of clients (boto3.Session's API, for the ``qconnect`` service)."""

import sys

from qconnect_c import _core, _model, _timestamps, exceptions
from qconnect_c import credentials as _credentials
from qconnect_c.client import ClientMeta, QConnect
from qconnect_c.config import Config

__all__ = ["Session"]

# The tzinfo factories run at the first timestamp converted, not here.
_core.configure(exceptions, _timestamps.to_epoch, _timestamps.fixed_tzinfos,
                _timestamps.local_tzinfos)

_RETRY_MODES = {"legacy": 0, "standard": 1, "adaptive": 2}


def _python_version():
    """The Python version as platform.python_version() gives it (the
    leading version token of sys.version, "X.Y" completed to "X.Y.0"),
    without importing platform."""
    text = sys.version
    end = 0
    while end < len(text) and (text[end].isalnum() or text[end] in "_.+"):
        end += 1
    version = text[:end]
    if len(version.split(".")) == 2:
        version += ".0"
    return version


def _user_agent(config):
    from qconnect_c import __version__

    if config is not None and getattr(config, "user_agent", None):
        ua = config.user_agent
    else:
        ua = (f"qconnect_c/{__version__} md/core#c "
              f"os/{sys.platform} lang/python#{_python_version()}")
    extra = getattr(config, "user_agent_extra", None) if config else None
    if extra:
        ua = f"{ua} {extra}"
    return ua


class Session(_credentials.SessionBase):
    """A session stores configuration state and creates clients
    (boto3.session.Session's constructor and ``client()``)."""

    def get_available_services(self):
        """Return the service names this library can create clients for."""
        return [_model.SERVICE_NAME]

    def client(self, service_name, region_name=None, api_version=None,
               use_ssl=True, verify=None, endpoint_url=None,
               aws_access_key_id=None, aws_secret_access_key=None,
               aws_session_token=None, config=None):
        """Create a low-level service client by name (boto3's signature)."""
        if service_name != _model.SERVICE_NAME:
            raise exceptions.UnknownServiceError(
                service_name=service_name,
                known_service_names=_model.SERVICE_NAME)
        s = self._resolve_client_settings(
            service_name, region_name=region_name, api_version=api_version,
            use_ssl=use_ssl, verify=verify, endpoint_url=endpoint_url,
            aws_access_key_id=aws_access_key_id,
            aws_secret_access_key=aws_secret_access_key,
            aws_session_token=aws_session_token, config=config,
            user_agent=_user_agent(config))
        exc = exceptions.make_client_exceptions(_model.ERROR_SHAPES,
                                                _model.ERROR_CODES)
        proxies = s.proxies or {}
        try:
            core = _core.Client(
                s.region_name,
                endpoint_url=s.endpoint_url,
                use_ssl=bool(s.use_ssl),
                use_fips=bool(s.use_fips_endpoint),
                use_dualstack=bool(s.use_dualstack_endpoint),
                verify_ssl=s.verify is not False,
                ca_bundle=s.verify if isinstance(s.verify, str) else None,
                connect_timeout=float(s.connect_timeout),
                read_timeout=float(s.read_timeout),
                max_pool_connections=int(s.max_pool_connections),
                tcp_keepalive=bool(s.tcp_keepalive),
                user_agent=s.config.user_agent,
                proxy_http=proxies.get("http"),
                proxy_https=proxies.get("https"),
                no_proxy=s.no_proxy,
                retry_mode=_RETRY_MODES.get(s.retry_mode, 0),
                max_attempts=int(s.max_attempts or 0),
                error_factory=exc.from_code,
                unsigned=bool(s.unsigned),
                proxy_urls={k: _mask_proxy_url(v) for k, v in proxies.items()
                            if isinstance(v, str)},
                total_timeout=float(s.total_timeout or 0.0),
            )
        except _core.CoreError as e:
            raise _creation_error(e, s.region_name) from None
        if s.credentials is not None and not s.unsigned:
            creds = s.credentials.get_frozen_credentials()
            core.set_credentials(creds.access_key, creds.secret_key,
                                 creds.token)
        meta = ClientMeta(core.region_name, core.meta_endpoint_url, s.config,
                          partition=_partition(core.region_name))
        return QConnect(core, meta, exc, s.parameter_validation)


def _mask_proxy_url(proxy_url):
    """The proxy URL with its user name and password masked, as botocore
    shows it in ProxyConnectionError."""
    from urllib.parse import urlparse

    parsed = urlparse(proxy_url)
    if parsed.username:
        proxy_url = proxy_url.replace(parsed.username, "***", 1)
    if parsed.password:
        proxy_url = proxy_url.replace(parsed.password, "***", 1)
    return proxy_url


def _partition(region):
    """The partition name botocore reports for a region."""
    for prefix, name in (("cn-", "aws-cn"), ("us-gov-", "aws-us-gov"),
                         ("us-iso-", "aws-iso"), ("us-isob-", "aws-iso-b"),
                         ("eu-isoe-", "aws-iso-e"), ("us-isof-", "aws-iso-f"),
                         ("eusc-", "aws-eusc")):
        if region and region.startswith(prefix):
            return name
    return "aws"


def _creation_error(e, region_name):
    """Map a core client-creation failure to botocore's exception."""
    name, message = e.args
    if name == "QC_ERR_INVALID_REGION":
        return exceptions.InvalidRegionError(region_name=region_name)
    if name == "QC_ERR_NO_REGION":
        return exceptions.NoRegionError()
    if name == "QC_ERR_ENDPOINT_VARIANT":
        err = exceptions.EndpointVariantError(tags=[])
        err.args = (message,)
        err.fmt = message
        return err
    if name == "QC_ERR_INVALID_ENDPOINT":
        return ValueError(message)
    return exceptions.HTTPClientError(error=message)
