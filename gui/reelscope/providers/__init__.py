"""Analysis providers behind one interface: the embedded local engine and cloud services."""
