"""The configuration of alerts (`alerts:`): a rule's query, filters and targets (digest.alerts matches them)."""

from __future__ import annotations

import math
import os
from typing import Annotated

from msgspec import Meta

from digest.config.checks import ADDRESS, Strict, check_areas, check_url
from digest.models import FIGURE_LABELS, OrgKind


class Webhook(Strict):
    url: str
    secret_env: Annotated[str, Meta(min_length=1, pattern=r"^[A-Za-z_][A-Za-z0-9_]*\Z")]

    def __post_init__(self) -> None:
        check_url("url", self.url)
        if not os.environ.get(self.secret_env):
            raise ValueError(f"secret_env: the environment variable {self.secret_env} (the webhook's signing secret) "
                             "is not set")


class AlertRule(Strict):
    """A rule that sends each newly stored story it matches at once (digest.alerts)."""

    name: Annotated[str, Meta(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9 _.-]*\Z")]
    q: str = ""
    areas: list[str] = []
    topics: list[str] = []
    org_kinds: list[OrgKind] = []
    min_relevance: Annotated[float, Meta(ge=0.0, le=1.0)] = 0.0
    figures: dict[str, Annotated[float, Meta(gt=0)]] = {}
    to: list[Annotated[str, Meta(pattern=ADDRESS)]] = []
    webhook: Webhook | None = None

    def targets(self) -> list[str]:
        """Where its alerts go, as the alert ledger names them."""
        return [f"email:{address}" for address in self.to] + (["webhook"] if self.webhook else [])

    def __post_init__(self) -> None:
        from digest.search import BadParameter, parse_query

        try:
            parse_query(self.q)
        except BadParameter as exc:
            raise ValueError(f"q: {exc.message}") from None
        check_areas("areas", self.areas)
        unknown = [kind for kind in self.figures if kind not in FIGURE_LABELS]
        if unknown:
            raise ValueError(f"figures: unknown figure kind {unknown[0]!r} (one of {', '.join(FIGURE_LABELS)})")
        for kind, least in self.figures.items():
            if not math.isfinite(least):  # .inf is a number to YAML, and greater than 0
                raise ValueError(f"figures.{kind}: must be a finite number (got {least!r})")
