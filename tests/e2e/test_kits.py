"""A recovery kit in the real app, end to end: generate a key, make a 2-of-3 split kit of it
in the wizard, save its PDFs to a typed folder, scan two of the sheets outside the app
(pdftoppm), lose the vault, create a new one, read one sheet into the recover screen as
zbarimg read it (pasted) and the other as its scanned pages (chosen in the file input,
decoded by the app), restore, and find the same fingerprint.
Screenshots of the wizard, the preview, the kits page and the recover screen are saved in
tests/e2e/artifacts/."""

import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from conftest import NORMAL, SLOW

PASSPHRASE = "correct horse battery staple 42"
KEY = "Payroll export key"
CUSTODIANS = ["Ada Byron", "Bea Kovacs", "Cy Okafor"]

PDFTOPPM = shutil.which("pdftoppm")
ZBARIMG = shutil.which("zbarimg")


def scan(pdf: Path, work: Path) -> tuple[list[Path], str]:
    """What a scanner and a QR reader make of a printed sheet: its pages as PNG images,
    and the text of every code on them, one per line, as `zbarimg --raw` prints them."""
    prefix = work / pdf.stem
    subprocess.run([PDFTOPPM, "-r", "200", "-png", str(pdf), str(prefix)], check=True)
    pages = sorted(work.glob(f"{pdf.stem}*.png"))
    assert pages, f"pdftoppm made no page of {pdf}"
    # One zbarimg per page, as the sheets say: zbar 0.23 carries state across images.
    texts = []
    for page in pages:
        read = subprocess.run([ZBARIMG, "--raw", "-q", str(page)], capture_output=True, text=True)
        # 4: the page has no code (the instructions for heirs, the typed lines).
        assert read.returncode in (0, 4), read.stderr
        texts.append(read.stdout)
    return pages, "".join(texts)


def paste(app, testid: str, text: str) -> None:
    """Puts `text` in a text box as a paste does: all at once, then one input event."""
    box = app.visible(testid)
    app.d.execute_script(
        "arguments[0].value = arguments[1];"
        "arguments[0].dispatchEvent(new Event('input', { bubbles: true }));",
        box,
        text,
    )


def read_sheet(app, text: str, progress: str) -> None:
    """Pastes what one sheet read into the recover screen's open box, reads it, and waits
    for the shares' progress to say `progress`."""
    paste(app, "recover-text", text)
    app.click("recover-add")
    app.wait(
        lambda d: progress in d.find_element(By.CSS_SELECTOR, app.tid("recover-shares")).text,
        NORMAL,
        progress,
    )


def create_vault(app) -> None:
    app.wait_screen("welcome", SLOW)
    app.click("welcome-create")
    app.type("create-passphrase", PASSPHRASE)
    app.type("create-passphrase-confirm", PASSPHRASE)
    app.click("create-submit")
    app.wait_screen("dashboard", SLOW)


@pytest.mark.skipif(
    PDFTOPPM is None or ZBARIMG is None, reason="pdftoppm and zbarimg are not installed"
)
def test_a_split_kit_is_made_scanned_and_recovered_into_a_new_vault(app, tmp_path):
    app.start()
    create_vault(app)
    app.click("nav-keys")
    app.wait_screen("home")
    app.generate_key(KEY)
    # The dashboard asks for a kit of the new key.
    app.click("nav-dashboard")
    app.visible(f'[data-testid="without-kit-key"][data-key-name="{KEY}"]')
    app.screenshot("kits-00-dashboard")
    app.click("nav-keys")
    app.wait_screen("home")
    app.key_row(KEY).click()
    fingerprint = app.visible('[data-testid="key-version"][data-version="1"] code').text.strip()
    assert fingerprint, "the key shows no fingerprint"
    app.visible("key-kits-none")

    # The key's own "Make a kit" opens the wizard with the key chosen.
    app.click("key-make-kit")
    app.wait_screen("kits")
    app.visible("kit-wizard")
    app.click("kit-kind-split")
    app.screenshot("kits-01-wizard-kind")
    app.click("kit-next")
    choice = app.visible(f'[data-testid="kit-key"][data-key-name="{KEY}"] input')
    assert choice.is_selected()
    app.screenshot("kits-01b-wizard-keys")
    app.click("kit-next")
    for i, name in enumerate(CUSTODIANS):
        app.type(f"kit-custodian-{i}", name)
    app.choose("kit-threshold", "2")
    app.screenshot("kits-02-wizard-custodians")
    app.click("kit-next")
    app.visible("kit-review")
    app.click("kit-paper-a4")
    app.type("kit-vault-passphrase", PASSPHRASE)
    app.screenshot("kits-02b-wizard-review")
    app.click("kit-prepare")

    # The preview: each sheet's pages, drawn by the engine.
    app.visible("kit-preview", SLOW)
    kit_id = app.visible("kit-made-id").text.strip()
    assert kit_id.startswith("KW-"), kit_id
    app.wait(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, app.tid("kit-page"))) >= 1
        and all(
            d.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", img)
            for img in d.find_elements(By.CSS_SELECTOR, app.tid("kit-page"))
        ),
        SLOW,
        "the sheet's pages",
    )
    tabs = app.d.find_elements(By.CSS_SELECTOR, app.tid("kit-sheet-tab"))
    assert [t.text.strip() for t in tabs] == [
        f"Share {i + 1} · {name}" for i, name in enumerate(CUSTODIANS)
    ]
    app.screenshot("kits-03-preview")
    app.click("kit-next")

    # Save into a folder whose path is typed.
    folder = tmp_path / "kit"
    folder.mkdir()
    app.type("kit-folder", str(folder))
    app.screenshot("kits-04-save")
    app.click("kit-save")
    app.visible("kit-saved", SLOW)
    app.screenshot("kits-05-saved")
    app.click("kit-finish")
    app.gone("kit-wizard")
    kit = app.visible(f'[data-testid="kit"][data-kit-id="{kit_id}"]')
    assert kit.get_attribute("data-status") == "current"
    assert "Share 2 · Bea Kovacs" in kit.get_attribute("textContent")
    app.screenshot("kits-06-register")

    # The key is compromised: its kit goes void, and says what to do.
    app.click("nav-keys")
    app.wait_screen("home")
    app.key_row(KEY).click()
    app.confirm_with_reason("key-action-compromised", "A laptop with the key was stolen")
    kit_row = app.visible(f'[data-testid="key-kit"][data-kit-id="{kit_id}"]')
    app.wait(lambda d: kit_row.get_attribute("data-status") == "void", NORMAL, "the kit to go void")
    app.d.execute_script("arguments[0].scrollIntoView({block: 'center'})", kit_row)
    app.screenshot("kits-06a-key-kits-void")
    app.click("nav-kits")
    kit = app.visible(f'[data-testid="kit"][data-kit-id="{kit_id}"]')
    assert kit.get_attribute("data-status") == "void"
    assert "destroy" in app.visible("kit-advice").text
    app.screenshot("kits-06c-register-void")

    pdfs = sorted(folder.glob("*.pdf"))
    assert [p.name for p in pdfs] == [
        f"{kit_id}-share-1-of-3-ada-byron.pdf",
        f"{kit_id}-share-2-of-3-bea-kovacs.pdf",
        f"{kit_id}-share-3-of-3-cy-okafor.pdf",
    ]
    payload = folder / f"{kit_id}.age"
    assert payload.read_bytes().startswith(b"age-encryption.org/v1\n")
    for path in [*pdfs, payload]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path

    # Outside the app, as a scanner would: sheets 1 and 3.
    scans = tmp_path / "scans"
    scans.mkdir()
    (_, ada), (cy_pages, cy) = scan(pdfs[0], scans), scan(pdfs[2], scans)
    for text in (ada, cy):
        lines = text.splitlines()
        assert any(line.startswith(f"KW1 {kit_id} ") for line in lines), text
        # The share's own code: its 20 words, and nothing else on the line.
        assert any(len(line.split()) == 20 for line in lines), text

    # The vault is lost: the app starts with none, and a new one is made.
    app.quit()
    lost = tmp_path / "lost"
    lost.mkdir()
    # The vault file and whatever SQLite keeps beside it (-wal, -shm).
    for part in app.vault.parent.glob(app.vault.name + "*"):
        part.rename(lost / part.name)
    app.start()
    create_vault(app)
    app.click("nav-kits")
    app.wait_screen("kits")
    app.visible("kits-empty")
    app.click("kits-recover-open")
    app.visible("recover-screen")
    app.screenshot("kits-06b-recover-empty")

    # Ada's sheet as a QR reader read it, pasted; Cy's as its scanned pages, chosen in
    # the file input (WebDriver types their paths into it), whose codes the app decodes.
    read_sheet(app, ada, "1 of 2 shares")
    assert kit_id in app.visible("recover-kit-id").text
    app.visible("recover-scan-input").send_keys("\n".join(map(str, cy_pages)))
    app.wait(
        lambda d: "2 of 2 shares" in d.find_element(By.CSS_SELECTOR, app.tid("recover-shares")).text
        and len(d.find_elements(By.CSS_SELECTOR, app.tid("recover-scan-result"))) == len(cy_pages),
        SLOW,
        "Cy's scanned pages read",
    )
    results = app.d.find_elements(By.CSS_SELECTOR, app.tid("recover-scan-result"))
    outcomes = {r.get_attribute("data-file-name"): r.get_attribute("data-outcome") for r in results}
    assert outcomes[cy_pages[0].name] == "read", outcomes
    app.visible("recover-ready")
    app.screenshot("kits-07-recover-progress")
    app.click("recover-open")
    shown = app.visible("recover-fingerprint", SLOW).text.strip()
    assert shown == fingerprint, (shown, fingerprint)
    app.screenshot("kits-08-recover-opened")
    app.click("recover-restore")
    restored = app.visible("recover-restored-key", SLOW)
    assert restored.get_attribute("data-outcome") == "added"
    assert restored.get_attribute("data-key-name") == KEY
    app.screenshot("kits-09-restored")

    # The restored key is the same key.
    app.click("recover-open-key")
    app.wait_screen("home")
    row = app.key_row(KEY)
    row.click()
    again = app.visible('[data-testid="key-version"][data-version="1"] code').text.strip()
    assert again == fingerprint, (again, fingerprint)
