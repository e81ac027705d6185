"""A vault recovery kit in the real app: make one (a single sheet) in the wizard, save its
PDF, scan the sheet outside the app (pdftoppm; zbarimg checks its code is the share's
words), forget the passphrase, open the vault from the unlock screen with the sheet's
scanned pages (decoded by the app), set a new passphrase, and unlock with it after a lock. Screenshots go to tests/e2e/artifacts/."""

import shutil
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from conftest import NORMAL, SLOW
from test_kits import PASSPHRASE, create_vault, scan

NEW_PASSPHRASE = "a new passphrase after the loss"


@pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("zbarimg") is None,
    reason="pdftoppm and zbarimg are not installed",
)
def test_a_vault_kit_opens_the_vault_when_the_passphrase_is_lost(app, tmp_path: Path):
    app.start()
    create_vault(app)
    app.click("nav-keys")
    app.wait_screen("home")
    app.generate_key("Backup key")

    # The wizard skips the keys: a vault kit opens the whole vault.
    app.click("nav-kits")
    app.wait_screen("kits")
    app.click("kits-make-open")
    app.visible("kit-wizard")
    app.click("kit-kind-vault")
    app.click("kit-next")
    app.visible("kit-custodian-0")
    for i in (2, 1):
        app.click(f"kit-custodian-remove-{i}")
    app.type("kit-custodian-0", "Ada Byron")
    app.screenshot("vault-kit-01-custody")
    app.click("kit-next")
    review = app.visible("kit-review")
    assert "opens the whole vault" in review.text, review.text
    app.type("kit-vault-passphrase", PASSPHRASE)
    app.click("kit-prepare")
    app.visible("kit-preview", SLOW)
    kit_id = app.visible("kit-made-id").text.strip()
    app.wait(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, app.tid("kit-page"))) >= 1,
        SLOW,
        "the sheet's pages",
    )
    app.screenshot("vault-kit-02-preview")
    app.click("kit-next")
    folder = tmp_path / "kit"
    folder.mkdir()
    app.type("kit-folder", str(folder))
    app.click("kit-save")
    app.visible("kit-saved", SLOW)
    app.click("kit-finish")
    app.gone("kit-wizard")
    kit = app.visible(f'[data-testid="kit"][data-kit-id="{kit_id}"]')
    assert kit.get_attribute("data-status") == "current"
    assert [p.name for p in folder.iterdir()] == [f"{kit_id}.pdf"]

    # Outside the app: the sheet's one code is its share's words.
    scans = tmp_path / "scans"
    scans.mkdir()
    pages, text = scan(folder / f"{kit_id}.pdf", scans)
    (words,) = [line for line in text.splitlines() if line]
    assert len(words.split()) == 20, words

    # The passphrase is lost.
    app.click("lock-button")
    app.wait_screen("unlock")
    app.click("unlock-recover")
    app.visible("vault-recovery")
    app.screenshot("vault-kit-03-recovery")
    # The sheet's scanned pages, chosen in the file input: the app decodes the share code.
    app.visible("vault-recovery-scan-input").send_keys("\n".join(map(str, pages)))
    results = app.tid("vault-recovery-scan-result")
    app.wait(lambda d: len(d.find_elements(By.CSS_SELECTOR, results)) == len(pages), SLOW,
             "every page read")
    outcomes = [r.get_attribute("data-outcome") for r in app.d.find_elements(By.CSS_SELECTOR, results)]
    assert "read" in outcomes, outcomes
    app.visible("vault-recovery-ready")
    app.type("vault-recovery-passphrase", NEW_PASSPHRASE)
    app.type("vault-recovery-confirm", NEW_PASSPHRASE)
    app.screenshot("vault-kit-04-new-passphrase")
    app.click("vault-recovery-submit")
    app.wait_screen("dashboard", SLOW)
    app.screenshot("vault-kit-05-opened")

    # The new passphrase opens it; the old one no longer does.
    app.click("lock-button")
    app.wait_screen("unlock")
    app.type("unlock-passphrase", PASSPHRASE)
    app.click("unlock-submit")
    app.visible("unlock-error", SLOW)
    app.type("unlock-passphrase", NEW_PASSPHRASE)
    app.click("unlock-submit")
    app.wait_screen("dashboard", SLOW)
    app.click("nav-keys")
    app.wait_screen("home")
    app.key_row("Backup key", NORMAL)
