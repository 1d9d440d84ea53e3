"""Everything stored in the data folder, opened together: the database thread and the stores on it."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .assets import AssetStore
from .catalogue import Catalogue
from .db_thread import Database
from .jobs import JobStore
from .links import LinkStore
from .markers import MarkerStore
from .people import PeopleStore
from .thumbnails import ThumbnailCache

CATALOGUE_FILE = "catalogue.sqlite"
THUMBNAIL_FOLDER = "thumbnails"


@dataclass
class Storage:
    """The stores use the database's connection: call them through `database.run`, never directly."""

    database: Database
    catalogue: Catalogue
    jobs: JobStore
    assets: AssetStore
    thumbnails: ThumbnailCache
    markers: MarkerStore
    links: LinkStore
    people: PeopleStore

    @classmethod
    def open(cls, data_dir: Path, clock: Callable[[], float] = time.time) -> Storage:
        database = Database(data_dir / CATALOGUE_FILE)
        thumbnails = ThumbnailCache(data_dir / THUMBNAIL_FOLDER)
        connection = database.connection
        catalogue = Catalogue(connection, thumbnails, clock)
        return cls(
            database=database,
            catalogue=catalogue,
            jobs=JobStore(connection, clock),
            assets=AssetStore(connection, clock),
            thumbnails=thumbnails,
            markers=MarkerStore(connection, clock),
            links=LinkStore(connection),
            people=PeopleStore(connection, catalogue, thumbnails, clock),
        )

    def close(self) -> None:
        self.database.close()
