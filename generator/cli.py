"""Command line: thin. Parse options, call build, turn problems into messages and exit codes.

Exit codes: 0 success (warnings allowed); 1 input or check errors; 2 usage errors;
3 an internal error (a bug: please report it, with the output of -v).
"""

from __future__ import annotations

import functools
import gc
import json
import sys
import traceback
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import Problem, UserError
from .options import RunOptions
from .writers import atomic

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class _ChineseHelp:
    """Click's help, with Chinese headings (the officers' language)."""

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix="用法：")

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [r for p in self.get_params(ctx) if (r := p.get_help_record(ctx))]  # type: ignore[attr-defined]
        if rows:
            with formatter.section("选项"):
                formatter.write_dl(rows)
        if isinstance(self, click.Group):
            commands = [(n, c.get_short_help_str(60)) for n in self.list_commands(ctx)
                        if (c := self.get_command(ctx, n)) and not c.hidden]
            if commands:
                with formatter.section("命令"):
                    formatter.write_dl(commands)


class Command(_ChineseHelp, click.Command):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)


class DefaultGroup(_ChineseHelp, click.Group):
    """`gen-report dept.yaml` means `gen-report generate dept.yaml`."""

    command_class = Command

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        group_only = {"-h", "--help", "-V", "--version"}
        if args and not any(a in self.commands for a in args) and not set(args) <= group_only:
            args = ["generate", *args]  # also `gen-report --strict dept.yaml`
        return super().parse_args(ctx, args)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        pass  # listed by format_options under 命令


_help = click.help_option("-h", "--help", help="显示本帮助并退出。")
_verbose = click.option("-v", "--verbose", is_flag=True, help="出错时显示程序内部的详细信息（供开发者排查问题）。")
_strict = click.option("--strict", is_flag=True, help="严格模式：把警告（如尾数差异）也当作错误，不生成文件。")
_prev = click.option("--prev", "prev", type=click.Path(path_type=Path), default=None,
                     help="上年的录入文件（.yaml 或 .xlsx）：未填写“上年数”“比上年增减”的比较项从中取上年数，"
                          "未填写的主要职责、机构设置、名词解释补充沿用上年。")
_data_dir = click.option("--data-dir", "data_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
                         help="模板数据文件夹（含 profiles/、catalogues/、名词解释/），默认使用程序自带的 data/。"
                              "新增地区或年度的模板时用它，不必改动程序（见 docs/模板配置.md）。")
_templates_dir = click.option("--templates-dir", "templates_dir", type=click.Path(path_type=Path, file_okay=False),
                              default=None, help="情况说明等文字模板所在文件夹，默认使用程序自带的 templates/；"
                                                 "其中若有 reference.docx，Word 文档按它的样式排版。")
_reference_doc = click.option("--reference-doc", "reference_doc", type=click.Path(path_type=Path, dir_okay=False),
                              default=None, help="Word 样式参考文档（.docx），默认用文字模板文件夹中的 "
                                                 "reference.docx（见 docs/模板配置.md）。")
_pdf = click.option("--pdf", is_flag=True,
                    help="同时生成 PDF（需要安装 LibreOffice；中文字体见 docs/PDF与字体.md）。")
_pdf_timeout = click.option("--pdf-timeout", "pdf_timeout", type=click.IntRange(min=1), default=120,
                            show_default=True, metavar="秒",
                            help="LibreOffice 转换每份文档为 PDF 的时限（秒），超时即停止转换、不生成文件。")
_out_dir = click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path), default=Path("output"),
                        show_default=True, help="输出文件夹，不存在时自动创建。")
_RUN_OPTIONS = {"data_dir": _data_dir, "templates_dir": _templates_dir, "reference_doc": _reference_doc,
                "strict": _strict, "prev": _prev, "out_dir": _out_dir, "pdf": _pdf,
                "pdf_timeout": _pdf_timeout}
_FOLDERS = ("data_dir", "templates_dir")  # a region's own profile and templates: every command takes them


def run_options(*names: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """The command takes these run options (always --data-dir and --templates-dir) and receives
    them as one `options: RunOptions`, built here once."""
    names = tuple(dict.fromkeys(_FOLDERS + names))

    def decorate(f: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(f)
        def command(*args: Any, **kwargs: Any) -> None:
            values = {n: kwargs.pop(n) for n in names}
            f(*args, options=RunOptions(**values), **kwargs)

        for name in reversed(names):
            command = _RUN_OPTIONS[name](command)
        return command

    return decorate
_force = click.option("--force", is_flag=True, help="输出文件已存在时覆盖它（默认不覆盖，以免丢失已填写的内容）。")
_format = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
                       help="问题报告的格式：text 供人阅读，json 供其他程序读取。")


@click.group(cls=DefaultGroup, invoke_without_command=True,
             help="gen-report：根据一个部门一年的数据，生成部门决算/预算公开文档（Word）和表格（Excel）。\n\n"
                  "最常用的用法：gen-report 部门数据.yaml")
@click.version_option(__version__, "-V", "--version", message="gen-report %(version)s", help="显示版本号并退出。")
@_help
@click.pass_context
def cli(ctx: click.Context) -> None:
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


@cli.command("generate", help="生成文档：检查输入数据，全部无误后写出 Word 文档和 Excel 表格。")
@click.argument("input_file", metavar="输入文件", type=click.Path(path_type=Path))
@run_options("out_dir", "strict", "prev", "reference_doc", "pdf", "pdf_timeout")
@click.option("--verify", "also_verify", is_flag=True,
              help="生成后立即核对 Word 文档：情况说明引用的数与表中一致。")
@_format
@_verbose
@_help
def generate(input_file: Path, options: RunOptions, fmt: str, verbose: bool, also_verify: bool) -> None:
    # lazy: each command imports only what it runs (start-up)
    from .build import build_report

    result = build_report(input_file, options)
    if also_verify:
        # lazy: each command imports only what it runs (start-up)
        from .verify import verify_full

        docx_path = next(p for p in result.outputs if p.suffix == ".docx")
        verified = verify_full(docx_path)
        if verified.problems:
            raise UserError(verified.problems, nothing_written=False)
        if fmt != "json":
            click.echo(f"核对通过：情况说明引用的 {verified.checked} 个数均与表中一致"
                       + _percent_note(verified.percents) + _uncited_note(verified.uncited))
    report_problems(result.warnings, fmt)
    if fmt == "json":
        extra = {"changes": [c.as_dict() for c in result.changes]} if result.previous else {}
        if result.history:
            extra["history"] = str(result.history)
        _emit_json(result.warnings, outputs=[str(p) for p in result.outputs], notes=result.notes, **extra)
        return
    if result.previous:
        _report_changes(result.changes, "与上次生成的文件相比")
    if result.history:
        click.echo(f"上次生成的文件已保存在：{result.history}（如在 Word 中改过，可从这里找回）")
    for path in result.outputs:
        click.echo(f"已生成：{path}")
    for note in result.notes:
        click.echo(note)


def _report_changes(changes: list[Any], against: str) -> None:
    if not changes:
        click.echo(f"{against}，内容没有变化。")
        return
    cells = sum(1 for c in changes if c.kind == "表格")
    click.echo(f"{against}，有 {cells} 处表格数据、{len(changes) - cells} 处文字发生变化：")
    for c in changes:
        click.echo(f"  {c.render()}")


@cli.command("diff", help="比较两个输入文件生成的文档：列出变化的表格单元格和情况说明语句（不写任何文件）。")
@click.argument("old_file", metavar="原输入文件", type=click.Path(path_type=Path))
@click.argument("new_file", metavar="新输入文件", type=click.Path(path_type=Path))
@run_options("strict", "reference_doc")
@_format
@_verbose
@_help
def diff(old_file: Path, new_file: Path, options: RunOptions, fmt: str, verbose: bool) -> None:
    # lazy: each command imports only what it runs (start-up)
    from .diff_command import diff_inputs

    changes = diff_inputs(old_file, new_file, options)
    if fmt == "json":
        _emit_json([], changes=[c.as_dict() for c in changes])
        return
    _report_changes(changes, f"{new_file} 与 {old_file} 相比")


@cli.command("batch", help="批量生成：一次处理多个部门的输入文件（或整个文件夹中的 .yaml 和 .xlsx 录入表），"
                            "并写出汇总表 汇总.xlsx。")
@click.argument("inputs", metavar="输入文件或文件夹...", nargs=-1, required=True,
                type=click.Path(path_type=Path))
@run_options("out_dir", "strict", "reference_doc", "pdf", "pdf_timeout")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="数量",
              help="同时处理的部门数（进程数），默认等于处理器核数。")
@_verbose
@_help
def batch(inputs: tuple[Path, ...], options: RunOptions, jobs: int | None, verbose: bool) -> None:
    # lazy: each command imports only what it runs (start-up)
    from .batch import SUMMARY_NAME, collect_inputs, default_jobs, run_batch, summary_workbook
    from .writers.atomic import history_folder, write_all
    from .writers.pdf import missing_libreoffice, soffice

    files = collect_inputs(inputs)
    if options.pdf and soffice() is None:
        raise missing_libreoffice()
    total = len(files)
    done = [0]
    tty = sys.stderr.isatty()
    bar = click.progressbar(length=total, label="生成中", file=sys.stderr, show_pos=True) if tty else None

    def progress(result: Any) -> None:
        done[0] += 1
        if bar is not None:
            bar.update(1)
        else:
            click.echo(f"[{done[0]}/{total}] {result.status}：{result.department or result.input}", err=True)

    history = history_folder(options.out_dir)  # one folder for the whole run
    if bar is not None:
        with bar:
            results = run_batch(files, options, jobs or default_jobs(), progress=progress, history=history)
    else:
        results = run_batch(files, options, jobs or default_jobs(), progress=progress, history=history)
    cancelled = [r for r in results if r.cancelled]
    summary_path = options.out_dir / SUMMARY_NAME
    if not cancelled:
        write_all({summary_path: summary_workbook(results)}, history)
    for r in results:
        if not r.ok:
            for message in r.messages:
                click.echo(message, err=True)
    click.echo("部门\t状态\t警告数\t错误数\t文件")
    for r in results:
        changed = f"（较上次 {r.changes} 处变化）" if r.changes else ""
        names = "、".join(Path(f).name for f in r.files) or "-"
        click.echo(f"{r.department or r.input}\t{r.status}{changed}\t{r.warnings}\t{r.errors}\t{names}")
    kept = next((r.history for r in results if r.history), "")
    if kept:
        click.echo(f"被替换的上次生成的文件已保存在：{kept}")
    if cancelled:
        written = [r for r in results if r.ok]
        click.echo(f"已取消：{len(written)} 个部门的文件已写出（见上表“成功”各行），"
                   f"{len(cancelled)} 个部门未处理，未写汇总表。", err=True)
        sys.exit(EXIT_INPUT)
    failed = sum(1 for r in results if not r.ok)
    click.echo(f"共 {total} 个部门：成功 {total - failed} 个，失败 {failed} 个。汇总表：{summary_path}")
    if failed:
        sys.exit(EXIT_INPUT)


@cli.command("check", help="只检查输入数据（格式、科目编码、勾稽关系），不生成任何文件。")
@click.argument("input_file", metavar="输入文件", type=click.Path(path_type=Path))
@run_options("strict", "prev", "reference_doc")
@_format
@_verbose
@_help
def check(input_file: Path, options: RunOptions, fmt: str, verbose: bool) -> None:
    # lazy: each command imports only what it runs (start-up)
    from .build import check_report

    prepared = check_report(input_file, options)
    if fmt == "json":
        _emit_json(prepared.problems, notes=prepared.notes)
        return
    report_problems(prepared.problems, fmt)
    click.echo(f"检查通过：{input_file}（模板：{prepared.profile.model.name}）")
    for note in prepared.notes:
        click.echo(note)


@cli.command("verify", help="核对已生成的 Word 文档：表格和文字中的每个数都与生成时一致（找出手工改动），情况说明引用的数与表中一致。")
@click.argument("docx_file", metavar="Word文档", type=click.Path(path_type=Path))
@run_options()
@_format
@_verbose
@_help
def verify(docx_file: Path, options: RunOptions, fmt: str, verbose: bool) -> None:
    """Reads only the document (its citations and tables travel inside it); the run options are
    accepted so that one set of options can be given to every command."""
    # lazy: each command imports only what it runs (start-up)
    from .verify import verify_full

    verified = verify_full(docx_file)
    if verified.problems:
        raise UserError(verified.problems, nothing_written=False)
    if fmt == "json":
        _emit_json([], checked=verified.checked, percents=verified.percents, uncited=verified.uncited)
        return
    click.echo(f"核对通过：每个表格单元格和文字中的每个数都与生成时一致，"
               f"情况说明引用的 {verified.checked} 个数均与表中一致{_percent_note(verified.percents)}"
               f"{_uncited_note(verified.uncited)}（{docx_file}）")


def _percent_note(percents: int) -> str:
    """The narrative's percentages recomputed from the tables' figures."""
    return f"，另核对 {percents} 个百分比（按表中的数重新计算）" if percents else ""


def _uncited_note(uncited: list[str]) -> str:
    """The cited figures no table prints (they were compared with the document as written)."""
    if not uncited:
        return ""
    names = "、".join(k.split(".", 1)[-1] for k in uncited[:3])
    return f"；另有 {len(uncited)} 个数（{names}{' 等' if len(uncited) > 3 else ''}）不在任何表中，只核对未被改动"


@cli.command("init", help="生成空白的 Excel 录入表（按模板列出各表、上年数、年初预算数、文字说明等工作表）。")
@click.option("--kind", "kind", type=click.Choice(["决算", "预算"]), default="决算", show_default=True,
              help="文档类型。")
@click.option("--year", "year", type=int, required=True, help="年度（决定使用哪个模板），如 2023。")
@click.option("--profile", "profile_name", default=None, help="指定模板名称（一般不需要，按年度自动选择）。")
@click.option("-o", "--output", "output", type=click.Path(path_type=Path), default=Path("录入表.xlsx"),
              show_default=True, help="写出的录入表文件名（.xlsx）。")
@run_options()
@_force
@_verbose
@_help
def init(kind: str, year: int, profile_name: str | None, output: Path, options: RunOptions, force: bool,
         verbose: bool) -> None:
    # lazy: each command imports only what it runs (start-up)
    from .convert import blank_workbook

    blank_workbook(kind, year, profile_name, output, options, force=force)
    click.echo(f"已生成空白录入表：{output}")


@cli.command("convert", help="转换输入文件：YAML → Excel 录入表，或 Excel 录入表 → YAML（按扩展名判断）。")
@click.argument("input_file", metavar="输入文件", type=click.Path(path_type=Path))
@click.option("-o", "--output", "output", type=click.Path(path_type=Path), required=True,
              help="写出的文件：.xlsx 或 .yaml。")
@run_options()
@_force
@_verbose
@_help
def convert(input_file: Path, output: Path, options: RunOptions, force: bool, verbose: bool) -> None:
    # lazy: each command imports only what it runs (start-up)
    from .convert import convert_input

    convert_input(input_file, output, options, force=force)
    click.echo(f"已转换：{input_file} → {output}")


@cli.command("serve", help="在浏览器中使用：启动本机网页（下载录入表、上传检查、预览、下载文档、批量生成）。")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听的地址。默认只有本机能访问；一般不需要改。")
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True, help="端口。")
@click.option("--no-browser", "no_browser", is_flag=True, help="不自动打开浏览器。")
@run_options("reference_doc")
@_verbose
@_help
def serve(host: str, port: int, no_browser: bool, options: RunOptions, verbose: bool) -> None:
    # lazy: each command imports only what it runs (start-up)
    from .serve.run import serve as run_server

    run_server(options, host, port, open_browser=not no_browser, echo=click.echo)


@cli.command("profiles", help="列出可用的模板（年度、类型）及其表格；--check 文件夹：用示例数据试写每个模板的全部文字模板。")
@click.option("--check", "check_dir", type=click.Path(path_type=Path, file_okay=False, exists=True), default=None,
              help="检查这个模板数据文件夹（含 profiles/）中的每个模板：用编造的示例数据（有数、部分有数、无数三种）"
                   "生成概况和情况说明，报告文字模板中的每个错误（文件和行）。文字模板取自 --templates-dir，"
                   "未指定时取该文件夹旁边的 templates/（没有则用程序自带的）。")
@run_options()
@_verbose
@_help
def profiles(options: RunOptions, verbose: bool, check_dir: Path | None) -> None:
    if check_dir is not None:
        _check_profiles(check_dir, options)
        return
    # lazy: each command imports only what it runs (start-up)
    from .profiles import available_profiles

    for model in available_profiles(options.data_dir):
        years = "、".join(str(y) for y in model.years)
        click.echo(f"{model.name}：{model.kind}，适用年度 {years}。{model.description}")
        numbered = [t for t in model.tables if t.placement == "表格"]
        for i, table in enumerate(numbered, start=1):
            click.echo(f"    {table.number or f'表{i}'} {table.title}")
        for table in model.tables:
            if table.placement != "表格":  # in the narrative or another part (位置)
                click.echo(f"    （{table.placement}）{table.title}")


def _check_profiles(check_dir: Path, options: RunOptions) -> None:
    # lazy: each command imports only what it runs (start-up)
    from .profile_check import check_profiles
    from .resources import TEMPLATES_DIR

    beside = check_dir.resolve().parent / "templates"
    if options.templates_dir == TEMPLATES_DIR and beside.is_dir():
        options = replace(options, templates_dir=beside)
    names, problems = check_profiles(check_dir, replace(options, data_dir=check_dir))
    if problems:
        raise UserError(problems, nothing_written=False)
    click.echo(f"已检查 {len(names)} 个模板（{'、'.join(names)}），每个用“有数”“部分有数”“无数”三套示例数据生成，未发现问题。")


@cli.command("schema", help="输出输入文件的 JSON Schema（可供编辑器补全和检查）。")
@click.option("--kind", "kind", type=click.Choice(["决算", "预算"]), default="决算", show_default=True,
              help="文档类型。")
@click.option("--year", "year", type=int, default=2023, show_default=True, help="年度（决定使用哪个模板）。")
@click.option("--profile", "profile_name", default=None, help="指定模板名称（一般不需要，按年度自动选择）。")
@run_options()
@_verbose
@_help
def schema(kind: str, year: int, profile_name: str | None, options: RunOptions, verbose: bool) -> None:
    # lazy: each command imports only what it runs (start-up)
    from .schema import input_schema

    click.echo(json.dumps(input_schema(kind, year, options, profile_name), ensure_ascii=False, indent=2))


def report_problems(problems: list[Problem], fmt: str) -> None:
    if fmt == "json" or not problems:
        return
    for p in problems:
        click.echo(p.render(), err=True)
    click.echo(_summary(problems), err=True)


def _summary(problems: list[Problem]) -> str:
    errors = sum(1 for p in problems if p.severity == "错误")
    warnings = len(problems) - errors
    return f"共 {errors} 个错误，{warnings} 个警告。"


def _emit_json(problems: list[Problem], **extra: Any) -> None:
    errors = sum(1 for p in problems if p.severity == "错误")
    payload = {"errors": errors, "warnings": len(problems) - errors,
               "problems": [p.as_dict() for p in problems], **extra}
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2))


_USAGE_TRANSLATIONS = [
    ("No such option", "没有这个选项"),
    ("Missing argument", "缺少参数"),
    ("No such command", "没有这个命令"),
    ("Got unexpected extra argument", "多余的参数"),
    ("Invalid value for", "选项的值无效"),
    ("requires an argument", "需要一个值"),
    ("Did you mean", "是否想输入"),
    ("is not one of", "不是以下之一："),
    ("is not a valid integer", "不是整数"),
    ("Option", "选项"),
    ("Error", "错误"),
]


def _wants_json(args: list[str]) -> bool:
    """--format json / --format=json, read before click parses (errors may stop it first)."""
    return "--format=json" in args or any(a == "--format" and b == "json" for a, b in zip(args, args[1:], strict=False))


def _written_note() -> str:
    """What this run did write, said truthfully whatever went wrong afterwards."""
    written = list(dict.fromkeys(atomic.WRITTEN))
    return f"已写出的文件：{'、'.join(str(p) for p in written)}。" if written else ""


def _tolerant_console() -> None:
    """A console that cannot show a character (GBK and a name with 𠀀) shows “?” for it: a
    message must never fail after the files are written."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):
                pass


def main(argv: list[str] | None = None) -> None:
    _tolerant_console()
    atomic.WRITTEN.clear()
    args = list(sys.argv[1:] if argv is None else argv)
    verbose = "-v" in args or "--verbose" in args
    fmt = "json" if _wants_json(args) else "text"
    try:
        cli.main(args=args, prog_name="gen-report", standalone_mode=False)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except click.UsageError as e:
        message = e.format_message()
        for en, zh in _USAGE_TRANSLATIONS:
            message = message.replace(en, zh)
        click.echo(f"用法错误：{message}", err=True)
        click.echo("运行 gen-report --help 查看用法。", err=True)
        sys.exit(EXIT_USAGE)
    except UserError as e:
        if fmt == "json":
            _emit_json(e.problems, notes=e.notes)
        else:
            for p in e.problems:
                click.echo(p.render(), err=True)
            click.echo(_summary(e.problems) + ("未生成任何文件。" if e.nothing_written else ""), err=True)
            for note in e.notes:  # as after a passing check: the unit the figures were read in
                click.echo(note)
        if verbose:
            traceback.print_exc()
        sys.exit(EXIT_INPUT)
    except click.Abort:
        click.echo("已取消。" + _written_note(), err=True)
        sys.exit(EXIT_INPUT)
    except Exception:  # a bug in gen-report, not in the user's input
        if verbose:
            traceback.print_exc()
        click.echo(f"程序内部错误，{_written_note() or '未生成任何文件。'}请使用 -v 选项重新运行，并把输出报告给开发者。",
                   err=True)
        sys.exit(EXIT_INTERNAL)
    if argv is None:  # the program itself (gen-report, python -m generator.cli), not a caller's test
        # The process ends now: the cycle collector's passes while Python shuts down would
        # scan every object of the run (~90 M instructions, 4% of a one-department command);
        # frozen, they are left to the operating system, which frees the whole process.
        gc.freeze()
    sys.exit(EXIT_OK)


if __name__ == "__main__":  # pragma: no cover
    main()
