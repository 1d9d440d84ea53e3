"""The library pane's Seeknetic section: the account's collections, the one new clips are uploaded to,
and a filter of the clip list to what a collection holds."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QFont, QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...domain.collections import Collection
from ..menus import SEPARATOR, popup_menu
from ..models.roles import ObjectRole

ALL_CLIPS = "All clips"
UPLOAD_MARK = "⬆"
VISIBLE_ROWS = 4


class CollectionsSection(QWidget):
    refresh_requested = Signal()
    create_requested = Signal(str)            # the new collection's name
    filter_requested = Signal(object)         # a collection id, or None for every clip
    upload_target_requested = Signal(object)  # a collection id, or None: no collection (tags only)

    def __init__(self, title: str = "Seeknetic collections", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._upload_target: str | None = None
        self._collections: list[Collection] = []

        self.toggle = QToolButton(self)
        self.toggle.setText(title)
        self.toggle.setCheckable(True)
        self.toggle.setChecked(True)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setAutoRaise(True)
        self.toggle.toggled.connect(self._expand)
        self.new_button = QToolButton(self)
        self.new_button.setText("New…")
        self.new_button.setToolTip("Create a collection in your Seeknetic account")
        self.new_button.clicked.connect(self._ask_name)
        self.refresh_button = QToolButton(self)
        self.refresh_button.setText("Refresh")
        self.refresh_button.setToolTip("List the collections again")
        self.refresh_button.clicked.connect(self.refresh_requested)
        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.addWidget(self.toggle)
        header.addStretch(1)
        header.addWidget(self.new_button)
        header.addWidget(self.refresh_button)

        self.list = QListWidget(self)
        self.list.setUniformItemSizes(True)
        self.list.currentItemChanged.connect(self._on_current_changed)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._show_menu)
        self.list.itemDoubleClicked.connect(lambda item: self._choose_upload(item))
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.hide()

        self._use_here = QAction("Upload new Seeknetic clips here", self)
        self._use_here.triggered.connect(lambda: self._choose_upload(self.list.currentItem()))
        self._no_collection = QAction("Upload to no collection (tags only)", self)
        self._no_collection.triggered.connect(lambda: self.upload_target_requested.emit(None))
        self._copy_id = QAction("Copy collection id", self)
        self._copy_id.triggered.connect(self._copy_current_id)

        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.status.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.setSpacing(2)
        layout.addLayout(header)
        layout.addWidget(self.list)
        layout.addWidget(self.status)
        self._fit_height()

    # -- what the controller shows -------------------------------------------------------------------

    def set_collections(self, collections: Sequence[Collection], upload_target: str | None) -> None:
        """Lists them (the current choice kept when still there); the upload target is marked."""
        keep = self.current_collection_id()
        self._collections = list(collections)
        self._upload_target = upload_target
        self.list.blockSignals(True)
        self.list.clear()
        self.list.addItem(QListWidgetItem(ALL_CLIPS))
        for collection in self._collections:
            item = QListWidgetItem(self._item_text(collection))
            item.setData(ObjectRole, collection)
            item.setToolTip(self._item_tooltip(collection))
            if collection.collection_id == upload_target:
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
            self.list.addItem(item)
        self.list.setCurrentRow(self._row_of(keep) if keep else 0)
        self.list.blockSignals(False)
        listed = {collection.collection_id for collection in self._collections}
        if upload_target and upload_target not in listed:
            self.show_message(f"New clips are set to upload to collection {upload_target}, which Seeknetic does not "
                              "list: double-click one to upload there instead.", error=True)
        else:
            self.show_message("" if self._collections else "No collections yet: New… makes one.")
        self._fit_height()

    def show_message(self, text: str, error: bool = False) -> None:
        self.status.setText(f"<span style='color:#ef5350'>{html.escape(text)}</span>" if error else html.escape(text))
        self.status.setVisible(bool(text))

    def current_collection_id(self) -> str | None:
        item = self.list.currentItem()
        collection = item.data(ObjectRole) if item is not None else None
        return collection.collection_id if collection is not None else None

    def select_collection(self, collection_id: str | None) -> None:
        self.list.setCurrentRow(self._row_of(collection_id) if collection_id else 0)

    def item_text(self, collection_id: str) -> str:
        row = self._row_of(collection_id)
        return self.list.item(row).text() if row else ""

    def collection_name(self, collection_id: str) -> str:
        row = self._row_of(collection_id)
        return self.list.item(row).data(ObjectRole).name if row else collection_id

    # -- internals ---------------------------------------------------------------------------------

    def _item_text(self, collection: Collection) -> str:
        videos = collection.video_count
        count = "" if videos is None else f"  ·  {videos} video{'' if videos == 1 else 's'}"
        mark = f"{UPLOAD_MARK} " if collection.collection_id == self._upload_target else ""
        return f"{mark}{collection.name}{count}"

    def _item_tooltip(self, collection: Collection) -> str:
        lines = [collection.name, f"id {collection.collection_id}"]
        if collection.description:
            lines.append(collection.description)
        target = collection.collection_id == self._upload_target
        lines.append(f"{UPLOAD_MARK} New Seeknetic analyses upload here" if target
                     else "Double-click to upload new Seeknetic clips here")
        return "\n".join(lines)

    def _row_of(self, collection_id: str | None) -> int:
        for row in range(1, self.list.count()):
            if self.list.item(row).data(ObjectRole).collection_id == collection_id:
                return row
        return 0

    def _on_current_changed(self, current: QListWidgetItem | None, _previous) -> None:
        collection = current.data(ObjectRole) if current is not None else None
        self.filter_requested.emit(collection.collection_id if collection is not None else None)

    def _choose_upload(self, item: QListWidgetItem | None) -> None:
        collection = item.data(ObjectRole) if item is not None else None
        if collection is not None and collection.collection_id != self._upload_target:
            self.upload_target_requested.emit(collection.collection_id)

    def _show_menu(self, position) -> None:
        item = self.list.itemAt(position)
        if item is None or item.data(ObjectRole) is None:
            return
        self.list.setCurrentItem(item)
        self._use_here.setEnabled(item.data(ObjectRole).collection_id != self._upload_target)
        self._no_collection.setEnabled(self._upload_target is not None)
        popup_menu(self.list.viewport(), position, [self._use_here, self._no_collection, SEPARATOR, self._copy_id])

    def _copy_current_id(self) -> None:
        collection_id = self.current_collection_id()
        if collection_id:
            QGuiApplication.clipboard().setText(collection_id)

    def _ask_name(self) -> None:
        dialog = QInputDialog(self)
        dialog.setWindowTitle("New Seeknetic collection")
        dialog.setLabelText("Name:")
        dialog.textValueSelected.connect(lambda name: name.strip() and self.create_requested.emit(name.strip()))
        dialog.finished.connect(lambda _result: dialog.deleteLater())
        dialog.open()  # never exec(): it would nest an event loop under asyncio

    def _expand(self, expanded: bool) -> None:
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.list.setVisible(expanded)
        self.status.setVisible(expanded and bool(self.status.text()))

    def _fit_height(self) -> None:
        rows = min(max(1, self.list.count()), VISIBLE_ROWS + 1)
        row_height = self.list.sizeHintForRow(0) if self.list.count() else self.fontMetrics().height() + 4
        self.list.setFixedHeight(rows * row_height + 2 * self.list.frameWidth() + 2)
