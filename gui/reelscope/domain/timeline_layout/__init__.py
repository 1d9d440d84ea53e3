"""Qt-free timeline geometry: lanes prepared for drawing and hit-testing, the time axis, ruler ticks."""
