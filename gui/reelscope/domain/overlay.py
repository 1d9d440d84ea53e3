"""What the player overlay shows at a playhead time, from the clip's analyses."""

from __future__ import annotations

from collections.abc import Sequence

from .analysis import Analysis


def overlay_lines(analyses: Sequence[Analysis], t: float) -> list[str]:
    lines: list[str] = []
    for analysis in analyses:
        index = analysis.scene_index_at(t)
        if index is not None:
            lines.append(f"Scene {index + 1} of {len(analysis.scenes)}")
            break
    return lines
