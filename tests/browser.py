"""Headless Chromium (Debian's /usr/bin/chromium) driven over the DevTools protocol, for tests and benches
that open a page as a person would: every request the page makes is recorded, scripts are evaluated in
it, and screenshots are taken. Nothing is downloaded: the browser is the system's, the protocol is spoken
over a loopback websocket (websocket-client)."""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any

import websocket

__all__ = ["BrowserError", "Chromium", "chromium_binary"]

CANDIDATES = ("chromium", "chromium-browser", "google-chrome")


class BrowserError(RuntimeError):
    """The browser did not start, answered with an error, or a page script threw."""


def chromium_binary() -> str | None:
    """The Chromium to drive: CHROMIUM when set, else the first one on PATH; None when there is none."""
    configured = os.environ.get("CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    return next((found for name in CANDIDATES if (found := shutil.which(name))), None)


class Chromium:
    """One headless Chromium with one page. Use as a context manager; `requests` lists the URL of every
    request the page made (Network.requestWillBeSent), from navigation on."""

    def __init__(self, binary: str | None = None, width: int = 1400, height: int = 1000) -> None:
        found = binary or chromium_binary()
        if found is None:
            raise BrowserError("no chromium binary (apt-get install chromium)")
        self.binary = found
        self.size = (width, height)
        self.requests: list[str] = []
        self.console: list[str] = []
        self._events: list[dict[str, Any]] = []  # events no wait_for_event has consumed yet
        self._ids = itertools.count(1)
        # A helper process of the browser may still be writing its profile as it is removed.
        self._profile = tempfile.TemporaryDirectory(prefix="marsad-chromium-", ignore_cleanup_errors=True)
        self._process: subprocess.Popen[bytes] | None = None
        self._socket: websocket.WebSocket | None = None

    def __enter__(self) -> Chromium:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def start(self) -> None:
        profile = Path(self._profile.name)
        args = [
            self.binary,
            "--headless",
            "--no-sandbox",  # tests run as root in containers, where the sandbox cannot start
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            f"--window-size={self.size[0]},{self.size[1]}",
            f"--user-data-dir={profile}",
            "--remote-debugging-port=0",
            "about:blank",
        ]
        self._process = subprocess.Popen(
            args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().count("\n") >= 1):
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise BrowserError(f"{self.binary} did not open its DevTools port")
            time.sleep(0.05)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as answer:
            targets = json.load(answer)
        page = next(t for t in targets if t["type"] == "page")
        self._socket = websocket.create_connection(
            page["webSocketDebuggerUrl"], timeout=60, suppress_origin=True, enable_multithread=False
        )
        self.call("Network.enable")
        self.call("Page.enable")
        self.call("Runtime.enable")

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        if self._process is not None:
            # The browser's own process group (start_new_session): its renderer and helper processes too.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._process.pid, signal.SIGTERM)
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self._process.pid, signal.SIGKILL)
                self._process.wait(10)
            self._process = None
        self._profile.cleanup()

    # -- the protocol --------------------------------------------------------------------------------

    def _event(self, message: dict[str, Any]) -> None:
        method = message.get("method")
        params = message.get("params", {})
        if method == "Network.requestWillBeSent":
            self.requests.append(params["request"]["url"])
        elif method == "Runtime.consoleAPICalled":
            self.console.append(
                " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
            )
        elif method == "Runtime.exceptionThrown":
            self.console.append(f"exception: {params['exceptionDetails'].get('text')}")
        self._events.append(message)

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Send one command and return its result; events that arrive meanwhile are recorded."""
        if self._socket is None:
            raise BrowserError("the browser is not started")
        ident = next(self._ids)
        self._socket.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self._socket.recv())
            if message.get("id") == ident:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result
            if "method" in message:
                self._event(message)

    def wait_for_event(self, method: str, timeout: float = 30) -> dict[str, Any]:
        """The next event `method` (one already recorded since the last wait counts)."""
        if self._socket is None:
            raise BrowserError("the browser is not started")
        for index, message in enumerate(self._events):
            if message.get("method") == method:
                del self._events[: index + 1]
                return message
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._socket.settimeout(max(0.1, deadline - time.monotonic()))
            message = json.loads(self._socket.recv())
            if "method" in message:
                self._event(message)
                if message["method"] == method:
                    self._events.clear()  # everything up to it is consumed
                    return message
        raise BrowserError(f"no {method} within {timeout} s")

    # -- a person's actions --------------------------------------------------------------------------

    def open(self, url: str, timeout: float = 60) -> None:
        """Navigate to `url` and wait for its load event."""
        self._events = []
        self.requests.clear()
        self.call("Page.navigate", url=url)
        self.wait_for_event("Page.loadEventFired", timeout)

    def evaluate(self, expression: str, timeout: float = 60) -> Any:
        """The value of a JavaScript expression in the page; a promise is awaited."""
        result = self.call(
            "Runtime.evaluate",
            expression=expression,
            awaitPromise=True,
            returnByValue=True,
            timeout=timeout * 1000,
        )
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise BrowserError(details.get("exception", {}).get("description") or details.get("text"))
        return result["result"].get("value")

    def type_into(self, selector: str, text: str) -> None:
        """Focus the element and type `text` as keystrokes (input events fire as for a person)."""
        self.evaluate(f"document.querySelector({json.dumps(selector)}).focus()")
        self.call("Input.insertText", text=text)

    def screenshot(self, path: Path, height: float | None = None, top: float = 0) -> Path:
        """A PNG of `height` CSS pixels of the page from `top` (to its end when None), written to `path`."""
        metrics = self.call("Page.getLayoutMetrics")
        content = metrics.get("cssContentSize") or metrics["contentSize"]
        rest = content["height"] - top
        shown = rest if height is None else min(height, rest)
        params: dict[str, Any] = {
            "format": "png",
            "clip": {"x": 0, "y": top, "width": content["width"], "height": shown, "scale": 1},
            "captureBeyondViewport": True,
        }
        data = self.call("Page.captureScreenshot", **params)["data"]
        path.write_bytes(base64.b64decode(data))
        return path
