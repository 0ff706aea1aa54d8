"""Progress reporting for :func:`qconnect_c.workflow.import_quick_responses`.

``progress`` may be:

* ``None`` or ``False``: silent;
* ``True``: a progress bar on standard error -- tqdm's (``tqdm.auto``, so a
  widget in Jupyter) when tqdm is installed, otherwise a plain text bar that
  redraws itself on a terminal and prints an occasional line when standard
  error is not one (a log file, CI, a notebook);
* a callable, called as ``progress(stage, done, total)`` with these events:

  ======== ========================================= ==========================
  stage    done                                      total
  ======== ========================================= ==========================
  "spool"  bytes copied from a file object to a      bytes to copy, or ``None``
           temporary file before the upload          when the object can't tell
  "upload" bytes sent                                size of the file in bytes
  "wait"   seconds since the import job started      the ``timeout`` (seconds,
           (``float``)                               or ``None``)
  ======== ========================================= ==========================

  Each stage's ``done`` never decreases. "upload" starts with ``done == 0``
  and, when the upload succeeds, ends with ``done == total``; it comes about
  every 50 ms while bytes flow. "wait" comes once when the job has started
  (``0.0``) and after each GetImportJob, the last one being the poll that saw
  the job finish. It is only sent with ``wait=True``. An exception raised by
  the callable stops the workflow and propagates (an upload in flight is
  aborted).

The reporters here are internal: the workflow talks to them through
``spool/upload/job_started/job_polled/job_finished/close``.
"""

import sys
import time

__all__ = ["make_reporter", "format_bytes"]


def format_bytes(n):
    """Return `n` bytes as a short human-readable string ("1.5 MiB")."""
    n = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return ("%d %s" % (n, unit)) if unit == "B" else ("%.1f %s" % (n, unit))
        n /= 1024.0
    return "%.1f TiB" % n  # pragma: no cover


def _isatty(stream):
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _in_notebook():
    """True inside a Jupyter kernel (where stderr is no TTY but tqdm.auto
    draws a widget)."""
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    try:
        ip = shell.get_ipython()
    except AttributeError:
        return False
    return ip is not None and type(ip).__name__ == "ZMQInteractiveShell"


def make_reporter(progress, label):
    """Return the reporter for a ``progress`` argument (see the module doc);
    `label` names the file being imported."""
    if progress is None or progress is False:
        return Silent()
    if progress is True:
        # tqdm in a terminal or a notebook; plain lines in a log file,
        # where tqdm's carriage returns would pile up.
        if not _in_notebook() and not _isatty(sys.stderr):
            return _PlainReporter(sys.stderr, label)
        try:
            from tqdm.auto import tqdm
        except ImportError:
            return _PlainReporter(sys.stderr, label)
        return _TqdmReporter(tqdm, label)
    if callable(progress):
        return _CallbackReporter(progress)
    raise TypeError("progress must be None, a bool or a callable "
                    "progress(stage, done, total), not %s" % type(progress).__name__)


class Silent:
    """Reports nothing."""

    def spool(self, done, total):
        pass

    def upload(self, sent, total):
        pass

    def job_started(self, job, timeout):
        pass

    def job_polled(self, job, elapsed):
        pass

    def job_finished(self, job, elapsed):
        pass

    def close(self):
        pass


class _CallbackReporter(Silent):
    """Sends (stage, done, total) events to a user callable."""

    def __init__(self, fn):
        self._fn = fn
        self._last = {}
        self._timeout = None

    def _emit(self, stage, done, total):
        if self._last.get(stage) == (done, total):
            return
        self._last[stage] = (done, total)
        self._fn(stage, done, total)

    def spool(self, done, total):
        self._emit("spool", done, total)

    def upload(self, sent, total):
        self._emit("upload", sent, total)

    def job_started(self, job, timeout):
        self._timeout = timeout
        self._emit("wait", 0.0, timeout)

    def job_polled(self, job, elapsed):
        self._emit("wait", elapsed, self._timeout)


class _TqdmReporter(Silent):
    """tqdm bars: bytes for the spool and the upload, a status line for the wait."""

    def __init__(self, tqdm, label):
        self._tqdm = tqdm
        self._label = label
        self._bars = {}
        self._done = {}
        self._wait = None

    def _bytes_bar(self, key, desc, done, total):
        bar = self._bars.get(key)
        if bar is None:
            if key in self._done:  # finished already
                return
            bar = self._tqdm(total=total, desc=desc, unit="B", unit_scale=True,
                             unit_divisor=1024, leave=True, file=sys.stderr)
            self._bars[key] = bar
            self._done[key] = 0
        if done > self._done[key]:
            bar.update(done - self._done[key])
            self._done[key] = done
        if total is not None and done >= total:
            self._close_bar(key)

    def _close_bar(self, key):
        bar = self._bars.pop(key, None)
        if bar is not None:
            bar.close()

    def spool(self, done, total):
        self._bytes_bar("spool", "Buffering %s" % self._label, done, total)

    def upload(self, sent, total):
        self._close_bar("spool")
        self._bytes_bar("upload", "Uploading %s" % self._label, sent, total)

    def job_started(self, job, timeout):
        self._close_bar("upload")
        self._wait = self._tqdm(total=None, desc="Import job %s" % job["importJobId"],
                                bar_format="{desc}: {elapsed}{postfix}", leave=True,
                                file=sys.stderr)
        self._wait.set_postfix_str(job["status"])

    def job_polled(self, job, elapsed):
        if self._wait is not None:
            self._wait.set_postfix_str(job["status"])

    def job_finished(self, job, elapsed):
        if self._wait is not None:
            self._wait.set_postfix_str(job["status"])
            self._wait.close()
            self._wait = None

    def close(self):
        for key in list(self._bars):
            self._close_bar(key)
        if self._wait is not None:
            self._wait.close()
            self._wait = None


class _PlainReporter(Silent):
    """A dependency-free bar on a text stream.

    On a terminal it redraws one line (``\\r``) at most ten times a second;
    elsewhere it writes a line at the start, at most every few seconds, and
    at the end, so logs stay short.
    """

    SPINNER = "|/-\\"
    WIDTH = 28

    def __init__(self, stream, label):
        self._stream = stream
        self._label = label
        try:
            self._tty = bool(stream.isatty())
        except (AttributeError, ValueError):
            self._tty = False
        self._line_open = False
        self._last_draw = 0.0
        self._state = {}
        self._spin = 0
        self._job_id = None
        self._job_status = None

    # ------------------------------------------------------------ output
    def _write(self, text, final=False):
        if self._tty:
            self._stream.write("\r" + text + "\x1b[K" + ("\n" if final else ""))
            self._line_open = not final
        else:
            self._stream.write(text + "\n")
        self._stream.flush()

    def _end_line(self):
        if self._line_open:
            self._stream.write("\n")
            self._stream.flush()
            self._line_open = False

    def _due(self, now, first, final):
        """Return True if a line should be drawn now."""
        if first or final:
            return True
        return now - self._last_draw >= (0.1 if self._tty else 5.0)

    # ------------------------------------------------------------ bytes
    def _bytes(self, key, verb, done_verb, done, total):
        now = time.monotonic()
        state = self._state.get(key)
        first = state is None
        if first:
            self._end_line()
            state = self._state[key] = {"start": now, "finished": False}
        if state["finished"]:
            return
        final = total is not None and done >= total
        if not self._due(now, first, final):
            return
        self._last_draw = now
        elapsed = now - state["start"]
        rate = format_bytes(done / elapsed) + "/s" if elapsed > 0 and done else ""
        if final:
            state["finished"] = True
            self._write("%s %s: %s in %.1fs%s" % (
                done_verb, self._label, format_bytes(done), elapsed,
                (" (%s)" % rate) if rate else ""), final=True)
            return
        if total:
            frac = min(1.0, done / float(total))
            fill = int(frac * self.WIDTH)
            if self._tty:
                bar = "[" + "#" * fill + "-" * (self.WIDTH - fill) + "]"
                text = "%s %s %s %3d%% %s/%s %s" % (verb, self._label, bar, frac * 100,
                                                   format_bytes(done), format_bytes(total), rate)
            elif first:
                text = "%s %s (%s)" % (verb, self._label, format_bytes(total))
            else:
                text = "%s %s: %d%% of %s" % (verb, self._label, frac * 100, format_bytes(total))
        else:
            text = "%s %s: %s %s" % (verb, self._label, format_bytes(done), rate)
        self._write(text.rstrip())

    def spool(self, done, total):
        self._bytes("spool", "Buffering", "Buffered", done, total)

    def upload(self, sent, total):
        self._bytes("upload", "Uploading", "Uploaded", sent, total)

    # ------------------------------------------------------------ wait
    def job_started(self, job, timeout):
        self._end_line()
        self._job_id = job["importJobId"]
        self._job_status = None
        self._last_draw = 0.0
        self._status(job, 0.0, first=True)

    def job_polled(self, job, elapsed):
        if job["status"] == "START_IN_PROGRESS":  # the end is job_finished's line
            self._status(job, elapsed)

    def _status(self, job, elapsed, first=False):
        now = time.monotonic()
        changed = job["status"] != self._job_status
        self._job_status = job["status"]
        if not (first or changed or self._due(now, False, False)):
            return
        self._last_draw = now
        spin = ""
        if self._tty:
            spin = self.SPINNER[self._spin % len(self.SPINNER)] + " "
            self._spin += 1
        self._write("%sImport job %s: %s (%.1fs)" % (spin, self._job_id, job["status"], elapsed))

    def job_finished(self, job, elapsed):
        self._write("Import job %s: %s after %.1fs" % (job["importJobId"], job["status"], elapsed),
                    final=True)
        self._job_id = None

    def close(self):
        self._end_line()
