//! Wire types of `docs/ipc.md`: what commands take and give, in camelCase JSON. They
//! exist only here, at the boundary; the engine knows nothing of them.

use keywarden_core::{Algorithm, KeyRecord, Timestamp};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tauri::Runtime;
use tauri::ipc::{CommandArg, CommandItem, InvokeBody, InvokeError};

use crate::error::IpcError;

/// Whether a vault is selected, and whether it is unlocked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VaultState {
    /// No vault is selected.
    Closed,
    /// A vault is selected; nothing secret is in memory.
    Locked,
    /// The vault is unlocked.
    Unlocked,
}

/// The answer of `vault_status` and of every command that changes the vault's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VaultStatus {
    /// Closed, locked or unlocked.
    pub state: VaultState,
    /// The selected vault file; `None` when closed.
    pub path: Option<String>,
    /// Where a vault is created or looked for by default.
    pub default_vault_path: String,
    /// Whether a file exists at the default path.
    pub default_vault_exists: bool,
    /// Whether the selected vault needs a key file; known once a vault is selected.
    pub keyfile_required: Option<bool>,
    /// Minutes without activity before the vault locks itself; known once unlocked.
    pub auto_lock_minutes: Option<u32>,
}

/// A kind of key the vault can generate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AlgorithmInfo {
    /// The stable identifier, such as `aes-256`.
    pub id: String,
    /// A label for people, such as `AES-256`.
    pub label: String,
    /// Key length in bits.
    pub bits: u32,
    /// One sentence on what the key is for.
    pub description: String,
}

impl From<Algorithm> for AlgorithmInfo {
    fn from(a: Algorithm) -> Self {
        Self {
            id: a.id().to_owned(),
            label: a.label().to_owned(),
            bits: a.bits(),
            description: a.description().to_owned(),
        }
    }
}

/// A key as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeySummary {
    /// The key's id: a UUID, lowercase and hyphenated.
    pub id: String,
    /// The key's name.
    pub name: String,
    /// An [`AlgorithmInfo::id`].
    pub algorithm: String,
    /// Labels.
    pub tags: Vec<String>,
    /// When the key was made, RFC 3339 in UTC.
    pub created_at: String,
}

impl From<&KeyRecord> for KeySummary {
    fn from(r: &KeyRecord) -> Self {
        Self {
            id: r.id.to_string(),
            name: r.name.clone(),
            algorithm: r.algorithm.id().to_owned(),
            tags: r.tags.clone(),
            created_at: rfc3339(r.created_at),
        }
    }
}

/// A key with everything but its secret material.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyDetail {
    /// What a list shows.
    #[serde(flatten)]
    pub summary: KeySummary,
    /// Free text.
    pub notes: String,
    /// When the record last changed, RFC 3339 in UTC.
    pub updated_at: String,
}

impl From<&KeyRecord> for KeyDetail {
    fn from(r: &KeyRecord) -> Self {
        Self {
            summary: r.into(),
            notes: r.notes.clone(),
            updated_at: rfc3339(r.updated_at),
        }
    }
}

/// Why the vault locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LockReason {
    /// Nobody used the app for the vault's auto-lock time.
    Idle,
    /// The person asked.
    User,
}

/// The payload of the [`VAULT_LOCKED`] event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultLocked {
    /// Why the vault locked.
    pub reason: LockReason,
}

/// The event emitted whenever the vault locks.
pub const VAULT_LOCKED: &str = "vault-locked";

/// Whole seconds, RFC 3339, UTC (`2025-01-31T12:00:00Z`): the vault stores seconds, so a
/// key reads the same just after it is made as after the vault is reopened.
fn rfc3339(t: Timestamp) -> String {
    Timestamp::from_second(t.as_second())
        .unwrap_or(t)
        .to_string()
}

/// One command argument, read from the call's JSON object by its camelCase name.
///
/// Tauri's own argument parsing rejects a bad call with a plain string that may quote the
/// value sent; this rejects it with an `invalid_input` [`IpcError`] that names the
/// argument and never repeats its value (it might be a passphrase). A missing argument
/// is read as JSON `null`, so `Arg<Option<T>>` may be left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arg<T>(pub T);

impl<'de, R: Runtime, T: DeserializeOwned> CommandArg<'de, R> for Arg<T> {
    fn from_command(command: CommandItem<'de, R>) -> Result<Self, InvokeError> {
        parse_arg(command.message.payload(), command.key)
            .map(Arg)
            .map_err(InvokeError::from)
    }
}

fn parse_arg<T: DeserializeOwned>(payload: &InvokeBody, key: &str) -> Result<T, IpcError> {
    let InvokeBody::Json(serde_json::Value::Object(args)) = payload else {
        return Err(IpcError::invalid_input(
            "The command's arguments must be a JSON object.",
        ));
    };
    let value = args.get(key).unwrap_or(&serde_json::Value::Null);
    T::deserialize(value).map_err(|e| {
        if value.is_null() {
            IpcError::invalid_input(format!("The argument `{key}` is missing."))
        } else {
            // serde says "invalid type: string \"…\", expected u32": keep only what
            // was expected, never the value.
            let text = e.to_string();
            let expected = text
                .find("expected ")
                .map(|at| format!(" ({})", &text[at..]))
                .unwrap_or_default();
            IpcError::invalid_input(format!(
                "The argument `{key}` has the wrong type{expected}."
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::error::ErrorCode;

    fn body(v: serde_json::Value) -> InvokeBody {
        InvokeBody::Json(v)
    }

    #[test]
    fn args_are_read_by_key() {
        let b = body(json!({"name": "n", "keyfilePath": null}));
        assert_eq!(parse_arg::<String>(&b, "name").unwrap(), "n");
        assert_eq!(
            parse_arg::<Option<String>>(&b, "keyfilePath").unwrap(),
            None
        );
        assert_eq!(parse_arg::<Option<String>>(&b, "absent").unwrap(), None);
    }

    #[test]
    fn bad_args_are_invalid_input_without_their_value() {
        let b = body(json!({"passphrase": 1234567, "tags": ["a", 5]}));
        let e = parse_arg::<String>(&b, "passphrase").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert!(e.message.contains("`passphrase`"), "{}", e.message);
        assert!(!e.message.contains("1234567"), "{}", e.message);
        let e = parse_arg::<Vec<String>>(&b, "tags").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
        let e = parse_arg::<String>(&b, "missing").unwrap_err();
        assert_eq!(e.message, "The argument `missing` is missing.");
        let e = parse_arg::<String>(&InvokeBody::Raw(vec![1, 2]), "x").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
        let e = parse_arg::<String>(&body(json!(["x"])), "x").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
    }

    #[test]
    fn wire_names_are_camel_case() {
        let status = VaultStatus {
            state: VaultState::Locked,
            path: Some("/v".into()),
            default_vault_path: "/d".into(),
            default_vault_exists: true,
            keyfile_required: Some(false),
            auto_lock_minutes: None,
        };
        assert_eq!(
            serde_json::to_value(status).unwrap(),
            json!({
                "state": "locked",
                "path": "/v",
                "defaultVaultPath": "/d",
                "defaultVaultExists": true,
                "keyfileRequired": false,
                "autoLockMinutes": null,
            })
        );
        let event = VaultLocked {
            reason: LockReason::Idle,
        };
        assert_eq!(
            serde_json::to_value(event).unwrap(),
            json!({"reason": "idle"})
        );
    }

    #[test]
    fn timestamps_are_whole_seconds_in_utc() {
        let t = Timestamp::from_second(1_700_000_000).unwrap();
        assert_eq!(rfc3339(t), "2023-11-14T22:13:20Z");
        let with_nanos = Timestamp::new(1_700_000_000, 123_456_789).unwrap();
        assert_eq!(rfc3339(with_nanos), "2023-11-14T22:13:20Z");
    }
}
