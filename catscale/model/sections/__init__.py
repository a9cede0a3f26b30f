"""Schemas of the optional model-file sections.

One module per section, owned by the scale it feeds.
"""

from __future__ import annotations

from typing import Any


def check_overrides(section: type, **options: Any) -> None:
    """Options that override fields of a section (Python API and command-line arguments,
    ``None`` = not given) get the bounds and types of those fields, one at a time, so that
    ``events=1.5`` or ``samples=10**12`` is refused as in a model file.

    Raises
    ------
    InvalidParameterError
        Naming the option and what the field expects.
    """
    from typing import Annotated

    from pydantic import TypeAdapter, ValidationError

    from ...errors import InvalidParameterError
    from ...quantities import expected_of

    for name, v in options.items():
        if v is None:
            continue
        fi = section.model_fields[name]
        try:
            TypeAdapter(Annotated[fi.annotation, fi]).validate_python(v)
        except ValidationError as exc:
            raise InvalidParameterError(name, expected_of(exc), v) from None
