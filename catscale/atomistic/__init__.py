"""catscale.atomistic (see DESIGN.md)."""
