"""Issue 14: no silent wrong figure, never lose an officer's work. One small fixture per
failure, the exact message asserted."""

from __future__ import annotations

import os
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from generator.convert import convert_input
from generator.load_xlsx import load_workbook_input

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "docs" / "示例-最小输入.yaml"
ONE_ERROR = "共 1 个错误，0 个警告。未生成任何文件。"


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    path = tmp_path / "录入表.xlsx"
    convert_input(MINIMAL, path)
    return path


def _edit(path: Path, change) -> Path:  # noqa: ANN001
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)
    return path


# -- workbook reading without loss ------------------------------------------------------------------
def test_every_row_is_read(workbook: Path) -> None:
    def far_down(wb: openpyxl.Workbook) -> None:
        ws = wb["文字说明"]
        ws.cell(6000, 1, "三公经费.接待说明")
        ws.cell(6000, 2, "第六千行的说明")

    source = load_workbook_input(_edit(workbook, far_down))
    assert source.data["情况说明"]["三公经费"]["接待说明"] == "第六千行的说明"


def test_merged_cells_down_an_amount_column(run, workbook: Path) -> None:
    _edit(workbook, lambda wb: wb["收入决算表"].merge_cells("D6:D8"))
    code, _, err = run("check", workbook)
    assert code == 1
    assert err.splitlines() == [
        f"[错误] {workbook} 收入决算表!D6:D8：金额所在的单元格 D6:D8 是合并单元格，程序无法判断 100 属于其中哪一格",
        "    提示：请选中 D6:D8，取消单元格合并，把金额只填在它所属的那一格（其余格留空）", ONE_ERROR]


def test_merged_cells_across_two_amount_columns(run, workbook: Path) -> None:
    _edit(workbook, lambda wb: wb["支出决算表"].merge_cells("D6:E6"))
    code, _, err = run("check", workbook)
    assert code == 1
    assert err.splitlines()[0] == (f"[错误] {workbook} 支出决算表!D6:E6：金额所在的单元格 D6:E6 是合并单元格，"
                                   "程序无法判断 80 属于其中哪一格")


def test_merged_label_cells_are_fine(workbook: Path) -> None:
    def title(wb: openpyxl.Workbook) -> None:
        wb["收入决算表"].merge_cells("A1:I1")
        wb["收入决算表"].merge_cells("B6:B7")  # names merged: text, not figures

    assert load_workbook_input(_edit(workbook, title)).data["收入决算表"]["2010350"] == {"财政拨款收入": 100}


def test_renamed_sheet_is_named_with_a_suggestion(run, workbook: Path) -> None:
    _edit(workbook, lambda wb: setattr(wb["其他重要事项"], "title", "其他事项"))
    code, _, err = run("check", workbook)
    assert code == 1
    assert err.splitlines() == [
        f"[错误] {workbook} 其他事项!A1：不认识的工作表“其他事项”（其中的内容不会被使用）",
        "    提示：是否想写“其他重要事项”？请把工作表改回这个名称", ONE_ERROR]


def test_deleted_table_sheet_is_named_not_taken_from_another(run, workbook: Path) -> None:
    _edit(workbook, lambda wb: wb.remove(wb["支出决算表"]))
    code, _, err = run("check", workbook)
    assert code == 1
    # an error naming the sheet, and nothing else: the checks that need 表3 are skipped, not
    # reported as mismatches of a table of zeros
    assert err.splitlines() == [
        f"[错误] {workbook}：表3 支出决算表：工作簿中没有“支出决算表”工作表",
        "    提示：如果改过工作表的名称，请改回“支出决算表”；如果删掉了，请从 gen-report init 生成的空白录入表中"
        "把这个工作表复制回来（本表没有数据时，保留只有表头的空表）", ONE_ERROR]


def test_renamed_table_sheet_is_named_with_a_suggestion(run, workbook: Path) -> None:
    _edit(workbook, lambda wb: setattr(wb["支出决算表"], "title", "支出决算"))
    code, _, err = run("check", workbook)
    assert code == 1
    assert err.splitlines() == [
        f"[错误] {workbook} 支出决算!A1：不认识的工作表“支出决算”（其中的内容不会被使用）",
        "    提示：是否想写“支出决算表”？请把工作表改回这个名称", ONE_ERROR]


def test_a_table_sheet_renamed_beyond_recognition(run, workbook: Path) -> None:
    _edit(workbook, lambda wb: setattr(wb["支出决算表"], "title", "Sheet1"))
    code, _, err = run("check", workbook)
    assert code == 1
    assert err.splitlines() == [
        f"[错误] {workbook} Sheet1!A1：不认识的工作表“Sheet1”（其中的内容不会被使用）",
        "    提示：是否想写“支出决算表”？请把工作表改回这个名称", ONE_ERROR]


def test_deleted_sheet_of_a_table_that_may_be_empty_is_a_warning(run, workbook: Path) -> None:
    # 表7 has a “无发生额” note: officers delete the sheets of the funds they do not have
    _edit(workbook, lambda wb: wb.remove(wb["政府性基金预算财政拨款收入支出决算表"]))
    code, _, err = run("check", workbook)
    assert code == 0
    assert err.splitlines()[:2] == [
        f"[警告] {workbook}：表7 政府性基金预算财政拨款收入支出决算表：工作簿中没有“政府性基金预算财政拨款收入支出决算表”工作表，"
        "表7 政府性基金预算财政拨款收入支出决算表按没有数据处理（印“无发生额”）",
        "    提示：如果本表有数，请加回这个工作表（可用 gen-report init 生成空白录入表对照）"]


def test_empty_table_sheet_is_a_warning_naming_it(run, workbook: Path) -> None:
    def empty(wb: openpyxl.Workbook) -> None:
        ws = wb["收入决算表"]
        for row in ws.iter_rows(min_row=5, min_col=3):  # every amount; the codes and names stay
            for cell in row:
                cell.value = None

    _edit(workbook, empty)
    _, _, err = run("check", workbook)
    lines = err.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("[警告]"))
    assert lines[at:at + 2] == [
        f"[警告] {workbook} 收入决算表!A1：表2 收入决算表：“收入决算表”工作表中没有填写任何数，表2 收入决算表按没有数据处理",
        "    提示：如果本表有数，请在表头下逐行填写；本表确实没有数据时，可不理会本警告"]


def test_empty_yaml_section_is_a_warning(run, tmp_path: Path) -> None:
    text = MINIMAL.read_text(encoding="utf-8")
    start = text.index("\n支出决算表:\n") + 1
    end = text.index("\n\n", start)
    path = tmp_path / "空表.yaml"
    path.write_text(text[:start] + "支出决算表:\n" + text[end:], encoding="utf-8")
    line = text[:start].count("\n") + 1
    _, _, err = run("check", path)
    assert err.splitlines()[:2] == [
        f"[警告] {path} 第{line}行第1列：表3 支出决算表：“支出决算表”下没有填写任何数，表3 支出决算表按没有数据处理",
        "    提示：如果本表有数，请在这一行下面逐行填写；本表确实没有数据时，可删去这一行"]


def _ole(*streams: str) -> bytes:
    """The start of an OLE compound file naming `streams` (what an encrypted .xlsx or an .xls is)."""
    head = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504)
    return head + b"".join(s.encode("utf-16-le") + bytes(64 - 2 * len(s)) for s in streams) + bytes(1024)


def test_password_protected_workbook(run, tmp_path: Path) -> None:
    path = tmp_path / "加密.xlsx"
    path.write_bytes(_ole("EncryptionInfo", "EncryptedPackage"))
    code, _, err = run("check", path)
    assert code == 1
    assert err.splitlines() == [
        f"[错误] {path}：这个工作簿设置了打开密码，程序无法读取",
        "    提示：请在 Excel 或 WPS 中打开，取消“用密码进行加密”（文件→信息→保护工作簿），保存后再试", ONE_ERROR]


def test_old_excel_is_still_called_so(run, tmp_path: Path) -> None:
    path = tmp_path / "旧.xlsx"
    path.write_bytes(_ole("Workbook", "SummaryInformation"))
    _, _, err = run("check", path)
    assert err.splitlines()[0] == f"[错误] {path}：这是旧版 Excel（.xls）或 WPS 格式的文件，无法直接读取"


def test_word_document_named_xlsx(run, tmp_path: Path) -> None:
    path = tmp_path / "文档.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    _, _, err = run("check", path)
    assert err.splitlines() == [
        f"[错误] {path}：这是 Word 文档（.docx），不是 Excel 工作簿",
        "    提示：请把数据填在 Excel 录入表中（可用 gen-report init 生成空白录入表）", ONE_ERROR]


def test_pdf_named_xlsx(run, tmp_path: Path) -> None:
    path = tmp_path / "表.xlsx"
    path.write_bytes(b"%PDF-1.7\n" + bytes(100))
    _, _, err = run("check", path)
    assert err.splitlines()[0] == f"[错误] {path}：这是 PDF 文件，不是 Excel 工作簿"


def test_zip_bomb_is_refused_before_reading(run, workbook: Path) -> None:
    with zipfile.ZipFile(workbook, "a", zipfile.ZIP_DEFLATED) as z:
        with z.open("xl/media/padding.bin", "w") as f:
            block = bytes(1024 * 1024)
            for _ in range(101):
                f.write(block)
    assert workbook.stat().st_size < 2 * 1024 * 1024
    code, _, err = run("check", workbook)
    assert code == 1
    assert err.splitlines() == [
        f"[错误] {workbook}：工作簿解压后过大（xl/media/padding.bin 为 101 MB，全部共 101 MB；"
        "上限为单个部件 100 MB、全部 300 MB），未读取",
        "    提示：录入表正常只有几 MB；请确认文件来源，或删除多余的工作表、图片后另存再试", ONE_ERROR]


# -- never lose work ------------------------------------------------------------------------------
def test_init_refuses_an_existing_workbook(run, tmp_path: Path) -> None:
    target = tmp_path / "录入表.xlsx"
    target.write_bytes(b"an officer's filled workbook")
    code, _, err = run("init", "--year", "2023", "-o", target)
    assert code == 1
    assert err.splitlines() == [f"[错误] {target}：这个文件已经存在，为免覆盖已填写的内容，没有写入",
                                "    提示：请用 -o 指定一个新的文件名；确实要覆盖时，加上 --force", ONE_ERROR]
    assert target.read_bytes() == b"an officer's filled workbook"
    code, out, _ = run("init", "--year", "2023", "-o", target, "--force")
    assert code == 0 and out.strip() == f"已生成空白录入表：{target}"
    assert zipfile.is_zipfile(target)


def test_convert_refuses_an_existing_yaml(run, workbook: Path, tmp_path: Path) -> None:
    target = tmp_path / "部门数据.yaml"
    target.write_text("# 手写的文件\n", encoding="utf-8")
    code, _, err = run("convert", workbook, "-o", target)
    assert code == 1
    assert err.splitlines()[0] == f"[错误] {target}：这个文件已经存在，为免覆盖已填写的内容，没有写入"
    assert target.read_text(encoding="utf-8") == "# 手写的文件\n"
    assert run("convert", workbook, "-o", target, "--force")[0] == 0
    assert target.read_text(encoding="utf-8").startswith("#") and "部门名称" in target.read_text(encoding="utf-8")


# -- no formula injection in any workbook the tool writes -------------------------------------------
DANGEROUS = ['=HYPERLINK("http://example.invalid","点击")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1)"]


def _injected(tmp_path: Path) -> Path:
    import yaml

    data = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    data["部门名称"] = DANGEROUS[0]
    data["概况"]["机构设置"] = [{"名称": text, "职责": text} for text in DANGEROUS]
    data["概况"]["单位构成"] = DANGEROUS[1]
    path = tmp_path / "注入.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _cells(path: Path) -> list[tuple[str, object, str]]:
    """Every cell holding officer text, with openpyxl's reading of its type; and no <f> in the XML."""
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = z.read(name).decode("utf-8")
                assert "<f>" not in xml and "<f " not in xml, f"{path.name} {name} holds a formula"
    wb = openpyxl.load_workbook(path)
    return [(ws.title, c.value, c.data_type) for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if isinstance(c.value, str) and any(d in c.value for d in DANGEROUS)]


def test_every_workbook_writer_stores_officer_text_as_text(run, tmp_path: Path) -> None:
    source = _injected(tmp_path)
    written = {}
    assert run("convert", source, "-o", tmp_path / "录入表.xlsx")[0] == 0
    written["convert"] = tmp_path / "录入表.xlsx"
    assert run("init", "--year", "2023", "-o", tmp_path / "空白.xlsx")[0] == 0
    written["init"] = tmp_path / "空白.xlsx"
    code, out, err = run("generate", source, "-o", tmp_path / "out")
    assert code == 0, err
    written["document"] = next((tmp_path / "out").glob("*.xlsx"))
    code, _, err = run("batch", source, "-o", tmp_path / "batch", "-j", "1")
    assert code == 0, err
    written["batch"] = tmp_path / "batch" / "汇总.xlsx"
    found = {name: _cells(path) for name, path in written.items()}  # also: no <f> anywhere
    assert {name for name, cells in found.items() if cells} == {"convert", "document", "batch"}
    for cells in found.values():
        assert all(kind == "s" for _, _, kind in cells)
    assert {value for _, value, _ in found["convert"]} >= set(DANGEROUS)
    assert (found["batch"][0][1]) == DANGEROUS[0]
    # and the workbook reads back as the same text
    back = tmp_path / "back.yaml"
    assert run("convert", written["convert"], "-o", back)[0] == 0
    import yaml

    again = yaml.safe_load(back.read_text(encoding="utf-8"))
    assert again["部门名称"] == DANGEROUS[0]
    assert [b["名称"] for b in again["概况"]["机构设置"]] == DANGEROUS


def _departments(tmp_path: Path, n: int) -> list[Path]:
    text = MINIMAL.read_text(encoding="utf-8")
    out = []
    for i in range(n):
        path = tmp_path / f"部门{i}.yaml"
        path.write_text(text.replace("示例市某某服务中心", f"示例市第{i}服务中心"), encoding="utf-8")
        out.append(path)
    return out


@pytest.mark.parametrize("jobs", [1, 2])
def test_ctrl_c_in_a_batch_stops_starting_departments(jobs: int, tmp_path: Path) -> None:
    from generator.batch import run_batch
    from generator.options import RunOptions

    inputs = _departments(tmp_path, 10)
    out = tmp_path / "out"
    seen = []

    def progress(result) -> None:  # noqa: ANN001
        seen.append(result)
        if len(seen) == 2:
            raise KeyboardInterrupt  # the officer presses Ctrl-C here

    results = run_batch(inputs, RunOptions(out_dir=out), jobs, progress=progress)
    written = sorted(p.name for p in out.glob("*.docx"))
    reported = sorted(Path(f).name for r in results if r.ok for f in r.files if f.endswith(".docx"))
    assert written == reported  # exactly the departments reported as written
    # one process: exactly the two done; a pool: also those already handed to a worker
    assert len(written) == 2 if jobs == 1 else 2 <= len(written) < 10
    assert [r.status for r in results if not r.ok] == ["未处理（已取消）"] * (10 - len(written))
    assert not [p for p in out.iterdir() if p.name.startswith(".gen-report-")]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_department_whose_files_cannot_be_written_fails_alone(jobs: int, tmp_path: Path) -> None:
    """With several jobs the workers render and the main process writes: a file it cannot
    write fails that department (located, nothing of it left), the others are written."""
    from generator.batch import run_batch
    from generator.options import RunOptions

    out = tmp_path / "out"
    blocked = out / "示例市第2服务中心2023年度部门决算.docx"
    blocked.mkdir(parents=True)  # a folder where the document should go
    (blocked / "x").write_text("x")
    results = run_batch(_departments(tmp_path, 4), RunOptions(out_dir=out), jobs)
    assert [r.ok for r in results] == [True, True, False, True]
    assert results[2].files == [] and any("无法写入输出文件" in m for m in results[2].messages)
    written = sorted(p.name for p in out.glob("*.xlsx"))
    assert written == sorted(Path(f).name for r in results if r.ok for f in r.files if f.endswith(".xlsx"))
    assert len(written) == 3 and not [p for p in out.iterdir() if p.name.startswith(".gen-report-")]


def test_a_batch_tidies_what_a_killed_run_left_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The output folder is tidied once before the departments (not again for each one: a
    folder filling with outputs took ever longer to list), and still only of dead runs' files."""
    from generator.batch import run_batch
    from generator.options import RunOptions
    from generator.writers import atomic

    out = tmp_path / "out"
    out.mkdir()
    dead = out / ".gen-report-999999999-x1"  # a killed run's working folder: no such process
    dead.mkdir()
    (dead / "new-0.tmp").write_bytes(b"half")
    live = out / f".gen-report-{os.getppid()}-x1"  # a run still going
    live.mkdir()
    listed = []
    real = atomic.remove_stale
    monkeypatch.setattr(atomic, "remove_stale", lambda folder: listed.append(folder) or real(folder))
    monkeypatch.setattr("generator.batch.remove_stale", atomic.remove_stale)
    results = run_batch(_departments(tmp_path, 3), RunOptions(out_dir=out), 1)
    assert all(r.ok for r in results)
    assert listed == [out]
    assert not dead.exists() and live.exists()
    assert len(list(out.glob("*.docx"))) == 3


def test_batch_cancel_is_reported(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import batch

    inputs = _departments(tmp_path, 3)
    real = batch.one_department

    def interrupted(path, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if path == inputs[1]:
            raise KeyboardInterrupt
        return real(path, *args, **kwargs)

    monkeypatch.setattr(batch, "one_department", interrupted)
    code, out, err = run("batch", *inputs, "-o", tmp_path / "out", "-j", "1")
    assert code == 1
    assert out.splitlines()[1:] == [
        "示例市第0服务中心\t成功\t0\t0\t示例市第0服务中心2023年度部门决算.docx、示例市第0服务中心2023年度部门决算.xlsx",
        f"{inputs[1]}\t未处理（已取消）\t0\t0\t-", f"{inputs[2]}\t未处理（已取消）\t0\t0\t-"]
    assert err.splitlines()[-1] == "已取消：1 个部门的文件已写出（见上表“成功”各行），2 个部门未处理，未写汇总表。"
    assert not (tmp_path / "out" / "汇总.xlsx").exists()


def test_an_output_that_is_the_input_is_refused(run, workbook: Path, tmp_path: Path) -> None:
    out = tmp_path / "output"
    out.mkdir()
    named_like_output = out / "示例市某某服务中心2023年度部门决算.xlsx"
    named_like_output.write_bytes(workbook.read_bytes())
    code, _, err = run("generate", named_like_output, "-o", out)
    assert code == 1
    assert err.splitlines() == [
        f"[错误] {named_like_output}：要写出的文件就是输入文件 {named_like_output}，生成会覆盖您的输入，没有写入任何文件",
        "    提示：请用 -o 指定另一个输出文件夹，或把输入文件改名、移出输出文件夹", ONE_ERROR]
    assert named_like_output.read_bytes() == workbook.read_bytes()
    assert sorted(p.name for p in out.iterdir()) == [named_like_output.name]


def test_replaced_outputs_are_kept_and_named(run, tmp_path: Path) -> None:
    out = tmp_path / "output"
    assert run("generate", MINIMAL, "-o", out)[0] == 0
    docx = next(out.glob("*.docx"))
    edited = docx.read_bytes() + b""  # what the officer's Word saved (any different bytes)
    docx.write_bytes(edited[:-1] + bytes([edited[-1] ^ 1]))
    before = docx.read_bytes()
    code, stdout, _ = run("generate", MINIMAL, "-o", out)
    assert code == 0
    kept = [p for p in (out / "历史").iterdir()]
    assert len(kept) == 1 and (kept[0] / docx.name).read_bytes() == before
    assert f"上次生成的文件已保存在：{kept[0]}（如在 Word 中改过，可从这里找回）" in stdout.splitlines()
    # unchanged outputs are not copied again
    code, stdout, _ = run("generate", MINIMAL, "-o", out)
    assert "上次生成的文件已保存在" not in stdout and len(list((out / "历史").iterdir())) == 1


# -- all problems of all stages at once -------------------------------------------------------------
def test_every_stage_reports_in_one_run(run, tmp_path: Path) -> None:
    # a bad amount in 表2, an identity broken in 表6, a 上年数 that contradicts 比上年增减 and a
    # word of the wrong kind: one run says them all; the checks that need 表2's unreadable
    # figure are skipped, not reported as mismatches
    path = _minimal(tmp_path, "全部问题.yaml",
                    ("'2080505': {财政拨款收入: 10.00}", "'2080505': {财政拨款收入: 10.0O}"),
                    ("  '30101': 40.00\n", "  '30101': 41.00\n"),
                    ("年初预算数:\n", "上年数:\n  基本支出: 80.00\n\n年初预算数:\n"),
                    ("部门决算为示例市某某服务中心本级决算", "部门预算为示例市某某服务中心本级预算"))
    code, out, err = run("check", path)
    assert code == 1
    assert err.splitlines() == [
        f"[警告] {path} 第23行第3列：决算文档的文字中出现“部门预算”、“本级预算”，像是从预算文档沿用的",
        "    实际：本部门无下属单位，部门预算为示例市某某服务中心本级预算。",
        "    提示：请核对这句话：是否应为“部门决算”、“本级决算”？",
        f"[错误] {path} 第33行第15列：表2 收入决算表，行“2080505 机关事业单位基本养老保险缴费支出”，列“财政拨款收入”："
        "“10.0O”不是数字",
        f"[错误] {path} 第56行第1列：表6 一般公共预算财政拨款基本支出决算明细表，行“基本支出合计”，列“金额”："
        "勾稽关系不成立：基本支出决算明细表合计等于一般公共预算财政拨款基本支出",
        "    应为：一般公共预算财政拨款基本支出决算表.基本支出合计 96.00 万元 = "
        "一般公共预算财政拨款支出决算表.合计.基本支出 95.00 万元",
        "    实际：96.00 万元 = 95.00 万元 不成立", "    差额：1.00 万元",
        f"[错误] {path} 第115行第3列：行“基本支出”：“上年数”与“比上年增减”不一致",
        "    应为：本年数 − 增减数 = 90万元", "    实际：80万元",
        "共 3 个错误，1 个警告。未生成任何文件。"]
    assert out == "金额单位：万元（按输入中的“金额单位”）\n"  # the unit, as a passing check says it


def test_workbook_problems_come_with_the_checks(run, workbook: Path) -> None:
    def two(wb: openpyxl.Workbook) -> None:
        wb["收入决算表"].merge_cells("D6:D8")  # the reader's problem
        wb["支出决算表"]["C5"] = 116  # a check's problem, in another table: 合计 is 115

    _edit(workbook, two)
    code, _, err = run("check", workbook)
    assert code == 1
    assert [line for line in err.splitlines() if not line.startswith("    ")] == [
        f"[错误] {workbook} 支出决算表!C5：表3 支出决算表，行“合计”，列“本年支出合计”：填写的数与推算结果不符",
        f"[错误] {workbook} 支出决算表!C5：表3 支出决算表，行“合计”，列“本年支出合计”：与下级科目之和不符",
        f"[错误] {workbook} 收入决算表!D6:D8：金额所在的单元格 D6:D8 是合并单元格，程序无法判断 100 属于其中哪一格",
        "共 3 个错误，0 个警告。未生成任何文件。"]


def test_a_failing_check_states_the_unit(run, tmp_path: Path) -> None:
    import json

    path = _minimal(tmp_path, "无单位出错.yaml", ("金额单位: 万元              # 可不写，默认万元\n", ""),
                    ("'2080505': {财政拨款收入: 10.00}", "'2080505': {财政拨款收入: -10.00}"))
    code, out, err = run("check", path)
    assert code == 1 and "金额不能为负数" in err
    assert out == "金额单位：万元（未填写，按默认）\n"
    code, out, _ = run("check", "--format", "json", path)
    assert code == 1 and json.loads(out)["notes"] == ["金额单位：万元（未填写，按默认）"]
    code, out, _ = run("generate", path, "-o", tmp_path / "out")
    assert code == 1 and out == "金额单位：万元（未填写，按默认）\n" and not (tmp_path / "out").exists()


# -- unit and magnitude ---------------------------------------------------------------------------
def _minimal(tmp_path: Path, name: str, *edits: tuple[str, str]) -> Path:
    text = MINIMAL.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _times(text: str, factor: int) -> str:
    """Every amount of the minimal example's tables × factor (as if typed in 元)."""
    import re

    return re.sub(r"(?<=: )\"?(\d+\.\d\d)\"?", lambda m: f"{Decimal(m.group(1)) * factor:.2f}", text)


def test_check_summary_states_the_unit(run, tmp_path: Path) -> None:
    path = _minimal(tmp_path, "无单位.yaml", ("金额单位: 万元              # 可不写，默认万元\n", ""))
    code, out, _ = run("check", path)
    assert code == 0
    assert out.splitlines()[1] == "金额单位：万元（未填写，按默认）"
    assert run("check", MINIMAL)[1].splitlines()[1] == "金额单位：万元（按输入中的“金额单位”）"


def test_yuan_figures_under_the_default_unit(run, tmp_path: Path) -> None:
    path = tmp_path / "元当万元.yaml"
    text = MINIMAL.read_text(encoding="utf-8").replace("金额单位: 万元              # 可不写，默认万元\n", "")
    path.write_text(_times(text, 100000), encoding="utf-8")  # 115 万元 typed as 11,500,000 … (×10,000 and more)
    code, _, err = run("check", path)
    assert code == 1
    assert err.splitlines() == [
        f"[错误] {path}：金额看起来是以元为单位填写的：最大的数 11,500,000.00 万元（表1 收入支出决算总表、本年收入合计）"
        "超过了模板“决算-2023”设定的合理上限 1,000,000 万元",
        "    实际：金额单位：万元（未填写，按默认）",
        "    提示：如果填写的是元，请写上“金额单位: 元”（Excel 录入表：“基本信息”工作表的“金额单位”填“元”）；"
        "如果确实是万元，请检查是否多填了位数", ONE_ERROR]


def test_wan_figures_under_yuan(run, tmp_path: Path) -> None:
    path = _minimal(tmp_path, "万元当元.yaml", ("金额单位: 万元 ", "金额单位: 元 "))
    code, _, err = run("check", path)
    assert code == 1
    line = MINIMAL.read_text(encoding="utf-8").split("\n").index(next(
        x for x in MINIMAL.read_text(encoding="utf-8").split("\n") if x.startswith("金额单位"))) + 1
    assert err.splitlines() == [
        f"[错误] {path} 第{line}行第1列：金额看起来是以万元为单位填写的：金额单位是元，但填写的每个数都不到 1,000 元"
        "（印成万元都不到 0.1 万元），最大的是 115.00 元",
        "    实际：金额单位：元（按输入中的“金额单位”）",
        "    提示：如果填写的是万元，请把“金额单位”改为“万元”（或删去这一行，默认即万元）", ONE_ERROR]


def test_a_ten_thousandfold_jump_against_last_year(run, tmp_path: Path) -> None:
    last = _minimal(tmp_path, "上年.yaml", ("年度: 2023", "年度: 2022"))
    path = tmp_path / "本年.yaml"
    # 元 figures typed under 万元, for a department whose figures really fell by a fifth: ×8,000,
    # below the profile's ceiling (920,000 万元), so only last year's file tells
    path.write_text(_times(MINIMAL.read_text(encoding="utf-8"), 8000), encoding="utf-8")
    code, _, err = run("check", path, "--prev", last)
    assert code == 1
    assert err.splitlines()[:4] == [
        f"[错误] {path} 第10行第1列：与上年文件相比，金额大了约 8,000 倍：本年最大的数 920,000.00 万元，上年 115.00 万元",
        "    实际：金额单位：万元（按输入中的“金额单位”）",
        "    提示：两个文件的金额单位可能不同：本文件万元（按输入中的“金额单位”），上年文件按万元。"
        "请在两个文件中写明同一个“金额单位”", ONE_ERROR]


def test_a_thousandfold_change_is_no_unit_mistake(run, tmp_path: Path) -> None:
    # ×1,000 is not what 元/万元 makes (×10,000): no unit error, whatever else is said
    last = _minimal(tmp_path, "上年.yaml", ("年度: 2023", "年度: 2022"))
    path = tmp_path / "本年.yaml"
    path.write_text(_times(MINIMAL.read_text(encoding="utf-8"), 1000), encoding="utf-8")
    code, out, err = run("check", path, "--prev", last)
    assert "与上年文件相比" not in err
    assert code == 0, err


def test_a_profile_sets_its_own_ceiling(run, tmp_path: Path) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    profile = data / "profiles" / "决算-2023.yaml"
    text = profile.read_text(encoding="utf-8")
    assert "金额合理上限: 1000000" in text  # each shipped profile states its own
    profile.write_text(text.replace("金额合理上限: 1000000", "金额合理上限: 100"), encoding="utf-8")
    code, _, err = run("check", MINIMAL, "--data-dir", data)
    assert code == 1
    assert err.splitlines()[0] == (
        f"[错误] {MINIMAL} 第10行第1列：金额看起来是以元为单位填写的：最大的数 115.00 万元（表1 收入支出决算总表、本年收入合计）"
        "超过了模板“决算-2023”设定的合理上限 100 万元")


# -- control totals and subsets --------------------------------------------------------------------
def test_a_fiscal_row_above_the_all_funds_row(run, tmp_path: Path) -> None:
    # 表5 says 2080505 spent 10 + 5 from the general budget, 表3 (all funds) only 10: the fiscal
    # table's row can never exceed the all-funds row
    path = _minimal(tmp_path, "子集.yaml", ("  '2080505': {基本支出: 10.00}\n  '2210201': {基本支出: 5.00}\n\n# 表6",
                                           "  '2080505': {基本支出: 10.00, 项目支出: 5.00}\n  '2210201': {基本支出: 5.00}\n\n# 表6"))
    code, _, err = run("check", path)
    assert code == 1
    first = [i for i, line in enumerate(err.splitlines()) if "同一科目的全部支出" in line]
    assert [err.splitlines()[i] for i in first[:1]] == [
        f"[错误] {path} 第51行第28列：表5 一般公共预算财政拨款支出决算表，行“2080505 机关事业单位基本养老保险缴费支出”，"
        "列“项目支出”：勾稽关系不成立：财政拨款支出不超过同一科目的全部支出"]
    assert err.splitlines()[first[0] + 1:first[0] + 5] == [
        "    应为：不超过表3 支出决算表同一行“项目支出” 0.00 万元", "    实际：5.00 万元", "    差额：+5.00 万元",
        "    提示：请核对这一行：表3 支出决算表包括全部资金来源的支出，财政拨款只是其中一部分"]
    assert sum("同一科目的全部支出" in line for line in err.splitlines()) == 1  # not again for its 款, 类, 合计


def test_unstated_totals_are_named_in_the_summary(run) -> None:
    out = run("check", MINIMAL)[1]
    assert out.splitlines()[2] == (
        "以下合计由明细推算，输入中没有可核对的数：表1 本年收入合计、表1 本年支出合计、表2 合计行的“本年收入合计”、"
        "表4 本年收入合计、表4 本年支出合计、表5 合计行的“本年支出合计”（建议从会计核算系统抄录填入，程序会逐一核对）")


# -- every failure a located exit 1 ----------------------------------------------------------------
def _deep(tmp_path: Path) -> Path:
    path = tmp_path / "嵌套.yaml"
    path.write_text("部门名称: 某单位\n年度: 2023\n类型: 决算\n概况: " + "[" * 1000 + "]" * 1000 + "\n", encoding="utf-8")
    assert path.stat().st_size < 2100
    return path


def test_deep_nesting_is_a_located_error(run, tmp_path: Path) -> None:
    path = _deep(tmp_path)
    code, _, err = run("check", path)
    assert code == 1
    assert err.splitlines() == [
        f"[错误] {path} 第4行第44列：嵌套层次过深（超过 40 层），文件无法处理",
        "    提示：输入文件只需几层缩进；请检查是否误写了大量“[”“{”或层层缩进的“键:”", ONE_ERROR]


def test_deep_nesting_in_a_batch(run, tmp_path: Path) -> None:
    path = _deep(tmp_path)
    code, _, err = run("batch", path, "-o", tmp_path / "out", "-j", "1")
    assert code == 1
    assert f"[错误] {path} 第4行第44列：嵌套层次过深（超过 40 层），文件无法处理" in err.splitlines()
    assert "RecursionError" not in err


def test_gbk_template_is_a_located_error(run, tmp_path: Path) -> None:
    import shutil

    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    narrative = templates / "决算" / "情况说明-2023.md.j2"
    narrative.write_bytes(narrative.read_text(encoding="utf-8").encode("gbk", errors="replace"))
    code, _, err = run("check", MINIMAL, "--templates-dir", templates)
    assert code == 1
    assert err.splitlines() == [
        f"[错误] {narrative}：模板文件不是 UTF-8 编码，无法读取",
        "    提示：请用记事本或 VS Code 打开这个模板，“另存为”时编码选 UTF-8", ONE_ERROR]


def test_a_gbk_console_and_a_name_outside_gbk(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    path = _minimal(tmp_path, "生僻字.yaml", ("部门名称: 示例市某某服务中心", "部门名称: 示例市𠀀服务中心"))
    env = {**os.environ, "PYTHONIOENCODING": "gbk"}
    done = subprocess.run([sys.executable, "-m", "generator.cli", str(path), "-o", str(tmp_path / "out")],
                          capture_output=True, env=env, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr.decode("gbk", "replace")
    out = done.stdout.decode("gbk")
    assert f"已生成：{tmp_path / 'out' / '示例市?服务中心2023年度部门决算.docx'}" in out.splitlines()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "示例市𠀀服务中心2023年度部门决算.docx", "示例市𠀀服务中心2023年度部门决算.xlsx"]


def test_an_internal_error_after_writing_says_what_was_written(run, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import cli

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug after the files were written")

    monkeypatch.setattr(cli, "_report_changes", broken)
    out = tmp_path / "out"
    assert run("generate", MINIMAL, "-o", out)[0] == 0
    code, _, err = run("generate", _minimal(tmp_path, "改.yaml", ("单位构成: 本部门无", "单位构成: 本部门没有")), "-o", out)
    assert code == 3
    written = "、".join(str(p) for p in sorted(out.glob("*.*"), key=lambda p: p.suffix))
    assert err.splitlines()[-1] == (f"程序内部错误，已写出的文件：{written}。"
                                    "请使用 -v 选项重新运行，并把输出报告给开发者。")


def test_full_width_colon_is_named_at_its_line(run, tmp_path: Path) -> None:
    path = _minimal(tmp_path, "全角冒号.yaml", ("部门名称: 示例市某某服务中心", "部门名称：示例市某某服务中心"))
    line = MINIMAL.read_text(encoding="utf-8").split("\n").index("部门名称: 示例市某某服务中心") + 1
    code, _, err = run("check", path)
    assert code == 1
    assert err.splitlines() == [
        f"[错误] {path} 第{line}行第5列：“部门名称”后面用了全角冒号“：”，键与值之间应为半角冒号加空格“: ”",
        "    提示：请改为：部门名称: 示例市某某服务中心", ONE_ERROR]


def test_full_width_space_is_named_at_its_line(run, tmp_path: Path) -> None:
    path = _minimal(tmp_path, "全角空格.yaml", ("年度: 2023", "年度:\u30002023"))
    line = MINIMAL.read_text(encoding="utf-8").split("\n").index("年度: 2023") + 1
    code, _, err = run("check", path)
    assert code == 1
    assert err.splitlines() == [
        f"[错误] {path} 第{line}行第4列：这里用了全角空格“　”，YAML 只认半角空格",
        "    提示：请把全角空格换成半角空格（输入法切换到英文或半角状态后再输入）", ONE_ERROR]


def test_long_hints_name_a_few_nearest(run, tmp_path: Path) -> None:
    path = tmp_path / "长提示.yaml"
    path.write_text(MINIMAL.read_text(encoding="utf-8") + "\n上年数:\n  XYZ: 1\n", encoding="utf-8")
    code, _, err = run("check", path)
    assert code == 1
    assert err.splitlines()[1] == ("    提示：可用的项目：项目支出、附属单位上缴收入、经营收入、经营支出、机关运行经费 等（共 25 项）；"
                                   "或写科目编码（如 2010301、支出决算表.2010301）")


def test_pdf_timeout_option(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess

    from generator.writers import pdf

    asked = []

    def hung(command, **kwargs):  # noqa: ANN001, ANN003, ANN202
        asked.append(kwargs["timeout"])
        raise subprocess.TimeoutExpired(command, kwargs["timeout"])

    monkeypatch.setattr(pdf, "soffice", lambda: "soffice")
    monkeypatch.setattr(pdf.subprocess, "run", hung)
    code, _, err = run("generate", MINIMAL, "-o", tmp_path / "out", "--pdf", "--pdf-timeout", "7")
    assert code == 1 and asked == [7]
    assert err.splitlines() == [
        "[错误] LibreOffice 转换 PDF 超时（7 秒），已停止转换",
        "    提示：可能是 LibreOffice 卡住了；请关闭所有 LibreOffice 窗口后重试，或用 --pdf-timeout 给出更长的时限（秒）",
        ONE_ERROR]
    assert not (tmp_path / "out").exists()
    run("generate", MINIMAL, "-o", tmp_path / "out", "--pdf")
    assert asked[-1] == 120


# -- 预算/决算 words of the wrong kind --------------------------------------------------------------
def test_budget_words_in_a_final_account_are_warned(run, tmp_path: Path) -> None:
    path = _minimal(tmp_path, "沿用.yaml", ("单位构成: 本部门无下属单位，部门决算为示例市某某服务中心本级决算。",
                                          "单位构成: 本部门无下属单位，部门预算为示例市某某服务中心本级预算。"))
    line = next(i for i, x in enumerate(MINIMAL.read_text(encoding="utf-8").split("\n"), 1) if "单位构成" in x)
    code, _, err = run("check", path)
    assert code == 0
    assert err.splitlines()[:3] == [
        f"[警告] {path} 第{line}行第3列：决算文档的文字中出现“部门预算”、“本级预算”，像是从预算文档沿用的",
        "    实际：本部门无下属单位，部门预算为示例市某某服务中心本级预算。",
        "    提示：请核对这句话：是否应为“部门决算”、“本级决算”？"]


def test_legitimate_budget_words_in_a_final_account_pass(run, tmp_path: Path) -> None:
    fine = "本部门严格执行部门预算，年初预算数为100万元，完成预算的95%，一般公共预算财政拨款按预算执行。"
    path = _minimal(tmp_path, "合法.yaml", ("单位构成: 本部门无下属单位，部门决算为示例市某某服务中心本级决算。",
                                          f"单位构成: {fine}"))
    code, _, err = run("check", path)
    assert code == 0 and "沿用" not in err


def test_the_bundled_examples_use_words_of_their_kind() -> None:
    from generator.build import prepare

    for example in sorted((ROOT / "data" / "examples").glob("*.yaml")):
        assert not [p for p in prepare(example).problems if p.code == "wrong-kind-word"], example.name


# -- text naming another unit ------------------------------------------------------------------------
def test_text_naming_another_unit_as_this_one(run, tmp_path: Path) -> None:
    # what 示例单位 2023 once said: its 单位构成 was another department's
    path = _minimal(tmp_path, "别的单位.yaml", ("部门名称: 示例市某某服务中心", "部门名称: 示例单位"))
    line = next(i for i, x in enumerate(MINIMAL.read_text(encoding="utf-8").split("\n"), 1) if "单位构成" in x)
    code, _, err = run("check", path)
    assert code == 0
    assert err.splitlines()[:3] == [
        f"[警告] {path} 第{line}行第3列：文字中说本文档的单位是“示例市某某服务中心”，而本文档是“示例单位”的",
        "    实际：本部门无下属单位，部门决算为示例市某某服务中心本级决算。",
        "    提示：这句话可能是从其他单位的文档沿用的，请改为本部门的名称；如果“示例市某某服务中心”就是本部门"
        "（如更名前的名称）或所属单位，可不理会本警告"]


def test_a_copied_overview_names_the_other_department(tmp_path: Path) -> None:
    from generator.build import prepare

    example = ROOT / "data" / "examples" / "清远市政务服务数据管理局-2020-决算.yaml"
    path = tmp_path / "抄来的.yaml"
    path.write_text(example.read_text(encoding="utf-8").replace(
        "部门名称: 清远市政务服务数据管理局", "部门名称: 清远市某某局"), encoding="utf-8")
    found = [(p.location.line, p.message) for p in prepare(path).problems if p.code == "other-unit"]
    assert found == [(12, "文字中说本文档的单位是“清远市政务服务数据管理局”，而本文档是“清远市某某局”的"),
                     (28, "文字中说本文档的单位是“清远市政务服务数据管理局”，而本文档是“清远市某某局”的")]


def test_own_short_names_and_listed_units_are_fine(run, tmp_path: Path) -> None:
    fine = ("纳入我部门（某某服务中心）决算编报范围的单位共2个，包括中心本级和下属单位。"
            "下属单位分别是：示例市某某检测站。部门决算为示例市某某检测站本级决算和中心本级决算的汇总。")
    path = _minimal(tmp_path, "简称.yaml", ("单位构成: 本部门无下属单位，部门决算为示例市某某服务中心本级决算。",
                                          f"单位构成: {fine}"))
    code, _, err = run("check", path)
    assert code == 0 and "本文档的单位是" not in err


def test_the_bundled_examples_name_their_own_unit() -> None:
    from generator.build import prepare

    for example in sorted((ROOT / "data" / "examples").glob("*.yaml")):
        assert not [p for p in prepare(example).problems if p.code == "other-unit"], example.name


# -- full-width colon and space wherever they matter --------------------------------------------------
def test_full_width_colon_inside_braces(run, tmp_path: Path) -> None:
    path = _minimal(tmp_path, "括号.yaml", ("'2080505': {财政拨款收入: 10.00}", "'2080505': {财政拨款收入：10.00}"))
    line = next(i for i, x in enumerate(MINIMAL.read_text(encoding="utf-8").split("\n"), 1) if "'2080505': {财政拨款收入" in x)
    code, _, err = run("check", path)
    assert code == 1
    assert err.splitlines() == [
        f"[错误] {path} 第{line}行第21列：“财政拨款收入”后面用了全角冒号“：”，键与值之间应为半角冒号加空格“: ”",
        "    提示：请改为：财政拨款收入: 10.00", ONE_ERROR]


def test_full_width_colon_that_yaml_reads_as_text(run, tmp_path: Path) -> None:
    # “概况:” then “  单位构成：…”: valid YAML (概况 is a text), so the schema objects; the colon is named too
    text = MINIMAL.read_text(encoding="utf-8")
    start, end = text.index("概况:\n"), text.index("\n# ---- 三")
    path = tmp_path / "当成文字.yaml"
    path.write_text(text[:start] + "概况:\n  单位构成：本部门无下属单位\n" + text[end:], encoding="utf-8")
    line = text[:start].count("\n") + 1
    code, _, err = run("check", path)
    assert code == 1
    assert err.splitlines() == [
        f"[错误] {path} 第{line}行第1列：行“概况”：应为“键: 值”形式的键值表，实际为“单位构成：本部门无下属单位”",
        f"[警告] {path} 第{line + 1}行第7列：“单位构成”后面用了全角冒号“：”；如果“单位构成”是键，键与值之间应为半角冒号加空格“: ”",
        "    提示：请改为：单位构成: 本部门无下属单位", "共 1 个错误，1 个警告。未生成任何文件。"]


def test_full_width_space_as_indentation(run, tmp_path: Path) -> None:
    # “　年末结转和结余” parses as a key of its own (YAML does not count “　” as a space)
    path = _minimal(tmp_path, "全角缩进.yaml", ("收入支出决算总表:\n  年初结转和结余: 0",
                                            "收入支出决算总表:\n  年初结转和结余: 0\n\u3000年末结转和结余: 0"))
    line = next(i for i, x in enumerate(MINIMAL.read_text(encoding="utf-8").split("\n"), 1) if x == "收入支出决算总表:") + 2
    code, _, err = run("check", path)
    assert code == 1
    assert err.splitlines() == [
        f"[错误] {path} 第{line}行第1列：这里用了全角空格“　”，YAML 只认半角空格",
        "    提示：请把全角空格换成半角空格（输入法切换到英文或半角状态后再输入）", ONE_ERROR]


def test_full_width_space_in_a_key(run, tmp_path: Path) -> None:
    path = _minimal(tmp_path, "键中空格.yaml", ("  年初结转和结余: 0", "  年初结转和结余\u3000: 0"))
    line = next(i for i, x in enumerate(MINIMAL.read_text(encoding="utf-8").split("\n"), 1) if x == "  年初结转和结余: 0")
    code, _, err = run("check", path)
    assert code == 1
    assert err.splitlines() == [
        f"[错误] {path} 第{line}行第10列：这里用了全角空格“　”，YAML 只认半角空格",
        "    提示：请把全角空格换成半角空格（输入法切换到英文或半角状态后再输入）", ONE_ERROR]
