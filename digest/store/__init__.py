"""The SQLite store, as narrow repositories over one connection (digest.store.db):

- `items`: what an ingest writes (items, aliases, signatures, folder bookkeeping);
- `web`: HTTP validators and the fetch log (read during an ingest through `Lookups`);
- `runs`: ingest runs and source health;
- `archive`: stored items read back as typed Items;
- `editions`: the editions built;
- `ledger`: the delivery ledger;
- `alerts`: the alert ledger (matches and their deliveries).

Only the wiring (pipeline, service, CLI) holds a whole Store; each stage is handed the part it needs.
"""

from __future__ import annotations

from pathlib import Path

from digest.records import Status
from digest.store.alerts import Alerts
from digest.store.archive import Archive
from digest.store.db import Batch, Database
from digest.store.editions import Editions
from digest.store.items import Items
from digest.store.ledger import Ledger
from digest.store.runs import Runs
from digest.store.webcache import Lookups, WebCache

__all__ = ["Alerts", "Archive", "Batch", "Database", "Editions", "Items", "Ledger", "Lookups", "Runs", "Store", "WebCache"]


class Store:
    def __init__(self, path: Path, read_only: bool = False):
        """Open (creating and migrating) the database; read_only opens an existing one as it is."""
        self.db = Database(path, read_only=read_only)
        self.path = self.db.path
        self.items = Items(self.db)
        self.web = WebCache(self.db)
        self.runs = Runs(self.db)
        self.archive = Archive(self.db)
        self.editions = Editions(self.db)
        self.ledger = Ledger(self.db)
        self.alerts = Alerts(self.db)

    def close(self) -> None:
        self.db.close()

    def status(self) -> Status:
        """What `digest status` and `/healthz` report: counts, last ingest and edition, sources, deliveries."""
        counts = self.archive.counts()
        last_run = self.runs.last()
        editions = self.editions.all()
        return Status(items=counts.items, relevant=counts.relevant, aliases=counts.aliases,
                      last_ingest=last_run.finished if last_run else None,
                      last_edition=editions[0] if editions else None, sources=self.runs.health(),
                      failed_deliveries=self.ledger.failed(), alert_problems=self.alerts.problems())
