"""Model files: YAML schema (pydantic), loader with file/field/line in every error, and the
validated :class:`Model` (mechanism, conditions, thermochemistry, rate constants)."""

from ._files import (
    IMAGE_FORMATS,
    max_bytes,
    microstructure_image,
    output_path,
    read_model_text,
    read_referenced,
    resolve_outputs,
)
from ._loader import load_model, validate_file
from ._model import SECTION_NAMES, Model, Sections
from ._yaml import load_yaml_data

__all__ = ["load_model", "validate_file", "Model", "Sections", "SECTION_NAMES",
           "read_referenced", "read_model_text", "output_path", "resolve_outputs", "max_bytes",
           "IMAGE_FORMATS", "microstructure_image", "load_yaml_data"]
