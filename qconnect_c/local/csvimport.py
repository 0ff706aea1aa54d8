"""Reading a quick-response CSV file row by row, and writing the failed-record report.

Format: UTF-8 (a leading BOM is ignored), RFC 4180 quoting, a header row naming
CreateQuickResponse members case-insensitively. `name` and `content` are
required columns; `contentType`, `description`, `shortcutKey`, `language`,
`channels` (';'-separated) and `isActive` are optional. Other columns are
ignored. Each data row is checked on its own: a bad row is reported and
skipped, the others are imported.
"""

import csv
import io

from .validate import check_length

DEFAULT_CONTENT_TYPE = "application/x.quickresponse;format=plain"

COLUMNS = ("name", "content", "contentType", "description", "shortcutKey", "language", "channels", "isActive")
REQUIRED_COLUMNS = ("name", "content")

_TRUE = ("true", "yes", "1", "y")
_FALSE = ("false", "no", "0", "n")


class FileProblem(Exception):
    """The file as a whole cannot be read (bad encoding, no header, broken CSV)."""

    def __init__(self, line, reason):
        super().__init__(reason)
        self.line = line
        self.reason = reason


class RowProblem(Exception):
    """One data row cannot become a quick response."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class QuickResponseReader:
    """Iterates over the data rows of an open binary CSV file.

    `header` holds the original header row; iteration yields
    (line number where the record starts, list of raw fields).
    """

    def __init__(self, binary_file):
        self._text = io.TextIOWrapper(binary_file, encoding="utf-8-sig", errors="strict", newline="")
        self._reader = csv.reader(self._text, strict=True)
        self._last_line = 0
        header = None
        while header is None:
            _, row = self._next_raw()
            if row is None:
                raise FileProblem(None, "the file is empty: a header row naming at least name and content is required")
            if any(cell.strip() for cell in row):
                header = row
        self.header = header
        self.columns = {}
        lookup = {c.lower(): c for c in COLUMNS}
        for index, title in enumerate(header):
            key = lookup.get(title.strip().lower())
            if key is None:
                continue
            if key in self.columns:
                raise FileProblem(self._last_line, "the header names column '%s' twice" % key)
            self.columns[key] = index
        absent = [c for c in REQUIRED_COLUMNS if c not in self.columns]
        if absent:
            raise FileProblem(
                self._last_line,
                "the header row has no %s column (found: %s)"
                % (" or ".join(absent), ", ".join(repr(h) for h in header) or "nothing"),
            )

    def _next_raw(self):
        """Return (start line, row) of the next record, or (None, None) at the end."""
        start = self._last_line + 1
        try:
            row = next(self._reader)
        except StopIteration:
            return None, None
        except UnicodeDecodeError as exc:
            raise FileProblem(None, "the file is not valid UTF-8 (%s, after line %d)" % (exc.reason, self._reader.line_num))
        except csv.Error as exc:
            if "field limit" in str(exc):
                raise FileProblem(
                    start,
                    "malformed CSV: a field is longer than %d characters (check for an unbalanced quote)"
                    % csv.field_size_limit(),
                )
            raise FileProblem(start, "malformed CSV: %s" % exc)
        self._last_line = self._reader.line_num
        return start, row

    def __iter__(self):
        return self

    def __next__(self):
        while True:
            line, row = self._next_raw()
            if row is None:
                raise StopIteration
            if any(cell.strip() for cell in row):
                return line, row

    def field(self, row, column):
        """Return a row's raw value for a known column ('' when absent)."""
        index = self.columns.get(column)
        if index is None or index >= len(row):
            return ""
        return row[index]

    def to_quick_response(self, row):
        """Return the CreateQuickResponse-like dict for a row; raise RowProblem when it is invalid."""
        if len(row) > len(self.header) and any(cell.strip() for cell in row[len(self.header):]):
            raise RowProblem(
                "the row has %d fields but the header has %d columns" % (len(row), len(self.header))
            )
        name = self.field(row, "name").strip()
        content = self.field(row, "content")
        if not name:
            raise RowProblem("name is empty")
        if not content.strip():
            raise RowProblem("content is empty")
        out = {"name": name, "content": content}
        _check(name, "QuickResponseName", "name")
        _check(content, "QuickResponseContent", "content")
        content_type = self.field(row, "contentType").strip() or DEFAULT_CONTENT_TYPE
        _check(content_type, "QuickResponseType", "contentType")
        out["contentType"] = content_type
        for column, shape in (("description", "QuickResponseDescription"),
                              ("shortcutKey", "ShortCutKey"),
                              ("language", "LanguageCode")):
            value = self.field(row, column).strip()
            if value:
                _check(value, shape, column)
                out[column] = value
        channels_raw = self.field(row, "channels")
        if channels_raw.strip():
            channels = [c.strip() for c in channels_raw.split(";") if c.strip()]
            for channel in channels:
                _check(channel, "Channel", "channels")
            out["channels"] = channels
        active = self.field(row, "isActive").strip().lower()
        if active in _TRUE or active == "":
            out["isActive"] = True
        elif active in _FALSE:
            out["isActive"] = False
        else:
            raise RowProblem("isActive must be true or false, not '%s'" % self.field(row, "isActive").strip())
        return out


def _check(value, shape, column):
    """Raise RowProblem when `value` breaks the model constraints of `shape`."""
    reason = check_length(value, shape)
    if reason is not None:
        raise RowProblem("%s %s" % (column, reason))


class ReportWriter:
    """Writes the failed-record report: lineNumber, the original columns, failureReason."""

    def __init__(self, text_file):
        self._writer = csv.writer(text_file, lineterminator="\r\n")
        self._header_written = False
        self.count = 0

    def header(self, columns):
        """Write the header row for a report whose rows carry `columns`."""
        self._writer.writerow(["lineNumber"] + list(columns) + ["failureReason"])
        self._header_written = True

    def row(self, line, fields, reason, width):
        """Write one failed record, padded or cut to `width` original fields."""
        cells = list(fields[:width]) + [""] * max(0, width - len(fields))
        self._writer.writerow([line if line is not None else ""] + cells + [reason])
        self.count += 1
