"""Schemas of the optional model-file sections; one module per section, owned by the scale it feeds."""
