"""Files a bot can see: uploads it made and photos users sent, addressable by file id.

File ids are per bot in Telegram, so each bot owns one store. Photos are kept as sets of sizes
because Telegram answers a photo with every size, and any size's id may be re-sent.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

PHOTO_SIZES = ((90, 67), (320, 240), (800, 600))


@dataclass(frozen=True, slots=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: str
    data: bytes
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None

    def as_file(self) -> dict[str, Any]:
        """The ``File`` object ``getFile`` returns."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }

    def as_photo_size(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "width": self.width or 0,
            "height": self.height or 0,
        }

    def as_document(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
        }
        if self.file_name:
            document["file_name"] = self.file_name
        if self.mime_type:
            document["mime_type"] = self.mime_type
        return document


def fake_jpeg(label: str) -> bytes:
    """A small JPEG-looking blob (SOI, JFIF header, a comment, EOI), unique per label."""
    comment = f"fieldbot sandbox {label}".encode()
    return (
        b"\xff\xd8"
        + b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
        + b"\xff\xfe"
        + (len(comment) + 2).to_bytes(2, "big")
        + comment
        + b"\xff\xd9"
    )


class FileStore:
    """All files of one bot, by file id and by download path."""

    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._photo_sets: dict[str, tuple[StoredFile, ...]] = {}
        self._counter = 0

    def _new(self, kind: str, data: bytes, ext: str, **extra: Any) -> StoredFile:
        self._counter += 1
        prefix = {"photo": "AgACAgIAAxkBAAI", "document": "BQACAgIAAxkBAAI"}.get(kind, "CAAC")
        folder = {"photo": "photos", "document": "documents"}.get(kind, "files")
        stored = StoredFile(
            file_id=prefix + secrets.token_urlsafe(24),
            file_unique_id="AQAD" + secrets.token_urlsafe(9),
            kind=kind,
            data=data,
            file_path=f"{folder}/file_{self._counter}.{ext}",
            **extra,
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def add_photo(self, data: bytes | None = None) -> tuple[StoredFile, ...]:
        """A photo in several sizes; all sizes share the bytes (or a generated JPEG)."""
        sizes = tuple(
            self._new(
                "photo",
                data if data is not None else fake_jpeg(f"{self._counter + 1} {w}x{h}"),
                "jpg",
                width=w,
                height=h,
                mime_type="image/jpeg",
            )
            for w, h in PHOTO_SIZES
        )
        for size in sizes:
            self._photo_sets[size.file_id] = sizes
        return sizes

    def add_document(self, data: bytes, file_name: str, mime_type: str | None) -> StoredFile:
        ext = file_name.rsplit(".", 1)[-1] if "." in file_name else "bin"
        return self._new("document", data, ext, file_name=file_name, mime_type=mime_type)

    def get(self, file_id: str) -> StoredFile | None:
        return self._by_id.get(file_id)

    def photo_set(self, file_id: str) -> tuple[StoredFile, ...] | None:
        return self._photo_sets.get(file_id)

    def by_path(self, file_path: str) -> StoredFile | None:
        return self._by_path.get(file_path)
