"""catscale.bridges (see DESIGN.md)."""
