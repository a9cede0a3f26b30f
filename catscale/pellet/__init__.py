"""catscale.pellet (see DESIGN.md)."""
