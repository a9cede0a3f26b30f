"""catscale.kinetics (see DESIGN.md)."""
