//! Commands that read a recovery kit back into the unlocked vault: the text of its codes,
//! typed lines and share words, or scans of its sheets whose codes the engine decodes,
//! added in any order (`kit_recover_add`, `kit_recover_add_scan`), then opened
//! with the kit passphrase or the escrow agent's identity when it needs one
//! (`kit_recover_open`), then restored (`kit_recover_restore`) or checked against the
//! register as a drill (`kit_drill`).
//!
//! What has been read lives in the unlocked vault's [`crate::session::Session`] and is
//! dropped on lock. Answers name keys and fingerprints, never a share or key material.

use keywarden_core::kit::recovery::{Added, MAX_INPUT_CHARS};
use keywarden_core::kit::{KitDocument, scan};
use tauri::State;
use tauri::ipc::{InvokeBody, Request};
use zeroize::Zeroizing;

use super::MAX_PASSPHRASE_CHARS;
use crate::dto::{
    AddedInfo, Arg, KitInfo, RecoveredKit, RecoveryProgress, RestoreResult, RestoredKey,
};
use crate::error::{ErrorCode, IpcError, capitalise, sentence};
use crate::session::{RecoverySession, Session};
use crate::state::{AppState, blocking};

/// Longest age identity text accepted, in characters (an identity has 74; the file
/// `age-keygen` writes, with its two comment lines, about 190).
const MAX_IDENTITY_CHARS: usize = 256;

impl From<Added> for AddedInfo {
    fn from(a: Added) -> Self {
        Self {
            codes: a.codes,
            typed_lines: a.typed_lines,
            shares: a.shares,
        }
    }
}

/// `kit_recover_add`: reads one text (the codes of a scanned sheet, typed lines, a
/// share's words) into the recovery in progress, starting one if there is none. A text
/// that fails adds nothing; the error names the word, line or code.
///
/// # Errors
/// `invalid_input` (empty or too long text, a bad, foreign or repeated code or share),
/// `locked`, `no_vault`.
#[tauri::command]
pub async fn kit_recover_add(
    state: State<'_, AppState>,
    text: Arg<String>,
) -> Result<RecoveryProgress, IpcError> {
    state.touch();
    // Share words are secret: wiped when this call ends.
    let text = Zeroizing::new(text.0);
    if text.trim().is_empty() {
        return Err(IpcError::invalid_input(
            "Paste or type the text of a code, the typed lines or the share words first.",
        ));
    }
    // Counted in bytes first: a hostile text is refused before it is walked.
    if text.len() > 4 * MAX_INPUT_CHARS || text.chars().count() > MAX_INPUT_CHARS {
        return Err(IpcError::invalid_input(
            "The text is far longer than any recovery kit.",
        ));
    }
    state.with_session(|_, session| add(session, &text)).await
}

/// `kit_recover_add_scan`: reads the QR codes of one scanned sheet, a PNG or JPEG
/// image or a PDF of scanned pages, sent as the raw body of the call, into the recovery
/// in progress, as `kit_recover_add` reads their text.
///
/// # Errors
/// `invalid_input` (not a raw body, a file that is no PNG, JPEG or PDF, too large,
/// damaged, or a bad, foreign or repeated code or share), `no_code` (no code could be
/// read on it), `locked`, `no_vault`.
#[tauri::command]
pub async fn kit_recover_add_scan(
    state: State<'_, AppState>,
    request: Request<'_>,
) -> Result<RecoveryProgress, IpcError> {
    state.touch();
    let text = scanned_text(&request).await?;
    state.with_session(|_, session| add(session, &text)).await
}

/// The codes' text of the scan in a call's raw body, decoded off the async threads (a
/// page takes about half a second). A split kit's share code is secret: the copy of
/// the file and the text are wiped when dropped.
///
/// # Errors
/// `invalid_input` for a body that is not raw bytes or a file [`scan::read`] refuses;
/// `no_code` for a scan with no code that can be read.
pub(crate) async fn scanned_text(request: &Request<'_>) -> Result<Zeroizing<String>, IpcError> {
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(IpcError::invalid_input(
            "Send the scanned file's bytes as the body of the call.",
        ));
    };
    if bytes.len() > scan::MAX_SCAN_BYTES {
        return Err(IpcError::invalid_input(format!(
            "The file is larger than {} MiB: scan at 300 dpi.",
            scan::MAX_SCAN_BYTES >> 20
        )));
    }
    let data = Zeroizing::new(bytes.clone());
    let scanned = blocking(move || scan::read(&data)).await??;
    if scanned.codes == 0 {
        return Err(IpcError::new(
            ErrorCode::NoCode,
            sentence(&capitalise(scan::NO_CODE)),
        ));
    }
    Ok(scanned.text)
}

/// Reads `text` into the recovery in progress, starting one if there is none.
fn add(session: &mut Session, text: &str) -> Result<RecoveryProgress, IpcError> {
    let reading = session
        .recovery
        .get_or_insert_with(|| Box::new(RecoverySession::default()));
    let added = reading.recovery.add_text(text)?;
    reading.document = None;
    Ok(RecoveryProgress::of(
        &reading.recovery.status(),
        added.into(),
    ))
}

/// `kit_recover_open`: opens the kit from what was read: with the shares of a split kit,
/// the `kitPassphrase` of a personal kit or the escrow agent's age `identity`, checking
/// every key against its fingerprints. The opened kit waits for `kit_recover_restore`.
///
/// # Errors
/// `invalid_input` (nothing read, codes or shares missing, both a passphrase and an
/// identity, a damaged payload or document), `wrong_passphrase` (the passphrase or
/// identity does not open it), `locked`, `no_vault`.
#[tauri::command]
pub async fn kit_recover_open(
    state: State<'_, AppState>,
    kit_passphrase: Arg<Option<String>>,
    identity: Arg<Option<String>>,
) -> Result<RecoveredKit, IpcError> {
    state.touch();
    let key = KitKey::new(kit_passphrase.0, identity.0)?;
    // A personal kit's scrypt takes a second: off the async threads.
    state
        .with_session_blocking(move |vault, session| {
            let document = open(reading(session)?, &key)?;
            Ok(RecoveredKit::of(document, vault.kit(document.kit).is_ok()))
        })
        .await
}

/// `kit_recover_restore`: adds the opened kit's keys to this vault (a key it already
/// holds is left alone), audited; the recovery then ends.
///
/// # Errors
/// `invalid_input` (no kit opened, a key whose material does not match), `name_taken`,
/// `io`, `locked`, `no_vault`.
#[tauri::command]
pub async fn kit_recover_restore(state: State<'_, AppState>) -> Result<RestoreResult, IpcError> {
    state.touch();
    state
        .with_session(|vault, session| {
            let document = reading(session)?.document.as_ref().ok_or_else(open_first)?;
            let restored = vault.restore_kit(document)?;
            let result = RestoreResult {
                kit: document.kit.to_string(),
                keys: restored.iter().map(RestoredKey::from).collect(),
            };
            session.recovery = None;
            Ok(result)
        })
        .await
}

/// `kit_recover_reset`: forgets the recovery in progress, if any.
///
/// # Errors
/// `locked`, `no_vault`.
#[tauri::command]
pub async fn kit_recover_reset(state: State<'_, AppState>) -> Result<(), IpcError> {
    state.touch();
    state
        .with_session(|_, session| {
            session.recovery = None;
            Ok(())
        })
        .await
}

/// `kit_drill`: opens the kit read so far (as `kit_recover_open`, unless it was opened
/// already) and checks it against this vault's register: the kit is known, and every key
/// has the fingerprint recorded. Audited (`kit-drilled`), passed or failed; a pass sets
/// the kit's last drill. The recovery then ends. Nothing is restored or shown.
///
/// # Errors
/// As `kit_recover_open`; `invalid_input` (a kit this vault did not make, a key that
/// does not match), `locked`, `no_vault`.
#[tauri::command]
pub async fn kit_drill(
    state: State<'_, AppState>,
    kit_passphrase: Arg<Option<String>>,
    identity: Arg<Option<String>>,
) -> Result<KitInfo, IpcError> {
    state.touch();
    let key = KitKey::new(kit_passphrase.0, identity.0)?;
    state
        .with_session_blocking(move |vault, session| {
            let reading = reading(session)?;
            if reading.recovery.status().only_shares() {
                // Only shares: a vault recovery kit, checked against the recovery keyslot.
                let secret = reading.recovery.master_secret()?;
                let checked = vault.record_vault_drill(&secret).map(KitInfo::from)?;
                session.recovery = None;
                return Ok(checked);
            }
            let document = open(reading, &key)?;
            if vault.kit(document.kit).is_err() {
                return Err(IpcError::invalid_input(format!(
                    "Kit {} is not in this vault's register: a drill checks the kits this \
                     vault made. Restore it instead to add its keys.",
                    document.kit
                )));
            }
            let checked = vault.record_drill(document).map(KitInfo::from)?;
            session.recovery = None;
            Ok(checked)
        })
        .await
}

/// What opens a kit, as the call gave it: at most one of a passphrase and an identity,
/// wiped on drop.
struct KitKey {
    passphrase: Option<Zeroizing<String>>,
    identity: Option<Zeroizing<String>>,
}

impl KitKey {
    fn new(passphrase: Option<String>, identity: Option<String>) -> Result<Self, IpcError> {
        let passphrase = passphrase.map(Zeroizing::new);
        let identity = identity.map(Zeroizing::new);
        if identity
            .as_ref()
            .is_some_and(|i| i.chars().count() > MAX_IDENTITY_CHARS)
        {
            return Err(IpcError::invalid_input(
                "That is not an age identity (AGE-SECRET-KEY-1…).",
            ));
        }
        let identity = identity.map(|text| identity_line(&text)).transpose()?;
        if passphrase.is_some() && identity.is_some() {
            return Err(IpcError::invalid_input(
                "Give the kit passphrase or the escrow agent's identity, not both.",
            ));
        }
        if passphrase
            .as_ref()
            .is_some_and(|p| p.chars().count() > MAX_PASSPHRASE_CHARS)
        {
            return Err(IpcError::invalid_input(format!(
                "A kit passphrase has at most {MAX_PASSPHRASE_CHARS} characters."
            )));
        }
        Ok(Self {
            passphrase,
            identity,
        })
    }

    fn passphrase(&self) -> Option<&str> {
        self.passphrase.as_ref().map(|p| p.as_str())
    }

    fn identity(&self) -> Option<&str> {
        self.identity.as_ref().map(|i| i.as_str())
    }
}

/// The kit read so far, opened with `key` unless it was opened already.
fn open<'r>(reading: &'r mut RecoverySession, key: &KitKey) -> Result<&'r KitDocument, IpcError> {
    let document = match reading.document.take() {
        Some(document) => document,
        None => reading.recovery.open(key.passphrase(), key.identity())?,
    };
    Ok(reading.document.insert(document))
}

/// The identity of an identity file as `age-keygen` writes it (comment lines starting
/// with `#`, then `AGE-SECRET-KEY-1…`), or of the identity pasted alone.
fn identity_line(text: &str) -> Result<Zeroizing<String>, IpcError> {
    let mut lines = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'));
    match (lines.next(), lines.next()) {
        (Some(line), None) => Ok(Zeroizing::new(line.to_owned())),
        _ => Err(IpcError::invalid_input(
            "Paste one age identity (AGE-SECRET-KEY-1…), alone or as age-keygen wrote it.",
        )),
    }
}

/// The recovery in progress, or `invalid_input` when nothing was read yet.
fn reading(session: &mut Session) -> Result<&mut RecoverySession, IpcError> {
    session.recovery.as_deref_mut().ok_or_else(|| {
        IpcError::invalid_input(
            "Nothing of a kit has been read yet. Add the text of its codes, typed lines or \
             share words first.",
        )
    })
}

fn open_first() -> IpcError {
    IpcError::invalid_input("Open the kit first: its keys are checked before they are restored.")
}
