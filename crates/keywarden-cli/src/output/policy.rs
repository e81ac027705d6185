//! The policy in the output: `policy show` and `policy set`.

use serde::Serialize;

use super::{cell, table};

/// The setting `policy set` changed (or found already at the value asked for).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyChange {
    /// The setting's name.
    pub name: String,
    /// Its value before.
    pub previous: String,
    /// Its value now.
    pub value: String,
}

/// What each setting means, for `policy show`.
const EXPLANATIONS: [(&str, &str); 7] = [
    (
        "min-strength",
        "the least security strength of a new key, in bits: 112, 128, 192 or 256 \
         (112 is refused from 2031 whatever it says)",
    ),
    (
        "allowed-algorithms",
        "the algorithms new keys may use: ids separated by commas, or all",
    ),
    (
        "destruction-wait-days",
        "days between scheduling a destruction and erasing the key (0 to 365); \
         key destroy --after may wait longer, never less",
    ),
    (
        "reminder-days",
        "how many days before a due date reminders start and grow more urgent: up to \
         8 numbers from 1 to 365, separated by commas",
    ),
    (
        "max-snooze-days",
        "how far past its due date a reminder may be snoozed, in days (0 to 180; 0: \
         never)",
    ),
    (
        "drill-days",
        "how often a current recovery kit is due for a drill (kit verify), in days \
         after it was made or last passed one (7 to 1826)",
    ),
    (
        "cryptoperiod.PURPOSE",
        "days from activation or the last rotation until a key of that purpose is due \
         for rotation (1 to 3650); key gen --rotation-days overrides it per key",
    ),
];

#[derive(Serialize)]
struct SettingJson<'a> {
    name: &'a str,
    value: &'a str,
}

#[derive(Serialize)]
struct ChangeJson<'a> {
    name: &'a str,
    previous: &'a str,
    value: &'a str,
    changed: bool,
}

/// `policy show` and `policy set` in JSON.
#[derive(Serialize)]
pub(super) struct PolicyJson<'a> {
    policy: Vec<SettingJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    change: Option<ChangeJson<'a>>,
}

pub(super) fn to_json<'a>(
    entries: &'a [(String, String)],
    change: Option<&'a PolicyChange>,
) -> PolicyJson<'a> {
    PolicyJson {
        policy: entries
            .iter()
            .map(|(name, value)| SettingJson { name, value })
            .collect(),
        change: change.map(|c| ChangeJson {
            name: &c.name,
            previous: &c.previous,
            value: &c.value,
            changed: c.previous != c.value,
        }),
    }
}

pub(super) fn to_text(entries: &[(String, String)], change: Option<&PolicyChange>) -> String {
    let mut out = match change {
        Some(c) if c.previous == c.value => format!(
            "{} is already {}; nothing changed.\n\n",
            cell(&c.name),
            cell(&c.value)
        ),
        Some(c) => format!(
            "Changed {} from {} to {}.\n\n",
            cell(&c.name),
            cell(&c.previous),
            cell(&c.value)
        ),
        None => String::new(),
    };
    let rows: Vec<[String; 2]> = entries
        .iter()
        .map(|(name, value)| [cell(name), cell(value)])
        .collect();
    out.push_str(&table("", ["SETTING", "VALUE"], &rows));
    if change.is_none() {
        out.push('\n');
        for (name, meaning) in EXPLANATIONS {
            out.push_str(&format!("{name}: {meaning}.\n"));
        }
        out.push_str("Change a setting with: keywarden policy set NAME VALUE --reason TEXT\n");
    }
    out
}
