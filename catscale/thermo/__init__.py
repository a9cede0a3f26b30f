"""catscale.thermo (see DESIGN.md)."""
