"""Transport controls: start, frame back, play/pause, frame forward, end, position slider, time."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QStyle, QToolButton, QWidget

SLIDER_STEPS_PER_SECOND = 100


class TransportBar(QWidget):
    play_toggled = Signal()
    step_requested = Signal(int)   # frames, negative steps back
    jump_to_start = Signal()
    jump_to_end = Signal()
    seek_requested = Signal(float)
    mute_toggled = Signal(bool)
    volume_changed = Signal(float)   # 0..1

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        style = self.style()
        self.start_button = self._button(QStyle.StandardPixmap.SP_MediaSkipBackward, "Go to start (Home)")
        self.back_button = self._button(QStyle.StandardPixmap.SP_MediaSeekBackward, "One frame back (Left)")
        self.play_button = self._button(QStyle.StandardPixmap.SP_MediaPlay, "Play / pause (Space)")
        self.forward_button = self._button(QStyle.StandardPixmap.SP_MediaSeekForward, "One frame forward (Right)")
        self.end_button = self._button(QStyle.StandardPixmap.SP_MediaSkipForward, "Go to end (End)")
        self._play_icon = style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay)
        self._pause_icon = style.standardIcon(QStyle.StandardPixmap.SP_MediaPause)

        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setToolTip("Position")
        self.slider.sliderMoved.connect(lambda value: self.seek_requested.emit(value / SLIDER_STEPS_PER_SECOND))
        self.slider.actionTriggered.connect(self._on_slider_action)

        self.mute_button = QToolButton(self)
        self.mute_button.setCheckable(True)
        self.mute_button.setAutoRaise(True)
        self.mute_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.mute_button.setToolTip("Mute (Shift+M)")
        self._volume_icon = style.standardIcon(QStyle.StandardPixmap.SP_MediaVolume)
        self._muted_icon = style.standardIcon(QStyle.StandardPixmap.SP_MediaVolumeMuted)
        self.mute_button.setIcon(self._volume_icon)
        self.mute_button.toggled.connect(self._on_mute_toggled)
        self.volume_slider = QSlider(Qt.Orientation.Horizontal, self)
        self.volume_slider.setRange(0, 100)
        self.volume_slider.setValue(80)
        self.volume_slider.setFixedWidth(72)
        self.volume_slider.setToolTip("Volume")
        self.volume_slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.volume_slider.valueChanged.connect(lambda value: self.volume_changed.emit(value / 100))

        self.time_label = QLabel(self)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.time_label.setFont(mono)
        self.time_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.start_button.clicked.connect(self.jump_to_start)
        self.back_button.clicked.connect(lambda: self.step_requested.emit(-1))
        self.play_button.clicked.connect(self.play_toggled)
        self.forward_button.clicked.connect(lambda: self.step_requested.emit(1))
        self.end_button.clicked.connect(self.jump_to_end)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 8, 4)
        layout.setSpacing(2)
        for button in (self.start_button, self.back_button, self.play_button, self.forward_button, self.end_button):
            layout.addWidget(button)
        layout.addSpacing(8)
        layout.addWidget(self.slider, 1)
        layout.addSpacing(8)
        layout.addWidget(self.time_label)
        layout.addSpacing(10)
        layout.addWidget(self.mute_button)
        layout.addWidget(self.volume_slider)

    def _button(self, icon: QStyle.StandardPixmap, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setIcon(self.style().standardIcon(icon))
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return button

    def _on_slider_action(self, action: int) -> None:
        if action in (QSlider.SliderAction.SliderPageStepAdd, QSlider.SliderAction.SliderPageStepSub,
                      QSlider.SliderAction.SliderSingleStepAdd, QSlider.SliderAction.SliderSingleStepSub):
            self.seek_requested.emit(self.slider.sliderPosition() / SLIDER_STEPS_PER_SECOND)

    def _on_mute_toggled(self, muted: bool) -> None:
        self.mute_button.setIcon(self._muted_icon if muted else self._volume_icon)
        self.mute_toggled.emit(muted)

    def volume(self) -> float:
        return self.volume_slider.value() / 100

    def set_duration(self, seconds: float) -> None:
        self.slider.setRange(0, int(seconds * SLIDER_STEPS_PER_SECOND))
        self.slider.setPageStep(max(1, int(seconds * SLIDER_STEPS_PER_SECOND / 10)))
        self.slider.setSingleStep(SLIDER_STEPS_PER_SECOND)

    def set_position(self, seconds: float) -> None:
        if not self.slider.isSliderDown():
            self.slider.blockSignals(True)
            self.slider.setValue(int(seconds * SLIDER_STEPS_PER_SECOND))
            self.slider.blockSignals(False)

    def set_playing(self, playing: bool) -> None:
        self.play_button.setIcon(self._pause_icon if playing else self._play_icon)

    def set_time_text(self, text: str) -> None:
        self.time_label.setText(text)
