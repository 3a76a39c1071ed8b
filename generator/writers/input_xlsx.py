"""The input workbook officers fill in (`gen-report init`) or a YAML input as a workbook
(`gen-report convert dept.yaml -o 录入表.xlsx`).

Every data section gets a sheet laid out from the profile: a code and name column and one
column per input column for 功能分类 sections; the catalogue's codes in the published
table's side-by-side groups for 经济分类; item rows (or a grid, for 预算数/决算数 pairs) for
项目 sections. Cells the program derives are shaded and locked (sheet protection without a
password); the cells to fill are unlocked. load_xlsx.py reads exactly this layout back, and
also the irregular workbooks officers keep.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from generator.writers.openpyxl_bytes import workbook_bytes

from ..baselines import flat_entries
from ..excel_layout import (
    CREATOR,
    DERIVED_RGB,
    H_AMOUNT,
    H_CATEGORY,
    H_CODE,
    H_COMPARISON,
    H_CONTENT,
    H_DETAIL,
    H_EXPLANATION,
    H_ITEM,
    H_NAME,
    H_NARRATIVE,
    H_NOTE,
    H_TERM,
    INFO_KEYS,
    OPTIONAL_KEY,
    OPTIONAL_MARK,
    OPTIONAL_SEPARATOR,
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
    PERF_TEXT,
    SHEET_GLOSSARY,
    SHEET_HELP,
    SHEET_INFO,
    SHEET_OVERVIEW,
    SHEET_PERFORMANCE,
    SHEET_TEXTS,
    TEXT_KEYS,
    TOLERANCE_KEY,
    FactListSheet,
    baseline_sheets,
    cell_value,
    fact_list_sheets,
    flatten,
    in_fact_list,
    narrative_paths,
    optional_sections,
    style_bool_paths,
    style_paths,
)
from ..profiles import DataSection, Profile

DERIVED = PatternFill("solid", fgColor=DERIVED_RGB)
HEADER = PatternFill("solid", fgColor="DDEBF7")
INPUT = Protection(locked=False)
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BOLD = Font(bold=True)
AMOUNT_FORMAT = "#,##0.00"
BLANK_ROWS = 60  # empty code rows offered in a blank 功能分类 sheet
LIST_BLANK_ROWS = 30  # empty record rows offered under a 列表 section's records
FIRST = 4  # header row of every section sheet: 1 title, 2 unit, 3 note


def input_workbook_bytes(profile: Profile, data: dict[str, Any]) -> bytes:
    """The workbook for `data` (the input's keys; empty for a blank workbook)."""
    wb = Workbook()
    help_sheet = wb.active
    help_sheet.title = SHEET_HELP
    _help(help_sheet, profile, data)
    unit = str(data.get("金额单位") or "万元")
    _info(wb.create_sheet(SHEET_INFO), profile, data)
    optional = optional_sections(profile)
    for name, spec in profile.model.data.items():
        ws = wb.create_sheet(name[:31])
        raw = data.get(name) or {}
        title = profile.table_for_section(name).strip()
        ws["A1"] = title + (OPTIONAL_MARK if name in optional else "")
        ws["A1"].font = Font(bold=True, size=14)
        ws["A2"] = f"单位：{unit}"
        ws["A3"] = (f"灰色单元格由程序推算，可不填；填了就核对。白色单元格请按本部门{profile.model.kind}填写，"
                    + ("每个项目一行，没有项目的留空。" if spec.form == "列表" else "没有发生额的留空。"))
        if name in optional:
            ws["A3"] = f"可选内容“{optional[name]}”：在基本信息的“可选表格”中写上“{optional[name]}”才会用到本表。" + ws["A3"].value
        if spec.form == "功能分类":
            _functional(ws, profile, spec, raw)
        elif spec.form == "经济分类":
            _economic(ws, profile, name, spec, raw)
        elif spec.form == "列表":
            _records(ws, spec, raw)
        else:
            _items(ws, spec, raw)
        _protect(ws)
    if _has_performance(profile) or data.get("绩效自评表"):
        _performance(wb.create_sheet(SHEET_PERFORMANCE), profile, data.get("绩效自评表"), unit)
    for sheet, direct, change in baseline_sheets(profile):
        _baseline(wb.create_sheet(sheet), profile, direct, change, data, unit)
    _texts(wb.create_sheet(SHEET_TEXTS), profile, data)
    for sheet in fact_list_sheets(profile):
        _fact_list(wb.create_sheet(sheet.title), sheet, data.get("情况说明"), unit)
    _overview(wb.create_sheet(SHEET_OVERVIEW), data.get("概况") or {})
    _glossary(wb.create_sheet(SHEET_GLOSSARY), data.get("名词解释补充") or [])
    # the same input gives the same workbook: dates from the year, never the clock
    year = data.get("年度")
    return workbook_bytes(wb, datetime(int(year) + 1 if str(year).isdigit() else 2000, 1, 1), CREATOR)


# -- sheets ------------------------------------------------------------------------------------
def _help(ws: Worksheet, profile: Profile, data: dict[str, Any]) -> None:
    lists = [n for n, spec in profile.model.data.items() if spec.form == "列表"]
    fields = list(dict.fromkeys(f for n in lists for f in profile.model.data[n].fields))
    lines = [
        f"{profile.model.kind}录入表（模板：{profile.model.name}，{profile.model.description}）",
        "",
        "怎样填写",
        f"1. 先填“基本信息”：部门名称、年度、类型（{profile.model.kind}）；金额单位填“元”或“万元”（会计系统导出的数一般是元）。",
        "2. 每张表一个工作表，格式与公开的表格相同。只填白色单元格；灰色单元格（合计、类、款、小计等）由程序推算，可不填，填了就核对。",
        "3. 功能分类各表：在“科目编码”列填项级科目编码（7 位，如 2010301），科目名称可不填；没有发生额的科目不用列出。",
        "   也可以把编码分成“类”“款”“项”三列填写（如 201 | 03 | 01）。",
        "4. 经济分类的基本支出明细表已列出全部科目，只在“金额”列填有发生额的科目。",
        *([f"   {'、'.join(lists)}：每个项目一行，依次填{'、'.join(f'“{f}”' for f in fields)}和各项金额；"
            "灰色的合计列由程序推算；项目多于空行时可插入行。"] if lists else []),
        "5. 金额可以是数字，也可以是文字形式的数字（如 1,234.56）；可以用公式，保存时 Excel 会记下计算结果。",
        "6. “上年数”工作表：每个比较项填“上年数”或“比上年增减”（本年减上年，可为负数）其中一个即可；",
        "   也可以不填，改用 gen-report 的 --prev 选项（或在基本信息中填“上年文件”）从上年的录入文件中取数。",
        "7. “年初预算数”工作表同理，填“年初预算数”或“比年初预算增减”。",
        "8. “文字说明”工作表：各比较项的变动原因、补充说明，以及情况说明所需的数量和文字（如公务用车保有量）。",
        *([f"   情况说明中的列表各有一个工作表（{'、'.join(s.title for s in fact_list_sheets(profile))}）：每条一行，"
           "每个字段一列。"] if fact_list_sheets(profile) else []),
        "9. “概况”工作表：主要职责（每条一行）、机构设置（每个机构一行）、单位构成。“名词解释补充”：本部门增加的名词解释。",
        *_optional_help(profile),
        "",
        "检查与生成",
        "    gen-report check 录入表.xlsx      只检查，不生成文件；问题会指出工作表和单元格，如“收入决算表!D7”",
        "    gen-report 录入表.xlsx            生成 Word 文档和 Excel 表格",
        "    gen-report convert 录入表.xlsx -o 部门数据.yaml   转换为 YAML 输入文件",
        "",
        "详细说明见 docs/Excel录入.md。",
    ]
    for i, line in enumerate(lines, start=1):
        ws.cell(i, 1, line)
    ws["A1"].font = Font(bold=True, size=14)
    ws.column_dimensions["A"].width = 120


def _optional_help(profile: Profile) -> list[str]:
    """How to switch on the profile's 可选内容, each with what it adds and where it is filled."""
    if not profile.model.optional:
        return []
    optional = optional_sections(profile)
    lines = [f"10. 可选内容：本模板还有以下可选的表格和段落，需要的在“基本信息”的“{OPTIONAL_KEY}”中写上名称"
             f"（多个名称之间用“{OPTIONAL_SEPARATOR}”分隔，如“{OPTIONAL_SEPARATOR.join(list(profile.model.optional)[:2])}”），"
             "不选的不用填写："]
    for name, spec in profile.model.optional.items():
        sheets = [s for s, n in optional.items() if n == name]
        if spec.performance:
            sheets.append(f"{SHEET_PERFORMANCE}（{spec.performance}）")
        if name in (profile.model.facts or {}):  # its 情况说明 fields: a list's own sheet, the rest as rows
            sheets += [s.title for s in fact_list_sheets(profile) if s.path[0] == name]
            sheets.append(f"{SHEET_TEXTS}（{name}.…各行）")
        where = f"；填写：{'、'.join(sheets)}" if sheets else ""
        lines.append(f"    {name}：{spec.description or name}{where}{'（默认启用）' if spec.default else ''}")
    lines.append("    标有“（可选：…）”的工作表只在选用后才需要填写。")
    return lines


def _has_performance(profile: Profile) -> bool:
    return any(spec.performance for spec in profile.model.optional.values())


def _header(ws: Worksheet, row: int, labels: list[str], widths: list[float] | None = None) -> None:
    for c, label in enumerate(labels, start=1):
        cell = ws.cell(row, c, label)
        cell.font = BOLD
        cell.fill = HEADER
        cell.border = BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if widths:
            ws.column_dimensions[get_column_letter(c)].width = widths[c - 1]


def _put(ws: Worksheet, row: int, col: int, value: Any, derived: bool = False, amount: bool = False,
         text: bool = False) -> None:
    cell = ws.cell(row, col, cell_value(value) if value is not None else None)
    cell.border = BOX
    if derived:
        cell.fill = DERIVED
    else:
        cell.protection = INPUT
    if amount:
        cell.number_format = AMOUNT_FORMAT
    if text:
        cell.number_format = "@"  # codes stay text: 2010301 must not become a number
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _info(ws: Worksheet, profile: Profile, data: dict[str, Any]) -> None:
    _header(ws, 1, [H_ITEM, H_CONTENT, H_NOTE], [22, 40, 70])
    notes = {"部门名称": "必填", "年度": "必填，如 2023", "类型": "必填：决算 或 预算", "模板": "一般不填，按年度自动选择",
             "金额单位": "元 或 万元（不填为万元）", "上年文件": "可不填：上年的录入文件（与本文件在同一文件夹时只写文件名）"}
    row = 2
    for key in INFO_KEYS:
        _put(ws, row, 1, key, derived=True)
        _put(ws, row, 2, data.get(key))
        _put(ws, row, 3, notes[key], derived=True)
        row += 1
    if data.get(TOLERANCE_KEY) is not None or profile.model.tolerance_max:
        _put(ws, row, 1, TOLERANCE_KEY, derived=True)
        _put(ws, row, 2, data.get(TOLERANCE_KEY))
        _put(ws, row, 3, f"可不填：本文档的勾稽容差（模板为 {profile.model.tolerance}，"
             f"最多放宽到 {profile.model.tolerance_max or profile.model.tolerance}）", derived=True)
        row += 1
    known = list(profile.model.optional)
    if known or data.get(OPTIONAL_KEY) is not None:
        chosen = data.get(OPTIONAL_KEY)
        _put(ws, row, 1, OPTIONAL_KEY, derived=True)
        _put(ws, row, 2, OPTIONAL_SEPARATOR.join(str(n) for n in chosen) if isinstance(chosen, list) else chosen,
             text=True)
        _put(ws, row, 3, f"可不填：选用的可选内容，多个名称之间用“{OPTIONAL_SEPARATOR}”分隔"
             + (f"。本模板的可选内容：{OPTIONAL_SEPARATOR.join(known)}" if known else ""), derived=True)
        row += 1
    style = dict(flatten(data.get("样式") or {}, "样式"))
    bools = style_bool_paths()
    for path in dict.fromkeys(style_paths() + list(style)):
        _put(ws, row, 1, path, derived=True)
        _put(ws, row, 2, style.get(path))
        _put(ws, row, 3, "样式（可不填）" + ("：是 或 否" if path in bools else ""), derived=True)
        row += 1
    v = DataValidation(type="list", formula1='"元,万元"', allow_blank=True)
    v.error, v.errorTitle = "金额单位只能是“元”或“万元”", "金额单位"
    ws.add_data_validation(v)
    v.add("B6")
    _protect(ws)


def _functional(ws: Worksheet, profile: Profile, spec: DataSection, raw: dict[str, Any]) -> None:
    catalogue = profile.catalogues["功能分类"]
    columns = list(spec.columns)
    _header(ws, FIRST, [H_CODE, H_NAME, *columns], [14, 36] + [16] * len(columns))
    total = raw.get("合计") or {}
    _put(ws, FIRST + 1, 1, None, derived=True)
    _put(ws, FIRST + 1, 2, "合计", derived=True)
    for c, column in enumerate(columns, start=3):
        _put(ws, FIRST + 1, c, total.get(column), derived=True, amount=True)
    row = FIRST + 2
    codes = [c for c in raw if c != "合计"]
    for code in codes:
        values = raw.get(code) or {}
        leaf = len(code) == 7
        _put(ws, row, 1, code, text=True)
        _put(ws, row, 2, values.get("科目名称") or catalogue.names.get(code, ""), text=True)
        for c, column in enumerate(columns, start=3):
            derived = bool(spec.columns[column]) or not leaf
            _put(ws, row, c, values.get(column), derived=derived, amount=True)
        row += 1
    last = row + BLANK_ROWS - 1
    for r in range(row, last + 1):
        _put(ws, r, 1, None, text=True)
        _put(ws, r, 2, None, text=True)
        for c, column in enumerate(columns, start=3):
            _put(ws, r, c, None, derived=bool(spec.columns[column]), amount=True)
    _code_validation(ws, f"A{FIRST + 2}:A{last}", (3, 7))
    inputs = [c for c, column in enumerate(columns, start=3) if not spec.columns[column]]
    for c in inputs:
        _amount_validation(ws, f"{get_column_letter(c)}{FIRST + 2}:{get_column_letter(c)}{last}")
    ws.freeze_panes = ws.cell(FIRST + 1, 3)


def _economic_groups(profile: Profile, name: str, spec: DataSection) -> list[tuple[list[str], list[str]]]:
    """The published table's side-by-side groups: (classes, totals under them)."""
    groups: list[tuple[list[str], list[str]]] = []
    for table in profile.model.tables:
        if table.data != name:
            continue
        for side in (table.left, table.right):
            if side is None:
                continue
            classes = [c for r in side.rows for c in (r.econ_classes or [])]
            totals = [t for r in side.footer for t in r.values if t and t.startswith(name + ".")]
            if classes:
                groups.append((classes, [t[len(name) + 1:] for t in totals]))
    if not groups:
        groups = [(list(spec.scope), [])]
    placed = {t for _, ts in groups for t in ts}
    groups[-1][1].extend(t for t in spec.totals if t not in placed)
    return groups


def _economic(ws: Worksheet, profile: Profile, name: str, spec: DataSection, raw: dict[str, Any]) -> None:
    catalogue = profile.catalogues["经济分类"]
    groups = _economic_groups(profile, name, spec)
    extra: dict[str, str] = {}
    amounts: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, dict):
            if value.get("科目名称"):
                extra[key] = str(value["科目名称"])
            value = value.get("金额")
        amounts[key] = value
    for g, (classes, totals) in enumerate(groups):
        col = 1 + g * 3
        for c, (label, width) in enumerate(((H_CODE, 12), (H_NAME, 30), (H_AMOUNT, 16))):
            cell = ws.cell(FIRST, col + c, label)
            cell.font, cell.fill, cell.border = BOLD, HEADER, BOX
            ws.column_dimensions[get_column_letter(col + c)].width = width
        codes = [c for c in set(catalogue.names) | set(amounts) | set(extra)
                 if c[:3] in classes and c.isdigit()]
        codes.sort(key=lambda c: (classes.index(c[:3]), c))
        row = FIRST + 1
        for code in codes:
            derived = len(code) == 3
            _put(ws, row, col, code, derived=True, text=True)
            _put(ws, row, col + 1, extra.get(code) or catalogue.names.get(code, ""), derived=True, text=True)
            _put(ws, row, col + 2, amounts.get(code), derived=derived, amount=True)
            if not derived:
                _amount_validation(ws, ws.cell(row, col + 2).coordinate)
            row += 1
        for total in totals:
            _put(ws, row, col, total, derived=True)
            _put(ws, row, col + 1, None, derived=True)
            _put(ws, row, col + 2, amounts.get(total), derived=True, amount=True)
            row += 1
    ws.freeze_panes = ws.cell(FIRST + 1, 1)


def _grid(spec: DataSection) -> tuple[list[str], list[str], bool] | None:
    """A grid when the items cross fully: 预算数/决算数 × items (the first part is the column),
    or rows × columns named by the last part (罚没收入.其中.一般罚没收入 × 纳入预算管理已缴国库).
    Returns (columns, rows, whether the column comes first in a key)."""
    keys = list(spec.items)
    if not keys or any("." not in k for k in keys):
        return None
    for first in (True, False):
        pairs = [tuple(k.split(".", 1)) if first else tuple(reversed(k.rsplit(".", 1))) for k in keys]
        if first and any("." in rest for _, rest in pairs):
            continue
        groups = list(dict.fromkeys(g for g, _ in pairs))
        rows = list(dict.fromkeys(r for _, r in pairs))
        if len(groups) >= 2 and len(groups) * len(rows) == len(set(pairs)) == len(keys):
            return groups, rows, first
    return None


def _items(ws: Worksheet, spec: DataSection, raw: dict[str, Any]) -> None:
    flat = {k: v for k, v in flatten(raw, "")}
    grid = _grid(spec)
    if grid:
        groups, rows, first = grid
        _header(ws, FIRST, [H_ITEM, *groups], [28 if first else 40] + [16] * len(groups))
        for r, item in enumerate(rows, start=FIRST + 1):
            _put(ws, r, 1, item, derived=True)
            for c, group in enumerate(groups, start=2):
                key = f"{group}.{item}" if first else f"{item}.{group}"
                derived = bool(spec.items[key])
                _put(ws, r, c, flat.get(key), derived=derived, amount=True)
                if not derived:
                    _amount_validation(ws, ws.cell(r, c).coordinate)
        return
    _header(ws, FIRST, [H_ITEM, H_DETAIL, H_AMOUNT], [28, 28, 16])
    for r, key in enumerate(spec.items, start=FIRST + 1):
        head, _, rest = key.partition(".")
        derived = bool(spec.items[key])
        _put(ws, r, 1, head, derived=True)
        _put(ws, r, 2, rest or None, derived=True)
        _put(ws, r, 3, flat.get(key), derived=derived, amount=True)
        if not derived:
            _amount_validation(ws, f"C{r}")


def _records(ws: Worksheet, spec: DataSection, raw: Any) -> None:
    """A 列表 section: one row per record (project), its text fields then its amounts."""
    records = [r for r in raw if isinstance(r, dict)] if isinstance(raw, list) else []
    fields, columns = list(spec.fields), list(spec.columns)
    _header(ws, FIRST, [*fields, *columns],
            [40 if i == 0 else 60 if f.startswith("绩效") else 20 for i, f in enumerate(fields)]
            + [16] * len(columns))
    first, last = FIRST + 1, FIRST + len(records) + LIST_BLANK_ROWS
    for r in range(first, last + 1):
        record = records[r - first] if r - first < len(records) else {}
        for c, key in enumerate(fields, start=1):
            _put(ws, r, c, record.get(key), text=True)
        for c, column in enumerate(columns, start=len(fields) + 1):
            _put(ws, r, c, record.get(column), derived=bool(spec.columns[column]), amount=True)
    for c, column in enumerate(columns, start=len(fields) + 1):
        if not spec.columns[column]:
            letter = get_column_letter(c)
            _amount_validation(ws, f"{letter}{first}:{letter}{last}")
    ws.freeze_panes = ws.cell(first, 2)


PERF_BLANK_INDICATORS = 8  # empty indicator rows in a blank block


def _layout_fields(profile: Profile, record: dict[str, Any]) -> list[tuple[tuple[str, ...], Any, bool]]:
    """The rows a region's 绩效自评表版式 adds to a block: 表头.主管部门, 资金来源.财政拨款.年度预算数 …"""
    layout = profile.model.performance_layout

    def get(*path: str) -> Any:
        value: Any = record
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        return value

    rows = [(("表头", f), get("表头", f), False) for f in layout.header_fields]
    rows += [(("资金来源", f, k), get("资金来源", f, k), True) for f in layout.funds for k in PERF_AMOUNTS]
    rows += [(("文字", f), get("文字", f), False) for f in layout.texts]
    return rows


def _performance(ws: Worksheet, profile: Profile, raw: Any, unit: str) -> None:
    """绩效自评表: one block per table (each project, and the department as a whole): the
    table's fields, then one row per indicator. The 预算执行率, its score, the total and the
    grade are derived (performance.py), so they have no cells."""
    raw = raw if isinstance(raw, dict) else {}
    projects = [r for r in raw.get("项目") or [] if isinstance(r, dict)]
    department = raw.get("部门整体") if isinstance(raw.get("部门整体"), dict) else None
    kinds = {spec.performance for spec in profile.model.optional.values() if spec.performance}
    blocks: list[tuple[str, dict[str, Any]]] = [("项目", r) for r in projects]
    if department:
        blocks.append(("部门整体", department))
    if "项目" in kinds or projects:
        blocks.append(("项目", {}))  # a blank block to fill (copy it for more projects)
    if ("部门整体" in kinds or department) and not department:
        blocks.append(("部门整体", {}))
    ws["A1"] = SHEET_PERFORMANCE + OPTIONAL_MARK
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = f"年度预算数、执行数单位：{unit}；分值、得分为分数（各指标分值与预算执行率分值合计 100）。"
    ws["A3"] = ("每张自评表一块：“自评表类别”填“项目”（项目支出绩效自评表，每个项目一块）或“部门整体”；"
                "再填各项和每个指标一行。预算执行率及其得分、总分和自评等级由程序推算，不用填写。"
                "项目多于空块时，复制一个空块粘贴在下方。")
    # the indicator columns, then one per text the profile's 指标列 print ("文字.偏差原因分析及改进措施")
    texts = [f"{PERF_TEXT}.{name}" for name in profile.model.performance_layout.indicator_texts]
    for c, width in enumerate((16, 24, 24, 20, 20, 10, 10, *[30] * len(texts)), start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    notes = {"名称": "必填", "年度预算数": f"金额（{unit}）", "执行数": f"金额（{unit}）",
             "预算执行率分值": "不填为 10", "偏差原因": "可不填：偏差原因及改进措施"}
    kind_cells: list[str] = []
    row = FIRST + 1
    for kind, record in blocks:
        _header(ws, row, [PERF_KIND])
        _put(ws, row, 2, kind)
        kind_cells.append(f"B{row}")
        _put(ws, row, 3, "（预算执行率、总分、自评等级由程序推算）", derived=True)
        row += 1
        for key in PERF_FIELDS:
            _put(ws, row, 1, key, derived=True)
            _put(ws, row, 2, record.get(key), amount=key in PERF_AMOUNTS, text=key not in PERF_AMOUNTS)
            _put(ws, row, 3, notes[key], derived=True)
            if key in PERF_AMOUNTS:
                _amount_validation(ws, f"B{row}")
            row += 1
        for path, value, is_amount in _layout_fields(profile, record):  # the profile's 绩效自评表版式
            _put(ws, row, 1, ".".join(path), derived=True)
            _put(ws, row, 2, value, amount=is_amount, text=not is_amount)
            _put(ws, row, 3, f"金额（{unit}）" if is_amount else "文字", derived=True)
            if is_amount:
                _amount_validation(ws, f"B{row}")
            row += 1
        _header(ws, row, [*PERF_COLUMNS, *texts])
        row += 1
        indicators = [i for i in record.get("指标") or [] if isinstance(i, dict)]
        for r in range(max(len(indicators) + 2, PERF_BLANK_INDICATORS)):
            indicator = indicators[r] if r < len(indicators) else {}
            for c, key in enumerate(PERF_COLUMNS, start=1):
                _put(ws, row, c, indicator.get(key), text=c <= 5)
            own = indicator.get(PERF_TEXT) if isinstance(indicator.get(PERF_TEXT), dict) else {}
            for c, key in enumerate(texts, start=len(PERF_COLUMNS) + 1):
                _put(ws, row, c, own.get(key.split(".", 1)[1]), text=True)
            row += 1
        row += 1
    v = DataValidation(type="list", formula1=f'"{",".join(PERF_KINDS)}"', allow_blank=True)
    v.error, v.errorTitle = "自评表类别只能是“项目”或“部门整体”", PERF_KIND
    ws.add_data_validation(v)
    for ref in kind_cells:
        v.add(ref)
    _protect(ws)


BASELINE_BLANK_ROWS = 20


def _baseline(ws: Worksheet, profile: Profile, direct: str, change: str | None, data: dict[str, Any],
              unit: str) -> None:
    ws["A1"] = f"{direct}（情况说明中与本年比较的数，单位：{unit}）"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = ((f"每个比较项填“{direct}”或“{change}”其中一个即可（{change} = 本年数 − {direct}，可为负数）；"
                 "都填时程序核对二者是否一致。") if change else f"每个比较项填“{direct}”。") + \
        "按科目比较时，比较项写科目编码（如 2010301）或“表名.编码”。"
    keys = [direct, change] if change else [direct]
    _header(ws, 3, [H_COMPARISON, *keys], [30, 18, 18][: 1 + len(keys)])
    given = {k: {item: v for item, v, _ in flat_entries(data.get(k))} for k in keys}
    items = list(dict.fromkeys(list(profile.model.comparisons) + [i for k in keys for i in given[k]]))
    last = 3 + len(items) + BASELINE_BLANK_ROWS  # blank rows for 科目 codes
    for r, item in enumerate(items + [None] * BASELINE_BLANK_ROWS, start=4):
        named = item in profile.model.comparisons
        _put(ws, r, 1, item, derived=named, text=not named)
        for c, key in enumerate(keys, start=2):
            _put(ws, r, c, given[key].get(item) if item else None, amount=True)
    _amount_validation(ws, f"B4:B{last}")
    if change:
        _amount_validation(ws, f"C4:C{last}", negative=True)
    _protect(ws)


def _texts(ws: Worksheet, profile: Profile, data: dict[str, Any]) -> None:
    ws["A1"] = "文字说明（变动原因、补充说明；情况说明所需的数量和文字）"
    ws["A1"].font = Font(bold=True, size=14)
    _header(ws, 2, [H_COMPARISON, *TEXT_KEYS], [34, 70, 70, 50])
    given = {k: data.get(k) or {} for k in TEXT_KEYS}
    items = list(dict.fromkeys(list(profile.model.comparisons) + [i for k in TEXT_KEYS for i in given[k]]))
    row = 3
    for item in items:
        _put(ws, row, 1, item, derived=True)
        for c, key in enumerate(TEXT_KEYS, start=2):
            _put(ws, row, c, given[key].get(item), text=True)
        row += 1
    row += 1
    _header(ws, row, [H_NARRATIVE, H_CONTENT, H_NOTE])
    row += 1
    flat = dict(flatten(data.get("情况说明") or {}, ""))
    lists = fact_list_sheets(profile)  # on sheets of their own
    for path in dict.fromkeys(narrative_paths(profile) + list(flat)):
        if in_fact_list(path, lists):
            continue
        _put(ws, row, 1, path, derived=True)
        _put(ws, row, 2, flat.get(path), text=isinstance(flat.get(path), str))
        note = ("列表项的序号（如 项目.1、项目.2）可以增加；可在下方空行中增加项目" if ".1." in path or path.endswith(".1")
                else None)
        if path.split(".")[0] in profile.model.optional:
            note = (note + "。" if note else "") + f"可选内容“{path.split('.')[0]}”{OPTIONAL_MARK}"
        _put(ws, row, 3, note, derived=True)
        row += 1
    for r in range(row, row + 20):
        _put(ws, r, 1, None)
        _put(ws, r, 2, None)
    _protect(ws)


def _fact_list(ws: Worksheet, sheet: FactListSheet, facts: Any, unit: str) -> None:
    """A declared 列表 of 情况说明 (项目情况 …): one record per row, its fields as columns."""
    records: Any = facts
    for key in sheet.path:
        records = records.get(key) if isinstance(records, dict) else None
    records = [r for r in records if isinstance(r, dict)] if isinstance(records, list) else []
    ws["A1"] = f"情况说明：{'.'.join(sheet.path)}（每条一行，没有的留空；可插入行）"
    ws["A1"].font = Font(bold=True, size=14)
    required = "、".join(f"“{c}”" for c in sheet.required)
    ws["A2"] = (f"金额单位：{unit}。" if "金额" in sheet.kinds else "") + (f"每条必填：{required}。" if required else "") + \
        ("“段落”列的多段文字在单元格内换行（Alt+Enter）。" if "段落" in sheet.kinds else "")
    _header(ws, 3, list(sheet.columns), [40 if k in ("文字", "段落") else 16 for k in sheet.kinds])
    first, last = 4, 3 + len(records) + LIST_BLANK_ROWS
    for r in range(first, last + 1):
        record = records[r - first] if r - first < len(records) else {}
        for c, (column, kind) in enumerate(zip(sheet.columns, sheet.kinds, strict=True), start=1):
            value: Any = record
            for key in column.split("."):
                value = value.get(key) if isinstance(value, dict) else None
            if kind == "段落" and isinstance(value, list):
                value = "\n".join(str(v) for v in value)
            _put(ws, r, c, value, amount=kind == "金额", text=kind in ("文字", "段落", "日期"))
    for c, kind in enumerate(sheet.kinds, start=1):
        if kind == "金额":
            letter = get_column_letter(c)
            _amount_validation(ws, f"{letter}{first}:{letter}{last}")
    ws.freeze_panes = ws.cell(first, 2)
    _protect(ws)


def _overview(ws: Worksheet, overview: dict[str, Any]) -> None:
    ws["A1"] = "第一部分 概况：主要职责每条一行，机构设置每个机构一行（序号由程序加）"
    ws["A1"].font = Font(bold=True, size=14)
    _header(ws, 2, [H_CATEGORY, H_NAME.replace("科目", ""), H_CONTENT], [16, 24, 100])
    duties = overview.get("主要职责") or {}
    rows: list[tuple[str, Any, Any]] = []
    if duties.get("引言") is not None:
        rows.append((OV_INTRO, None, duties["引言"]))
    rows += [(OV_DUTY, None, item) for item in duties.get("条目") or []]
    for body in overview.get("机构设置") or []:
        rows.append((OV_BODY, body, None) if isinstance(body, str) else (OV_BODY, body.get("名称"), body.get("职责")))
    if overview.get("机构设置说明") is not None:
        rows.append((OV_BODY_NOTE, None, overview["机构设置说明"]))
    if overview.get("单位构成") is not None:
        rows.append((OV_COMPOSITION, None, overview["单位构成"]))
    if not rows:
        rows = [(OV_INTRO, None, None), (OV_DUTY, None, None), (OV_DUTY, None, None), (OV_BODY, None, None),
                (OV_BODY, None, None), (OV_BODY_NOTE, None, None), (OV_COMPOSITION, None, None)]
    row = 3
    for category, name, text in rows:
        _put(ws, row, 1, category)
        _put(ws, row, 2, name, text=True)
        _put(ws, row, 3, text, text=True)
        row += 1
    v = DataValidation(type="list", formula1=f'"{OV_INTRO},{OV_DUTY},{OV_BODY},{OV_BODY_NOTE},{OV_COMPOSITION}"',
                       allow_blank=True)
    ws.add_data_validation(v)
    v.add(f"A3:A{row + 40}")


def _glossary(ws: Worksheet, items: list[dict[str, Any]]) -> None:
    ws["A1"] = "名词解释补充：本部门在标准名词解释之外增加的名词（可不填）"
    ws["A1"].font = Font(bold=True, size=14)
    _header(ws, 2, [H_TERM, H_EXPLANATION], [24, 100])
    for r, item in enumerate(items, start=3):
        _put(ws, r, 1, item.get("术语"), text=True)
        _put(ws, r, 2, item.get("解释"), text=True)


# -- validation and protection -----------------------------------------------------------------
def _code_validation(ws: Worksheet, ref: str, lengths: tuple[int, int]) -> None:
    v = DataValidation(type="textLength", operator="between", formula1=str(lengths[0]), formula2=str(lengths[1]),
                       allow_blank=True)
    v.errorTitle = "科目编码"
    v.error = "科目编码应为 3、5 或 7 位数字（类、款、项）"
    v.promptTitle, v.prompt = "科目编码", "填项级科目编码，如 2010301"
    ws.add_data_validation(v)
    v.add(ref)


def _amount_validation(ws: Worksheet, ref: str, negative: bool = False) -> None:
    if negative:
        v = DataValidation(type="decimal", operator="between", formula1="-10000000000000",
                           formula2="10000000000000", allow_blank=True)
        v.error = "请填数字（可为负数）"
    else:
        v = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        v.error = "金额应为不小于 0 的数字"
    v.errorTitle = "金额"
    ws.add_data_validation(v)
    v.add(ref)


def _protect(ws: Worksheet) -> None:
    """Derived cells locked, inputs unlocked; no password, so an officer who must change the
    layout can lift the protection (审阅 → 撤消工作表保护)."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.insertRows = False
    ws.protection.deleteRows = False
    ws.protection.sort = False
    ws.protection.autoFilter = False


