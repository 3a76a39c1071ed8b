"""第三部分 情况说明: the reference documents' figures, each in the sentence that states it."""

from __future__ import annotations

import re
import zipfile
from functools import cache
from pathlib import Path

import pytest

from generator.build import build_report, prepare, render
from generator.cli import main
from generator.document import Document
from generator.errors import UserError
from generator.options import RunOptions

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = {
    "000": ROOT / "data/examples/清远市政务服务数据管理局-2020-决算.yaml",
    "001": ROOT / "data/examples/清远市清城区大数据中心-2023-决算.yaml",
}


@cache
def narrative(ref: str) -> str:
    doc: Document = render(prepare(EXAMPLES[ref]))
    return "\n".join(b.text for b in doc.part("情况说明").blocks)


SENTENCES_000 = [
    "一般公共预算财政拨款收入2,627.63万元，比上年决算增加1,223.93万元，增长87.2%。",
    "政府性基金预算财政拨款收入963.62万元，比上年决算增加763.67万元，增长381.9%。",
    "1.基本支出763万元，比上年决算增加106.4万元，增长16.2%，主要变动情况：人员经费的增加。",
    "2.项目支出2,829.88万元，比上年决算增加1,882.99万元，增长198.9%，",
    "一般公共预算财政拨款支出2,629.26万元，比年初预算数增加1,452.55万元，增长123.4%，",
    "“三公”经费财政拨款支出决算为2.99万元，完成预算7万元的42.71%。",
    "公务用车购置及运行费支出决算为1.3万元，完成预算5万元的26%（",
    "公务接待费支出决算为1.69万元，完成预算2万元的84.50%。",
    "公务用车购置及运行费支出1.3万元，占43.5%；公务接待费支出1.69万元，占56.5%。",
    "机关运行经费支出78.06万元，比年初预算数增加9.86万元，增长14.46%。",
    "授予小微企业合同金额26.7万元，占政府采购支出总额的0.96%。",
    "共涉及资金623.36万元，占一般公共预算项目支出总额的33.40%；",
    # the reference's "增长100%" against a zero budget is the mistake we must not make
    "政府性基金预算财政拨款支出963.62万元，比年初预算数增加963.62万元，增长--（基数为0，不可比），",
    "因公出国（境）费支出决算为0万元，完成预算0万元的--%（基数为0，不可比）；",
    "国有资本经营预算财政拨款收入0万元，与上年决算持平。",
    "2020年度“三公”经费支出决算小于预算数的主要情况：",
    "截至2020年12月31日，本部门共有车辆1辆，其中，岗位保障用车1辆、",
]

SENTENCES_001 = [
    "一般公共预算财政拨款收入855.46万元，比上年决算数减少71.66万元，下降7.7%。",
    "基本支出281.37万元，比上年决算数增加31.65万元，增长12.7%。",
    "项目支出577.15万元，比上年决算数减少100.39万元，下降14.8%。",
    "一般公共预算财政拨款支出855.99万元，比年初预算数减少1,886.42万元，下降68.8%；",
    "全年预算数2,742.41万元，执行数855.99万元，完成预算的31.21%。",
    "其他收入2.54万元，比上年决算数增加2.54万元，增长--（基数为0，不可比）。",
    "“三公”经费财政拨款支出决算为0万元，完成全年预算0.4万元的0%，与上年决算数持平。",
    "因公出国（境）费0万元，占0%；公务用车购置及运行维护费支出0万元，占0%；公务接待费支出0万元，占0%。",
    "2023年度“三公”经费支出决算等于上年决算数的主要情况：",
    "授予小微企业合同金额15.15万元，占授予中小企业合同金额的100%；",
    "工程采购授予中小企业合同金额占工程支出金额的0%",
]


@pytest.mark.parametrize("sentence", SENTENCES_000)
def test_000_figures_in_their_sentences(sentence: str) -> None:
    assert sentence in narrative("000")


@pytest.mark.parametrize("sentence", SENTENCES_001)
def test_001_figures_in_their_sentences(sentence: str) -> None:
    assert sentence in narrative("001")


@pytest.mark.parametrize("ref", sorted(EXAMPLES))
def test_no_residue_or_forbidden_wording(ref: str) -> None:
    text = narrative(ref)
    for bad in ("增长100%", "增加（减少）", "下降（增长）", "None", "nan", "{{", "主要原因是。", "。。", "，，",
                "；；", "XX", "待填"):
        assert bad not in text, bad
    # direction words agree with the sign everywhere: "减少 … 增长" or "增加 … 下降" never pair up
    assert not re.search(r"增加[^，。；]*万元，下降", text)
    assert not re.search(r"减少[^，。；]*万元，增长", text)


@pytest.mark.parametrize("ref", sorted(EXAMPLES))
def test_generated_docx_verifies_and_has_no_duplicate_parts(ref: str, tmp_path: Path) -> None:
    result = build_report(EXAMPLES[ref], RunOptions(out_dir=tmp_path))
    docx = next(p for p in result.outputs if p.suffix == ".docx")
    names = zipfile.ZipFile(docx).namelist()
    assert len(names) == len(set(names))
    with pytest.raises(SystemExit) as e:
        main(["verify", str(docx)])
    assert e.value.code == 0


def test_verify_catches_a_table_cell_that_disagrees(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docx = next(p for p in build_report(EXAMPLES["001"], RunOptions(out_dir=tmp_path)).outputs if p.suffix == ".docx")
    tampered = tmp_path / "tampered.docx"
    with zipfile.ZipFile(docx) as src, zipfile.ZipFile(tampered, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                xml = data.decode()
                at = xml.index(">855.46<", xml.index("<w:tbl>"))
                data = (xml[:at] + ">855.47<" + xml[at + 8:]).encode()
            dst.writestr(info, data)
    with pytest.raises(SystemExit) as e:
        main(["verify", str(tampered)])
    assert e.value.code == 1
    err = capsys.readouterr().err
    assert "情况说明引用的数与表中的数不一致" in err
    assert "表中为 855.47" in err and "情况说明为 855.46" in err


def _mutated(tmp_path: Path, old: str, new: str) -> Path:
    text = EXAMPLES["000"].read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "input.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_missing_last_year_figure_is_a_located_error(tmp_path: Path) -> None:
    path = _mutated(tmp_path, "  其他收入: 0.03\n", "")
    with pytest.raises(UserError) as e:
        render(prepare(path))
    messages = [p.message for p in e.value.problems if p.severity == "错误"]
    assert messages == ["情况说明需要上年数“其他收入”，但输入中没有"]
    assert any(p.severity == "警告" for p in e.value.problems)  # the example's tolerance warnings, with it


def test_last_year_and_change_must_agree(tmp_path: Path) -> None:
    path = _mutated(tmp_path, "比上年增减:\n", "上年数:\n  基本支出: 600\n比上年增减:\n")
    with pytest.raises(UserError) as e:
        prepare(path)
    [problem] = [p for p in e.value.problems if p.severity == "错误"]
    assert problem.message == "“上年数”与“比上年增减”不一致"
    assert problem.row == "基本支出"
    assert problem.expected == "本年数 − 增减数 = 656.6万元" and problem.found == "600万元"


def test_change_derived_from_last_year_figure(tmp_path: Path) -> None:
    """Typing last year's figure instead of the change gives the same sentence."""
    path = _mutated(tmp_path, "  其他收入: 0.03\n", "")
    text = path.read_text(encoding="utf-8").replace("比上年增减:\n", "上年数:\n  其他收入: 0.05\n比上年增减:\n", 1)
    path.write_text(text, encoding="utf-8")
    doc = render(prepare(path))
    body = "\n".join(b.text for b in doc.part("情况说明").blocks)
    assert "其他收入0.08万元，比上年决算增加0.03万元，增长60%。" in body


def test_check_catches_what_only_the_narrative_needs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`check` must not pass a file that `generate` would refuse."""
    path = _mutated(tmp_path, "  其他收入: 0.03\n", "")
    with pytest.raises(SystemExit) as e:
        main(["check", str(path)])
    assert e.value.code == 1
    assert "情况说明需要上年数“其他收入”，但输入中没有" in capsys.readouterr().err


def test_narrative_problems_come_with_the_checks_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A check's error (上年数 against 比上年增减) does not hide what only the narrative finds (a
    missing 上年数): both in one run, for check and for generate alike."""
    path = _mutated(tmp_path, "  其他收入: 0.03\n", "")
    text = path.read_text(encoding="utf-8").replace("比上年增减:\n", "上年数:\n  基本支出: 600\n比上年增减:\n", 1)
    path.write_text(text, encoding="utf-8")
    for command in (["check"], ["-o", str(tmp_path / "out")]):
        with pytest.raises(SystemExit) as e:
            main([*command, str(path)])
        assert e.value.code == 1
        err = capsys.readouterr().err
        assert "“上年数”与“比上年增减”不一致" in err
        assert "情况说明需要上年数“其他收入”，但输入中没有" in err
        assert "共 2 个错误，" in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_misspelt_reason_item_is_an_error(tmp_path: Path) -> None:
    path = _mutated(tmp_path, "  基本支出: 人员经费的增加。", "  基本之出: 人员经费的增加。")
    with pytest.raises(UserError) as e:
        prepare(path)
    [problem] = [p for p in e.value.problems if p.severity == "错误"]
    assert problem.message == "“变动原因”中不认识的项目“基本之出”（这段文字不会出现在文档中）"
    assert problem.hint == "是否想写“基本支出”？"
    assert problem.location.line is not None


def test_zero_items_can_be_left_out(tmp_path: Path) -> None:
    path = _mutated(tmp_path, "样式:\n", "样式:\n  提及零值项目: false\n")
    body = "\n".join(b.text for b in render(prepare(path)).part("情况说明").blocks)
    assert "上级补助收入" not in body and "上缴上级支出" not in body
    # the remaining items are numbered without gaps
    assert "3.其他收入0.08万元" in body and "2.项目支出2,829.88万元" in body
    assert "国有资本经营预算财政拨款收入" in body  # still named where the template lists it on its own


def test_profile_style_defaults_and_input_override(tmp_path: Path) -> None:
    """预算-2024 sets growth to 2 decimals ("增长1.01%"); an input's 样式 still wins."""
    budget = ROOT / "data/examples/清远市政务服务中心-2024-预算.yaml"
    body = "\n".join(getattr(b, "text", "") for b in render(prepare(budget)).part("情况说明").blocks)
    assert "比上年增加24.16万元，增长1.01%" in body
    text = budget.read_text(encoding="utf-8").replace("比上年增减:", "样式:\n  百分比小数位: {增长率: 1}\n\n比上年增减:", 1)
    path = tmp_path / "budget.yaml"
    path.write_text(text, encoding="utf-8")
    body = "\n".join(getattr(b, "text", "") for b in render(prepare(path)).part("情况说明").blocks)
    assert "比上年增加24.16万元，增长1%，" in body  # 1.0 under the 整数去除 trailing-zero policy
