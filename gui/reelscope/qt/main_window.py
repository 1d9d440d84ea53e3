"""The main window: arranges the panes as docks around the player, with toolbar, menus and status bar."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QSizePolicy,
    QToolBar,
    QToolButton,
    QWidget,
)

from ..domain.media import VIDEO_EXTENSIONS

LAYOUT_VERSION = 1
DEFAULT_SIZE = (1480, 900)
SCREEN_SHARE = 0.92       # of the screen's free area, at most, for the first start's window
LIBRARY_MIN_WIDTH = 220   # a thumbnail and the start of a title
TARGETS_KEY = "ingest/targets"


class MainWindow(QMainWindow):
    add_paths_requested = Signal(list)      # list[Path], from the Add clips dialog
    settings_requested = Signal()
    provider_setup_requested = Signal(str)  # a provider id: its settings page
    quick_search_requested = Signal(str)
    export_requested = Signal()             # File → Export…: the open clip, or the library's selection
    shortcuts_requested = Signal()

    def __init__(
        self,
        *,
        library: QWidget,
        player: QWidget,
        timeline: QWidget,
        search: QWidget,
        queue: QWidget,
        layout_store: QSettings,
        providers: dict[str, str],
        people: QWidget | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("MainWindow")
        self.setWindowTitle("Reelscope")
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks
            | QMainWindow.DockOption.AllowNestedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
        )
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self._layout_store = layout_store
        self.player = player
        self.setCentralWidget(player)

        self.library_dock = self._dock("Library", "LibraryDock", library, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.library_dock.setMinimumWidth(LIBRARY_MIN_WIDTH)   # its titles and badges stay readable
        self.search_dock = self._dock("Search", "SearchDock", search, Qt.DockWidgetArea.RightDockWidgetArea)
        self.timeline_dock = self._dock("Timeline", "TimelineDock", timeline, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.queue_dock = self._dock("Queue", "QueueDock", queue, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.splitDockWidget(self.timeline_dock, self.queue_dock, Qt.Orientation.Vertical)
        self.people_dock: QDockWidget | None = None
        if people is not None:
            self.people_dock = self._dock("People", "PeopleDock", people, Qt.DockWidgetArea.RightDockWidgetArea)
            self.tabifyDockWidget(self.search_dock, self.people_dock)
            self.search_dock.raise_()

        self._target_actions: dict[str, QAction] = {}
        self._build_toolbar(providers)
        self._build_menus()
        self.activity_label = QLabel(self)
        self.statusBar().addPermanentWidget(self.activity_label)

        self._arrange_for_screen()
        self._default_state = self.saveState(LAYOUT_VERSION)

    # -- construction ------------------------------------------------------------------------------
    def _arrange_for_screen(self) -> None:
        """The first start's size, within the screen (a 1366x768 laptop too)."""
        screen = self.screen().availableGeometry()
        self.arrange(min(DEFAULT_SIZE[0], round(screen.width() * SCREEN_SHARE)),
                     min(DEFAULT_SIZE[1], round(screen.height() * SCREEN_SHARE)))

    def arrange(self, width: int, height: int) -> None:
        """The window at this size, with the docks' default shares of it."""
        self.resize(width, height)
        across, down = width / DEFAULT_SIZE[0], height / DEFAULT_SIZE[1]
        self.resizeDocks([self.library_dock, self.search_dock], [round(300 * across), round(360 * across)],
                         Qt.Orientation.Horizontal)
        self.resizeDocks([self.timeline_dock, self.queue_dock], [round(200 * down), round(150 * down)],
                         Qt.Orientation.Vertical)

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.addDockWidget(area, dock)
        return dock

    def _build_toolbar(self, providers: dict[str, str]) -> None:
        toolbar = QToolBar("Main", self)
        toolbar.setObjectName("MainToolBar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)

        self.add_action = QAction("Add clips…", self)
        self.add_action.setShortcut(QKeySequence.StandardKey.Open)
        self.add_action.setToolTip("Add video files to analyse (or drop files and folders anywhere on the window)")
        self.add_action.triggered.connect(self.choose_files)
        toolbar.addAction(self.add_action)

        self.add_folder_action = QAction("Add folder…", self)
        self.add_folder_action.setToolTip("Add every video in a folder and its subfolders")
        self.add_folder_action.triggered.connect(self.choose_folder)

        self.targets_menu = StayOpenMenu(self)
        self.targets_button = QToolButton(self)
        self.targets_button.setMenu(self.targets_menu)
        self.targets_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.targets_button.setToolTip("Where new clips are analysed: tick one or more")
        self.set_target_providers(providers)
        toolbar.addWidget(self.targets_button)

        spacer = QWidget(self)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)

        self.quick_search = QLineEdit(self)
        self.quick_search.setPlaceholderText("Search moments…  (Ctrl+F)")
        self.quick_search.setClearButtonEnabled(True)
        self.quick_search.setMinimumWidth(320)
        self.quick_search.returnPressed.connect(
            lambda: self.quick_search_requested.emit(self.quick_search.text().strip())
        )
        toolbar.addWidget(self.quick_search)
        focus_search = QAction(self)
        focus_search.setShortcut(QKeySequence.StandardKey.Find)
        focus_search.triggered.connect(lambda: (self.quick_search.setFocus(), self.quick_search.selectAll()))
        self.addAction(focus_search)

        self.settings_action = QAction("Settings", self)
        self.settings_action.setShortcut(QKeySequence.StandardKey.Preferences)
        self.settings_action.triggered.connect(self.settings_requested)
        toolbar.addAction(self.settings_action)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self.add_action)
        file_menu.addAction(self.add_folder_action)
        self.export_action = file_menu.addAction("Export…")
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.setToolTip("Write the clip's tracks for an editing suite (EDL, FCP XML, FCPXML, OTIO…)")
        self.export_action.triggered.connect(self.export_requested)
        file_menu.addSeparator()
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        quit_action = file_menu.addAction("Quit")
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)

        view_menu = self.menuBar().addMenu("&View")
        for dock in self._docks():
            view_menu.addAction(dock.toggleViewAction())
        view_menu.addSeparator()
        view_menu.addAction("Reset layout", self.reset_layout)

        self.playback_menu = self.menuBar().addMenu("&Playback")
        self.help_menu = self.menuBar().addMenu("&Help")
        self.shortcuts_action = self.help_menu.addAction("Keyboard shortcuts…")
        self.shortcuts_action.setShortcut(QKeySequence("F1"))
        self.shortcuts_action.triggered.connect(self.shortcuts_requested)

    def add_playback_action(self, text: str, shortcut: str, slot) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.playback_menu.addAction(action)
        return action

    # -- state -------------------------------------------------------------------------------------
    def target_providers(self) -> list[str]:
        return [provider_id for provider_id, action in self._target_actions.items() if action.isChecked()]

    def target_names(self) -> str:
        names = [action.text() for action in self._target_actions.values() if action.isChecked()]
        return ", ".join(names) if names else "nothing"

    def _update_targets_text(self) -> None:
        self.targets_button.setText("Analyse with: " + self.target_names())

    def set_target_providers(self, providers: dict[str, str], offers: dict[str, str] | None = None) -> None:
        """The providers a drop can go to (id -> label), ticked as last chosen (remembered across starts);
        offers lists providers without a key, each as an entry that opens its settings page."""
        remembered = self._layout_store.value(TARGETS_KEY)
        chosen = set(str(remembered).split(",")) if remembered else {"local"}
        self.targets_menu.clear()
        self._target_actions = {}
        for provider_id, display_name in providers.items():
            action = QAction(display_name, self, checkable=True)
            action.setChecked(provider_id in chosen)
            action.toggled.connect(self._on_target_toggled)
            self.targets_menu.addAction(action)
            self._target_actions[provider_id] = action
        if not self.target_providers() and "local" in self._target_actions:
            self._target_actions["local"].setChecked(True)
        if offers:
            self.targets_menu.addSeparator()
            for provider_id, display_name in offers.items():
                offer = self.targets_menu.addAction(f"Set up {display_name}…")
                offer.setToolTip(f"Enter your {display_name} key to analyse clips with it")
                offer.triggered.connect(lambda _checked=False, p=provider_id: self.provider_setup_requested.emit(p))
        self._update_targets_text()

    def _on_target_toggled(self, _checked: bool) -> None:
        self._layout_store.setValue(TARGETS_KEY, ",".join(self.target_providers()))
        self._update_targets_text()

    def choose_files(self) -> None:
        dialog = QFileDialog(self, "Add clips")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        patterns = " ".join(f"*{extension}" for extension in sorted(VIDEO_EXTENSIONS))
        dialog.setNameFilters([f"Video files ({patterns})", "All files (*)"])
        dialog.filesSelected.connect(lambda files: self.add_paths_requested.emit([Path(f) for f in files]))
        dialog.open()

    def choose_folder(self) -> None:
        dialog = QFileDialog(self, "Add a folder of clips")
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.fileSelected.connect(lambda folder: self.add_paths_requested.emit([Path(folder)]))
        dialog.open()

    def restore_layout(self) -> None:
        geometry = self._layout_store.value("window/geometry")
        state = self._layout_store.value("window/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.restoreState(state, LAYOUT_VERSION)

    def save_layout(self) -> None:
        self._layout_store.setValue("window/geometry", self.saveGeometry())
        self._layout_store.setValue("window/state", self.saveState(LAYOUT_VERSION))
        self._layout_store.sync()

    def reset_layout(self) -> None:
        self.restoreState(self._default_state, LAYOUT_VERSION)
        for dock in self._docks():
            dock.setFloating(False)
            dock.show()
        self.search_dock.raise_()

    def _docks(self) -> list[QDockWidget]:
        docks = [self.library_dock, self.timeline_dock, self.search_dock, self.queue_dock]
        return docks + ([self.people_dock] if self.people_dock is not None else [])

    def closeEvent(self, event) -> None:
        self.save_layout()
        super().closeEvent(event)


class StayOpenMenu(QMenu):
    """A menu whose tick boxes can be ticked one after another without it closing each time."""

    def mouseReleaseEvent(self, event) -> None:
        action = self.activeAction()
        if action is not None and action.isCheckable() and action.isEnabled():
            action.trigger()
            return
        super().mouseReleaseEvent(event)
