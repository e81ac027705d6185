"""Screenshots of each screen, saved in tests/e2e/artifacts/ for people to look at.

Nothing is compared with a reference: the test fails only when a screen cannot be
reached. Files are numbered in the order a person meets the screens.
"""

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
    app.wait_screen("home", SLOW)
    app.visible("key-empty")
    shot("home-empty")

    app.click("generate-open")
    app.type("generate-name", "Backup encryption key")
    app.choose("generate-algorithm", "aes-256")
    app.type("generate-notes", "Encrypts the nightly backups.")
    app.type("generate-tags", "backup, storage")
    shot("generate")
    app.click("generate-submit")
    app.key_row("Backup encryption key", SLOW)
    shot("home-one-key")

    app.key_row("Backup encryption key").click()
    app.visible("key-detail")
    app.visible("key-detail-name")
    shot("key-detail")
    app.click("key-delete")
    app.visible("confirm-ok")
    shot("key-delete-confirm")
    app.click("confirm-cancel")
    app.gone("confirm-ok")
    app.key_row("Backup encryption key")

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
