"""axe-core in Debian's headless Chromium, driven over the DevTools protocol.

The driver is small and has no dependency: Chromium is started with
``--remote-debugging-pipe`` and reads the protocol's commands from its file
descriptor 3 and writes answers and events to 4, one JSON message each,
ended by a NUL byte. For each page a fresh tab is opened, the colour scheme
is emulated (``prefers-color-scheme: light`` or ``dark``), the file is
loaded, axe-core (the npm package pinned in tests/a11y/package.json, installed
by ``npm ci`` there) is injected and run for the WCAG 2.0 and 2.1 A and AA
rules, and its violations come back as :class:`Violation`.

Nothing here is kplan: it checks whatever page it is given, so a test can
break a page on purpose and see the check fail (tests/test_a11y.py).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

A11Y = Path(__file__).resolve().parent / "a11y"
AXE = A11Y / "node_modules" / "axe-core" / "axe.min.js"
# The rules the law asks for: WCAG 2.0 and 2.1, levels A and AA.
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
COLOUR_SCHEMES = ("light", "dark")
TIMEOUT = 120.0  # seconds for one protocol answer: a guard against a hang, not a measure


class BrowserError(RuntimeError):
    """Chromium did not answer as the protocol says, or answered with an error."""


@dataclass(frozen=True)
class Violation:
    """One element that breaks one rule: the rule's id, its help text, the element."""

    rule: str
    impact: str
    help: str
    target: str
    html: str
    summary: str

    def __str__(self) -> str:
        where = f"  at {self.target}: {self.html}"
        return f"{self.rule} ({self.impact}): {self.help}\n{where}\n  {self.summary}"


def axe_source() -> str:
    """axe-core's script, as npm installed it in tests/a11y."""
    return AXE.read_text("utf-8")


def axe_version() -> str:
    """The installed axe-core's version."""
    package = json.loads((AXE.parent / "package.json").read_text("utf-8"))
    return str(package["version"])


def _high(fd: int) -> int:
    """The descriptor moved to a number above 9, close-on-exec."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return moved


class Chromium:
    """One headless Chromium, spoken to over its DevTools protocol pipe."""

    def __init__(self, executable: str, profile: Path) -> None:
        # fd 3: the browser reads commands; fd 4: it writes answers and events. The
        # pipes' own descriptors are moved above 4 first, so the dup2 calls in the
        # child cannot overwrite one with another, nor be no-ops that keep close-on-exec.
        commands_read, self._commands = (_high(fd) for fd in os.pipe())
        self._answers, answers_write = (_high(fd) for fd in os.pipe())

        def wire() -> None:
            os.dup2(commands_read, 3)
            os.dup2(answers_write, 4)

        self.process = subprocess.Popen(
            [
                executable,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--no-pings",
                "--hide-scrollbars",
                "--host-resolver-rules=MAP * ~NOTFOUND",
                f"--user-data-dir={profile}",
                "--remote-debugging-pipe",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            # The pipes are made not inheritable; only the two dup2 copies reach the browser.
            close_fds=False,
            preexec_fn=wire,  # only dup2 runs between fork and exec
        )
        os.close(commands_read)
        os.close(answers_write)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict[str, Any]] = []

    def close(self) -> None:
        """Ask the browser to quit; end it if it does not."""
        with contextlib.suppress(BrowserError, OSError):
            self.send("Browser.close")
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._commands)
        os.close(self._answers)

    def _read_message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise BrowserError("chromium did not answer in time")
            chunk = os.read(self._answers, 1 << 20)
            if not chunk:
                raise BrowserError(f"chromium closed its pipe (exit {self.process.poll()})")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        decoded: dict[str, Any] = json.loads(message)
        return decoded

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Send one command and wait for its answer; events met meanwhile are kept."""
        self._next_id += 1
        number = self._next_id
        message: dict[str, Any] = {"id": number, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode("utf-8") + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            answer = self._read_message(deadline)
            if answer.get("id") == number:
                if "error" in answer:
                    raise BrowserError(f"{method}: {answer['error']}")
                result: dict[str, Any] = answer.get("result", {})
                return result
            self._events.append(answer)

    def wait_for(self, method: str, session: str) -> dict[str, Any]:
        """Wait for an event of this session (one already received counts)."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            for index, event in enumerate(self._events):
                if event.get("method") == method and event.get("sessionId") == session:
                    del self._events[index]
                    return event
            self._events.append(self._read_message(deadline))

    @contextmanager
    def tab(self, url: str, *, colour_scheme: str = "light", width: int = 1280) -> Iterator[str]:
        """A new tab ``width`` CSS pixels wide showing ``url`` in the colour scheme.

        Yields the tab's session for commands.
        """
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        try:
            self.send("Page.enable", session)
            self.send(
                "Emulation.setEmulatedMedia",
                session,
                media="",
                features=[{"name": "prefers-color-scheme", "value": colour_scheme}],
            )
            self.send(
                "Emulation.setDeviceMetricsOverride",
                session,
                width=width,
                height=900,
                deviceScaleFactor=1,
                mobile=width < 600,
            )
            self.send("Page.navigate", session, url=url)
            self.wait_for("Page.loadEventFired", session)
            yield session
        finally:
            self.send("Target.closeTarget", targetId=target)

    def evaluate(self, session: str, expression: str) -> Any:
        """Evaluate JavaScript in the tab (awaiting a promise); its value, or an error."""
        answer = self.send(
            "Runtime.evaluate",
            session,
            expression=expression,
            awaitPromise=True,
            returnByValue=True,
        )
        if "exceptionDetails" in answer:
            details = answer["exceptionDetails"]
            shown = details.get("exception", {}).get("description") or details.get("text")
            raise BrowserError(f"the page's script failed: {shown}")
        return answer["result"].get("value")


# What axe-core is asked to run, and what of its answer comes back.
_RUN = """
(async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: %s},
    resultTypes: ["violations"],
  });
  return JSON.stringify({
    version: axe.version,
    passes: result.passes.length,
    violations: result.violations.map((rule) => ({
      id: rule.id,
      impact: rule.impact || "",
      help: rule.help,
      nodes: rule.nodes.map((node) => ({
        target: node.target.join(" "),
        html: node.html,
        summary: node.failureSummary || "",
      })),
    })),
  });
})()
"""


@dataclass(frozen=True)
class Report:
    """axe-core's verdict on one page in one colour scheme."""

    page: str
    colour_scheme: str
    width: int
    version: str
    rules_passed: int
    violations: list[Violation]

    def describe(self) -> str:
        """Every violation, one rule and element per entry, for a failing test's message."""
        head = (
            f"{self.page} ({self.colour_scheme}, {self.width} px wide): "
            f"{len(self.violations)} violation(s)"
        )
        return "\n".join([head, *(str(v) for v in self.violations)])


def check_page(
    browser: Chromium, page: Path, *, colour_scheme: str, script: str, width: int = 1280
) -> Report:
    """Run axe-core's WCAG 2.0/2.1 A and AA rules on the page in one colour scheme and width."""
    with browser.tab(page.as_uri(), colour_scheme=colour_scheme, width=width) as session:
        # The test's own script, not the page's: the page itself runs none.
        browser.evaluate(session, script + "\n;true")
        scheme = browser.evaluate(
            session, "matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'"
        )
        if scheme != colour_scheme:
            raise BrowserError(f"the tab shows the {scheme} scheme, not {colour_scheme}")
        raw = browser.evaluate(session, _RUN % json.dumps(list(WCAG_TAGS)))
    result = json.loads(raw)
    violations = [
        Violation(
            rule["id"], rule["impact"], rule["help"], node["target"], node["html"], node["summary"]
        )
        for rule in result["violations"]
        for node in rule["nodes"]
    ]
    return Report(page.name, colour_scheme, width, result["version"], result["passes"], violations)


@contextmanager
def chromium(executable: str | None = None) -> Iterator[Chromium]:
    """A headless Chromium with a throwaway profile, closed afterwards."""
    found = executable or shutil.which("chromium")
    if found is None:
        raise BrowserError("chromium is not installed")
    with tempfile.TemporaryDirectory(prefix="kplan-axe-") as folder:
        browser = Chromium(found, Path(folder))
        try:
            yield browser
        finally:
            browser.close()
