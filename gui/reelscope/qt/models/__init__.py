"""Item models over frozen domain objects, and the roles the views read."""
