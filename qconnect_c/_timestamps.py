"""Timestamp inputs given as text: parsed as botocore's
``parse_to_aware_datetime`` does (epoch seconds, then ISO 8601 and the other
forms dateutil reads when dateutil is installed). Called by the C core only
for timestamp members given as something other than a datetime or number.
"""

# datetime and calendar are imported by the functions that need them, so
# importing qconnect_c (and creating a client) does not.


def _parse_text(value):
    """Return an aware or naive datetime for ``value``; raise on failure."""
    import datetime

    try:
        return datetime.datetime.fromtimestamp(float(value),
                                               datetime.timezone.utc)
    except (TypeError, ValueError):
        pass
    try:
        from dateutil import parser as _dparser  # botocore's own parser
        from dateutil.tz import tzutc
    except ImportError:  # pragma: no cover - dateutil ships with botocore
        text = value.strip() if isinstance(value, str) else value
        if isinstance(text, str) and text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        return datetime.datetime.fromisoformat(text)
    return _dparser.parse(value, tzinfos={"GMT": tzutc()})


def to_epoch(value):
    """Return ``(seconds, microseconds)`` in UTC for a timestamp input, or
    None when botocore would reject it as "invalid type"."""
    import calendar
    import datetime

    _UTC = datetime.timezone.utc
    try:
        if isinstance(value, datetime.datetime):
            dt = value
        elif isinstance(value, (int, float)):
            dt = datetime.datetime.fromtimestamp(value, _UTC)
        else:
            dt = _parse_text(value)
    except (TypeError, ValueError, AttributeError, OverflowError, OSError):
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=_UTC)
    dt = dt.astimezone(_UTC)
    return calendar.timegm(dt.timetuple()), dt.microsecond


def fixed_tzinfos():
    """Return ``(utc, offset_factory)``: the tzinfo botocore's parser gives
    a "GMT" timestamp and the factory of fixed offsets (dateutil's classes
    when installed, else ``datetime.timezone``).  Called by the core at
    the first timestamp that needs one of them."""
    import datetime

    try:
        from dateutil.tz import tzoffset, tzutc
    except ImportError:  # pragma: no cover - dateutil ships with botocore
        def offset(seconds):
            return datetime.timezone(datetime.timedelta(seconds=seconds))

        return datetime.timezone.utc, offset

    def offset(seconds):
        return tzoffset(None, seconds)

    return tzutc(), offset


def local_tzinfos():
    """Return ``(local, utc_named)`` for the process's current zone:
    botocore's ``tzlocal()`` and the tzinfo dateutil gives a "Z" suffix
    (``tzlocal()`` when "UTC" is a name of the local zone, else ``tzutc()``).
    Called again whenever ``time.tzset()`` changes the zone."""
    import datetime
    import time

    try:
        from dateutil.tz import tzlocal, tzutc
    except ImportError:  # pragma: no cover - dateutil ships with botocore
        local = datetime.datetime.now().astimezone().tzinfo
        utc = datetime.timezone.utc
    else:
        local, utc = tzlocal(), tzutc()
    return local, (local if "UTC" in time.tzname else utc)
