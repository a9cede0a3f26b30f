"""Model files: YAML schema (pydantic), loader with file/field/line in every error, and the
validated :class:`Model` (mechanism, conditions, thermochemistry, rate constants)."""

from ._loader import load_model, validate_file
from ._model import SECTION_NAMES, Model, Sections

__all__ = ["load_model", "validate_file", "Model", "Sections", "SECTION_NAMES"]
