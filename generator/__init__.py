"""gen-report: 部门预算/决算公开文档生成工具."""

import os

__version__ = "0.1.0"

# pydantic looks for plugins (observers of validation, e.g. tracing tools) the first time a
# model's validator is built: it imports importlib.metadata and reads the entry points of every
# installed distribution, ~25 ms of every command's start. gen-report's models are its own
# input checks and take no plugins; an explicit PYDANTIC_DISABLE_PLUGINS setting is kept.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
