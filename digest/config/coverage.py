"""The config's `catalogue:` key: which of the catalogue's publishers (digest/data/catalogue.yaml)
become sources. digest.catalogue turns the choice into sources when the config is loaded."""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, field_validator

from digest.areas import area_names
from digest.models import OrgKind

# Not an area: the publishers that have none (the Home Office, the NPCC, the NCA).
NATIONAL = "national"


class CatalogueChoice(BaseModel):
    model_config = ConfigDict(extra="forbid")

    areas: Literal["all"] | list[str] = "all"
    org_kinds: list[OrgKind] = list(get_args(OrgKind))
    exclude: list[str] = []  # catalogue names left out (checked against the catalogue when it is read)

    @field_validator("areas")
    @classmethod
    def _areas(cls, areas: Literal["all"] | list[str]) -> Literal["all"] | list[str]:
        if areas == "all":
            return areas
        if not areas:
            raise ValueError("name at least one area, or use all")
        unknown = [a for a in areas if a not in area_names() and a != NATIONAL]
        if unknown:
            raise ValueError(f"unknown area {unknown[0]!r} (a force area name such as 'Kent', {NATIONAL}, or all)")
        return areas

    @field_validator("org_kinds")
    @classmethod
    def _kinds(cls, kinds: list[OrgKind]) -> list[OrgKind]:
        if not kinds:
            raise ValueError("name at least one kind (police, pcc, vru, other)")
        return kinds

    def takes(self, area: str | None, org_kind: str) -> bool:
        """Whether a publisher of this area (None: national) and kind is chosen."""
        if org_kind not in self.org_kinds:
            return False
        return self.areas == "all" or (area or NATIONAL) in self.areas
