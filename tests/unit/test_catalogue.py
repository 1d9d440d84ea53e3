from __future__ import annotations

import json
import sqlite3

import pytest

from fakes.analyses import TickingClock, make_analysis, make_video, new_catalogue, rich_analysis
from reelscope.domain.analysis import AnalysisStatus
from reelscope.library.catalogue import Catalogue, fts_query
from reelscope.library.db import MIGRATIONS, SCHEMA_VERSION, CatalogueTooNew, connect, migrate, open_database
from reelscope.library.thumbnails import ThumbnailCache

# -- database and migrations ----------------------------------------------------------------


def test_open_database_creates_a_current_schema_in_wal_mode(tmp_path):
    conn = open_database(tmp_path / "nested" / "folder" / "catalogue.sqlite3")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"videos", "analyses", "jobs", "search_rows", "search_fts"} <= tables


def test_a_database_from_before_clip_columns_migrates_and_keeps_its_data(tmp_path):
    path = tmp_path / "catalogue.sqlite3"
    old = connect(path)
    before_columns = 2   # videos held their facts as JSON only
    migrate(old, target=before_columns)
    assert old.execute("PRAGMA user_version").fetchone()[0] == before_columns
    analysis = rich_analysis()
    video = analysis.video
    old.execute(
        "INSERT INTO videos VALUES (?, ?, ?, ?, ?, 1, 1)",
        (video.id, video.sha256, video.path, video.title, video.model_dump_json()),
    )
    old.execute(
        """INSERT INTO analyses (video_id, provider, status, json, scene_count, updated_at)
           VALUES (?, 'local', 'finished', ?, ?, 1)""",
        (video.id, analysis.to_json(), len(analysis.scenes)),
    )
    old.close()

    conn = open_database(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("SELECT scene_count FROM analyses").fetchone()[0] == len(analysis.scenes)
    catalogue = Catalogue(conn, ThumbnailCache(tmp_path / "thumbnails"))
    [clip] = catalogue.clips()
    assert clip.video == video, "the clip's facts moved to columns intact"
    assert clip.scene_count == len(analysis.scenes)
    starts = json.loads(conn.execute("SELECT scene_starts FROM analyses").fetchone()[0])
    assert starts == [scene.start_s for scene in analysis.scenes]


def test_reopening_a_current_database_runs_no_migration(tmp_path, monkeypatch):
    import reelscope.library.db as db

    path = tmp_path / "catalogue.sqlite3"
    ran: list[int] = []
    counted = tuple(
        (lambda conn, version=version, migration=migration: (ran.append(version), migration(conn)))
        for version, migration in enumerate(MIGRATIONS)
    )
    monkeypatch.setattr(db, "MIGRATIONS", counted)
    open_database(path).close()
    assert ran == list(range(SCHEMA_VERSION))
    open_database(path).close()
    assert ran == list(range(SCHEMA_VERSION)), "a current catalogue is opened as it is"


def test_a_database_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "catalogue.sqlite3"
    conn = open_database(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(CatalogueTooNew):
        open_database(path)


def test_a_failing_migration_leaves_the_previous_version(tmp_path, monkeypatch):
    import reelscope.library.db as db

    def broken(conn):
        conn.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("boom")

    monkeypatch.setattr(db, "MIGRATIONS", (*MIGRATIONS, broken))
    conn = connect(tmp_path / "catalogue.sqlite3")
    with pytest.raises(RuntimeError):
        db.migrate(conn, target=len(MIGRATIONS) + 1)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'half_done'").fetchone() is None


# -- catalogue -------------------------------------------------------------------------------


def test_analysis_round_trip(tmp_path):
    catalogue = new_catalogue(tmp_path)
    analysis = rich_analysis()
    catalogue.save_analysis(analysis)
    assert catalogue.analysis(analysis.video.id, "local") == analysis
    assert catalogue.analysis(analysis.video.id, "twelvelabs") is None
    assert catalogue.analyses(analysis.video.id) == [analysis]


def test_analyses_lists_local_first(tmp_path):
    catalogue = new_catalogue(tmp_path)
    video = make_video()
    for provider in ("noxovision", "local", "eluvio"):
        catalogue.save_analysis(make_analysis(video, provider=provider))
    assert [a.provider for a in catalogue.analyses(video.id)] == ["local", "eluvio", "noxovision"]


def test_clip_carries_statuses_scene_count_and_its_thumbnail(tmp_path):
    catalogue = new_catalogue(tmp_path)
    analysis = rich_analysis()
    video = analysis.video
    catalogue.save_analysis(analysis)
    catalogue.set_analysis_status(video.id, "noxovision", AnalysisStatus.FAILED, "quota exceeded")

    clip = catalogue.clip(video.id)
    assert clip.video == video
    assert clip.scene_count == 2
    assert clip.thumbnail_path == str(catalogue.thumbnails.scene_path(video.sha256, 0))
    assert [(s.provider, s.status, s.error) for s in clip.statuses] == [
        ("local", AnalysisStatus.FINISHED, None),
        ("noxovision", AnalysisStatus.FAILED, "quota exceeded"),
    ]

    assert catalogue.clip_by_sha256(video.sha256).id == video.id

    only_probed = make_video("probed.mp4")
    catalogue.upsert_video(only_probed)
    assert catalogue.clip(only_probed.id).thumbnail_path is None, "no scenes yet, no thumbnail"



def test_status_without_a_clip_is_refused(tmp_path):
    with pytest.raises(KeyError):
        new_catalogue(tmp_path).set_analysis_status("nope", "local", AnalysisStatus.RUNNING)


def test_set_status_keeps_a_stored_analysis(tmp_path):
    catalogue = new_catalogue(tmp_path)
    analysis = rich_analysis()
    catalogue.save_analysis(analysis)
    catalogue.set_analysis_status(analysis.video.id, "local", AnalysisStatus.RUNNING)
    assert catalogue.analysis(analysis.video.id, "local") == analysis
    assert catalogue.clip(analysis.video.id).status_for("local").status is AnalysisStatus.RUNNING


def test_clips_are_newest_first_and_filtered_by_title_or_path(tmp_path):
    catalogue = new_catalogue(tmp_path, TickingClock())
    catalogue.upsert_video(make_video("Beach.mp4", folder="/media/summer"))
    catalogue.upsert_video(make_video("city.mov", folder="/media/winter"))
    catalogue.upsert_video(make_video("Interview.mxf", folder="/media/Summer"))

    assert [c.title for c in catalogue.clips()] == ["Interview", "city", "Beach"]
    assert [c.title for c in catalogue.clips("SUMMER")] == ["Interview", "Beach"]
    assert [c.title for c in catalogue.clips("beach")] == ["Beach"]
    assert catalogue.clips("nothing like it") == []


def test_upsert_keeps_the_added_time_and_takes_the_new_path(tmp_path):
    catalogue = new_catalogue(tmp_path, TickingClock())
    video = make_video()
    catalogue.upsert_video(video)
    added_at = catalogue.clip(video.id).added_at
    moved = video.model_copy(update={"path": "/elsewhere/beach.mp4"})
    catalogue.upsert_video(moved)
    clip = catalogue.clip(video.id)
    assert clip.added_at == added_at
    assert clip.video.path == "/elsewhere/beach.mp4"


def test_remove_clip_forgets_analyses_index_and_thumbnails(tmp_path):
    catalogue = new_catalogue(tmp_path)
    analysis = rich_analysis()
    video = analysis.video
    catalogue.save_analysis(analysis)
    thumbnail = catalogue.thumbnails.scene_path(video.sha256, 0)
    thumbnail.parent.mkdir(parents=True)
    thumbnail.write_bytes(b"jpeg")

    catalogue.remove_clip(video.id)
    assert catalogue.clip(video.id) is None
    assert catalogue.analysis(video.id, "local") is None
    assert catalogue.search("brighton") == ([], 0)
    assert not thumbnail.exists()
    catalogue.remove_clip(video.id)  # removing twice is harmless


# -- full-text search ------------------------------------------------------------------------


def test_prefix_of_the_last_word_matches(tmp_path):
    catalogue = new_catalogue(tmp_path)
    catalogue.save_analysis(rich_analysis(make_video("beach.mp4")))
    hits, total = catalogue.search("bea")
    assert total == 1
    assert hits[0].snippet == "beach.mp4"
    assert (hits[0].start_s, hits[0].end_s) == (0.0, 20.0)
    assert catalogue.search("welcome brigh")[1] == 1
    assert catalogue.search("brigh welcome")[1] == 0  # only the last word is a prefix


def test_search_ignores_case_and_diacritics(tmp_path):
    catalogue = new_catalogue(tmp_path)
    catalogue.save_analysis(make_analysis(ocr=("Café Ünïcode",)))
    assert catalogue.search("cafe unicode")[1] == 1
    assert catalogue.search("CAFÉ")[1] == 1


@pytest.mark.parametrize(
    "text", ['"', 'AND (', "OR", "NOT", "*", "a:b", "beach)", "NEAR(a b)", "'", "^x", "-", "\\", "   ", ""]
)
def test_odd_input_never_raises(tmp_path, text):
    catalogue = new_catalogue(tmp_path)
    catalogue.save_analysis(rich_analysis())
    hits, total = catalogue.search(text)
    assert total == len(hits)


def test_operators_in_user_text_are_searched_as_words(tmp_path):
    catalogue = new_catalogue(tmp_path)
    catalogue.save_analysis(make_analysis(ocr=("rock AND roll",)))
    assert catalogue.search("rock AND")[1] == 1
    assert fts_query('say "hi"') == '"say" """hi"""*'


def test_ocr_hit_returns_the_span_times_and_scene_thumbnail(tmp_path):
    catalogue = new_catalogue(tmp_path)
    analysis = make_analysis(ocr=("first", "second", "third", "fourth"))  # 4th at 10.0-11.5 s
    catalogue.save_analysis(analysis)
    second_scene = catalogue.thumbnails.scene_path(analysis.video.sha256, 1)
    second_scene.parent.mkdir(parents=True)
    second_scene.write_bytes(b"jpeg")

    [hit], total = catalogue.search("fourth")
    assert total == 1
    assert (hit.start_s, hit.end_s) == (10.0, 11.5)
    assert hit.snippet == "fourth"
    assert hit.video_id == analysis.video.id
    assert hit.title == "beach"
    assert hit.local_path == analysis.video.path
    assert hit.thumbnail_url == str(second_scene)
    [first_hit], _ = catalogue.search("first")
    assert first_hit.thumbnail_url is None  # scene 0's thumbnail is not on disk


def test_every_kind_of_text_is_indexed_with_its_span(tmp_path):
    catalogue = new_catalogue(tmp_path)
    catalogue.save_analysis(rich_analysis())

    def spans(query):
        return [(h.snippet, h.start_s, h.end_s) for h in catalogue.search(query)[0]]

    assert spans("intro") == [("intro", 0, 4)]
    assert spans("seagull") == [("seagull", 5, 7)]
    assert spans("lively") == [("Surf Rider — The Lively Ones", 0, 12)]
    # an unnamed person of the library reads "Person 7"; touching spans merged
    assert sorted(spans("person-7")) == [("Person 7", 2, 6), ("Person 7", 9, 10)]
    assert spans("sale 50") == [("SALE 50%", 4.0, 5.5)]


def test_reindexing_replaces_the_old_rows(tmp_path):
    catalogue = new_catalogue(tmp_path)
    video = make_video()
    catalogue.save_analysis(make_analysis(video, ocr=("old words",)))
    catalogue.save_analysis(make_analysis(video, ocr=("new words",)))
    catalogue.upsert_video(video)
    assert catalogue.search("old")[1] == 0
    assert catalogue.search("words")[1] == 1
    assert catalogue.search("beach")[1] == 1  # the title row is not duplicated


def test_paging_with_offset_and_total(tmp_path):
    catalogue = new_catalogue(tmp_path)
    for n in range(7):
        catalogue.save_analysis(make_analysis(make_video(f"clip{n}.mp4"), ocr=(f"sunset {n}",)))
    first, total = catalogue.search("sunset", limit=3)
    second, _ = catalogue.search("sunset", limit=3, offset=3)
    last, _ = catalogue.search("sunset", limit=3, offset=6)
    assert total == 7
    assert (len(first), len(second), len(last)) == (3, 3, 1)
    snippets = [h.snippet for h in first + second + last]
    assert sorted(snippets) == [f"sunset {n}" for n in range(7)]
    assert catalogue.search("sunset", limit=3, offset=9) == ([], 7)


def test_scores_are_between_0_and_1_best_first(tmp_path):
    catalogue = new_catalogue(tmp_path)
    catalogue.save_analysis(make_analysis(make_video("a.mp4"), ocr=("harbour boats harbour",)))
    catalogue.save_analysis(
        make_analysis(make_video("b.mp4"), ocr=("a long text that mentions the harbour once among many other words",))
    )
    for n in range(5):  # unrelated rows make "harbour" a rare, meaningful term
        catalogue.save_analysis(make_analysis(make_video(f"other{n}.mp4"), ocr=("street market",)))
    hits, total = catalogue.search("harbour")
    assert total == 2
    assert [h.snippet for h in hits][0] == "harbour boats harbour"
    assert hits[0].score == 1.0, "the best match is the reference"
    assert all(0 < h.score <= 1 for h in hits)
    assert hits[0].score > hits[1].score


def test_fts_survives_reopening(tmp_path):
    catalogue = new_catalogue(tmp_path)
    catalogue.save_analysis(rich_analysis())
    catalogue._conn.close()
    assert new_catalogue(tmp_path).search("brighton")[1] == 1


def test_concurrent_connection_sees_committed_rows(tmp_path):
    catalogue = new_catalogue(tmp_path)
    catalogue.save_analysis(rich_analysis())
    other = sqlite3.connect(tmp_path / "data" / "catalogue.sqlite3")
    assert other.execute("SELECT count(*) FROM videos").fetchone()[0] == 1


def test_a_damaged_catalogue_is_a_clear_error_not_a_crash(tmp_path):
    from reelscope.library.db import CatalogueUnavailable, open_database

    damaged = tmp_path / "catalogue.sqlite"
    damaged.write_text("not a database at all\n" * 100)
    with pytest.raises(CatalogueUnavailable, match="move it aside"):
        open_database(damaged)
    assert damaged.read_text().startswith("not a database"), "the user's file is left as it was"


def test_an_unwritable_data_folder_is_a_clear_error(tmp_path):
    from reelscope.library.db import CatalogueUnavailable, open_database

    blocker = tmp_path / "file-not-folder"
    blocker.write_text("")
    with pytest.raises(CatalogueUnavailable, match="cannot create the data folder"):
        open_database(blocker / "data" / "catalogue.sqlite")


def test_user_markers_are_kept_per_clip_in_time_order_and_go_with_the_clip(tmp_path):
    from reelscope.library.markers import MarkerStore

    catalogue = new_catalogue(tmp_path)
    analysis = rich_analysis()
    catalogue.save_analysis(analysis)
    markers = MarkerStore(catalogue._conn)
    late = markers.add(analysis.video.id, 12.5, "best take")
    early = markers.add(analysis.video.id, 3.0)
    assert [(m.id, m.time_s, m.name) for m in markers.for_clip(analysis.video.id)] == [
        (early.id, 3.0, f"Marker {early.id}"), (late.id, 12.5, "best take"),
    ]
    markers.remove(early.id)
    assert [m.id for m in markers.for_clip(analysis.video.id)] == [late.id]
    catalogue.remove_clip(analysis.video.id)
    assert markers.for_clip(analysis.video.id) == []
