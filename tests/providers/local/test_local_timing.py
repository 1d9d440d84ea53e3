"""From frame timestamps to scenes and a fixed-interval activity graph (pure functions)."""

from __future__ import annotations

import pytest

from reelscope.domain.analysis import Scene
from reelscope.providers.local.timing import activity_on_grid, scenes_from_cuts


def test_scenes_cover_the_clip_between_cuts():
    assert scenes_from_cuts([1.0, 2.5], 4.0) == (
        Scene(start_s=0.0, end_s=1.0),
        Scene(start_s=1.0, end_s=2.5),
        Scene(start_s=2.5, end_s=4.0),
    )


def test_no_cut_is_one_scene():
    assert scenes_from_cuts([], 3.0) == (Scene(start_s=0.0, end_s=3.0),)


def test_cuts_outside_the_clip_are_ignored_and_the_rest_ordered():
    assert scenes_from_cuts([0.0, 2.0, 1.5, 2.0, 5.0], 4.0) == (
        Scene(start_s=0.0, end_s=1.5),
        Scene(start_s=1.5, end_s=2.0),
        Scene(start_s=2.0, end_s=4.0),
    )


def test_constant_frame_rate_values_stay_one_per_frame():
    activity = activity_on_grid([0.0, 0.04, 0.08, 0.12], [0.0, 0.1, 0.2, 0.3], 0.04, 0.16)
    assert activity.interval_s == 0.04
    assert activity.values == (0.0, 0.1, 0.2, 0.3)


def test_variable_frame_rate_values_keep_peaks_and_fill_gaps():
    # Two frames in the second slot, none in the third.
    times = [0.0, 0.04, 0.06, 0.12]
    activity = activity_on_grid(times, [0.0, 0.5, 0.1, 0.3], 0.04, 0.16)
    assert activity.values == pytest.approx((0.0, 0.5, 0.4, 0.3))


def test_an_empty_clip_gives_a_flat_graph():
    assert activity_on_grid([], [], 0.04, 0.1).values == (0.0, 0.0, 0.0)
