"""Schemas of the optional model-file sections.

One module per section, owned by the scale it feeds.
"""
