"""catscale.model (see DESIGN.md)."""
