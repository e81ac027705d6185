"""`keywarden calendar` writes an iCalendar file (RFC 5545) that an independent parser,
the Python `icalendar` package, reads as Keywarden means it: one event per due date at the
right instant, a DISPLAY alarm at each of the policy's `reminder-days` thresholds, unique
UIDs, local times of the zone the CLI runs in with a VTIMEZONE that agrees with the IANA
database as Python's `zoneinfo` has it, names only when asked.

Run with the real CLI:
    cargo build -p keywarden-cli
    KEYWARDEN_BIN=target/debug/keywarden tests/.venv/bin/python -m pytest tests/interop -q
"""

import json
import os
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

ROOT = Path(__file__).resolve().parents[2]
KEYWARDEN = Path(os.environ.get("KEYWARDEN_BIN", ROOT / "target" / "debug" / "keywarden")).resolve()
PASSPHRASE = "interop calendars and reports, 2026"


class Vault:
    """A test vault (insecure test KDF) and the real `keywarden` binary over it."""

    def __init__(self, path: Path):
        self.path = path
        self.dir = path.parent
        self.raw("init", "--insecure-test-kdf")

    def raw(self, *args: str, code: int = 0, tz: str = "UTC") -> bytes:
        """Runs `keywarden --vault V ARGS` in the vault's directory with TZ=`tz`; returns
        standard output, after checking the exit code."""
        if not KEYWARDEN.exists():
            pytest.fail(f"no keywarden binary at {KEYWARDEN}: run cargo build -p keywarden-cli "
                        f"or set KEYWARDEN_BIN")
        env = {**os.environ, "KEYWARDEN_PASSPHRASE": PASSPHRASE, "TZ": tz}
        env.pop("KEYWARDEN_VAULT", None)
        done = subprocess.run(
            [str(KEYWARDEN), "--vault", str(self.path), *args],
            env=env, cwd=self.dir, capture_output=True, stdin=subprocess.DEVNULL, timeout=120,
        )
        assert done.returncode == code, (
            f"keywarden {' '.join(args)}: exit {done.returncode}: {done.stdout!r} {done.stderr!r}")
        return done.stdout

    def json(self, *args: str, code: int = 0, tz: str = "UTC") -> dict:
        return json.loads(self.raw("--json", *args, code=code, tz=tz))

    def gen(self, name: str, alg: str, *more: str) -> dict:
        return self.json("key", "gen", "--name", name, "--alg", alg, *more)["key"]

    def all_due(self, tz: str = "UTC") -> list[dict]:
        """Every due date, however far: `due` with a window beyond every cryptoperiod."""
        return self.json("due", "--within", "36500", code=1, tz=tz)["due"]


def instant(text: str) -> datetime:
    """An RFC 3339 UTC time as printed by `--json`."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.fixture()
def vault(tmp_path: Path) -> Vault:
    v = Vault(tmp_path / "v.keywarden")
    v.json("policy", "set", "reminder-days", "10,3", "--reason", "interop: custom thresholds")
    v.gen("daily", "aes-256", "--rotation-days", "1")
    v.gen("weekly, signer; with \\ odd \"characters\" ünïcödé", "ed25519", "--rotation-days", "7")
    v.gen("waiting", "aes-128", "--pre-activation")
    doomed = v.gen("doomed", "hmac-sha256")
    v.json("key", "destroy", doomed["id"], "--reason", "interop: retired")
    return v


def events(path: Path) -> list[icalendar.Event]:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    assert cal["VERSION"] == "2.0"
    assert str(cal["PRODID"]).startswith("-//Keywarden//")
    return list(cal.walk("VEVENT"))


def test_one_event_per_due_date_with_alarms_at_the_policy_thresholds(vault):
    due = vault.all_due()
    # daily, weekly and doomed rotate; doomed is also to be destroyed; waiting is not active.
    assert len(due) == 4
    out = vault.dir / "due.ics"
    written = vault.json("calendar", "--out", str(out))["calendar"]
    assert written == {"path": str(out), "mode": "0600", "events": 4, "naming": "names",
                       "reminder_days": [10, 3]}
    assert out.stat().st_mode & 0o777 == 0o600

    raw = out.read_bytes()
    lines = raw.split(b"\r\n")
    assert lines[-1] == b"", "the file ends with CRLF"
    assert all(len(line) <= 75 for line in lines), "lines are folded at 75 octets"
    assert b"\n" not in raw.replace(b"\r\n", b"")

    found = events(out)
    assert len(found) == len(due)
    uids = [str(e["UID"]) for e in found]
    assert len(set(uids)) == len(uids)
    by_uid = {f"{d['id']}-{d['kind']}@keywarden": d for d in due}
    assert set(uids) == set(by_uid)
    for event in found:
        item = by_uid[str(event["UID"])]
        start = event.decoded("DTSTART")
        assert start.tzinfo is not None and start.utcoffset() == timedelta(0)
        assert start == instant(item["due_at"])
        assert event.decoded("DURATION") == timedelta(minutes=30)
        assert item["name"] in str(event["SUMMARY"])
        assert item["id"] in str(event["DESCRIPTION"])
        alarms = list(event.walk("VALARM"))
        assert [a.decoded("TRIGGER") for a in alarms] == [timedelta(days=-10), timedelta(days=-3)]
        for alarm in alarms:
            assert str(alarm["ACTION"]) == "DISPLAY"
            assert str(alarm["DESCRIPTION"]).strip()
    destruction = [e for e in found if str(e["UID"]).endswith("-destruction@keywarden")]
    assert len(destruction) == 1 and "doomed" in str(destruction[0]["SUMMARY"])

    entries = vault.json("audit", "list", "--action", "calendar-exported")["entries"]
    assert [(e["outcome"], e["detail"]) for e in entries] == [
        ("success", f"4 events, titles name keys, to {out}")]


def test_events_are_local_times_of_the_zone_and_its_vtimezone_agrees_with_zoneinfo(vault):
    # Periods are counted in calendar days of the zone, so a period over a daylight-saving
    # change ends at another instant than in UTC: each zone's calendar is checked against
    # `due` in the same zone.
    for tz in ("Europe/Berlin", "Asia/Tokyo", "America/Los_Angeles"):
        out = vault.dir / f"{tz.replace('/', '-')}.ics"
        vault.json("calendar", "--out", str(out), tz=tz)
        cal = icalendar.Calendar.from_ical(out.read_bytes())
        zone = ZoneInfo(tz)
        due = {f"{d['id']}-{d['kind']}@keywarden": instant(d["due_at"])
               for d in vault.all_due(tz=tz)}
        found = list(cal.walk("VEVENT"))
        assert len(found) == len(due)
        for event in found:
            assert event["DTSTART"].params["TZID"] == tz
            start = event.decoded("DTSTART")
            assert start == due[str(event["UID"])]
            # The wall-clock time in the file is the instant's local time in the zone.
            wall = datetime.strptime(event["DTSTART"].to_ical().decode(), "%Y%m%dT%H%M%S")
            assert wall == start.astimezone(zone).replace(tzinfo=None)
        (vtimezone,) = cal.walk("VTIMEZONE")
        assert str(vtimezone["TZID"]) == tz
        observances = [c for c in vtimezone.subcomponents if c.name in ("STANDARD", "DAYLIGHT")]
        assert observances
        for o in observances:
            before, after = o.decoded("TZOFFSETFROM"), o.decoded("TZOFFSETTO")
            local = o["DTSTART"].dt.replace(tzinfo=None)
            onset = (local - before).replace(tzinfo=timezone.utc)
            # The transition is where zoneinfo says the offset changes from FROM to TO.
            assert onset.astimezone(zone).utcoffset() == after, (tz, o.to_ical())
            if before != after:
                just_before = onset - timedelta(seconds=1)
                assert just_before.astimezone(zone).utcoffset() == before, (tz, o.to_ical())
            assert (o.name == "DAYLIGHT") == bool(onset.astimezone(zone).dst())
            assert str(o["TZNAME"]) == onset.astimezone(zone).tzname()
        # The first observance is the one in effect when the calendar was made.
        assert observances[0]["DTSTART"].dt.replace(tzinfo=None) <= datetime.now()


def test_in_utc_the_calendar_has_utc_times_and_no_vtimezone(vault):
    out = vault.dir / "utc.ics"
    vault.json("calendar", "--out", str(out), tz="UTC")
    cal = icalendar.Calendar.from_ical(out.read_bytes())
    assert not list(cal.walk("VTIMEZONE"))
    found = list(cal.walk("VEVENT"))
    assert len(found) == 4
    assert all(e["DTSTART"].to_ical().endswith(b"Z") for e in found)


def test_ids_only_leaves_every_name_out(vault):
    out = vault.dir / "ids.ics"
    assert vault.json("calendar", "--out", str(out), "--ids-only")["calendar"]["naming"] == "ids-only"
    text = out.read_bytes().replace(b"\r\n ", b"").decode()
    keys = vault.json("key", "list")["keys"]
    for key in keys:
        assert key["name"] not in text
    for event in events(out):
        assert any(k["id"] in str(event["SUMMARY"]) for k in keys), event["SUMMARY"]


def test_an_existing_file_is_refused_unless_forced_and_a_bad_path_writes_nothing(vault):
    out = vault.dir / "due.ics"
    out.write_bytes(b"keep me")
    refused = vault.json("calendar", "--out", str(out), code=2)
    assert refused["error"]["code"] == "file_exists"
    assert out.read_bytes() == b"keep me"
    assert vault.json("calendar", "--out", str(out), "--force")["calendar"]["events"] == 4
    assert len(events(out)) == 4

    missing = vault.dir / "no such dir" / "due.ics"
    assert vault.json("calendar", "--out", str(missing), code=5)["error"]["code"] == "io"
    assert not missing.parent.exists()
    failed = vault.json("audit", "list", "--action", "calendar-exported", "--outcome", "failure")
    assert len(failed["entries"]) == 1
    assert vault.json("calendar", "--out", "-", code=2)["error"]["code"] == "usage"
    assert sorted(p.name for p in vault.dir.iterdir() if p.name.startswith(".keywarden")) == []


def test_an_empty_vault_gives_a_calendar_without_events(tmp_path):
    v = Vault(tmp_path / "empty.keywarden")
    out = tmp_path / "none.ics"
    assert v.json("calendar", "--out", str(out))["calendar"]["events"] == 0
    assert events(out) == []
