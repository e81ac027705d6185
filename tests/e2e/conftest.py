"""Fixtures that run the real Keywarden desktop app under Xvfb, driven through tauri-driver.

One Xvfb display (and one private D-Bus session bus) serves the whole run. Each test gets
its own tauri-driver on free ports, started with a fresh HOME and XDG_DATA_HOME, so the
app's default vault ($XDG_DATA_HOME/keywarden/vault.keywarden) is new and private to the
test. `app.start()` opens a WebDriver session, which launches the app; `app.quit()` ends
it, which closes the app; `app.restart()` is both, on the same data directory.

When a test fails, a screenshot and the page's HTML are saved in tests/e2e/artifacts/
and their paths are printed in the failure report, with the driver's log.

Environment:
  KEYWARDEN_APP              the app binary (default: target/debug/keywarden-app, built
                             with `ui/node_modules/.bin/tauri build --debug --no-bundle`)
  KEYWARDEN_E2E_HOST_DISPLAY =1 to use $DISPLAY instead of starting Xvfb
  TAURI_DRIVER, WEBKIT_WEBDRIVER  override the two drivers' paths
"""

from __future__ import annotations

import ctypes
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Iterator

import pytest
from selenium import webdriver
from selenium.common.exceptions import (
    NoSuchElementException,
    StaleElementReferenceException,
    TimeoutException,
    WebDriverException,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.common.proxy import Proxy, ProxyType
from selenium.webdriver.remote.client_config import ClientConfig
from selenium.webdriver.remote.file_detector import UselessFileDetector
from selenium.webdriver.remote.remote_connection import RemoteConnection
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
_target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
APP = Path(os.environ.get("KEYWARDEN_APP", _target / "debug" / "keywarden-app")).resolve()
NATIVE_DRIVER = os.environ.get("WEBKIT_WEBDRIVER", "/usr/bin/WebKitWebDriver")

# Waits, in seconds. Creating and unlocking a vault runs Argon2id calibrated to about a
# second (more on a loaded 2-core machine); starting the app under Xvfb takes a few.
SLOW = 30
NORMAL = 10
DRIVER_START = 30
COMMAND = 120


def _tauri_driver() -> str:
    explicit = os.environ.get("TAURI_DRIVER")
    if explicit:
        return explicit
    found = shutil.which("tauri-driver")
    if found:
        return found
    cargo_home = Path(os.environ.get("CARGO_HOME", Path.home() / ".cargo"))
    return str(cargo_home / "bin" / "tauri-driver")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, proc: subprocess.Popen, what: str, log: Path) -> None:
    deadline = time.monotonic() + DRIVER_START
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"{what} exited with {proc.returncode} before listening; log: {log}\n"
                + _tail(log)
            )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            # Polling a port the child is about to open: there is no event to wait on.
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on port {port} in {DRIVER_START} s; log: {log}")


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _kill_group(proc: subprocess.Popen, timeout: float = 5) -> None:
    """Ends a process started with start_new_session=True, and everything it started."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
    try:
        # Children (WebKitWebDriver, the app) may outlive their parent in the group.
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        pass


def _die_with_parent() -> None:
    """preexec_fn: the child gets SIGTERM when the test process dies, however it dies."""
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def pytest_configure(config: pytest.Config) -> None:
    # A plain SIGTERM (a CI timeout, `kill`) would end Python without running the
    # fixtures' cleanup; as KeyboardInterrupt, pytest stops and tears them down, which
    # ends Xvfb, the drivers and the app.
    def interrupt(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGHUP, interrupt)


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)


# --- the display and the session bus, once per run -------------------------------------


@pytest.fixture(scope="session")
def display() -> Iterator[str]:
    """An X display for the app: a private Xvfb, or the host's with KEYWARDEN_E2E_HOST_DISPLAY=1."""
    if os.environ.get("KEYWARDEN_E2E_HOST_DISPLAY") == "1" and os.environ.get("DISPLAY"):
        yield os.environ["DISPLAY"]
        return
    xvfb = shutil.which("Xvfb")
    if not xvfb:
        pytest.exit("Xvfb is missing: run scripts/install-deps.sh test", returncode=3)
    read_fd, write_fd = os.pipe()
    # -displayfd: Xvfb picks a free display number and writes it to the pipe when ready.
    proc = subprocess.Popen(
        [xvfb, "-displayfd", str(write_fd), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=_die_with_parent,
    )
    os.close(write_fd)
    number = b""
    deadline = time.monotonic() + DRIVER_START
    while not number.endswith(b"\n") and time.monotonic() < deadline:
        ready, _, _ = select.select([read_fd], [], [], deadline - time.monotonic())
        if not ready:
            break
        chunk = os.read(read_fd, 16)
        if not chunk:
            break
        number += chunk
    os.close(read_fd)
    if not number.strip():
        _kill_group(proc)
        pytest.exit("Xvfb did not start", returncode=3)
    try:
        yield f":{number.decode().strip()}"
    finally:
        _kill_group(proc)


@pytest.fixture(scope="session")
def session_bus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str | None]:
    """A private D-Bus session bus, so the app and WebKit need not go looking for one."""
    daemon = shutil.which("dbus-daemon")
    if not daemon:
        yield None
        return
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        [daemon, "--session", "--nofork", "--nopidfile", f"--print-address={write_fd}"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=_die_with_parent,
    )
    os.close(write_fd)
    address = b""
    while not address.endswith(b"\n"):
        ready, _, _ = select.select([read_fd], [], [], NORMAL)
        if not ready:
            break
        chunk = os.read(read_fd, 256)
        if not chunk:
            break
        address += chunk
    os.close(read_fd)
    try:
        yield address.decode().strip() or None
    finally:
        _kill_group(proc)


# --- the app, once per test -------------------------------------------------------------


class App:
    """The Keywarden app of one test: its tauri-driver, its data directory, its sessions."""

    def __init__(self, name: str, workdir: Path, display: str, bus: str | None):
        if not APP.is_file():
            pytest.fail(
                f"{APP} does not exist. Build it with the frontend embedded: "
                "ui/node_modules/.bin/tauri build --debug --no-bundle (make test does)"
            )
        self.name = name
        self.home = workdir / "home"
        self.data_home = workdir / "data"
        runtime = workdir / "runtime"
        for d in (self.home, self.data_home, runtime):
            d.mkdir(parents=True)
        runtime.chmod(0o700)
        self.vault = self.data_home / "keywarden" / "vault.keywarden"
        self.log = workdir / "tauri-driver.log"

        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("XDG_", "DBUS_", "WAYLAND_"))
            and k != "DISPLAY"
            # WebKitWebDriver talks HTTP to the app and would send that through a proxy.
            and k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy")
        }
        env.update(
            HOME=str(self.home),
            XDG_DATA_HOME=str(self.data_home),
            XDG_CONFIG_HOME=str(self.home / ".config"),
            XDG_CACHE_HOME=str(self.home / ".cache"),
            XDG_RUNTIME_DIR=str(runtime),
            DISPLAY=display,
            GDK_BACKEND="x11",
            # No accessibility bus under Xvfb; without this GTK warns on every start.
            NO_AT_BRIDGE="1",
            # Not WEBKIT_DISABLE_DMABUF_RENDERER=1: under Xvfb it makes screenshots hang.
            RUST_BACKTRACE="1",
        )
        if bus:
            env["DBUS_SESSION_BUS_ADDRESS"] = bus
        self.env = env

        self.port = _free_port()
        native_port = _free_port()
        while native_port == self.port:
            native_port = _free_port()
        self._log_file = open(self.log, "wb")
        self.driver_proc = subprocess.Popen(
            [
                _tauri_driver(),
                "--port",
                str(self.port),
                "--native-port",
                str(native_port),
                "--native-driver",
                NATIVE_DRIVER,
            ],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        # tauri-driver starts WebKitWebDriver itself and forwards to it: both must listen.
        _wait_for_port(self.port, self.driver_proc, "tauri-driver", self.log)
        _wait_for_port(native_port, self.driver_proc, "WebKitWebDriver", self.log)
        self.driver: webdriver.Remote | None = None

    # -- sessions --

    def start(self) -> webdriver.Remote:
        """Starts the app: a new WebDriver session."""
        assert self.driver is None, "the app is already running; quit() first"
        options = ArgOptions()
        options.set_capability("browserName", "wry")
        options.set_capability("tauri:options", {"application": str(APP)})
        # Straight to the local driver, whatever http_proxy says; and no command may hang
        # the run (a WebDriver command normally answers in well under a second).
        direct = Proxy()
        direct.proxy_type = ProxyType.DIRECT
        config = ClientConfig(
            remote_server_addr=f"http://127.0.0.1:{self.port}", proxy=direct, timeout=COMMAND
        )
        try:
            self.driver = webdriver.Remote(
                command_executor=RemoteConnection(client_config=config), options=options
            )
        except WebDriverException as e:
            raise RuntimeError(
                f"could not start a session with {APP}: {e.msg}\n"
                f"tauri-driver log ({self.log}):\n{_tail(self.log)}"
            ) from e
        # The app runs on this machine: a typed path is text, never a file to upload
        # (Selenium would otherwise try to upload any existing file whose path is typed).
        self.driver.file_detector = UselessFileDetector()
        return self.driver

    def quit(self) -> None:
        """Quits the app: ends the session and waits until the app process is gone."""
        if self.driver is None:
            return
        try:
            self.driver.quit()
        finally:
            self.driver = None
            self._wait_app_gone()

    def restart(self) -> webdriver.Remote:
        self.quit()
        return self.start()

    def app_pids(self) -> list[int]:
        """Processes running the app binary with this test's data directory."""
        pids = []
        marker = f"XDG_DATA_HOME={self.data_home}".encode()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                exe = os.readlink(entry / "exe")
                if not exe.startswith(str(APP)):
                    continue
                if marker in (entry / "environ").read_bytes().split(b"\0"):
                    pids.append(int(entry.name))
            except OSError:
                continue
        return pids

    def _wait_app_gone(self, timeout: float = NORMAL) -> None:
        # A second instance on the same vault would find it busy: the old one must be
        # gone, and its file descriptors (the vault's lock) closed, before the next start.
        started = time.monotonic()
        deadline = started + timeout
        while self.app_pids() and time.monotonic() < deadline:
            time.sleep(0.1)
        lingering = self.app_pids()
        for pid in lingering:
            os.kill(pid, signal.SIGKILL)
        if lingering:
            print(f"[e2e] the app did not exit {timeout:.0f} s after its session ended; killed")
        deadline = time.monotonic() + NORMAL
        while self.app_pids() and time.monotonic() < deadline:
            time.sleep(0.05)

    def close(self) -> None:
        try:
            self.quit()
        except WebDriverException:
            pass
        _kill_group(self.driver_proc)
        for pid in self.app_pids():
            os.kill(pid, signal.SIGKILL)
        self._log_file.close()

    # -- finding things --

    @property
    def d(self) -> webdriver.Remote:
        assert self.driver is not None, "the app is not running; start() first"
        return self.driver

    @staticmethod
    def tid(testid: str) -> str:
        return f'[data-testid="{testid}"]'

    def _where(self) -> str:
        """Which screens are shown, for timeout messages."""
        try:
            screens = [
                e.get_attribute("data-screen")
                for e in self.d.find_elements(By.CSS_SELECTOR, "[data-screen]")
            ]
            url = self.d.current_url
        except WebDriverException as e:
            return f"(could not ask the app: {e.msg})"
        hint = ""
        if url.startswith("http://localhost"):
            hint = (
                " -- the app loads the dev server URL: it was built without its frontend"
                " (cargo build); build it with tauri build --debug --no-bundle"
            )
        return f"screens shown: {screens or 'none'}; url: {url}{hint}"

    def wait(self, condition, timeout: float, what: str):
        # A condition that walks a list the UI is re-rendering may hold an element that
        # has just been replaced: that is "not yet", so try again rather than fail.
        ignored = (NoSuchElementException, StaleElementReferenceException)
        try:
            return WebDriverWait(self.d, timeout, ignored_exceptions=ignored).until(condition)
        except TimeoutException:
            raise TimeoutException(f"waited {timeout} s for {what}; {self._where()}") from None

    def wait_screen(self, screen: str, timeout: float = NORMAL) -> WebElement:
        """Waits until the screen `[data-screen=<screen>]` is visible."""
        return self.wait(
            EC.visibility_of_element_located((By.CSS_SELECTOR, f'[data-screen="{screen}"]')),
            timeout,
            f"the {screen} screen",
        )

    def visible(self, selector: str, timeout: float = NORMAL) -> WebElement:
        """Waits for a CSS selector, or a bare data-testid, to be visible."""
        css = selector if selector[:1] in "[.#" else self.tid(selector)
        return self.wait(EC.visibility_of_element_located((By.CSS_SELECTOR, css)), timeout, css)

    def gone(self, selector: str, timeout: float = NORMAL) -> None:
        css = selector if selector[:1] in "[.#" else self.tid(selector)
        self.wait(EC.invisibility_of_element_located((By.CSS_SELECTOR, css)), timeout, f"{css} to go")

    def click(self, testid: str, timeout: float = NORMAL) -> None:
        css = self.tid(testid)
        self.wait(EC.element_to_be_clickable((By.CSS_SELECTOR, css)), timeout, css).click()

    def type(self, testid: str, text: str, timeout: float = NORMAL) -> None:
        """Replaces the content of an input with `text`, typed key by key."""
        field = self.visible(testid, timeout)
        field.clear()
        field.send_keys(text)

    def choose(self, testid: str, value: str, timeout: float = NORMAL) -> None:
        """Chooses an option of a native <select> by its value."""
        Select(self.visible(testid, timeout)).select_by_value(value)

    def open_keys(self, timeout: float = SLOW) -> None:
        """After unlocking: the dashboard shows first; go on to the key list."""
        self.wait_screen("dashboard", timeout)
        self.click("nav-keys")
        self.wait_screen("home")

    def generate_key(self, name: str, purpose: str = "data-encryption", algorithm: str = "aes-256",
                     timeout: float = SLOW) -> None:
        """Generates a key through the wizard: purpose, algorithm, name, review."""
        self.click("generate-open")
        self.click(f"wizard-purpose-{purpose}")
        self.click("wizard-next")
        self.click(f"wizard-algorithm-{algorithm}", timeout)
        self.click("wizard-next")
        self.type("generate-name", name)
        self.click("wizard-next")
        self.click("generate-submit")
        self.key_row(name, timeout)

    def confirm_with_reason(self, action: str, reason: str) -> None:
        """Clicks a lifecycle action, gives the reason, confirms, and waits for the dialog to go."""
        self.click(action)
        self.type("reason-input", reason)
        self.click("reason-confirm")
        self.gone("reason-dialog", SLOW)

    def clipboard(self) -> str | None:
        """The text on the app's X clipboard (`xclip`), or None when it holds none."""
        xclip = shutil.which("xclip")
        if xclip is None:
            pytest.fail("xclip is not installed: scripts/install-deps.sh test installs it")
        done = subprocess.run([xclip, "-o", "-selection", "clipboard"], env=self.env,
                              capture_output=True, timeout=10)
        return done.stdout.decode() if done.returncode == 0 else None

    def key_row(self, name: str, timeout: float = NORMAL) -> WebElement:
        return self.visible(f'[data-testid="key-row"][data-key-name="{name}"]', timeout)

    # -- artifacts --

    def painted(self) -> None:
        """Waits until the page has painted its current state (two animation frames)."""
        self.d.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "requestAnimationFrame(() => requestAnimationFrame(() => done()));"
        )

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{_safe_name(name)}.png"
        # Right after a screen appears in the DOM, WebKit may still hand out the last
        # frame it painted (the loading spinner on the first screen).
        try:
            self.painted()
        except WebDriverException:
            pass
        if not self.d.save_screenshot(str(path)):
            raise RuntimeError(f"the driver could not take a screenshot for {path}")
        return path

    def save_failure(self) -> list[str]:
        """Saves what helps to understand a failure; returns lines naming the files."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        stem = _safe_name(f"{self.name}-FAILED")
        lines = []
        if self.driver is not None:
            try:
                lines.append(f"screenshot: {self.screenshot(stem)}")
            except (WebDriverException, RuntimeError) as e:
                lines.append(f"screenshot: could not take one ({e})")
            try:
                html = ARTIFACTS / f"{stem}.html"
                html.write_text(self.driver.page_source)
                lines.append(f"page HTML:  {html}")
            except WebDriverException:
                pass
        self._log_file.flush()
        log = ARTIFACTS / f"{stem}-tauri-driver.log"
        try:
            shutil.copyfile(self.log, log)
            lines.append(f"driver log: {log}")
        except OSError:
            pass
        return lines


@pytest.fixture
def app(request: pytest.FixtureRequest, tmp_path: Path, display: str, session_bus: str | None):
    """The app of this test, not yet started: call app.start()."""
    the_app = App(request.node.name, tmp_path, display, session_bus)
    request.node._keywarden_app = the_app
    try:
        yield the_app
    finally:
        the_app.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """On failure, while the app still runs, save a screenshot and say where it is."""
    outcome = yield
    report = outcome.get_result()
    the_app = getattr(item, "_keywarden_app", None)
    if report.failed and report.when == "call" and the_app is not None:
        lines = the_app.save_failure()
        report.sections.append(("e2e artifacts", "\n".join(lines)))
        reporter = item.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.ensure_newline()
            for line in lines:
                reporter.write_line(f"[{item.name}] {line}")
