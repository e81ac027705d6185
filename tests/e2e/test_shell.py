"""The app shell's guarantees, in the real app: the webview enforces the Content Security
Policy of `src-tauri/tauri.conf.json` (no code but the app's own, no network but IPC),
`Object.prototype` is frozen, and a second launch hands over to the running instance
instead of opening the vault a second time.

The CSP checks run page code through WebDriver, which the policy does not cover; what
that code then tries (a fetch, an image, an inline script, eval) is what the policy must
stop. A local HTTP server counts the requests that reach it: none may.
"""

import http.server
import subprocess
import threading
import time

import pytest

from conftest import APP, NORMAL, SLOW


class CountingServer:
    """An HTTP server on 127.0.0.1 that records each path asked for."""

    def __init__(self):
        hits: list[str] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the standard library's name)
                hits.append(self.path)
                self.send_response(200)
                self.send_header("Access-Control-Allow-Origin", "*")
                self.end_headers()
                self.wfile.write(b"reached")

            def log_message(self, *args):
                pass

        self.hits = hits
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def server():
    s = CountingServer()
    yield s
    s.close()


def test_the_webview_enforces_the_content_security_policy(app, server):
    # The server answers plain clients: the test would prove nothing if it did not.
    import urllib.request

    with urllib.request.urlopen(f"{server.url}/probe", timeout=NORMAL) as r:
        assert r.read() == b"reached"
    assert server.hits == ["/probe"]
    server.hits.clear()

    d = app.start()
    app.wait_screen("welcome", SLOW)
    outcome = d.execute_async_script(
        """
        const [base, done] = arguments;
        const result = {};
        const settle = (p) => p.then(() => 'allowed', (e) => 'blocked: ' + e.name);
        result.fetch = await settle(fetch(base + '/fetch'));
        result.image = await new Promise((resolve) => {
          const img = new Image();
          img.onload = () => resolve('allowed');
          img.onerror = () => resolve('blocked');
          img.src = base + '/image.png';
        });
        window.__inlineRan = false;
        const inline = document.createElement('script');
        inline.textContent = 'window.__inlineRan = true;';
        document.head.appendChild(inline);
        const remote = await new Promise((resolve) => {
          const s = document.createElement('script');
          s.onload = () => resolve('allowed');
          s.onerror = () => resolve('blocked');
          s.src = base + '/remote.js';
          document.head.appendChild(s);
        });
        result.remoteScript = remote;
        result.inlineScript = window.__inlineRan ? 'allowed' : 'blocked';
        try {
          eval('1 + 1');
          result.eval = 'allowed';
        } catch (e) {
          result.eval = 'blocked: ' + e.name;
        }
        result.prototypeFrozen = Object.isFrozen(Object.prototype);
        done(result);
        """,
        server.url,
    )
    assert outcome["fetch"].startswith("blocked"), outcome
    assert outcome["image"] == "blocked", outcome
    assert outcome["remoteScript"] == "blocked", outcome
    assert outcome["inlineScript"] == "blocked", outcome
    assert outcome["eval"] == "blocked: EvalError", outcome
    assert outcome["prototypeFrozen"] is True, outcome
    # Give any request that slipped through time to arrive.
    time.sleep(1)
    assert server.hits == [], f"the webview reached the network: {server.hits}"
    # The app still works after all that.
    app.click("welcome-create")
    app.visible("create-passphrase")


def test_a_second_launch_hands_over_to_the_running_app_and_exits(app):
    # The single-instance plugin finds the running app on the session bus.
    assert "DBUS_SESSION_BUS_ADDRESS" in app.env, "no dbus-daemon: install-deps.sh installs dbus"
    app.start()
    app.wait_screen("welcome", SLOW)
    app.click("welcome-create")
    app.visible("create-passphrase")
    running = app.app_pids()
    assert len(running) == 1, running

    # The same user starts the app again (a second click on its icon): it finds the
    # first through the session bus, asks it to show its window, and exits at once.
    second = subprocess.run(
        [str(APP)],
        env=app.env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=SLOW,
    )
    assert second.returncode == 0, second.stderr.decode(errors="replace")
    assert app.app_pids() == running
    # The first instance carries on where it was, with its window shown.
    app.visible("create-passphrase")
    assert not app.vault.exists()
