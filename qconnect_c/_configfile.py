"""Reading the shared AWS config and credentials files.

Both files are INI files read the way botocore reads them
(``configparser.RawConfigParser`` defaults: ``=`` or ``:`` separators,
``#``/``;`` full-line comments, lower-cased keys, duplicate sections or keys
are errors, a ``[DEFAULT]`` section feeds every section).  A value that
starts on the line after its key is a nested block of ``key = value`` lines,
parsed into a dict (one level only), e.g. ``s3 =\\n  addressing_style = path``.

In the config file, ``[default]`` and ``[profile NAME]`` sections are
profiles, ``[sso-session NAME]`` and ``[services NAME]`` sections are kept
apart, anything else stays a top-level section.  In the credentials file
every section is a profile named exactly like the section.

Files are parsed on every call (no cache): a session reads them when it is
created and keeps the result, as botocore does.
"""

import os
import sys

from qconnect_c.exceptions import ConfigNotFound, ConfigParseError

__all__ = [
    "raw_config_parse",
    "load_config",
    "build_profile_map",
    "parse_key_val_file",
]


def _text_path(path):
    """Return ``path`` as text (bytes paths are decoded leniently)."""
    if isinstance(path, str):
        return path
    encoding = sys.getfilesystemencoding() or sys.getdefaultencoding()
    return path.decode(encoding, 'replace')


def _parse_nested(value):
    """Return the dict held in an indented block; ValueError if malformed."""
    parsed = {}
    for line in value.splitlines():
        line = line.strip()
        if not line:
            continue
        key, val = line.split('=', 1)
        parsed[key.strip()] = val.strip()
    return parsed


def _parse_file(path, parse_subsections):
    """Return {section: {key: value}} for the INI file at ``path``."""
    import configparser

    parser = configparser.RawConfigParser()
    try:
        parser.read([path])
    except (configparser.Error, UnicodeDecodeError) as e:
        raise ConfigParseError(path=_text_path(path), error=e) from None
    result = {}
    for section in parser.sections():
        values = {}
        for option in parser.options(section):
            value = parser.get(section, option)
            if parse_subsections and value.startswith('\n'):
                try:
                    value = _parse_nested(value)
                except ValueError as e:
                    raise ConfigParseError(
                        path=_text_path(path), error=e
                    ) from None
            values[option] = value
        result[section] = values
    return result


def raw_config_parse(config_filename, parse_subsections=True):
    """Return every section of an INI file as ``{section: {key: value}}``.

    ``~`` and ``$VARS`` in the name are expanded.  A name of None gives
    ``{}``.

    :raises ConfigNotFound: the path is not a regular file.
    :raises ConfigParseError: the file is not valid INI.
    """
    if config_filename is None:
        return {}
    path = os.path.expanduser(os.path.expandvars(config_filename))
    if not os.path.isfile(path):
        raise ConfigNotFound(path=_text_path(path))
    return _parse_file(path, parse_subsections)


def _split_section_name(key, values):
    """Return {name: values} for a "kind NAME" section, or {} if malformed."""
    import shlex

    try:
        parts = shlex.split(key)
    except ValueError:
        return {}
    if len(parts) == 2:
        return {parts[1]: values}
    return {}


def build_profile_map(parsed_ini_config):
    """Sort the sections of a parsed config file.

    Returns a new dict holding the non-profile sections as they are, plus
    ``profiles`` (``[default]`` and ``[profile X]``), ``sso_sessions``
    (``[sso-session X]``) and ``services`` (``[services X]``).
    """
    import copy

    parsed = copy.deepcopy(parsed_ini_config)
    profiles = {}
    sso_sessions = {}
    services = {}
    final = {}
    for key, values in parsed.items():
        if key.startswith('profile'):
            profiles.update(_split_section_name(key, values))
        elif key.startswith('sso-session'):
            sso_sessions.update(_split_section_name(key, values))
        elif key.startswith('services'):
            services.update(_split_section_name(key, values))
        elif key == 'default':
            profiles[key] = values
        else:
            final[key] = values
    final['profiles'] = profiles
    final['sso_sessions'] = sso_sessions
    final['services'] = services
    return final


def load_config(config_filename):
    """Parse a config file and sort its sections (see build_profile_map)."""
    return build_profile_map(raw_config_parse(config_filename))


def parse_key_val_file(filename):
    """Return the ``key=value`` lines of a file as a dict.

    Lines without ``=`` are skipped; keys and values are stripped.

    :raises ConfigNotFound: the file cannot be read.
    """
    try:
        with open(filename) as f:
            contents = f.read()
    except OSError:
        raise ConfigNotFound(path=filename) from None
    result = {}
    for line in contents.splitlines():
        if '=' not in line:
            continue
        key, val = line.split('=', 1)
        result[key.strip()] = val.strip()
    return result
