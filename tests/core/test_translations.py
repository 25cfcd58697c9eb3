"""Every string of ours has a Chinese translation, and the compiled catalogue is current."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.template.base import Lexer, TokenType, smart_split

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "core" / "locale" / "zh_Hans" / "LC_MESSAGES"
TEMPLATE_FOLDERS = [ROOT / app / "templates" for app in ("core", "heritage", "academy", "contests")]
APPS = ["core", "academy", "heritage", "contests", "config"]
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy", "gettext_noop"}


def read_po(path):
    """(context, msgid) -> (msgid_plural, msgstr) of a .po file written with --no-wrap."""
    entries = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = block.strip().splitlines()
        if any(line.startswith("#~") for line in lines):
            continue

        def field(*prefixes, lines=lines):
            value = next(
                (line.split(" ", 1)[1] for line in lines if line.startswith(prefixes)), None
            )
            return None if value is None else ast.literal_eval(value)

        msgid = field("msgid ")
        if not msgid:
            continue
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        msgstr = "" if fuzzy else field("msgstr ", "msgstr[0] ")
        entries[(field("msgctxt "), msgid)] = (field("msgid_plural "), msgstr)
    return entries


def translated_ids(entries):
    return {msgid for (_context, msgid), (_plural, msgstr) in entries.items() if msgstr}


def template_strings():
    """(file, msgid) of every {% translate %} and {% blocktranslate %} in our templates."""
    found = []
    for path in sorted(p for folder in TEMPLATE_FOLDERS for p in folder.rglob("*.html")):
        tokens = Lexer(path.read_text(encoding="utf-8")).tokenize()
        index = 0
        while index < len(tokens):
            token = tokens[index]
            index += 1
            if token.token_type != TokenType.BLOCK:
                continue
            bits = list(smart_split(token.contents))
            if bits[0] in ("translate", "trans") and bits[1][0] in "\"'":
                found.append((path.name, bits[1][1:-1]))
            elif bits[0] in ("blocktranslate", "blocktrans"):
                parts = []
                while tokens[index].token_type != TokenType.BLOCK or not tokens[
                    index
                ].contents.startswith(("endblocktrans", "plural")):
                    inner = tokens[index]
                    if inner.token_type == TokenType.VAR:
                        parts.append(f"%({inner.contents.strip()})s")
                    elif inner.token_type == TokenType.TEXT:
                        parts.append(inner.contents.replace("%", "%%"))
                    index += 1
                text = "".join(parts)
                if "trimmed" in bits:
                    text = " ".join(
                        line.strip() for line in text.strip().splitlines() if line.strip()
                    )
                found.append((path.name, text))
    return found


def python_strings():
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call) or not node.args:
                    continue
                name = getattr(node.func, "id", getattr(node.func, "attr", None))
                if name not in GETTEXT_NAMES:
                    continue
                position = 1 if name.startswith("pgettext") else 0
                if len(node.args) > position and isinstance(node.args[position], ast.Constant):
                    found.append(
                        (f"{path.relative_to(ROOT)}:{node.lineno}", node.args[position].value)
                    )
    return found


@pytest.fixture(scope="module")
def entries():
    return read_po(CATALOGUE / "django.po")


@pytest.fixture(scope="module")
def catalogue(entries):
    return translated_ids(entries)


def test_the_extractors_find_strings():
    assert ("base.html", "Log in") in template_strings()
    assert any(text == "Welcome, %(name)s." for _file, text in template_strings())
    assert any(text == "Academy manager" for _where, text in python_strings())


def test_every_template_string_is_translated(catalogue):
    missing = sorted(
        {f"{name}: {text!r}" for name, text in template_strings() if text not in catalogue}
    )
    assert not missing, "Untranslated template strings:\n" + "\n".join(missing)


def test_every_python_string_is_translated(catalogue):
    missing = sorted(
        {f"{where}: {text!r}" for where, text in python_strings() if text not in catalogue}
    )
    assert not missing, "Untranslated strings:\n" + "\n".join(missing)


def test_placeholders_survive_translation(entries):
    placeholder = re.compile(r"%\(\w+\)[sd]|\{\w*\}")
    wrong = [
        msgid
        for (_context, msgid), (plural, msgstr) in entries.items()
        if msgstr
        and not set(placeholder.findall(msgstr)) <= set(placeholder.findall(msgid + (plural or "")))
    ]
    assert not wrong, f"Translations use placeholders their source lacks: {wrong}"


def test_compiled_catalogue_matches_the_source(entries):
    with open(CATALOGUE / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        msgid
        for (context, msgid), (plural, msgstr) in entries.items()
        if msgstr
        and (compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)) != msgstr
    ]
    assert not stale, (
        f"django.mo is older than django.po for: {stale[:10]} (run make compilemessages)"
    )
