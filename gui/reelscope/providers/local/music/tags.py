"""A song's title and artist: from the file's tags when it has them, else from its name."""

from __future__ import annotations

from pathlib import Path


def title_and_artist(path: Path) -> tuple[str, str | None]:
    title, artist = _from_tags(path)
    if title:
        return title, artist
    stem = path.stem.replace("_", " ").strip()
    if " - " in stem:  # "Artist - Title", the common way of naming songs
        named_artist, named_title = (part.strip() for part in stem.split(" - ", 1))
        if named_artist and named_title:
            return named_title, artist or named_artist
    return stem or path.name, artist


def _from_tags(path: Path) -> tuple[str | None, str | None]:
    try:
        import mutagen

        tags = mutagen.File(str(path), easy=True)
    except Exception:  # a damaged or unknown file has no tags worth reading; its name still serves
        return None, None
    if tags is None or not tags.tags:
        return None, None
    return _first(tags.tags, "title"), _first(tags.tags, "artist")


def _first(tags, key: str) -> str | None:
    try:
        values = tags.get(key)
    except (KeyError, ValueError):
        return None
    if not values:
        return None
    text = str(values[0]).strip()
    return text or None
