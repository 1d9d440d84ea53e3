"""The player pane: the picture with its overlay, and the transport controls under it."""

from __future__ import annotations

import os
from collections.abc import Sequence

from PySide6.QtCore import QSizeF, QTimer, QUrl, Signal
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ...domain.timecode import format_timecode
from .transport import TransportBar
from .video_view import VideoView

POSITION_TICK_MS = 33
REVERSE_TICK_MS = 40   # backwards play is a seek this often: the media backend plays forwards only


class PlayerPane(QWidget):
    position_changed = Signal(float)   # seconds: while playing (~30 Hz) and after every seek
    error_occurred = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fps = 25.0
        self._duration_s = 0.0
        self._position_s = 0.0
        self._frame_shown = False
        self._source_fd: int | None = None

        self.view = VideoView(self)
        self.transport = TransportBar(self)
        self._audio = QAudioOutput(self)
        self._player = QMediaPlayer(self)
        self._player.setAudioOutput(self._audio)
        self._player.setVideoOutput(self.view.video_item)
        self._player.positionChanged.connect(self._on_player_position)
        self._player.playbackStateChanged.connect(self._on_state_changed)
        self._player.errorOccurred.connect(self._on_error)
        self._player.mediaStatusChanged.connect(self._on_media_status)
        self._pending_seek_ms: int | None = None
        self.view.video_item.videoSink().videoFrameChanged.connect(self._on_frame)

        self._rate = 0.0   # signed shuttle rate: 0 paused, < 0 backwards
        self._reverse = QTimer(self)
        self._reverse.setInterval(REVERSE_TICK_MS)
        self._reverse.timeout.connect(self._reverse_step)

        self._ticker = QTimer(self)
        self._ticker.setInterval(POSITION_TICK_MS)
        self._ticker.timeout.connect(lambda: self._on_player_position(self._player.position()))

        self.transport.play_toggled.connect(self.toggle_play)
        self.transport.step_requested.connect(self.step_frames)
        self.transport.jump_to_start.connect(lambda: self.seek(0.0))
        self.transport.jump_to_end.connect(lambda: self.seek(max(0.0, self._duration_s - 1.0 / self._fps)))
        self.transport.seek_requested.connect(self.seek)
        self.transport.mute_toggled.connect(self._audio.setMuted)
        self.transport.volume_changed.connect(self._audio.setVolume)
        self._audio.setVolume(self.transport.volume())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.transport)
        self._set_loaded(False)
        self._update_time_label()

    # -- loading ---------------------------------------------------------------------------------
    def load(self, path: str, *, fps: float, duration_s: float, width: int, height: int) -> None:
        self._fps = fps if fps > 0 else 25.0
        self._duration_s = duration_s
        self._position_s = 0.0
        self._frame_shown = False
        self._pending_seek_ms = None
        self.view.set_video_size(QSizeF(width, height))
        source, fd = playable_source(path)
        self._player.setSource(source)
        self._close_source_fd()
        self._source_fd = fd
        self.transport.set_duration(duration_s)
        self._set_loaded(True)
        self._update_time_label()
        self._player.pause()  # paused, not stopped: the backend presents the frame at the position
        self.seek(0.0)

    def unload(self) -> None:
        self._reverse.stop()
        self._rate = 0.0
        self._player.stop()
        self._player.setSource(QUrl())
        self._close_source_fd()
        self._pending_seek_ms = None
        self._duration_s = 0.0
        self._position_s = 0.0
        self._frame_shown = False
        self.view.set_overlay_lines([])
        self._set_loaded(False)
        self._update_time_label()

    def _close_source_fd(self) -> None:
        if self._source_fd is not None:
            os.close(self._source_fd)
            self._source_fd = None

    def _set_loaded(self, loaded: bool) -> None:
        self.transport.setEnabled(loaded)
        self.view.set_placeholder("" if loaded else "Select a clip to play it")

    # -- transport ---------------------------------------------------------------------------------
    def play(self) -> None:
        self.set_rate(1.0)

    def pause(self) -> None:
        self.set_rate(0.0)

    def toggle_play(self) -> None:
        if self.is_playing():
            self.pause()
        else:
            self.play()

    def is_playing(self) -> bool:
        return self._reverse.isActive() or self._player.playbackState() == QMediaPlayer.PlaybackState.PlayingState

    def rate(self) -> float:
        """The signed playback rate: 0 when paused, negative when playing backwards."""
        return self._rate if self.is_playing() else 0.0

    def set_rate(self, rate: float) -> None:
        """Plays at rate (2.0: twice as fast; negative: backwards), or pauses at 0.

        The media backend (Qt's FFmpeg one) refuses negative rates, so backwards play steps: every
        REVERSE_TICK_MS it seeks back by that time times the speed, showing the frame there.
        """
        self._rate = rate
        if rate == 0:
            self._reverse.stop()
            self._player.pause()
        elif rate > 0:
            self._reverse.stop()
            if self._position_s >= self._duration_s - 1.0 / self._fps:
                self.seek(0.0)
            self._player.setPlaybackRate(rate)
            self._player.play()
        else:
            self._player.pause()
            self._player.setPlaybackRate(1.0)
            if self._position_s > 0:
                self._reverse.start()
        self.transport.set_playing(self.is_playing())

    def _reverse_step(self) -> None:
        target = self._position_s + self._rate * REVERSE_TICK_MS / 1000.0
        frame = round(max(0.0, target) * self._fps)  # land on frames, as a jog would
        self.seek(frame / self._fps)
        if self._position_s <= 0.0:
            self.set_rate(0.0)

    def seek(self, seconds: float) -> None:
        seconds = min(max(0.0, seconds), max(0.0, self._duration_s))
        self._position_s = seconds
        milliseconds = int(round(seconds * 1000))
        if self._player.mediaStatus() == QMediaPlayer.MediaStatus.LoadingMedia:
            self._pending_seek_ms = milliseconds  # a seek before the media is open would be dropped
        else:
            self._player.setPosition(milliseconds)
        self._publish_position()

    def step_frames(self, frames: int) -> None:
        self.pause()
        self.seek(self._position_s + frames / self._fps)

    def position(self) -> float:
        return self._position_s

    def player_position(self) -> float:
        """Where the media backend reports it is (differs from position() only while a seek settles)."""
        return self._player.position() / 1000.0

    def has_frame(self) -> bool:
        return self._frame_shown

    def fps(self) -> float:
        return self._fps

    def toggle_mute(self) -> None:
        self.transport.mute_button.toggle()

    def is_muted(self) -> bool:
        return self._audio.isMuted()

    def set_overlay_lines(self, lines: Sequence[str]) -> None:
        self.view.set_overlay_lines(lines)

    # -- backend events ----------------------------------------------------------------------------
    def _on_player_position(self, milliseconds: int) -> None:
        if not self.is_playing():
            return  # paused: our own requested position is the truth, the backend may lag behind it
        self._position_s = milliseconds / 1000.0
        self._publish_position()

    def _publish_position(self) -> None:
        self.transport.set_position(self._position_s)
        self._update_time_label()
        self.position_changed.emit(self._position_s)

    def _on_state_changed(self, state: QMediaPlayer.PlaybackState) -> None:
        playing = state == QMediaPlayer.PlaybackState.PlayingState
        self.transport.set_playing(playing or self._reverse.isActive())
        if playing:
            self._ticker.start()
        else:
            self._ticker.stop()

    def _on_media_status(self, status: QMediaPlayer.MediaStatus) -> None:
        if self._pending_seek_ms is not None and status in (
            QMediaPlayer.MediaStatus.LoadedMedia,
            QMediaPlayer.MediaStatus.BufferedMedia,
        ):
            self._player.setPosition(self._pending_seek_ms)
            self._pending_seek_ms = None

    def _on_frame(self, frame) -> None:
        if frame.isValid():
            self._frame_shown = True

    def _on_error(self, error: QMediaPlayer.Error, message: str) -> None:
        if error != QMediaPlayer.Error.NoError:
            self.error_occurred.emit(f"Playback failed: {message or error.name}")

    def _update_time_label(self) -> None:
        if self._duration_s <= 0:
            self.transport.set_time_text("--:--:--.-- / --:--:--.--")
            return
        self.transport.set_time_text(
            f"{format_timecode(self._position_s, self._fps)} / {format_timecode(self._duration_s, self._fps)}"
        )

    def closeEvent(self, event) -> None:
        self._player.stop()
        super().closeEvent(event)


def playable_source(path: str) -> tuple[QUrl, int | None]:
    """A URL the media backend opens path by, and a file descriptor to close once the player is done with it.

    The backend opens a file by its name in UTF-8. A Linux file name may hold bytes that are not UTF-8 (kept
    in path as surrogate escapes, which no UTF-8 name can reach): such a file is opened here and handed over
    as /proc/self/fd/N, which opens that same file whatever its name.
    """
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        if os.path.isdir("/proc/self/fd"):
            try:
                fd = os.open(os.fsencode(path), os.O_RDONLY | os.O_CLOEXEC)
            except OSError:
                pass   # the backend then reports why it cannot open the file
            else:
                return QUrl.fromLocalFile(f"/proc/self/fd/{fd}"), fd
    return QUrl.fromLocalFile(path), None
