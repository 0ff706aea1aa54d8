"""Test-session set-up shared by every test file."""

import signal

# The Ctrl-C tests send SIGINT to child Pythons. A child whose parent runs
# with SIGINT ignored (a shell starting the suite in the background without
# job control) inherits the ignore across exec, and Python then installs no
# KeyboardInterrupt handler. Give the session Python's own handler back, so
# its children start with the default disposition, as from a terminal.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
