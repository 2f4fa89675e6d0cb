"""What every part of the configuration's schema shares: strict structs, the value types written
as text (durations, times of day, paths), the URL and area checks, and the structs as plain data.

A check that reads a field after decoding (in `__post_init__`) raises ValueError("<key>: <why>"):
msgspec names only the struct, and digest.config.decoding adds the key to the path.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from digest.areas import area_names
from digest.urls import is_web_url

T = TypeVar("T")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_DURATION_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
# Bounds beyond which a number is a typo: a schedule of over a year.
LONGEST_DURATION = 366 * 86400
# A source's name, an email address: the whole text (\Z, as `$` would let a trailing newline through).
SOURCE_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.-]*\Z"
ADDRESS = r"^[^@\s<>,;]+@[^@\s<>,;]+\Z"


class Strict(msgspec.Struct, forbid_unknown_fields=True):
    """A part of the schema: a key it does not know is an error."""


class Seconds(float):
    """A duration: a number of seconds, or a number with a unit ('90', '15m', '2h', '1d')."""


class TimeOfDay(str):
    """'07:00' (written '7:00' too)."""


def parse_duration(value: Any) -> float:
    """'2h' -> 7200.0; a bare number is seconds."""
    if isinstance(value, bool):
        raise ValueError("not a duration (use a number with s, m, h or d, e.g. 2h)")
    if isinstance(value, (int, float)):
        seconds = float(value)
    else:
        match = _DURATION.match(str(value))
        if not match:
            raise ValueError(f"not a duration: {value!r} (use a number with s, m, h or d, e.g. 2h)")
        seconds = float(match.group(1)) * _DURATION_UNITS[match.group(2)]
    if not math.isfinite(seconds):
        raise ValueError(f"must be a finite duration (got {value!r})")
    if seconds <= 0:
        raise ValueError("must be greater than zero")
    if seconds > LONGEST_DURATION:
        raise ValueError(f"must be at most 366d (got {value!r})")
    return seconds


def clock(text: str) -> str | None:
    """'7:05' -> '07:05'; None when it is not a time of day."""
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", text)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        return None
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def _time_of_day(value: Any) -> TimeOfDay:
    if isinstance(value, int) and not isinstance(value, bool):  # YAML reads an unquoted 7:30 as 450
        raise ValueError(f"not a time of day: {value!r} (put the time in quotes, e.g. '07:30')")
    time = clock(str(value))
    if time is None:
        raise ValueError(f"not a time of day: {value!r} (e.g. '07:00')")
    return TimeOfDay(time)


def _path(value: Any) -> Path:
    if not isinstance(value, str):
        raise TypeError(f"must be a path (got {value!r})")
    return Path(value)


_PARSERS = {Seconds: lambda value: Seconds(parse_duration(value)), TimeOfDay: _time_of_day, Path: _path}


def _dec_hook(into: type, value: Any) -> Any:
    # msgspec turns a ValueError or TypeError raised here into a ValidationError at the field's path.
    parse = _PARSERS.get(into)
    if parse is None:
        raise NotImplementedError(f"no decoder for {into}")
    return parse(value)


def decode(raw: Any, into: type[T]) -> T:
    """Raw YAML data as a struct of the schema (numbers and booleans written as text are read too);
    msgspec.ValidationError for the first problem."""
    return msgspec.convert(raw, into, dec_hook=_dec_hook, strict=False)


def _encode(value: Any) -> Any:
    if isinstance(value, float):
        return float(value)
    if isinstance(value, (str, Path)):
        return str(value)
    raise NotImplementedError(f"cannot write {type(value).__name__}")


def as_data(struct: msgspec.Struct) -> dict[str, Any]:
    """A struct as plain data (paths and durations as text and numbers), keys in the schema's order."""
    data: dict[str, Any] = msgspec.to_builtins(struct, enc_hook=_encode)
    return data


def settings_changed(struct: msgspec.Struct) -> dict[str, Any]:
    """The fields whose value differs from the default, as plain data."""
    data = as_data(struct)
    return {field.encode_name: data[field.encode_name] for field in msgspec.structs.fields(struct)
            if getattr(struct, field.name) != _default(field)}


def _default(field: msgspec.structs.FieldInfo) -> Any:
    if field.default is not msgspec.NODEFAULT:
        return field.default
    if field.default_factory is not msgspec.NODEFAULT:
        return field.default_factory()
    return msgspec.NODEFAULT  # required: never equal to a value


def check_url(key: str, value: str) -> None:
    if not is_web_url(value):
        raise ValueError(f"{key}: not a URL: {value!r} (http:// or https:// expected)")


def check_areas(key: str, areas: list[str]) -> None:
    unknown = [area for area in areas if area not in area_names()]
    if unknown:
        raise ValueError(f"{key}: unknown area {unknown[0]!r} (use a force area name such as 'Bedfordshire')")
