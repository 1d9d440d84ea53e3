"""One representative frame per scene, handed over as soon as the scene is complete."""

from __future__ import annotations

from collections.abc import Callable

import av

from .frame_change import Signature

SceneFrameSink = Callable[[int, av.VideoFrame], None]
"""Receives (scene index, its representative frame) as soon as each scene is complete."""

REPRESENTATIVE_FRAME_DELAY_S = 0.5
DARK_PICK_SEARCH_S = 3.0   # how far into a scene a better frame than a blank one is looked for
BLANK_SPREAD = 0.04        # luma standard deviation (0..1) under which a frame shows next to nothing


class RepresentativeFrames:
    """Picks one frame per scene, a little after its start (never the cut frame if avoidable).

    A scene that starts blank (fading in from black, say) gets a later frame that shows something,
    if one comes within DARK_PICK_SEARCH_S. Only a reference to the current pick is held, so
    memory stays flat however long the clip.
    """

    def __init__(self, fps: float, sink: SceneFrameSink) -> None:
        self.sink = sink
        self.preferred_offset = max(2, round(REPRESENTATIVE_FRAME_DELAY_S * fps))
        self.search_frames = round(DARK_PICK_SEARCH_S * fps)
        self.scene_index = 0
        self.frames_in_scene = 0
        self.pick: av.VideoFrame | None = None
        self.pick_spread = 0.0

    def offer(self, frame: av.VideoFrame, *, starts_scene: bool, signature: Signature) -> None:
        if starts_scene and self.pick is not None:
            self._hand_over()
            self.scene_index += 1
            self.frames_in_scene = 0
        # The first frame stands in for a one-frame scene; the third already avoids the cut
        # frame; the preferred one, half a second in, shows the scene once it has settled.
        if self.frames_in_scene in (0, 2, self.preferred_offset):
            self.pick, self.pick_spread = frame, signature.luma_spread
        elif self.pick_spread < BLANK_SPREAD and self.frames_in_scene <= self.search_frames:
            if (detail := signature.luma_spread) >= BLANK_SPREAD:
                self.pick, self.pick_spread = frame, detail
        self.frames_in_scene += 1

    def finish(self) -> None:
        if self.pick is not None:
            self._hand_over()

    def _hand_over(self) -> None:
        self.sink(self.scene_index, self.pick)
        self.pick = None
