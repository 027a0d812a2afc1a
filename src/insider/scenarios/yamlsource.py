"""Read pack.yaml safely and keep the node tree, so a validation error can name its line.

pack.yaml is data from anyone, so it is bounded before and while it is parsed: the file's
size (checked before reading), nesting depth, the number of nodes once aliases are
expanded (a "billion laughs" file is a few lines), and the digits of an integer. Every
failure is one InsiderError naming the file and line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from insider.errors import InsiderError
from insider.scenarios import files

MAX_YAML_DEPTH = 64  # lists and mappings inside each other
MAX_YAML_NODES = 100_000  # scalars, lists and mappings, aliases counted as often as they are used
MAX_INT_DIGITS = 100  # an integer longer than this must be quoted (it is a string)


class _PackLoader(yaml.SafeLoader):
    """A safe loader where only true/false are booleans, with bounded nesting and integers.

    YAML 1.1 turns `on`/`off`/`yes`/`no` into booleans; factor levels such as
    `prohibitions: [off, on]` must stay strings.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"nested more than {MAX_YAML_DEPTH} levels deep", self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        digits = sum(c.isalnum() for c in str(node.value))
        if digits > MAX_INT_DIGITS:
            raise yaml.constructor.ConstructorError(
                None, None, f"an integer of {digits:,} digits (over {MAX_INT_DIGITS}); quote it if it is text",
                node.start_mark)
        return super().construct_yaml_int(node)


_PackLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_PackLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_PackLoader.add_constructor("tag:yaml.org,2002:int", _PackLoader.construct_yaml_int)


def _expanded_nodes(root: yaml.Node | None) -> int:
    """Nodes in the tree with every alias expanded, counted without expanding them."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)] if root is not None else []
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            children = _children(node)
            sizes[key] = min(1 + sum(sizes[id(c)] for c in children), MAX_YAML_NODES + 1)
            continue
        if key in sizes:
            continue
        if key in on_path:  # an alias inside its own anchor
            raise yaml.composer.ComposerError(None, None, "an alias that refers to itself", node.start_mark)
        on_path.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in _children(node) if id(c) not in sizes)
    return sizes.get(id(root), 0) if root is not None else 0


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


class YamlSource:
    """Parsed YAML plus its node tree, for line numbers."""

    def __init__(self, path: Path, limit: int = files.MAX_PACK_YAML_BYTES):
        self.path = path
        if not path.exists() and not path.is_symlink():
            raise InsiderError(f"{path}: cannot read (no such file); a pack folder needs a pack.yaml")
        text = files.read_text(path, limit)  # refuses links, FIFOs, devices and files over the limit
        loader = None
        try:
            loader = _PackLoader(text)
            self.node = loader.get_single_node()
            nodes = _expanded_nodes(self.node)
            if nodes > MAX_YAML_NODES:
                raise yaml.composer.ComposerError(
                    None, None, f"more than {MAX_YAML_NODES:,} values once aliases are expanded", self.node.start_mark)
            self.data: Any = loader.construct_document(self.node) if self.node is not None else None
        except yaml.MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            where = f" line {mark.line + 1}" if mark else ""
            raise InsiderError(f"{path}{where}: invalid YAML: {_brief(e.problem or e)}") from None
        except yaml.reader.ReaderError as e:  # a character YAML does not allow, e.g. NUL
            line = text.count("\n", 0, e.position) + 1
            char = f"U+{e.character:04X}" if isinstance(e.character, int) else repr(e.character)
            raise InsiderError(f"{path} line {line}: invalid YAML: character {char} is not allowed "
                               "(control characters must be escaped in a quoted string)") from None
        except yaml.YAMLError as e:
            raise InsiderError(f"{path}: invalid YAML: {_brief(e)}") from None
        except RecursionError:
            raise InsiderError(f"{path}: invalid YAML: nested too deeply") from None
        except (ValueError, TypeError, OverflowError) as e:  # a scalar the constructors cannot build
            raise InsiderError(f"{path}: invalid YAML value: {_brief(e)}") from None
        finally:
            if loader is not None:
                loader.dispose()

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


def _brief(text: object) -> str:
    from insider.cli.terminal import one_line

    return one_line(text, 300)
