"""The PDF path: LibreOffice converts the .docx; page count, the four parts' text, tables
inside the page. Skipped only on a developer machine without LibreOffice; under CI=true a
missing LibreOffice is a failure (.ci/run installs it)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from generator.build import build_report
from generator.options import RunOptions
from generator.readback.docx import docx_tables
from generator.writers.pdf import soffice

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "data/examples").glob("*.yaml"))


@pytest.fixture(scope="module")
def need_libreoffice() -> None:
    if soffice() and shutil.which("pdftotext") and shutil.which("pdfinfo"):
        return
    if os.environ.get("CI"):
        pytest.fail("CI=true but LibreOffice (soffice) or poppler-utils is missing: .ci/run must install them")
    pytest.skip("LibreOffice (soffice) or poppler-utils not installed")


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory, need_libreoffice: None) -> dict[str, dict[str, Path]]:
    out: dict[str, dict[str, Path]] = {}
    for example in EXAMPLES:
        result = build_report(example, RunOptions(out_dir=tmp_path_factory.mktemp("pdf"), pdf=True))
        out[example.name] = {p.suffix: p for p in result.outputs}
    return out


def _text(pdf: Path, *extra: str) -> str:
    return subprocess.run(["pdftotext", *extra, str(pdf), "-"], capture_output=True, check=True,
                          text=True).stdout


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


@pytest.mark.parametrize("example", [e.name for e in EXAMPLES])
def test_pdf_written_with_the_other_outputs(pdfs: dict, example: str) -> None:
    files = pdfs[example]
    assert set(files) == {".docx", ".xlsx", ".pdf"}
    assert files[".pdf"].stem == files[".docx"].stem
    assert files[".pdf"].read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize("example", [e.name for e in EXAMPLES])
def test_pdf_pages_and_four_parts(pdfs: dict, example: str) -> None:
    pdf = pdfs[example][".pdf"]
    word = docx.Document(str(pdfs[example][".docx"]))
    headings = [p.text for p in word.paragraphs if p.style.name == "部分标题"]
    titles = [p.text for p in word.paragraphs if p.style.name == "表标题"]
    assert len(headings) == 4
    # cover, 目录, one page per part heading at least, and every table starts a page
    assert _pages(pdf) >= 2 + len(titles) + 3
    text = re.sub(r"\s+", "", _text(pdf))
    for heading in headings + titles:
        assert re.sub(r"\s+", "", heading) in text, heading
    last = word.paragraphs[-1].text  # the last glossary entry: nothing lost at the end
    assert re.sub(r"\s+", "", last)[-20:] in text


def _sections(word: docx.document.Document) -> list[tuple[object, list[object]]]:
    """(sectPr, the tables inside that section), in order."""
    out, tables = [], []
    for child in word.element.body:
        if child.tag == qn("w:tbl"):
            tables.append(child)
        elif child.tag == qn("w:p"):
            sect = child.find(f"{qn('w:pPr')}/{qn('w:sectPr')}")
            if sect is not None:
                out.append((sect, tables))
                tables = []
        elif child.tag == qn("w:sectPr"):
            out.append((child, tables))
    return out


@pytest.mark.parametrize("example", [e.name for e in EXAMPLES])
def test_every_table_fits_its_page(pdfs: dict, example: str) -> None:
    word = docx.Document(str(pdfs[example][".docx"]))
    checked = 0
    for sect, tables in _sections(word):
        size, margin = sect.find(qn("w:pgSz")), sect.find(qn("w:pgMar"))
        usable = int(size.get(qn("w:w"))) - int(margin.get(qn("w:left"))) - int(margin.get(qn("w:right")))
        for tbl in tables:
            width = sum(int(c.get(qn("w:w"))) for c in tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol")))
            assert width <= usable, f"table {checked + 1}: {width} > {usable} twips"
            checked += 1
    assert checked == len(word.tables) > 0


@pytest.mark.parametrize("example", [e.name for e in EXAMPLES])
def test_no_text_beyond_the_page_edge(pdfs: dict, example: str) -> None:
    html = _text(pdfs[example][".pdf"], "-bbox")
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, re.S)
    assert pages
    for n, (width, height, body) in enumerate(pages, start=1):
        for x0, y0, x1, y1, word in re.findall(
                r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">(.*?)</word>', body):
            assert 0 <= float(x0) and float(x1) <= float(width), f"page {n}: “{word}” at x {x0}–{x1}"
            assert 0 <= float(y0) and float(y1) <= float(height), f"page {n}: “{word}” at y {y0}–{y1}"


def test_pdf_dates_come_from_the_input_and_content_is_stable(pdfs: dict, tmp_path: Path) -> None:
    """LibreOffice embeds the CJK fonts as Type 1 programs encrypted with random bytes, so two
    conversions never give identical bytes (docs/PDF与字体.md); dates and the file ID are
    fixed, and the text is the same."""
    example = EXAMPLES[0]
    again = {p.suffix: p for p in build_report(example, RunOptions(out_dir=tmp_path, pdf=True)).outputs}[".pdf"]
    first = pdfs[example.name][".pdf"]
    assert _text(first) == _text(again)
    info = subprocess.run(["pdfinfo", "-isodates", str(first)], capture_output=True, text=True,
                          check=True).stdout
    year = int(re.search(r"^年度:\s*(\d{4})", example.read_text(encoding="utf-8"), re.M).group(1))
    assert re.search(rf"^CreationDate:\s+{year + 1}-01-01T00:00:00", info, re.M)
    ids = [re.search(rb"/ID\s*\[\s*<([0-9A-F]+)>", p.read_bytes()).group(1) for p in (first, again)]
    assert ids[0] == ids[1]


def test_missing_libreoffice_is_a_clear_message(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEN_REPORT_SOFFICE", str(tmp_path / "没有这个程序"))
    code, out, err = run(EXAMPLES[0], "-o", tmp_path / "out", "--pdf")
    assert code == 1
    assert "[错误] 未找到 LibreOffice（soffice 程序），无法生成 PDF" in err
    assert err.rstrip().endswith("未生成任何文件。")
    assert not (tmp_path / "out").exists()


def test_official_fonts_fall_back_to_noto_cjk_by_kind(pdfs: dict) -> None:
    """仿宋/宋体/楷体/小标宋 → Noto Serif CJK, 黑体 → Noto Sans CJK (docs/PDF与字体.md)."""
    fonts = subprocess.run(["pdffonts", str(pdfs[EXAMPLES[0].name][".pdf"])], capture_output=True,
                           text=True, check=True).stdout
    assert "NotoSerifCJK" in fonts and "NotoSansCJK" in fonts


def test_batch_pdf_converts_every_department(run, tmp_path: Path, need_libreoffice: None) -> None:
    code, out, _ = run("batch", *EXAMPLES, "-j", "2", "-o", tmp_path, "--pdf")
    assert code == 0
    pdfs = sorted(p.name for p in tmp_path.glob("*.pdf"))
    assert len(pdfs) == len(EXAMPLES)
    for pdf in tmp_path.glob("*.pdf"):
        assert pdf.with_suffix(".docx").exists() and pdf.with_suffix(".xlsx").exists()
        assert _pages(pdf) > 10


def test_batch_pdf_without_libreoffice_writes_nothing(run, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEN_REPORT_SOFFICE", str(tmp_path / "没有这个程序"))
    code, _, err = run("batch", *EXAMPLES, "-o", tmp_path / "out", "--pdf")
    assert code == 1
    assert "未找到 LibreOffice" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("example", [e.name for e in EXAMPLES])
def test_toc_on_page_two_lists_every_part_with_its_page(pdfs: dict, example: str) -> None:
    """The 目录 is filled in the PDF (no “更新域” placeholder): page 2 lists every part title
    followed by the page the part starts on, as the page footers number them."""
    pdf = pdfs[example][".pdf"]
    word = docx.Document(str(pdfs[example][".docx"]))
    parts = [re.sub(r"\s+", "", p.text) for p in word.paragraphs if p.style.name == "部分标题"]
    toc = re.sub(r"\s+", "", _text(pdf, "-f", "2", "-l", "2"))
    assert "更新域" not in toc
    pages = _text(pdf).split("\f")
    for part in parts:
        m = re.search(re.escape(part) + r"[.…·]*(\d+)", toc)
        assert m, f"目录 lacks {part} with a page number"
        # the page whose footer prints that number holds the part heading
        shown = int(m.group(1))
        holder = next(page for page in pages[2:] if re.search(rf"—\s*{shown}\s*—", page))
        assert part in re.sub(r"\s+", "", holder), (part, shown)
    # the .docx carries the same page numbers in its 目录 (Word/WPS show them without updating)
    entries = [p.text for p in word.paragraphs if p.style.name.startswith("toc")]
    assert all(re.fullmatch(r".+\t\d+", e) for e in entries), entries


@pytest.fixture(scope="module")
def chart_pdf(tmp_path_factory: pytest.TempPathFactory, need_libreoffice: None) -> Path:
    """The 2020 example with all three charts, as a PDF."""
    tmp = tmp_path_factory.mktemp("charts")
    source = tmp / "charts.yaml"
    example = ROOT / "data/examples/清远市政务服务数据管理局-2020-决算.yaml"
    source.write_text(example.read_text(encoding="utf-8") + "\n图表: [收支对比, 支出结构, 三公结构]\n",
                      encoding="utf-8")
    result = build_report(source, RunOptions(out_dir=tmp / "out", pdf=True))
    return next(p for p in result.outputs if p.suffix == ".pdf")


def _shown_images(pdf: Path) -> list[tuple[int, float, float, float]]:
    """(page, drawn height, visible height, width) of every image the PDF paints: the image's
    box from the transformation matrix at its `Do`, and that box cut by the clip path in force
    (rectangles `re … W n`, saved and restored with q/Q)."""
    from pypdf import PdfReader

    out: list[tuple[int, float, float, float]] = []
    for n, page in enumerate(PdfReader(str(pdf)).pages, start=1):
        xobjects = page.get("/Resources", {}).get("/XObject", {})
        if not xobjects:
            continue
        media = [float(v) for v in page.mediabox]
        state = {"clip": media, "rect": None, "stack": []}

        def box(x: float, y: float, w: float, h: float, cm: list[float]) -> list[float]:
            xs = [cm[0] * px + cm[2] * py + cm[4] for px, py in ((x, y), (x + w, y + h))]
            ys = [cm[1] * px + cm[3] * py + cm[5] for px, py in ((x, y), (x + w, y + h))]
            return [min(xs), min(ys), max(xs), max(ys)]

        def visit(op: bytes, args: list, cm: list[float], tm: list[float],
                  state: dict = state, xobjects: dict = xobjects, n: int = n) -> None:
            if op == b"q":
                state["stack"].append(state["clip"])
            elif op == b"Q" and state["stack"]:
                state["clip"] = state["stack"].pop()
            elif op == b"re":
                state["rect"] = box(*(float(a) for a in args), cm)
            elif op in (b"W", b"W*") and state["rect"]:
                c, r = state["clip"], state["rect"]
                state["clip"] = [max(c[0], r[0]), max(c[1], r[1]), min(c[2], r[2]), min(c[3], r[3])]
            elif op == b"Do" and xobjects.get(args[0]) is not None \
                    and xobjects[args[0]].get_object().get("/Subtype") == "/Image":
                b, c = box(0, 0, 1, 1, cm), state["clip"]
                visible = max(0.0, min(b[3], c[3]) - max(b[1], c[1]))
                out.append((n, b[3] - b[1], visible, b[2] - b[0]))

        page.extract_text(visitor_operand_before=visit)
    return out


def test_every_chart_is_drawn_at_full_height_with_its_caption(chart_pdf: Path) -> None:
    images = _shown_images(chart_pdf)
    assert len(images) == 3
    pages = _text(chart_pdf).split("\f")
    for k, (page, height, visible, width) in enumerate(images, start=1):
        # charts are drawn 16:9 (960×540 px); the whole height is visible, not a one-line strip
        assert abs(height - width * 9 / 16) < 1, (page, height, width)
        assert visible >= height - 0.5, f"图{k} on page {page}: {visible:.1f} of {height:.1f} pt shown"
        assert re.search(rf"图\s*{k}\s", pages[page - 1]), f"图{k}'s caption is not on page {page}"


TITLE_STYLES = ("文档标题", "部分标题", "一级标题", "二级标题", "三级标题", "表标题", "图题")


@pytest.mark.parametrize("example", [e.name for e in EXAMPLES])
def test_no_title_ends_with_one_character_alone_and_codes_stay_whole(pdfs: dict,
                                                                     example: str) -> None:
    pdf, word = pdfs[example][".pdf"], docx.Document(str(pdfs[example][".docx"]))
    text = _text(pdf)
    lines = [re.sub(r"\s+", "", line) for line in text.splitlines()]
    lines = [line for line in lines if line]
    titles = {re.sub(r"\s+", "", p.text) for p in word.paragraphs
              if p.style.name in TITLE_STYLES and p.text.strip()}
    checked = 0
    for title in titles:
        for i, first in enumerate(lines):
            if not (title.startswith(first) and len(first) < len(title)):
                continue
            shown, j = first, i
            while len(shown) < len(title) and j + 1 < len(lines):
                j += 1
                shown += lines[j]
            if shown == title:  # the title printed over lines i..j
                checked += 1
                assert len(lines[j]) > 1, f"“{title}” ends with “{lines[j]}” alone on a line"
    assert titles
    if "2020" in example:  # its cover title and part 3 heading need two lines each
        assert checked >= 2
    # every 7-digit 科目编码 printed whole as often as the document holds it
    code = re.compile(r"(?<!\d)\d{7}(?!\d)")
    cells = [cell for table in docx_tables(pdfs[example][".docx"]) for row in table for cell in row]
    expected: dict[str, int] = {}
    for cell in cells + [p.text for p in word.paragraphs]:
        for c in code.findall(cell):
            expected[c] = expected.get(c, 0) + 1
    found: dict[str, int] = {}
    for c in code.findall(text):
        found[c] = found.get(c, 0) + 1
    broken = {c: (n, found.get(c, 0)) for c, n in expected.items() if found.get(c, 0) < n}
    assert not broken, f"7-digit codes broken across lines (in document, whole in PDF): {broken}"


@pytest.mark.parametrize("example", [e.name for e in EXAMPLES])
def test_a_table_continued_on_the_next_page_repeats_its_header(pdfs: dict, example: str) -> None:
    word = docx.Document(str(pdfs[example][".docx"]))
    numbers = [p.text for p in word.paragraphs if p.style.name == "表号"]
    parts = [re.sub(r"\s+", "", p.text) for p in word.paragraphs if p.style.name == "部分标题"]
    tables = docx_tables(pdfs[example][".docx"])
    # the numbered tables are the body tables that follow a 表号 paragraph, in order
    headers: dict[str, list[str]] = {}
    body = word.element.body
    pending = None
    k = 0
    for child in body:
        if child.tag == qn("w:p"):
            text = "".join(t.text or "" for t in child.iter(qn("w:t")))
            if text in numbers:
                pending = text
        elif child.tag == qn("w:tbl"):
            if pending:
                headers[re.sub(r"\s+", "", pending)] = [re.sub(r"\s+", "", c) for c in tables[k][0] if c.strip()]
                pending = None
            k += 1
    continued = 0
    current = None
    for page in _text(pdfs[example][".pdf"]).split("\f"):
        flat = re.sub(r"\s+", "", page)
        lines = [re.sub(r"\s+", "", line) for line in page.splitlines() if line.strip()]
        starts = [line for line in lines if line in headers]
        if any(part in flat for part in parts[2:]):
            current = None  # the narrative: no table continues here
        elif starts:
            current = starts[-1]
        elif current and re.search(r"\d\.\d\d", flat):
            continued += 1
            missing = [h for h in headers[current] if h not in flat]
            assert not missing, f"{current} continues on a page without its header {missing}"
    if example.startswith("清远市政务服务中心"):
        assert continued >= 1  # its 表2 runs over two pages
