"""What an attached file is: its type read from its first bytes, its SHA-256 and size.

Pure functions over a file on disk (no database): the type comes from the file's
signature, not only its name, so a renamed executable is refused; the hash and size
are read a megabyte at a time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from crm.controllers.errors import ValidationError
from crm.i18n import translate

#: Bytes per ``document_part`` row and per read of a file.
PART_SIZE = 1024 * 1024

_ZIP_OFFICE = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
}
_OLE_OFFICE = {
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".ppt": "application/vnd.ms-powerpoint",
}

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DICOM = "application/dicom"
IMAGE_TYPES = (PNG, JPEG)


@dataclass(frozen=True)
class FileFacts:
    """A file checked for attaching: its type, size and SHA-256 (hex)."""

    mime_type: str
    size_bytes: int
    sha256: str


def file_problem(message: str) -> ValidationError:
    """A refusal about the file itself (field ``file``), prefixed «Файл: …»."""
    return ValidationError(
        translate("medical", "File: {problem}").format(problem=message), field="file"
    )


def sniff_type(head: bytes, name: str) -> str | None:
    """The MIME type of a file beginning with ``head`` (its first 132 bytes) named
    ``name``, or ``None`` for a type the card does not take."""
    suffix = Path(name).suffix.lower()
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if len(head) >= 132 and head[128:132] == b"DICM":
        return DICOM
    if head.startswith(b"PK\x03\x04") and suffix in _ZIP_OFFICE:
        return _ZIP_OFFICE[suffix]
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") and suffix in _OLE_OFFICE:
        return _OLE_OFFICE[suffix]
    if head.startswith(b"{\\rtf"):
        return "application/rtf"
    return None


def read_parts(stream: BinaryIO) -> Iterator[bytes]:
    """``stream``'s bytes a part (:data:`PART_SIZE`) at a time."""
    while part := stream.read(PART_SIZE):
        yield part


def examine(path: Path, limit_bytes: int) -> FileFacts:
    """Check ``path`` for attaching: readable, not empty, within ``limit_bytes``, of a
    known type; return its facts.

    Raises:
        ValidationError: (field ``file``) what is wrong with the file.
    """
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise OSError
    except OSError:
        problem = translate("medical", "cannot be read ({name})").format(name=path.name)
        raise file_problem(problem) from None
    if size == 0:
        raise file_problem(translate("medical", "the file is empty"))
    if size > limit_bytes:
        raise file_problem(
            translate("medical", "{size} is over the clinic's limit of {limit} MB").format(
                size=size_text(size), limit=limit_bytes // (1024 * 1024)
            )
        )
    digest = hashlib.sha256()
    try:
        with path.open("rb") as stream:
            head = stream.read(132)
            digest.update(head)
            for part in read_parts(stream):
                digest.update(part)
    except OSError as error:
        problem = translate("medical", "cannot be read ({name})").format(
            name=error.strerror or path.name
        )
        raise file_problem(problem) from None
    mime = sniff_type(head, path.name)
    if mime is None:
        raise file_problem(
            translate(
                "medical",
                "unknown type; the card takes PDF, JPEG, PNG, DICOM and office documents",
            )
        )
    return FileFacts(mime_type=mime, size_bytes=size, sha256=digest.hexdigest())


def size_text(size: int) -> str:
    """``1,5 МБ``: a size as a person reads it."""
    if size < 1024:
        return translate("medical", "{n} B").format(n=size)
    if size < 1024 * 1024:
        return translate("medical", "{n} KB").format(n=f"{size / 1024:.1f}".replace(".", ","))
    return translate("medical", "{n} MB").format(n=f"{size / 1048576:.1f}".replace(".", ","))
