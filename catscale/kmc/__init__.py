"""catscale.kmc (see DESIGN.md)."""
