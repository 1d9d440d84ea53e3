from __future__ import annotations

import logging

from reelscope.services.observers import Listeners


def test_emit_reaches_every_listener_until_disconnected():
    listeners: Listeners[int] = Listeners()
    seen_a, seen_b = [], []
    disconnect_a = listeners.connect(seen_a.append)
    listeners.connect(seen_b.append)
    listeners.emit(1)
    disconnect_a()
    disconnect_a()  # twice is harmless
    listeners.emit(2)
    assert (seen_a, seen_b) == ([1], [1, 2])


def test_a_failing_listener_is_logged_and_does_not_stop_the_others(caplog):
    listeners: Listeners[str] = Listeners()
    seen = []

    def broken(value):
        raise RuntimeError("listener bug")

    listeners.connect(broken)
    listeners.connect(seen.append)
    with caplog.at_level(logging.ERROR):
        listeners.emit("x")
    assert seen == ["x"]
    assert "listener bug" in caplog.text


def test_a_listener_may_disconnect_itself_while_emitting():
    listeners: Listeners[int] = Listeners()
    seen = []

    def once(value):
        seen.append(value)
        disconnect()

    disconnect = listeners.connect(once)
    listeners.emit(1)
    listeners.emit(2)
    assert seen == [1]
