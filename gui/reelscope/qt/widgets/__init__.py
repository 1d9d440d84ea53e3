"""Custom widgets: the timeline, the player with its video view and transport, the thumbnail loader."""
