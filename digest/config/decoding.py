"""msgspec's validation errors in our words, as one line naming the key:
`email.smtp.port: must be at most 65535 (got 70000)`.

msgspec reports the first problem as "<what> - at `$.email.smtp.port`"; the schema's types and
the raw data, walked along that path, give the allowed values of a choice and the value found.
"""

from __future__ import annotations

import ast
import math
import re
import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import msgspec

from digest.config.checks import ADDRESS, SOURCE_NAME, decode

_WHERE = re.compile(r"(?P<what>.*?)(?: - at `\$(?P<path>.*)`)?", re.DOTALL)
_PART = re.compile(r"\.([^.\[]+)|\[(\d+|\.\.\.)\]")
# A check that names the key it is about: "base_url: not a URL", "[1].topics: unknown topic".
_OWN_KEY = re.compile(r"((?:\[\d+\])?[A-Za-z_]\w*(?:\[\d+\]|\.\w+)*): ")
_BOUND = re.compile(r"Expected `\w+` (>=|>|<=|<) (\S+)")
_LENGTH = re.compile(r"Expected `str` of length (>=|<=) (\d+)")
_PATTERN = re.compile(r"Expected `str` matching regex (.+)")
# What the patterns a user meets most ask for, in words rather than as the pattern.
_PATTERN_SAYS = {ADDRESS: "must be one email address, such as duty@example.org",
                 SOURCE_NAME: "must be letters, digits, '_', '.' or '-', beginning with a letter or a digit"}
_TYPE = re.compile(r"Expected `([^`]+)`, got `\w+`")
_BOUNDS = {">=": "at least", ">": "greater than", "<=": "at most", "<": "less than"}
_NAMES = {"int": "a whole number", "float": "a number", "str": "text", "bool": "true or false", "array": "a list",
          "object": "a mapping", "null": "null"}
_MSGSPEC_NAMES = {list: "array", dict: "object", type(None): "null"}
_MISSING = object()


def format_validation_error(exc: msgspec.ValidationError, raw: Any, into: Any) -> str:
    """The error as `key.path[2].name: message`; `raw` is the data decoded into the type `into`."""
    found = _WHERE.fullmatch(str(exc))
    assert found is not None  # the pattern matches any text
    what = found["what"]
    keys, value, typ, parent = _walk(found["path"] or "", raw, into)
    if field := re.fullmatch(r"Object contains unknown field `(.+)`", what):
        return _line([*keys, field[1]], "unknown key")
    if field := re.fullmatch(r"Object missing required field `(.+)`", what):
        tags = _tags(typ) if field[1] == _tag_field(typ) else []
        return _line([*keys, field[1]], f"required key is missing ({_either(tags)})" if tags else
                     "required key is missing")
    if keys and keys[-1] == _tag_field(parent):
        return _line(keys, f"unknown source kind {value!r} (expected {_either(_tags(parent))})")
    message = _message(what, typ)
    if message is None:  # one of our checks: it may name the key
        own = _OWN_KEY.match(what)
        return _line([*keys, *_parts(own[1])], what[own.end():]) if own else _line(keys, what)
    if isinstance(value, float) and not math.isfinite(value):  # .inf and .nan are numbers to YAML
        message = "must be a finite number"
    return _line(keys, message if value is _MISSING else f"{message} (got {_shown(value)})")


def _message(what: str, typ: Any) -> str | None:
    """msgspec's own complaint in our words; None for a message of our checks."""
    if what.startswith("Invalid enum value ") and _literals(typ):
        return _allowed(typ)
    if bound := _BOUND.fullmatch(what):
        return f"must be {_BOUNDS[bound[1]]} {bound[2].removesuffix('.0')}"
    if length := _LENGTH.fullmatch(what):
        if length.groups() == (">=", "1"):
            return "must not be empty"
        return f"must be {_BOUNDS[length[1]]} {length[2]} characters long"
    if pattern := _PATTERN.fullmatch(what):  # shown with `$` for the schema's \Z (the end of the text)
        raw = ast.literal_eval(pattern[1])
        return _PATTERN_SAYS.get(raw) or f"must match the pattern '{raw.replace(chr(92) + 'Z', '$')}'"
    if expected := _TYPE.fullmatch(what):
        if _literals(typ):
            return _allowed(typ)
        return "must be " + " or ".join(_NAMES.get(name, name) for name in expected[1].split(" | "))
    return None


def _literals(typ: Any) -> list[Any]:
    return [value for member in _members(typ) if get_origin(member) is Literal for value in get_args(member)]


def _allowed(typ: Any) -> str:
    """'must be one of 'weekly', 'daily'', or with other types: 'must be 'auto' or a whole number'."""
    others = [_type_name(member) for member in _members(typ) if get_origin(member) is not Literal]
    if others:
        return f"must be {' or '.join([*map(repr, _literals(typ)), *others])}"
    return f"must be one of {', '.join(map(repr, _literals(typ)))}"


def _walk(path: str, raw: Any, into: Any) -> tuple[list[str | int], Any, Any, Any]:
    """The keys of a path ("[...]", msgspec's word for an entry of a mapping, named), the value
    found there, its type in the schema, and the type of the object holding it."""
    keys: list[str | int] = []
    parent: Any = None
    for name, index in _PART.findall(path):
        key: str | int = name or (int(index) if index != "..." else _failing_key(raw, into))
        parent, into = into, _member_type(into, key, raw)
        raw = _get(raw, key)
        keys.append(key)
    return keys, raw, into, parent


def _get(raw: Any, key: str | int) -> Any:
    if isinstance(raw, dict) and key in raw:
        return raw[key]
    if isinstance(raw, list) and isinstance(key, int) and key < len(raw):
        return raw[key]
    return _MISSING


def _member_type(into: Any, key: str | int, raw: Any) -> Any:
    """The type of `key` of an object of type `into` (a union of tagged structs: the one its tag chooses)."""
    members = _members(into)
    if len(members) > 1 and _tag_field(into) and isinstance(raw, dict):
        members = [m for m in members if m.__struct_config__.tag == raw.get(_tag_field(into))] or members
    struct = members[0] if len(members) == 1 else None
    if isinstance(struct, type) and issubclass(struct, msgspec.Struct):
        by_key = {field.encode_name: field.type for field in msgspec.structs.fields(struct)}
        return by_key.get(str(key))
    args = get_args(struct)
    return args[-1] if get_origin(struct) in (list, dict) and args else None


def _failing_key(raw: Any, into: Any) -> str:
    """The first entry of a mapping that does not decode (msgspec does not say which)."""
    args = get_args(_members(into)[0]) if _members(into) else ()
    for key, value in raw.items() if isinstance(raw, dict) and len(args) == 2 else ():
        try:
            decode(key, args[0])
            decode(value, args[1])
        except msgspec.ValidationError:
            return str(key)
    return "..."


def _members(into: Any) -> list[Any]:
    """The types a value may have, Annotated and None left out."""
    while get_origin(into) is Annotated:
        into = get_args(into)[0]
    if get_origin(into) in (Union, types.UnionType):
        return [member for arg in get_args(into) for member in _members(arg) if member is not type(None)]
    return [] if into is None else [into]


def _tag_field(into: Any) -> str | None:
    members = _members(into)
    tagged = members and all(isinstance(m, type) and issubclass(m, msgspec.Struct) and m.__struct_config__.tag
                             for m in members)
    return members[0].__struct_config__.tag_field if tagged else None


def _tags(into: Any) -> list[str]:
    return [str(member.__struct_config__.tag) for member in _members(into)]


def _type_name(member: Any) -> str:
    name = _MSGSPEC_NAMES.get(get_origin(member) or member, getattr(member, "__name__", str(member)))
    return _NAMES.get(name, name)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _either(words: list[str]) -> str:
    return ", ".join(words[:-1]) + f" or {words[-1]}" if len(words) > 1 else "".join(words)


def _parts(key: str) -> list[str | int]:
    return [name or int(index) for name, index in _PART.findall(key if key.startswith("[") else f".{key}")]


def _line(keys: list[str | int], message: str) -> str:
    path = ""
    for key in keys:
        path += f"[{key}]" if isinstance(key, int) else (f".{key}" if path else key)
    return f"{path}: {message}" if path else message
