"""catscale.transport (see DESIGN.md)."""
