"""One cloud provider's page of the settings dialog: where the service is, its key, its own choices,
and a connection test that shows what the service answered.

The key field never holds the stored key: it says whether one is stored and where, and takes a new
one. What the page changed comes out as a ProviderEdit; nothing is saved here.
"""

from __future__ import annotations

import html
import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..domain.connection import ConnectionCheck
from ..services.provider_setup import ProviderEdit, ProviderPage
from .models.roles import FAILURE_COLOR, SUCCESS_COLOR

MAX_PROCESSING_TIME_LIMIT_S = 7 * 24 * 3600
_SETTINGS_POINTER = re.compile(r"\s*(\(Settings → [^)]*\)|in Settings( → \w[\w ]*)?)")
AUTH_STYLES = (("x-api-key", "X-API-Key header"), ("bearer", "Authorization: Bearer"))


class ProviderSettingsPage(QWidget):
    test_requested = Signal(object)   # ProviderEdit: the values on the page now

    def __init__(self, page: ProviderPage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.page = page
        self.provider_id = page.provider_id
        settings = page.settings
        self._remove_key = False
        self._remove_webhook_secret = False
        self._fields: dict[str, QWidget] = {}

        title = QLabel(f"<b>{html.escape(page.label)}</b>", self)
        self.status_label = QLabel(self._status_text(), self)
        self.status_label.setWordWrap(True)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        if page.regions:
            self.region_combo = self._region_combo(settings.region)
            form.addRow("Region:", self.region_combo)
            self.auth_combo = QComboBox(self)
            for value, text in AUTH_STYLES:
                self.auth_combo.addItem(text, value)
            style = (settings.auth_style or "x-api-key").lower()
            self.auth_combo.setCurrentIndex(max(0, self.auth_combo.findData(style)))
            self._fields["auth_style"] = self.auth_combo
        self.base_url_edit = self._line("base_url", settings.base_url)
        if page.default_base_url:
            whose = "the region's" if page.regions else "the service's"
            self.base_url_edit.setPlaceholderText(f"{page.default_base_url} ({whose})")
        form.addRow("Custom base URL:" if page.regions else "Base URL:", self.base_url_edit)

        self.key_edit = QLineEdit(self)
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setPlaceholderText(self._key_placeholder())
        self.key_edit.setClearButtonEnabled(True)
        reveal = QToolButton(self)
        reveal.setText("Show")
        reveal.setCheckable(True)
        reveal.setToolTip("Show what you typed (a stored key is never shown)")
        reveal.toggled.connect(lambda shown: self.key_edit.setEchoMode(
            QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password))
        self.forget_key_button = QPushButton("Forget key", self)
        self.forget_key_button.setToolTip("Remove the stored key when you press OK")
        self.forget_key_button.setVisible(page.key_stored)
        self.forget_key_button.clicked.connect(self._forget_key)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_edit, 1)
        key_row.addWidget(reveal)
        key_row.addWidget(self.forget_key_button)
        form.addRow("API key:", key_row)
        if "api_key" in page.environment:
            form.addRow("", _hint(f"{page.environment['api_key']} is set in the environment: it is used instead of "
                                  "the key stored here.", self))
        if page.regions:
            form.addRow("Key sent as:", self.auth_combo)

        if self.provider_id == "noxovision":
            self.max_time_spin = QSpinBox(self)
            self.max_time_spin.setRange(0, MAX_PROCESSING_TIME_LIMIT_S)
            self.max_time_spin.setSuffix(" s")
            self.max_time_spin.setSpecialValueText("Unlimited (0)")
            self.max_time_spin.setValue(settings.max_processing_time_s or 0)
            self.max_time_spin.setToolTip("Max-Processing-Time: the service cancels a job that runs longer")
            self._fields["max_processing_time_s"] = self.max_time_spin
            form.addRow("Max processing time:", self.max_time_spin)
            self.webhook_url_edit = self._line("webhook_url", settings.webhook_url)
            self.webhook_url_edit.setPlaceholderText("none: poll for results (the default)")
            form.addRow("Webhook URL:", self.webhook_url_edit)
            self.webhook_secret_edit = QLineEdit(self)
            self.webhook_secret_edit.setEchoMode(QLineEdit.EchoMode.Password)
            self.webhook_secret_edit.setPlaceholderText(
                "a secret is stored; type to replace it" if page.webhook_secret_stored else "signs the webhook calls"
            )
            form.addRow("Webhook secret:", self.webhook_secret_edit)
            self.webhook_listen_edit = self._line("webhook_listen", settings.webhook_listen)
            self.webhook_listen_edit.setPlaceholderText("127.0.0.1:8765 (where the public URL forwards to)")
            form.addRow("Webhook receiver:", self.webhook_listen_edit)
        if self.provider_id == "seeknetic":
            self.collection_edit = self._line("collection_id", settings.collection_id)
            self.collection_edit.setPlaceholderText("none: tags only (choose one in Library → Seeknetic collections)")
            form.addRow("Upload collection:", self.collection_edit)
        if self.provider_id in ("twelvelabs", "eluvio"):
            self.index_edit = self._line("index_id", settings.index_id)
            form.addRow("Index id:", self.index_edit)

        self.test_button = QPushButton("Test connection", self)
        self.test_button.setEnabled(page.can_test)
        self.test_button.setToolTip(
            "One call to the service with the values above; shows what it answered"
            if page.can_test else f"{page.label} is used by search, which cannot be tested from here yet"
        )
        self.test_button.clicked.connect(lambda: self.test_requested.emit(self.edit()))
        self.result_label = QLabel(self)
        self.result_label.setWordWrap(True)
        self.result_label.setTextFormat(Qt.TextFormat.RichText)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.status_label)
        layout.addLayout(form)
        layout.addWidget(_hint(f"Keys are kept in {page.secrets_location}, never in the configuration file. "
                               "A change applies when you press OK, to jobs that start from then on.", self))
        layout.addLayout(test_row)
        layout.addWidget(self.result_label)
        layout.addStretch(1)
        self._initial = self.edit()

    # -- what the page holds ---------------------------------------------------------------------

    def edit(self) -> ProviderEdit:
        choices: dict[str, object] = {}
        for name, widget in self._fields.items():
            if isinstance(widget, QLineEdit):
                if not widget.isReadOnly():
                    choices[name] = widget.text().strip() or None
            elif isinstance(widget, QSpinBox):
                choices[name] = widget.value()
            elif isinstance(widget, QComboBox):
                choices[name] = widget.currentData()
        if getattr(self, "region_combo", None) is not None and "region" not in self.page.environment:
            choices["region"] = self.region_combo.currentData()
        webhook_secret = self.webhook_secret_edit.text().strip() if hasattr(self, "webhook_secret_edit") else ""
        return ProviderEdit(
            provider_id=self.provider_id,
            choices=choices,
            api_key=self.key_edit.text().strip() or None,
            remove_key=self._remove_key,
            webhook_secret=webhook_secret or None,
            remove_webhook_secret=self._remove_webhook_secret,
        )

    def is_modified(self) -> bool:
        return self.edit() != self._initial

    # -- the connection test ----------------------------------------------------------------------

    def show_testing(self) -> None:
        self.test_button.setEnabled(False)
        self.result_label.setText("<i>Testing…</i>")

    def show_result(self, check: ConnectionCheck) -> None:
        self.test_button.setEnabled(self.page.can_test)
        self.result_label.setText(check_html(check))

    # -- internals ---------------------------------------------------------------------------------

    def _line(self, name: str, value: str | None) -> QLineEdit:
        edit = QLineEdit(value or "", self)
        edit.setClearButtonEnabled(True)
        variable = self.page.environment.get(name)
        if variable:
            edit.setReadOnly(True)
            edit.setToolTip(f"Set by the environment variable {variable}; change it there")
        self._fields[name] = edit
        return edit

    def _region_combo(self, region: str | None) -> QComboBox:
        combo = QComboBox(self)
        model = combo.model()
        for choice in self.page.regions:
            combo.addItem(f"{choice.label} — {'live' if choice.available else 'coming soon'}", choice.id)
            if not choice.available and isinstance(model, QStandardItemModel):
                model.item(combo.count() - 1).setEnabled(False)
        wanted = (region or "tokyo").lower()
        index = combo.findData(wanted)
        combo.setCurrentIndex(index if index >= 0 else 0)
        combo.setToolTip("Tokyo is live; Oregon and Beijing are listed by Seeknetic as coming soon")
        if "region" in self.page.environment:
            combo.setEnabled(False)
        return combo

    def _forget_key(self) -> None:
        self._remove_key = True
        self.key_edit.clear()
        self.key_edit.setPlaceholderText("The stored key will be removed when you press OK")
        self.forget_key_button.setEnabled(False)

    def _key_placeholder(self) -> str:
        if self.page.key_stored:
            return "A key is stored — type a new one to replace it"
        return f"Paste your {self.page.label} API key"

    def _status_text(self) -> str:
        page = self.page
        if page.problem:
            return f"Not in use: {page.problem}"
        if page.in_use:
            return "In use: its key is set."
        if page.key_stored:
            return "A key is stored."
        return f"Not set up: enter a key to use {page.label}."


def check_html(check: ConnectionCheck) -> str:
    """What a connection test found, as the page shows it: verdict, status, time, call, the server's words."""
    colour = (SUCCESS_COLOR if check.ok else FAILURE_COLOR).name()
    mark = "✔" if check.ok else "✘"
    lines = [f"<span style='color:{colour}'><b>{mark} {html.escape(check.message)}</b></span>"]
    facts = []
    if check.status is not None:
        facts.append(f"HTTP {check.status}")
    if check.endpoint:
        facts.append(f"{check.elapsed_s:.2f} s")
        facts.append(html.escape(check.endpoint))
    if facts:
        lines.append(" · ".join(facts))
    if check.server_message:
        lines.append(f"Server said: “{html.escape(check.server_message)}”")
    hint = _SETTINGS_POINTER.sub("", check.hint or "").strip()
    if hint and not check.ok:   # the page is where the hint points: it need not say "in Settings"
        lines.append(html.escape(hint[:1].upper() + hint[1:]))
    return "<br>".join(lines)


def _hint(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setEnabled(False)
    return label
