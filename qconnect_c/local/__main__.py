"""Command line: python -m qconnect_c.local [options]; prints the base URL, serves until SIGINT/SIGTERM."""

import argparse
import signal
import sys
import threading

from .server import Emulator
from .sigv4verify import DEFAULT_MAX_SKEW


def build_parser():
    """Return the argument parser of the command line."""
    p = argparse.ArgumentParser(
        prog="python -m qconnect_c.local",
        description="Local Amazon Q in Connect (QConnect) emulator. Prints its base URL on the first line of "
                    "standard output, then serves until interrupted (SIGINT or SIGTERM).",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="port to listen on; 0 picks a free one (default 0)")
    p.add_argument("--db", metavar="PATH", default=None,
                   help="SQLite database file keeping all state (files go to PATH.files/); "
                        "default: a temporary file removed on exit")
    p.add_argument("--credentials", metavar="AKID:SECRET", action="append", default=[],
                   help="accept only requests signed with this key pair (repeatable); without it any "
                        "well-formed SigV4 signature is accepted")
    p.add_argument("--max-jobs-in-progress", type=int, default=5, metavar="N",
                   help="import jobs allowed in progress per knowledge base before StartImportJob answers "
                        "ServiceQuotaExceededException (default 5)")
    p.add_argument("--processing-delay", type=float, default=0.2, metavar="SECONDS",
                   help="time an import job stays START_IN_PROGRESS before it is processed (default 0.2)")
    p.add_argument("--account-id", default="123456789012", help="account id used in ARNs (default 123456789012)")
    p.add_argument("--max-clock-skew", type=int, default=DEFAULT_MAX_SKEW, metavar="SECONDS",
                   help="largest accepted difference between X-Amz-Date and the clock; 0 disables the check "
                        "(default %d)" % DEFAULT_MAX_SKEW)
    p.add_argument("-v", "--verbose", action="store_true", help="log every request to standard error")
    return p


def main(argv=None):
    """Run the emulator until a signal arrives; return the exit status."""
    args = build_parser().parse_args(argv)
    if args.max_jobs_in_progress < 1:
        build_parser().error("--max-jobs-in-progress must be at least 1")
    if args.processing_delay < 0:
        build_parser().error("--processing-delay must not be negative")
    try:
        emulator = Emulator(
            host=args.host, port=args.port, db=args.db, credentials=args.credentials,
            max_jobs_in_progress=args.max_jobs_in_progress, processing_delay=args.processing_delay,
            account_id=args.account_id, max_clock_skew=args.max_clock_skew, verbose=args.verbose,
        )
    except ValueError as exc:
        build_parser().error(str(exc))
    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        emulator.start()
    except OSError as exc:
        sys.stderr.write("qconnect_c.local: cannot listen on %s:%d: %s\n" % (args.host, args.port, exc))
        return 1
    try:
        sys.stdout.write(emulator.url + "\n")
        sys.stdout.flush()
        if args.verbose:
            sys.stderr.write("qconnect_c.local: serving %s, database %s\n" % (emulator.url, emulator.db_path))
        while not stop.wait(0.5):
            pass
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
