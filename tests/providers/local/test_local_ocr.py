"""Text on screen: captions on generated clips become one span each with the exact text and its
times; real photos of street signs and shop fronts are read as a person reads them."""

from __future__ import annotations

import difflib

import pytest

from fakes import real_media
from fakes.pictures import Caption, Shot, card, make_picture_clip, plain
from reelscope.providers.local.ocr import OcrSpans
from reelscope.providers.local.pipeline import EngineOptions, analyze_clip

OCR_ONLY = EngineOptions(faces=False, music=False, sections=False)
EDGE_S = 0.5


def ocr_of(clip, tmp_path):
    return analyze_clip(clip, tmp_path / "thumbnails", OCR_ONLY).analysis.ocr


@pytest.mark.parametrize(("text", "start_s", "end_s"), [
    ("Harbour lights at dusk", 2.0, 4.0),        # 2 s
    ("Meet me at the old pier", 1.3, 4.6),       # 3.3 s, across a cut at 3.0
    ("Filmed in Brighton, June 2024", 2.7, 6.7),  # 4 s
])
def test_a_caption_shown_for_two_to_four_seconds_is_one_span_with_the_exact_text(tmp_path, text, start_s, end_s):
    shots = [Shot(3.0, plain((60, 90, 60), seed=1), zoom=0.04), Shot(5.0, plain((90, 60, 50), seed=2), zoom=0.04)]
    clip = make_picture_clip(tmp_path / "caption.mp4", shots, captions=[Caption(text, start_s, end_s)])
    spans = [span for span in ocr_of(clip, tmp_path) if span.text == text]
    assert len(spans) == 1, ocr_of(clip, tmp_path)
    [span] = spans
    assert abs(span.start_s - start_s) <= EDGE_S and abs(span.end_s - end_s) <= EDGE_S
    assert span.confidence is not None and span.confidence > 0.8


def test_title_cards_are_read_and_plain_pictures_give_no_text(tmp_path):
    shots = [Shot(2.0, card("CHAPTER ONE")), Shot(3.0, plain(seed=3)), Shot(2.0, card("The Long Walk Home"))]
    clip = make_picture_clip(tmp_path / "cards.mp4", shots)
    texts = [(span.text, round(span.start_s, 1), round(span.end_s, 1)) for span in ocr_of(clip, tmp_path)]
    assert texts == [("CHAPTER ONE", 0.0, 2.0), ("The Long Walk Home", 5.0, 7.0)]


def test_street_signs_and_shop_fronts_are_read(tmp_path):
    """Real photos (tests/fakes/real_media.py); each line of each sign as read by eye."""
    photos = [(photo, real_media.rgb(real_media.sign_photo(photo))) for photo in real_media.SIGN_PHOTOS]
    shots = [Shot(2.0, picture) for _, picture in photos]
    clip = make_picture_clip(tmp_path / "signs.mp4", shots, size=(1280, 720))
    spans = ocr_of(clip, tmp_path)
    found = missed = 0
    for number, (photo, _) in enumerate(photos):
        start_s = 2.0 * number
        read = [span.text for span in spans if span.start_s < start_s + 2.0 and span.end_s > start_s]
        for line in photo.lines:
            if any(_similar(line, text) for text in read):
                found += 1
            else:
                missed += 1
        assert any(_similar(line, text) for line in photo.lines for text in read), (photo.file, read)
    assert found / (found + missed) >= 0.8, f"{found} of {found + missed} lines read"
    for span in spans:
        assert span.end_s - span.start_s <= 2.0 + EDGE_S, "a sign's text ends with its shot"


def test_a_reading_missed_once_or_blurred_by_a_letter_does_not_split_a_span():
    spans = OcrSpans()
    spans.observe(1.0, [("NO PARKING", 0.98)])
    spans.observe(1.5, [("N0 PARKING", 0.91)])   # a letter misread
    spans.observe(2.0, [])                       # missed once
    spans.observe(2.5, [("NO PARKING", 0.99)])
    spans.observe(3.0, [])
    spans.observe(3.5, [])
    [span] = spans.finish(6.0)
    assert (span.text, span.start_s, span.end_s) == ("NO PARKING", 1.0, 3.0)


def _similar(expected: str, read: str) -> bool:
    a = "".join(expected.casefold().split())
    b = "".join(read.casefold().split())
    return a in b or difflib.SequenceMatcher(None, a, b).ratio() >= 0.8
