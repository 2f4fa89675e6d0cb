"""The config's `catalogue:` key: which of the catalogue's publishers (digest/data/catalogue.yaml)
become sources. digest.catalogue turns the choice into sources when the config is loaded."""

from __future__ import annotations

from typing import Literal, get_args

from msgspec import field

from digest.areas import area_names
from digest.config.checks import Strict
from digest.models import OrgKind

# Not an area: the publishers that have none (the Home Office, the NPCC, the NCA).
NATIONAL = "national"


class CatalogueChoice(Strict):
    areas: Literal["all"] | list[str] = "all"
    org_kinds: list[OrgKind] = field(default_factory=lambda: list(get_args(OrgKind)))
    exclude: list[str] = []  # catalogue names left out (checked against the catalogue when it is read)

    def __post_init__(self) -> None:
        if self.areas != "all":
            if not self.areas:
                raise ValueError("areas: name at least one area, or use all")
            unknown = [a for a in self.areas if a not in area_names() and a != NATIONAL]
            if unknown:
                raise ValueError(f"areas: unknown area {unknown[0]!r} (a force area name such as 'Kent', {NATIONAL}, "
                                 "or all)")
        if not self.org_kinds:
            raise ValueError("org_kinds: name at least one kind (police, pcc, vru, other)")

    def takes(self, area: str | None, org_kind: str) -> bool:
        """Whether a publisher of this area (None: national) and kind is chosen."""
        if org_kind not in self.org_kinds:
            return False
        return self.areas == "all" or (area or NATIONAL) in self.areas
