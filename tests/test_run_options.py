"""One set of run options for every command: the reference document is found in the templates
folder or given with --reference-doc, and a restyled one that lacks a style is a located error."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import docx
from docx.shared import Pt

from generator.options import RunOptions
from generator.resources import TEMPLATES_DIR

EXAMPLE = Path(__file__).resolve().parent.parent / "data" / "examples" / "清远市政务服务数据管理局-2020-决算.yaml"

OTHER = EXAMPLE.parent / "示例单位-2022-决算.yaml"
REFERENCE = TEMPLATES_DIR / "reference.docx"


def _restyled(path: Path, *, drop: str | None = None) -> Path:
    word = docx.Document(str(REFERENCE))
    word.styles["公文正文"].font.size = Pt(17)  # a size no shipped style uses
    if drop:
        style = word.styles[drop].element
        style.getparent().remove(style)
    path.parent.mkdir(parents=True, exist_ok=True)
    word.save(str(path))
    return path


def _templates_with(tmp_path: Path, **kw: str) -> Path:
    templates = tmp_path / "文字模板"
    shutil.copytree(TEMPLATES_DIR, templates, ignore=shutil.ignore_patterns("reference.docx"))
    _restyled(templates / "reference.docx", **kw)
    return templates


def _styles(docx_path: Path) -> str:
    with zipfile.ZipFile(docx_path) as z:
        return z.read("word/styles.xml").decode("utf-8")


def test_options_default_to_the_installed_folders() -> None:
    options = RunOptions(data_dir=None, templates_dir=None, out_dir=None)  # type: ignore[arg-type]
    assert options.templates_dir == TEMPLATES_DIR and options.out_dir == Path("output")
    assert options.reference == REFERENCE


def test_a_restyled_reference_in_the_templates_folder_is_used(tmp_path: Path, run) -> None:  # noqa: ANN001
    templates = _templates_with(tmp_path)
    assert RunOptions(templates_dir=templates).reference == templates / "reference.docx"
    code, _, err = run(EXAMPLE, "-o", tmp_path / "out", "--templates-dir", templates)
    assert code == 0, err
    restyled = _styles(next((tmp_path / "out").glob("*.docx")))
    code, _, err = run(EXAMPLE, "-o", tmp_path / "plain")
    assert code == 0, err
    plain = _styles(next((tmp_path / "plain").glob("*.docx")))
    assert '<w:sz w:val="34"/>' in restyled and '<w:sz w:val="34"/>' not in plain


def test_reference_doc_option_wins(tmp_path: Path, run) -> None:  # noqa: ANN001
    reference = _restyled(tmp_path / "样式.docx")
    code, _, err = run(EXAMPLE, "-o", tmp_path / "out", "--reference-doc", reference)
    assert code == 0, err
    assert '<w:sz w:val="34"/>' in _styles(next((tmp_path / "out").glob("*.docx")))


def test_a_reference_lacking_a_style_is_a_located_error_naming_it(tmp_path: Path, run) -> None:  # noqa: ANN001
    templates = _templates_with(tmp_path, drop="表注")
    for command in ([EXAMPLE, "-o", tmp_path / "out"], ["check", EXAMPLE]):
        code, out, err = run(*command, "--templates-dir", templates)
        assert code == 1, out + err
        assert f"[错误] {templates / 'reference.docx'}：样式参考文档缺少样式“表注”" in err
    assert not (tmp_path / "out").exists()


def test_a_reference_that_is_not_a_docx_is_a_located_error(tmp_path: Path, run) -> None:  # noqa: ANN001
    bad = tmp_path / "样式.docx"
    bad.write_text("不是 Word 文档", encoding="utf-8")
    code, _, err = run(EXAMPLE, "-o", tmp_path / "out", "--reference-doc", bad)
    assert code == 1
    assert f"[错误] {bad}：无法读取样式参考文档：不是有效的 Word 文档（.docx）" in err
    code, _, err = run(EXAMPLE, "-o", tmp_path / "out", "--reference-doc", tmp_path / "没有.docx")
    assert code == 1 and "无法读取样式参考文档" in err


def test_batch_takes_workbooks_and_yaml_in_a_folder(tmp_path: Path, run) -> None:  # noqa: ANN001
    folder = tmp_path / "各部门"
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / "甲.yaml")
    code, _, err = run("convert", OTHER, "-o", folder / "乙.xlsx")
    assert code == 0, err
    (folder / "~$乙.xlsx").write_bytes(b"lock")  # Excel's lock file is not an input
    code, out, err = run("batch", folder, "-o", tmp_path / "out", "-j", "1")
    assert code == 0, out + err
    assert "共 2 个部门：成功 2 个" in out
    assert len(list((tmp_path / "out").glob("*.docx"))) == 2
