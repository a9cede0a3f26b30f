"""Exception and warning hierarchy of catscale.

Every error names what was wrong (parameter or model-file field), the constraint and the value
received, so that a user can fix the input without reading a traceback.
"""

from __future__ import annotations

__all__ = [
    "CatscaleError",
    "ModelFileError",
    "ModelFileErrors",
    "InvalidParameterError",
    "ConvergenceError",
    "OutputError",
    "CatscaleWarning",
    "ScaleSeparationWarning",
    "MeanFieldWarning",
]


class CatscaleError(Exception):
    """Base class of every error raised by catscale."""


class InvalidParameterError(CatscaleError, ValueError):
    """A function argument violates its documented constraint.

    Parameters
    ----------
    name : str
        Name of the parameter.
    expected : str
        The constraint, in words (e.g. ``"> 0 K"``).
    found : object
        The value received.
    """

    def __init__(self, name: str, expected: str, found: object):
        self.name = name
        self.expected = expected
        self.found = found
        super().__init__(f"{name}: expected {expected}, got {found!r}")


class ModelFileError(CatscaleError, ValueError):
    """One problem in a model file, located by file, field path and line.

    Parameters
    ----------
    file : str
        Path of the model file (or ``"<string>"``).
    field : str
        Dotted field path, e.g. ``"steps[2].equation"``.
    message : str
        What was expected and what was found.
    line : int or None
        1-based line number in the file, when known.
    """

    def __init__(self, file: str, field: str, message: str, line: int | None = None):
        self.file = file
        self.field = field
        self.line = line
        self.message = message
        super().__init__(self.format())

    def format(self) -> str:
        loc = f"{self.file}:{self.line}" if self.line is not None else f"{self.file}"
        return f"{loc}: {self.field}: {self.message}"


class ModelFileErrors(ModelFileError):
    """Several model-file problems, all collected from one file.

    ``errors`` holds every :class:`ModelFileError`; ``str()`` lists them one per line.
    """

    def __init__(self, errors: list[ModelFileError]):
        if not errors:
            raise ValueError("ModelFileErrors needs at least one error")
        self.errors = list(errors)
        first = self.errors[0]
        super().__init__(first.file, first.field, first.message, first.line)

    def format(self) -> str:  # noqa: D102
        return "\n".join(e.format() for e in self.errors)

    def __str__(self) -> str:
        return "\n".join(ModelFileError.format(e) for e in self.errors)


class ConvergenceError(CatscaleError, RuntimeError):
    """A solver could not find or verify a solution.

    Parameters
    ----------
    message : str
        What failed.
    tried : list of str
        The strategies that were attempted, in order, with their outcome.
    """

    def __init__(self, message: str, tried: list[str] | None = None):
        self.tried = list(tried or [])
        text = message
        if self.tried:
            text += "\ntried:\n" + "\n".join(f"  - {t}" for t in self.tried)
        super().__init__(text)


class OutputError(CatscaleError):
    """An output file could not be written (a full disk, a read-only directory); the
    temporary file was removed and the previous version of the file, if any, is intact.

    Parameters
    ----------
    path : str
        The file that could not be written.
    reason : str
        The operating system's reason (``No space left on device``).
    """

    def __init__(self, path: str, reason: str):
        self.path = path
        self.reason = reason
        CatscaleError.__init__(self, f"could not write {path}: {reason}")

    def __str__(self) -> str:
        return f"could not write {self.path}: {self.reason}"


class CatscaleWarning(UserWarning):
    """Base class of catscale warnings."""


class ScaleSeparationWarning(CatscaleWarning):
    """A bridging law is used where the scales are not separated enough to justify it."""


class MeanFieldWarning(CatscaleWarning):
    """Mean-field kinetics is likely wrong (spatial correlations, islands, slow mixing)."""
