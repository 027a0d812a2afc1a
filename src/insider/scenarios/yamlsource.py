"""Read pack.yaml safely and keep the node tree, so a validation error can name its line."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from insider.errors import InsiderError


class _PackLoader(yaml.SafeLoader):
    """A safe loader where only true/false are booleans.

    YAML 1.1 turns `on`/`off`/`yes`/`no` into booleans; factor levels such as
    `prohibitions: [off, on]` must stay strings.
    """


_PackLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_PackLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


class YamlSource:
    """Parsed YAML plus its node tree, for line numbers."""

    def __init__(self, path: Path):
        self.path = path
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as e:
            raise InsiderError(f"{path}: cannot read ({e.strerror}); a pack folder needs a pack.yaml") from e
        try:
            self.node = yaml.compose(text, Loader=_PackLoader)
            self.data: Any = yaml.load(text, Loader=_PackLoader)
        except yaml.MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            where = f" line {mark.line + 1}" if mark else ""
            raise InsiderError(f"{path}{where}: invalid YAML: {e.problem or e}") from e
        except yaml.YAMLError as e:
            raise InsiderError(f"{path}: invalid YAML: {e}") from e

    def line_of(self, loc: tuple[Any, ...]) -> int | None:
        """1-based line of the deepest node reachable along `loc` (keys and list indexes)."""
        node = self.node
        line = node.start_mark.line + 1 if node is not None else None
        for part in loc:
            nxt = None
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if key_node.value == str(part):
                        nxt = value_node
                        line = key_node.start_mark.line + 1
                        break
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                nxt = node.value[part]
                line = nxt.start_mark.line + 1
            if nxt is None:
                break
            node = nxt
        return line

    def where(self, loc: tuple[Any, ...]) -> str:
        """`path line N, key a.b.c` for messages."""
        key = ".".join(str(p) for p in loc)
        line = self.line_of(loc)
        parts = [str(self.path)]
        if line is not None:
            parts.append(f"line {line}")
        if key:
            parts.append(f"key '{key}'")
        return ", ".join(parts)
