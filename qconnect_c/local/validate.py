"""Server-side input validation against the service model's constraints.

Messages follow the service's style, e.g. "1 validation error detected: Value
null at 'name' failed to satisfy constraint: Member must not be null".
"""

import re

from .model import SHAPES

_REDACTED = "*** Sensitive Data Redacted ***"
_PATTERNS = {}


def _pattern(text):
    """Return the compiled regular expression for a model pattern (cached)."""
    rx = _PATTERNS.get(text)
    if rx is None:
        rx = _PATTERNS[text] = re.compile(text)
    return rx


def _render(value, sensitive):
    """Return a value rendered the way validation messages quote it."""
    if value is None:
        return "null"
    if sensitive:
        return "'%s'" % _REDACTED
    if isinstance(value, bool):
        return "'%s'" % ("true" if value else "false")
    if isinstance(value, dict):
        return "'{%s}'" % ", ".join("%s=%s" % (k, v) for k, v in value.items())
    if isinstance(value, list):
        return "'[%s]'" % ", ".join(str(v) for v in value)
    return "'%s'" % (value,)


class _Walker:
    """Collects constraint violations while walking a value against a shape."""

    def __init__(self):
        self.errors = []

    def fail(self, value, path, sensitive, constraint):
        self.errors.append(
            "Value %s at '%s' failed to satisfy constraint: %s" % (_render(value, sensitive), path, constraint)
        )

    def walk(self, shape_name, value, path, sensitive=False):
        shape = SHAPES[shape_name]
        sensitive = sensitive or bool(shape.get("sensitive"))
        kind = shape["type"]
        check = getattr(self, "_" + kind, None)
        if check is not None:
            check(shape, value, path, sensitive)

    def _type_error(self, value, path, sensitive, kind):
        self.fail(value, path, sensitive, "Member must be of type %s" % kind)

    def _string(self, shape, value, path, sensitive):
        if not isinstance(value, str):
            return self._type_error(value, path, sensitive, "string")
        if "min" in shape and len(value) < shape["min"]:
            self.fail(value, path, sensitive, "Member must have length greater than or equal to %d" % shape["min"])
        if "max" in shape and len(value) > shape["max"]:
            self.fail(value, path, sensitive, "Member must have length less than or equal to %d" % shape["max"])
        if "enum" in shape and value not in shape["enum"]:
            self.fail(value, path, sensitive, "Member must satisfy enum value set: [%s]" % ", ".join(shape["enum"]))
        if "pattern" in shape and not _pattern(shape["pattern"]).fullmatch(value):
            self.fail(value, path, sensitive, "Member must satisfy regular expression pattern: %s" % shape["pattern"])

    def _integer(self, shape, value, path, sensitive):
        if isinstance(value, bool) or not isinstance(value, int):
            return self._type_error(value, path, sensitive, "integer")
        if "min" in shape and value < shape["min"]:
            self.fail(value, path, sensitive, "Member must have value greater than or equal to %d" % shape["min"])
        if "max" in shape and value > shape["max"]:
            self.fail(value, path, sensitive, "Member must have value less than or equal to %d" % shape["max"])

    _long = _integer

    def _boolean(self, shape, value, path, sensitive):
        if not isinstance(value, bool):
            self._type_error(value, path, sensitive, "boolean")

    def _list(self, shape, value, path, sensitive):
        if not isinstance(value, list):
            return self._type_error(value, path, sensitive, "list")
        if "min" in shape and len(value) < shape["min"]:
            self.fail(value, path, sensitive, "Member must have length greater than or equal to %d" % shape["min"])
        if "max" in shape and len(value) > shape["max"]:
            self.fail(value, path, sensitive, "Member must have length less than or equal to %d" % shape["max"])
        for i, item in enumerate(value, 1):
            if item is None:
                self.fail(item, "%s.%d.member" % (path, i), sensitive, "Member must not be null")
            else:
                self.walk(shape["member"], item, "%s.%d.member" % (path, i), sensitive)

    def _map(self, shape, value, path, sensitive):
        if not isinstance(value, dict):
            return self._type_error(value, path, sensitive, "map")
        if "min" in shape and len(value) < shape["min"]:
            self.fail(value, path, sensitive, "Member must have length greater than or equal to %d" % shape["min"])
        if "max" in shape and len(value) > shape["max"]:
            self.fail(value, path, sensitive, "Member must have length less than or equal to %d" % shape["max"])
        for key, item in value.items():
            self.walk(shape["key"], key, "%s.key" % path, sensitive)
            if item is None:
                self.fail(item, "%s.%s.member" % (path, key), sensitive, "Member must not be null")
            else:
                self.walk(shape["value"], item, "%s.%s.member" % (path, key), sensitive)

    def _structure(self, shape, value, path, sensitive):
        if not isinstance(value, dict):
            return self._type_error(value, path, sensitive, "structure")
        prefix = path + "." if path else ""
        members = shape.get("members", {})
        for name in shape.get("required", []):
            if value.get(name) is None:
                self.fail(None, prefix + name, False, "Member must not be null")
        set_members = [n for n in members if value.get(n) is not None]
        if shape.get("union") and len(set_members) != 1:
            self.fail(value, path or "input", sensitive, "Member must have exactly one member set")
        for name in set_members:
            self.walk(members[name]["shape"], value[name], prefix + name, sensitive)


def violations(shape_name, value):
    """Return the list of constraint-violation texts for `value` against a shape."""
    walker = _Walker()
    walker.walk(shape_name, value, "")
    return walker.errors


def message(errors):
    """Return the ValidationException message for a non-empty list of violations."""
    n = len(errors)
    return "%d validation error%s detected: %s" % (n, "" if n == 1 else "s", "; ".join(errors))


def check_length(value, shape_name):
    """Return a reason text when a string breaks a shape's length/pattern rules, else None."""
    shape = SHAPES[shape_name]
    if "min" in shape and len(value) < shape["min"]:
        return "must have length greater than or equal to %d" % shape["min"]
    if "max" in shape and len(value) > shape["max"]:
        return "must have length less than or equal to %d" % shape["max"]
    if "pattern" in shape and not _pattern(shape["pattern"]).fullmatch(value):
        return "must satisfy regular expression pattern: %s" % shape["pattern"]
    return None
