"""Files a model file names: what may be read, and where results may be written.

A model file can come from anyone, so the files it points at are checked before a byte is
used:

* **read** (:func:`read_referenced`): images, energy tables, CatMAP setups. The path is taken
  relative to the model file's directory; it must be a regular file (a device such as
  ``/dev/zero`` or a FIFO is refused before it is opened for reading), no larger than a cap
  (``CATSCALE_MAX_DATA_BYTES``, default 512 MiB; model files themselves
  ``CATSCALE_MAX_MODEL_BYTES``, default 4 MiB), of a recognised format (suffix and leading
  bytes). The bytes returned are the ones checked.
* **write** (:func:`output_path`, :func:`resolve_outputs`): a file a model file names for
  writing (``kmc.checkpoint`` ...) resolves inside the output directory (``--out``, or the
  model file's directory); an absolute path or a ``..`` escape is refused. A path given on
  the command line is the user's own choice and is not restricted.

Every refusal is a :class:`~catscale.errors.ModelFileError` naming file and field (exit 2).
"""

from __future__ import annotations

import dataclasses
import os
import pathlib
import stat

from ..errors import ModelFileError

__all__ = ["read_referenced", "read_model_text", "output_path", "resolve_outputs",
           "max_bytes", "microstructure_image", "FORMATS", "IMAGE_FORMATS",
           "OUTPUT_FIELDS"]

#: recognised formats: suffix -> (description, accepted leading bytes; empty = UTF-8 text)
FORMATS: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".npy": ("NumPy array", (b"\x93NUMPY",)),
    ".tif": ("TIFF image", (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")),
    ".tiff": ("TIFF image", (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")),
    ".txt": ("text table", ()),
    ".tsv": ("text table", ()),
    ".csv": ("text table", ()),
    ".mkm": ("CatMAP setup (Python literals)", ()),
    ".yaml": ("YAML", ()),
    ".yml": ("YAML", ()),
}

#: formats of voxel images (``microstructure.image``, ``catscale homogenize IMAGE``)
IMAGE_FORMATS = (".npy", ".tif", ".tiff")

_DEFAULTS = {"CATSCALE_MAX_MODEL_BYTES": 4 * 2**20, "CATSCALE_MAX_DATA_BYTES": 512 * 2**20}

#: model-file fields that name a file to write: (section, field)
OUTPUT_FIELDS: tuple[tuple[str, str], ...] = (("kmc", "checkpoint"),)


def max_bytes(kind: str = "data") -> int:
    """Size cap in bytes for a ``"model"`` file or a referenced ``"data"`` file.

    Set by the environment variables ``CATSCALE_MAX_MODEL_BYTES`` and
    ``CATSCALE_MAX_DATA_BYTES`` (integers, bytes).
    """
    var = "CATSCALE_MAX_MODEL_BYTES" if kind == "model" else "CATSCALE_MAX_DATA_BYTES"
    raw = os.environ.get(var)
    if raw is None:
        return _DEFAULTS[var]
    try:
        value = int(raw)
    except ValueError:
        raise ModelFileError(f"${var}", var, f"an integer number of bytes, got {raw!r}") \
            from None
    if value < 1:
        raise ModelFileError(f"${var}", var, f"a positive number of bytes, got {value}")
    return value


def _read_bounded(path: pathlib.Path, source: str, field: str, cap: int,
                  regular_only: bool, line: int | None = None) -> bytes:
    """Bytes of ``path``, at most ``cap``; refuses non-regular files when ``regular_only``."""
    def fail(msg: str):
        raise ModelFileError(source, field, msg, line)

    try:
        # O_NONBLOCK: opening a FIFO without a writer must not hang before fstat refuses it
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        fail(f"file not found: {path}")
    except IsADirectoryError:
        fail(f"{path} is a directory, expected a file")
    except OSError as exc:
        fail(f"cannot open {path}: {exc.strerror}")
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            fail(f"{path} is a directory, expected a file")
        if regular_only and not stat.S_ISREG(st.st_mode):
            what = ("a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else
                    "a FIFO" if stat.S_ISFIFO(st.st_mode) else
                    "a socket" if stat.S_ISSOCK(st.st_mode) else "not a regular file")
            fail(f"{path} is {what}; a regular file is required")
        if stat.S_ISREG(st.st_mode) and st.st_size > cap:
            fail(f"{path} is {st.st_size} bytes, over the limit of {cap} bytes")
        os.set_blocking(fd, True)
        chunks, n = [], 0
        while n <= cap:
            chunk = os.read(fd, min(1 << 20, cap + 1 - n))
            if not chunk:
                break
            chunks.append(chunk)
            n += len(chunk)
        if n > cap:
            fail(f"{path} is over the limit of {cap} bytes")
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_model_text(path: str | os.PathLike) -> str:
    """Text of a model file named on the command line, at most ``max_bytes("model")`` bytes
    (a device such as /dev/zero ends at the cap instead of filling memory)."""
    name = str(path)
    data = _read_bounded(pathlib.Path(path), name, "(file)", max_bytes("model"),
                         regular_only=False)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ModelFileError(name, "(file)", "not a text (UTF-8) file") from None


def read_referenced(value: str | os.PathLike, *, base: str | os.PathLike | None,
                    source: str, field: str, formats: tuple[str, ...] | None = None,
                    line: int | None = None,
                    cap: int | None = None) -> tuple[pathlib.Path, bytes]:
    """Check and read a file that a model file (or another input file) refers to.

    Parameters
    ----------
    value : str or path
        The file name as written; relative names are taken relative to ``base``.
    base : path or None
        Directory of the referring file (None: the current directory, for names given on
        the command line).
    source, field : str
        Referring file and field, for the error message.
    formats : tuple of str, optional
        Accepted suffixes (keys of :data:`FORMATS`); default: all of them.
    line : int, optional
        Line of the field in the referring file.
    cap : int, optional
        Size limit in bytes (default :func:`max_bytes` ``("data")``).

    Returns
    -------
    (Path, bytes)
        The resolved path and its contents (read once, after the checks).

    Raises
    ------
    ModelFileError
        Missing, not a regular file (device, FIFO, directory), over the size cap, or not of
        a recognised format.
    """
    path = pathlib.Path(os.fspath(value)).expanduser()
    if not path.is_absolute() and base is not None:
        path = pathlib.Path(base) / path
    formats = tuple(FORMATS) if formats is None else formats
    data = _read_bounded(path, source, field, max_bytes("data") if cap is None else cap,
                         regular_only=True, line=line)
    suffix = path.suffix.lower()
    if suffix not in formats:
        raise ModelFileError(source, field, f"{path}: unrecognised format; expected one of "
                             f"{', '.join(formats)}", line)
    desc, magics = FORMATS[suffix]
    if magics and not data.startswith(magics):
        raise ModelFileError(source, field, f"{path} is not a {desc} (its first bytes are "
                             f"{data[:8]!r})", line)
    if not magics:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise ModelFileError(source, field, f"{path} is not a UTF-8 {desc}", line) \
                from None
    return path, data


def output_path(value: str | os.PathLike, *, out_dir: str | os.PathLike, source: str,
                field: str, line: int | None = None) -> pathlib.Path:
    """Where a file named in a model file for writing goes: inside ``out_dir``.

    Parameters
    ----------
    value : str or path
        The name as written in the model file (relative).
    out_dir : path
        The output directory (``--out``, or the model file's directory).
    source, field : str
        Model file and field, for the error message.

    Returns
    -------
    Path
        Absolute path inside ``out_dir`` (symbolic links resolved).

    Raises
    ------
    ModelFileError
        For an absolute path, or one that leaves ``out_dir`` (``..``, a symbolic link).
    """
    p = pathlib.Path(os.fspath(value))
    if p.is_absolute() or str(value).startswith("~"):
        raise ModelFileError(source, field, f"a file name relative to the output directory, "
                             f"got the absolute path {str(value)!r} (a model file may only "
                             "write inside the output directory; give the path on the "
                             "command line instead)", line)
    root = pathlib.Path(out_dir).resolve()
    target = (root / p).resolve()
    if target != root and root not in target.parents:
        raise ModelFileError(source, field, f"{str(value)!r} leaves the output directory "
                             f"{root}; a model file may only write inside it", line)
    if target == root:
        raise ModelFileError(source, field, f"a file name, got the directory {str(value)!r}",
                             line)
    return target


def resolve_outputs(model, out_dir: str | os.PathLike | None = None):
    """The model with every file it names for writing (:data:`OUTPUT_FIELDS`) resolved by
    :func:`output_path` inside ``out_dir`` (default: the model file's directory).

    Parameters
    ----------
    model : catscale.model.Model
    out_dir : path, optional

    Returns
    -------
    catscale.model.Model
        A copy with absolute, checked paths (the model itself when it names none). The
        names are taken from ``model.raw`` (as written), so a model already resolved for
        one directory can be resolved again for another.
    """
    base = out_dir if out_dir is not None else pathlib.Path(model.path).parent
    secs = model.sections
    raw = model.raw if isinstance(getattr(model, "raw", None), dict) else {}
    changed = False
    for name, fld in OUTPUT_FIELDS:
        sec = getattr(secs, name, None)
        if sec is None:
            continue
        # the name as written in the file (the section may hold an already resolved path)
        value = (raw.get(name) or {}).get(fld) if isinstance(raw.get(name), dict) else None
        if not value:
            continue
        line = (getattr(model, "lines", None) or {}).get((name, fld))
        path = output_path(value, out_dir=base, source=str(model.path),
                           field=f"{name}.{fld}", line=line)
        secs = dataclasses.replace(secs, **{name: sec.model_copy(update={fld: str(path)})})
        changed = True
    return dataclasses.replace(model, sections=secs) if changed else model


def microstructure_image(model) -> tuple[pathlib.Path, bytes] | None:
    """Path and checked bytes of the model's ``microstructure.image`` (None without one)."""
    sec = model.sections.microstructure
    if sec is None or not getattr(sec, "image", None):
        return None
    return read_referenced(sec.image, base=pathlib.Path(model.path).parent,
                           source=str(model.path), field="microstructure.image",
                           formats=IMAGE_FORMATS)
