"""Files a bot can see: uploads it made and files users sent, addressable by file id.

File ids are per bot in Telegram, so each bot owns one store. Photos are kept as sets of sizes
because Telegram answers a photo with every size, and any size's id may be re-sent. Documents,
voice notes and videos are one file each, described by the object of their kind.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

PHOTO_SIZES = ((90, 67), (320, 240), (800, 600))
# How Telegram's file ids of each kind begin, and where getFile puts them.
_PREFIX = {
    "photo": "AgACAgIAAxkBAAI",
    "document": "BQACAgIAAxkBAAI",
    "voice": "AwACAgIAAxkBAAI",
    "video": "BAACAgIAAxkBAAI",
}
_FOLDER = {"photo": "photos", "document": "documents", "voice": "voice", "video": "videos"}


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
    duration: int | None = None

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

    def as_voice(self) -> dict[str, Any]:
        voice: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "duration": self.duration or 0,
            "file_size": len(self.data),
        }
        if self.mime_type:
            voice["mime_type"] = self.mime_type
        return voice

    def as_video(self) -> dict[str, Any]:
        return self.as_document() | {
            "width": self.width or 0,
            "height": self.height or 0,
            "duration": self.duration or 0,
        }

    def as_object(self) -> dict[str, Any]:
        """The Telegram object a message carries for this file, by its kind."""
        if self.kind == "voice":
            return self.as_voice()
        if self.kind == "video":
            return self.as_video()
        return self.as_document()


def fake_ogg(label: str) -> bytes:
    """A small Ogg-looking blob (the capture pattern and a comment), unique per label."""
    return b"OggS\x00\x02" + f"fieldbot sandbox voice {label}".encode()


def fake_mp4(label: str) -> bytes:
    """A small MP4-looking blob (an ``ftyp`` box and a comment), unique per label."""
    return b"\x00\x00\x00\x18ftypmp42" + f"fieldbot sandbox video {label}".encode()


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
        folder = _FOLDER.get(kind, "files")
        stored = StoredFile(
            file_id=_PREFIX.get(kind, "CAAC") + secrets.token_urlsafe(24),
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

    def add_voice(
        self, data: bytes | None = None, duration: int = 3, mime_type: str = "audio/ogg"
    ) -> StoredFile:
        """A voice note (generated Ogg-looking bytes unless given)."""
        data = data if data is not None else fake_ogg(str(self._counter + 1))
        return self._new("voice", data, "oga", duration=duration, mime_type=mime_type)

    def add_video(
        self,
        data: bytes | None = None,
        duration: int = 5,
        width: int = 640,
        height: int = 360,
        file_name: str | None = None,
    ) -> StoredFile:
        """A video (generated MP4-looking bytes unless given)."""
        data = data if data is not None else fake_mp4(str(self._counter + 1))
        return self._new(
            "video",
            data,
            "mp4",
            duration=duration,
            width=width,
            height=height,
            file_name=file_name,
            mime_type="video/mp4",
        )

    def get(self, file_id: str) -> StoredFile | None:
        return self._by_id.get(file_id)

    def photo_set(self, file_id: str) -> tuple[StoredFile, ...] | None:
        return self._photo_sets.get(file_id)

    def by_path(self, file_path: str) -> StoredFile | None:
        return self._by_path.get(file_path)
