"""gen-report: 部门预算/决算公开文档生成工具."""

__version__ = "0.1.0"
