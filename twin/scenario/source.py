"""YAML text to plain data, keeping the line and column of every key and value.

PyYAML's composer builds a node tree whose nodes carry ``start_mark``. This
module builds Python values from that tree itself, so that the ``loc`` of a
validation error (``("script", 3, "purchase", "amount")``) leads back to a line.
It also reads YAML a little more strictly than ``yaml.safe_load``:

- a repeated key in one mapping is a problem (PyYAML keeps the last silently);
- an unquoted number that YAML 1.1 reads as octal with another value
  (``0123`` is 83) or as base 60 (``1:30`` is 90) is a problem, because the
  value a person meant (a STAN, a time) is lost; the text is kept as a string;
- timestamps stay text, so every time is parsed one way, by the scenario fields;
- floats become :class:`decimal.Decimal` from their text, so ``12.345`` reaches
  the amount check as written.
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import yaml

__all__ = ["Mark", "Issue", "Document", "YamlSyntaxError", "read_document", "display_path", "MAX_NODES", "MAX_DEPTH"]

Loc = tuple[str | int, ...]

_OCTAL_INT = re.compile(r"[-+]?0[0-7_]+")
_TAG = "tag:yaml.org,2002:"

#: Most values one file may hold once its aliases are expanded. A script of
#: 10,000 steps has about 100,000, so only a file built to expand explodes past it.
MAX_NODES = 1_000_000

#: Deepest nesting of lists and mappings a file may have. Scenario files nest about 6 levels.
MAX_DEPTH = 100


@dataclass(frozen=True)
class Mark:
    """A position in the file, both counted from 1."""

    line: int
    column: int

    @classmethod
    def of(cls, node: yaml.Node) -> Mark:
        return cls(node.start_mark.line + 1, node.start_mark.column + 1)


@dataclass
class Issue:
    """A problem found before translation: where it is, its kind and the values for its message.

    ``code`` names a message in the ``scenario`` catalogue (``error.<code>`` and
    ``fix.<code>``). ``mark`` is set when the position is known directly (YAML
    syntax, repeated keys); otherwise the loader finds it from ``loc``.
    ``point`` selects which position to report for ``loc``: the value, the key
    itself (an unknown key), or the mapping that lacks the key (a missing key).
    """

    loc: Loc
    code: str
    params: dict[str, object] = field(default_factory=dict)
    mark: Mark | None = None
    point: str = "value"


class YamlSyntaxError(Exception):
    """Text that is not valid YAML; carries one :class:`Issue` with the position."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(issue.params.get("detail", ""))
        self.issue = issue


@dataclass
class Document:
    """Plain data read from YAML, with the node tree to find positions in."""

    data: Any
    root: yaml.Node | None
    issues: list[Issue]

    def locate(self, loc: Loc, point: str = "value") -> tuple[Mark | None, str]:
        """Return the position to report for ``loc`` and its path as a reader writes it.

        Elements of ``loc`` that are not in the file are tags of a tagged union
        (the value of ``do``), so the path leaves them out. ``[key]`` means the
        key of the mapping entry before it.
        """
        node = self.root
        key_node: yaml.Node | None = None
        path: list[str | int] = []
        for index, element in enumerate(loc):
            last = index == len(loc) - 1
            if element == "[key]":
                node = key_node or node
                break
            if isinstance(node, yaml.SequenceNode) and isinstance(element, int):
                if 0 <= element < len(node.value):
                    key_node, node = None, node.value[element]
                    path.append(element)
                    continue
            if isinstance(node, yaml.MappingNode):
                entry = _entry(node, element)
                if entry is not None:
                    key_node, node = entry
                    path.append(element)
                    continue
                if _is_tag(node, element):
                    continue
            # The element is not in the file: a missing key, or a default value.
            path.extend(loc[index:])
            if not last:
                key_node = None
            break
        if point == "key" and key_node is not None:
            node = key_node
        return (Mark.of(node) if node is not None else None), display_path(path)


def read_document(text: str) -> Document:
    """Read ``text`` as one YAML document, or raise :class:`YamlSyntaxError`."""
    try:
        loader = yaml.SafeLoader(text)
    except yaml.reader.ReaderError as error:
        # A control character such as NUL: the file is not text, or not this file.
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        character = f"U+{error.character:04X}"
        raise YamlSyntaxError(Issue((), "yaml_character", {"value": character}, Mark(line, column))) from None
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        detail = " ".join(part for part in (error.context, error.problem) if part)
        position = Mark(mark.line + 1, mark.column + 1) if mark else None
        raise YamlSyntaxError(Issue((), "yaml_syntax", {"detail": detail}, position)) from None
    except yaml.YAMLError as error:
        raise YamlSyntaxError(Issue((), "yaml_syntax", {"detail": str(error)})) from None
    except RecursionError:
        raise YamlSyntaxError(Issue((), "yaml_too_deep", {"limit": MAX_DEPTH})) from None
    finally:
        loader.dispose()
    builder = _Builder(loader)
    try:
        data = builder.build(root, ()) if root is not None else None
    except RecursionError:
        raise YamlSyntaxError(Issue((), "yaml_too_deep", {"limit": MAX_DEPTH})) from None
    return Document(data, root, builder.issues)


# Private interface


class _Builder:
    def __init__(self, loader: yaml.SafeLoader) -> None:
        self.loader = loader
        self.issues: list[Issue] = []
        self.open: set[int] = set()
        self.count = 0

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        if id(node) in self.open:
            self.issues.append(Issue(loc, "yaml_recursive", {}, Mark.of(node)))
            return None
        self.count += 1
        if self.count > MAX_NODES:
            # Aliases of aliases expand exponentially ("billion laughs"), so stop long before memory runs out.
            raise YamlSyntaxError(Issue(loc, "yaml_too_large", {"limit": f"{MAX_NODES:,}"}, Mark.of(node)))
        if len(loc) > MAX_DEPTH:
            raise YamlSyntaxError(Issue((), "yaml_too_deep", {"limit": MAX_DEPTH}, Mark.of(node)))
        self.open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self.mapping(node, loc)
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
            return self.scalar(node, loc)
        finally:
            self.open.discard(id(node))

    def mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[Any, Any]:
        self.loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.issues.append(Issue(loc, "yaml_complex_key", {}, Mark.of(key_node)))
                continue
            key = self.scalar(key_node, loc)
            if not isinstance(key, str | int) or isinstance(key, bool):
                key = key_node.value
            if key in result:
                self.issues.append(
                    Issue((*loc, key), "duplicate_key", {"value": key}, Mark.of(key_node))
                )
            result[key] = self.build(value_node, (*loc, key))
        return result

    def scalar(self, node: yaml.Node, loc: Loc) -> Any:
        tag = node.tag.removeprefix(_TAG)
        text = node.value
        if tag == "str" or tag == "timestamp":
            return text
        if tag == "int":
            if _is_ambiguous_int(text):
                self.issues.append(Issue(loc, "ambiguous_number", {"value": text}, Mark.of(node)))
                return text
            return self.loader.construct_yaml_int(node)
        if tag == "float":
            if ":" in text:
                self.issues.append(Issue(loc, "ambiguous_number", {"value": text}, Mark.of(node)))
                return text
            return _decimal(text)
        if tag in ("bool", "null"):
            return self.loader.construct_object(node)
        self.issues.append(Issue(loc, "yaml_tag", {"value": node.tag}, Mark.of(node)))
        return text


def _is_ambiguous_int(text: str) -> bool:
    # 0755 is 493 in YAML 1.1 but 755 to a reader; 07 is 7 either way.
    if ":" in text:
        return True
    digits = text.replace("_", "")
    return bool(_OCTAL_INT.fullmatch(text)) and int(digits, 8) != int(digits, 10)


def _decimal(text: str) -> Decimal:
    cleaned = text.replace("_", "")
    lowered = cleaned.lower()
    if lowered in (".inf", "+.inf"):
        return Decimal("Infinity")
    if lowered == "-.inf":
        return Decimal("-Infinity")
    if lowered == ".nan":
        return Decimal("NaN")
    return Decimal(cleaned)


def _entry(node: yaml.MappingNode, key: str | int) -> tuple[yaml.Node, yaml.Node] | None:
    found = None
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(key):
            found = (key_node, value_node)
    return found


def _is_tag(node: yaml.MappingNode, element: str | int) -> bool:
    entry = _entry(node, "do")
    return entry is not None and isinstance(entry[1], yaml.ScalarNode) and entry[1].value == element


def display_path(loc: typing.Sequence[str | int]) -> str:
    """Write a location as a reader does: ``script[3].amount``."""
    text = ""
    for element in loc:
        if isinstance(element, int):
            text += f"[{element}]"
        elif element != "[key]":
            text += f".{element}" if text else str(element)
    return text
