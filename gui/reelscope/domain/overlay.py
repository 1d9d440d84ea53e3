"""What the player overlay shows at a playhead time, from the clip's analyses."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .analysis import Analysis
from .people import person_label
from .timeline import music_label


def overlay_lines(analyses: Sequence[Analysis], t: float, person_names: Mapping[str, str] | None = None) -> list[str]:
    """Scene, section, text on screen, the faces present and the music playing at t (each once)."""
    lines: list[str] = []
    for analysis in analyses:
        index = analysis.scene_index_at(t)
        if index is not None:
            lines.append(f"Scene {index + 1} of {len(analysis.scenes)}")
            break
    names = dict(person_names or {})
    sections = _unique(s.tag for a in analyses for s in a.sections for g in s.segments if g.contains(t))
    if sections:
        lines.append("Section: " + ", ".join(sections))
    texts = _unique(o.text for a in analyses for o in a.ocr if o.contains(t))
    if texts:
        lines.append("Text: " + " · ".join(f"“{text}”" for text in texts))
    present = (person for a in analyses for span in a.people if span.contains(t) for person in span.persons)
    faces = _unique(person_label(person.person_id, names) for person in present)
    if faces:
        lines.append("Faces: " + ", ".join(faces))
    music = _unique(music_label(m) for a in analyses for m in a.music if m.contains(t))
    if music:
        lines.append("Music: " + ", ".join(music))
    return lines


def _unique(values) -> list[str]:
    return list(dict.fromkeys(values))
