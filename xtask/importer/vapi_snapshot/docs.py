"""Docstrings of the bindings back to metamodel documentation text.

The Python generator turned the interface definition's documentation (Javadoc
style: ``{@link ...}``, ``{@code ...}``, HTML paragraphs) into reStructuredText
docstrings and spread it over several places: the class docstring describes a
service, structure or enumeration; ``:param:`` entries of ``__init__`` describe
structure fields; a method docstring describes the operation, its parameters
(``:param:``), its result (``:return:``) and its errors (``:raise:``); the
string literal after an enumeration value or constant describes that value.

This module parses those docstrings and converts the reST markup back:

* ``:class:`X```, ``:func:``, ``:attr:``, ``:mod:`` cross references become
  ``{@link id}`` or ``{@link id#member}`` with vAPI canonical identifiers
  (``{@link com.vmware.vcenter.vm.tools.info#run_state}``) when the target is a
  known element, ``{@code X}`` otherwise;
* the generator's renderings of the interface language's terms are undone
  where unambiguous (``:class:`list``` -> ``list``, ``:class:`dict``` -> ``map``);
* ````literal```` becomes ``{@code literal}``, ``**bold**`` plain text and
  ```text <url>`_`` an HTML link;
* wrapped lines of a paragraph are joined, paragraphs are separated by a
  blank line, list items keep their own lines;
* sentences the generator derived from annotations that the snapshot carries
  as metadata (``Resource`` and ``UnionCase``) are dropped, as are the
  binding-specific ``.. tip::`` / ``.. note::`` boilerplate blocks.
"""

import inspect
import re

_FIELD_RE = re.compile(r"^:(type|param|rtype|return|raise|ivar|vartype)(?:\s+([^:]*?))?:(?:\s+(.*))?$")
_DIRECTIVE_RE = re.compile(r"^\.\.\s+([a-z_-]+)::\s*(.*)$")
_DEPRECATED_TEXT_RE = re.compile(
    r"\bThis (?:class attribute|class|method|attribute|enumeration|field|parameter|"
    r"constant|service|package|structure|operation|value|module) is deprecated\b")
_DEPRECATED_DIRECTIVE_RE = re.compile(r"^\s*\.\.\s+deprecated::", re.M)
_ROLE_RE = re.compile(r":(class|func|attr|mod|meth|exc|data|obj):`~?([^`]+)`")
_LITERAL_RE = re.compile(r"``(.+?)``", re.S)
_BOLD_RE = re.compile(r"\*\*(.+?)\*\*", re.S)
_LINK_RE = re.compile(r"`([^`<]+?)\s*<([^>`]+)>`_+", re.S)
_BACKSLASH_AT_RE = re.compile(r"\\+@")
_LIST_ITEM_RE = re.compile(r"^(?:[*+-]|#\.|\d+\.)\s")

# Sentences the generator adds from Resource / UnionCase annotations. They are
# recoverable from the field metadata, so a live metamodel does not have them.
# Written with single spaces; each space matches any run of white space, since
# the sentences are wrapped across docstring lines.
_IDS = r"(?:``[^`]*``(?:, | or | and |, or )?)+"
_VALUES = r"(?:(?::attr:`[^`]*`|``[^`]*``|:class:`[^`]*`)(?:, | or |, or )?)+"
_GENERATED_SENTENCES = [
    r"When clients pass a value of this (?:class|structure) as a parameter, the [^.]*?"
    r"(?:must be an identifier|must contain identifiers) for (?:the resource type|one of these resource types): " + _IDS + r"\. "
    r"When methods return a value of this (?:class|structure) as a return value, the [^.]*?"
    r"(?:will be an identifier|will contain identifiers) for (?:the resource type|one of these resource types): " + _IDS + r"\.",
    r"When clients pass a value of this (?:class|structure) as a parameter, the [^.]*?"
    r"(?:must be an identifier|must contain identifiers) for (?:the resource type|one of these resource types): " + _IDS + r"\.",
    r"When methods return a value of this (?:class|structure) as a return value, the [^.]*?"
    r"(?:will be an identifier|will contain identifiers) for (?:the resource type|one of these resource types): " + _IDS + r"\.",
    r"The (?:parameter|return value|key in the [^.]*?|value in the [^.]*?|attribute|"
    r"elements? of the [^.]*?) (?:must|will) (?:be an identifier|contain identifiers) for the "
    r"(?:resource type|one of these resource types): " + _IDS + r"\.",
    r"This attribute is optional and it is only relevant when the value of ``[^`]*`` is "
    r"(?:one of )?" + _VALUES + r"\.",
]
_GENERATED_SENTENCE_RES = [re.compile(pattern.replace(" ", r"\s+"), re.S) for pattern in _GENERATED_SENTENCES]


class Parsed:
    """A docstring split into its parts (all values are raw reST text)."""

    def __init__(self):
        self.description = ""
        self.params = {}
        self.returns = ""
        self.raises = []  # (target, text) in declaration order
        self.deprecated = False
        self.deprecation_notes = []

    def param(self, *names):
        """Text of the first ``:param:`` entry found under any of ``names``."""
        for name in names:
            if name in self.params:
                return self.params[name]
        return ""


def clean(doc):
    """Dedent a raw ``__doc__`` (``None`` gives the empty string)."""
    if not doc:
        return ""
    return inspect.cleandoc(doc)


def parse(doc):
    """Split a docstring into description, field entries and directives."""
    parsed = Parsed()
    lines = clean(doc).split("\n")
    description = []
    current = None  # (kind, name, [lines]) of the field entry being read
    i = 0

    def flush():
        if current is None:
            return
        kind, name, body = current
        text = dedent_continuation(body)
        if kind == "param":
            parsed.params[name] = text
        elif kind == "return":
            parsed.returns = text
        elif kind == "raise":
            target, _, rest = text.partition("\n")
            role = _ROLE_RE.match(target.strip())
            target_path = role.group(2) if role else target.strip()
            parsed.raises.append((target_path, rest.strip()))

    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        directive = _DIRECTIVE_RE.match(stripped) if not line.startswith(" ") else None
        field = _FIELD_RE.match(line) if not line.startswith(" ") else None
        if directive:
            flush()
            current = None
            name, argument = directive.groups()
            block, i = _indented_block(lines, i + 1)
            if name == "deprecated":
                parsed.deprecated = True
                note = " ".join(part.strip() for part in block if part.strip())
                parsed.deprecation_notes.append((argument, note))
            elif name in ("tip", "note"):
                body = "\n".join(block).strip()
                if not _is_boilerplate(name, body):
                    description.append("")
                    description.extend(block)
            else:
                description.append(line)
                description.extend(block)
            continue
        if field:
            flush()
            kind, name, rest = field.groups()
            current = (kind, (name or "").strip(), [rest or ""])
            i += 1
            continue
        if current is not None:
            current[2].append(line)
        else:
            description.append(line)
        i += 1
    flush()
    parsed.description = "\n".join(description).strip()
    if _DEPRECATED_TEXT_RE.search(parsed.description):
        parsed.deprecated = True
    return parsed


def _indented_block(lines, start):
    """Lines of an indented directive body starting at ``start``."""
    block = []
    i = start
    while i < len(lines):
        line = lines[i]
        if line.strip() and not line.startswith(" "):
            break
        block.append(line)
        i += 1
    while block and not block[-1].strip():
        block.pop()
    return [l[4:] if l.startswith("    ") else l.strip() for l in block], i


def _is_boilerplate(kind, body):
    """The generator's fixed ``.. tip::`` / ``.. note::`` texts."""
    if kind == "tip":
        return body.startswith("The arguments are used to initialize data attributes")
    return body.startswith("This class represents an enumerated type in the interface language")


def dedent_continuation(body):
    """Join a field entry: first line as is, continuation lines dedented."""
    first, rest = body[0], body[1:]
    return (first + "\n" + inspect.cleandoc("\n".join(rest))).strip() if rest else first.strip()


def is_deprecated_text(text):
    """Whether an element's own documentation says it is deprecated.

    A field's or parameter's text (a ``:param:`` entry) says so with a
    sentence ("This attribute is deprecated as of ...") or, in the 8.0
    bindings, often with only a ``.. deprecated::`` directive inside the entry.
    """
    return bool(_DEPRECATED_TEXT_RE.search(text) or _DEPRECATED_DIRECTIVE_RE.search(text))


class Converter:
    """reST to metamodel text, resolving cross references with an index.

    ``resolve(target, module, scope)`` returns the replacement text for a
    cross-reference target or ``None``; ``module`` is the binding module name
    and ``scope`` the qualified name of the class whose docs are converted.
    """

    def __init__(self, resolve):
        self._resolve = resolve

    def convert(self, text, module, scope=""):
        """Metamodel-style documentation text for a reST fragment."""
        if not text:
            return ""
        for pattern in _GENERATED_SENTENCE_RES:
            text = pattern.sub("", text)
        text = _BACKSLASH_AT_RE.sub("@", text)
        text = _LINK_RE.sub(lambda m: '<a href="%s">%s</a>' % (m.group(2).strip(), " ".join(m.group(1).split())), text)
        text = _ROLE_RE.sub(lambda m: self._role(m.group(1), m.group(2), module, scope), text)
        text = _LITERAL_RE.sub(lambda m: self._literal(" ".join(m.group(1).split()), module, scope), text)
        text = _BOLD_RE.sub(lambda m: m.group(1), text)
        return reflow(text)

    def _literal(self, literal, module, scope):
        # Package docs name their module (``com.vmware.vcenter_client``);
        # some texts spell a class path as a literal.
        if re.match(r"^[\w.]+_client(?:\.[\w.]+)?$", literal):
            resolved = self._resolve(literal, module, scope)
            if resolved is not None:
                return resolved
        return "{@code %s}" % literal

    def _role(self, role, target, module, scope):
        if role == "class" and target in _TERMS:
            return _TERMS[target]
        resolved = self._resolve(target, module, scope)
        if resolved is not None:
            return resolved
        return "{@code %s}" % target


# The generator renders the interface language's {@term list} etc. as
# references to Python builtins.
_TERMS = {"list": "list", "set": "set", "dict": "map"}


def reflow(text):
    """Join wrapped lines into paragraphs; keep list items and blank lines."""
    paragraphs = []
    current = []
    for raw in text.split("\n"):
        line = raw.rstrip()
        if not line.strip():
            if current:
                paragraphs.append(current)
                current = []
            continue
        if _LIST_ITEM_RE.match(line.strip()) or line.startswith("   ") and not current:
            if current:
                paragraphs.append(current)
            current = [line.strip()]
            paragraphs.append(current)
            current = []
            continue
        if not current and paragraphs and paragraphs[-1] and _LIST_ITEM_RE.match(paragraphs[-1][0]) \
                and raw.startswith(" "):
            paragraphs[-1].append(line.strip())
            continue
        current.append(line.strip())
    if current:
        paragraphs.append(current)
    out = []
    previous_item = False
    for para in paragraphs:
        joined = " ".join(para)
        item = bool(_LIST_ITEM_RE.match(joined))
        if out:
            out.append("\n" if item and previous_item else "\n\n")
        out.append(joined)
        previous_item = item
    return "".join(out).strip()
