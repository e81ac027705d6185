//! Key states and their transitions, exactly as NIST SP 800-57 Part 1 Rev 5, section 7
//! (figure 3): six states, fifteen transitions, and nothing else.

use std::fmt;
use std::str::FromStr;

use crate::clock::Timestamp;
use crate::error::RecordError;

/// The state of a key (SP 800-57 Part 1 Rev 5, section 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyState {
    /// Generated but not yet to be used (section 7.1).
    PreActivation,
    /// In use: may apply and process protection (section 7.2).
    Active,
    /// Temporarily not to be used to apply protection (section 7.3).
    Suspended,
    /// No longer used to apply protection; may still process (section 7.4).
    Deactivated,
    /// Known or suspected to be in unauthorised hands (section 7.5).
    Compromised,
    /// The material is gone; only the record remains (section 7.6).
    Destroyed,
}

impl KeyState {
    /// Every state, in lifecycle order.
    pub const ALL: [KeyState; 6] = [
        KeyState::PreActivation,
        KeyState::Active,
        KeyState::Suspended,
        KeyState::Deactivated,
        KeyState::Compromised,
        KeyState::Destroyed,
    ];

    /// The stable identifier used in the file, the CLI and the app.
    pub fn id(self) -> &'static str {
        match self {
            KeyState::PreActivation => "pre-activation",
            KeyState::Active => "active",
            KeyState::Suspended => "suspended",
            KeyState::Deactivated => "deactivated",
            KeyState::Compromised => "compromised",
            KeyState::Destroyed => "destroyed",
        }
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            KeyState::PreActivation => "Pre-activation",
            KeyState::Active => "Active",
            KeyState::Suspended => "Suspended",
            KeyState::Deactivated => "Deactivated",
            KeyState::Compromised => "Compromised",
            KeyState::Destroyed => "Destroyed",
        }
    }

    /// Whether the key may be used to apply protection (encrypt, sign, MAC, wrap).
    pub fn may_apply(self) -> bool {
        self == KeyState::Active
    }

    /// The SP 800-57 transition number (figure 3) from `self` to `to`, if that
    /// transition exists. Transition 1 (generation into pre-activation) has no `from`.
    pub fn transition_number(self, to: KeyState) -> Option<u8> {
        use KeyState::*;
        Some(match (self, to) {
            (PreActivation, Destroyed) => 2,
            (PreActivation, Compromised) => 3,
            (PreActivation, Active) => 4,
            (Active, Destroyed) => 5,
            (Active, Compromised) => 6,
            (Active, Suspended) => 7,
            (Active, Deactivated) => 8,
            (Suspended, Destroyed) => 9,
            (Suspended, Active) => 10,
            (Suspended, Compromised) => 11,
            (Suspended, Deactivated) => 12,
            (Deactivated, Destroyed) => 13,
            (Deactivated, Compromised) => 14,
            (Compromised, Destroyed) => 15,
            _ => return None,
        })
    }

    /// Whether SP 800-57 allows going from `self` to `to`.
    pub fn can_become(self, to: KeyState) -> bool {
        self.transition_number(to).is_some()
    }

    /// The states reachable from this one in one step.
    pub fn next_states(self) -> Vec<KeyState> {
        KeyState::ALL
            .into_iter()
            .filter(|s| self.can_become(*s))
            .collect()
    }
}

impl fmt::Display for KeyState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for KeyState {
    type Err = RecordError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace('_', "-");
        KeyState::ALL
            .into_iter()
            .find(|st| st.id() == wanted)
            .ok_or_else(|| RecordError::Invalid {
                field: "state",
                reason: format!(
                    "unknown state \"{}\"; known: {}",
                    s.chars().take(64).collect::<String>(),
                    KeyState::ALL.map(KeyState::id).join(", ")
                ),
            })
    }
}

/// One recorded change of state: SP 800-57 asks that each be recorded with its time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// The state before (`None`: the key was just generated or imported).
    pub from: Option<KeyState>,
    /// The state after.
    pub to: KeyState,
    /// When.
    pub at: Timestamp,
    /// Who made the change.
    pub actor: String,
    /// Why, in the person's words.
    pub reason: String,
}

/// What must follow once a key is marked compromised (SP 800-57 section 7.5 and the
/// vault's escrow design): shown by the CLI and the app with the transition.
pub const COMPROMISE_FOLLOW_UP: [&str; 3] = [
    "Replace the key: generate a new key and move every use to it (a compromised key is not rotated).",
    "Re-issue every recovery kit that holds the key; the old kits now hold a compromised key.",
    "Tell the people and systems that hold or rely on the key, so they stop trusting it.",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_the_fourteen_transitions_between_states_of_figure_3() {
        let allowed: Vec<(KeyState, KeyState, u8)> = KeyState::ALL
            .into_iter()
            .flat_map(|a| KeyState::ALL.into_iter().map(move |b| (a, b)))
            .filter_map(|(a, b)| a.transition_number(b).map(|n| (a, b, n)))
            .collect();
        let mut numbers: Vec<u8> = allowed.iter().map(|t| t.2).collect();
        numbers.sort_unstable();
        assert_eq!(numbers, (2..=15).collect::<Vec<u8>>(), "{allowed:?}");
        // Destroyed is terminal; nothing goes back to pre-activation.
        assert!(KeyState::Destroyed.next_states().is_empty());
        assert!(
            KeyState::ALL
                .into_iter()
                .all(|s| !s.can_become(KeyState::PreActivation))
        );
    }

    #[test]
    fn states_round_trip_through_their_ids() {
        for s in KeyState::ALL {
            assert_eq!(s.id().parse::<KeyState>().unwrap(), s);
        }
        assert_eq!(
            "PRE_ACTIVATION".parse::<KeyState>().unwrap(),
            KeyState::PreActivation
        );
        assert!("revoked".parse::<KeyState>().is_err());
    }
}
