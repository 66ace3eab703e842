"""Helpers for the browser tests: a real headless Chromium (the Debian packages ``chromium`` and
``chromium-driver``, driven by Selenium; never a downloaded browser build) and a real
``kickoff share``/``kickoff serve`` process."""

from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

INSTALL = "apt-get install -y chromium chromium-driver (.ci/run does this when it runs as root)"


def chromium_paths() -> tuple[str | None, str | None]:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return browser, driver


def start_chromium() -> Iterator[object]:
    """A headless Chromium under Selenium, or a skip that names what is missing."""
    browser, driver = chromium_paths()
    if browser is None or driver is None:
        pytest.skip(f"no Chromium here (browser {browser}, driver {driver}): {INSTALL}")
    try:
        from selenium import webdriver
    except ImportError:
        pytest.skip("selenium is not installed: pip install -e '.[test]'")
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must never download a build
    profile = tempfile.mkdtemp(prefix="ko-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = browser
    args = [
        "--headless=new",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-extensions",
        "--window-size=1000,900",
        f"--user-data-dir={profile}",
    ]
    for arg in args:
        opts.add_argument(arg)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        opts.add_argument("--no-sandbox")  # Chromium refuses to run as root with its sandbox
    drv = webdriver.Chrome(service=webdriver.ChromeService(executable_path=driver), options=opts)
    try:
        yield drv
    finally:
        drv.quit()
        shutil.rmtree(profile, ignore_errors=True)


def kickoff_env(db_url: str) -> dict[str, str]:
    env = {**os.environ, "KICKOFF_DB": db_url, "PYTHONUNBUFFERED": "1"}
    env.pop("KICKOFF_VIA", None)
    return env


def kickoff(db_url: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """One ``kickoff`` command as a real process (another terminal)."""
    return subprocess.run(
        [sys.executable, "-m", "kickoff_tui.cli", *args],
        capture_output=True, text=True, env=kickoff_env(db_url), timeout=timeout,
    )  # fmt: skip


class Running:
    """``kickoff share|serve MEETING --port 0`` as a process: its printed URL, and a Ctrl+C."""

    def __init__(self, db_url: str, *args: str, startup: float = 60.0) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kickoff_tui.cli", *args, "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=kickoff_env(db_url),
            start_new_session=True,
        )  # fmt: skip
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], startup)
        line = self.proc.stdout.readline().strip() if ready else ""
        if not line.startswith("http://"):
            self.proc.kill()
            _, err = self.proc.communicate(timeout=10)
            raise AssertionError(f"no URL printed: {line!r} {err!r}")
        self.url = line
        self.token = line.rstrip("/").rsplit("/", 1)[1]
        self.origin = line[: line.index("/", len("http://"))]
        self.port = int(self.origin.rsplit(":", 1)[1])

    def stop(self, sig: int = signal.SIGINT, timeout: float = 20.0) -> tuple[int, str, str]:
        """Ctrl+C (SIGINT) and wait: (exit code, stdout rest, stderr)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            out, err = self.proc.communicate(timeout=10)
            raise AssertionError(f"did not stop on Ctrl+C within {timeout} s: {err}") from None
        return self.proc.returncode, out, err


def http(url: str, method: str = "GET", data: bytes | None = None) -> tuple[int, bytes]:
    """(status, body) of one request, errors included."""
    req = urllib.request.Request(url, method=method, data=data)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def wait_for(condition, timeout: float, what: str, step: float = 0.05):  # noqa: ANN001
    end = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(step)


def db_file(tmp_path: Path) -> str:
    return "sqlite:///" + str(tmp_path / "kickoff.db")
