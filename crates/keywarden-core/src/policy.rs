//! The vault's key-management policy: which algorithms and strengths new keys may use,
//! how long each purpose's cryptoperiod is, how long a destruction waits.
//!
//! Defaults come from NIST SP 800-57 Part 1 Rev 5 (Table 1 cryptoperiods, Table 4
//! strength time frames) and SP 800-131A Rev 2, as collected in
//! `../shared/reference/nist-policy-defaults.toml`; `docs/policy.md` gives each source.

use std::collections::BTreeMap;
use std::fmt;

use jiff::civil::date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use crate::algorithm::{Algorithm, Purpose};
use crate::clock::Timestamp;
use crate::error::RecordError;

/// The first instant at which 112-bit security no longer protects new data (SP 800-57
/// Part 1 Rev 5, Table 4: "2031 and beyond").
pub fn cutover_112() -> Timestamp {
    // A fixed, valid calendar date; the conversion cannot fail.
    date(2031, 1, 1)
        .to_zoned(TimeZone::UTC)
        .map(|z| z.timestamp())
        .unwrap_or(Timestamp::MAX)
}

/// The end of 2035, after which NIST IR 8547 (draft) disallows today's public-key
/// algorithms: keys whose cryptoperiod runs past it are warned about.
pub fn quantum_deadline() -> Timestamp {
    date(2036, 1, 1)
        .to_zoned(TimeZone::UTC)
        .map(|z| z.timestamp())
        .unwrap_or(Timestamp::MAX)
}

/// Security strengths a policy may ask for (SP 800-57 Part 1 Rev 5, Table 2).
pub const STRENGTHS: [u32; 4] = [112, 128, 192, 256];
/// Longest cryptoperiod a policy may set, in days (ten years).
pub const MAX_CRYPTOPERIOD_DAYS: u32 = 3650;
/// Longest destruction waiting period a policy may set, in days.
pub const MAX_DESTRUCTION_WAIT_DAYS: u32 = 365;
/// The default "due soon" thresholds, in days before a due date.
pub const DEFAULT_REMINDER_DAYS: [u32; 4] = [30, 14, 7, 1];
/// The most reminder thresholds a policy may set.
pub const MAX_REMINDERS: usize = 8;
/// The farthest a reminder may come before its due date, in days (one year).
pub const MAX_REMINDER_DAYS: u32 = 365;
/// The default longest snooze, in days past the due date.
pub const DEFAULT_MAX_SNOOZE_DAYS: u32 = 30;
/// The longest snooze a policy may allow, in days past the due date.
pub const MAX_SNOOZE_DAYS: u32 = 180;
/// The default time between drills of a recovery kit, in days (once a year).
pub const DEFAULT_DRILL_DAYS: u32 = 365;
/// The shortest time between drills a policy may set, in days.
pub const MIN_DRILL_DAYS: u32 = 7;
/// The longest time between drills a policy may set, in days (five years).
pub const MAX_DRILL_DAYS: u32 = 1826;

/// The policy stored in a vault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// The least security strength, in bits, a new key may have. 112 is accepted only
    /// through 2030, whatever this says.
    pub min_strength_bits: u32,
    /// The algorithms new keys may use.
    pub allowed_algorithms: Vec<Algorithm>,
    /// The cryptoperiod of each purpose, in days: how long after activation (or the
    /// last rotation) a key is due for rotation.
    pub cryptoperiod_days: BTreeMap<Purpose, u32>,
    /// Days between scheduling a destruction and carrying it out.
    pub destruction_wait_days: u32,
    /// The "due soon" thresholds, in days before a due date, largest first, distinct.
    pub reminder_days: Vec<u32>,
    /// How far past its due date a reminder may be snoozed, in days (0: never).
    pub max_snooze_days: u32,
    /// How often a current recovery kit is due for a drill, in days after it was made
    /// or last drilled successfully.
    pub drill_days: u32,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            // vault_min_apply_bits_new_keys: new keys will outlive 2030.
            min_strength_bits: 128,
            allowed_algorithms: Algorithm::ALL.to_vec(),
            cryptoperiod_days: Purpose::ALL
                .into_iter()
                .map(|p| (p, default_cryptoperiod_days(p)))
                .collect(),
            destruction_wait_days: 7,
            reminder_days: DEFAULT_REMINDER_DAYS.to_vec(),
            max_snooze_days: DEFAULT_MAX_SNOOZE_DAYS,
            drill_days: DEFAULT_DRILL_DAYS,
        }
    }
}

/// The default cryptoperiod of a purpose, in days (SP 800-57 Part 1 Rev 5, Table 1;
/// the originator-usage period where the table gives one).
pub fn default_cryptoperiod_days(purpose: Purpose) -> u32 {
    match purpose {
        // Private signature key: "1 to 3 years".
        Purpose::Signature => 1095,
        // Symmetric master / key-derivation key: "about 1 year".
        Purpose::KeyDerivation => 365,
        // Not a NIST key type: a vault choice, reviewed yearly.
        Purpose::Secret => 365,
        // Data encryption, key wrapping and symmetric authentication: OUP "<= 2 years";
        // private authentication, key transport and static key agreement: "1 to 2 years".
        Purpose::DataEncryption
        | Purpose::KeyWrapping
        | Purpose::Authentication
        | Purpose::KeyAgreement
        | Purpose::KeyTransport => 730,
    }
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Severity {
    /// The key breaks the policy: a new key like it is refused, an existing one flagged.
    Violation,
    /// Allowed for now, with a date or a reason to plan for.
    Warning,
}

/// One thing the policy says about a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Violation or warning.
    pub severity: Severity,
    /// A stable code: `algorithm-not-allowed`, `strength-below-minimum`,
    /// `strength-112-until-2030`, `purpose-mismatch`, `rotation-overdue`,
    /// `quantum-deadline`.
    pub code: &'static str,
    /// A sentence for people.
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl Policy {
    /// The cryptoperiod of `purpose`, in days.
    pub fn cryptoperiod(&self, purpose: Purpose) -> u32 {
        self.cryptoperiod_days
            .get(&purpose)
            .copied()
            .unwrap_or_else(|| default_cryptoperiod_days(purpose))
    }

    /// What the policy says about a key of this algorithm and purpose at `now`, before
    /// its dates are known: the checks a new key must pass.
    pub fn assess_algorithm(
        &self,
        algorithm: Algorithm,
        purpose: Purpose,
        now: Timestamp,
    ) -> Vec<Finding> {
        let mut findings = Vec::new();
        if !self.allowed_algorithms.contains(&algorithm) {
            findings.push(Finding {
                severity: Severity::Violation,
                code: "algorithm-not-allowed",
                message: format!("{} is not among the policy's algorithms", algorithm.label()),
            });
        }
        let strength = algorithm.security_strength();
        if strength == 112 && now >= cutover_112() {
            findings.push(Finding {
                severity: Severity::Violation,
                code: "strength-below-minimum",
                message: format!(
                    "{} gives 112-bit security, which NIST allows only through 2030",
                    algorithm.label()
                ),
            });
        } else if strength < self.min_strength_bits {
            findings.push(Finding {
                severity: Severity::Violation,
                code: "strength-below-minimum",
                message: format!(
                    "{} gives {strength}-bit security; the policy asks for at least {}",
                    algorithm.label(),
                    self.min_strength_bits
                ),
            });
        } else if strength == 112 {
            findings.push(Finding {
                severity: Severity::Warning,
                code: "strength-112-until-2030",
                message: format!(
                    "{} may be used only until the end of 2030 (112-bit security)",
                    algorithm.label()
                ),
            });
        }
        if !algorithm.purposes().contains(&purpose) {
            findings.push(Finding {
                severity: Severity::Violation,
                code: "purpose-mismatch",
                message: format!(
                    "{} keys cannot serve {}; they serve {}",
                    algorithm.label(),
                    purpose.label().to_lowercase(),
                    algorithm
                        .purposes()
                        .iter()
                        .map(|p| p.label().to_lowercase())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
        findings
    }

    /// The warning for a public-key algorithm whose cryptoperiod would run past the
    /// post-quantum deadline, if it would.
    pub fn quantum_finding(algorithm: Algorithm, due: Timestamp) -> Option<Finding> {
        (algorithm.quantum_vulnerable() && due >= quantum_deadline()).then(|| Finding {
            severity: Severity::Warning,
            code: "quantum-deadline",
            message: format!(
                "{} is expected to be disallowed after 2035 (NIST IR 8547 draft); plan a post-quantum replacement",
                algorithm.label()
            ),
        })
    }

    /// Changes one setting by name, as the CLI's `policy set NAME VALUE` and the app's
    /// policy page do. Names: `min-strength`, `allowed-algorithms` (comma-separated ids
    /// or `all`), `destruction-wait-days`, `reminder-days` (comma-separated days before
    /// a due date), `max-snooze-days`, `cryptoperiod.<purpose>` (days).
    ///
    /// # Errors
    /// [`RecordError::Invalid`] for an unknown name or a value out of range; the policy
    /// is unchanged.
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), RecordError> {
        let mut next = self.clone();
        let value = value.trim();
        let days = |field: &'static str, max: u32, min: u32| -> Result<u32, RecordError> {
            value
                .parse::<u32>()
                .ok()
                .filter(|d| (min..=max).contains(d))
                .ok_or_else(|| RecordError::Invalid {
                    field,
                    reason: format!("a whole number of days from {min} to {max}"),
                })
        };
        match name.trim() {
            "min-strength" => {
                let bits = value
                    .parse::<u32>()
                    .ok()
                    .filter(|b| STRENGTHS.contains(b))
                    .ok_or_else(|| RecordError::Invalid {
                        field: "min-strength",
                        reason: "one of 112, 128, 192 or 256 bits".to_owned(),
                    })?;
                next.min_strength_bits = bits;
            }
            "allowed-algorithms" => {
                next.allowed_algorithms = if value.eq_ignore_ascii_case("all") {
                    Algorithm::ALL.to_vec()
                } else {
                    let mut list = Vec::new();
                    for id in value.split(',').filter(|s| !s.trim().is_empty()) {
                        let a: Algorithm = id.parse()?;
                        if !list.contains(&a) {
                            list.push(a);
                        }
                    }
                    if list.is_empty() {
                        return Err(RecordError::Invalid {
                            field: "allowed-algorithms",
                            reason: "name at least one algorithm, or \"all\"".to_owned(),
                        });
                    }
                    list
                };
            }
            "destruction-wait-days" => {
                next.destruction_wait_days =
                    days("destruction-wait-days", MAX_DESTRUCTION_WAIT_DAYS, 0)?;
            }
            "reminder-days" => next.reminder_days = reminder_days(value)?,
            "max-snooze-days" => {
                next.max_snooze_days = days("max-snooze-days", MAX_SNOOZE_DAYS, 0)?;
            }
            "drill-days" => {
                next.drill_days = days("drill-days", MAX_DRILL_DAYS, MIN_DRILL_DAYS)?;
            }
            other => {
                let purpose = other
                    .strip_prefix("cryptoperiod.")
                    .ok_or_else(|| RecordError::Invalid {
                        field: "policy setting",
                        reason: format!(
                            "unknown setting \"{}\"; known: min-strength, allowed-algorithms, destruction-wait-days, reminder-days, max-snooze-days, drill-days, cryptoperiod.<purpose>",
                            other.chars().take(64).collect::<String>()
                        ),
                    })?
                    .parse::<Purpose>()?;
                next.cryptoperiod_days
                    .insert(purpose, days("cryptoperiod", MAX_CRYPTOPERIOD_DAYS, 1)?);
            }
        }
        *self = next;
        Ok(())
    }

    /// Checks every setting against the ranges [`Policy::set`] enforces.
    ///
    /// # Errors
    /// [`RecordError::Invalid`] naming the first setting out of range.
    pub fn validate(&self) -> Result<(), RecordError> {
        let mut check = Policy::default();
        for (name, value) in self.entries() {
            check.set(&name, &value)?;
        }
        Ok(())
    }

    /// Every setting as `(name, value)` text, in the form [`Policy::set`] accepts.
    pub fn entries(&self) -> Vec<(String, String)> {
        let mut out = vec![
            (
                "min-strength".to_owned(),
                self.min_strength_bits.to_string(),
            ),
            (
                "allowed-algorithms".to_owned(),
                if self.allowed_algorithms.len() == Algorithm::ALL.len() {
                    "all".to_owned()
                } else {
                    self.allowed_algorithms
                        .iter()
                        .map(|a| a.id())
                        .collect::<Vec<_>>()
                        .join(",")
                },
            ),
            (
                "destruction-wait-days".to_owned(),
                self.destruction_wait_days.to_string(),
            ),
            (
                "reminder-days".to_owned(),
                self.reminder_days
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            (
                "max-snooze-days".to_owned(),
                self.max_snooze_days.to_string(),
            ),
            ("drill-days".to_owned(), self.drill_days.to_string()),
        ];
        for p in Purpose::ALL {
            out.push((
                format!("cryptoperiod.{}", p.id()),
                self.cryptoperiod(p).to_string(),
            ));
        }
        out
    }
}

/// Parses `reminder-days`: up to [`MAX_REMINDERS`] distinct whole days from 1 to
/// [`MAX_REMINDER_DAYS`], in any order; returned largest first.
fn reminder_days(value: &str) -> Result<Vec<u32>, RecordError> {
    let invalid = || RecordError::Invalid {
        field: "reminder-days",
        reason: format!(
            "one to {MAX_REMINDERS} whole numbers of days from 1 to {MAX_REMINDER_DAYS}, separated by commas"
        ),
    };
    let mut out = Vec::new();
    for part in value.split(',') {
        let day = part
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|d| (1..=MAX_REMINDER_DAYS).contains(d))
            .ok_or_else(invalid)?;
        if !out.contains(&day) {
            out.push(day);
        }
    }
    if out.len() > MAX_REMINDERS {
        return Err(invalid());
    }
    out.sort_unstable_by(|a, b| b.cmp(a));
    Ok(out)
}

/// The sealed plaintext of the `policy` setting row: a CBOR map with these text keys.
/// Unknown algorithm or purpose ids (from a newer version) are skipped on reading;
/// the reminder and drill fields, added later, take their defaults when absent.
#[derive(Serialize, Deserialize)]
pub(crate) struct PolicyV1 {
    pub min_strength_bits: u32,
    pub allowed_algorithms: Vec<String>,
    pub cryptoperiod_days: BTreeMap<String, u32>,
    pub destruction_wait_days: u32,
    #[serde(default = "default_reminder_days")]
    pub reminder_days: Vec<u32>,
    #[serde(default = "default_max_snooze_days")]
    pub max_snooze_days: u32,
    #[serde(default = "default_drill_days")]
    pub drill_days: u32,
}

fn default_reminder_days() -> Vec<u32> {
    DEFAULT_REMINDER_DAYS.to_vec()
}

fn default_max_snooze_days() -> u32 {
    DEFAULT_MAX_SNOOZE_DAYS
}

fn default_drill_days() -> u32 {
    DEFAULT_DRILL_DAYS
}

impl From<&Policy> for PolicyV1 {
    fn from(p: &Policy) -> Self {
        PolicyV1 {
            min_strength_bits: p.min_strength_bits,
            allowed_algorithms: p
                .allowed_algorithms
                .iter()
                .map(|a| a.id().to_owned())
                .collect(),
            cryptoperiod_days: p
                .cryptoperiod_days
                .iter()
                .map(|(k, v)| (k.id().to_owned(), *v))
                .collect(),
            destruction_wait_days: p.destruction_wait_days,
            reminder_days: p.reminder_days.clone(),
            max_snooze_days: p.max_snooze_days,
            drill_days: p.drill_days,
        }
    }
}

impl From<PolicyV1> for Policy {
    fn from(p: PolicyV1) -> Self {
        let mut policy = Policy {
            min_strength_bits: p.min_strength_bits,
            allowed_algorithms: p
                .allowed_algorithms
                .iter()
                .filter_map(|a| a.parse().ok())
                .collect(),
            destruction_wait_days: p.destruction_wait_days,
            reminder_days: p.reminder_days,
            max_snooze_days: p.max_snooze_days,
            drill_days: p.drill_days,
            ..Policy::default()
        };
        for (k, v) in p.cryptoperiod_days {
            if let Ok(purpose) = k.parse::<Purpose>() {
                policy.cryptoperiod_days.insert(purpose, v);
            }
        }
        policy
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i16, m: i8, d: i8) -> Timestamp {
        date(y, m, d).to_zoned(TimeZone::UTC).unwrap().timestamp()
    }

    fn codes(f: &[Finding]) -> Vec<&'static str> {
        f.iter().map(|f| f.code).collect()
    }

    #[test]
    fn defaults_follow_the_reference_data() {
        let p = Policy::default();
        assert_eq!(p.min_strength_bits, 128);
        assert_eq!(p.destruction_wait_days, 7);
        assert_eq!(p.cryptoperiod(Purpose::Signature), 1095);
        assert_eq!(p.cryptoperiod(Purpose::DataEncryption), 730);
        assert_eq!(p.cryptoperiod(Purpose::KeyDerivation), 365);
        let now = at(2026, 11, 28);
        for a in Algorithm::ALL {
            let f = p.assess_algorithm(a, a.purposes()[0], now);
            if a == Algorithm::Rsa2048 {
                assert_eq!(codes(&f), ["strength-below-minimum"]);
            } else {
                assert!(f.is_empty(), "{a}: {f:?}");
            }
        }
    }

    #[test]
    fn rsa_2048_is_allowed_only_through_2030_when_the_policy_accepts_112_bits() {
        let mut p = Policy::default();
        p.set("min-strength", "112").unwrap();
        let before = p.assess_algorithm(Algorithm::Rsa2048, Purpose::Signature, at(2030, 12, 31));
        assert_eq!(codes(&before), ["strength-112-until-2030"]);
        assert!(before[0].message.contains("until the end of 2030"));
        let after = p.assess_algorithm(Algorithm::Rsa2048, Purpose::Signature, at(2031, 1, 1));
        assert_eq!(codes(&after), ["strength-below-minimum"]);
    }

    #[test]
    fn purposes_and_allowed_algorithms_are_enforced() {
        let mut p = Policy::default();
        let now = at(2026, 11, 28);
        assert_eq!(
            codes(&p.assess_algorithm(Algorithm::Aes256, Purpose::Signature, now)),
            ["purpose-mismatch"]
        );
        p.set("allowed-algorithms", "ed25519, aes-256").unwrap();
        assert_eq!(
            codes(&p.assess_algorithm(Algorithm::Aes128, Purpose::DataEncryption, now)),
            ["algorithm-not-allowed"]
        );
        p.set("allowed-algorithms", "ALL").unwrap();
        assert_eq!(p.allowed_algorithms.len(), Algorithm::ALL.len());
    }

    #[test]
    fn bad_settings_are_refused_and_change_nothing() {
        let mut p = Policy::default();
        let before = p.clone();
        for (name, value) in [
            ("min-strength", "100"),
            ("min-strength", "x"),
            ("allowed-algorithms", ""),
            ("allowed-algorithms", "aes-256,des"),
            ("destruction-wait-days", "-1"),
            ("destruction-wait-days", "366"),
            ("cryptoperiod.signature", "0"),
            ("cryptoperiod.signature", "3651"),
            ("cryptoperiod.encryption", "30"),
            ("reminder-days", ""),
            ("reminder-days", "30,0"),
            ("reminder-days", "366"),
            ("reminder-days", "1,2,3,4,5,6,7,8,9"),
            ("max-snooze-days", "181"),
            ("drill-days", "6"),
            ("drill-days", "1827"),
            ("drill-days", "yearly"),
            ("frobnicate", "1"),
        ] {
            assert!(p.set(name, value).is_err(), "{name}={value}");
            assert_eq!(p, before);
        }
        p.set("cryptoperiod.signature", "30").unwrap();
        assert_eq!(p.cryptoperiod(Purpose::Signature), 30);
        p.set("reminder-days", " 7, 60,1,7 ").unwrap();
        assert_eq!(p.reminder_days, [60, 7, 1]);
        p.set("max-snooze-days", "0").unwrap();
        assert_eq!(p.max_snooze_days, 0);
        p.set("drill-days", "90").unwrap();
        assert_eq!(p.drill_days, 90);
    }

    #[test]
    fn a_policy_stored_before_reminder_settings_reads_with_their_defaults() {
        #[derive(Serialize)]
        struct Older {
            min_strength_bits: u32,
            allowed_algorithms: Vec<String>,
            cryptoperiod_days: BTreeMap<String, u32>,
            destruction_wait_days: u32,
        }
        let older = Older {
            min_strength_bits: 192,
            allowed_algorithms: vec!["aes-256".to_owned()],
            cryptoperiod_days: BTreeMap::new(),
            destruction_wait_days: 3,
        };
        let cbor = crate::vault::encode_cbor(&older).unwrap();
        let read: PolicyV1 = crate::vault::decode_cbor(&cbor).unwrap();
        let policy = Policy::from(read);
        assert_eq!(policy.reminder_days, DEFAULT_REMINDER_DAYS);
        assert_eq!(policy.max_snooze_days, DEFAULT_MAX_SNOOZE_DAYS);
        assert_eq!(policy.drill_days, DEFAULT_DRILL_DAYS);
        assert_eq!(policy.destruction_wait_days, 3);
    }

    #[test]
    fn the_stored_form_round_trips_and_ignores_unknown_ids() {
        let mut p = Policy::default();
        p.set("allowed-algorithms", "ed25519,aes-256").unwrap();
        p.set("cryptoperiod.secret", "90").unwrap();
        let mut stored = PolicyV1::from(&p);
        assert_eq!(Policy::from(PolicyV1::from(&p)), p);
        stored.allowed_algorithms.push("ml-dsa-65".to_owned());
        stored.cryptoperiod_days.insert("quantum".to_owned(), 1);
        assert_eq!(Policy::from(stored), p);
        for (name, value) in p.entries() {
            let mut q = Policy::default();
            q.set(&name, &value).unwrap();
        }
    }

    #[test]
    fn public_key_cryptoperiods_past_2035_are_warned_about() {
        assert!(Policy::quantum_finding(Algorithm::Ed25519, at(2036, 1, 1)).is_some());
        assert!(Policy::quantum_finding(Algorithm::Ed25519, at(2035, 12, 31)).is_none());
        assert!(Policy::quantum_finding(Algorithm::Aes256, at(2040, 1, 1)).is_none());
    }
}
