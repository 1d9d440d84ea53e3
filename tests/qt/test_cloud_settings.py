"""Settings pages of the cloud providers, used as an editor would: a key typed once, tested against the
service's fake over loopback, stored outside the config file, in use at once and after a restart."""

from __future__ import annotations

import json
import logging
import stat
import tomllib

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialogButtonBox

WRONG_KEY = "sk-live-0000-wrong"


def open_settings(app, qtbot, page: str):
    controller = app.window.settings_controller
    task = controller.open(page)
    qtbot.waitUntil(task.done, timeout=5_000)
    dialog = controller.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.current_page_id() == page
    return dialog, dialog.provider_pages[page]


def press_ok(qtbot, dialog) -> None:
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)


def type_key(qtbot, page, key: str) -> None:
    page.key_edit.clear()
    qtbot.keyClicks(page.key_edit, key)


def menu_texts(app) -> list[str]:
    return [action.text() for action in app.window.targets_menu.actions() if action.text()]


def test_a_key_entered_once_is_stored_outside_the_config_used_at_once_and_after_a_restart(
    open_app, qtbot, cloud, data_dir
):
    app = open_app()
    assert "noxovision" not in app.core.providers
    assert "Set up Noxovision…" in menu_texts(app), "the Analyse with menu offers to set it up"

    dialog, page = open_settings(app, qtbot, "noxovision")
    assert page.key_edit.text() == "" and "Paste your Noxovision API key" in page.key_edit.placeholderText()
    type_key(qtbot, page, cloud.key)
    press_ok(qtbot, dialog)

    qtbot.waitUntil(lambda: "noxovision" in app.core.providers, timeout=5_000)
    assert "Noxovision" in menu_texts(app) and "Set up Noxovision…" not in menu_texts(app)
    assert "Noxovision saved and in use now" in app.window.statusBar().currentMessage()
    assert cloud.key not in cloud.config.read_text(encoding="utf-8")
    assert cloud.key in cloud.secrets.read_text(encoding="utf-8")
    assert stat.S_IMODE(cloud.secrets.stat().st_mode) == 0o600, "only the user may read the keys"
    for stored in data_dir.rglob("*"):
        if stored.is_file():
            assert cloud.key.encode() not in stored.read_bytes(), f"the key leaked into {stored.name}"
    open_app.close(app)

    again = open_app()
    assert "noxovision" in again.core.providers
    _dialog, page = open_settings(again, qtbot, "noxovision")
    assert page.key_edit.text() == "", "a stored key is never put back in the field"
    assert "A key is stored" in page.key_edit.placeholderText()
    assert page.status_label.text().startswith("In use")
    assert page.forget_key_button.isVisible()


def test_test_connection_with_a_wrong_key_shows_the_services_401_and_with_the_right_one_its_answer(
    open_app, qtbot, cloud
):
    app = open_app()
    _dialog, page = open_settings(app, qtbot, "noxovision")
    type_key(qtbot, page, WRONG_KEY)
    cloud.noxovision.faults.slow_fault_s = 0.6
    cloud.noxovision.fail_next("slow", path="/latency/")
    ticks: list[str] = []
    QTimer.singleShot(100, lambda: ticks.append(page.result_label.text()))  # the window keeps running meanwhile
    qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    assert not page.test_button.isEnabled() and "Testing" in page.result_label.text()

    qtbot.waitUntil(lambda: "HTTP" in page.result_label.text(), timeout=10_000)
    shown = page.result_label.text()
    assert ticks and "Testing" in ticks[0], "the test ran off the GUI thread"
    assert "Noxovision refused the API key" in shown and "HTTP 401" in shown
    assert "Invalid or missing API key" in shown, "the server's own words"
    assert f"GET {cloud.noxovision.base_url}/latency/video" in shown
    assert " s · " in shown, "the time it took"
    assert WRONG_KEY not in shown and page.test_button.isEnabled()
    assert cloud.noxovision.requests[-1]["headers"]["x-api-key"] == WRONG_KEY, "the typed key was the one tried"

    type_key(qtbot, page, cloud.key)
    qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "accepted" in page.result_label.text(), timeout=10_000)
    assert "HTTP 200" in page.result_label.text() and "latency_ms_per_unit" in page.result_label.text()
    assert "noxovision" not in app.core.providers, "a test saves nothing"


def test_seeknetic_regions_not_open_yet_are_listed_but_cannot_be_chosen(open_app, qtbot, cloud):
    app = open_app()
    _dialog, page = open_settings(app, qtbot, "seeknetic")
    combo = page.region_combo
    items = {combo.itemData(row): combo.model().item(row) for row in range(combo.count())}
    assert combo.currentData() == "tokyo" and items["tokyo"].isEnabled()
    assert "live" in items["tokyo"].text()
    for region in ("oregon", "beijing"):
        assert not items[region].isEnabled() and "coming soon" in items[region].text()


def test_forgetting_a_key_stops_the_provider_and_offers_its_setup_again(open_app, qtbot, cloud):
    cloud.store_keys("slipstream")
    app = open_app()
    assert "slipstream" in app.core.providers
    dialog, page = open_settings(app, qtbot, "slipstream")
    qtbot.mouseClick(page.forget_key_button, Qt.MouseButton.LeftButton)
    press_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: "slipstream" not in app.core.providers, timeout=5_000)
    assert "Set up Slipstream…" in menu_texts(app)
    assert cloud.key not in cloud.secrets.read_text(encoding="utf-8")


def test_the_webhook_secret_is_kept_with_the_keys_and_neither_reaches_a_log(open_app, qtbot, cloud, caplog):
    caplog.set_level(logging.DEBUG)
    secret = "whsec-5d1e8a77c2"
    app = open_app()
    dialog, page = open_settings(app, qtbot, "noxovision")
    type_key(qtbot, page, cloud.key)
    page.webhook_url_edit.setText("https://hooks.example/reelscope")
    qtbot.keyClicks(page.webhook_secret_edit, secret)
    page.max_time_spin.setValue(900)
    qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "accepted" in page.result_label.text(), timeout=10_000)
    press_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: "noxovision" in app.core.providers, timeout=5_000)

    config = tomllib.loads(cloud.config.read_text(encoding="utf-8"))["providers"]["noxovision"]
    assert config["webhook_url"] == "https://hooks.example/reelscope" and config["max_processing_time_s"] == 900
    assert secret not in cloud.config.read_text(encoding="utf-8")
    assert json.loads(cloud.secrets.read_text(encoding="utf-8"))["noxovision.webhook_secret"] == secret
    assert app.core.providers["noxovision"].max_processing_time_s == 900
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "latency/video" in logged, "the calls were logged..."
    assert cloud.key not in logged and secret not in logged, "...without the key or the secret"


def test_set_up_in_the_analyse_with_menu_opens_that_providers_page(open_app, qtbot, cloud):
    app = open_app()
    offer = next(a for a in app.window.targets_menu.actions() if a.text() == "Set up Slipstream…")
    offer.trigger()
    controller = app.window.settings_controller
    qtbot.waitUntil(lambda: controller.dialog is not None and controller.dialog.isVisible(), timeout=5_000)
    assert controller.dialog.current_page_id() == "slipstream"
    assert controller.dialog.provider_pages["slipstream"].status_label.text().startswith("Not set up")
