"""qconnect_c — a fast, boto3-compatible client for Amazon Q in Connect.

    import qconnect_c
    client = qconnect_c.client("qconnect", region_name="us-east-1")
    client.start_import_job(knowledgeBaseId=kb, importJobType="QUICK_RESPONSES",
                            uploadId=upload_id)

Drop-in for ``boto3.client("qconnect")``: same method names, arguments,
results and exceptions; the work is done by a C core.
"""

__version__ = "0.1.0"

from qconnect_c.config import Config  # noqa: E402
from qconnect_c.session import Session  # noqa: E402

__all__ = ["client", "Session", "Config", "__version__"]

_default_session = None


def _get_default_session():
    global _default_session
    if _default_session is None:
        _default_session = Session()
    return _default_session


def setup_default_session(**kwargs):
    """Set up the default session, passing kwargs to :class:`Session`."""
    global _default_session
    _default_session = Session(**kwargs)


def client(service_name, region_name=None, api_version=None, use_ssl=True,
           verify=None, endpoint_url=None, aws_access_key_id=None,
           aws_secret_access_key=None, aws_session_token=None, config=None):
    """Create a low-level service client by name, using the default session
    (boto3.client's signature; only ``"qconnect"`` is available)."""
    return _get_default_session().client(
        service_name, region_name=region_name, api_version=api_version,
        use_ssl=use_ssl, verify=verify, endpoint_url=endpoint_url,
        aws_access_key_id=aws_access_key_id,
        aws_secret_access_key=aws_secret_access_key,
        aws_session_token=aws_session_token, config=config)
