"""A search provider's own options as widgets, built from its option specs (domain.search_options).

choice -> a combo box, multi -> a button with a checkable menu, integer -> a spin box, text -> a line
edit. One section per provider, kept while the provider is not shown so that its values survive.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...domain.search_options import OptionValue, SearchOptionSpec

Reader = Callable[[], OptionValue | None]


class SearchOptionsForm(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, skip: Iterable[str] = ()) -> None:
        super().__init__(parent)
        self._skip = frozenset(skip)
        self._sections: dict[str, _Section] = {}
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)

    def set_options(self, provider_id: str, label: str, specs: Sequence[SearchOptionSpec]) -> None:
        """The provider's options (again: a section already built keeps the values chosen in it)."""
        shown = [spec for spec in specs if spec.key not in self._skip]
        old = self._sections.get(provider_id)
        if old is not None and old.keys == [spec.key for spec in shown]:
            return
        previous = old.values() if old is not None else {}
        if old is not None:
            old.deleteLater()
        section = _Section(label, shown, previous, self)
        section.changed.connect(self.changed)
        self._sections[provider_id] = section
        self._layout.addWidget(section)
        section.setVisible(False)

    def show_providers(self, provider_ids: Iterable[str]) -> None:
        wanted = set(provider_ids)
        for provider_id, section in self._sections.items():
            section.setVisible(provider_id in wanted and bool(section.keys))
        self.setVisible(any(section.isVisibleTo(self) for section in self._sections.values()))

    def has_options(self, provider_id: str) -> bool:
        return provider_id in self._sections

    def values(self, provider_id: str) -> dict[str, OptionValue]:
        section = self._sections.get(provider_id)
        return section.values() if section is not None else {}

    def widget_for(self, provider_id: str, key: str) -> QWidget | None:
        section = self._sections.get(provider_id)
        return section.widgets.get(key) if section is not None else None


class _Section(QWidget):
    changed = Signal()

    def __init__(self, label: str, specs: Sequence[SearchOptionSpec], previous: dict[str, OptionValue],
                 parent: QWidget) -> None:
        super().__init__(parent)
        self.keys = [spec.key for spec in specs]
        self.widgets: dict[str, QWidget] = {}
        self._readers: dict[str, Reader] = {}
        form = QFormLayout(self)
        form.setContentsMargins(0, 2, 0, 0)
        form.setHorizontalSpacing(6)
        form.setVerticalSpacing(2)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        title = QLabel(label, self)
        font = QFont(title.font())
        font.setBold(True)
        title.setFont(font)
        form.addRow(title)
        for spec in specs:
            value = previous.get(spec.key, spec.default)
            widget, reader = _widget_for(spec, value, self.changed.emit, self)
            widget.setToolTip(spec.help)
            widget.setObjectName(f"option-{spec.key}")
            self.widgets[spec.key] = widget
            self._readers[spec.key] = reader
            form.addRow(spec.label, widget)

    def values(self) -> dict[str, OptionValue]:
        found: dict[str, OptionValue] = {}
        for key, read in self._readers.items():
            value = read()
            if value is not None:
                found[key] = value
        return found


def _widget_for(spec: SearchOptionSpec, value: OptionValue | None, changed: Callable[[], None],
                parent: QWidget) -> tuple[QWidget, Reader]:
    if spec.kind == "integer":
        spin = QSpinBox(parent)
        spin.setRange(spec.minimum if spec.minimum is not None else 0, spec.maximum if spec.maximum is not None
                      else 1_000_000)
        if value is not None:
            spin.setValue(int(value))  # type: ignore[arg-type]
        spin.valueChanged.connect(lambda _v: changed())
        return spin, spin.value
    if spec.kind == "choice":
        combo = QComboBox(parent)
        for choice in spec.choices:
            combo.addItem(choice.label, choice.value)
        combo.setCurrentIndex(max(0, combo.findData(value)))
        combo.currentIndexChanged.connect(lambda _i: changed())
        return combo, lambda: combo.currentData()
    if spec.kind == "multi":
        return _multi(spec, value, changed, parent)
    edit = QLineEdit(parent)
    edit.setText("" if value is None else str(value))
    edit.setPlaceholderText(spec.help)
    edit.editingFinished.connect(changed)
    return edit, lambda: edit.text().strip() or None


def _multi(spec: SearchOptionSpec, value: OptionValue | None, changed: Callable[[], None],
           parent: QWidget) -> tuple[QWidget, Reader]:
    chosen = {value} if isinstance(value, str) else set(value or ())
    button = QToolButton(parent)
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    menu = QMenu(button)
    actions: list[QAction] = []
    for choice in spec.choices:
        action = menu.addAction(choice.label)
        action.setCheckable(True)
        action.setChecked(choice.value in chosen)
        action.setData(choice.value)
        actions.append(action)
    button.setMenu(menu)

    def read() -> tuple[str, ...]:
        return tuple(str(action.data()) for action in actions if action.isChecked())

    def show_choice() -> None:
        names = [action.text() for action in actions if action.isChecked()]
        button.setText(", ".join(names) if names else "none")

    def toggled(action: QAction) -> None:
        if spec.minimum and len(read()) < spec.minimum:
            action.setChecked(True)   # keep at least the minimum chosen
            return
        show_choice()
        changed()

    menu.triggered.connect(toggled)
    show_choice()
    return button, read
