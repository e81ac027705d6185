"""Key material across the vault's wall in the real app: import a PKCS#8 PEM Ed25519 key
made by OpenSSL from a file, check its fingerprint, export its public key and compare it
with OpenSSL's, export the secret to a file, edit owner and tags. Screenshots of the new
dialogs are saved in tests/e2e/artifacts/. A public key alone is kept without a secret
and rotated to its holder's next public key."""

import hashlib
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from conftest import SLOW

PASSPHRASE = "correct horse battery staple 42"
KEY = "Release signing key"

OPENSSL = shutil.which("openssl")


def openssl(*args: str) -> bytes:
    return subprocess.run([OPENSSL, *args], check=True, capture_output=True).stdout


def public_key_of_a_new_pair(keys: Path, name: str) -> tuple[Path, bytes]:
    """A new Ed25519 key pair made by OpenSSL in `keys`: its public key's PEM file, and
    the same public key as DER (whose SHA-256 is the vault's fingerprint)."""
    private = keys / f"{name}.pem"
    openssl("genpkey", "-algorithm", "ed25519", "-out", str(private))
    public = keys / f"{name}.pub.pem"
    openssl("pkey", "-in", str(private), "-pubout", "-out", str(public))
    return public, openssl("pkey", "-in", str(private), "-pubout", "-outform", "DER")


@pytest.mark.skipif(OPENSSL is None, reason="openssl is not installed")
def test_import_export_and_edit_a_key(app, tmp_path):
    keys = tmp_path / "keys"
    keys.mkdir()
    private = keys / "signing.pem"
    openssl("genpkey", "-algorithm", "ed25519", "-out", str(private))
    public_pem = openssl("pkey", "-in", str(private), "-pubout").decode()
    spki_der = openssl("pkey", "-in", str(private), "-pubout", "-outform", "DER")
    fingerprint = hashlib.sha256(spki_der).hexdigest()

    app.start()
    app.wait_screen("welcome", SLOW)
    app.click("welcome-create")
    app.type("create-passphrase", PASSPHRASE)
    app.type("create-passphrase-confirm", PASSPHRASE)
    app.click("create-submit")
    app.open_keys()

    # Import from the file: the path is typed, as a person may do beside the picker.
    app.click("import-open")
    app.visible("import-dialog")
    app.type("import-path", str(private))
    app.type("import-name", KEY)
    app.type("import-owner", "Release team")
    app.type("import-tags", "release,")
    app.screenshot("material-01-import-dialog")
    app.click("import-submit")
    shown = app.visible("import-fingerprint", SLOW)
    assert shown.text.strip() == fingerprint, (shown.text, fingerprint)
    others = [e.text for e in app.d.find_elements(By.CSS_SELECTOR, app.tid("import-fingerprint-other"))]
    assert any(o.startswith("SHA256:") for o in others), others
    app.visible("import-policy-ok")
    app.screenshot("material-02-import-result")
    app.click("import-done")
    app.gone("import-dialog")
    row = app.key_row(KEY)
    assert "Ed25519" in row.text, row.text

    # The detail shows the same fingerprint.
    row.click()
    detail = app.visible("key-detail")
    assert fingerprint in detail.text

    # Export the public key as SPKI PEM: the same text OpenSSL prints.
    app.click("key-export-public")
    app.visible("export-public-dialog")
    app.choose("export-format", "spki-pem")
    app.click("export-show")
    text = app.visible("export-text", SLOW).text
    assert text.strip() == public_pem.strip(), (text, public_pem)
    app.screenshot("material-03-export-public")
    app.click("export-close")
    app.gone("export-public-dialog")

    # Export the secret to a typed path: written by the app, mode 0600, the same key.
    out = keys / "exported.pem"
    app.click("key-export-secret")
    app.visible("export-secret-dialog")
    app.choose("export-format", "pkcs8-pem")
    app.type("export-path", str(out))
    app.type("export-passphrase", PASSPHRASE)
    app.screenshot("material-04-export-secret")
    app.click("export-submit")
    app.visible("export-saved", SLOW)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert openssl("pkey", "-in", str(out), "-pubout").decode() == public_pem
    # A second export to the same file asks before replacing it.
    app.type("export-passphrase", PASSPHRASE)
    app.click("export-submit")
    app.visible("confirm-ok", SLOW)
    app.screenshot("material-05-export-replace")
    app.click("confirm-cancel")
    app.click("export-close")
    app.gone("export-secret-dialog")

    # Edit owner and tags.
    app.click("key-edit")
    app.visible("edit-dialog")
    app.type("edit-owner", "Platform security")
    app.type("edit-tags", "signing,")
    app.type("edit-rotation", "0")
    app.visible("edit-rotation-problem")
    app.screenshot("material-06-edit-invalid")
    app.type("edit-rotation", "365")
    app.click("edit-save")
    app.gone("edit-dialog", SLOW)
    detail = app.visible("key-detail")
    app.wait(lambda d: "Platform security" in detail.text, SLOW, "the new owner")
    assert "every 365 days" in detail.text, detail.text
    # The chips, as the DOM has them (WebKit's visible-text answer leaves them out).
    chips = [
        e.get_attribute("textContent").strip()
        for e in app.key_row(KEY).find_elements(By.CSS_SELECTOR, ".chip")
    ]
    assert chips == ["release", "signing"], chips
    app.screenshot("material-07-edited")

    # Rotate offers the key's algorithm, with the policy's verdict.
    app.click("key-rotate")
    app.visible('[data-testid="rotate-algorithm-ed25519"]', SLOW)
    app.screenshot("material-08-rotate-choice")
    app.click("reason-cancel")
    app.gone("reason-dialog")

    # A partner's public key alone: kept as a public-only key, with OpenSSL's fingerprint
    # and no way to a secret; Rotate takes the partner's next public key from its file.
    partner_pub, partner_der = public_key_of_a_new_pair(keys, "partner")
    app.click("import-open")
    app.visible("import-dialog")
    app.type("import-path", str(partner_pub))
    app.type("import-name", "Partner signing")
    app.click("import-submit")
    shown = app.visible("import-fingerprint", SLOW)
    assert shown.text.strip() == hashlib.sha256(partner_der).hexdigest()
    app.click("import-done")
    app.gone("import-dialog")
    app.key_row("Partner signing").click()
    app.visible("key-public-only")
    for absent in ("key-reveal", "key-export-secret", "key-rotate"):
        assert not app.d.find_elements(By.CSS_SELECTOR, app.tid(absent)), absent
    successor_pub, successor_der = public_key_of_a_new_pair(keys, "partner-2")
    app.click("key-replace-public")
    app.visible("reason-dialog")
    app.click("replace-public-source-file")
    app.type("replace-public-path", str(successor_pub))
    app.type("reason-input", "Partner's new key pair")
    app.screenshot("material-09-public-only-rotate")
    app.click("reason-confirm")
    app.gone("reason-dialog", SLOW)
    detail = app.visible("key-detail")
    new_fingerprint = hashlib.sha256(successor_der).hexdigest()
    app.wait(lambda d: new_fingerprint in detail.text, SLOW, "the new public key's fingerprint")
    app.screenshot("material-10-public-only")

    # The audit log has the import and both exports.
    app.click("nav-audit")
    app.wait_screen("audit")
    app.visible("audit-entry", SLOW)
    actions = [
        e.get_attribute("data-action")
        for e in app.d.find_elements(By.CSS_SELECTOR, app.tid("audit-entry"))
    ]
    for action in ("key-imported", "public-exported", "secret-exported", "key-updated"):
        assert action in actions, (action, actions)
