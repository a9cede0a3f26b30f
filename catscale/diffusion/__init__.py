"""catscale.diffusion (see DESIGN.md)."""
