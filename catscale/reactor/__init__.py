"""catscale.reactor (see DESIGN.md)."""
