"""The configuration of alerts (`alerts:`): a rule's query, filters and targets (digest.alerts matches them)."""

from __future__ import annotations

import os
from typing import Annotated

from pydantic import AfterValidator, Field, field_validator

from digest.config.checks import Strict, check_areas, check_url
from digest.models import FIGURE_LABELS, OrgKind


class Webhook(Strict):
    url: Annotated[str, AfterValidator(check_url)]
    secret_env: str = Field(min_length=1, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")

    @field_validator("secret_env")
    @classmethod
    def _secret_is_set(cls, name: str) -> str:
        if not os.environ.get(name):
            raise ValueError(f"the environment variable {name} (the webhook's signing secret) is not set")
        return name


class AlertRule(Strict):
    """A rule that sends each newly stored story it matches at once (digest.alerts)."""

    name: str = Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9 _.-]*$")
    q: str = ""
    areas: list[str] = []
    topics: list[str] = []
    org_kinds: list[OrgKind] = []
    min_relevance: float = Field(default=0.0, ge=0.0, le=1.0)
    figures: dict[str, Annotated[float, Field(gt=0)]] = {}
    to: list[Annotated[str, Field(pattern=r"^[^@\s<>,;]+@[^@\s<>,;]+$")]] = []
    webhook: Webhook | None = None

    def targets(self) -> list[str]:
        """Where its alerts go, as the alert ledger names them."""
        return [f"email:{address}" for address in self.to] + (["webhook"] if self.webhook else [])

    @field_validator("q")
    @classmethod
    def _query(cls, text: str) -> str:
        from digest.search import BadParameter, parse_query

        try:
            parse_query(text)
        except BadParameter as exc:
            raise ValueError(exc.message) from None
        return text

    _areas = field_validator("areas")(check_areas)

    @field_validator("figures")
    @classmethod
    def _figure_kinds(cls, figures: dict[str, float]) -> dict[str, float]:
        unknown = [kind for kind in figures if kind not in FIGURE_LABELS]
        if unknown:
            raise ValueError(f"unknown figure kind {unknown[0]!r} (one of {', '.join(FIGURE_LABELS)})")
        return figures
