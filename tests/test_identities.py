"""Each accounting identity, corrupted alone in the example, is reported alone and located;
beyond tolerance it is an error, within 0.01 a warning, and --strict makes warnings errors."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from generator.build import prepare
from generator.errors import UserError
from tests.conftest import EXAMPLE

CONTROL = "  年末结转和结余: 11.29"  # the example's control total: a slip anywhere also shows there
# Each identity alone: without the control total, which any changed figure also disagrees with
# (tested on its own in test_control_total_catches_a_slip).
TEXT = "\n".join(line for line in EXAMPLE.read_text(encoding="utf-8").split("\n") if not line.startswith(CONTROL))


def mutated(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    text = TEXT
    for old, new in edits:
        assert text.count(old) >= 1, old
        text = text.replace(old, new, 1)
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "in.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def baseline(tmp_path: Path) -> set[tuple[str, str, str, str]]:
    return {(p.code, p.table, p.row, p.column) for p in prepare(mutated(tmp_path / "baseline")).problems}


# name → (edits, (code, table, row, column) of the one problem expected)
IDENTITIES = {
    "row formula 表3 本年支出合计 = Σ 列": (
        [("'2010301': {基本支出: 639.54}", "'2010301': {基本支出: 639.54, 本年支出合计: 640.54}")],
        ("identity", "表3 支出决算表", "2010301 行政运行", "本年支出合计")),
    "column sum 款 = Σ 项 (表2 其他收入)": (
        [("'2010399': {财政拨款收入: 1864.46, 其他收入: 0.08}",
          "'2010399': {财政拨款收入: 1864.46, 其他收入: 0.08}\n  '20103': {其他收入: 0.50}")],
        ("identity", "表2 收入决算表", "20103 政府办公厅（室）及相关机构事务", "其他收入")),
    "column sum 类 = Σ 款 (表2 其他收入)": (
        [("'2010399': {财政拨款收入: 1864.46, 其他收入: 0.08}",
          "'2010399': {财政拨款收入: 1864.46, 其他收入: 0.08}\n  '201': {其他收入: 0.50}")],
        ("identity", "表2 收入决算表", "201 一般公共服务支出", "其他收入")),
    "column sum 合计 = Σ 类 (表2 财政拨款收入)": (
        [("合计: {财政拨款收入: 3591.25}", "合计: {财政拨款收入: 3600.00}")],
        ("identity", "表2 收入决算表", "合计", "财政拨款收入")),
    "cross-table 表4 一般公共预算收入 = 表2": (
        [("    一般公共预算财政拨款: 12.48",
          "    一般公共预算财政拨款: 12.48\n  本年收入:\n    一般公共预算财政拨款: 2700.00")],
        ("identity", "表4 财政拨款收入支出决算总表", "本年收入.一般公共预算财政拨款", "")),
    "cross-table 表6 合计 = 表5 基本支出": (
        [("'30101': 99.22", "'30101': 104.22"), ("'301': 674.46", "'301': 679.46"),
         ("人员经费合计: 684.94", "人员经费合计: 689.94")],
        ("condition", "表6 一般公共预算财政拨款基本支出决算表", "基本支出合计", "金额")),
    "三公 小计 = 购置 + 运行": (
        [("    公务用车运行维护费: 1.30\n", "    公务用车运行维护费: 1.30\n    公务用车购置及运行维护费: 2.30\n")],
        ("identity", "表7 一般公共预算财政拨款“三公”经费支出决算表", "决算数.公务用车购置及运行维护费", "")),
    "校验 30217 公务接待费 ≤ 三公 接待": (
        [("'30217': 1.07", "'30217': 2.07"), ("'30239': 16.45", "'30239': 15.45")],
        ("condition", "表6 一般公共预算财政拨款基本支出决算表", "30217 公务接待费", "金额")),
}


@pytest.mark.parametrize("name", list(IDENTITIES))
def test_each_identity_is_reported_alone(name: str, tmp_path: Path) -> None:
    edits, (code, table, row, column) = IDENTITIES[name]
    with pytest.raises(UserError) as exc:
        prepare(mutated(tmp_path, *edits))
    errors = [p for p in exc.value.problems if p.severity == "错误"]
    assert [(p.code, p.table, p.row, p.column) for p in errors] == [(code, table, row, column)]
    problem = errors[0]
    assert problem.location.file.endswith("in.yaml") and problem.location.line
    assert problem.expected and problem.found and problem.difference
    assert problem.table == table


def test_sangong_table_label(tmp_path: Path) -> None:
    edits, _ = IDENTITIES["三公 小计 = 购置 + 运行"]
    with pytest.raises(UserError) as exc:
        prepare(mutated(tmp_path, *edits))
    [problem] = [p for p in exc.value.problems if p.severity == "错误"]
    assert problem.table == "表7 一般公共预算财政拨款“三公”经费支出决算表"


def test_table_names_are_real(tmp_path: Path) -> None:
    # Guards the table labels used above against profile renumbering.
    tables = {p.table for p in prepare(EXAMPLE).problems}
    assert {"表2 收入决算表", "表3 支出决算表", "表6 一般公共预算财政拨款基本支出决算表"} <= tables


def test_within_tolerance_is_a_warning_and_strict_makes_it_an_error(tmp_path: Path, run) -> None:
    path = mutated(tmp_path, ("合计: {财政拨款收入: 3591.25}", "合计: {财政拨款收入: 3591.25, 其他收入: 0.09}"))
    problems = prepare(path).problems
    new = [p for p in problems if (p.code, p.table, p.row, p.column) not in baseline(tmp_path)]
    assert [(p.severity, p.row, p.column, p.difference) for p in new] == [("警告", "合计", "其他收入", "+0.01 万元")]
    code, out, err = run("check", path)
    assert code == 0 and "检查通过" in out and "[警告]" in err
    code, out, err = run("check", "--strict", path)
    assert code == 1 and out == "金额单位：万元（按输入中的“金额单位”）\n"  # a failing check states the unit too
    assert "[警告]" not in err and "[错误]" in err
    assert err.splitlines()[-1].endswith("个错误，0 个警告。未生成任何文件。")


def test_beyond_tolerance_is_an_error(tmp_path: Path) -> None:
    path = mutated(tmp_path, ("合计: {财政拨款收入: 3591.25}", "合计: {财政拨款收入: 3591.25, 其他收入: 0.10}"))
    with pytest.raises(UserError) as exc:
        prepare(path)
    assert [(p.severity, p.difference) for p in exc.value.problems if p.severity == "错误"] == [("错误", "+0.02 万元")]


def test_strict_generate_writes_nothing(tmp_path: Path, run) -> None:
    out_dir = tmp_path / "out"
    code, _, _ = run("generate", "--strict", EXAMPLE, "-o", out_dir)
    assert code == 1
    assert not out_dir.exists()


def test_json_format(tmp_path: Path, run) -> None:
    code, out, err = run("check", EXAMPLE, "--format", "json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["errors"] == 0 and data["warnings"] == len(data["problems"]) > 0
    path = mutated(tmp_path, ("'30217': 1.07", "'30217': 9.07"))
    code, out, err = run("check", "--format=json", path)
    assert code == 1 and err == ""
    data = json.loads(out)
    assert data["errors"] >= 1 and data["warnings"] >= 1
    assert data["errors"] + data["warnings"] == len(data["problems"])
    for p in data["problems"]:
        assert {"code", "severity", "location", "expected", "found", "message"} <= set(p)
        assert p["severity"] in ("错误", "警告") and p["location"]["file"] == str(path)
    errors = [p for p in data["problems"] if p["severity"] == "错误"]
    assert errors[0]["code"] == "condition" and errors[0]["location"]["line"] > 0
    assert errors[0]["expected"] and errors[0]["found"]


def test_json_format_for_input_errors(tmp_path: Path, run) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes("部门名称: 甲\n".encode("gbk"))
    code, out, err = run("check", path, "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["errors"] == 1 and data["problems"][0]["code"] == "not-utf8"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("command", ["check", "generate"])
def test_input_is_never_modified(command: str, tmp_path: Path, run) -> None:
    path = tmp_path / "in.yaml"
    path.write_bytes(EXAMPLE.read_bytes())
    before = digest(path), path.stat().st_mtime_ns
    args = [command, path] + (["-o", tmp_path / "out"] if command == "generate" else [])
    code, _, _ = run(*args)
    assert code == 0
    assert (digest(path), path.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["in.yaml"] + (["out"] if command == "generate" else []))


def test_control_total_catches_a_slip(tmp_path: Path) -> None:
    """+100 万元 in one 项 of 表2 passes every identity; the stated 年末结转和结余 catches it,
    and without one the derived balance is a warning that names it."""
    slip = ("'2010301': {财政拨款收入: 637.91}", "'2010301': {财政拨款收入: 637.91, 其他收入: 100.00}")
    path = tmp_path / "控制数.yaml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8").replace(*slip), encoding="utf-8")
    with pytest.raises(UserError) as exc:
        prepare(path)
    [problem] = [p for p in exc.value.problems if p.severity == "错误"]
    assert problem.render().splitlines() == [
        f"[错误] {path} 第33行第3列：表1 收入支出决算总表，行“年末结转和结余”：填写的数与推算结果不符",
            "    应为：总计 3,704.17 万元 - 本年支出合计 3,592.88 万元 - 结余分配 0.00 万元 = 111.29 万元",
        "    实际：11.29 万元", "    差额：-100.00 万元",
        "    提示：请核对这一格及公式中各数；如确为尾数差异，可在“勾稽容差”中放宽"]
    without = prepare(mutated(tmp_path / "无控制数", slip)).problems
    [warned] = [p for p in without if p.code == "no-control-total"]
    assert warned.render().splitlines()[0] == (
        f"[警告] {tmp_path / '无控制数' / 'in.yaml'} 第31行第1列：表1 收入支出决算总表，行“年末结转和结余”："
        "年末结转和结余（111.29 万元）是由收入、支出推算出来的，输入中没有可核对的数")
