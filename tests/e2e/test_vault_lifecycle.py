"""The acceptance flow of a vault's life: create, lock, unlock, generate a key, restart."""

from conftest import SLOW

PASSPHRASE = "correct horse battery staple 42"
WRONG = "incorrect horse battery staple 42"
KEY_NAME = "Backup encryption key"


def test_vault_lifecycle(app):
    # First start, no vault yet: the welcome screen.
    app.start()
    app.wait_screen("welcome", SLOW)
    assert not app.vault.exists()

    # Create the default vault.
    app.click("welcome-create")
    app.type("create-passphrase", PASSPHRASE)
    app.type("create-passphrase-confirm", PASSPHRASE)
    app.click("create-submit")
    app.open_keys()
    assert app.vault.is_file(), f"no vault at the default path {app.vault}"

    # Lock, then a wrong passphrase is refused with a message that says so.
    app.click("lock-button")
    app.wait_screen("unlock")
    app.type("unlock-passphrase", WRONG)
    app.click("unlock-submit")
    error = app.visible("unlock-error", SLOW)
    assert "passphrase" in error.text.lower(), f"unlock-error says {error.text!r}"
    assert app.d.find_elements("css selector", '[data-screen="home"]') == []

    # The right one opens it.
    app.type("unlock-passphrase", PASSPHRASE)
    app.click("unlock-submit")
    app.open_keys()

    # Generate a key.
    app.generate_key(KEY_NAME)

    # Quit and start again: the app opens the default vault, locked.
    app.restart()
    app.wait_screen("unlock", SLOW)
    app.type("unlock-passphrase", PASSPHRASE)
    app.click("unlock-submit")
    app.open_keys()
    row = app.key_row(KEY_NAME)
    assert row.get_attribute("data-key-name") == KEY_NAME
