"""Profile inheritance by patch: `基于: X` and then only what differs, by name.

A profile that says `基于` is laid over its base, value by value:
- a mapping merges into the base's mapping key by key (recursively), so
  `部分标题: {表格: "…"}` changes one heading and keeps the others;
- a mapping laid over a *list of named items* (tables by 标题, columns by 表头, rows by
  标签, checks by 名称, charts by 图, parts by 名称) changes the items it names; its
  reserved keys `顺序` (the new order, every name once), `删除` (names to drop) and
  `新增` (new items, placed with `前于`/`后于` or appended) reorder, remove and add;
  an item may also be named `第N项` by its position;
- a list or a plain value replaces the base's value (a full copy of a base's `表格`
  list therefore still works); `删除: [键]` in a mapping drops keys of the base (a key
  also written in the patch is then replaced as a whole), and the top-level
  `整体替换: [键]` replaces those keys' mappings as a whole.
A name that is not in the base is a located error listing the names that are.

The result is a `Source` whose locations point into whichever file supplied each value
(the patch or one of its bases), so errors found later are located in the right file.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import Location, Problem, error
from .load import Path_, Source

ORDER, DELETE, ADD = "顺序", "删除", "新增"
BEFORE, AFTER = "前于", "后于"
REPLACE = "整体替换"
_NAME_KEYS = ("标题", "名称", "标签", "表头", "图")
_POSITION = re.compile(r"^第(\d+)项$")


class _Merger:
    def __init__(self, base: Source, patch: Source) -> None:
        self.base, self.patch = base, patch
        self.locations: dict[Path_, Location] = {}
        self.problems: list[Problem] = []
        # top-level keys the patch replaces as a whole (整体替换: [数据, 比较项])
        self.replace = {str(k) for k in _as_list(patch.data.get(REPLACE))}
        for k in self.replace - set(patch.data):
            self.fail((REPLACE,), f"“{REPLACE}”中的“{k}”在本模板中没有写出")

    # -- locations --------------------------------------------------------------------------
    def copy_locations(self, source: Source, src: Path_, dst: Path_, value: Any) -> None:
        """The locations of `value` (found at `src` in `source`) now at `dst`."""
        if src in source.locations:
            self.locations[dst] = source.locations[src]
        if isinstance(value, dict):
            for k, v in value.items():
                self.copy_locations(source, src + (k,), dst + (k,), v)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                self.copy_locations(source, src + (str(i),), dst + (str(i),), v)

    def fail(self, path: Path_, message: str, hint: str = "") -> None:
        self.problems.append(error("bad-profile-patch", message, location=self.patch.loc(path), hint=hint))

    # -- merging ----------------------------------------------------------------------------
    def merge(self, base: Any, bsrc: Source, bpath: Path_, patch: Any, ppath: Path_, out: Path_) -> Any:
        """`patch` (at `ppath` in the patch file) laid over `base` (at `bpath` in `bsrc`)."""
        key = out[-1] if out else ""
        if isinstance(patch, dict) and isinstance(base, dict):
            return self.merge_mapping(base, bsrc, bpath, patch, ppath, out)
        if isinstance(patch, dict) and isinstance(base, list):
            if all(isinstance(item, dict) for item in base):
                return self.merge_named(base, bsrc, bpath, patch, ppath, out)
            self.fail(ppath, f"“{key}”应为列表（原模板中是列表，请写出整个新列表）")
        self.copy_locations(self.patch, ppath, out, patch)
        return patch

    def merge_mapping(self, base: dict[str, Any], bsrc: Source, bpath: Path_, patch: dict[str, Any],
                      ppath: Path_, out: Path_) -> dict[str, Any]:
        """Key by key; `删除: [键, …]` drops keys of the base (unless the base has a key 删除);
    a key both deleted and written is replaced by what the patch writes, not merged."""
        deleting = DELETE in patch and DELETE not in base
        dropped = set()
        if deleting:
            for k in _as_list(patch[DELETE]):
                if str(k) in base:
                    dropped.add(str(k))
                else:
                    self.fail(ppath + (DELETE,), f"原模板的{_what(out) or '顶层'}中没有“{k}”，无法删除",
                              hint="可删除的键：" + "、".join(base))
        merged: dict[str, Any] = {}
        for k, v in base.items():
            if k in dropped and k not in patch:
                continue
            if k in patch and (k in dropped or (out == () and k in self.replace)):
                merged[k] = patch[k]
                self.copy_locations(self.patch, (k,), (k,), patch[k])
            elif k in patch:
                merged[k] = self.merge(v, bsrc, bpath + (k,), patch[k], ppath + (k,), out + (k,))
            else:
                merged[k] = v
                self.copy_locations(bsrc, bpath + (k,), out + (k,), v)
        for k, v in patch.items():
            if k not in base and not (deleting and k == DELETE):
                merged[k] = v
                self.copy_locations(self.patch, ppath + (k,), out + (k,), v)
        return merged

    def merge_named(self, base: list[Any], bsrc: Source, bpath: Path_, patch: dict[str, Any],
                    ppath: Path_, out: Path_) -> list[Any]:
        names = [item_name(item, base) for item in base]
        items: list[tuple[str, Any, Source, Path_]] = [
            (names[i], item, bsrc, bpath + (str(i),)) for i, item in enumerate(base)]
        allowed = "、".join(n or f"第{i}项" for i, n in enumerate(names, start=1)) or "（无）"
        what = _what(out)

        def find(name: object, where: Path_) -> int | None:
            text = str(name)
            m = _POSITION.match(text)
            if m and 1 <= int(m.group(1)) <= len(items):
                return int(m.group(1)) - 1
            matches = [i for i, it in enumerate(items) if _matches(text, it[1], it[0])]
            if len(matches) == 1:
                return matches[0]
            self.fail(where, f"原模板的{what}中{'有多个' if matches else '没有'}名为“{text}”的项",
                      hint=f"可用的名称：{allowed}" + ("（也可写“第N项”）" if matches else ""))
            return None

        merged: dict[int, Any] = {}
        for name, change in patch.items():
            if name in (ORDER, DELETE, ADD):
                continue
            i = find(name, ppath + (name,))
            if i is None:
                continue
            _, item, src, ipath = items[i]
            if isinstance(change, dict) and isinstance(item, dict):
                merged[i] = self.merge(item, src, ipath, change, ppath + (name,), ("*",))
                merged_locations = {p[1:]: loc for p, loc in self.locations.items() if p[:1] == ("*",)}
                for p in [p for p in self.locations if p[:1] == ("*",)]:
                    del self.locations[p]
                items[i] = (items[i][0], merged[i], _Detached(merged_locations), ())
            else:
                self.fail(ppath + (name,), f"{what}“{name}”的修改应为“键: 值”形式，如 {{标题: 新标题}}")
        for name in _as_list(patch.get(DELETE)):
            i = find(name, ppath + (DELETE,))
            if i is not None:
                items[i] = ("", None, bsrc, ())
        items = [it for it in items if it[1] is not None]
        for j, new in enumerate(_as_list(patch.get(ADD))):
            where = ppath + (ADD, str(j))
            if not isinstance(new, dict):
                self.fail(where, f"“{ADD}”的每一项应为“键: 值”形式的完整内容")
                continue
            anchor = new.get(BEFORE, new.get(AFTER))
            item = {k: v for k, v in new.items() if k not in (BEFORE, AFTER)}
            entry = (item_name(item, base), item, self.patch, where)
            if anchor is None:
                items.append(entry)
                continue
            at = find(anchor, where + (BEFORE if BEFORE in new else AFTER,))
            if at is not None:
                items.insert(at if BEFORE in new else at + 1, entry)
        if ORDER in patch:
            items = self.reorder(items, patch[ORDER], ppath + (ORDER,), what)
        result = []
        for i, (_, item, src, ipath) in enumerate(items):
            result.append(item)
            self.copy_locations(src, ipath, out + (str(i),), item)
        return result

    def reorder(self, items: list[tuple[str, Any, Source, Path_]], order: Any, where: Path_,
                what: str) -> list[tuple[str, Any, Source, Path_]]:
        names = [it[0] for it in items]
        picked: list[int] = []
        unknown = []
        for name in (str(n) for n in _as_list(order)):
            hits = [i for i, it in enumerate(items)
                    if _matches(name, it[1], it[0]) or _matches(name, it[1], item_name(it[1], []))]
            if len(hits) == 1 and hits[0] not in picked:
                picked.append(hits[0])
            else:
                unknown.append(name)
        missing = [names[i] for i in range(len(items)) if i not in picked]
        if unknown or missing:
            detail = "；".join(x for x in (unknown and "没有或重复：" + "、".join(unknown),
                                           missing and "漏了：" + "、".join(missing)) if x)
            self.fail(where, f"{what}的“{ORDER}”应把每一项的名称恰好列出一次（{detail}）",
                      hint="可用的名称：" + "、".join(names))
            return items
        return [items[i] for i in picked]


class _Detached(Source):
    """Locations of an already merged item (keyed from the item itself)."""

    def __init__(self, locations: dict[Path_, Location]) -> None:
        super().__init__(data={}, file="", locations=locations)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _what(out: Path_) -> str:
    labels = {"表格": "表格", "列": "列", "行": "行", "底部": "底部行", "校验": "校验", "图表": "图表",
              "部分": "部分", "封面": "封面"}
    return labels.get(out[-1] if out else "", f"“{out[-1]}”" if out else "")


def item_name(item: Any, siblings: list[Any]) -> str:
    """The name a patch calls an item by: its 标题 / 名称 / 标签 / 图, or its header path
    ("预算数/合计"); "" for an item with none (a blank row)."""
    if not isinstance(item, dict):
        return str(item)
    for key in _NAME_KEYS:
        value = item.get(key)
        if isinstance(value, list):
            return "/".join(str(v) for v in value)
        if value is not None:
            return str(value)
    return ""


def _matches(name: str, item: Any, full: str) -> bool:
    """A name matches an item's full name, or, for a header path ("决算数/公务用车购置及运行维护费/
    公务用车购置费"), any of its parts in order ending with the last: "公务用车购置费",
    "决算数/公务用车购置费" (the caller refuses a name that matches several items)."""
    if name == full:
        return True
    if not full or "/" not in full or isinstance(item, str):
        return False
    wanted, parts = name.split("/"), full.split("/")
    if wanted[-1] != parts[-1]:
        return False
    rest = iter(parts[:-1])
    return all(any(w == p for p in rest) for w in wanted[:-1])


def merge_profiles(base: Source, patch: Source) -> tuple[Source, list[Problem]]:
    """`patch` laid over `base` (both already loaded; the base with its own bases merged)."""
    merger = _Merger(base, patch)
    body = {k: v for k, v in patch.data.items() if k != REPLACE}
    data = merger.merge(base.data, base, (), body, (), ())
    return Source(data=data, file=patch.file, locations=merger.locations), merger.problems
