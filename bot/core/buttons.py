"""Typed button data and deep-link payloads: declared once, packed and unpacked with checks.

A button is a small frozen dataclass with a prefix and typed fields::

    class OpenTicket(ButtonData, prefix="mg:t"):
        ticket: int

    OpenTicket(ticket=42).pack()        # "mg:t:42"
    OpenTicket.unpack("mg:t:42")        # OpenTicket(ticket=42)
    OpenTicket.unpack("mg:t:①")         # raises Malformed: forged, never reaches a handler

Telegram hands callback data back exactly as sent, but a modified client can send anything,
so :meth:`ButtonData.unpack` is strict: the right prefix, the right number of fields, ids as
ASCII digits within the database's integer range, enum members only. :meth:`ButtonData.pack`
refuses data Telegram would refuse (over 64 bytes) or that would not read back.

Field types: ``int`` (0 … 2³¹−1), ``str`` (no separator inside), a ``StrEnum``, ``bool``
(``1``/``0``), and any of them ``| None`` (packed as ``-``). A ``str`` field may be empty;
the last field, when it is a ``str``, takes the rest of the data, separators included (an
invite code is URL-safe base64, which has ``_``). Trailing fields with defaults may be left
out of the data (they read back as their defaults); a class declared with ``compact=True``
leaves them out when they hold their defaults (``mg:as:12`` for the first page of
``mg:as:12:6``).

Deep-link payloads (``/start eq_12``) are the same thing with ``_`` as the separator: subclass
:class:`DeepLink`. Numbers a person types go through :func:`parse_int` for the same checks.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from enum import Enum
from typing import Any, ClassVar, Self, dataclass_transform

MAX_ID = 2**31 - 1  # the database's INTEGER columns; offsets and counts are far smaller
CALLBACK_LIMIT = 64  # bytes, Telegram's limit for callback_data and for a /start payload
NONE = "-"


class Malformed(ValueError):
    """Data that no button of ours produced: forged, stale from another version, or junk."""


def parse_int(text: str, *, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """``text`` as a whole number within bounds, or None.

    Only ASCII digits (with an optional leading minus when ``minimum`` is negative):
    ``str.isdigit`` also accepts ``①²³``, which ``int()`` refuses, and a long run of digits
    would overflow the database's integer columns.
    """
    text = text.strip()
    digits = text[1:] if text.startswith("-") and minimum < 0 else text
    if not digits or not digits.isascii() or not digits.isdigit() or len(digits) > 12:
        return None
    value = int(text)
    return value if minimum <= value <= maximum else None


def _optional(hint: Any) -> tuple[Any, bool]:
    """``int | None`` → ``(int, True)``; ``int`` → ``(int, False)``."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        if len(args) == 1 and len(typing.get_args(hint)) == 2:
            return args[0], True
    return hint, False


@dataclasses.dataclass(frozen=True)
class _Field:
    name: str
    kind: Any
    optional: bool
    default: Any = dataclasses.MISSING

    def dump(self, value: Any, sep: str, last: bool) -> str:
        if value is None:
            if not self.optional:
                raise ValueError(f"{self.name} may not be None")
            return NONE
        if self.kind is bool:
            return "1" if value else "0"
        if self.kind is int:
            if not isinstance(value, int) or not 0 <= value <= MAX_ID:
                raise ValueError(f"{self.name}={value!r} is not an id")
            return str(value)
        text = value.value if isinstance(value, Enum) else str(value)
        if (sep in text and not (last and self.kind is str)) or (self.optional and text == NONE):
            raise ValueError(f"{self.name}={text!r} would not read back")
        return text

    def load(self, text: str) -> Any:
        if self.optional and text == NONE:
            return None
        if self.kind is bool:
            if text not in ("0", "1"):
                raise Malformed(f"{self.name}: {text!r} is not 0 or 1")
            return text == "1"
        if self.kind is int:
            number = parse_int(text)
            if number is None or str(number) != text:  # only the form pack() writes
                raise Malformed(f"{self.name}: {text!r} is not an id")
            return number
        if isinstance(self.kind, type) and issubclass(self.kind, Enum):
            try:
                return self.kind(text)
            except ValueError:
                raise Malformed(f"{self.name}: {text!r} is not a {self.kind.__name__}") from None
        return text


@dataclass_transform(frozen_default=True)
class _Packed:
    """Shared by buttons and deep links: subclasses say ``prefix=`` (and ``compact=True``)."""

    prefix: ClassVar[str]
    separator: ClassVar[str] = ":"
    compact: ClassVar[bool] = False
    _fields: ClassVar[tuple[_Field, ...] | None] = None

    def __init_subclass__(cls, prefix: str = "", compact: bool = False, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if prefix:
            cls.prefix = prefix
            cls.compact = compact
            cls._fields = None
            dataclasses.dataclass(frozen=True)(cls)

    @classmethod
    def fields(cls) -> tuple[_Field, ...]:
        if cls._fields is None:  # resolved on first use: annotations are strings until then
            hints = typing.get_type_hints(cls)
            cls._fields = tuple(
                _Field(f.name, *_optional(hints[f.name]), f.default)
                for f in dataclasses.fields(cls)  # type: ignore[arg-type]
            )
            for field in cls._fields:
                kind = field.kind
                if kind not in (int, str, bool) and not (
                    isinstance(kind, type) and issubclass(kind, Enum)
                ):
                    raise TypeError(f"{cls.__name__}.{field.name}: {kind!r} cannot be packed")
        return cls._fields

    def pack(self) -> str:
        sep = self.separator
        parts = [self.prefix]
        fields = list(self.fields())
        while self.compact and fields and getattr(self, fields[-1].name) == fields[-1].default:
            fields.pop()
        parts += [
            field.dump(getattr(self, field.name), sep, last=index == len(fields) - 1)
            for index, field in enumerate(fields)
        ]
        data = sep.join(parts)
        if len(data.encode()) > CALLBACK_LIMIT:
            raise ValueError(f"{data!r} is over Telegram's {CALLBACK_LIMIT} bytes")
        return data

    @classmethod
    def matches(cls, data: str) -> bool:
        return data == cls.prefix or data.startswith(cls.prefix + cls.separator)

    @classmethod
    def unpack(cls, data: str) -> Self:
        """The value ``data`` packs; :class:`Malformed` when no button of ours says that."""
        if not cls.matches(data) or len(data.encode()) > CALLBACK_LIMIT:
            raise Malformed(f"{data!r} is not {cls.__name__}")
        fields = cls.fields()
        rest = data[len(cls.prefix) + 1 :]
        greedy = bool(fields) and fields[-1].kind is str
        parts = rest.split(cls.separator, len(fields) - 1 if greedy else -1)
        if not rest and (not fields or not data.endswith(cls.separator)):
            parts = []  # "ts:next" and "ts:next:" alike for a class with no fields
        left_out = fields[len(parts) :]
        if len(parts) > len(fields) or any(f.default is dataclasses.MISSING for f in left_out):
            raise Malformed(f"{data!r}: {len(parts)} fields, {cls.__name__} has {len(fields)}")
        values = {field.name: field.load(part) for field, part in zip(fields, parts, strict=False)}
        return cls(**values)


class ButtonData(_Packed):
    """Callback data of an inline button: ``prefix:field:field``."""


class DeepLink(_Packed):
    """A ``/start`` payload (``t.me/<bot>?start=eq_12``): ``prefix_field``."""

    separator: ClassVar[str] = "_"
