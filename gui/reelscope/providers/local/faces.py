"""Faces: dlib's HOG detector, 5-point landmarks and 128-d ResNet descriptors, followed through scenes.

The model files come from the `face-recognition-models` package, located on disk without
importing it (its import pulls in pkg_resources). They load once per worker process.

Within a scene, a detection continues the track whose last box it overlaps most; one that
overlaps none is compared by descriptor with the scene's tracks (a face that left and came back,
or moved fast). A track survives one missed detection. Descriptors are computed for a track's
first face and again when a clearly better-detected face of it turns up, a few per track at
most: they are the costly part. After the pass, the tracks of the clip are grouped by
descriptor: the same person in several scenes becomes one group, which the library then
matches against the persons it knows.
"""

from __future__ import annotations

import functools
import importlib.util
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ...domain.analysis import TimeSpan
from ...domain.people import FaceTrack
from ...domain.thumbnails import face_thumbnail_relpath
from .frame_sampling import ChangeGate, Picture

FACE_INTERVAL_S = 0.5
MIN_DETECTION_SCORE = 0.3
TRACK_IOU = 0.3
REIDENTIFY_DISTANCE = 0.5
GROUP_DISTANCE = 0.55
MAX_DESCRIPTORS_PER_TRACK = 3
BETTER_SCORE_MARGIN = 0.3
MISSES_FORGIVEN = 1
THUMBNAIL_PX = 128
THUMBNAIL_MARGIN = 0.35
MODEL_FILES = ("shape_predictor_5_face_landmarks.dat", "dlib_face_recognition_resnet_model_v1.dat")


class FacesUnavailable(RuntimeError):
    pass


def model_folder() -> Path:
    """The models folder of face-recognition-models, found without importing the package."""
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise FacesUnavailable("face-recognition-models is not installed")
    folder = Path(next(iter(spec.submodule_search_locations))) / "models"
    missing = [name for name in MODEL_FILES if not (folder / name).is_file()]
    if missing:
        raise FacesUnavailable(f"face model files missing from {folder}: {', '.join(missing)}")
    return folder


@dataclass(frozen=True)
class Detection:
    box: tuple[int, int, int, int]   # left, top, right, bottom in analysis pixels
    score: float


class FaceModels:
    """dlib's detector, landmark predictor and descriptor network."""

    def __init__(self) -> None:
        import dlib

        folder = model_folder()
        self._dlib = dlib
        self._detector = dlib.get_frontal_face_detector()
        self._landmarks = dlib.shape_predictor(str(folder / MODEL_FILES[0]))
        self._descriptor = dlib.face_recognition_model_v1(str(folder / MODEL_FILES[1]))

    def detect(self, gray: np.ndarray) -> list[Detection]:
        rectangles, scores, _ = self._detector.run(gray, 0, MIN_DETECTION_SCORE)
        return [
            Detection((r.left(), r.top(), r.right(), r.bottom()), float(score))
            for r, score in zip(rectangles, scores)
        ]

    def describe(self, rgb: np.ndarray, detection: Detection) -> np.ndarray:
        rectangle = self._dlib.rectangle(*detection.box)
        shape = self._landmarks(rgb, rectangle)
        return np.asarray(self._descriptor.compute_face_descriptor(rgb, shape), dtype=np.float32)


@functools.cache
def shared_models() -> FaceModels:
    return FaceModels()


@dataclass
class _Track:
    index: int
    scene_index: int
    box: tuple[int, int, int, int]
    intervals: list[list[float]]
    descriptors: list[np.ndarray] = field(default_factory=list)
    best_score: float = -1.0
    heights: list[float] = field(default_factory=list)
    open: bool = True
    missed: int = 0
    first_miss_s: float | None = None
    thumbnail: np.ndarray | None = None

    def descriptor(self) -> np.ndarray:
        return np.mean(self.descriptors, axis=0)

    def seen(self, time_s: float) -> None:
        if self.open:
            self.intervals[-1][1] = time_s
        else:
            self.intervals.append([time_s, time_s])
        self.open, self.missed, self.first_miss_s = True, 0, None

    def not_seen(self, time_s: float) -> None:
        if self.first_miss_s is None:
            self.first_miss_s = time_s
        self.missed += 1
        if self.missed > MISSES_FORGIVEN:
            self.close(time_s)

    def close(self, time_s: float) -> None:
        """Off screen from the first analysed picture that missed it, else from time_s (a cut, the end)."""
        if self.open:
            self.intervals[-1][1] = self.first_miss_s if self.first_miss_s is not None else time_s
        self.open, self.missed, self.first_miss_s = False, 0, None


ThumbnailWriter = Callable[[int, np.ndarray], str | None]
"""(track index, RGB face crop) -> path relative to the thumbnail cache, or None."""


class FaceAnalyser:
    """The faces stage as a frame analyser (frame_sampling.FrameAnalyser)."""

    name = "faces"

    def __init__(
        self,
        models: FaceModels | None = None,
        thumbnails: ThumbnailWriter | None = None,
        interval_s: float = FACE_INTERVAL_S,
    ) -> None:
        self.gate = ChangeGate(interval_s=interval_s)
        self._models = models
        self._thumbnails = thumbnails
        self._tracks: list[_Track] = []
        self._scene_index = -1
        self.pictures_read = 0
        self.descriptors_computed = 0
        self.result: list[FaceTrack] = []

    @property
    def models(self) -> FaceModels:
        if self._models is None:
            self._models = shared_models()
        return self._models

    def analyse(self, picture: Picture) -> None:
        time_s = picture.time_s
        if picture.scene_index != self._scene_index:
            self._close_scene(time_s)
            self._scene_index = picture.scene_index
        self.pictures_read += 1
        rgb = picture.rgb
        seen: set[int] = set()
        for detection in sorted(self.models.detect(_grey(rgb)), key=lambda d: -d.score):
            track = self._track_for(detection, rgb, seen, time_s)
            seen.add(track.index)
            track.seen(time_s)
            track.box = detection.box
            track.heights.append((detection.box[3] - detection.box[1]) / rgb.shape[0])
            better = detection.score > track.best_score + BETTER_SCORE_MARGIN
            if better and len(track.descriptors) < MAX_DESCRIPTORS_PER_TRACK:
                track.descriptors.append(self._describe(rgb, detection))
            if detection.score > track.best_score:
                track.best_score = detection.score
                track.thumbnail = _crop(rgb, detection.box)
        for track in self._scene_tracks():
            if track.open and track.index not in seen:
                track.not_seen(time_s)

    def finish(self, end_s: float) -> None:
        self._close_scene(end_s)
        groups = group_descriptors([track.descriptor() for track in self._tracks])
        self.result = [self._face_track(track, group) for track, group in zip(self._tracks, groups)]

    # -- internals -----------------------------------------------------------------------------

    def _scene_tracks(self) -> list[_Track]:
        return [track for track in self._tracks if track.scene_index == self._scene_index]

    def _track_for(self, detection: Detection, rgb: np.ndarray, taken: set[int], time_s: float) -> _Track:
        """The scene's track this face continues (by overlap, else by descriptor), or a new one."""
        candidates = [track for track in self._scene_tracks() if track.index not in taken]
        overlaps = [(iou(track.box, detection.box), track) for track in candidates if track.open]
        overlap, track = max(overlaps, key=lambda pair: pair[0], default=(0.0, None))
        if track is not None and overlap >= TRACK_IOU:
            return track
        descriptor = self._describe(rgb, detection)
        if candidates:
            distance, track = min(
                ((float(np.linalg.norm(t.descriptor() - descriptor)), t) for t in candidates), key=lambda pair: pair[0]
            )
            if distance < REIDENTIFY_DISTANCE:
                if len(track.descriptors) < MAX_DESCRIPTORS_PER_TRACK:
                    track.descriptors.append(descriptor)
                return track
        track = _Track(
            len(self._tracks), self._scene_index, detection.box, [[time_s, time_s]], [descriptor],
            best_score=detection.score, thumbnail=_crop(rgb, detection.box),
        )
        self._tracks.append(track)
        return track

    def _describe(self, rgb: np.ndarray, detection: Detection) -> np.ndarray:
        self.descriptors_computed += 1
        return self.models.describe(rgb, detection)

    def _close_scene(self, time_s: float) -> None:
        for track in self._scene_tracks():
            track.close(time_s)

    def _face_track(self, track: _Track, group: int) -> FaceTrack:
        thumbnail = None
        if self._thumbnails is not None and track.thumbnail is not None:
            thumbnail = self._thumbnails(track.index, track.thumbnail)
        intervals = tuple(
            TimeSpan(start_s=round(start, 3), end_s=round(max(start, end), 3)) for start, end in track.intervals
        )
        return FaceTrack(
            index=track.index,
            group=group,
            scene_index=track.scene_index,
            intervals=intervals,
            embedding=tuple(round(float(v), 5) for v in track.descriptor()),
            prominence=round(float(np.mean(track.heights)) if track.heights else 0.0, 3),
            thumbnail=thumbnail,
        )


def group_descriptors(descriptors: list[np.ndarray], distance: float = GROUP_DISTANCE) -> list[int]:
    """Groups of one person, numbered in order of first appearance (single linkage below distance)."""
    groups: list[int] = []
    for index, descriptor in enumerate(descriptors):
        best, best_distance = None, distance
        for other in range(index):
            d = float(np.linalg.norm(descriptors[other] - descriptor))
            if d < best_distance:
                best, best_distance = groups[other], d
        groups.append(best if best is not None else (max(groups) + 1 if groups else 0))
    return groups


def iou(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    left, top = max(a[0], b[0]), max(a[1], b[1])
    right, bottom = min(a[2], b[2]), min(a[3], b[3])
    inter = max(0, right - left) * max(0, bottom - top)
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def _grey(rgb: np.ndarray) -> np.ndarray:
    weights = np.array([0.299, 0.587, 0.114], dtype=np.float32)
    return np.ascontiguousarray((rgb.astype(np.float32) @ weights).astype(np.uint8))


def _crop(rgb: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    left, top, right, bottom = box
    size = max(right - left, bottom - top)
    margin = int(size * THUMBNAIL_MARGIN)
    cx, cy = (left + right) // 2, (top + bottom) // 2
    half = size // 2 + margin
    height, width = rgb.shape[:2]
    x0, y0 = max(0, cx - half), max(0, cy - half)
    x1, y1 = min(width, cx + half), min(height, cy + half)
    return rgb[y0:y1, x0:x1].copy()


class FaceThumbnailWriter:
    """Writes face crops into the thumbnail cache, beside the clip's scene thumbnails."""

    def __init__(self, thumbnail_root: Path, sha256: str) -> None:
        self.thumbnail_root = Path(thumbnail_root)
        self.sha256 = sha256

    def __call__(self, track_index: int, crop: np.ndarray) -> str | None:
        from PIL import Image

        if crop.size == 0:
            return None
        relpath = face_thumbnail_relpath(self.sha256, track_index)
        target = self.thumbnail_root / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        image = Image.fromarray(crop).resize((THUMBNAIL_PX, THUMBNAIL_PX))
        partial = target.with_name(f".{target.name}.{os.getpid()}.part")
        image.save(partial, format="JPEG", quality=88)
        os.replace(partial, target)
        return relpath
