"""Read an input workbook into the same `Source` as load.py: the input's Chinese keys, and
the sheet!cell of every value, so every check and message works unchanged.

Workbooks are read as officers really keep them, not only as `gen-report init` writes them:
title and note rows, merged cells (a merged range reads as its top-left value), numbers
stored as text or with thousands separators, trailing spaces and full-width digits in codes,
codes split into 类 | 款 | 项 columns, formulas (their cached values: the workbook is opened
twice, once for formulas and once for the values Excel saved).
"""

from __future__ import annotations

import datetime
import difflib
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import load_workbook as _open
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from .errors import Location, Problem, UserError, a_few, error, os_reason, warning
from .excel_layout import (
    DERIVED_RGB,
    H_CATEGORY,
    H_COMPARISON,
    H_DETAIL,
    H_ITEM,
    H_NARRATIVE,
    H_TERM,
    INFO_KEYS,
    NO,
    OPTIONAL_KEY,
    OV_BODY,
    OV_BODY_NOTE,
    OV_COMPOSITION,
    OV_DUTY,
    OV_INTRO,
    PERF_AMOUNTS,
    PERF_COLUMNS,
    PERF_FIELDS,
    PERF_KIND,
    PERF_KINDS,
    PERF_LAYOUT_KEYS,
    PERF_TEXT,
    SHEET_GLOSSARY,
    SHEET_HELP,
    SHEET_INFO,
    SHEET_OVERVIEW,
    SHEET_PERFORMANCE,
    SHEET_TEXTS,
    SPLIT_CODE_HEADERS,
    TEXT_KEYS,
    YES,
    FactListSheet,
    baseline_sheets,
    fact_list_sheets,
    norm,
    optional_sections,
    split_optional,
    style_bool_paths,
)
from .load import MAX_FILE_BYTES, UNREADABLE, Path_, Source
from .profiles import Catalogue, DataSection, Profile, profile_for

_BLANK_AMOUNTS = {"", "-", "—", "－", "--", "——"}
_CODE = re.compile(r"^\d+$")
_AMOUNT_HEADERS = {"金额", "决算数", "数额", "金额(万元)", "金额(元)"}


@dataclass
class _Cell:
    value: Any
    ref: str  # the cell an officer should look at: the top-left of a merged range
    # shaded as the program's own (writers/input_xlsx.py): a name there was written from the
    # input, so “维修（护）费” in it is a stated name, not an officer's way of typing 维修(护)费
    ours: bool = False
    merged: str = ""  # a cell inside (not the top-left of) a merged range: the range, "D6:D8"


@dataclass
class _Sheet:
    title: str
    cells: dict[tuple[int, int], _Cell]
    max_row: int
    max_col: int
    unreadable: set[tuple[int, int]] = field(default_factory=set)  # formulas saved without a value

    def get(self, r: int, c: int) -> Any:
        cell = self.cells.get((r, c))
        return cell.value if cell else None

    def ours(self, r: int, c: int) -> bool:
        cell = self.cells.get((r, c))
        return cell.ours if cell else False

    def ref(self, r: int, c: int) -> str:
        cell = self.cells.get((r, c))
        return cell.ref if cell else f"{get_column_letter(c)}{r}"

    def row_texts(self, r: int) -> dict[int, str]:
        return {c: norm(self.get(r, c)) for c in range(1, self.max_col + 1) if norm(self.get(r, c))}

    def find_header(self, words: set[str], limit: int = 30, start: int = 1) -> int | None:
        for r in range(start, min(self.max_row, start + limit) + 1):
            if words & set(self.row_texts(r).values()):
                return r
        return None


@dataclass
class _Reader:
    file: str
    sheets: dict[str, _Sheet]
    data: dict[str, Any] = field(default_factory=dict)
    locations: dict[Path_, Location] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    merged_reported: set[tuple[str, str]] = field(default_factory=set)

    def amount(self, sheet: _Sheet, r: int, c: int, table: bool = True) -> Any:
        """The amount in a cell; None if blank. A figure read from inside a merged range
        (not its top-left) is the top-left's figure again: counting it would add it twice
        (D7:E7) or once per row (D6:D8), so it is reported once per range and not used:
        UNREADABLE in a table (its checks are skipped, figures.py), else None."""
        unreadable = UNREADABLE if table else None
        if (r, c) in sheet.unreadable:  # reported by open_workbook
            return unreadable
        cell = sheet.cells.get((r, c))
        if cell is None:
            return None
        value = amount_cell(cell.value)
        if value is None or not cell.merged or not _numeric(value):
            return value
        if (sheet.title, cell.merged) not in self.merged_reported:
            self.merged_reported.add((sheet.title, cell.merged))
            self.problems.append(error(
                "merged-amount", f"金额所在的单元格 {cell.merged} 是合并单元格，"
                f"程序无法判断 {plain(cell.value)} 属于其中哪一格",
                location=Location(file=self.file, sheet=sheet.title, cell=cell.merged),
                hint=f"请选中 {cell.merged}，取消单元格合并，把金额只填在它所属的那一格（其余格留空）"))
        return unreadable

    def loc(self, sheet: _Sheet, r: int, c: int) -> Location:
        return Location(file=self.file, sheet=sheet.title, cell=sheet.ref(r, c))

    def put(self, path: Path_, value: Any, where: Location) -> None:
        """Store `value` under `path`, nesting mappings; list positions are numeric strings."""
        node = self.data
        for i, key in enumerate(path[:-1]):
            nxt = node.get(key)
            if not isinstance(nxt, dict):
                nxt = {}
                node[key] = nxt
            node = nxt
            self.locations.setdefault(path[: i + 1], where)
        if path[-1] in node:
            first = self.locations.get(path)
            self.problems.append(error("duplicate-key", f"“{path[-1]}”重复出现"
                                       + (f"（首次出现在{first.sheet}!{first.cell}）" if first else ""),
                                       location=where, hint="同一项只能填一次，否则前面的数会被悄悄覆盖"))
            return
        node[path[-1]] = value
        self.locations[path] = where


# -- opening -----------------------------------------------------------------------------------
# A workbook is a zip: a few MB on disk may inflate to GBs ("zip bomb"). Real input workbooks
# inflate to a few MB; anything past these bounds is refused before a byte is decompressed.
MAX_PART_BYTES = 100 * 1024 * 1024
MAX_INFLATED_BYTES = 300 * 1024 * 1024
_RESAVE = "请用 Excel 或 WPS 打开并“另存为” Excel 工作簿（.xlsx）后再试"
# An encrypted OOXML file is an OLE compound file holding these streams (names in UTF-16).
_ENCRYPTED = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))


def _refuse(code: str, message: str, where: Location, hint: str = "") -> UserError:
    return UserError([error(code, message, location=where, hint=hint)])


def _check_container(path: Path, where: Location) -> None:
    """What kind of file this is, before openpyxl sees it: each kind its own message."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES * 4:
            raise _refuse("file-too-large", f"文件过大（{size // 1024} KB）", where)
        with path.open("rb") as f:
            head = f.read(8)
            ole = head.startswith(b"\xd0\xcf\x11\xe0")
            body = f.read() if ole else b""
    except OSError as e:
        raise _refuse("file-unreadable", f"无法读取文件（{os_reason(e)}）", where) from e
    if ole and any(mark in body for mark in _ENCRYPTED):
        raise _refuse("password-protected", "这个工作簿设置了打开密码，程序无法读取", where,
                      "请在 Excel 或 WPS 中打开，取消“用密码进行加密”（文件→信息→保护工作簿），保存后再试")
    if ole:
        raise _refuse("old-excel", "这是旧版 Excel（.xls）或 WPS 格式的文件，无法直接读取", where,
                      "请在 Excel 或 WPS 中“另存为” Excel 工作簿（.xlsx）后再试")
    if head.startswith(b"%PDF"):
        raise _refuse("not-workbook", "这是 PDF 文件，不是 Excel 工作簿", where,
                      "请使用 Excel 录入表（可用 gen-report init 生成空白录入表）")
    if not zipfile.is_zipfile(path):
        raise _refuse("not-workbook", "这不是 Excel 工作簿（.xlsx）文件，或文件已损坏", where,
                      "请用 Excel 或 WPS 打开并“另存为” Excel 工作簿（.xlsx）；如果这是文字文件，请把扩展名改为 .yaml")
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise _refuse("not-workbook", "文件已损坏或不是 Excel 工作簿，无法读取", where,
                      "请用 Excel 或 WPS 打开并重新保存为 Excel 工作簿（.xlsx）") from e
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            raise _refuse("not-workbook", "这是 Word 文档（.docx），不是 Excel 工作簿", where,
                          "请把数据填在 Excel 录入表中（可用 gen-report init 生成空白录入表）")
        raise _refuse("not-workbook", "文件已损坏或不是 Excel 工作簿，无法读取", where,
                      "请用 Excel 或 WPS 打开并重新保存为 Excel 工作簿（.xlsx）")
    biggest = max(infos, key=lambda i: i.file_size)
    total = sum(i.file_size for i in infos)
    if biggest.file_size > MAX_PART_BYTES or total > MAX_INFLATED_BYTES:
        raise _refuse("file-too-large", f"工作簿解压后过大（{biggest.filename} 为 {biggest.file_size // 1024 // 1024} MB，"
                      f"全部共 {total // 1024 // 1024} MB；上限为单个部件 {MAX_PART_BYTES // 1024 // 1024} MB、"
                      f"全部 {MAX_INFLATED_BYTES // 1024 // 1024} MB），未读取", where,
                      "录入表正常只有几 MB；请确认文件来源，或删除多余的工作表、图片后另存再试")


def open_workbook(path: Path) -> tuple[dict[str, _Sheet], list[Problem]]:
    """Both views of the workbook as merged-filled cell maps; formulas without a saved value
    are problems (openpyxl cannot calculate, and guessing a figure is not an option).

    Every filled cell of every sheet is read: a sheet is as long as its last value (cells
    that only carry formatting, down to row 1048576, cost nothing)."""
    name = str(path)
    where = Location(file=name)
    if not path.exists():
        raise UserError([error("file-missing", "找不到输入文件", location=where, hint="请检查文件名和所在文件夹")])
    if path.is_dir():
        raise UserError([error("file-is-dir", "这是一个文件夹，不是输入文件", location=where)])
    _check_container(path, where)
    try:
        formulas = _open(path, data_only=False)
        values = _open(path, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError) as e:
        raise UserError([error("not-workbook", "文件已损坏或不是 Excel 工作簿，无法读取", location=where,
                               hint="请用 Excel 或 WPS 打开并重新保存为 Excel 工作簿（.xlsx）")]) from e
    except Exception as e:  # openpyxl raises many kinds on malformed XML inside a valid zip
        raise UserError([error("not-workbook", "文件已损坏，无法读取", location=where,
                               hint="请用 Excel 或 WPS 打开并重新保存为 Excel 工作簿（.xlsx）")]) from e
    sheets: dict[str, _Sheet] = {}
    problems: list[Problem] = []
    for ws in values.worksheets:
        fws = formulas[ws.title]
        cells: dict[tuple[int, int], _Cell] = {}
        unreadable: set[tuple[int, int]] = set()
        # ws._cells holds only the cells the file defines; iter_rows() would make every cell
        # of a sheet formatted down to row 1048576
        for (r, c), cell in sorted(ws._cells.items()):
            raw = cell.value
            formula = fws._cells.get((r, c))
            if formula is not None and formula.data_type == "f" and raw is None:
                problems.append(error("formula-no-value", "这个单元格是公式，但文件中没有保存公式的计算结果",
                                      location=Location(file=name, sheet=ws.title, cell=cell.coordinate),
                                      found=f"公式 {formula.value}"[:80],
                                      hint="请用 Excel 或 WPS 打开这个文件，保存后再试（程序读取的是保存时的计算结果）"))
                unreadable.add((r, c))
                continue
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                continue
            ours = cell.fill.fill_type == "solid" and str(cell.fill.fgColor.rgb).endswith(DERIVED_RGB)
            cells[(r, c)] = _Cell(raw, cell.coordinate, ours)
        for rng in ws.merged_cells.ranges:
            top = cells.get((rng.min_row, rng.min_col))
            if top is None:
                continue
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    if (r, c) != (rng.min_row, rng.min_col):
                        cells.setdefault((r, c), _Cell(top.value, top.ref, top.ours, rng.coord))
        max_col = max((c for _, c in cells), default=0)
        sheets[ws.title] = _Sheet(ws.title, cells, max((r for r, _ in cells), default=0), max_col, unreadable)
    return sheets, problems


# -- values ------------------------------------------------------------------------------------
def plain(value: Any) -> Any:
    """A cell's value as the YAML loader would give it: int, Decimal (never float), text."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return int(value)
        return Decimal(format(value, ".15g"))  # Excel keeps 15 digits; drops 0.1+0.2 noise
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def amount_cell(value: Any) -> Any:
    value = plain(value)
    if isinstance(value, str) and value.strip() in _BLANK_AMOUNTS:
        return None
    return value


_NUMBER = re.compile(r"^[-+]?[\d,，]*\.?\d+$")


def _numeric(value: Any) -> bool:
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return True
    return isinstance(value, str) and bool(_NUMBER.match(norm(value)))


def code_text(value: Any) -> str:
    value = plain(value)
    return norm(value)


# -- the whole workbook ------------------------------------------------------------------------
def read_info(sheets: dict[str, _Sheet], file: str) -> _Reader:
    reader = _Reader(file, sheets)
    sheet = _find_sheet(sheets, SHEET_INFO)
    if sheet is None:
        return reader
    start = sheet.find_header({H_ITEM}) or 0
    bools = style_bool_paths()
    for r in range(start + 1, sheet.max_row + 1):
        key = str(plain(sheet.get(r, 1)) or "").strip()
        value = plain(sheet.get(r, 2))
        if key in INFO_KEYS:
            reader.locations.setdefault((key,), reader.loc(sheet, r, 2))  # "缺少必填项" points here
        if not key or value is None:
            continue
        where = reader.loc(sheet, r, 2)
        if isinstance(value, str) and key in INFO_KEYS:
            value = value.strip()
        if key.startswith("样式."):
            if key in bools and value in (YES, NO):
                value = value == YES
            reader.put(_path(key), value, where)
        elif key == OPTIONAL_KEY:  # “非税收入征缴情况表、会议费培训费”: a list, each name located here
            names = split_optional(value)
            if names:
                reader.put((key,), names, where)
                for i in range(len(names)):
                    reader.locations[(key, str(i))] = where
        else:
            reader.put((key,), value, where)
    return reader


def read_sections(reader: _Reader, profile: Profile, only: set[str] | None = None) -> None:
    """The profile's data sections (and, unless `only` is given, every other sheet)."""
    found = match_sheets(reader.sheets, expected_sheets(profile))
    _check_sheet_names(reader, profile, found, full=only is None)
    for name, spec in profile.model.data.items():
        sheet = found.get(name)
        if sheet is None:
            continue
        if spec.form == "功能分类":
            _functional(reader, sheet, name, spec, profile.catalogues["功能分类"])
        elif spec.form == "经济分类":
            _economic(reader, sheet, name, spec, profile.catalogues["经济分类"])
        elif spec.form == "列表":
            _records(reader, sheet, name, spec)
        else:
            _items(reader, sheet, name, spec)
        if only is None and not _has_figures(reader.data.get(name)) and _never_empty(profile, name):
            table = profile.table_for_section(name).strip()
            reader.problems.append(warning(
                "empty-section", f"“{sheet.title}”工作表中没有填写任何数，{table}按没有数据处理",
                location=Location(file=reader.file, sheet=sheet.title, cell="A1"), table=table,
                hint="如果本表有数，请在表头下逐行填写；本表确实没有数据时，可不理会本警告"))
    comparisons = {norm(k): k for k in profile.model.comparisons}
    for sheet_name, direct, change in baseline_sheets(profile):
        sheet = found.get(sheet_name)
        if sheet is not None and (only is None or direct in only):
            _table_of_items(reader, sheet, comparisons, (direct, change) if change else (direct,), amounts=True)
    if only is not None:
        return
    if (sheet := found.get(SHEET_TEXTS)) is not None:
        _table_of_items(reader, sheet, comparisons, TEXT_KEYS, amounts=False)
        _narrative(reader, sheet)
    for spec in fact_list_sheets(profile):
        if (sheet := found.get(spec.title)) is not None:
            _fact_list(reader, sheet, spec)
    if (sheet := found.get(SHEET_OVERVIEW)) is not None:
        _overview(reader, sheet)
    if (sheet := found.get(SHEET_GLOSSARY)) is not None:
        _glossary(reader, sheet)
    if (sheet := found.get(SHEET_PERFORMANCE)) is not None:
        _performance(reader, sheet)


def _has_figures(value: Any) -> bool:
    """Whether a section read from a sheet holds any amount (rows of codes and names only do not)."""
    if isinstance(value, dict):
        return any(_has_figures(v) for k, v in value.items() if k != "科目名称")
    if isinstance(value, list):
        return any(_has_figures(v) for v in value)
    return value is not None


def _may_be_empty(profile: Profile, name: str) -> bool:
    """A table the profile gives a “无发生额” note (政府性基金, 国有资本经营 …)."""
    return any(t.empty_note for t in profile.model.tables if t.data == name)


def _never_empty(profile: Profile, name: str) -> bool:
    """A detail table by 功能分类 that has no “无发生额” note (收入决算表, 支出决算表 …): left
    empty, it was most likely not filled in. Totals tables (mostly derived) and the tables a
    profile says may be empty are not warned about."""
    return profile.model.data[name].form == "功能分类" and not _may_be_empty(profile, name)


def expected_sheets(profile: Profile) -> dict[str, tuple[str, ...]]:
    """Every sheet a workbook for `profile` may hold: its key, then the titles it may go by
    (`init` writes the section's name, cut to Excel's 31 characters; officers often use the
    table's title, "表2 收入决算表")."""
    out: dict[str, tuple[str, ...]] = {SHEET_HELP: (SHEET_HELP,), SHEET_INFO: (SHEET_INFO,)}
    for name in profile.model.data:
        out[name] = (name, name[:31], profile.table_for_section(name).split(" ")[-1])
    for key in (SHEET_PERFORMANCE, *(b[0] for b in baseline_sheets(profile)), SHEET_TEXTS, SHEET_OVERVIEW,
                SHEET_GLOSSARY, *(s.title for s in fact_list_sheets(profile))):
        out[key] = (key,)
    return out


def match_sheets(sheets: dict[str, _Sheet], wanted: dict[str, tuple[str, ...]]) -> dict[str, _Sheet]:
    """Each expected sheet's sheet: exact titles first (for every name), then a title that
    ends with the name ("表2 收入决算表", "2.收入决算表") among the sheets still unclaimed, so
    “三公经费支出决算表” is never taken for a missing “支出决算表”."""
    found: dict[str, _Sheet] = {}
    taken: set[str] = set()
    for key, names in wanted.items():
        for title, sheet in sheets.items():
            if title not in taken and norm(title) in {norm(n) for n in names if n}:
                found[key] = sheet
                taken.add(title)
                break
    for key, names in wanted.items():
        if key in found:
            continue
        for title, sheet in sheets.items():
            t = norm(title)
            if title not in taken and any(t.endswith(w) and len(t) - len(w) <= 6 for n in names if (w := norm(n))):
                found[key] = sheet
                taken.add(title)
                break
    return found


def _check_sheet_names(reader: _Reader, profile: Profile, found: dict[str, _Sheet], full: bool) -> None:
    """A sheet the program does not know is never silently skipped (a renamed 其他重要事项 would
    print 机关运行经费 0); a table's sheet that is missing is named."""
    used = {s.title for s in found.values()}
    enabled = set(profile.model.data) - set(optional_sections(profile))
    missing = [k for k in profile.model.data if k not in found and k in enabled]
    if full:
        missing += [k for k in (SHEET_TEXTS,) if k not in found]
    claimed: set[str] = set()
    unknown = [title for title, sheet in reader.sheets.items() if title not in used and sheet.cells]
    for title in unknown:
        close = nearest(title, missing) or nearest(title, list(expected_sheets(profile)))
        if not close and len(unknown) == 1 and len(missing) == 1:  # “Sheet1” where a table's sheet is missing
            close = missing[:]
        claimed.update(close[:1])
        reader.problems.append(error(
            "unknown-sheet", f"不认识的工作表“{title}”（其中的内容不会被使用）",
            location=Location(file=reader.file, sheet=title, cell="A1"),
            hint=(f"是否想写“{close[0]}”？请把工作表改回这个名称" if close else
                  "可用的工作表：" + a_few(title, [k for k in expected_sheets(profile) if k != SHEET_HELP]))))
    if not full:
        return
    for key in missing:
        if key not in profile.model.data:
            continue
        table = profile.table_for_section(key).strip()
        if key not in claimed and _may_be_empty(profile, key):  # officers delete the sheets of such tables
            reader.problems.append(warning(
                "missing-sheet", f"工作簿中没有“{key}”工作表，{table}按没有数据处理（印“无发生额”）",
                location=Location(file=reader.file), table=table,
                hint="如果本表有数，请加回这个工作表（可用 gen-report init 生成空白录入表对照）"))
            continue
        # its figures are unknown, not zero: the checks that need them are skipped (figures.py)
        reader.data[key] = UNREADABLE
        reader.locations.setdefault((key,), Location(file=reader.file))
        if key in claimed:  # a renamed sheet: its unknown-sheet error says “是否想写…”
            continue
        reader.problems.append(error(
            "missing-sheet", f"工作簿中没有“{key}”工作表",
            location=Location(file=reader.file), table=table,
            hint=f"如果改过工作表的名称，请改回“{key}”；如果删掉了，请从 gen-report init 生成的空白录入表中"
                 "把这个工作表复制回来（本表没有数据时，保留只有表头的空表）"))


def nearest(word: str, names: list[str], n: int = 3) -> list[str]:
    """The few names closest to `word` (for “是否想写…” and short lists of suggestions)."""
    return difflib.get_close_matches(word, names, n=n, cutoff=0.4)


def _find_sheet(sheets: dict[str, _Sheet], *names: str) -> _Sheet | None:
    return match_sheets(sheets, {"": names}).get("")


def _path(dotted: str) -> Path_:
    """"绩效.项目.1.名称" → ("绩效", "项目", "0", "名称"): list positions count from 1 on the sheet."""
    out = []
    for part in dotted.split("."):
        part = part.strip()
        out.append(str(int(part) - 1) if part.isdigit() and int(part) > 0 else part)
    return tuple(out)


def listify(value: Any) -> Any:
    """Mappings keyed 0, 1, 2 … (from "项目.1.名称" rows) become lists."""
    if isinstance(value, dict):
        value = {k: listify(v) for k, v in value.items()}
        if value and all(k.isdigit() for k in value):
            return [value[k] for k in sorted(value, key=int)]
    return value


# -- 功能分类 -------------------------------------------------------------------------------------
def _column_labels(sheet: _Sheet, rows: range) -> dict[int, list[str]]:
    """Per column, the header texts from top to bottom (merged headers fill across), plus
    each pair joined ("本年支出" over "小计" → "本年支出小计")."""
    out: dict[int, list[str]] = {}
    for c in range(1, sheet.max_col + 1):
        texts = list(dict.fromkeys(t for r in rows if (t := norm(sheet.get(r, c)))))
        out[c] = texts + [a + b for a, b in zip(texts, texts[1:], strict=False)]
    return out


def _match_columns(labels: dict[int, list[str]], wanted: list[str]) -> dict[str, int]:
    by_norm = {norm(w): w for w in wanted}
    found: dict[str, int] = {}
    for c, texts in labels.items():
        # the most specific text wins: a joined pair, then the lowest header row
        for t in reversed(texts):
            if t in by_norm and by_norm[t] not in found:
                found[by_norm[t]] = c
                break
    return found


def _functional(reader: _Reader, sheet: _Sheet, name: str, spec: DataSection, catalogue: Catalogue) -> None:
    header = None
    code_col: int | None = None
    split: list[int] = []
    for r in range(1, min(sheet.max_row, 30) + 1):
        texts = sheet.row_texts(r)
        split = [next((c for c, t in texts.items() if t == h), 0) for h in SPLIT_CODE_HEADERS]
        code_col = next((c for c, t in texts.items() if "编码" in t), None)
        if code_col or all(split):
            header = r
            break
    if header is None:
        _no_header(reader, sheet, name, "找不到表头（应有“科目编码”列，或“类”“款”“项”三列）")
        return
    if not all(split):
        split = []
    band = range(max(1, header - 2), header + 3)
    key_cols = ([code_col] if code_col else split) + [(code_col or split[-1]) + 1]
    # the header ends at the first code row or 合计 row (a column may itself be called 合计)
    first_data = next((r for r in range(header + 1, sheet.max_row + 1)
                       if _CODE.match(_row_code(sheet, r, code_col, split)[0])
                       or any(norm(sheet.get(r, c)) in ("合计", "总计") for c in key_cols)), sheet.max_row + 1)
    labels = _column_labels(sheet, range(band.start, min(band.stop, first_data)))
    columns = _match_columns(labels, list(spec.columns))
    name_col = next((c for c, texts in labels.items() if any(t.endswith("名称") for t in texts)
                     and c not in columns.values() and c != code_col), None)
    reader.locations[(name,)] = Location(file=reader.file, sheet=sheet.title, cell="A1")
    reader.data.setdefault(name, {})
    last: dict[str, str] = {}
    for r in range(header + 1, sheet.max_row + 1):
        code, last = _row_code(sheet, r, code_col, split, last)
        label_raw = sheet.get(r, name_col) if name_col else None
        label = norm(label_raw)
        amounts = {col: (v, c) for col, c in columns.items() if (v := reader.amount(sheet, r, c)) is not None}
        key_col = code_col or split[-1]
        if code and _CODE.match(code) and len(code) in (3, 5, 7):
            key = code
        elif code.startswith("注") or label.startswith("注"):
            continue
        elif "合计" in (code, label) or label in ("总计", "合计"):
            if not amounts:
                continue
            key = "合计"
        elif not amounts or r < first_data:
            continue  # notes, sub-headers, 栏次 rows
        else:
            key = str(plain(sheet.get(r, key_col)) or label_raw or "").strip()
        where = reader.loc(sheet, r, key_col)
        row: dict[str, Any] = {}
        if key in reader.data[name]:
            reader.put((name, key), row, where)  # reports the duplicate
            continue
        reader.put((name, key), row, where)
        if key != "合计" and label:
            official = catalogue.names.get(key)
            if not _same_name(official, label_raw, bool(name_col) and sheet.ours(r, name_col)):
                row["科目名称"] = str(label_raw).strip()
                reader.locations[(name, key, "科目名称")] = reader.loc(sheet, r, name_col or key_col)
        for column, (value, c) in amounts.items():
            reader.put((name, key, column), value, reader.loc(sheet, r, c))


def _same_name(official: str | None, label: Any, exact: bool) -> bool:
    """The catalogue's name, give or take spaces (and, unless the program wrote the cell,
    full-width forms: an officer's “维修（护）费” is the catalogue's “维修(护)费”)."""
    if official is None:
        return False
    if exact:
        return "".join(official.split()) == "".join(str(plain(label)).split())
    return norm(official) == norm(label)


def _row_code(sheet: _Sheet, r: int, code_col: int | None, split: list[int],
              last: dict[str, str] | None = None) -> tuple[str, dict[str, str]]:
    last = dict(last or {})
    if not split:
        code = code_text(sheet.get(r, code_col)) if code_col else ""
        return code, last
    lei, kuan, xiang = (code_text(sheet.get(r, c)) for c in split)
    if not (lei or kuan or xiang) or not all(_CODE.match(x) for x in (lei, kuan, xiang) if x):
        return (lei or kuan or xiang) if not (lei + kuan + xiang).isdigit() else "", last
    kuan = kuan.zfill(2) if len(kuan) == 1 else kuan
    xiang = xiang.zfill(2) if len(xiang) == 1 else xiang
    if lei:
        if lei != last.get("类"):
            last = {"类": lei}  # a new 类: its 款 starts afresh
    else:
        lei = last.get("类", "") if kuan or xiang else ""
    if xiang and not kuan:
        kuan = last.get("款", "") if len(xiang) == 2 else ""
    kuan_full = kuan if len(kuan) == 5 else (lei + kuan if kuan else "")
    if kuan_full:
        last["款"] = kuan_full[3:]
    if xiang:
        code = xiang if len(xiang) == 7 else kuan_full + xiang
    else:
        code = kuan_full or lei
    return code, last


def _no_header(reader: _Reader, sheet: _Sheet, name: str, what: str) -> None:
    """A sheet that holds something but no recognisable header row (an empty one is an empty
    table, read_sections): its figures are unknown, not zero."""
    if sheet.cells:
        reader.problems.append(error("no-header", what, table=name,
                                     location=Location(file=reader.file, sheet=sheet.title, cell="A1"),
                                     hint="可用 gen-report init 生成一份空白录入表对照"))
        reader.data[name] = UNREADABLE
        reader.locations[(name,)] = Location(file=reader.file, sheet=sheet.title, cell="A1")


# -- 经济分类 -------------------------------------------------------------------------------------
def _economic(reader: _Reader, sheet: _Sheet, name: str, spec: DataSection, catalogue: Catalogue) -> None:
    header = next((r for r in range(1, min(sheet.max_row, 30) + 1)
                   if any("编码" in t for t in sheet.row_texts(r).values())), None)
    if header is None:
        _no_header(reader, sheet, name, "找不到表头（应有“科目编码”列）")
        return
    texts = sheet.row_texts(header)
    code_cols = sorted(c for c, t in texts.items() if "编码" in t)
    totals = {norm(t): t for t in spec.totals}
    reader.locations[(name,)] = Location(file=reader.file, sheet=sheet.title, cell="A1")
    reader.data.setdefault(name, {})
    for i, code_col in enumerate(code_cols):
        end = code_cols[i + 1] if i + 1 < len(code_cols) else sheet.max_col + 1
        name_col = next((c for c in range(code_col + 1, end) if texts.get(c, "").endswith("名称")), None)
        amount_col = next((c for c in range(code_col + 1, end) if c != name_col), None)
        if amount_col is None:
            continue
        for r in range(header + 1, sheet.max_row + 1):
            code = code_text(sheet.get(r, code_col))
            label_raw = sheet.get(r, name_col) if name_col else None
            label = norm(label_raw)
            value = reader.amount(sheet, r, amount_col)
            total = totals.get(code) or totals.get(label)
            where = reader.loc(sheet, r, amount_col)
            if total:
                if value is not None:
                    reader.put((name, total), value, where)
                continue
            if not code or code.startswith("注") or (not _CODE.match(code) and value is None):
                continue
            key = code if _CODE.match(code) else str(plain(sheet.get(r, code_col))).strip()
            official = catalogue.names.get(key)
            if label and not _same_name(official, label_raw, bool(name_col) and sheet.ours(r, name_col)):
                entry: dict[str, Any] = {"科目名称": str(label_raw).strip()}
                if value is not None:
                    entry["金额"] = value
                reader.put((name, key), entry, where)
                if value is not None:
                    reader.locations[(name, key, "金额")] = where
                reader.locations[(name, key, "科目名称")] = reader.loc(sheet, r, name_col or code_col)
            elif value is not None:
                reader.put((name, key), value, where)


# -- 项目 ------------------------------------------------------------------------------------------
def _items(reader: _Reader, sheet: _Sheet, name: str, spec: DataSection) -> None:
    header = sheet.find_header({H_ITEM})
    if header is None:
        _no_header(reader, sheet, name, "找不到表头（应有“项目”列）")
        return
    texts = sheet.row_texts(header)
    label_cols = [c for c, t in texts.items() if t in (H_ITEM, H_DETAIL)]
    value_cols = {c: t for c, t in texts.items() if c not in label_cols}
    items = {norm(k): k for k in spec.items}
    reader.locations[(name,)] = Location(file=reader.file, sheet=sheet.title, cell="A1")
    reader.data.setdefault(name, {})
    for r in range(header + 1, sheet.max_row + 1):
        parts = [t for c in label_cols if (t := norm(sheet.get(r, c)))]
        label = ".".join(dict.fromkeys(parts))
        for c, column in value_cols.items():
            value = reader.amount(sheet, r, c)
            if value is None:
                continue
            where = reader.loc(sheet, r, c)
            candidates = [f"{column}.{label}", f"{label}.{column}"] + ([label] if column in _AMOUNT_HEADERS else [])
            key = next((items[k] for k in candidates if k in items), None)
            if key is None:
                reader.problems.append(error("unknown-key", f"不认识的项“{label or column}”（该数不会被使用）",
                                             location=where, table=name,
                                             hint="可用的项：" + a_few(label or column, spec.items)))
                continue
            reader.put((name, *_item_path(key, spec)), value, where)


def _item_path(key: str, spec: DataSection) -> tuple[str, ...]:
    """An item's keys as the YAML nests them: "罚没收入.其中.一般罚没收入.纳入预算管理已缴国库" →
    罚没收入 → 其中 → 一般罚没收入 → 纳入预算管理已缴国库; a prefix that is itself an item
    cannot also be a mapping, so the rest stays one dotted key under it."""
    parts = key.split(".")
    out, prefix = [parts[0]], parts[0]
    for part in parts[1:]:
        if prefix in spec.items:
            out[-1] = f"{out[-1]}.{part}"
        else:
            out.append(part)
        prefix = f"{prefix}.{part}"
    return tuple(out)


# -- 列表 ------------------------------------------------------------------------------------------
def _records(reader: _Reader, sheet: _Sheet, name: str, spec: DataSection) -> None:
    """One record per filled row, keyed as the YAML list's mappings: text fields trimmed,
    amounts as typed (figures.py parses them, so its messages point at the cell)."""
    title = spec.fields[0] if spec.fields else None
    wanted = {norm(k): k for k in [*spec.fields, *spec.columns]}
    header = sheet.find_header({norm(title)} if title else set(wanted))
    if header is None:
        _no_header(reader, sheet, name, f"找不到表头（应有“{title or '、'.join(wanted.values())}”列）")
        return
    cols = {wanted[t]: c for c, t in sorted(sheet.row_texts(header).items(), reverse=True) if t in wanted}
    reader.locations[(name,)] = Location(file=reader.file, sheet=sheet.title, cell="A1")
    count = 0
    for r in range(header + 1, sheet.max_row + 1):
        record: dict[str, tuple[Any, int]] = {}
        for key, c in cols.items():
            if key in spec.fields:
                value = plain(sheet.get(r, c))
                value = str(value).strip() if value is not None else ""
                if value:
                    record[key] = (value, c)
            elif (value := reader.amount(sheet, r, c)) is not None:
                record[key] = (value, c)
        if not record:
            continue
        if title and norm(record.get(title, ("",))[0]) in ("合计", "总计"):
            continue  # a total row an officer added: the program derives it
        index = str(count)
        count += 1
        # a record's own problems (a missing 名称) point at its name cell
        reader.locations[(name, index)] = reader.loc(sheet, r, cols.get(title, min(c for _, c in record.values()))
                                                     if title else min(c for _, c in record.values()))
        for key in [*spec.fields, *spec.columns]:  # the profile's order, as in the YAML
            if key in record:
                value, c = record[key]
                reader.put((name, index, key), value, reader.loc(sheet, r, c))


# -- the other sheets --------------------------------------------------------------------------
def _table_of_items(reader: _Reader, sheet: _Sheet, comparisons: dict[str, str], keys: tuple[str, ...],
                    amounts: bool) -> None:
    header = sheet.find_header({H_COMPARISON})
    if header is None:
        return
    texts = sheet.row_texts(header)
    item_col = next(c for c, t in texts.items() if t == H_COMPARISON)
    cols = {key: c for c, t in texts.items() for key in keys if t == norm(key)}
    for r in range(header + 1, sheet.max_row + 1):
        raw = sheet.get(r, item_col)
        if raw is None:
            if not any(sheet.get(r, c) is not None for c in cols.values()):
                break  # end of the block
            continue
        text = str(plain(raw)).strip()
        item = comparisons.get(norm(text), text)
        for key, c in cols.items():
            value = reader.amount(sheet, r, c, table=False) if amounts else plain(sheet.get(r, c))
            if value is None:
                continue
            if not amounts and not isinstance(value, str):
                value = str(value)
            reader.put((key, item), value, reader.loc(sheet, r, c))


def _narrative(reader: _Reader, sheet: _Sheet) -> None:
    header = sheet.find_header({H_NARRATIVE}, limit=sheet.max_row)
    if header is None:
        return
    for r in range(header + 1, sheet.max_row + 1):
        key = str(plain(sheet.get(r, 1)) or "").strip()
        value = plain(sheet.get(r, 2))
        if not key or value is None:
            continue
        reader.put(("情况说明", *_path(key)), value, reader.loc(sheet, r, 2))


def _fact_list(reader: _Reader, sheet: _Sheet, spec: FactListSheet) -> None:
    """A declared 列表's own sheet: one record per filled row, located at its cells (a
    record's own problems, such as a missing 必填 field, at its first cell)."""
    wanted = {norm(c): c for c in spec.columns}
    header = sheet.find_header(set(wanted))
    if header is None:
        _no_header(reader, sheet, ".".join(spec.path), "找不到表头（应有" + "、".join(f"“{c}”" for c in spec.columns) + "列）")
        return
    cols = {wanted[t]: c for c, t in sheet.row_texts(header).items() if t in wanted}
    kinds = dict(zip(spec.columns, spec.kinds, strict=True))
    base = ("情况说明", *spec.path)
    reader.locations.setdefault(base, Location(file=reader.file, sheet=sheet.title, cell="A1"))
    count = 0
    for r in range(header + 1, sheet.max_row + 1):
        record: list[tuple[str, Any, int]] = []
        for column, c in cols.items():
            if kinds[column] == "金额":
                value = reader.amount(sheet, r, c)
            else:
                value = plain(sheet.get(r, c))
                if isinstance(value, str):
                    value = value.strip() or None
                if kinds[column] == "段落" and value is not None:
                    value = [line.strip() for line in str(value).splitlines() if line.strip()]
            if value is not None:
                record.append((column, value, c))
        if not record:
            continue
        index = str(count)
        count += 1
        reader.locations[(*base, index)] = reader.loc(sheet, r, min(c for _, _, c in record))
        for column, value, c in record:
            reader.put((*base, index, *column.split(".")), value, reader.loc(sheet, r, c))


def _overview(reader: _Reader, sheet: _Sheet) -> None:
    header = sheet.find_header({H_CATEGORY})
    if header is None:
        return
    duties: list[str] = []
    bodies: list[Any] = []
    out: dict[str, Any] = {}
    base = ("概况",)
    for r in range(header + 1, sheet.max_row + 1):
        category = norm(sheet.get(r, 1))
        name, text = plain(sheet.get(r, 2)), plain(sheet.get(r, 3))
        text = str(text) if text is not None else None
        where = reader.loc(sheet, r, 3)
        if category == OV_DUTY and text:
            reader.locations[base + ("主要职责", "条目", str(len(duties)))] = where
            duties.append(text)
        elif category == OV_BODY and name is not None:
            path = base + ("机构设置", str(len(bodies)))
            reader.locations[path] = reader.loc(sheet, r, 2)
            bodies.append({"名称": str(name), **({"职责": text} if text else {})})
        elif category == OV_INTRO and text:
            out.setdefault("主要职责", {})["引言"] = text
            reader.locations[base + ("主要职责", "引言")] = where
        elif category in (OV_BODY_NOTE, OV_COMPOSITION) and text:
            out[category] = text
            reader.locations[base + (category,)] = where
        elif category and (name is not None or text):
            reader.problems.append(error("unknown-key", f"不认识的类别“{category}”", location=reader.loc(sheet, r, 1),
                                         hint="可用的类别：" + "、".join((OV_INTRO, OV_DUTY, OV_BODY, OV_BODY_NOTE,
                                                                         OV_COMPOSITION))))
    if duties:
        out.setdefault("主要职责", {})["条目"] = duties
    if bodies:
        out["机构设置"] = bodies
    if out:
        ordered = {k: out[k] for k in ("主要职责", "机构设置", OV_BODY_NOTE, OV_COMPOSITION) if k in out}
        reader.data["概况"] = ordered
        reader.locations.setdefault(base, Location(file=reader.file, sheet=sheet.title, cell="A1"))


def _glossary(reader: _Reader, sheet: _Sheet) -> None:
    header = sheet.find_header({H_TERM})
    if header is None:
        return
    items = []
    for r in range(header + 1, sheet.max_row + 1):
        term, text = plain(sheet.get(r, 1)), plain(sheet.get(r, 2))
        if term is None and text is None:
            continue
        reader.locations[("名词解释补充", str(len(items)))] = reader.loc(sheet, r, 1)
        items.append({"术语": str(term or ""), "解释": str(text or "")})
    if items:
        reader.data["名词解释补充"] = items


def _performance(reader: _Reader, sheet: _Sheet) -> None:
    """The 绩效自评表 sheet's blocks (writers/input_xlsx.py `_performance`): a “自评表类别” row,
    the table's fields, an indicator header row, one row per indicator."""
    blocks: list[list[int]] = []
    for r in range(1, sheet.max_row + 1):
        if norm(sheet.get(r, 1)) == PERF_KIND:
            blocks.append([r])
        elif blocks:
            blocks[-1].append(r)
    fields = {norm(k): k for k in PERF_FIELDS}
    projects = 0
    for rows in blocks:
        start = rows[0]
        kind = norm(sheet.get(start, 2))
        values: list[tuple[Path_, Any, Location]] = []
        header: dict[int, tuple[str, ...]] | None = None
        header_row = start
        rows_of: list[Location] = []  # each indicator's row (its first cell)
        for r in rows[1:]:
            label = norm(sheet.get(r, 1))
            layout_path = tuple(str(plain(sheet.get(r, 1)) or "").strip().split("."))
            if header is None and len(layout_path) > 1 and layout_path[0] in PERF_LAYOUT_KEYS:
                amount = layout_path[0] == "资金来源"
                value = reader.amount(sheet, r, 2, table=False) if amount else plain(sheet.get(r, 2))
                if not amount and value is not None:
                    value = str(value).strip() or None
                if value is not None:
                    values.append((layout_path, value, reader.loc(sheet, r, 2)))
                continue
            if header is None and label in fields:
                key = fields[label]
                value = reader.amount(sheet, r, 2, table=False) if key in PERF_AMOUNTS else plain(sheet.get(r, 2))
                if key not in PERF_AMOUNTS and key != "预算执行率分值" and value is not None:
                    value = str(value).strip() or None
                if value is not None:
                    values.append(((key,), value, reader.loc(sheet, r, 2)))
                continue
            if header is None and label == norm(PERF_COLUMNS[0]):
                header = {c: (k,) for c, t in sheet.row_texts(r).items() for k in PERF_COLUMNS if t == norm(k)}
                header |= {c: (PERF_TEXT, str(plain(sheet.get(r, c))).strip().split(".", 1)[1])
                           for c, t in sheet.row_texts(r).items() if t.startswith(PERF_TEXT + ".")}
                header_row = r
                continue
            if header is None:
                continue
            found = False
            for c, key in header.items():
                value = plain(sheet.get(r, c))
                if isinstance(value, str):
                    value = value.strip() or None
                if value is not None:
                    values.append((("指标", str(len(rows_of)), *key), value, reader.loc(sheet, r, c)))
                    found = True
            if found:
                rows_of.append(reader.loc(sheet, r, 1))
        if not values:
            continue  # a blank block
        if kind not in PERF_KINDS:
            reader.problems.append(error("bad-kind", f"“{PERF_KIND}”应为“项目”或“部门整体”",
                                         location=reader.loc(sheet, start, 2), found=str(sheet.get(start, 2) or "（空）")))
            continue
        base: Path_ = ("绩效自评表", "项目", str(projects)) if kind == "项目" else ("绩效自评表", "部门整体")
        if kind == "项目":
            projects += 1
        reader.locations.setdefault(("绩效自评表",), Location(file=reader.file, sheet=sheet.title, cell="A1"))
        reader.locations[base] = reader.loc(sheet, start, 2)
        reader.locations[base + ("指标",)] = reader.loc(sheet, header_row, 1)
        for j, where in enumerate(rows_of):
            reader.locations[base + ("指标", str(j))] = where
        for path, value, where in values:
            reader.put(base + path, value, where)


def _tidy(reader: _Reader, profile: Profile | None) -> None:
    """Lists from numbered rows; sheets with nothing filled are as if absent."""
    lists = [n for n, spec in profile.model.data.items() if spec.form == "列表"] if profile else []
    for key in ("情况说明", "样式", SHEET_PERFORMANCE, *lists):
        if key in reader.data:
            reader.data[key] = listify(reader.data[key])
    for key in [k for k, v in reader.data.items() if v == {}]:
        del reader.data[key]


# -- entry points ------------------------------------------------------------------------------
def load_workbook_input(path: Path, data_dir: Path | None = None) -> Source:
    """A whole input given as a workbook."""
    path = Path(path)
    sheets, problems = open_workbook(path)
    reader = read_info(sheets, str(path))
    reader.problems.extend(problems)
    if _find_sheet(sheets, SHEET_INFO) is None:
        reader.problems.append(error("no-info-sheet", f"工作簿中没有“{SHEET_INFO}”工作表",
                                     location=Location(file=str(path)),
                                     hint="部门名称、年度、类型写在“基本信息”工作表中；可用 gen-report init 生成空白录入表"))
        raise UserError(reader.problems)
    source = Source(data=reader.data, file=str(path), locations=reader.locations)
    profile = profile_for(source, data_dir)
    if profile is not None:
        read_sections(reader, profile)
    _tidy(reader, profile)
    source.problems = reader.problems  # errors too: the checks go on (compute.py), and all are said at once
    return source


def load_workbook_tables(path: Path, profile: Profile, where: Location) -> Source:
    """`表格: 决算数据.xlsx`: only the tables (and the 上年数/年初预算数 sheets) of a workbook."""
    if not path.exists():
        raise UserError([error("file-missing", f"找不到“表格”指定的工作簿：{path}", location=where)])
    sheets, problems = open_workbook(path)
    reader = _Reader(str(path), sheets, problems=problems)
    read_sections(reader, profile, only={"上年数", "年初预算数"})
    _tidy(reader, profile)
    return Source(data=reader.data, file=str(path), locations=reader.locations, problems=reader.problems)
