"""catscale.workflow (see DESIGN.md)."""
