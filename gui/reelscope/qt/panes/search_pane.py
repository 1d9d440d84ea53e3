"""The search dock: a query box, a status line and a paged grid of moment thumbnails."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QProgressBar,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...domain.providers import LOCAL
from ...domain.search import ORDER_DATE, ORDER_SCORE, SCORE_METHOD, SearchHit, SearchResult
from ...domain.search_options import OptionValue, SearchOptionSpec
from ..models.roles import FAILURE_COLOR, ObjectRole, muted_text_color
from ..models.search_model import SearchHitModel
from ..widgets.hover_scrub import HoverScrub
from ..widgets.search_options_form import SearchOptionsForm
from ..widgets.sprite_loader import SpriteLoader
from ..widgets.thumbnail_loader import ThumbnailLoader
from .hit_grid import KIND_WORDS, THUMB_SIZE, HitDelegate, HitGrid
from .hit_preview import PREVIEW_SIZE, HitPreview

__all__ = ["KIND_WORDS", "THUMB_SIZE", "HitDelegate", "HitGrid", "SearchPane"]

DEBOUNCE_MS = 300
PREFETCH_SCREENS = 2
"""The next page is asked for this many screens before the end of the grid."""


class SearchPane(QWidget):
    search_requested = Signal(str)
    more_requested = Signal()
    hit_activated = Signal(object, float)   # the hit, and where to open it: the frame a scrub showed, or its start
    export_requested = Signal()
    providers_changed = Signal(list)   # the ids of the providers chosen to search
    grouping_changed = Signal(bool)

    def __init__(
        self, thumbnails: ThumbnailLoader, parent: QWidget | None = None, sprites: SpriteLoader | None = None
    ) -> None:
        super().__init__(parent)
        self._last_query = ""
        self._status_before_busy: str | None = None
        self._thumbnails = thumbnails
        self._preview_pictures = ThumbnailLoader(PREVIEW_SIZE, self, cache_size=8, fetch=thumbnails.fetch)
        self._labels: dict[str, str] = {LOCAL: "This library"}
        self.preview: HitPreview | None = None

        self.provider_button = QToolButton(self)
        self.provider_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.provider_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.provider_button.setToolTip("Where to search: this library, your cloud services, or several at once")
        self._provider_menu = QMenu(self.provider_button)
        self._provider_menu.triggered.connect(self._on_provider_triggered)
        self.provider_button.setMenu(self._provider_menu)
        self._provider_actions: dict[str, QAction] = {}
        self._all_action: QAction | None = None
        self.options_form = SearchOptionsForm(self, skip={"group_by"})
        self.options_form.changed.connect(self._filters_changed)
        self.options_form.hide()

        self._query = QLineEdit(self)
        self._query.setPlaceholderText("Search moments: words, text on screen, tags…")
        self._query.setClearButtonEnabled(True)
        self._query.textEdited.connect(self._on_text_edited)
        self._query.returnPressed.connect(self._search_now)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._on_debounced)

        self._group = QCheckBox("Group by clip", self)
        self._group.toggled.connect(self._on_group_toggled)
        self._group.setToolTip("A clip's moments together, under one heading (services that can group do so)")
        self.export_button = QPushButton("Export…", self)
        self.export_button.setToolTip("The results as a timeline of moments (EDL, FCP XML, FCPXML, OTIO…)")
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self.export_requested)

        self.person_filter = QComboBox(self)
        self.person_filter.setToolTip("Only moments where this person is on screen")
        self.person_filter.addItem("Anyone", None)
        self.provider_filter = QComboBox(self)
        self.provider_filter.setToolTip("Only moments from this provider's analyses")
        self.provider_filter.addItem("Any provider", None)
        self.clip_filter = QCheckBox("Open clip only", self)
        self.clip_filter.setToolTip("Only moments of the clip in the player")
        self.min_score = QDoubleSpinBox(self)
        self.min_score.setRange(0, 100)
        self.min_score.setDecimals(0)
        self.min_score.setSingleStep(10)
        self.min_score.setSuffix(" %")
        self.min_score.setPrefix("score ≥ ")
        self.min_score.setToolTip(f"Relevance threshold. {SCORE_METHOD}")
        self.order = QComboBox(self)
        self.order.addItem("Best first", ORDER_SCORE)
        self.order.addItem("Newest clips first", ORDER_DATE)
        for combo in (self.person_filter, self.provider_filter, self.order):
            combo.currentIndexChanged.connect(self._filters_changed)
        self.clip_filter.toggled.connect(self._filters_changed)
        self.min_score.valueChanged.connect(self._filters_changed)

        self._status = QLabel(self)
        self._status.setWordWrap(True)
        self._status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self._problems = QLabel(self)
        self._problems.setWordWrap(True)
        self._problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        palette = self._problems.palette()
        palette.setColor(QPalette.ColorRole.WindowText, FAILURE_COLOR)
        self._problems.setPalette(palette)
        self._problems.hide()

        self._busy = QProgressBar(self)
        self._busy.setRange(0, 0)
        self._busy.setTextVisible(False)
        self._busy.setFixedHeight(4)
        keep_place = self._busy.sizePolicy()
        keep_place.setRetainSizeWhenHidden(True)   # the grid does not move (nor lay out again) as pages load
        self._busy.setSizePolicy(keep_place)
        self._busy.hide()

        self._model = SearchHitModel(self)
        self._model.more_requested.connect(self.more_requested)

        self._grid = HitGrid(self)
        self.scrub = HoverScrub(self._grid, HitDelegate.thumbnail_rect)
        self._delegate = HitDelegate(thumbnails, self._grid, sprites=sprites, scrub=self.scrub, labels=self._labels)
        if sprites is not None:
            sprites.loaded.connect(self._grid.viewport().update)
        self._grid.setItemDelegate(self._delegate)
        self._grid.setModel(self._model)
        self._grid.setUniformItemSizes(True)
        self._grid.clicked.connect(self._activate)
        self._grid.enter_pressed.connect(self._activate)
        thumbnails.loaded.connect(self._repaint_tiles_of)
        self._grid.verticalScrollBar().valueChanged.connect(self._fetch_if_near_end)
        self._grid.verticalScrollBar().rangeChanged.connect(self._fetch_if_near_end)

        options = QHBoxLayout()
        options.setContentsMargins(0, 0, 0, 0)
        options.addWidget(self._status, 1)
        options.addWidget(self._group, 0, Qt.AlignmentFlag.AlignTop)
        options.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignTop)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        self._local_filters = QWidget(self)
        filters = QHBoxLayout(self._local_filters)
        filters.setContentsMargins(0, 0, 0, 0)
        filters.addWidget(self.person_filter, 1)
        filters.addWidget(self.provider_filter, 1)
        more = QHBoxLayout()
        more.setContentsMargins(0, 0, 0, 0)
        more.addWidget(self.min_score)
        more.addWidget(self.order, 1)
        more.addWidget(self.clip_filter)
        layout.addWidget(self._query)
        layout.addWidget(self.provider_button)
        layout.addWidget(self.options_form)
        layout.addWidget(self._local_filters)
        layout.addLayout(more)
        layout.addLayout(options)
        layout.addWidget(self._problems)
        layout.addWidget(self._busy)
        layout.addWidget(self._grid, 1)
        self.set_search_providers([])
        self._show_status("Type to search the moments in your clips")

    # -- public API --------------------------------------------------------------------------

    def set_query(self, text: str) -> None:
        """Shows `text` in the query box and searches for it at once (unless it is blank)."""
        self._query.setText(text)
        self._search_now()

    def set_results(self, result: SearchResult, *, append: bool = False) -> None:
        hits = result.hits
        if not hits and result.groups:
            hits = tuple(hit for group in result.groups for hit in group.hits)
        if append:
            self._model.append_hits(hits)
        else:
            self._model.set_hits(hits)
            self._grid.scrollToTop()
        self._show_status(self._summary(result))
        self.export_button.setEnabled(self._model.hit_count() > 0)

    def set_ranked_results(
        self, query: str, hits: list[SearchHit], relevance: list[float | None], *, append: bool = False,
        notes: list[str] = (), problems: list[str] = (), grouped: bool = False,
    ) -> None:
        """Hits of one or several providers, ranked together, their scores relative to each provider's best.

        `notes` (totals per provider, a service's warnings) follow the count in the status line;
        `problems` (a provider that failed) are shown beneath it, the other providers' hits still shown.
        """
        if grouped and not self._group.isChecked():
            self._group.setChecked(True)
        if append:
            self._model.append_hits(hits, relevance)
        else:
            self._model.set_hits(hits, relevance)
            self._grid.scrollToTop()
        count = self._model.hit_count()
        if count:
            clips = self._model.clip_count()
            head = f"{count} moment{'' if count == 1 else 's'} in {clips} clip{'' if clips == 1 else 's'}"
        else:
            head = f"No results for “{query}”"
        self._show_status("  ·  ".join([head, *notes]))
        self.show_problems(list(problems))
        self.export_button.setEnabled(count > 0)

    def show_problems(self, problems: list[str]) -> None:
        self._problems.setText("\n".join(problems))
        self._problems.setVisible(bool(problems))

    def renew_thumbnails(self, links: dict[str, str]) -> None:
        self._model.renew_thumbnails(links)

    def set_thumbnail_fetch(self, fetch) -> None:
        """Where thumbnails that are not files come from (a coroutine function: reference -> file or None)."""
        self._thumbnails.set_fetch(fetch)
        self._preview_pictures.set_fetch(fetch)

    def show_preview(self, hit: SearchHit) -> HitPreview:
        """A preview of a hit whose clip is not in the library (non-modal; the last one is replaced)."""
        if self.preview is not None:
            self.preview.close()
        relevance = self._model.relevance(hit)
        label = self._labels.get(hit.provider or "", hit.provider or "")
        self.preview = HitPreview(hit, label, relevance, self._preview_pictures, self)
        self.preview.finished.connect(lambda _result, shown=self.preview: shown.deleteLater())
        self.preview.open()
        return self.preview

    def set_search_providers(self, providers: list[tuple[str, str]]) -> None:
        """The places a search can look: (id, label) of each configured service; this library is always one."""
        chosen = set(self.chosen_providers()) if self._provider_actions else {LOCAL}
        self._labels.update(providers)
        self._provider_menu.clear()
        self._provider_actions = {}
        for provider_id, label in [(LOCAL, self._labels[LOCAL]), *providers]:
            action = self._provider_menu.addAction(label)
            action.setCheckable(True)
            action.setData(provider_id)
            action.setChecked(provider_id in chosen)
            self._provider_actions[provider_id] = action
        self._provider_menu.addSeparator()
        self._all_action = self._provider_menu.addAction("All of them")
        self._all_action.setToolTip("Search every place at once; the hits are merged")
        if not any(action.isChecked() for action in self._provider_actions.values()):
            self._provider_actions[LOCAL].setChecked(True)
        self.provider_button.setVisible(len(self._provider_actions) > 1)
        self._providers_shown()

    def choose_providers(self, provider_ids: list[str]) -> None:
        for provider_id, action in self._provider_actions.items():
            action.setChecked(provider_id in provider_ids)
        if not self.chosen_providers():
            self._provider_actions[LOCAL].setChecked(True)
        self._on_choice_changed()

    def chosen_providers(self) -> list[str]:
        return [provider_id for provider_id, action in self._provider_actions.items() if action.isChecked()]

    def provider_actions(self) -> dict[str, QAction]:
        return dict(self._provider_actions)

    @property
    def all_providers_action(self) -> QAction | None:
        return self._all_action

    def set_provider_options(self, provider_id: str, label: str, specs: list[SearchOptionSpec]) -> None:
        self.options_form.set_options(provider_id, label, specs)
        self.options_form.show_providers(self.chosen_providers())

    def option_values(self, provider_id: str) -> dict[str, OptionValue]:
        return self.options_form.values(provider_id)

    def threshold(self) -> float:
        """The relevance threshold, 0..1, relative to each provider's best match."""
        return self.min_score.value() / 100.0

    def order_choice(self) -> str:
        return self.order.currentData() or ORDER_SCORE

    @property
    def grouped(self) -> bool:
        return self._group.isChecked()

    @property
    def problems_text(self) -> str:
        return self._problems.text() if self._problems.isVisible() else ""

    def filters(self) -> dict[str, str | float | bool]:
        """The search options the filters ask for (domain.search.SearchQuery says what each means)."""
        options: dict[str, str | float | bool] = {"order": self.order.currentData() or ORDER_SCORE}
        if self.person_filter.currentData():
            options["person"] = self.person_filter.currentData()
        if self.provider_filter.currentData():
            options["from_provider"] = self.provider_filter.currentData()
        if self.min_score.value() > 0:
            options["min_score"] = self.min_score.value() / 100.0
        if self.clip_filter.isChecked():
            options["open_clip"] = True
        return options

    def set_persons(self, persons: list[tuple[str, str]]) -> None:
        """(person id, what a user reads) for the person filter; the current choice is kept if it remains."""
        _refill(self.person_filter, "Anyone", persons)

    def set_providers(self, providers: list[tuple[str, str]]) -> None:
        _refill(self.provider_filter, "Any provider", providers)

    def set_has_more(self, has_more: bool) -> None:
        self._model.set_has_more(has_more)
        if has_more:
            # The grid may not fill the view: ask for the next page as a scroll to the end would.
            QTimer.singleShot(0, self._fetch_if_at_end)

    def set_busy(self, busy: bool) -> None:
        self._busy.setVisible(busy)
        if busy and self._status_before_busy is None:
            self._status_before_busy = self._status.text()
            if self._status.isVisible():   # as tall as the summary it stands for: the grid stays where it is
                self._status.setMinimumHeight(self._status.height())
            self._show_status("Searching…")
        elif not busy and self._status_before_busy is not None:
            if self._status.text() == "Searching…":
                self._show_status(self._status_before_busy)
            self._status_before_busy = None
            self._status.setMinimumHeight(0)

    def is_busy(self) -> bool:
        return self._status_before_busy is not None

    def show_error(self, message: str) -> None:
        self._busy.hide()
        self._status_before_busy = None
        self._status.setMinimumHeight(0)
        self._show_status(message, error=True)

    def hit_count(self) -> int:
        return self._model.hit_count()

    def hits(self) -> list[SearchHit]:
        return self._model.hits()

    def current_query(self) -> str:
        return self._last_query

    @property
    def status_text(self) -> str:
        return self._status.text()

    @property
    def query_edit(self) -> QLineEdit:
        return self._query

    @property
    def group_checkbox(self) -> QCheckBox:
        return self._group

    @property
    def thumbnails(self) -> ThumbnailLoader:
        return self._thumbnails

    @property
    def grid(self) -> QListView:
        return self._grid

    # -- internals -----------------------------------------------------------------------------

    def _on_text_edited(self, _text: str) -> None:
        self._debounce.start()

    def _on_debounced(self) -> None:
        query = self._query.text().strip()
        if query and query != self._last_query:
            self._emit_search(query)

    def _search_now(self) -> None:
        self._debounce.stop()
        query = self._query.text().strip()
        if query:
            self._emit_search(query)

    def _filters_changed(self, *_args) -> None:
        if self._last_query:
            self._emit_search(self._last_query)

    def _emit_search(self, query: str) -> None:
        self._last_query = query
        self.search_requested.emit(query)

    def _activate(self, index: QModelIndex) -> None:
        item = index.data(ObjectRole)
        if isinstance(item, SearchHit):
            shown = self._delegate.scrubbed_time(index)
            self.hit_activated.emit(item, item.start_s if shown is None else shown)

    def _on_group_toggled(self, grouped: bool) -> None:
        self._grid.setUniformItemSizes(not grouped)
        self._model.set_grouped(grouped)
        self.grouping_changed.emit(grouped)

    def _repaint_tiles_of(self, picture: str) -> None:
        """Repaints only the tiles showing a picture that just loaded, not the whole grid."""
        for row in self._model.rows_showing(picture):
            self._grid.update(self._model.index(row))

    def _fetch_if_at_end(self) -> None:
        self._fetch_if_near_end()

    def _fetch_if_near_end(self, *_args) -> None:
        """Asks for the next page while PREFETCH_SCREENS screens of hits are still ahead, not only at the end."""
        root = QModelIndex()
        if not self._model.canFetchMore(root):
            return
        last = self._model.rowCount() - 1
        screen = self._grid.viewport().height()
        # visualRect lays the grid out first, and is relative to the scrolled viewport.
        if last < 0 or self._grid.visualRect(self._model.index(last)).top() <= (1 + PREFETCH_SCREENS) * screen:
            self._model.fetchMore(root)

    def _on_provider_triggered(self, action: QAction) -> None:
        if action is self._all_action:
            for each in self._provider_actions.values():
                each.setChecked(True)
        elif not self.chosen_providers():
            action.setChecked(True)   # one place at least
        self._on_choice_changed()

    def _on_choice_changed(self) -> None:
        self._providers_shown()
        self.providers_changed.emit(self.chosen_providers())
        self._filters_changed()

    def _providers_shown(self) -> None:
        chosen = self.chosen_providers()
        names = [self._labels.get(provider_id, provider_id) for provider_id in chosen]
        self.provider_button.setText("Search in: " + (" + ".join(names) if len(names) < 3 else
                                                      f"{len(names)} places"))
        self.provider_button.setToolTip("Where to search: " + ", ".join(names))
        local = LOCAL in chosen
        self._local_filters.setVisible(local)
        self.clip_filter.setVisible(local)
        self.options_form.show_providers(chosen)
        self._delegate.show_providers = len(chosen) > 1
        self._grid.viewport().update()

    def _summary(self, result: SearchResult) -> str:
        count = self._model.hit_count()
        if count == 0:
            return f"No results for “{result.query}”"
        clips = self._model.clip_count()
        total = f" of {result.total}" if result.total and result.total > count else ""
        moments = "moment" if count == 1 and not total else "moments"
        return f"{count}{total} {moments} in {clips} clip{'' if clips == 1 else 's'}"

    def _show_status(self, text: str, *, error: bool = False) -> None:
        palette = self._status.palette()
        color = FAILURE_COLOR if error else muted_text_color(self.palette())
        palette.setColor(QPalette.ColorRole.WindowText, color)
        self._status.setPalette(palette)
        self._status.setText(text)


def _refill(combo: QComboBox, anything: str, items: list[tuple[str, str]]) -> None:
    chosen = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(anything, None)
    for value, label in items:
        combo.addItem(label, value)
    row = combo.findData(chosen) if chosen is not None else 0
    combo.setCurrentIndex(max(0, row))
    combo.blockSignals(False)
    if chosen is not None and row < 0:
        combo.currentIndexChanged.emit(0)
