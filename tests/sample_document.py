"""A small hand-built Document for writer tests: merged headers, landscape, empty table."""

from decimal import Decimal

from generator.document import (
    Cell,
    Document,
    GlossaryEntry,
    HeaderCell,
    Heading,
    Paragraph,
    Part,
    Table,
)


def amount(text: str) -> Cell:
    return Cell(text=text, value=Decimal(text.replace(",", "")), align="right")


def sample_document() -> Document:
    # 表2-like: two header rows with a merged "项目" group over code+name, 栏次 row in body.
    header2 = (
        HeaderCell("项目", 0, 0, 1, 2),
        HeaderCell("本年收入合计", 0, 2, 2, 1),
        HeaderCell("财政拨款收入", 0, 3, 2, 1),
        HeaderCell("其他收入", 0, 4, 2, 1),
        HeaderCell("功能分类科目编码", 1, 0),
        HeaderCell("科目名称", 1, 1),
    )
    rows2 = (
        (Cell("栏次", align="center", colspan=2), Cell(""), Cell("1", align="center"),
         Cell("2", align="center"), Cell("3", align="center")),
        (Cell("合计", align="center", colspan=2), Cell(""), amount("3,591.33"), amount("3,591.25"),
         amount("0.08")),
        (Cell("201"), Cell("一般公共服务支出"), amount("2,504.25"), amount("2,504.17"), amount("0.08")),
        (Cell("20103"), Cell("政府办公厅（室）及相关机构事务", indent=1), amount("2,502.45"),
         amount("2,502.37"), amount("0.08")),
        (Cell("2010301"), Cell("行政运行", indent=2), amount("637.91"), amount("637.91"),
         amount("0.00")),
    )
    t2 = Table(
        number="表2", title="收入决算表", org_label="部门：测试部门 & <局>", unit_label="单位：万元",
        ncols=5, header_rows=2, header=header2, rows=rows2,
        notes=("注：本表反映部门本年度取得的各项收入情况。",), landscape=True,
        widths=(1.2, 3.0, 1.5, 1.5, 1.5), number_format="#,##0.00",
    )
    # 三公-like: three header rows, one data row.
    header7 = (
        HeaderCell("预算数", 0, 0, 1, 3),
        HeaderCell("决算数", 0, 3, 1, 3),
        HeaderCell("合计", 1, 0, 2, 1),
        HeaderCell("公务用车购置及运行费", 1, 1, 1, 2),
        HeaderCell("小计", 2, 1),
        HeaderCell("购置费", 2, 2),
        HeaderCell("合计", 1, 3, 2, 1),
        HeaderCell("公务用车购置及运行费", 1, 4, 1, 2),
        HeaderCell("小计", 2, 4),
        HeaderCell("购置费", 2, 5),
    )
    rows7 = (
        tuple(Cell(str(i), align="center") for i in range(1, 7)),
        (amount("7.00"), amount("5.00"), amount("0.00"), amount("2.99"), amount("1.30"),
         amount("0.00")),
    )
    t7 = Table(
        number="表7", title="一般公共预算财政拨款“三公”经费支出决算表",
        org_label="部门：测试部门 & <局>", unit_label="单位：万元",
        ncols=6, header_rows=3, header=header7, rows=rows7,
        notes=("注：本表反映部门本年度“三公”经费支出预决算情况。",), landscape=True,
        widths=(1, 1, 1, 1, 1, 1), number_format="#,##0.00",
    )
    t9 = Table(
        number="表9", title="国有资本经营预算财政拨款支出决算表", org_label="部门：测试部门 & <局>",
        unit_label="单位：万元", ncols=3, header_rows=1,
        header=(HeaderCell("项目", 0, 0), HeaderCell("小计", 0, 1), HeaderCell("基本支出", 0, 2)),
        rows=((Cell("合计", align="center"), amount("0.00"), amount("0.00")),),
        notes=("注：本表反映部门本年度国有资本经营预算财政拨款支出情况。", "本表本年度无发生额。"),
        landscape=False, widths=(3, 1, 1), number_format="#,##0.00", empty=True,
    )
    return Document(
        title="测试部门 & <局>2020年度部门决算",
        department="测试部门 & <局>",
        year=2020,
        kind="决算",
        subject="部门决算公开",
        category="部门决算",
        cover=("测试部门 & <局>", "2020年度部门决算公开"),
        parts=(
            Part("概况", "第一部分 测试部门概况", (
                Heading(1, "一、部门主要职责"),
                Paragraph("测试部门的主要职责是："),
                Paragraph("1、负责起草政策制度并组织实施。"),
                Heading(2, "（一）办公室"),
                Paragraph("=SUM(A1) 以等号开头的文字必须仍是文字；<尖括号> & “引号”。"),
            )),
            Part("表格", "第二部分 测试部门2020年度部门决算表", (t2, t7, t9)),
            Part("情况说明", "第三部分 测试部门2020年度部门决算情况说明", (
                Heading(1, "一、2020年度收入支出决算总体情况说明"),
                Heading(2, "（一）年度收入总体情况"),
                Paragraph("测试部门2020年度总收入3,604.17万元，其中本年收入3,591.33万元。"),
                Heading(3, "1.一般公共预算财政拨款收入"),
                Paragraph("一般公共预算财政拨款收入2,627.63万元，比上年决算增加1,223.93万元，增长87.2%。"),
            )),
            Part("名词解释", "第四部分 名词解释", (
                GlossaryEntry("财政拨款收入", "指财政当年拨付的资金。"),
                GlossaryEntry("“三公”经费", "按照有关规定，“三公”经费包括因公出国（境）费。"),
            )),
        ),
    )
