"""Small JPEG frames for the search fakes' thumbnails: a colour per video, the moment's number drawn on it."""

from __future__ import annotations

import functools
import hashlib
import io

from PIL import Image, ImageDraw

SIZE = (160, 90)


@functools.lru_cache(maxsize=2048)
def frame_jpeg(video_id: str, second: int) -> bytes:
    digest = hashlib.sha256(video_id.encode()).digest()
    colour = (40 + digest[0] % 180, 40 + digest[1] % 180, 40 + digest[2] % 180)
    image = Image.new("RGB", SIZE, colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, SIZE[1] - 22, SIZE[0], SIZE[1]), fill=(0, 0, 0))
    draw.text((6, SIZE[1] - 18), f"{video_id[:8]} @ {second}s", fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()
