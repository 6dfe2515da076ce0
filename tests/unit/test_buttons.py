"""Button data and deep links: what ``pack`` writes reads back as the same value, and data no
button of ours wrote (forged, stale, junk) is refused by ``unpack`` before any handler."""

from __future__ import annotations

import random
from enum import StrEnum

import pytest

from bot.core.buttons import MAX_ID, ButtonData, DeepLink, Malformed, parse_int


class Colour(StrEnum):
    RED = "red"
    DARK_BLUE = "dark_blue"


class Plain(ButtonData, prefix="tt:p"):
    """A field of every type, and a last ``str`` that takes the rest."""

    number: int
    word: str
    colour: Colour
    flag: bool
    rest: str


class Maybe(ButtonData, prefix="tt:m"):
    """Every type again, each optional (packed ``-`` when None)."""

    number: int | None
    word: str | None
    colour: Colour | None
    flag: bool | None


class Accept(ButtonData, prefix="jb:acc"):
    ticket: int


class Next(ButtonData, prefix="ts:next"):
    pass


class Page(ButtonData, prefix="mg:o"):
    status: str | None
    priority: str | None
    engineer: int | None
    customer: int | None
    offset: int


class Equipment(DeepLink, prefix="eq"):
    equipment: int


class Invitation(DeepLink, prefix="inv"):
    code: str


WORDS = ["", "a", "ivan", "Мария", "ünïcödé", "ab-cd", "①²³", "٣٤", "emoji🙂", "x" * 8]
REST = [*WORDS, "with:colons:inside", ":", "-", "a:-:b"]


def random_buttons(rng: random.Random) -> tuple[Plain, Maybe]:
    def maybe(value: object) -> object:
        return None if rng.random() < 0.3 else value

    plain = Plain(
        number=rng.choice([0, 1, 42, MAX_ID, rng.randrange(MAX_ID)]),
        word=rng.choice(WORDS),
        colour=rng.choice(list(Colour)),
        flag=rng.random() < 0.5,
        rest=rng.choice(REST),
    )
    optional = Maybe(
        number=maybe(rng.randrange(MAX_ID + 1)),  # type: ignore[arg-type]
        word=maybe(rng.choice([w for w in WORDS if w])),  # type: ignore[arg-type]
        colour=maybe(rng.choice(list(Colour))),  # type: ignore[arg-type]
        flag=maybe(rng.random() < 0.5),  # type: ignore[arg-type]
    )
    return plain, optional


def test_every_field_type_round_trips() -> None:
    rng = random.Random(8)
    for _ in range(2000):
        for button in random_buttons(rng):
            data = button.pack()
            assert type(button).unpack(data) == button, data
    assert Maybe(None, None, None, None).pack() == "tt:m:-:-:-:-"
    assert Maybe(None, "", None, None).pack() == "tt:m:-::-:-"


def test_todays_wire_format() -> None:
    assert Accept(ticket=12).pack() == "jb:acc:12"
    assert Page(None, None, None, None, 0).pack() == "mg:o:-:-:-:-:0"
    assert Page("new", "urgent", 3, 7, 10).pack() == "mg:o:new:urgent:3:7:10"
    assert Next().pack() == "ts:next"
    assert Equipment(equipment=5).pack() == "eq_5"


@pytest.mark.parametrize("data", ["ts:next", "ts:next:"])
def test_a_button_without_fields_reads_with_or_without_a_trailing_separator(data: str) -> None:
    assert Next.unpack(data) == Next()


def test_the_last_str_field_takes_the_rest() -> None:
    invitation = Invitation(code="Ab_9-x_Y")
    assert invitation.pack() == "inv_Ab_9-x_Y"
    assert Invitation.unpack("inv_Ab_9-x_Y") == invitation
    assert Plain.unpack("tt:p:1:w:red:1:a:b:-:c").rest == "a:b:-:c"
    assert Invitation.unpack("inv_") == Invitation(code="")


FORGED_ACCEPT = [
    "jb:acc:①²³",  # str.isdigit() says yes, int() says no
    "jb:acc:²",
    "jb:acc:٣٤",  # Arabic-Indic digits
    "jb:acc:１２",  # fullwidth
    f"jb:acc:{MAX_ID + 1}",  # beyond the INTEGER column
    "jb:acc:99999999999999999999",
    "jb:acc:" + "9" * 55,
    "jb:acc:-1",
    "jb:acc:1.5",
    "jb:acc:1e3",
    "jb:acc:0x10",
    "jb:acc:",
    "jb:acc",
    "jb:acc:1:2",  # too many fields
    "jb:acc::",
    "jb:acc:abc",
    "jb:acc:-",  # None where the field is not optional
    "jb:ac:1",  # wrong prefix
    "jb:accept:1",
    "jb:acc1",
    "JB:ACC:1",
    "",
    ":",
    "junk",
    "jb:acc:1" + "\x00",
    "jb:acc:" + "1" * 70,  # over 64 bytes
]


@pytest.mark.parametrize("data", FORGED_ACCEPT)
def test_forged_data_is_refused(data: str) -> None:
    with pytest.raises(Malformed):
        Accept.unpack(data)


@pytest.mark.parametrize(
    "data",
    [
        "mg:o:-:-:-:0",  # too few
        "mg:o:-:-:-:-:0:0",  # too many
        "mg:o:-:-:①:-:0",
        "mg:o:-:-:-:-:-",  # offset is not optional
        "mg:o:-:-:-:-:2147483648",
        "mg:o:-:-:-:2147483648:0",
        "mg:o",
    ],
)
def test_forged_data_with_several_fields_is_refused(data: str) -> None:
    with pytest.raises(Malformed):
        Page.unpack(data)


@pytest.mark.parametrize(
    "data",
    [
        "tt:m:-:-:blue:-",  # enum members only
        "tt:m:-:-:RED:-",
        "tt:m:-:-::-",
        "tt:m:-:-:red :-",
        "tt:m:-:-:-:2",  # bool is 1 or 0
        "tt:m:-:-:-:yes",
        "tt:m:-:-:-:",
        "tt:p:1:w:red:true:x",
    ],
)
def test_enum_and_bool_fields_take_their_values_only(data: str) -> None:
    with pytest.raises(Malformed):
        (Maybe if data.startswith("tt:m") else Plain).unpack(data)


@pytest.mark.parametrize(
    "payload",
    ["eq_①", "eq_99999999999999999999", "eq_", "eq", "eq_1_2", "eq_-1", "eq_x", "inv:abc", "x_1"],
)
def test_forged_deep_links_are_refused(payload: str) -> None:
    link = Invitation if payload.startswith("inv") else Equipment
    with pytest.raises(Malformed):
        link.unpack(payload)


@pytest.mark.parametrize(
    "button",
    [
        Invitation(code="x" * 61),  # 65 bytes
        Invitation(code="ж" * 31),  # 66 bytes in UTF-8, 35 characters
        Plain(1, "a:b", Colour.RED, True, ""),  # a separator before the last field
        Maybe(None, "-", None, None),  # would read back as None
        Plain(1, "w", Colour.RED, True, "x" * 60),
        Accept(ticket=MAX_ID + 1),
        Accept(ticket=-1),
        Accept(ticket=None),  # type: ignore[arg-type]
        Page("a:b", None, None, None, 0),
    ],
)
def test_pack_refuses_what_would_not_read_back(button: ButtonData | DeepLink) -> None:
    with pytest.raises(ValueError):
        button.pack()


def test_pack_allows_exactly_64_bytes() -> None:
    assert len(Invitation(code="x" * 60).pack()) == 64


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", 42),
        (" 7 ", 7),
        ("0", 0),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        ("99999999999999999999", None),
        ("①²³", None),
        ("٣٤", None),
        ("-5", None),
        ("", None),
        ("1.5", None),
        ("½", None),
    ],
)
def test_parse_int(text: str, expected: int | None) -> None:
    assert parse_int(text) == expected


def test_parse_int_bounds() -> None:
    assert parse_int("-5", minimum=-10) == -5
    assert parse_int("-11", minimum=-10) is None
    assert parse_int("11", maximum=10) is None
    assert parse_int("--5", minimum=-10) is None


class Paged(ButtonData, prefix="zz:pg", compact=True):
    ticket: int
    offset: int = 0


def test_trailing_defaults_may_be_left_out_and_compact_leaves_them_out() -> None:
    assert Paged(ticket=12).pack() == "zz:pg:12"
    assert Paged(ticket=12, offset=6).pack() == "zz:pg:12:6"
    assert Paged.unpack("zz:pg:12") == Paged.unpack("zz:pg:12:0") == Paged(ticket=12)
    for forged in ("zz:pg", "zz:pg:", "zz:pg:12:6:1", "zz:pg:12:①"):
        with pytest.raises(Malformed):
            Paged.unpack(forged)


def test_ids_read_back_only_in_the_form_pack_writes() -> None:
    for forged in ("zz:pg: 5", "zz:pg:05", "zz:pg:5 ", "zz:pg:+5"):
        with pytest.raises(Malformed):
            Paged.unpack(forged)
    assert Paged.unpack("zz:pg:0") == Paged(ticket=0)


def test_a_field_type_that_cannot_read_back_is_refused_when_first_used() -> None:
    class Measured(ButtonData, prefix="zz:m"):
        value: float

    with pytest.raises(TypeError, match="cannot be packed"):
        Measured(value=1.5).pack()
