"""catscale.uq (see DESIGN.md)."""
