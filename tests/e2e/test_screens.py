"""Screenshots of each screen, saved in tests/e2e/artifacts/ for people to look at.

Nothing is compared with a reference: the test fails when a screen cannot be reached,
or when the clipboard wait set on the way is not the one a copied secret gets. Files
are numbered in the order a person meets the screens.
"""

import re

from conftest import SLOW

PASSPHRASE = "correct horse battery staple 42"


def test_screenshots_of_each_screen(app):
    shots = []

    def shot(name):
        shots.append(app.screenshot(f"screen-{len(shots) + 1:02d}-{name}"))

    app.start()
    app.wait_screen("welcome", SLOW)
    shot("welcome")

    app.click("welcome-create")
    app.visible("create-passphrase")
    shot("create-empty")
    app.type("create-passphrase", PASSPHRASE)
    app.type("create-passphrase-confirm", PASSPHRASE)
    app.visible("create-strength")
    shot("create-filled")
    app.click("create-submit")
    app.wait_screen("dashboard", SLOW)
    app.visible("due-empty")
    shot("dashboard-empty")
    app.click("nav-keys")
    app.wait_screen("home")
    app.visible("key-empty")
    shot("home-empty")

    app.click("generate-open")
    app.click("wizard-purpose-data-encryption")
    shot("generate-purpose")
    app.click("wizard-next")
    app.click("wizard-algorithm-aes-256", SLOW)
    shot("generate-algorithm")
    app.click("wizard-next")
    app.type("generate-name", "Backup encryption key")
    app.type("generate-owner", "Infrastructure team")
    app.type("generate-custodians", "Ana Lima, Bo Chen")
    app.type("generate-notes", "Encrypts the nightly backups.")
    app.type("generate-tags", "backup, storage")
    shot("generate-details")
    app.click("wizard-next")
    app.visible("generate-review")
    shot("generate-review")
    app.click("generate-submit")
    app.key_row("Backup encryption key", SLOW)
    shot("home-one-key")

    app.key_row("Backup encryption key").click()
    app.visible("key-detail")
    app.visible("key-detail-name")
    shot("key-detail")
    app.click("key-action-suspended")
    app.visible("reason-input")
    app.type("reason-input", "Investigating a leaked backup")
    shot("key-suspend-reason")
    app.click("reason-confirm")
    app.gone("reason-dialog", SLOW)
    app.visible('[data-testid="key-state"][data-state="suspended"]')
    # The clipboard wait is a setting of the vault: 7 s here, counted down after a copy
    # and then wiped.
    app.click("settings-open")
    app.wait_screen("settings")
    app.type("settings-clipboard", "7")
    app.click("settings-clipboard-save")
    assert "after 7 seconds" in app.visible("settings-clipboard-saved").text
    app.click("settings-close")
    app.wait_screen("home")
    app.key_row("Backup encryption key").click()
    app.visible("key-detail")
    app.click("key-reveal")
    app.type("reveal-passphrase", PASSPHRASE)
    app.click("reveal-submit")
    app.visible("reveal-secret", SLOW)
    shot("key-reveal")
    secret = app.visible("reveal-secret").text.strip()
    app.click("reveal-copy")
    countdown = app.visible("reveal-countdown").text
    assert re.search(r"cleared in [5-7] s", countdown), countdown
    # The X clipboard holds the secret, and is wiped by the shell when the wait is over.
    assert app.clipboard() == secret
    app.gone("reveal-countdown", 15)
    app.wait(lambda d: app.clipboard() != secret, 5, "the clipboard to be wiped")
    app.click("reveal-close")
    app.gone("reveal-dialog")
    app.click("key-delete")
    app.visible("confirm-ok")
    shot("key-delete-confirm")
    app.click("confirm-cancel")
    app.gone("confirm-ok")
    app.key_row("Backup encryption key")

    # A second key makes the list's filters and badges worth looking at.
    app.generate_key("Webhook signing secret", purpose="authentication", algorithm="hmac-sha256")
    app.confirm_with_reason("key-action-compromised", "Secret pasted in a public chat")
    app.visible("key-follow-up")
    shot("key-compromised")
    app.confirm_with_reason("key-schedule-destruction", "Replaced by a new secret")
    app.visible("key-destruction")
    shot("key-destruction-scheduled")

    app.click("nav-audit")
    app.wait_screen("audit")
    app.visible("audit-entry")
    app.click("audit-verify")
    app.visible("audit-verify-result", SLOW)
    shot("audit")
    app.click("nav-policy")
    app.wait_screen("policy")
    app.visible("policy-min-strength")
    shot("policy")
    app.click("policy-edit-min-strength")
    app.visible("reason-input")
    shot("policy-edit")
    app.click("reason-cancel")
    app.gone("reason-dialog")
    app.click("nav-keys")
    app.wait_screen("home")

    app.click("settings-open")
    app.wait_screen("settings")
    app.visible("settings-autolock")
    shot("settings")
    app.click("settings-close")
    app.wait_screen("home")

    app.click("lock-button")
    app.wait_screen("unlock")
    shot("unlock")
    app.type("unlock-passphrase", "not the passphrase")
    app.click("unlock-submit")
    app.visible("unlock-error", SLOW)
    shot("unlock-wrong-passphrase")

    print("screenshots:", *shots, sep="\n  ")
