"""A key's life in the real app: generate, rotate, suspend, reactivate, compromise,
schedule its destruction, and find each step in the audit log."""

from selenium.webdriver.common.by import By

from conftest import SLOW

PASSPHRASE = "correct horse battery staple 42"
KEY = "Payroll export key"


def test_a_key_through_its_lifecycle(app):
    app.start()
    app.wait_screen("welcome", SLOW)
    app.click("welcome-create")
    app.type("create-passphrase", PASSPHRASE)
    app.type("create-passphrase-confirm", PASSPHRASE)
    app.click("create-submit")
    app.open_keys()

    app.generate_key(KEY)
    app.key_row(KEY).click()
    app.visible('[data-testid="key-state"][data-state="active"]', SLOW)

    # Rotate: version 2 shows as current, version 1 as retired.
    app.confirm_with_reason("key-rotate", "Quarterly rotation")
    newest = app.visible('[data-testid="key-version"][data-version="2"]', SLOW)
    assert "Current" in newest.text, newest.text
    old = app.visible('[data-testid="key-version"][data-version="1"]')
    assert "Retired" in old.text, old.text

    # Suspend, then reactivate.
    app.confirm_with_reason("key-action-suspended", "Investigating an alert")
    app.visible('[data-testid="key-state"][data-state="suspended"]', SLOW)
    assert app.d.find_elements(By.CSS_SELECTOR, app.tid("key-rotate")) == []
    reactivate = app.visible("key-action-active")
    assert reactivate.text.strip() == "Reactivate", reactivate.text
    app.confirm_with_reason("key-action-active", "False alarm")
    app.visible('[data-testid="key-state"][data-state="active"]', SLOW)

    # Mark compromised: the follow-up list shows, and no way back.
    app.confirm_with_reason("key-action-compromised", "Laptop with an export was stolen")
    app.visible('[data-testid="key-state"][data-state="compromised"]', SLOW)
    follow_up = app.visible("key-follow-up")
    assert len(follow_up.find_elements(By.CSS_SELECTOR, "li")) == 3, follow_up.text
    assert app.d.find_elements(By.CSS_SELECTOR, app.tid("key-action-active")) == []

    # Schedule the destruction: shown on the key and in the list.
    app.confirm_with_reason("key-schedule-destruction", "Replaced after the theft")
    banner = app.visible("key-destruction", SLOW)
    assert "Scheduled for destruction" in banner.text, banner.text
    app.visible("key-cancel-destruction")
    row = app.key_row(KEY)
    assert row.get_attribute("data-state") == "compromised"
    assert "Destroy" in row.text, row.text

    # The timeline has every step, newest first.
    steps = app.d.find_elements(By.CSS_SELECTOR, app.tid("timeline-step"))
    assert [s.get_attribute("data-to") for s in steps] == [
        "compromised",
        "active",
        "suspended",
        "active",
        "pre-activation",
    ]

    # The audit log lists the actions, newest first.
    app.click("nav-audit")
    app.wait_screen("audit")
    app.visible("audit-entry", SLOW)
    actions = [
        e.get_attribute("data-action")
        for e in app.d.find_elements(By.CSS_SELECTOR, app.tid("audit-entry"))
    ]
    assert actions[0] == "destruction-scheduled", actions
    for action in ("state-changed", "key-rotated", "key-generated", "vault-created"):
        assert action in actions, (action, actions)
    assert actions.count("state-changed") >= 3, actions
    text = app.visible("audit-list").text
    for reason in ("Quarterly rotation", "Investigating an alert", "False alarm", "Laptop with an export was stolen"):
        assert reason in text, reason

    app.choose("audit-action", "key-rotated")
    app.wait(
        lambda d: all(
            e.get_attribute("data-action") == "key-rotated"
            for e in d.find_elements(By.CSS_SELECTOR, app.tid("audit-entry"))
        ),
        SLOW,
        "only rotations listed",
    )
    app.click("audit-verify")
    result = app.visible("audit-verify-result", SLOW)
    assert "intact" in result.text, result.text
