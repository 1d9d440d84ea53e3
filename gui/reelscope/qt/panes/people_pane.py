"""The people gallery: every person of the library with a face and a clip count; the selected
person's faces (a wrong one can be moved out) and the moments they appear (a click opens one).

Rename and merge are in each person's context menu (and under the list); the dialogs open with
open(), never exec(), so the event loop keeps running.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QAction, QFont, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListView,
    QMenu,
    QPushButton,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.people import Face, Person, PersonMoment
from ..models.people_model import FaceListModel, MomentListModel, PersonListModel, counts_text
from ..models.roles import ObjectRole, muted_text_color
from ..widgets.thumbnail_loader import ThumbnailLoader

FACE_SIZE = QSize(88, 88)


class PeoplePane(QWidget):
    person_selected = Signal(str)            # person id
    rename_requested = Signal(str, str)      # person id, new name
    merge_requested = Signal(str, str)       # person id merged into, person id kept
    move_face_requested = Signal(int)        # face id, to a new person of its own
    moment_activated = Signal(object)        # PersonMoment

    def __init__(self, thumbnails: ThumbnailLoader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._thumbnails = thumbnails
        self._selected: str | None = None
        self._dialog: QInputDialog | None = None

        self.persons_model = PersonListModel(self)
        self.persons_view = _grid(self)
        self.persons_view.setModel(self.persons_model)
        self.persons_view.setItemDelegate(FaceDelegate(thumbnails, self.persons_view, with_counts=True))
        self.persons_view.clicked.connect(self._on_person_clicked)
        self.persons_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.persons_view.customContextMenuRequested.connect(self._person_menu)

        self.rename_button = QPushButton("Rename…", self)
        self.rename_button.clicked.connect(lambda: self._selected and self.ask_rename(self._selected))
        self.merge_button = QPushButton("Merge into…", self)
        self.merge_button.clicked.connect(self._merge_menu_for_selection)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.rename_button)
        buttons.addWidget(self.merge_button)
        buttons.addStretch(1)

        self.title = QLabel("Select a person to see where they appear", self)
        font = QFont(self.title.font())
        font.setBold(True)
        self.title.setFont(font)

        self.faces_model = FaceListModel(self)
        self.faces_view = _grid(self, flow_only=True)
        self.faces_view.setModel(self.faces_model)
        self.faces_view.setItemDelegate(FaceDelegate(thumbnails, self.faces_view, with_counts=False))
        self.faces_view.setFixedHeight(FACE_SIZE.height() + 2 * FaceDelegate.PAD + 24)
        self.faces_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.faces_view.customContextMenuRequested.connect(self._face_menu)
        self.faces_view.setToolTip("Right-click a face that is not this person to move it out")

        self.moments_model = MomentListModel(self)
        self.moments_view = QListView(self)
        self.moments_view.setModel(self.moments_model)
        self.moments_view.setUniformItemSizes(True)
        self.moments_view.clicked.connect(self._on_moment_clicked)
        self.moments_view.activated.connect(self._on_moment_clicked)

        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.persons_view, 1)
        top_layout.addLayout(buttons)
        bottom = QWidget(self)
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.title)
        bottom_layout.addWidget(self.faces_view)
        bottom_layout.addWidget(self.moments_view, 1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter)
        thumbnails.loaded.connect(self.persons_view.viewport().update)
        thumbnails.loaded.connect(self.faces_view.viewport().update)
        self._update_buttons()

    # -- public API --------------------------------------------------------------------------

    def set_persons(self, persons: list[Person]) -> None:
        self.persons_model.set_items(persons)
        row = self.persons_model.row_of(self._selected) if self._selected else None
        if row is None:
            self._selected = None
            self.show_person(None, [], [])
        else:
            self.persons_view.setCurrentIndex(self.persons_model.index(row))
        self._update_buttons()

    def select_person(self, person_id: str) -> None:
        row = self.persons_model.row_of(person_id)
        if row is not None:
            index = self.persons_model.index(row)
            self.persons_view.setCurrentIndex(index)
            self._on_person_clicked(index)

    def show_person(self, person: Person | None, faces: list[Face], moments: list[PersonMoment]) -> None:
        if person is None:
            self.title.setText("Select a person to see where they appear")
        else:
            self.title.setText(f"{person.display_name}: {len(moments)} moment{'' if len(moments) == 1 else 's'}")
        self.faces_model.set_items(faces)
        self.moments_model.set_items(moments)

    def selected_person(self) -> str | None:
        return self._selected

    def persons(self) -> list[Person]:
        return self.persons_model.items()

    def ask_rename(self, person_id: str) -> None:
        person = next((p for p in self.persons() if p.person_id == person_id), None)
        if person is None:
            return
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Rename person")
        dialog.setLabelText("Name (searchable):")
        dialog.setTextValue(person.name or "")
        dialog.textValueSelected.connect(lambda name: self.rename_requested.emit(person_id, name))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._dialog = dialog
        dialog.open()  # never exec(): it would nest an event loop under asyncio

    # -- internals -----------------------------------------------------------------------------

    def _on_person_clicked(self, index: QModelIndex) -> None:
        person = index.data(ObjectRole)
        if isinstance(person, Person):
            self._selected = person.person_id
            self._update_buttons()
            self.person_selected.emit(person.person_id)

    def _on_moment_clicked(self, index: QModelIndex) -> None:
        moment = index.data(ObjectRole)
        if isinstance(moment, PersonMoment):
            self.moment_activated.emit(moment)

    def _update_buttons(self) -> None:
        self.rename_button.setEnabled(self._selected is not None)
        self.merge_button.setEnabled(self._selected is not None and len(self.persons()) > 1)

    def _person_menu(self, position: QPoint) -> None:
        person = self.persons_view.indexAt(position).data(ObjectRole)
        if not isinstance(person, Person):
            return
        menu = QMenu(self)
        menu.addAction("Rename…", lambda: self.ask_rename(person.person_id))
        self._add_merge_actions(menu.addMenu("Merge into"), person.person_id)
        menu.popup(self.persons_view.viewport().mapToGlobal(position))

    def _merge_menu_for_selection(self) -> None:
        if self._selected is None:
            return
        menu = QMenu(self)
        self._add_merge_actions(menu, self._selected)
        menu.popup(self.merge_button.mapToGlobal(self.merge_button.rect().bottomLeft()))

    def _add_merge_actions(self, menu: QMenu, source_id: str) -> None:
        for other in self.persons():
            if other.person_id != source_id:
                action = QAction(other.display_name, menu)
                action.triggered.connect(
                    lambda _checked=False, target=other.person_id: self.merge_requested.emit(source_id, target)
                )
                menu.addAction(action)

    def _face_menu(self, position: QPoint) -> None:
        face = self.faces_view.indexAt(position).data(ObjectRole)
        if not isinstance(face, Face):
            return
        menu = QMenu(self)
        menu.addAction("Not this person: move out", lambda: self.move_face_requested.emit(face.face_id))
        menu.popup(self.faces_view.viewport().mapToGlobal(position))


def _grid(parent: QWidget, flow_only: bool = False) -> QListView:
    view = QListView(parent)
    view.setViewMode(QListView.ViewMode.IconMode)
    view.setMovement(QListView.Movement.Static)
    view.setResizeMode(QListView.ResizeMode.Adjust)
    view.setWrapping(not flow_only)
    view.setFlow(QListView.Flow.LeftToRight)
    view.setSpacing(4)
    view.setUniformItemSizes(True)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    return view


class FaceDelegate(QStyledItemDelegate):
    """A face crop with a name under it (and, for persons, their clip and face counts)."""

    PAD = 4

    def __init__(self, thumbnails: ThumbnailLoader, view: QListView, *, with_counts: bool) -> None:
        super().__init__(view)
        self._thumbnails = thumbnails
        self._with_counts = with_counts

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        lines = 2 if self._with_counts else 1
        height = FACE_SIZE.height() + 2 * self.PAD + lines * option.fontMetrics.height() + 4
        return QSize(FACE_SIZE.width() + 2 * self.PAD + 16, height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        item = index.data(ObjectRole)
        painter.save()
        try:
            widget = option.widget
            if widget:
                widget.style().drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)
            rect = option.rect
            face_rect = QRect(rect.left() + (rect.width() - FACE_SIZE.width()) // 2, rect.top() + self.PAD,
                              FACE_SIZE.width(), FACE_SIZE.height())
            palette = option.palette
            painter.fillRect(face_rect, palette.color(QPalette.ColorRole.Shadow))
            pixmap = self._thumbnails.pixmap(getattr(item, "thumbnail_path", None))
            if pixmap is not None:
                painter.drawPixmap(face_rect, pixmap)
            selected = bool(option.state & QStyle.StateFlag.State_Selected)
            text_color = palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
            metrics = option.fontMetrics
            line = metrics.height()
            text_rect = QRect(rect.left() + 2, face_rect.bottom() + 3, rect.width() - 4, line)
            painter.setPen(text_color)
            name = index.data(Qt.ItemDataRole.DisplayRole) or ""
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignHCenter,
                             metrics.elidedText(name, Qt.TextElideMode.ElideRight, text_rect.width()))
            if self._with_counts and isinstance(item, Person):
                painter.setPen(text_color if selected else muted_text_color(palette))
                counts = QRect(text_rect.translated(0, line))
                painter.drawText(counts, Qt.AlignmentFlag.AlignHCenter,
                                 metrics.elidedText(counts_text(item), Qt.TextElideMode.ElideRight, counts.width()))
        except Exception:  # a delegate must never raise into Qt's paint (DESIGN.md §6)
            pass
        finally:
            painter.restore()
