"""The search panel over cloud services: the real window, Twelve Labs and Eluvio as loopback fakes.

A provider selector lists this library and the configured services, each with its own options; hits
come with their thumbnails, provider labels and relative scores; several services merge; a cloud hit
of a clip in the library opens it, any other opens a preview; scrolling pages; a failing service is
named while the others' hits stay; no key shows in the panel.
"""

from __future__ import annotations

import threading

import httpx
import opentimelineio as otio
import pytest
import tomli_w
from PySide6.QtCore import QPoint, Qt

from fakes.analyses import make_analysis, make_video
from fakes.eluvio import FakeEluvio
from fakes.media import make_clip
from fakes.twelvelabs import FakeTwelveLabs
from fakes.twelvelabs.server import video_id_for
from reelscope.domain.assets import AssetState, ProviderAsset
from reelscope.domain.export import ExportFormat
from reelscope.domain.search import SCORE_METHOD
from reelscope.domain.timecode import format_clock
from reelscope.qt.models.roles import ObjectRole, RelevanceRole
from reelscope.services.export import ExportRequest

TL_KEY = "tlk-panel-5e2d90c1aa"
EL_KEY = "elv-panel-61b0c9fe2d"
TEXT = "bear chasing a man"


@pytest.fixture
def fakes(data_dir, tmp_path, monkeypatch):
    with FakeTwelveLabs(api_key=TL_KEY, videos=12) as twelvelabs, FakeEluvio(api_key=EL_KEY, videos=10) as eluvio:
        twelvelabs.rate_window_s = 0.05
        (tmp_path / "config.toml").write_text(tomli_w.dumps({"providers": {
            "twelvelabs": {"base_url": twelvelabs.base_url, "index_id": twelvelabs.index_id},
            "eluvio": {"base_url": eluvio.base_url, "index_id": eluvio.index_id},
        }}), encoding="utf-8")
        monkeypatch.setenv("REELSCOPE_SECRETS", "file")
        monkeypatch.setenv("REELSCOPE_TWELVELABS_API_KEY", TL_KEY)
        monkeypatch.setenv("REELSCOPE_ELUVIO_API_KEY", EL_KEY)
        yield twelvelabs, eluvio


def search(qtbot, pane, providers: list[str], text: str = TEXT, timeout: int = 20_000) -> None:
    pane.choose_providers(providers)
    pane.set_query(text)
    qtbot.waitUntil(lambda: pane.hit_count() > 0 or pane.problems_text or "failed" in pane.status_text,
                    timeout=timeout)
    qtbot.waitUntil(lambda: not pane.is_busy(), timeout=timeout)   # and the pages asked for ahead of the view


def rows(pane):
    model = pane.grid.model()
    return [model.index(row, 0) for row in range(model.rowCount())]


def test_the_selector_lists_the_services_and_shows_each_ones_options(open_app, qtbot, fakes):
    app = open_app(start=False)
    pane = app.workspace.search
    labels = {provider_id: action.text() for provider_id, action in pane.provider_actions().items()}
    assert labels == {"local": "This library", "twelvelabs": "Twelve Labs", "eluvio": "Eluvio"}
    assert pane.provider_button.isVisible() and pane.chosen_providers() == ["local"]
    assert not pane.options_form.isVisible() and pane.person_filter.isVisible()

    pane.choose_providers(["twelvelabs"])
    qtbot.waitUntil(lambda: pane.options_form.widget_for("twelvelabs", "search_options") is not None, timeout=5_000)
    assert pane.options_form.isVisible()
    assert pane.options_form.widget_for("twelvelabs", "search_options").text() == "Visuals"
    assert pane.options_form.widget_for("twelvelabs", "page_limit").value() == 10
    assert pane.options_form.widget_for("twelvelabs", "index_id").text() == fakes[0].index_id
    assert not pane.person_filter.isVisible(), "the library's own filters only when the library is searched"
    assert "Twelve Labs" in pane.provider_button.text()

    pane.all_providers_action.trigger()
    qtbot.waitUntil(lambda: pane.options_form.widget_for("eluvio", "clips") is not None, timeout=5_000)
    assert pane.chosen_providers() == ["local", "twelvelabs", "eluvio"]
    shots = pane.options_form.widget_for("eluvio", "clips")
    assert [shots.itemText(i) for i in range(shots.count())] == ["Clips", "Shots"]
    assert pane.options_form.widget_for("twelvelabs", "search_options").isVisible()
    assert pane.person_filter.isVisible()


def test_a_twelve_labs_search_shows_its_hits_with_thumbnails_from_the_service(open_app, qtbot, fakes):
    twelvelabs, _ = fakes
    app = open_app(start=False)
    pane = app.workspace.search
    search(qtbot, pane, ["twelvelabs"])
    hits = pane.hits()
    assert len(hits) >= 10 and {hit.provider for hit in hits} == {"twelvelabs"}
    assert all(hit.confidence and hit.thumbnail_url.startswith("http") for hit in hits)
    assert "Twelve Labs:" in pane.status_text and "moments" in pane.status_text
    qtbot.waitUntil(lambda: all(pane.thumbnails.pixmap(hit.thumbnail_url) is not None for hit in hits[:4]),
                    timeout=10_000)
    assert twelvelabs.record()["thumbnails_served"] >= 4
    relevance = [index.data(RelevanceRole) for index in rows(pane)]
    assert relevance[0] == 1.0 and relevance == sorted(relevance, reverse=True)
    assert pane.min_score.toolTip().endswith(SCORE_METHOD)


def test_eluvio_frames_come_through_its_token_and_stay_out_of_the_cache_names(open_app, qtbot, fakes, caplog):
    _, eluvio = fakes
    caplog.set_level("DEBUG")
    app = open_app(start=False)
    pane = app.workspace.search
    search(qtbot, pane, ["eluvio"])
    hits = pane.hits()
    assert hits and all(hit.provider == "eluvio" and hit.thumbnail_url.startswith("eluvio:") for hit in hits)
    qtbot.waitUntil(lambda: all(pane.thumbnails.pixmap(hit.thumbnail_url) is not None for hit in hits[:3]),
                    timeout=10_000)
    cached = [str(path) for path in app.core.storage.thumbnails.root.rglob("*") if path.is_file()]
    assert cached and not any(EL_KEY in name for name in cached)
    assert EL_KEY not in caplog.text and EL_KEY not in pane.status_text


def test_thumbnails_come_over_the_picture_thread_never_the_windows_and_it_ends_with_the_app(
        open_app, qtbot, fakes, monkeypatch):
    sent: list[tuple[threading.Thread, str]] = []   # every HTTP request the app sends: by which thread, where
    send = httpx.AsyncClient.send

    async def recorded_send(self, request, *args, **kwargs):
        sent.append((threading.current_thread(), request.url.path))
        return await send(self, request, *args, **kwargs)

    monkeypatch.setattr(httpx.AsyncClient, "send", recorded_send)
    app = open_app(start=False)
    pane = app.workspace.search
    search(qtbot, pane, ["twelvelabs", "eluvio"])
    shown = [hit for provider in ("twelvelabs", "eluvio")
             for hit in [hit for hit in pane.hits() if hit.provider == provider][:3]]
    assert len(shown) == 6
    qtbot.waitUntil(lambda: all(pane.thumbnails.pixmap(hit.thumbnail_url) is not None for hit in shown),
                    timeout=10_000)

    pictures = [(thread, path) for thread, path in sent if path.startswith("/thumbnails/") or "/rep/frame/" in path]
    searches = [(thread, path) for thread, path in sent if path.startswith("/search") or path.endswith("/rep/search")]
    picture_thread = app.core.images.picture_thread
    assert searches and all(thread is threading.main_thread() for thread, _ in searches)
    assert {path.split("/")[1] for _, path in pictures} == {"thumbnails", "q"}, "both services' pictures came"
    assert all(thread is picture_thread for thread, _ in pictures), "a picture was fetched on the window's thread"

    open_app.close(app)
    assert not picture_thread.is_alive(), "the picture thread outlived the app"


def test_grouped_by_clip_the_service_groups_and_the_grid_shows_headers(open_app, qtbot, fakes):
    twelvelabs, _ = fakes
    app = open_app(start=False)
    pane = app.workspace.search
    pane.group_checkbox.setChecked(True)
    search(qtbot, pane, ["twelvelabs"])
    assert twelvelabs.searches[-1]["group_by"] == "video"
    headers = [index for index in rows(pane) if pane.grid.model().is_header(index.row())]
    assert len(headers) >= 10 and len(headers) % 10 == 0 or len(headers) == 12, "pages of ten clips, each headed"
    assert "moments in them" in pane.status_text and "clips" in pane.status_text


def test_expired_thumbnail_links_are_renewed_by_searching_that_page_again(open_app, qtbot, fakes):
    twelvelabs, _ = fakes
    app = open_app(start=False)
    pane = app.workspace.search
    twelvelabs.fail_next(403, count=3, path="^/thumbnails/")   # links that ran out, as S3 refuses them
    search(qtbot, pane, ["twelvelabs"])
    qtbot.waitUntil(lambda: len(twelvelabs.searches) == 2, timeout=10_000)   # the first page's search again
    qtbot.waitUntil(lambda: all(pane.thumbnails.pixmap(hit.thumbnail_url) is not None for hit in pane.hits()[:3]),
                    timeout=10_000)
    assert len(twelvelabs.searches) == 2, "one search again for the page, not one per tile"
    assert twelvelabs.record()["faulted"] == 3


def test_merged_search_labels_hits_by_provider_and_orders_by_relative_score(open_app, qtbot, fakes, run_async):
    app = open_app(start=False)
    video = make_video("bear_run.mp4", content="bear-run")
    app.core.storage.database.call(app.core.storage.catalogue.save_analysis,
                                   make_analysis(video, ocr=("bear chasing a man", "a man runs")))
    pane = app.workspace.search
    search(qtbot, pane, ["local", "twelvelabs"])
    hits = pane.hits()
    assert {hit.provider for hit in hits} == {"local", "twelvelabs"}
    relevance = [index.data(RelevanceRole) for index in rows(pane)]
    assert relevance == sorted(relevance, reverse=True) and relevance.count(1.0) >= 2, \
        "each provider's best is 100%, and the merge is best first"
    local = next(hit for hit in hits if hit.provider == "local")
    assert local.local_video_id == video.id
    assert "Search in: This library + Twelve Labs" == pane.provider_button.text()

    pane.min_score.setValue(90)   # one threshold for both, on the relative score
    qtbot.waitUntil(lambda: not pane.is_busy() and pane.hit_count() > 0 and all(
        index.data(RelevanceRole) >= 0.9 for index in rows(pane)), timeout=20_000)
    pane.order.setCurrentIndex(pane.order.findData("date"))   # newest clips first: clips not in the library last
    qtbot.waitUntil(lambda: not pane.is_busy() and pane.hits() and pane.hits()[0].provider == "local",
                    timeout=20_000)
    assert all(hit.added_at is None for hit in pane.hits()[1:]), "the cloud's clips are not in the library"


def test_a_click_on_a_cloud_hit_of_a_library_clip_opens_it_at_that_moment(open_app, qtbot, fakes, tmp_path,
                                                                          run_async):
    twelvelabs, _ = fakes
    path = make_clip(tmp_path / "media" / "bear.mp4", total_frames=25 * 40, size=(160, 120))
    video = make_video("bear.mp4", folder=str(path.parent), duration_s=40.0, content="bear")
    app = open_app(start=False)
    storage = app.core.storage
    storage.database.call(storage.catalogue.save_analysis, make_analysis(video))
    remote = video_id_for(3)
    storage.database.call(storage.assets.put, ProviderAsset(sha256=video.sha256, provider="twelvelabs",
                                                            remote_id=remote, state=AssetState.DONE,
                                                            video_id=video.id))
    pane = app.workspace.search
    search(qtbot, pane, ["twelvelabs"])
    scroll_until(qtbot, pane, lambda: any(h.video_id == remote and h.start_s < 38 for h in pane.hits()))
    index = next(i for i in rows(pane) if i.data(ObjectRole).video_id == remote and i.data(ObjectRole).start_s < 38)
    hit = index.data(ObjectRole)
    assert hit.local_path == str(path) and hit.local_video_id == video.id
    click(qtbot, pane, index)
    qtbot.waitUntil(lambda: app.workspace.current_clip_id() == video.id, timeout=10_000)
    qtbot.waitUntil(lambda: abs(app.workspace.player.position() - hit.start_s) < 0.1, timeout=5_000)
    assert pane.preview is None

    elsewhere = next(h for h in pane.hits() if h.local_video_id is None)
    exported = run_async(app.core.export.export_hits(
        [hit, elsewhere], ExportRequest(ExportFormat.OTIO, tmp_path / "moments.otio"), TEXT))
    clips = list(otio.adapters.read_from_file(str(exported.path)).tracks[0].find_clips())
    assert {c.name.split(" · ")[0] for c in clips} == {f"bear {format_clock(hit.start_s)}–{format_clock(hit.end_s)}"}, \
        "the library clip is exported at the moment the service found; a clip not in the library cannot be"


def test_a_click_on_a_hit_not_in_the_library_opens_its_preview(open_app, qtbot, fakes):
    app = open_app(start=False)
    pane = app.workspace.search
    search(qtbot, pane, ["twelvelabs"])
    index = rows(pane)[1]
    hit = index.data(ObjectRole)
    click(qtbot, pane, index)
    qtbot.waitUntil(lambda: pane.preview is not None and pane.preview.isVisible(), timeout=5_000)
    assert pane.preview.hit == hit and app.workspace.current_clip_id() is None
    qtbot.waitUntil(pane.preview.has_picture, timeout=10_000)
    text = " ".join(label.text() for label in pane.preview.findChildren(type(pane.preview._picture)))
    assert hit.video_id in text and "Twelve Labs" in text and "–" in text


def test_scrolling_asks_each_service_for_its_next_page(open_app, qtbot, fakes):
    twelvelabs, eluvio = fakes
    app = open_app(start=False)
    pane = app.workspace.search
    search(qtbot, pane, ["twelvelabs", "eluvio"])
    first = pane.hit_count()
    assert {hit.provider for hit in pane.hits()} == {"twelvelabs", "eluvio"}
    scroll_until(qtbot, pane, lambda: pane.hit_count() > first)
    assert len(twelvelabs.record()["pages_served"]) >= 1, "Twelve Labs' next page by its own token"
    assert {hit.provider for hit in pane.hits()[first:]} == {"twelvelabs", "eluvio"}


@pytest.mark.parametrize("fault", [500, 429, "html"])
def test_a_failing_service_is_named_and_the_others_hits_stay(open_app, qtbot, fakes, fault):
    twelvelabs, eluvio = fakes
    eluvio.fail_next(fault, count=20)
    app = open_app(start=False)
    pane = app.workspace.search
    search(qtbot, pane, ["twelvelabs", "eluvio"], timeout=60_000)
    qtbot.waitUntil(lambda: bool(pane.problems_text), timeout=60_000)
    assert pane.problems_text.startswith("Eluvio failed:")
    assert pane.hit_count() >= 10 and {hit.provider for hit in pane.hits()} == {"twelvelabs"}
    shown = " ".join([pane.status_text, pane.problems_text, pane.provider_button.text()])
    assert EL_KEY not in shown and TL_KEY not in shown


def click(qtbot, pane, index) -> None:
    pane.grid.scrollTo(index)
    rect = pane.grid.visualRect(index)
    qtbot.mouseClick(pane.grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center() + QPoint(0, -20))


def scroll_until(qtbot, pane, condition, timeout_s: float = 30.0) -> None:
    bar = pane.grid.verticalScrollBar()

    def scrolled() -> bool:
        bar.setValue(bar.maximum())
        return condition()

    qtbot.waitUntil(scrolled, timeout=int(timeout_s * 1000))


def test_seeknetic_offers_its_collections_and_top_k_and_searches_the_one_chosen(open_app, qtbot, cloud):
    demo = cloud.seeknetic.seed_demo(6, "Harbour rushes")
    cloud.store_keys("seeknetic")
    app = open_app(start=False)
    pane = app.workspace.search
    assert "seeknetic" in pane.provider_actions()
    pane.choose_providers(["seeknetic"])
    qtbot.waitUntil(lambda: pane.options_form.widget_for("seeknetic", "collection_id") is not None, timeout=5_000)
    collections = pane.options_form.widget_for("seeknetic", "collection_id")
    assert [collections.itemText(i) for i in range(collections.count())] == ["Harbour rushes"]
    top_k = pane.options_form.widget_for("seeknetic", "top_k")
    top_k.setValue(8)
    search(qtbot, pane, ["seeknetic"], text="a dog in the park")
    assert cloud.seeknetic.record()["searches"][-1] == {"collection_id": demo, "text": "a dog in the park",
                                                         "top_k": 8}
    assert 0 < pane.hit_count() <= 8 and all(hit.title.startswith("demo clip") for hit in pane.hits())


def test_a_service_set_up_in_the_settings_is_searchable_at_once_and_gone_once_its_key_is(
    open_app, qtbot, run_async, tmp_path, monkeypatch, data_dir
):
    from reelscope.services.provider_setup import ProviderEdit

    monkeypatch.setenv("REELSCOPE_SECRETS", "file")
    with FakeTwelveLabs(api_key=TL_KEY, videos=6) as twelvelabs:
        twelvelabs.rate_window_s = 0.05
        app = open_app(start=False)
        pane = app.workspace.search
        assert list(pane.provider_actions()) == ["local"] and not pane.provider_button.isVisible()

        outcome = run_async(app.core.setup.save(ProviderEdit(
            "twelvelabs", {"base_url": twelvelabs.base_url, "index_id": twelvelabs.index_id}, api_key=TL_KEY)))
        assert outcome.applied, outcome.message()
        assert list(pane.provider_actions()) == ["local", "twelvelabs"] and pane.provider_button.isVisible()
        search(qtbot, pane, ["twelvelabs"])
        assert pane.hit_count() > 0 and {hit.provider for hit in pane.hits()} == {"twelvelabs"}

        run_async(app.core.setup.save(ProviderEdit("twelvelabs", remove_key=True)))
        assert list(pane.provider_actions()) == ["local"] and pane.chosen_providers() == ["local"]
