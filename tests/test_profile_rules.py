"""Statutory rules live in the profile, not in code: what last year's file carries over and
which figures must continue from it (上年衔接), and the meetings' limit (会议合计上限)."""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.resources import DATA_DIR

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_2022 = ROOT / "data/examples/示例单位-2022-决算.yaml"
EXAMPLE_2023 = ROOT / "data/examples/清远市清城区大数据中心-2023-决算.yaml"
BUDGET = ROOT / "data/examples/清远市政务服务中心-2024-预算.yaml"
RULE = """上年衔接:
  沿用: [概况.主要职责, 概况.机构设置, 名词解释补充]
  核对:
    - 本年: 收入支出决算总表.年初结转和结余
      上年: 收入支出决算总表.年末结转和结余
"""


def _data(tmp_path: Path, profile: str, old: str, new: str) -> Path:
    data = tmp_path / "data"
    if not data.exists():
        shutil.copytree(DATA_DIR, data, ignore=shutil.ignore_patterns("examples"))
    path = data / "profiles" / f"{profile}.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return data


def _mismatched_last_year(tmp_path: Path) -> Path:
    last = tmp_path / "去年.yaml"
    last.write_text(EXAMPLE_2022.read_text(encoding="utf-8").replace("年初结转和结余: 5.67", "年初结转和结余: 6.67")
                    .replace("一般公共预算财政拨款: 5.67", "一般公共预算财政拨款: 6.67")
                    .replace("年末结转和结余: 5.53", "年末结转和结余: 6.53"), encoding="utf-8")
    return last


def test_the_carry_over_check_is_the_profiles(run, tmp_path: Path) -> None:  # noqa: ANN001
    last = _mismatched_last_year(tmp_path)
    code, _, err = run("check", EXAMPLE_2023, "--prev", last)
    assert code == 0 and "本年“年初结转和结余”与上年文件的“年末结转和结余”不一致" in err
    data = _data(tmp_path, "决算-2020", RULE, RULE.split("  核对:")[0] + "  核对: []\n")
    code, _, err = run("check", EXAMPLE_2023, "--prev", last, "--data-dir", data)
    assert code == 0 and "年初结转和结余" not in err, err


def test_a_carry_over_rule_naming_no_figure_is_a_located_profile_error(run, tmp_path: Path) -> None:  # noqa: ANN001
    data = _data(tmp_path, "决算-2020", "      上年: 收入支出决算总表.年末结转和结余",
                 "      上年: 收入支出决算总表.年末结转和结余\n    - 本年: 收入支出决算总表.年初结余\n"
                 "      上年: 收入支出决算总表.年末结转和结余")
    code, _, err = run("check", EXAMPLE_2023, "--prev", EXAMPLE_2022, "--data-dir", data)
    assert code == 1
    assert f"{data / 'profiles' / '决算-2023.yaml'}：模板“上年衔接”中的“收入支出决算总表.年初结余”不是本年已定义的数" in err


def test_texts_carried_over_are_the_profiles(tmp_path: Path) -> None:
    from generator.build import prepare
    from generator.options import RunOptions

    this_year = tmp_path / "本年.yaml"
    text = EXAMPLE_2023.read_text(encoding="utf-8")
    start = text.index("  主要职责:")
    end = text.index("\n  ", text.index("\n", start) + 1)
    while text[end + 3] == " ":  # the rest of 主要职责's block
        end = text.index("\n  ", end + 1)
    this_year.write_text(text[:start] + text[end + 1:], encoding="utf-8")
    carried = prepare(this_year, RunOptions(prev=EXAMPLE_2022)).report.overview.duties
    assert carried == prepare(EXAMPLE_2022).report.overview.duties
    data = _data(tmp_path, "决算-2020", "  沿用: [概况.主要职责, 概况.机构设置, 名词解释补充]", "  沿用: [名词解释补充]")
    from generator.errors import UserError

    try:
        prepare(this_year, RunOptions(prev=EXAMPLE_2022, data_dir=data))
    except UserError as e:
        assert any("主要职责" in p.render() for p in e.problems)
    else:
        raise AssertionError("主要职责 is no longer carried over, so the input lacks it")


def test_a_budget_states_no_carry_over_check() -> None:
    from generator.profiles import choose_profile_file, load_profile

    budget = load_profile(choose_profile_file("预算", 2024, None), 2024)
    assert budget.model.carry_over.checks == []
    assert budget.model.carry_over.texts == ["概况.主要职责", "概况.机构设置", "名词解释补充"]


def test_the_meetings_limit_is_the_profiles(run, tmp_path: Path) -> None:  # noqa: ANN001
    text = EXAMPLE_2022.read_text(encoding="utf-8")
    over = tmp_path / "会议.yaml"
    over.write_text(text.replace("{名称: 年度工作会议, 天数: 1, 人数: 80, 金额: 1.20}",
                                 "{名称: 年度工作会议, 天数: 1, 人数: 80, 金额: 91.20}"), encoding="utf-8")
    code, _, err = run("check", over)
    assert code == 1 and "所列会议的金额合计超过会议费决算数" in err
    data = _data(tmp_path, "决算-2020", "    会议合计上限: 会议费培训费.决算数.会议费   # 所列会议的金额合计不能超过会议费决算数\n",
                 "")
    code, _, err = run("check", over, "--data-dir", data)
    assert "所列会议的金额合计超过会议费决算数" not in err, err
