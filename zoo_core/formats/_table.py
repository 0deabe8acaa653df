"""Delimited text tables: a fast pandas pass, and an exact pass that names bad lines.

Every table reader in this package goes through :func:`read_table`. It parses the
file with pandas' C reader and explicit dtypes, then checks what pandas does not:
that every line had the right number of fields, that no line was skipped or
split, that numbers are spelled as numbers, finite and inside their range.

When any of that fails, the file is parsed again in blocks of lines to find the
first block the fast pass rejects, and that block is walked line by line by the
exact pass, which applies the same rules in plain Python and reports the first
bad line. So a file is either read completely and correctly or rejected with the
line at fault, and a bad line near the end of a large file costs one extra
pandas pass, not a Python loop over every line.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DataError
from ._files import PathLike, decode_strict, read_bytes

__all__ = ["Column", "read_table"]

# Numbers as both passes accept them: ASCII digits and an optional sign, with
# blanks (space, tab, vertical tab, form feed) around them ignored as pandas does.
_BLANK = r"[ \t\v\f]*"
_INT = re.compile(rf"{_BLANK}[+-]?[0-9]+{_BLANK}")
_DECIMAL = r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?"
_FLOAT = re.compile(rf"{_BLANK}{_DECIMAL}{_BLANK}")
_INT64 = (-(2**63), 2**63 - 1)
_STRAY_CHARACTER = re.compile("\r(?!\n)|\0")
_INTEGER_BYTES = b"0123456789+- \t\v\f\r\n"
_INTEGER_CODES = np.zeros(128, dtype=bool)
_INTEGER_CODES[[0, *b"0123456789+- \t\v\f"]] = True
_SEP_NAMES = {"\t": "tab", ",": "comma", "|": "pipe", ";": "semicolon", " ": "space"}
# Stands in for a multi-character separator such as MovieLens' "::", which the C
# reader cannot split on; the unit separator never occurs in these text files.
_UNIT_SEPARATOR = "\x1f"
# Encodings in which every ASCII character is one byte and no byte of a
# non-ASCII character is in the ASCII range, so bytes can be searched directly.
_ASCII_SAFE = {"utf-8", "ascii", "iso8859-1", "iso8859-15", "cp1252"}
_BLOCK_LINES = 20_000


@dataclass(frozen=True)
class Column:
    """One field of a table and the values it may hold.

    Attributes:
        name: the column name in the returned frame (and in the header, if any).
        kind: ``"int"`` (int64), ``"float"`` (float64) or ``"str"``.
        low: smallest allowed value for numbers; ``None`` for no bound.
        high: largest allowed value for numbers; ``None`` for no bound.
        label: how messages name the field ("rating"); defaults to ``name``.
        allow_empty: whether a ``"str"`` field may be empty (an id may not).
    """

    name: str
    kind: str = "int"
    low: float | None = None
    high: float | None = None
    label: str = ""
    allow_empty: bool = True

    @property
    def title(self) -> str:
        return self.label or self.name

    def expectation(self) -> str:
        """What a valid value looks like, for messages: "an integer from 1 to 5"."""
        noun = {"int": "an integer", "float": "a number", "str": "text"}[self.kind]
        if self.kind == "str" and not self.allow_empty:
            noun = "non-empty text"
        if self.low is not None and self.high is not None:
            return f"{noun} from {_show(self.low)} to {_show(self.high)}"
        if self.low is not None:
            return f"{noun} >= {_show(self.low)}"
        if self.high is not None:
            return f"{noun} <= {_show(self.high)}"
        return noun

    def bounds(self) -> tuple[float, float]:
        """The inclusive range a value must lie in, int64 limits included."""
        low = -math.inf if self.low is None else self.low
        high = math.inf if self.high is None else self.high
        if self.kind == "int":
            return max(low, _INT64[0]), min(high, _INT64[1])
        return low, high


def read_table(
    path: PathLike,
    columns: Sequence[Column],
    *,
    sep: str,
    expected: str,
    encoding: str = "utf-8",
    header: bool = False,
    quoting: bool = False,
) -> pd.DataFrame:
    """Read a delimited text file into a frame with one row per line.

    Args:
        path: the file.
        columns: without a header, every field of a line in order; with a header,
            the fields to keep, found by name (other fields are read but dropped).
        sep: the field separator; may be several characters ("::").
        expected: what the file holds, for messages ("MovieLens 100K ratings").
        encoding: the text encoding the file must be in.
        header: whether the first line names the fields.
        quoting: whether fields may be quoted with ``"`` (CSV); otherwise quotes
            are ordinary characters.

    Returns:
        The columns in the order given: int64, float64 or str. Row ``i`` comes from
        line ``i + 1`` (``i + 2`` with a header) when no quoted field spans lines.

    Raises:
        DatasetMissingError: the file does not exist.
        DataError: the file is empty, not in ``encoding``, or a line is malformed;
            the message names the file, the 1-based line and what was expected.
    """
    raw = read_bytes(path, expected)
    text = decode_strict(raw, encoding, path)
    if not text.strip():
        raise DataError(f"{path} holds only blank space; expected {expected}")
    table = _Table(path, columns, sep, expected, header, quoting, encoding, raw, text)
    table.check_header()

    frame = table.parse_checked(table.data)
    if frame is None:
        table.raise_first_bad_line()
    if frame.empty:
        raise DataError(f"{path} has a header but no data lines; expected {expected}")
    return frame


class _Table:
    """One file being read: its layout, its content and both passes over it."""

    def __init__(
        self,
        path: PathLike,
        columns: Sequence[Column],
        sep: str,
        expected: str,
        header: bool,
        quoting: bool,
        encoding: str,
        raw: bytes,
        text: str,
    ) -> None:
        self.path = path
        self.columns = list(columns)
        self.sep = sep
        self.expected = expected
        self.header = header
        self.quoting = quoting
        self.field_names = [column.name for column in self.columns]
        self.integers_only = not header and all(c.kind == "int" for c in columns)

        # The exact pass reads ``text``; the fast pass reads ``data``, the same
        # content as bytes in an encoding whose ASCII bytes can be searched.
        self.delimiter = sep if len(sep) == 1 else _UNIT_SEPARATOR
        self.text = text if len(sep) == 1 else text.replace(sep, _UNIT_SEPARATOR)
        if codecs.lookup(encoding).name in _ASCII_SAFE:
            self.encoding = encoding
            data = raw.removeprefix(codecs.BOM_UTF8) if _is_utf8(encoding) else raw
            if len(sep) > 1:
                data = data.replace(sep.encode("ascii"), _UNIT_SEPARATOR.encode())
        else:
            self.encoding = "utf-8"
            data = self.text.encode("utf-8")
        self.data = data
        self.delimiter_byte = self.delimiter.encode(self.encoding)

    # -- layout -----------------------------------------------------------------

    def check_header(self) -> None:
        """With a header, learn the field names and check the wanted ones exist."""
        if not self.header:
            return

        first = next(self._records(self.text), None)
        if first is None or not any(field.strip() for field in first[1]):
            raise DataError(
                f"{self.path}, line 1: expected a header naming the columns of "
                f"{self.expected}, found an empty line"
            )
        self.field_names = [field.strip() for field in first[1]]

        for column in self.columns:
            if self.field_names.count(column.name) > 1:
                raise DataError(
                    f"{self.path}, line 1: column {column.name!r} appears more than "
                    "once in the header; expected each column name once"
                )
            if column.name not in self.field_names:
                have = ", ".join(repr(name) for name in self.field_names)
                raise DataError(
                    f"{self.path}, line 1: no column {column.name!r} in the header; "
                    f"the file has {have}"
                )

    def fields_description(self) -> str:
        """Like "4 tab-separated fields (user id, item id, rating, timestamp)"."""
        sep_name = _SEP_NAMES.get(self.sep, repr(self.sep))
        count = len(self.field_names)
        described = f"{count} {sep_name}-separated fields"
        if not self.header and count <= 8:
            described += " (" + ", ".join(c.title for c in self.columns) + ")"
        return described

    # -- fast pass ----------------------------------------------------------------

    def parse_checked(self, data: bytes) -> pd.DataFrame | None:
        """The fast pass over ``data``; None if it failed or its result is unsound."""
        try:
            frame = self._parse_fast(data)
        except (ValueError, OverflowError, pd.errors.ParserError):
            return None
        return frame if self._is_sound(frame, data) else None

    def _parse_fast(self, data: bytes) -> pd.DataFrame:
        """The content through pandas' C reader with explicit dtypes.

        pandas also reads "2.0" or "1e3" into an int64 column, which the exact
        pass rejects. So a file of integers only is first checked for bytes no
        integer may hold, and in any other file integer columns are read as text
        and checked character by character (vectorised) before conversion. Float
        columns need no such care: whatever finite value pandas accepts, the exact
        pass accepts too.
        """
        if b"\0" in data:
            raise ValueError("a NUL byte")
        if self.integers_only and data.translate(
            None, _INTEGER_BYTES + self.delimiter_byte
        ):
            raise ValueError("a character that cannot be part of an integer field")
        ints_as_text = not self.integers_only
        dtypes = {
            "int": str if ints_as_text else "int64",
            "float": "float64",
            "str": str,
        }

        with warnings.catch_warnings():
            # pandas only warns when a line has more fields than names; that is a
            # malformed file here, so let the exact pass name the line.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            # Casting a bad value inside pandas warns before it raises.
            warnings.simplefilter("ignore", RuntimeWarning)
            frame = pd.read_csv(
                io.BytesIO(data),
                sep=self.delimiter,
                header=0 if self.header else None,
                names=None if self.header else self.field_names,
                usecols=[c.name for c in self.columns],
                dtype={c.name: dtypes[c.kind] for c in self.columns},
                quoting=csv.QUOTE_MINIMAL if self.quoting else csv.QUOTE_NONE,
                skip_blank_lines=False,
                index_col=False,
                keep_default_na=False,
                na_values={c.name: [""] for c in self.columns if c.kind != "str"},
                encoding=self.encoding,
                engine="c",
            )

        if ints_as_text:
            for column in self.columns:
                if column.kind == "int":
                    frame[column.name] = _integers_from_text(frame[column.name])
        return frame[[column.name for column in self.columns]]

    def _is_sound(self, frame: pd.DataFrame, data: bytes) -> bool:
        """Whether the fast pass read every line, completely and within range."""
        if self._has_quotes(data):
            # Quoted fields may hold separators or newlines: only the exact pass
            # can count fields per record.
            self._raise_first_bad_record(self.text, first_line=1)
        else:
            # Without quotes every line is one record, so counting lines and
            # separators checks that no line was dropped, split or cut short.
            lines = data.count(b"\n") + (not data.endswith(b"\n"))
            separators = data.count(self.delimiter_byte)
            if len(frame) != lines - self.header:
                return False
            if separators != lines * (len(self.field_names) - 1):
                return False

        for column in self.columns:
            values = frame[column.name]
            if column.kind == "str":
                if not column.allow_empty and (values == "").any():
                    return False
            elif not _all_in_range(values.to_numpy(), column):
                return False
        return True

    def _has_quotes(self, data: bytes) -> bool:
        return self.quoting and b'"' in data

    # -- finding the bad line --------------------------------------------------------

    def raise_first_bad_line(self) -> None:
        """Raise a DataError naming the first line the fast pass cannot accept."""
        lines = self.text.split("\n")
        if lines[-1] == "":
            lines.pop()
        head = lines[:1] if self.header else []
        start = len(head)

        if self._has_quotes(self.data):
            # Records may span lines, so blocks of lines cannot be parsed alone.
            self._raise_first_bad_record(self.text, first_line=1)
            self._raise_by_bisection(lines[start:], first_line=start + 1)

        while start < len(lines):
            block = lines[start : start + _BLOCK_LINES]
            if self.parse_checked(self._encode([*head, *block])) is None:
                first_line = start + 1
                self._raise_first_bad_record("\n".join(block) + "\n", first_line)
                self._raise_by_bisection(block, first_line)
            start += _BLOCK_LINES
        raise DataError(f"{self.path} could not be read as {self.expected}")

    def _raise_first_bad_record(self, text: str, first_line: int) -> None:
        """The exact pass: walk ``text`` by record; raise at the first bad one."""
        # A NUL byte cuts a field short in pandas, and pandas and the csv module
        # end a line at a lone "\r" where editors do not: a line holding either
        # is reported, after any bad line before it.
        stray = _STRAY_CHARACTER.search(text)
        if stray:
            line_start = text.rfind("\n", 0, stray.start()) + 1
            self._raise_first_bad_record(text[:line_start], first_line)
            what = "a NUL byte" if stray.group() == "\0" else "a carriage return"
            raise self._error(
                first_line + text.count("\n", 0, stray.start()),
                f"{what} inside the line; expected text, with \\r only right "
                "before the line feed",
            )

        wanted = [(self.field_names.index(c.name), c, c.bounds()) for c in self.columns]
        records = self._records(text)
        if self.header and first_line == 1:
            next(records, None)

        count = len(self.field_names)
        for offset, fields in records:
            line = first_line + offset - 1
            if len(fields) != count or fields == [""]:
                found = f"{len(fields)} fields" if fields != [""] else "an empty line"
                raise self._error(
                    line, f"expected {self.fields_description()}, found {found}"
                )
            for position, column, bounds in wanted:
                if not _is_valid(fields[position], column, bounds):
                    problem = _field_problem(fields[position], column)
                    raise self._error(line, problem, column.title)

    def _raise_by_bisection(self, lines: list[str], first_line: int) -> None:
        """Name the first of ``lines`` the fast pass fails on.

        Reached only when pandas rejects lines that the exact pass accepts, a
        corner where the two disagree on a number's spelling; the message then
        still names the line.
        """
        head = [self.text.split("\n", 1)[0]] if self.header else []
        good, bad = 0, len(lines)
        while bad - good > 1:
            middle = (good + bad) // 2
            if self.parse_checked(self._encode([*head, *lines[:middle]])) is None:
                bad = middle
            else:
                good = middle
        raise self._error(
            first_line + bad - 1,
            f"expected {self.fields_description()}, found {lines[bad - 1]!r}",
        )

    def _records(self, text: str) -> Iterator[tuple[int, list[str]]]:
        """(line number within ``text``, fields) for each record of ``text``.

        Lines end at ``\\n`` only (a ``\\r`` before it is dropped), as editors count
        them; only quoted CSV needs the csv module, for fields spanning lines.
        """
        if not self.quoting:
            lines = text.split("\n")
            if lines[-1] == "":
                lines.pop()
            for number, line in enumerate(lines, start=1):
                yield number, line.removesuffix("\r").split(self.delimiter)
            return

        reader = csv.reader(
            io.StringIO(text, newline=""), delimiter=self.delimiter, strict=True
        )
        line = 1
        try:
            for fields in reader:
                yield line, fields or [""]
                line = reader.line_num + 1
        except csv.Error as exc:
            raise self._error(line, f"malformed CSV quoting ({exc})") from None

    def _encode(self, lines: list[str]) -> bytes:
        return ("\n".join(lines) + "\n").encode(self.encoding)

    def _error(self, line: int, problem: str, field: str = "") -> DataError:
        where = f"line {line}, field {field!r}" if field else f"line {line}"
        return DataError(f"{self.path}, {where}: {problem}")


def _is_valid(text: str, column: Column, bounds: tuple[float, float]) -> bool:
    """Whether ``text`` is a valid value: a number inside ``bounds``, or text."""
    if column.kind == "str":
        return column.allow_empty or text != ""
    pattern = _INT if column.kind == "int" else _FLOAT
    if not pattern.fullmatch(text):
        return False
    value = int(text) if column.kind == "int" else float(text)
    return bounds[0] <= value <= bounds[1] and math.isfinite(value)


def _field_problem(text: str, column: Column) -> str:
    """Why ``text`` is not a valid value of ``column``, for the message."""
    expected = f"expected {column.expectation()}"
    if text.strip() == "":
        return f"{expected}, found an empty field"
    pattern = _INT if column.kind == "int" else _FLOAT
    if not pattern.fullmatch(text):
        return f"{expected}, found {text.strip()!r}"
    return f"{expected}, found {text.strip()} (out of range)"


def _integers_from_text(values: pd.Series) -> np.ndarray:
    """Convert a column read as text to int64; ValueError unless all are integers."""
    if values.isna().any():
        raise ValueError("an empty integer field")
    text = np.asarray(values.to_numpy(object), dtype=str)
    codes = text.view(np.uint32)
    # Padding is NUL; any other character outside the integer alphabet fails.
    if (codes >= 128).any() or not _INTEGER_CODES[codes].all():
        raise ValueError("a character that cannot be part of an integer field")
    return text.astype(np.int64)


def _all_in_range(values: np.ndarray, column: Column) -> bool:
    if values.dtype.kind not in "iuf":
        return False
    if values.dtype.kind == "f" and not np.isfinite(values).all():
        return False
    if column.low is not None and (values < column.low).any():
        return False
    return not (column.high is not None and (values > column.high).any())


def _is_utf8(encoding: str) -> bool:
    return codecs.lookup(encoding).name == "utf-8"


def _show(bound: float) -> str:
    return str(int(bound)) if float(bound).is_integer() else str(bound)
