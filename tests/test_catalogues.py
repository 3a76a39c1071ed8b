"""Checks on the code catalogues in data/catalogues (功能分类 / 经济分类, one file per year).

The expected lists below are transcribed from the published reference documents
(000: 2020 部门决算, 001: 2023 部门决算, 003: 2024 部门预算).
"""

import re
from pathlib import Path

import yaml

CATALOGUES = Path(__file__).parent.parent / "data" / "catalogues"
YEARS = [2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026]
KINDS = ["功能分类", "经济分类"]


def load(kind, year):
    path = CATALOGUES / f"{kind}-{year}.yaml"
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def entries(kind, year):
    return load(kind, year)["科目"]


def parent(code):
    return {3: None, 5: code[:3], 7: code[:5]}[len(code)]


# --- structure ---------------------------------------------------------------------------


def test_every_file_parses_with_header():
    for kind in KINDS:
        for year in YEARS:
            doc = load(kind, year)
            assert set(doc) == {"目录", "年度", "科目"}, (kind, year)
            assert doc["目录"] == kind
            assert doc["年度"] == year
            assert isinstance(doc["科目"], dict) and doc["科目"]


def test_no_stray_files():
    expected = {f"{k}-{y}.yaml" for k in KINDS for y in YEARS}
    present = {p.name for p in CATALOGUES.glob("*.yaml")}
    assert present == expected


def test_keys_are_code_strings_and_names_non_empty():
    for kind in KINDS:
        for year in YEARS:
            for code, name in entries(kind, year).items():
                assert isinstance(code, str), (kind, year, code)
                assert re.fullmatch(r"\d{3}|\d{5}|\d{7}", code), (kind, year, code)
                assert isinstance(name, str) and name.strip() == name and name, (kind, year, code)
                assert not re.search(r"\s", name), (kind, year, code, name)


def test_keys_are_quoted_in_source():
    # unquoted 201 would load as an int; the engine relies on quoted strings
    for kind in KINDS:
        for year in YEARS:
            text = (CATALOGUES / f"{kind}-{year}.yaml").read_text(encoding="utf-8")
            for line in text.splitlines():
                if line.startswith("  "):
                    assert re.match(r"  '\d+': \S", line), (kind, year, line)


def test_prefix_matches_kind():
    for year in YEARS:
        assert all(c.startswith("2") for c in entries("功能分类", year))
        assert all(c.startswith("3") for c in entries("经济分类", year))
        # 经济分类 has only 类 and 款
        assert all(len(c) in (3, 5) for c in entries("经济分类", year))


def test_every_child_has_its_parent():
    for kind in KINDS:
        for year in YEARS:
            codes = entries(kind, year)
            for code in codes:
                p = parent(code)
                assert p is None or p in codes, (kind, year, code)


def test_sorted_by_code():
    for kind in KINDS:
        for year in YEARS:
            codes = list(entries(kind, year))
            assert codes == sorted(codes), (kind, year)


# --- 功能分类 类 ---------------------------------------------------------------------------

JUESUAN_LEI = [
    ("201", "一般公共服务支出"),
    ("202", "外交支出"),
    ("203", "国防支出"),
    ("204", "公共安全支出"),
    ("205", "教育支出"),
    ("206", "科学技术支出"),
    ("207", "文化旅游体育与传媒支出"),
    ("208", "社会保障和就业支出"),
    ("210", "卫生健康支出"),
    ("211", "节能环保支出"),
    ("212", "城乡社区支出"),
    ("213", "农林水支出"),
    ("214", "交通运输支出"),
    ("215", "资源勘探工业信息等支出"),
    ("216", "商业服务业等支出"),
    ("217", "金融支出"),
    ("219", "援助其他地区支出"),
    ("220", "自然资源海洋气象等支出"),
    ("221", "住房保障支出"),
    ("222", "粮油物资储备支出"),
    ("223", "国有资本经营预算支出"),
    ("224", "灾害防治及应急管理支出"),
    ("229", "其他支出"),
    ("231", "债务还本支出"),
    ("232", "债务付息支出"),
    ("234", "抗疫特别国债安排的支出"),
]


def test_juesuan_table1_lei_2020_onwards():
    for year in range(2020, 2025):
        codes = entries("功能分类", year)
        for code, name in JUESUAN_LEI:
            assert codes.get(code) == name, (year, code, codes.get(code))
        # table 1 lists exactly these 类 in code order
        assert [c for c, _ in JUESUAN_LEI] == sorted(c for c, _ in JUESUAN_LEI)


# 2019 names that changed in 2020 (layout-variations.md: 2019 documents print these)
NAMES_2019 = {"215": "资源勘探信息等支出", "20805": "行政事业单位离退休", "2080501": "归口管理的行政单位离退休",
              "2080502": "所属事业单位离退休", "2080599": "其他行政事业单位离退休支出",
              "21208": "国有土地使用权出让收入及对应专项债务收入安排的支出"}


def test_lei_2019():
    codes = entries("功能分类", 2019)
    for code, name in JUESUAN_LEI:
        if code == "234":
            assert code not in codes  # 抗疫特别国债 only from 2020
        elif code in NAMES_2019:
            assert codes[code] == NAMES_2019[code]
        else:
            assert codes.get(code) == name, (code, codes.get(code))


def test_old_lei_names_are_gone():
    old = {"医疗卫生与计划生育支出", "文化体育与传媒支出", "国土海洋气象等支出"}
    for year in [y for y in YEARS if y >= 2019]:  # 2018 keeps them on purpose (test_names_2018)
        assert not old & set(entries("功能分类", year).values()), year
    for year in [y for y in YEARS if y >= 2020]:
        assert "资源勘探信息等支出" not in entries("功能分类", year).values(), year


def test_names_2019_are_the_2019_names():
    for year in (2018, 2019):
        codes = entries("功能分类", year)
        for code, name in NAMES_2019.items():
            assert codes[code] == name, (year, code)
    for year in [y for y in YEARS if y >= 2020]:
        assert entries("功能分类", year)["20805"] == "行政事业单位养老支出"


# --- 功能分类 codes printed in the references ----------------------------------------------

# 000: 清远市政务服务数据管理局 2020 年部门决算 (表2, 表3, 表5, 表8, 表9)
REF_000_2020 = {
    "201": "一般公共服务支出",
    "20103": "政府办公厅（室）及相关机构事务",
    "2010301": "行政运行",
    "2010399": "其他政府办公厅（室）及相关机构事务支出",
    "20132": "组织事务",
    "2013299": "其他组织事务支出",
    "208": "社会保障和就业支出",
    "20805": "行政事业单位养老支出",
    "2080501": "行政单位离退休",
    "2080505": "机关事业单位基本养老保险缴费支出",
    "2080506": "机关事业单位职业年金缴费支出",
    "210": "卫生健康支出",
    "21011": "行政事业单位医疗",
    "2101101": "行政单位医疗",
    "212": "城乡社区支出",
    "21213": "城市基础设施配套费安排的支出",
    "2121301": "城市公共设施",
    "221": "住房保障支出",
    "22102": "住房改革支出",
    "2210201": "住房公积金",
    "223": "国有资本经营预算支出",
    "22301": "解决历史遗留问题及改革成本支出",
    "2230102": "“三供一业”移交补助支出",
    "2230103": "国有企业办职教幼教补助支出",
    "2230104": "国有企业办公共服务机构移交补助支出",
    "2230105": "国有企业退休人员社会化管理补助支出",
    "2230106": "国有企业棚户区改造支出",
    "2230107": "国有企业改革成本支出",
    "2230108": "离休干部医药费补助支出",
    "2230199": "其他解决历史遗留问题及改革成本支出",
    "22302": "国有企业资本金注入",
    "2230201": "国有经济结构调整支出",
    "2230202": "公益性设施投资支出",
    "2230203": "前瞻性战略性产业发展支出",
}

# 001: 清远市清城区大数据中心 2023 年度部门决算 (表2, 表3, 表5)
REF_001_2023 = {
    "201": "一般公共服务支出",
    "20137": "网信事务",
    "2013750": "事业运行",
    "206": "科学技术支出",
    "20601": "科学技术管理事务",
    "2060199": "其他科学技术管理事务支出",
    "208": "社会保障和就业支出",
    "20805": "行政事业单位养老支出",
    "2080505": "机关事业单位基本养老保险缴费支出",
    "2080506": "机关事业单位职业年金缴费支出",
    "210": "卫生健康支出",
    "21011": "行政事业单位医疗",
    "2101102": "事业单位医疗",
    "2101199": "其他行政事业单位医疗支出",
    "221": "住房保障支出",
    "22102": "住房改革支出",
    "2210201": "住房公积金",
}

# 003: 清远市政务服务中心 2024 年部门预算 (表2, 表3, 表5)
REF_003_2024 = {
    "201": "一般公共服务支出",
    "20103": "政府办公厅（室）及相关机构事务",
    "2010350": "事业运行",
    "2010399": "其他政府办公厅（室）及相关机构事务支出",
    "208": "社会保障和就业支出",
    "20805": "行政事业单位养老支出",
    "2080502": "事业单位离退休",
    "2080505": "机关事业单位基本养老保险缴费支出",
    "2080506": "机关事业单位职业年金缴费支出",
    "210": "卫生健康支出",
    "21011": "行政事业单位医疗",
    "2101102": "事业单位医疗",
    "221": "住房保障支出",
    "22102": "住房改革支出",
    "2210201": "住房公积金",
}


def test_reference_functional_codes_present_with_reference_names():
    for year, ref in [(2020, REF_000_2020), (2023, REF_001_2023), (2024, REF_003_2024)]:
        codes = entries("功能分类", year)
        for code, name in ref.items():
            assert codes.get(code) == name, (year, code, codes.get(code), name)


def test_reference_functional_codes_present_in_every_year():
    # none of these codes was created or renamed between 2019 and 2024, but for those named
    # differently in 2019 (NAMES_2019)
    everything = {**REF_000_2020, **REF_001_2023, **REF_003_2024}
    for year in [y for y in YEARS if y >= 2019]:  # 2018 has the pre-reform names (test_names_2018)
        codes = entries("功能分类", year)
        for code, name in everything.items():
            if year == 2019 and code in NAMES_2019:
                continue
            assert codes.get(code) == name, (year, code)


# --- 经济分类: 决算 表6 ----------------------------------------------------------------------

TABLE6_LEI = ("301", "303", "302", "307", "310", "399")

COMMON_301_303 = [
    ("301", "工资福利支出"),
    ("30101", "基本工资"),
    ("30102", "津贴补贴"),
    ("30103", "奖金"),
    ("30106", "伙食补助费"),
    ("30107", "绩效工资"),
    ("30108", "机关事业单位基本养老保险缴费"),
    ("30109", "职业年金缴费"),
    ("30110", "职工基本医疗保险缴费"),
    ("30111", "公务员医疗补助缴费"),
    ("30112", "其他社会保障缴费"),
    ("30113", "住房公积金"),
    ("30114", "医疗费"),
    ("30199", "其他工资福利支出"),
    ("303", "对个人和家庭的补助"),
    ("30301", "离休费"),
    ("30302", "退休费"),
    ("30303", "退职（役）费"),
    ("30304", "抚恤金"),
    ("30305", "生活补助"),
    ("30306", "救济费"),
    ("30307", "医疗费补助"),
    ("30308", "助学金"),
    ("30309", "奖励金"),
    ("30310", "个人农业生产补贴"),
    ("30311", "代缴社会保险费"),
    ("30399", "其他对个人和家庭的补助"),
]

COMMON_302_307_310 = [
    ("302", "商品和服务支出"),
    ("30201", "办公费"),
    ("30202", "印刷费"),
    ("30203", "咨询费"),
    ("30204", "手续费"),
    ("30205", "水费"),
    ("30206", "电费"),
    ("30207", "邮电费"),
    ("30208", "取暖费"),
    ("30209", "物业管理费"),
    ("30211", "差旅费"),
    ("30212", "因公出国（境）费用"),
    ("30213", "维修(护)费"),
    ("30214", "租赁费"),
    ("30215", "会议费"),
    ("30216", "培训费"),
    ("30217", "公务接待费"),
    ("30218", "专用材料费"),
    ("30224", "被装购置费"),
    ("30225", "专用燃料费"),
    ("30226", "劳务费"),
    ("30227", "委托业务费"),
    ("30228", "工会经费"),
    ("30229", "福利费"),
    ("30231", "公务用车运行维护费"),
    ("30239", "其他交通费用"),
    ("30240", "税金及附加费用"),
    ("30299", "其他商品和服务支出"),
    ("307", "债务利息及费用支出"),
    ("30701", "国内债务付息"),
    ("30702", "国外债务付息"),
    ("310", "资本性支出"),
    ("31001", "房屋建筑物购建"),
    ("31002", "办公设备购置"),
    ("31003", "专用设备购置"),
    ("31005", "基础设施建设"),
    ("31006", "大型修缮"),
    ("31007", "信息网络及软件购置更新"),
    ("31008", "物资储备"),
    ("31009", "土地补偿"),
    ("31010", "安置补助"),
    ("31011", "地上附着物和青苗补偿"),
    ("31012", "拆迁补偿"),
    ("31013", "公务用车购置"),
    ("31019", "其他交通工具购置"),
    ("31021", "文物和陈列品购置"),
    ("31022", "无形资产购置"),
    ("31099", "其他资本性支出"),
]

# 000 表6 (2020): 人员经费 column, then 公用经费 column, in printed order
TABLE6_2020 = (
    COMMON_301_303
    + COMMON_302_307_310
    + [
        ("399", "其他支出"),
        ("39906", "赠与"),
        ("39907", "国家赔偿费用支出"),
        ("39908", "对民间非营利组织和群众性自治组织补贴"),
        ("39999", "其他支出"),
    ]
)

# 001 表6 (2023)
TABLE6_2023 = (
    COMMON_301_303
    + COMMON_302_307_310
    + [
        ("399", "其他支出"),
        ("39907", "国家赔偿费用支出"),
        ("39908", "对民间非营利组织和群众性自治组织补贴"),
        ("39909", "经常性赠与"),
        ("39910", "资本性赠与"),
        ("39999", "其他支出"),
    ]
)


def table6_from_catalogue(year):
    """What the engine would list: 人员经费 (301, 303) then 公用经费 (302, 307, 310, 399)."""
    codes = entries("经济分类", year)
    rows = []
    for lei in TABLE6_LEI:
        rows += sorted((c, n) for c, n in codes.items() if c[:3] == lei)
    return rows


def test_table6_2020_matches_reference_000():
    assert table6_from_catalogue(2020) == TABLE6_2020


def test_table6_2023_matches_reference_001():
    assert table6_from_catalogue(2023) == TABLE6_2023


def test_table6_printed_order_is_code_order_within_each_lei():
    for rows in (TABLE6_2020, TABLE6_2023):
        for lei in TABLE6_LEI:
            part = [c for c, _ in rows if c[:3] == lei]
            assert part == sorted(part)


def test_gift_codes_by_year():
    for year in YEARS:
        codes = entries("经济分类", year)
        old = "39906" in codes
        new = "39909" in codes and "39910" in codes
        assert old != new, year  # exactly one of the two schemes


def test_maintenance_fee_spelling():
    # 决算 references print ASCII parentheses; keep that spelling in every year
    for year in YEARS:
        assert entries("经济分类", year)["30213"] == "维修(护)费"


def test_budget_2024_economic_codes_present():
    # 003 表6/表7 (2024 预算); names as in 决算 spelling
    printed = {
        "30101", "30102", "30103", "30106", "30107", "30108", "30109", "30110", "30112",
        "30113", "30199", "30201", "30202", "30204", "30206", "30207", "30209", "30211",
        "30213", "30214", "30216", "30217", "30218", "30226", "30227", "30228", "30229",
        "30231", "30239", "30299", "30302", "31002", "31007",
    }
    codes = entries("经济分类", 2024)
    assert printed <= set(codes)


# --- 2018: names before the 2019 renames ----------------------------------------------------

def test_names_2018():
    old = entries("功能分类", 2018)
    new = entries("功能分类", 2019)
    renamed = {"207": ("文化体育与传媒支出", "文化旅游体育与传媒支出"),
               "210": ("医疗卫生与计划生育支出", "卫生健康支出"),
               "220": ("国土海洋气象等支出", "自然资源海洋气象等支出")}
    for code, (before, after) in renamed.items():
        assert (old[code], new[code]) == (before, after)
    assert "224" not in old and "224" in new  # 灾害防治及应急管理支出 is new in 2019
    assert "20137" not in old and "20138" not in old


# Revisions of the official catalogue during a year, as the Ministry's notices name them
# (data/catalogues/README.md 年度差异 gives the notices): present from that year on, absent before.
REVISIONS = {
    2024: {"22006": "耕地保护考核奖惩基金支出", "23004": "政府性基金转移支付", "2300412": "自然资源海洋气象等"},
    2025: {"2170404": "中央金融机构注资特别国债支出", "22911": "中央金融机构注资特别国债财务基金支出",
           "23107": "中央金融机构注资特别国债还本支出"},
}


def test_revisions_from_their_year_on():
    for since, codes in REVISIONS.items():
        for year in YEARS:
            catalogue = entries("功能分类", year)
            for code, name in codes.items():
                if year >= since:
                    assert catalogue.get(code) == name, (year, code)
                else:
                    assert code not in catalogue, (year, code)


def test_2026_is_the_revised_2025_and_2025_the_revised_2024():
    """No change of 2026 could be substantiated (README): 2026 repeats the revised 2025."""
    assert entries("功能分类", 2026) == entries("功能分类", 2025)
    assert entries("经济分类", 2026) == entries("经济分类", 2025) == entries("经济分类", 2024)
    added = set(entries("功能分类", 2025)) - set(entries("功能分类", 2024))
    assert added == set(REVISIONS[2025]) and set(entries("功能分类", 2024)) <= set(entries("功能分类", 2025))
