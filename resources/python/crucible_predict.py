#!/usr/bin/env python3
"""Predicts with a Crucible model bundle from chemical formulas, with Python 3.9+, numpy and onnxruntime alone.

    pip install numpy onnxruntime
    python crucible_predict.py MODEL.crucible materials.csv -o predictions.csv [--formula-column formula]
    python crucible_predict.py MODEL.crucible materials.csv --vectors-json vectors.json   # no onnxruntime needed

The bundle's model.onnx computes the composition descriptors itself from element fractions (its input
manifest["input"]["composition"]: one column per element of manifest["input"]["composition"]["elements"]),
so all this script does is read each formula into fractions, exactly as Crucible reads formulas
(src-main/engine/data/formula/formula-scanner.ts and data/featurize/composition-vector.ts), run the model and
write the predictions as `crucible predict` writes them: the formula and id columns of the input (the canonical
formula beside the formula, as Crucible writes it: src-main/engine/data/formula/canonical.ts), then per task
its value (a JSON list for curves, with the x-grid beside curves on the model's grid), or for a classification
the class and one probability column per class. A graph output named `<task output>_<what>` (a standard
deviation or interval bound, say) is written as `<task>_<what>`. A bundle that carries its applicability domain
(manifest["domain"]: domain.json and domain.onnx) also gets `<task>_in_domain` after each task's columns and one
`domain_note` last, judged as Crucible judges them (src-main/engine/run-folder/domain.ts). Rows whose formula cannot
be read, or that hold an element the model never saw, are reported on stderr with their row and column and written
with empty cells.
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import re
import sys
import zipfile
from fractions import Fraction
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

SUPPORTED_FORMAT_VERSIONS = (1, 2)
BATCH_ROWS = 4096

ELEMENT_SYMBOLS = (
    "",
    "H", "He",
    "Li", "Be", "B", "C", "N", "O", "F", "Ne",
    "Na", "Mg", "Al", "Si", "P", "S", "Cl", "Ar",
    "K", "Ca", "Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga", "Ge", "As", "Se", "Br", "Kr",
    "Rb", "Sr", "Y", "Zr", "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd", "In", "Sn", "Sb", "Te", "I", "Xe",
    "Cs", "Ba", "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu",
    "Hf", "Ta", "W", "Re", "Os", "Ir", "Pt", "Au", "Hg", "Tl", "Pb", "Bi", "Po", "At", "Rn",
    "Fr", "Ra", "Ac", "Th", "Pa", "U", "Np", "Pu", "Am", "Cm", "Bk", "Cf", "Es", "Fm", "Md", "No", "Lr",
    "Rf", "Db", "Sg", "Bh", "Hs", "Mt", "Ds", "Rg", "Cn", "Nh", "Fl", "Mc", "Lv", "Ts", "Og",
)
ATOMIC_NUMBER = {symbol: z for z, symbol in enumerate(ELEMENT_SYMBOLS) if symbol}

# ---------------------------------------------------------------------------------------------------------------
# Formulas, read as Crucible's FormulaScanner reads them (same grammar, same refusals, same floating-point steps).
# ---------------------------------------------------------------------------------------------------------------

FORMULA_HINT = (
    "Write formulas like Fe2O3, (Ag0.05Sn0.95)Te, Ca(OH)2 or CuSO4\u00b75H2O: symbols start with a capital letter, "
    "amounts are positive decimals, brackets must match."
)
SPACES = frozenset(" \t\n\r\u00a0")
# Adduct/hydrate separators other than '.': '*', middle dot, bullet, dot operator, bullet operator.
SEPARATORS = frozenset("*\u00b7\u2022\u22c5\u2219")
OPENERS = {"(": ")", "[": "]", "{": "}"}
CLOSERS = frozenset(")]}")
DIGITS = frozenset("0123456789")
UPPER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")
MAX_SAFE_INTEGER = 2**53 - 1
# Exact powers of ten: mantissa / POW10[k] is one correctly rounded division, as in Crucible.
POW10 = tuple(float(10**k) for k in range(23))


class FormulaError(ValueError):
    def __init__(self, message: str, hint: str = FORMULA_HINT):
        super().__init__(message)
        self.message = message
        self.hint = hint


class _Scanner:
    """One formula: tokens (atomic number, amount) scaled by their groups and coefficients, then merged."""

    def __init__(self, text: str):
        self.text = text
        self.z: List[int] = []
        self.amount: List[float] = []
        self.end = 0
        self.decimal = False

    def char(self, i: int) -> str:
        return self.text[i] if 0 <= i < len(self.text) else ""

    def position(self, i: int) -> int:
        """The 1-based position Crucible reports: it counts UTF-16 code units."""
        return i + 1 + sum(1 for c in self.text[:i] if ord(c) > 0xFFFF)

    def fail(self, what: str, hint: str = FORMULA_HINT) -> None:
        raise FormulaError(f'Cannot read the formula "{self.text}": {what}.', hint)

    def scan(self) -> List[Tuple[int, float]]:
        text = self.text
        i, n = 0, len(text)
        while i < n and text[i] in SPACES:
            i += 1
        while n > i and text[n - 1] in SPACES:
            n -= 1
        self.end = n
        if i == n:
            self.fail("the formula is empty", "Fill in a chemical formula such as Fe2O3.")
        while True:
            coefficient = 1.0
            if text[i] in DIGITS:
                coefficient, i = self.read_number(i)
            part_start = len(self.z)
            groups: List[Tuple[int, int]] = []  # (first token, position of the opening bracket)
            while i < n:
                c = text[i]
                if c in UPPER:
                    symbol_at = i
                    i += 2 if i + 1 < n and text[i + 1] in LOWER else 1
                    z = ATOMIC_NUMBER.get(text[symbol_at:i], 0)
                    if z == 0:
                        self.fail(
                            f'"{text[symbol_at:i]}" at position {self.position(symbol_at)} is not an element symbol',
                            "Check the spelling: symbols are case-sensitive (Co is cobalt, CO is carbon and oxygen).",
                        )
                    amount = 1.0
                    if i < n and text[i] in DIGITS:
                        amount, i = self.read_amount(i)
                    self.z.append(z)
                    self.amount.append(amount)
                elif c in OPENERS:
                    groups.append((len(self.z), i))
                    i += 1
                elif c in CLOSERS:
                    if not groups:
                        self.fail(f'"{c}" at position {self.position(i)} has no matching opening bracket')
                    start, open_at = groups.pop()
                    if c != OPENERS[text[open_at]]:
                        self.fail(f'"{c}" at position {self.position(i)} does not close "{text[open_at]}" at position {self.position(open_at)}')
                    if start == len(self.z):
                        self.fail(f"the brackets at position {self.position(open_at)} are empty")
                    i += 1
                    if i < n and text[i] in DIGITS:
                        factor, i = self.read_amount(i)
                        self.scale(start, factor)
                else:
                    break

            # The part ends at the end of the text or at a character that is neither a symbol nor a bracket.
            sep = i
            while sep < n and text[sep] in SPACES:
                sep += 1
            if i < n:
                self.check_separator(i, sep)
            if groups:
                open_at = groups[-1][1]
                self.fail(f'"{text[open_at]}" at position {self.position(open_at)} is never closed')
            if len(self.z) == part_start:
                self.fail(
                    f'expected an element symbol before "{text[sep]}" at position {self.position(sep)}'
                    if i < n
                    else f"the formula ends at position {self.position(n - 1)} before any element symbol"
                )
            if coefficient != 1:
                self.scale(part_start, coefficient)
            if i == n:
                break
            i = sep + 1
            while i < n and text[i] in SPACES:
                i += 1
            if i == n:
                self.fail(f'nothing follows the separator "{text[sep]}" at position {self.position(sep)}')
        return self.merge()

    def check_separator(self, i: int, sep: int) -> None:
        """text[i] stopped a part and text[sep] is the first non-space from there: it must be an adduct separator."""
        c = self.text[sep]
        if c in SEPARATORS:
            return
        if c == ".":
            if not (sep + 1 < self.end and self.text[sep + 1] in DIGITS):
                return
            self.fail(
                f'"." at position {self.position(sep)} is neither a decimal point inside a number nor an adduct separator',
                'Write decimals with a leading digit (0.5) and hydrates with "\u00b7" or "*" (CuSO4\u00b75H2O).',
            )
        if sep > i:
            self.fail(
                f"unexpected space at position {self.position(i)}",
                'Remove spaces inside the formula (spaces are allowed only around "\u00b7").',
            )
        if c == "-":
            self.fail(f'"-" at position {self.position(i)}: amounts cannot be negative')
        if c in LOWER:
            self.fail(
                f'"{self.text[i]}" at position {self.position(i)} is lower-case',
                "Element symbols start with a capital letter (Fe, not fe).",
            )
        self.fail(f'unexpected character "{self.text[i]}" at position {self.position(i)}')

    def read_amount(self, at: int) -> Tuple[float, int]:
        """An element or group amount: a positive number, refusing O4.5H2O-style hydrate look-alikes."""
        value, i = self.read_number(at)
        text = self.text
        after = self.char(i + 3)
        if (
            self.decimal
            and text[i : i + 3] == "H2O"
            and (i + 3 >= self.end or after in SPACES or after in SEPARATORS or after in CLOSERS or after == ".")
        ):
            self.fail(
                f'"{text[at:i]}H2O" at position {self.position(at)} is ambiguous: an amount of {_js_number(value)} or a hydrate',
                f'Write a hydrate with "\u00b7" or "*" (e.g. CuSO4\u00b75H2O); for the decimal amount, put H2O in brackets: {text[:i]}(H2O){text[i + 3:]}.',
            )
        return value, i

    def read_number(self, start: int) -> Tuple[float, int]:
        """Reads digits[.digits] at start; returns the value (positive and finite) and the position after it."""
        text, n = self.text, self.end
        i = start
        mantissa = 0
        while i < n and text[i] in DIGITS:
            mantissa = mantissa * 10 + ord(text[i]) - 48
            i += 1
        fraction_digits = 0
        if i + 1 < n and text[i] == "." and text[i + 1] in DIGITS:
            i += 1
            while i < n and text[i] in DIGITS:
                mantissa = mantissa * 10 + ord(text[i]) - 48
                fraction_digits += 1
                i += 1
        self.decimal = fraction_digits > 0
        if mantissa <= MAX_SAFE_INTEGER and fraction_digits < len(POW10):
            value = float(mantissa) / POW10[fraction_digits]
        else:
            value = float(text[start:i])
        if value == 0:
            self.fail(
                f"the amount {text[start:i]} at position {self.position(start)} is zero",
                "Amounts must be positive: leave an absent element out.",
            )
        if value == float("inf"):
            self.fail(f"the amount at position {self.position(start)} is too large")
        return value, i

    def scale(self, start: int, factor: float) -> None:
        """Multiplies the amounts of the tokens from start to the end (a closed group or a whole part)."""
        for t in range(start, len(self.amount)):
            self.amount[t] *= factor

    def merge(self) -> List[Tuple[int, float]]:
        slot: Dict[int, int] = {}
        merged: List[List[float]] = []
        for z, amount in zip(self.z, self.amount):
            s = slot.get(z)
            if s is None:
                slot[z] = len(merged)
                merged.append([z, amount])
            else:
                merged[s][1] += amount
        return [(int(z), a) for z, a in merged]


def _js_number(value: float) -> str:
    """A number as JavaScript's String(value) writes it (for amounts in messages)."""
    return str(int(value)) if value.is_integer() and abs(value) < 1e21 else repr(value)


def parse_formula(text: str) -> List[Tuple[str, float]]:
    """The formula's elements (symbols, first-seen order) and amounts; raises FormulaError."""
    return [(ELEMENT_SYMBOLS[z], amount) for z, amount in _Scanner(text).scan()]


# Canonical formulas, written as Crucible's canonicalFormula writes them (same rule, same floating-point steps).
FORMULA_CANONICAL = "formula_canonical"
MAX_MULTIPLIER = 100
MAX_COUNT = 1000
INTEGER_TOLERANCE = 1e-6
SIGNIFICANT_DIGITS = 6
NOISE_DIGITS = 12


def _js_round(x: float) -> int:
    """JavaScript's Math.round: halves round up."""
    whole = math.floor(x)
    return int(whole) + (1 if x - whole >= 0.5 else 0)


def _integer_multiplier(amounts: Sequence[float], smallest: float) -> int:
    largest_ratio = max(amounts) / smallest
    m = 1
    while m <= MAX_MULTIPLIER and _js_round(largest_ratio * m) <= MAX_COUNT:
        if all(abs(x - _js_round(x)) <= INTEGER_TOLERANCE * x for x in ((a / smallest) * m for a in amounts)):
            return m
        m += 1
    return 0


def _format_significant(x: float) -> str:
    """x in (0, 1] rounded as JavaScript's toExponential(11) rounds the exact binary value (halves up), then half up to 6 digits."""
    exact = Fraction(x)
    exponent = math.floor(math.log10(x))
    while Fraction(10) ** exponent > exact:
        exponent -= 1
    while Fraction(10) ** (exponent + 1) <= exact:
        exponent += 1
    n = math.floor(exact * Fraction(10) ** (NOISE_DIGITS - 1 - exponent) + Fraction(1, 2))
    if n == 10**NOISE_DIGITS:
        n //= 10
        exponent += 1
    digits = str(n)
    kept = int(digits[:SIGNIFICANT_DIGITS]) + (1 if digits[SIGNIFICANT_DIGITS] >= "5" else 0)
    if kept == 10**SIGNIFICANT_DIGITS:
        kept //= 10
        exponent += 1
    text = str(kept)
    fixed = f"{text[0]}.{text[1:]}" if exponent == 0 else "0." + "0" * (-exponent - 1) + text
    return re.sub(r"\.?0+$", "", fixed)


def canonical_formula(text: str) -> str:
    """One key per composition: Hill order, the reduced integer formula when one fits, else amounts relative to the largest."""
    pairs = _Scanner(text).scan()
    zs = [z for z, _ in pairs]
    amounts = [a for _, a in pairs]
    carbon = 6 in zs

    def rank(i: int) -> Tuple[int, str]:
        z = zs[i]
        return (0 if z == 6 else 1, "") if carbon and z in (1, 6) else (2, ELEMENT_SYMBOLS[z])

    order = sorted(range(len(zs)), key=rank)
    smallest = min(amounts)
    multiplier = _integer_multiplier(amounts, smallest)
    if multiplier > 0:
        counts = [_js_round((amounts[i] / smallest) * multiplier) for i in order]
        return "".join(ELEMENT_SYMBOLS[zs[i]] + ("" if c == 1 else str(c)) for i, c in zip(order, counts))
    largest = max(amounts)
    out = ""
    for i in order:
        amount = _format_significant(amounts[i] / largest)
        out += ELEMENT_SYMBOLS[zs[i]] + ("" if amount == "1" else amount)
    return out


class CompositionEncoder:
    """Atomic-fraction vectors over the model's elements: what the bundle's `composition` input reads."""

    def __init__(self, elements: Sequence[str], source: str = "the model's element table"):
        self.elements = list(elements)
        self.source = source
        self.column: Dict[int, int] = {}
        for i, symbol in enumerate(self.elements):
            z = ATOMIC_NUMBER.get(symbol, 0)
            if z == 0 or z in self.column:
                raise ValueError(f'{source} lists "{symbol}", which is not an element or appears twice.')
            self.column[z] = i

    def encode(self, text: str, out: np.ndarray) -> None:
        """Writes the formula's fractions (amount / total, summed in formula order in float64) into the zeroed
        float32 row `out`, only once the whole formula is known to be usable; raises FormulaError."""
        pairs = _Scanner(text).scan()
        total = 0.0
        for z, amount in pairs:
            if z not in self.column:
                raise FormulaError(
                    f'Cannot encode "{text}": element {ELEMENT_SYMBOLS[z]} is not in {self.source} ({len(self.elements)} elements).',
                    "The model has never seen this element; leave the row out.",
                )
            total += amount
        for z, amount in pairs:
            out[self.column[z]] = amount / total


# ---------------------------------------------------------------------------------------------------------------
# The bundle and the input table.
# ---------------------------------------------------------------------------------------------------------------

# Cells that mean "missing" (Crucible's READ_AS_MISSING, and NUMERIC_MISSING_MARKERS in number columns).
READ_AS_MISSING = frozenset(["", "NaN", "nan"])
NUMERIC_MISSING = READ_AS_MISSING | frozenset(["NA", "N/A", "n/a", "null", "NULL", "None", "-"])
FORMULA_NAMES = ("formula", "composition", "pretty_formula", "formula_pretty")
ID_LIKE = re.compile(r"(^|[_\s-])id$", re.IGNORECASE)


class UsageError(Exception):
    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint


class Bundle:
    def __init__(self, path: str):
        self.path = path
        try:
            with zipfile.ZipFile(path) as z:
                self.manifest = json.loads(z.read("manifest.json").decode("utf-8"))
        except (OSError, zipfile.BadZipFile, KeyError, ValueError) as e:
            raise UsageError(f"{path} is not a readable Crucible bundle ({e}).", "Give the .crucible file Crucible exported.")
        version = self.manifest.get("formatVersion")
        if version not in SUPPORTED_FORMAT_VERSIONS:
            raise UsageError(
                f"{path} has bundle format version {version!r}; this script reads versions {', '.join(map(str, SUPPORTED_FORMAT_VERSIONS))}.",
                "Use the crucible_predict.py inside the same bundle.",
            )
        self.composition = self.manifest["input"].get("composition")
        if not self.composition:
            raise UsageError(
                f"The model in {path} reads descriptors, not element amounts, so it cannot predict from formulas without Crucible.",
                "Use `crucible predict`, or feed the descriptor columns listed in manifest.json to model.onnx.",
            )

    def member(self, name: str) -> bytes:
        with zipfile.ZipFile(self.path) as z:
            return z.read(name)

    def onnx(self) -> bytes:
        return self.member("model.onnx")


class InputTable:
    """A CSV or TSV file: header, rows of strings, and the 1-based file line each row starts on."""

    def __init__(self, path: str):
        self.path = path
        try:
            with open(path, newline="", encoding="utf-8-sig") as f:
                first = f.readline()
                f.seek(0)
                # The delimiter is the header's most frequent one (utf-8-sig skips a BOM again after the seek).
                delimiter = max(",\t;", key=first.count) if any(d in first for d in ",\t;") else ","
                reader = csv.reader(f, delimiter=delimiter)
                self.header = next(reader, None)
                if self.header is None:
                    raise UsageError(f"{path} is empty.", "Give a CSV with a header row and one material per row.")
                self.rows: List[List[str]] = []
                self.lines: List[int] = []
                line = reader.line_num + 1
                for row in reader:
                    if row:
                        self.rows.append(row + [""] * (len(self.header) - len(row)))
                        self.lines.append(line)
                    line = reader.line_num + 1
        except OSError as e:
            raise UsageError(f"Cannot read {path} ({e.strerror}).", "Check the path of the file to predict.")
        except UnicodeDecodeError:
            raise UsageError(f"{path} is not UTF-8 text.", "Save the file as UTF-8 CSV.")
        if not self.rows:
            raise UsageError(f"{path} has a header but no data rows.", "Add the materials to predict below the header row.")

    def index(self, name: str) -> int:
        try:
            return self.header.index(name)
        except ValueError:
            raise UsageError(f'"{name}" is not a column of {self.path}.', f"Its columns: {', '.join(self.header)}.")

    def cells(self, name: str) -> List[str]:
        j = self.index(name)
        return [row[j] for row in self.rows]


def formula_column(bundle: Bundle, table: InputTable, requested: Optional[str]) -> str:
    if requested is not None:
        table.index(requested)
        return requested
    trained = bundle.manifest["input"].get("formulaColumn")
    if trained and trained in table.header:
        return trained
    for name in table.header:
        if name.lower() in FORMULA_NAMES:
            return name
    raise UsageError(f"{table.path} has no formula column.", "Name the column holding chemical formulas with --formula-column.")


def build_vectors(bundle: Bundle, table: InputTable, column: str) -> Tuple[np.ndarray, List[Optional[str]]]:
    """Per row its composition vector (float32, zeros where it failed) and None or why it failed."""
    encoder = CompositionEncoder(bundle.composition["elements"])
    vectors = np.zeros((len(table.rows), len(encoder.elements)), np.float32)
    errors: List[Optional[str]] = []
    for r, cell in enumerate(table.cells(column)):
        try:
            encoder.encode("" if cell.strip() in READ_AS_MISSING else cell, vectors[r])
            errors.append(None)
        except FormulaError as e:
            errors.append(f"{e.message} {e.hint}")
    return vectors, errors


def canonical_formulas(table: InputTable, column: str) -> List[str]:
    """Each row's canonical formula, '' where the cell is missing or no formula."""
    out: List[str] = []
    for cell in table.cells(column):
        try:
            out.append("" if cell.strip() in READ_AS_MISSING else canonical_formula(cell))
        except FormulaError:
            out.append("")
    return out


def number_cell(text: str) -> float:
    text = text.strip()
    if text in NUMERIC_MISSING:
        return float("nan")
    try:
        return float(text)
    except ValueError:
        return float("nan")


def list_cell(text: str) -> Optional[List[float]]:
    try:
        values = json.loads(text)
    except ValueError:
        return None
    if not isinstance(values, list) or not values or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return None
    return [float(v) for v in values]


# ---------------------------------------------------------------------------------------------------------------
# Prediction and output.
# ---------------------------------------------------------------------------------------------------------------


def neutralize(text: str) -> str:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe (OWASP CSV injection), as in Crucible."""
    if re.match(r"^'*[=+\-@\t\r]", text) and not re.match(r"^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$", text):
        return "'" + text
    return text


def float_text(v: float) -> str:
    """A float32 as its shortest round-tripping decimal ('' when not finite)."""
    v = np.float32(v)
    return str(v) if np.isfinite(v) else ""


def list_text(values: Sequence[float]) -> str:
    return "[" + ", ".join(str(np.float32(v)) if np.isfinite(v) else "null" for v in values) + "]"


class Predictor:
    """model.onnx in onnxruntime; onnxruntime is imported here, so reading formulas works without it."""

    def __init__(self, bundle: Bundle):
        try:
            import onnxruntime as ort
        except ImportError:
            raise UsageError("onnxruntime is not installed.", "Install it with `pip install onnxruntime` (or use --vectors-json to check the inputs).")
        self.manifest = bundle.manifest
        self.session = ort.InferenceSession(bundle.onnx(), providers=["CPUExecutionProvider"])
        outputs = {o.name: o for o in self.session.get_outputs()}
        tasks = self.manifest["tasks"]
        taken = {t["output"] for t in tasks}
        self.extras: Dict[str, List[Tuple[str, str]]] = {}
        for t in tasks:
            prefix = t["output"] + "_"
            self.extras[t["name"]] = [(name, name[len(prefix):]) for name in outputs if name.startswith(prefix) and name not in taken]
        # A sequence output with a fixed point count comes from a head that ignores the x values (e.g. `vec`).
        self.fixed = {t["name"] for t in tasks if t["kind"] == "sequence" and isinstance(outputs[t["output"]].shape[1], int)}

    def run(self, feeds: Dict[str, np.ndarray], names: List[str]) -> Dict[str, np.ndarray]:
        return dict(zip(names, self.session.run(names, feeds)))


FAR = "far from the training data"


def _unseen(symbols: List[str]) -> str:
    return f"unseen element{'s' if len(symbols) > 1 else ''} {', '.join(symbols)}"


class DomainCheck:
    """The bundle's applicability domain: domain.onnx gives each row's distance to the sampled training rows (fed
    what model.onnx is fed), domain.json the threshold and each task's training elements."""

    def __init__(self, bundle: Bundle, tasks: List[str]):
        import onnxruntime as ort

        spec = bundle.manifest["domain"]
        self.record = json.loads(bundle.member(spec["record"]).decode("utf-8"))
        self.output = spec["distance"]
        self.session = ort.InferenceSession(bundle.member(spec["model"]), providers=["CPUExecutionProvider"])
        self.tasks = tasks
        # Per task: the atomic numbers of its training elements, or None where elements are not checked.
        self.seen: List[Optional[set]] = []
        for t in tasks:
            elements = (self.record["tasks"].get(t) or {}).get("elements")
            self.seen.append(None if elements is None else {ATOMIC_NUMBER[s] for s in elements})

    def distances(self, feeds: Dict[str, np.ndarray]) -> np.ndarray:
        return self.session.run([self.output], feeds)[0]

    def judge(self, formula: str, distance: float) -> Tuple[List[bool], Optional[str]]:
        """Per task whether the row lies inside the domain, and why not (None when every task is in)."""
        try:
            zs: Optional[List[int]] = [z for z, _ in _Scanner(formula).scan()]
        except FormulaError:
            zs = None
        unseen = None if zs is None else [[] if seen is None else [ELEMENT_SYMBOLS[z] for z in zs if z not in seen] for seen in self.seen]
        threshold = self.record["threshold"]
        far = threshold is not None and float(distance) > threshold
        reasons: List[str] = []
        if unseen and any(unseen):
            if all(u == unseen[0] for u in unseen):
                reasons.append(_unseen(unseen[0]))
            else:
                reasons.extend(f"{_unseen(u)} for {t}" for u, t in zip(unseen, self.tasks) if u)
        if far:
            reasons.append(FAR)
        return [not (far or (unseen is not None and bool(unseen[i]))) for i in range(len(self.tasks))], "; ".join(reasons) or None


class Plan:
    """Which input columns feed the model and which go to the output."""

    def __init__(self, bundle: Bundle, table: InputTable, column: str, fixed: set, notes: List[str]):
        m = bundle.manifest
        self.formula = column
        self.structure: Optional[List[str]] = None
        s = m["input"].get("structure")
        if s:
            present = [c for c in s["columns"] if c in table.header]
            if not present:
                notes.append(f"{table.path} has no structure descriptor columns: every row is predicted from its composition alone.")
            elif len(present) < len(s["columns"]):
                missing = [c for c in s["columns"] if c not in table.header]
                raise UsageError(
                    f"{table.path} has only {len(present)} of the {len(s['columns'])} structure descriptor columns; missing: {', '.join(missing)}.",
                    "Give all of them (empty cells are fine), or none to predict from composition alone.",
                )
            else:
                self.structure = list(s["columns"])
        # Per sequence task: ('grid', grid, column) or ('column', column).
        self.steps: Dict[str, tuple] = {}
        for t in m["tasks"]:
            steps = t.get("steps")
            if not steps:
                continue
            col = steps.get("column")
            has = col is not None and col in table.header
            grid = steps.get("grid")
            if t["name"] in fixed:
                self.steps[t["name"]] = ("grid", grid if grid is not None else list(range(t["width"])), col)
                if has:
                    notes.append(f'Task "{t["name"]}" predicts on its training grid (the {t["head"]} head has a fixed length); column "{col}" is not used.')
            elif has:
                self.steps[t["name"]] = ("column", col)
            elif grid is not None:
                self.steps[t["name"]] = ("grid", grid, col)
            else:
                raise UsageError(
                    f'Task "{t["name"]}" was trained on curves with different x-grids, so {table.path} needs column "{col}" with each row\'s x values.',
                    f'Add "{col}" as a column of JSON lists (cells like "[100, 200, 300]").',
                )
        id_column = m["input"].get("idColumn")
        step_columns = {s[1] for s in self.steps.values() if s[0] == "column"}
        self.keep = [c for c in table.header if c == column or c == id_column or ID_LIKE.search(c) or c in step_columns]


def predict(bundle: Bundle, table: InputTable, column: str, errors_out) -> Tuple[List[str], List[List[str]], int, Optional[int]]:
    """The output header and rows, how many rows got no prediction and how many lie outside the training domain
    (None when the bundle carries no domain); reports every failure to `errors_out`."""
    m = bundle.manifest
    tasks = m["tasks"]
    predictor = Predictor(bundle)
    domain = DomainCheck(bundle, [t["name"] for t in tasks]) if m.get("domain") else None
    notes: List[str] = []
    plan = Plan(bundle, table, column, predictor.fixed, notes)
    for note in notes:
        errors_out.write(f"note: {note}\n")
    vectors, errors = build_vectors(bundle, table, column)
    n = len(table.rows)
    failures: List[Tuple[int, str, str]] = [(r, column, e) for r, e in enumerate(errors) if e is not None]

    structure = None
    if m["input"].get("structure"):
        width = len(m["input"]["structure"]["columns"])
        values = np.zeros((n, width), np.float32)
        has = np.zeros((n, 1), np.float32)
        if plan.structure:
            for j, name in enumerate(plan.structure):
                values[:, j] = [number_cell(c) for c in table.cells(name)]
            has[:, 0] = (~np.isnan(values)).any(axis=1)
        structure = (values, has)
    own_steps: Dict[str, List[Optional[List[float]]]] = {}
    for t in tasks:
        source = plan.steps.get(t["name"])
        if source and source[0] == "column":
            cells = []
            for r, cell in enumerate(table.cells(source[1])):
                steps = list_cell(cell) if errors[r] is None else None
                if steps is None and errors[r] is None:
                    failures.append((r, source[1], f'no readable x values for task "{t["name"]}" (a JSON list of numbers)'))
                cells.append(steps)
            own_steps[t["name"]] = cells

    # Per task: per row its predictions (a float32 array), or None.
    results: Dict[str, List[Optional[np.ndarray]]] = {t["name"]: [None] * n for t in tasks}
    extras: Dict[Tuple[str, str], List[Optional[np.ndarray]]] = {(t["name"], w): [None] * n for t in tasks for _, w in predictor.extras[t["name"]]}
    ok = [r for r in range(n) if errors[r] is None]
    d = len(m["input"]["descriptors"]["columns"])

    def feeds_for(rows: List[int]) -> Dict[str, np.ndarray]:
        # Descriptor rows come first in the model's batch: none here, every row is a formula.
        feeds = {m["input"]["descriptors"]["input"]: np.zeros((0, d), np.float32), bundle.composition["input"]: vectors[rows]}
        if structure is not None:
            feeds[m["input"]["structure"]["input"]] = structure[0][rows]
            feeds[m["input"]["structure"]["has"]] = structure[1][rows]
        for t in tasks:
            source = plan.steps.get(t["name"])
            if source is None:
                continue
            if source[0] == "grid":
                feeds[t["steps"]["input"]] = np.tile(np.asarray(source[1], np.float32), (len(rows), 1))
            else:
                feeds[t["steps"]["input"]] = np.zeros((len(rows), 1), np.float32)
        return feeds

    def store(t, rows: List[int], out: Dict[str, np.ndarray]) -> None:
        for i, r in enumerate(rows):
            results[t["name"]][r] = out[t["output"]][i]
            for name, what in predictor.extras[t["name"]]:
                extras[(t["name"], what)][r] = out[name][i]

    on_grid = [t for t in tasks if t["name"] not in own_steps]
    distances = np.zeros(n, np.float32)
    for start in range(0, len(ok), BATCH_ROWS):
        rows = ok[start : start + BATCH_ROWS]
        if domain is not None:
            composition_rows = {m["input"]["descriptors"]["input"]: np.zeros((0, d), np.float32), bundle.composition["input"]: vectors[rows]}
            distances[rows] = domain.distances(composition_rows)
        if on_grid:
            names = [name for t in on_grid for name in [t["output"]] + [e for e, _ in predictor.extras[t["name"]]]]
            out = predictor.run(feeds_for(rows), names)
            for t in on_grid:
                store(t, rows, out)
        for t in tasks:
            if t["name"] not in own_steps:
                continue
            by_length: Dict[int, List[int]] = {}
            for r in rows:
                steps = own_steps[t["name"]][r]
                if steps is not None:
                    by_length.setdefault(len(steps), []).append(r)
            for group in by_length.values():
                feeds = feeds_for(group)
                feeds[t["steps"]["input"]] = np.asarray([own_steps[t["name"]][r] for r in group], np.float32)
                store(t, group, predictor.run(feeds, [t["output"]] + [e for e, _ in predictor.extras[t["name"]]]))

    formulas = table.cells(column)
    verdicts: Dict[int, Tuple[List[bool], Optional[str]]] = {r: domain.judge(formulas[r], distances[r]) for r in ok} if domain is not None else {}
    taken = set(plan.keep)

    def named(base: str) -> str:
        name = base + "_predicted" if base in taken else base
        k = 2
        while name in taken:
            name = f"{base}_predicted_{k}"
            k += 1
        taken.add(name)
        return name

    header = list(plan.keep)
    header.insert(header.index(column) + 1, named(FORMULA_CANONICAL))
    columns = []  # per output column: a function of the row index giving its text
    for t in tasks:
        values = results[t["name"]]
        if t["kind"] == "classification":
            header.append(named(t["name"]))
            columns.append(lambda r, v=values, c=t["classes"]: "" if v[r] is None else c[int(np.argmax(v[r]))])
            for k, label in enumerate(t["classes"]):
                header.append(named(f"{t['name']}_prob_{label}"))
                columns.append(lambda r, v=values, k=k: "" if v[r] is None else float_text(v[r][k]))
        else:
            header.append(named(t["name"]))
            scalar = t["kind"] == "regression" and t["width"] == 1
            columns.append(lambda r, v=values, s=scalar: "" if v[r] is None else float_text(v[r][0]) if s else list_text(v[r]))
            source = plan.steps.get(t["name"])
            if source and source[0] == "grid":
                header.append(named(f"{t['name']}_{source[2] or 'steps'}"))
                grid = "[" + ", ".join(_js_number(float(x)) for x in source[1]) + "]"
                columns.append(lambda r, v=values, g=grid: "" if v[r] is None else g)
        for _, what in predictor.extras[t["name"]]:
            values = extras[(t["name"], what)]
            header.append(named(f"{t['name']}_{what}"))
            columns.append(lambda r, v=values: "" if v[r] is None else float_text(v[r][0]) if v[r].size == 1 else list_text(v[r]))
        if domain is not None:
            header.append(named(f"{t['name']}_in_domain"))
            columns.append(lambda r, i=tasks.index(t): "" if r not in verdicts else "true" if verdicts[r][0][i] else "false")
    if domain is not None:
        header.append(named("domain_note"))
        columns.append(lambda r: "" if r not in verdicts else neutralize(verdicts[r][1] or ""))

    keep = [table.index(c) for c in plan.keep]
    canonical = canonical_formulas(table, column)
    at = plan.keep.index(column) + 1
    kept_rows = [[neutralize(table.rows[r][j]) for j in keep] for r in range(n)]
    out_rows = [cells[:at] + [canonical[r]] + cells[at:] + [f(r) for f in columns] for r, cells in enumerate(kept_rows)]
    report(table, failures, errors_out)
    return header, out_rows, n - len(ok), None if domain is None else sum(1 for v in verdicts.values() if v[1] is not None)


def report(table: InputTable, failures: List[Tuple[int, str, str]], errors_out) -> None:
    if not failures:
        return
    failures.sort(key=lambda f: f[0])
    errors_out.write(f"{len(failures)} row(s) left without (some) predictions (written with empty cells):\n")
    for r, column, reason in failures:
        errors_out.write(f'  row {table.lines[r]}, column "{column}": {reason}\n')


def vectors_json(bundle: Bundle, table: InputTable, column: str) -> dict:
    vectors, errors = build_vectors(bundle, table, column)
    canonical = canonical_formulas(table, column)
    return {
        "input": bundle.composition["input"],
        "elements": bundle.composition["elements"],
        "column": column,
        "rows": [
            {"row": table.lines[r], "canonical": canonical[r], "error": errors[r]}
            if errors[r] is not None
            # Sparse: element → fraction, the float32 the model is fed, exactly.
            else {
                "row": table.lines[r],
                "canonical": canonical[r],
                "vector": {bundle.composition["elements"][j]: float(vectors[r, j]) for j in np.flatnonzero(vectors[r])},
            }
            for r in range(len(table.rows))
        ],
    }


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Predict with a Crucible model bundle from the chemical formulas of a CSV file.")
    parser.add_argument("bundle", help="the .crucible file")
    parser.add_argument("input", help="CSV (or TSV) with a formula column")
    parser.add_argument("-o", "--out", help="the predictions CSV (default: standard output)")
    parser.add_argument("--formula-column", help="the column holding formulas (default: the training formula column, else formula or composition)")
    parser.add_argument(
        "--vectors-json",
        metavar="FILE",
        help="write the composition vectors the model would be fed as JSON to FILE ('-': standard output) instead of predicting; needs no onnxruntime",
    )
    args = parser.parse_args(argv)
    try:
        bundle = Bundle(args.bundle)
        table = InputTable(args.input)
        column = formula_column(bundle, table, args.formula_column)
        if args.vectors_json is not None:
            text = json.dumps(vectors_json(bundle, table, column), ensure_ascii=False)
            if args.vectors_json == "-":
                sys.stdout.write(text + "\n")
            else:
                with open(args.vectors_json, "w", encoding="utf-8") as f:
                    f.write(text + "\n")
            return 0
        header, rows, unpredicted, outside = predict(bundle, table, column, sys.stderr)
        if args.out:
            with open(args.out, "w", newline="", encoding="utf-8") as f:
                csv.writer(f, lineterminator="\n").writerows([header] + rows)
        else:
            csv.writer(sys.stdout, lineterminator="\n").writerows([header] + rows)
        sys.stderr.write(f"{len(rows) - unpredicted} of {len(rows)} rows predicted{f' into {args.out}' if args.out else ''}.\n")
        if outside is not None:
            sys.stderr.write(f"{outside} of {len(rows) - unpredicted} rows outside the training domain.\n")
        return 0
    except UsageError as e:
        sys.stderr.write(f"error: {e.message}\n" + (f"hint: {e.hint}\n" if e.hint else ""))
        return 2


if __name__ == "__main__":
    sys.exit(main())
