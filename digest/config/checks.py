"""What every part of the configuration's schema shares: strict models and the URL check."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from digest.areas import area_names
from digest.urls import is_web_url


class Strict(BaseModel):
    # .inf and .nan are numbers to YAML: never a timeout, a delay or a size.
    model_config = ConfigDict(extra="forbid", validate_default=True, allow_inf_nan=False)


def check_url(value: str) -> str:
    if not is_web_url(value):
        raise ValueError(f"not a URL: {value!r} (http:// or https:// expected)")
    return value


def check_areas(areas: list[str]) -> list[str]:
    unknown = [area for area in areas if area not in area_names()]
    if unknown:
        raise ValueError(f"unknown area {unknown[0]!r} (use a force area name such as 'Bedfordshire')")
    return areas
