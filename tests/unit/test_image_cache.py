"""The size-capped cache of fetched pictures: least recently used out first, no secret in a file name."""

from __future__ import annotations

import os
import time

from reelscope.library.image_cache import ImageCache
from reelscope.providers._redact import register_secret

JPEG = b"\xff\xd8\xff\xe0" + b"x" * 996   # 1000 bytes


def test_pictures_past_the_cap_go_least_recently_used_first(tmp_path):
    cache = ImageCache(tmp_path, max_bytes=3500)
    refs = [f"https://faces.example/{n}.jpg" for n in range(3)]
    for ref in refs:
        cache.put(ref, JPEG)
    old = time.time() - 60
    for age, ref in zip((3, 2, 1), refs):   # 0 is the oldest...
        os.utime(cache.path_for(ref), (old - age, old - age))
    assert cache.get(refs[0]) is not None   # ...but looked at just now
    cache.put("https://faces.example/3.jpg", JPEG)   # 4000 bytes > 3500: down to 9/10 of the cap

    assert cache.get(refs[1]) is None, "the least recently used went"
    assert all(cache.get(ref) is not None for ref in (refs[0], refs[2], "https://faces.example/3.jpg"))
    assert cache.size_bytes() == 3000


def test_a_token_in_a_url_never_reaches_a_file_name(tmp_path):
    token = "eyJ-fabric-token-5511"
    register_secret(token)
    cache = ImageCache(tmp_path)
    stored = cache.put(f"https://host.example/thumb.jpg?authorization={token}", JPEG)
    assert token not in str(stored)
    # The same picture under a newer token is the same file: the token is not part of its name.
    assert cache.get("https://host.example/thumb.jpg?authorization=eyJ-another-token-77") == stored
    assert stored.read_bytes() == JPEG
