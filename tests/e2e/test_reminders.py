"""Rotation reminders in the real app: a key due soon shows on the dashboard with its
Rotate action, is snoozed with a reason (found in the audit log), the due dates are
exported as a calendar, the review report is written as HTML and as PDF (and replaced
only when asked), and starting at login writes the XDG autostart entry."""

import subprocess

from selenium.webdriver.common.by import By

from conftest import SLOW

PASSPHRASE = "correct horse battery staple 42"
KEY = "Payroll signing key"
REASON = "Waiting for the new HSM to arrive"


def test_a_key_due_soon_is_rotated_or_snoozed_from_the_dashboard(app):
    app.start()
    app.wait_screen("welcome", SLOW)
    app.click("welcome-create")
    app.type("create-passphrase", PASSPHRASE)
    app.type("create-passphrase-confirm", PASSPHRASE)
    app.click("create-submit")

    # A new vault: the dashboard shows first, with nothing due.
    app.wait_screen("dashboard", SLOW)
    app.visible("due-empty")
    app.click("nav-keys")
    app.wait_screen("home")

    # A key that must be rotated every 5 days is due soon from the start.
    app.click("generate-open")
    app.click("wizard-purpose-data-encryption")
    app.click("wizard-next")
    app.click("wizard-algorithm-aes-256", SLOW)
    app.click("wizard-next")
    app.type("generate-name", KEY)
    app.type("generate-rotation", "5")
    app.click("wizard-next")
    app.click("generate-submit")
    row = app.key_row(KEY, SLOW)
    fingerprint = row.find_element(By.CSS_SELECTOR, app.tid("key-row-fingerprint"))
    # An AES key's fingerprint is its 16-digit key check value, shown whole.
    check_value = fingerprint.text.strip()
    assert len(check_value) == 16 and fingerprint.get_attribute("title") == check_value

    app.click("nav-dashboard")
    app.wait_screen("dashboard")
    item = app.visible(f'[data-testid="due-item"][data-name="{KEY}"]', SLOW)
    assert item.get_attribute("data-kind") == "rotation"
    assert item.get_attribute("data-urgency") == "soon"
    assert "In 5 days" in item.text, item.text
    # The key is named with its fingerprint here too.
    assert item.find_element(By.CSS_SELECTOR, app.tid("fingerprint")).text.strip() == check_value
    action = item.find_element(By.CSS_SELECTOR, app.tid("due-action"))
    assert action.text.strip() == "Rotate", action.text
    assert app.visible("count-soon").text.startswith("1"), app.visible("count-soon").text
    app.screenshot("reminders-01-dashboard-due")

    # Rotate opens the key with its rotate dialog; cancel it.
    action.click()
    app.wait_screen("home")
    app.visible("rotate-choices", SLOW)
    assert KEY in app.visible("reason-dialog").text
    app.click("reason-cancel")
    app.gone("reason-dialog")

    # Snooze it, with a reason.
    app.click("nav-dashboard")
    app.wait_screen("dashboard")
    app.visible(f'[data-testid="due-item"][data-name="{KEY}"]', SLOW)
    app.click("due-snooze-open")
    until = app.visible("snooze-until")
    assert until.get_attribute("value"), "the snooze dialog suggests a day"
    app.type("reason-input", REASON)
    app.screenshot("reminders-02-snooze-dialog")
    app.click("reason-confirm")
    app.gone("reason-dialog", SLOW)
    snoozed = app.visible("due-snooze", SLOW)
    assert REASON in snoozed.text and "Snoozed until" in snoozed.text, snoozed.text
    assert app.visible("count-snoozed").text.startswith("1")
    assert app.visible("count-soon").text.startswith("0")
    app.visible("due-unsnooze")
    app.screenshot("reminders-03-dashboard-snoozed")

    # The audit log has the snooze with its reason.
    app.click("nav-audit")
    app.wait_screen("audit")
    app.visible('[data-testid="audit-entry"][data-action="reminder-snoozed"]', SLOW)
    assert REASON in app.visible("audit-list").text
    snooze_entry = app.visible('[data-testid="audit-entry"][data-action="reminder-snoozed"]')
    assert snooze_entry.find_element(By.CSS_SELECTOR, app.tid("audit-entry-fingerprint")).text.strip() == check_value

    # The due dates as a calendar, key ids only by default.
    app.click("nav-dashboard")
    app.wait_screen("dashboard")
    app.click("calendar-open")
    calendar = app.home / "due.ics"
    app.type("calendar-path", str(calendar))
    app.click("calendar-submit")
    saved = app.visible("calendar-saved", SLOW)
    assert "1 event" in saved.text, saved.text
    text = calendar.read_text()
    assert text.startswith("BEGIN:VCALENDAR"), text[:80]
    assert "Rotate key " in text and KEY not in text, text
    assert calendar.stat().st_mode & 0o777 == 0o600
    app.click("calendar-done")
    app.gone("calendar-dialog")

    # The review report, written where the person types, names the key and is audited:
    # as HTML when chosen, as a PDF by default.
    app.click("report-open")
    report = app.home / "review.html"
    app.click("report-format-html")
    app.type("report-path", str(report))
    app.click("report-save")
    written = app.visible("report-written", SLOW)
    assert str(report) in written.text, written.text
    html = report.read_text()
    assert html.startswith("<!DOCTYPE html>"), html[:80]
    assert KEY in html and "Escrow coverage" in html, html[:400]
    assert report.stat().st_mode & 0o777 == 0o600
    app.click("report-done")
    app.gone("report-dialog")
    app.click("report-open")
    printable = app.home / "review.pdf"
    app.click("report-paper-a4")
    app.type("report-path", str(printable))
    app.click("report-save")
    app.visible("report-written", SLOW)
    pdf = printable.read_bytes()
    assert pdf.startswith(b"%PDF-") and b"/MediaBox [0 0 595.28 841.89]" in pdf, pdf[:80]
    text = subprocess.run(["pdftotext", str(printable), "-"], capture_output=True,
                          check=True, text=True).stdout
    assert KEY in text and "Escrow coverage" in text, text[:400]
    app.click("report-done")
    # Again to the same file: the app asks before replacing it.
    app.click("report-open")
    app.type("report-path", str(printable))
    app.click("report-save")
    assert app.visible("confirm-ok").text.strip() == "Replace it"
    app.click("confirm-ok")
    app.visible("report-written", SLOW)
    app.click("report-done")

    # Starting at login writes the XDG autostart entry, which starts the app minimised.
    entry = app.home / ".config" / "autostart" / "Keywarden.desktop"
    assert not entry.exists()
    app.click("settings-open")
    app.wait_screen("settings")
    app.click("settings-autostart")
    app.visible("settings-autostart-saved", SLOW)
    assert entry.is_file(), f"no autostart entry at {entry}"
    desktop = entry.read_text()
    assert "--minimized" in desktop, desktop
    app.screenshot("reminders-04-settings-autostart")
    app.click("settings-autostart")
    app.wait(lambda d: not entry.exists(), SLOW, "the autostart entry to go")
