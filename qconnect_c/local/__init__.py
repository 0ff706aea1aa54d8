"""A local Amazon Q in Connect (QConnect) service for development and tests.

Run it with `python -m qconnect_c.local` (the first line printed is the base
URL), or in-process:

    with qconnect_c.local.running() as emu:
        client = boto3.client("qconnect", endpoint_url=emu.url, ...)

Standard library only; see docs/emulator.md for options, supported
operations, the quick-response CSV format and differences from the service.
"""

import contextlib

from .server import Emulator

__all__ = ["Emulator", "running"]


@contextlib.contextmanager
def running(**options):
    """Start an Emulator with `options` on a free port (unless port= is given) and stop it on exit."""
    options.setdefault("port", 0)
    emulator = Emulator(**options).start()
    try:
        yield emulator
    finally:
        emulator.stop()
