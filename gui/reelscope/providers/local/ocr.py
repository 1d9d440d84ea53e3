"""Text on screen: rapidocr's bundled PP-OCR models on sampled frames, merged into timed spans.

The models ship inside the rapidocr wheel and are named by path, so nothing is ever downloaded;
the angle classifier is off (video text is upright). One engine per worker process, loaded on
first use.

Each analysed picture gives a set of text lines. A line opens a span where it is first read and
the span closes at the first analysed picture that no longer shows it (a picture that did not
change is not analysed again, so the text it showed simply goes on). One missed reading in
between is forgiven: OCR sometimes fails on a frame it reads fine a moment later. Readings that
differ by a letter or two (a blurred frame) count as the same text; the span keeps the reading
seen most often and its mean confidence.
"""

from __future__ import annotations

import difflib
import functools
import importlib.util
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ...domain.analysis import OcrText
from .frame_sampling import ChangeGate, Picture

MIN_CONFIDENCE = 0.6
MIN_CHARACTERS = 2
SAME_TEXT_RATIO = 0.8
DETECTION_LIMIT_PX = 736
OCR_INTERVAL_S = 1.0
MISSES_FORGIVEN = 1

Reader = Callable[[np.ndarray], list[tuple[str, float]]]
"""RGB picture -> (text line, confidence) readings."""


class OcrUnavailable(RuntimeError):
    pass


def model_paths() -> tuple[Path, Path]:
    """(detection, recognition) ONNX files inside the installed rapidocr package."""
    spec = importlib.util.find_spec("rapidocr")
    if spec is None or not spec.submodule_search_locations:
        raise OcrUnavailable("rapidocr is not installed")
    models = Path(next(iter(spec.submodule_search_locations))) / "models"
    detection = sorted(models.glob("*det*.onnx"))
    recognition = sorted(models.glob("*rec*.onnx"))
    if not detection or not recognition:
        raise OcrUnavailable(f"rapidocr's bundled models are missing from {models}")
    return detection[-1], recognition[-1]


@functools.cache
def shared_reader() -> Reader:
    """The process's one OCR engine (models load once per worker process)."""
    import logging

    from rapidocr import RapidOCR

    detection, recognition = model_paths()
    engine = RapidOCR(
        params={
            "Global.use_cls": False,
            "Global.log_level": "error",
            "Det.model_path": str(detection),
            "Det.limit_type": "max",
            "Det.limit_side_len": DETECTION_LIMIT_PX,
            "Rec.model_path": str(recognition),
        }
    )
    logging.getLogger("RapidOCR").setLevel(logging.ERROR)

    def read(rgb: np.ndarray) -> list[tuple[str, float]]:
        result = engine(np.ascontiguousarray(rgb[:, :, ::-1]))  # the engine takes OpenCV's BGR order
        texts = result.txts or ()
        scores = result.scores or ()
        return [(str(text), float(score)) for text, score in zip(texts, scores)]

    return read


def normalised(text: str) -> str:
    return " ".join(text.split())


def _key(text: str) -> str:
    return "".join(character for character in text.casefold() if character.isalnum())


def is_worth_keeping(text: str, confidence: float) -> bool:
    return confidence >= MIN_CONFIDENCE and len(_key(text)) >= MIN_CHARACTERS


@dataclass
class _OpenSpan:
    key: str
    start_s: float
    readings: Counter = field(default_factory=Counter)
    confidences: list[float] = field(default_factory=list)
    missed: int = 0
    first_miss_s: float | None = None

    def to_text(self, end_s: float) -> OcrText:
        text = self.readings.most_common(1)[0][0]
        confidence = sum(self.confidences) / len(self.confidences)
        start_s, end_s = round(self.start_s, 3), round(max(self.start_s, end_s), 3)
        return OcrText(text=text, start_s=start_s, end_s=end_s, confidence=round(confidence, 3))


class OcrSpans:
    """Merges readings at analysed moments into spans of the same text."""

    def __init__(self) -> None:
        self._open: list[_OpenSpan] = []
        self.spans: list[OcrText] = []

    def observe(self, time_s: float, readings: list[tuple[str, float]]) -> None:
        kept = [(normalised(text), score) for text, score in readings if is_worth_keeping(text, score)]
        matched: set[int] = set()
        for text, score in kept:
            span = self._matching(_key(text), matched)
            if span is None:
                span = _OpenSpan(key=_key(text), start_s=time_s)
                self._open.append(span)
            matched.add(id(span))
            span.readings[text] += 1
            span.confidences.append(score)
            span.missed, span.first_miss_s = 0, None
        for span in list(self._open):
            if id(span) in matched:
                continue
            if span.first_miss_s is None:
                span.first_miss_s = time_s
            span.missed += 1
            if span.missed > MISSES_FORGIVEN:
                self._close(span, span.first_miss_s)

    def cut(self, time_s: float) -> None:
        """A scene starts: text that is not read again right away ends here, forgiven or not."""
        for span in self._open:
            span.missed = MISSES_FORGIVEN

    def finish(self, end_s: float) -> list[OcrText]:
        for span in list(self._open):
            self._close(span, span.first_miss_s if span.first_miss_s is not None else end_s)
        return sorted(self.spans, key=lambda text: (text.start_s, text.text))

    def _matching(self, key: str, taken: set[int]) -> _OpenSpan | None:
        best, best_ratio = None, SAME_TEXT_RATIO
        for span in self._open:
            if id(span) in taken:
                continue
            if span.key == key:
                return span
            ratio = difflib.SequenceMatcher(None, span.key, key).ratio()
            if ratio >= best_ratio:
                best, best_ratio = span, ratio
        return best

    def _close(self, span: _OpenSpan, end_s: float) -> None:
        self._open.remove(span)
        self.spans.append(span.to_text(end_s))


class OcrAnalyser:
    """The OCR stage as a frame analyser (frame_sampling.FrameAnalyser)."""

    name = "ocr"

    def __init__(self, reader: Reader | None = None, interval_s: float = OCR_INTERVAL_S) -> None:
        self.gate = ChangeGate(interval_s=interval_s)
        self._reader = reader
        self._spans = OcrSpans()
        self.result: list[OcrText] = []
        self.pictures_read = 0

    def analyse(self, picture: Picture) -> None:
        if self._reader is None:
            self._reader = shared_reader()
        if picture.starts_scene:
            self._spans.cut(picture.time_s)
        self.pictures_read += 1
        self._spans.observe(picture.time_s, self._reader(picture.rgb))

    def finish(self, end_s: float) -> None:
        self.result = self._spans.finish(end_s)
