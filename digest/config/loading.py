"""Reading config.yaml: validated before anything runs, paths resolved relative to the file,
errors as one line naming the key path; and the effective config that `digest check` prints."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import msgspec
import yaml

from digest.config.checks import as_data, decode
from digest.config.schema import Config, FeedSource, FolderSource, Source, SourceBase, WebpageSource
from digest.errors import ConfigError
from digest.urls import canonical_url, redact, site_of

DEFAULT_CONFIG = "config.yaml"


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's, when installed: a command starts sooner


def config_path_from(option: str | None) -> Path:
    return Path(option or os.environ.get("DIGEST_CONFIG") or DEFAULT_CONFIG)


def load_config(path: str | Path) -> Config:
    """Read, validate and resolve a config file; raise ConfigError naming the key at fault."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config file ({exc})") from None
    try:
        raw = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError:
        raw = _yaml_error(path, text)
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of keys")
    try:
        config = decode(raw, Config)
    except msgspec.ValidationError as exc:
        from digest.config.decoding import format_validation_error  # only a bad config needs its words

        raise ConfigError(f"{path}: {format_validation_error(exc, raw, Config)}") from None
    return _add_listed_sources(_resolve_paths(config, path.resolve()))


def _yaml_error(path: Path, text: str) -> Any:
    """The error of a file libyaml refused, in PyYAML's own words (they say what was found where)."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{path}:{where} not valid YAML ({getattr(exc, 'problem', exc)})") from None


def _resolve_paths(config: Config, path: Path) -> Config:
    base = path.parent
    seen: set[str] = set()
    for index, source in enumerate(config.sources):
        if source.name in seen:
            raise ConfigError(f"{path}: sources[{index}].name: duplicate source name {source.name!r}")
        seen.add(source.name)
    vars(config)["config_path"] = path  # not a field (Config): no file sets it
    config.database = (base / config.database).resolve()
    config.output_dir = (base / config.output_dir).resolve()
    for index, source in enumerate(config.sources):
        if isinstance(source, FolderSource):
            source.path = (base / source.path).resolve()
            if not source.path.is_dir():
                raise ConfigError(f"{path}: sources[{index}].path: no such folder: {source.path}")
    return config


def _add_listed_sources(config: Config) -> Config:
    """The effective sources: the config's own, then each OPML file's, then the catalogue's choice
    (DESIGN.md §12). One whose URL is already there is left out (the config's own wins); an OPML
    source whose name is taken gets a number, a catalogue one is left out (a configured source of
    its name replaces it)."""
    # Imported here: both import digest.config's schema, so importing either first would find
    # this package half made.
    from digest.catalogue import catalogue_sources

    assert config.config_path is not None
    taken = _Taken(config.sources)
    for index, listed in enumerate(config.opml):
        path = config.opml[index] = (config.config_path.parent / listed).resolve()
        if not path.is_file():
            raise ConfigError(f"{config.config_path}: opml[{index}]: no such file: {path}")
        for source in _opml_sources(path):
            taken.add(config.sources, source, rename=True)
    if config.catalogue is not None:
        for source in catalogue_sources(config.catalogue):
            taken.add(config.sources, source, rename=False)
    return config


class _Taken:
    """The names and canonical URLs of the sources so far."""

    def __init__(self, sources: list[Source]) -> None:
        self.names = {source.name for source in sources}
        self.urls = {canonical_url(source.url) for source in sources if not isinstance(source, FolderSource)}

    def add(self, sources: list[Source], source: FeedSource | WebpageSource, rename: bool) -> None:
        url = canonical_url(source.url)
        if url in self.urls or (source.name in self.names and not rename):
            return
        base, number = source.name, 1
        while source.name in self.names:
            number += 1
            source.name = f"{base}-{number}"
        self.names.add(source.name)
        self.urls.add(url)
        sources.append(source)


def _opml_sources(path: Path) -> list[FeedSource | WebpageSource]:
    """An OPML file's outlines as sources; a bad one is an error naming the file and line."""
    from digest.opml import read_opml

    made: list[FeedSource | WebpageSource] = []
    for outline in read_opml(path):
        fields = {"name": _name_for(outline.fields), **outline.fields}
        kind: type[FeedSource | WebpageSource] = FeedSource if fields["kind"] == "feed" else WebpageSource
        try:
            source = decode(fields, kind)
        except msgspec.ValidationError as exc:
            from digest.config.decoding import format_validation_error

            raise ConfigError(f"{path}: line {outline.line}: {format_validation_error(exc, fields, kind)}") from None
        source.came_from(f"{path.name}:{outline.line}")
        made.append(source)
    return made


def _name_for(fields: dict[str, Any]) -> str:
    """A source name from an outline's title, else its URL's site."""
    text = fields.get("org") or site_of(fields["url"]) or "feed"
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")[:60].strip("-") or "feed"


def effective_config(config: Config) -> dict[str, Any]:
    """The config as loaded, with defaults filled in and secrets masked, for `digest check`."""
    data = as_data(config)
    data["sources"] = [_kind_after_common(source) for source in data["sources"]]
    smtp = data["email"]["smtp"]
    env_name = smtp["password_env"]
    smtp["password"] = "***** (set)" if os.environ.get(env_name) else f"(not set: ${env_name} is empty)"
    for source in data["sources"]:
        if source.get("url"):
            source["url"] = redact(source["url"])  # a private feed's key or credentials
    return data


def _kind_after_common(source: dict[str, Any]) -> dict[str, Any]:
    """A source's keys in the order `digest check` has always printed them: the settings every
    kind has, its kind, then the kind's own."""
    common = {field.encode_name: source[field.encode_name] for field in msgspec.structs.fields(SourceBase)}
    return common | {"kind": source["kind"]} | {key: value for key, value in source.items() if key not in common}
