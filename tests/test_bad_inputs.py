"""Every failure mode an officer can cause: one fixture each, the exact message, exit code 1,
no traceback, nothing written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES

BAD = FIXTURES / "bad"
TIDY = "共 1 个错误，0 个警告。未生成任何文件。"

# fixture → the exact lines printed on stderr, after "[错误] <file> "
CASES = {
    "not-utf8.yaml": ["第1行：文件不是 UTF-8 编码",
                      "    提示：请用记事本或 WPS 将文件“另存为”UTF-8 编码（可能当前是 GBK 编码）"],
    "empty.yaml": ["：输入文件是空的（只有注释）"],
    "syntax-error.yaml": ["第10行第7列：YAML 格式错误：方括号“[ ]”列表未闭合或缺少逗号",
                          "    提示：常见原因：冒号后缺空格、缩进不一致、引号未闭合、用了制表符缩进"],
    "tab-indent.yaml": ["第10行第1列：YAML 格式错误：不能用制表符（Tab）缩进",
                        "    提示：常见原因：冒号后缺空格、缩进不一致、引号未闭合、用了制表符缩进"],
    "list-at-top.yaml": ["第2行第1列：文件顶层应为“键: 值”形式的键值表"],
    "list-where-mapping.yaml": ["第11行第1列：表2 收入决算表：应为“键: 值”形式的键值表，实际为列表"],
    "text-where-number.yaml": ["第12行第15列：表2 收入决算表，行“2010301 行政运行”，列“财政拨款收入”：“十万元”不是数字"],
    "nan.yaml": ["第12行第15列：表2 收入决算表，行“2010301 行政运行”，列“财政拨款收入”：金额不能是无穷大或非数字（NaN）"],
    "infinity.yaml": ["第12行第15列：表2 收入决算表，行“2010301 行政运行”，列“财政拨款收入”：金额不能是无穷大或非数字（NaN）"],
    "huge-number.yaml": ["第12行第15列：表2 收入决算表，行“2010301 行政运行”，列“财政拨款收入”："
                         "数字大得不合理（超过 10 万亿元）或位数太多"],
    "alias-bomb.yaml": ["第2行第4列：不支持 YAML 锚点与别名（& 和 *），请把内容直接写出"],
    "duplicate-key.yaml": ["第4行第1列：键“年度”重复出现（首次出现在第3行）",
                           "    提示：同一个键只能写一次，否则前面的数会被悄悄覆盖"],
    "unknown-top-key.yaml": ["第11行第1列：不认识的键“收人决算表”（可能拼写有误，该项内容不会被使用）",
                             "    提示：是否想写“收入决算表”？"],
    "unknown-column.yaml": ["第12行第15列：表2 收入决算表，行“2010301”：不认识的列“财政拨款收人”（该项不会被使用）",
                            "    提示：是否想写“财政拨款收入”？"],
    "bad-code.yaml": ["第12行第3列：表2 收入决算表，行“201030”：“201030”不是有效的科目编码",
                      "    应为：类 3 位、款 5 位、项 7 位数字", "    实际：“201030”", "    提示：这个编码有 6 位"],
    "code-with-space.yaml": ["第12行第3列：表2 收入决算表，行“2010 301”：“2010 301”不是有效的科目编码",
                             "    应为：类 3 位、款 5 位、项 7 位数字", "    实际：“2010 301”",
                             "    提示：科目编码中不能有空格"],
    "unknown-code.yaml": ["第12行第3列：表2 收入决算表，行“2010388”：科目编码 2010388 不在 2020 年功能分类科目目录中",
                          "    提示：请核对编码；确属新增科目时，可在该行写“科目名称: 名称”"],
    "negative-amount.yaml": ["第12行第15列：表2 收入决算表，行“2010301 行政运行”，列“财政拨款收入”：金额不能为负数",
                             "    实际：-10.00"],
    "identity-broken.yaml": ["第13行第8列：表2 收入决算表，行“合计”，列“财政拨款收入”：填写的数与推算结果不符",
                             "    应为：201 一般公共服务支出 10.00 万元 = 10.00 万元", "    实际：12.00 万元",
                             "    差额：+2.00 万元",
                             "    提示：请核对这一格及公式中各数；如确为尾数差异，可在“勾稽容差”中放宽"],
    "missing-required.yaml": ["：缺少必填项“部门名称”"],
    "wrong-kind.yaml": ["第4行第1列：行“类型”：应为以下之一：决算、预算，实际为“结算”"],
    "year-out-of-range.yaml": ["第3行第1列：行“年度”：不能小于 2000，实际为“1999”"],
    "null-row-name.yaml": ["第12行第30列：表2 收入决算表，行“2010301”：科目名称应为文字，实际为列表"],
    "union-wrong-type.yaml": ["第9行第15列：行“概况/机构设置/第2项”：应为文字，或“键: 值”形式的键值表，实际为空值"],
    "control-character.yaml": ["第2行第7列：含有不可见的控制字符或无效字符", "    实际：示例\\u0007局",
                               "    提示：请删除这些字符后重新输入（常见于从网页或其他软件复制来的文字）"],
}


# Past the header, a failing check states the unit the figures were read in, on stdout as a
# passing check does (every one of these fixtures writes 金额单位: 万元)
NOT_READ = {"not-utf8.yaml", "empty.yaml", "syntax-error.yaml", "tab-indent.yaml", "list-at-top.yaml",
            "alias-bomb.yaml", "duplicate-key.yaml", "control-character.yaml", "missing-required.yaml",
            "wrong-kind.yaml", "year-out-of-range.yaml"}
UNIT_NOTE = "金额单位：万元（按输入中的“金额单位”）\n"


def expected_lines(path: Path, lines: list[str]) -> list[str]:
    head = lines[0]
    first = f"[错误] {path}{head}" if head.startswith("：") else f"[错误] {path} {head}"
    return [first, *lines[1:], TIDY]


def test_every_fixture_has_a_case() -> None:
    assert sorted(p.name for p in BAD.iterdir()) == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("command", ["check", "generate"])
def test_bad_input(name: str, command: str, run, tmp_path: Path) -> None:
    path = tmp_path / name
    shutil.copyfile(BAD / name, path)
    out_dir = tmp_path / "out"
    args = [command, path] + (["-o", out_dir] if command == "generate" else [])
    code, out, err = run(*args)
    assert code == 1
    assert out == ("" if name in NOT_READ else UNIT_NOTE)
    assert err.splitlines() == expected_lines(path, CASES[name])
    assert not out_dir.exists()


def test_file_over_size_limit(run, tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"# " + b"x" * (6 * 1024 * 1024) + b"\n")
    code, _, err = run("check", path)
    assert code == 1
    assert err.splitlines() == [f"[错误] {path}：文件过大（6144 KB），超过 5 MB 的上限",
                                "    提示：一个部门一年的数据不会这么大，请确认选对了文件", TIDY]


def test_missing_file(run, tmp_path: Path) -> None:
    path = tmp_path / "没有这个文件.yaml"
    code, _, err = run("generate", path, "-o", tmp_path / "out")
    assert code == 1
    assert err.splitlines() == [f"[错误] {path}：找不到输入文件", "    提示：请检查文件名和所在文件夹", TIDY]
    assert not (tmp_path / "out").exists()


def test_directory(run, tmp_path: Path) -> None:
    code, _, err = run("check", tmp_path)
    assert code == 1
    assert err.splitlines() == [f"[错误] {tmp_path}：这是一个文件夹，不是输入文件",
                                "    提示：请指定文件夹中的某个 .yaml 输入文件", TIDY]


def test_excel_file_that_is_not_a_workbook(run, tmp_path: Path) -> None:
    # Workbooks are read now (load_xlsx.py): a text file named .xlsx is refused by its bytes.
    path = tmp_path / "部门数据.xlsx"
    path.write_text("部门名称: 这其实是文字\n", encoding="utf-8")
    code, _, err = run("check", path)
    assert code == 1
    assert err.splitlines() == [f"[错误] {path}：这不是 Excel 工作簿（.xlsx）文件，或文件已损坏",
                                "    提示：请用 Excel 或 WPS 打开并“另存为” Excel 工作簿（.xlsx）；"
                                "如果这是文字文件，请把扩展名改为 .yaml", TIDY]


def test_old_excel_format(run, tmp_path: Path) -> None:
    path = tmp_path / "部门数据.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    code, _, err = run("check", path)
    assert code == 1
    assert err.splitlines()[0] == f"[错误] {path}：不能直接读取 .xls 文件"


def test_other_file_type(run, tmp_path: Path) -> None:
    path = tmp_path / "部门数据.txt"
    path.write_text("x: 1\n", encoding="utf-8")
    code, _, err = run("check", path)
    assert code == 1
    assert err.splitlines()[0] == f"[错误] {path}：不支持这种输入文件"


@pytest.mark.parametrize("args, message", [
    (["check"], "用法错误：缺少参数 '输入文件'."),
    (["check", "--bogus", "x.yaml"], "用法错误：没有这个选项 '--bogus'. 是否想输入 '--verbose'?"),
    (["nonsense-command-x", "--strict-x"], "用法错误：没有这个选项 '--strict-x'. 是否想输入 '--strict'?"),
])
def test_usage_errors_exit_2(args: list[str], message: str, run) -> None:
    code, _, err = run(*args)
    assert code == 2
    assert err.splitlines() == [message, "运行 gen-report --help 查看用法。"]


@pytest.mark.parametrize("snippet, message", [
    ("{财政拨款收入: 1e20}", "金额 1E+20 万元 大得不合理（超过 10 万亿元）"),
    ("{财政拨款收入: 1.0e+9999999}", "数字大得不合理（超过 10 万亿元）或位数太多"),
    ("{财政拨款收入: " + "9" * 5000 + "}", "数字大得不合理（超过 10 万亿元）或位数太多"),
    ("{财政拨款收入: true}", "应为金额，实际为真/假值"),
    ("{财政拨款收入: [10]}", "应为金额，实际为列表"),
    ("{财政拨款收入: {a: 1}}", "应为金额，实际为键值表（映射）"),
    ("{财政拨款收入: 2020-01-01}", "“2020-01-01”不是数字"),
])
def test_amount_edge_cases(snippet: str, message: str, run, tmp_path: Path) -> None:
    text = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
    path = tmp_path / "in.yaml"
    path.write_text(text.replace("{财政拨款收入: 10.00}", snippet, 1), encoding="utf-8")
    code, _, err = run("check", path)
    assert code == 1
    assert err.splitlines()[0].endswith("列“财政拨款收入”：" + message)


@pytest.mark.parametrize("old, new, message", [
    ("收入决算表:\n  '2010301': {财政拨款收入: 10.00}", "收入决算表: 十万", "表2 收入决算表：应为“键: 值”形式的键值表，实际为文字“十万”"),
    ("'2010301': {财政拨款收入: 10.00}", "'2010301': [10.00]", "行“2010301”：应为“键: 值”形式的键值表，实际为列表"),
    ("'30101': 10.00", "'30101': {金额: 10.00, 备注: x}", "不认识的项“备注”（该项不会被使用）"),
    ("概况:\n", "三公经费支出决算表:\n  决算数: [1]\n概况:\n", "行“决算数”：应为“键: 值”形式的键值表，实际为列表"),
    ("概况:\n", "三公经费支出决算表:\n  决算: {公务接待费: 1}\n概况:\n", "不认识的项“决算”（该项不会被使用）"),
    ("  机构设置: [办公室]", "  机构设置: {办公室: 1}", "行“概况/机构设置”：应为列表（每项以“- ”开头），实际为“键: 值”形式的键值表"),
    ("概况:\n  主要职责:", "概况:\n  主要职责: [1]\n  主要职责x:", "行“概况/主要职责”：应为“键: 值”形式的键值表，实际为列表"),
    ("部门名称: 示例局", '部门名称: "\\ud800"', "含有不可见的控制字符或无效字符"),
    ("'2010301': {财政拨款收入: 10.00}", "'２０１０３０１': {财政拨款收入: 10.00}", "“２０１０３０１”不是有效的科目编码"),
])
def test_wrong_shapes_are_located(old: str, new: str, message: str, run, tmp_path: Path) -> None:
    text = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "in.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    code, _, err = run("check", path)
    assert code == 1
    located = [line for line in err.splitlines() if line.startswith(f"[错误] {path} 第")]
    assert any(line.endswith(message) for line in located), err
