//! Commands that make recovery kits (`docs/kit-format.md`): the custody register, a
//! generated kit passphrase, and a kit made in three steps: `kit_prepare` (the vault
//! passphrase again, the engine lays out the sheets and keeps nothing), `kit_preview`
//! (each sheet's pages, to check and print), then `kit_save` (every PDF and the
//! machine-readable copy, mode 0600, then the register) or `kit_discard`.
//!
//! The kit waits in the unlocked vault's [`Session`] between the steps: locking drops it
//! (and records that it was not saved). The PDFs are written here, in Rust; the web view
//! sees the sheets only as the SVG pages of `kit_preview`.

use std::path::{Path, PathBuf};

use keywarden_core::kit::register::KitRecord;
use keywarden_core::kit::{PASSPHRASE_WORDS, generate_passphrase, slip39};
use keywarden_core::print::Paper;
use keywarden_core::vault::{KitLock, KitRequest, PreparedKit};
use keywarden_core::{KeyId, UnlockedVault};
use tauri::State;
use zeroize::Zeroizing;

use super::{MAX_ID_CHARS, MAX_PASSPHRASE_CHARS, file_path, key_file, key_id, short};
use crate::dto::{
    Arg, GeneratedPassphrase, KitInfo, KitKeyDetail, PreparedKitInfo, SavedKit, SheetPreview,
};
use crate::error::IpcError;
use crate::outfile::{self, SECRET_MODE};
use crate::session::Session;
use crate::state::AppState;

/// The most keys one kit may hold: far more than one sheet carries comfortably (each
/// key adds to the codes on every sheet), few enough that a hostile call stays small.
pub const MAX_KIT_KEYS: usize = 64;
/// The most custodians of a kit: a split kit's share count (SLIP-39's limit).
pub const MAX_CUSTODIANS: usize = slip39::MAX_SHARES;
/// Longest escrow recipient accepted, in characters (an age X25519 recipient has 62).
const MAX_RECIPIENT_CHARS: usize = 200;

/// `kits_list`: the custody register, newest first; with `key`, only the kits that hold
/// that key.
///
/// # Errors
/// `invalid_input` (not a key id), `locked`, `no_vault`.
#[tauri::command]
pub async fn kits_list(
    state: State<'_, AppState>,
    key: Arg<Option<String>>,
) -> Result<Vec<KitInfo>, IpcError> {
    state.touch();
    let key = key.0.as_deref().map(key_id).transpose()?;
    state
        .with_unlocked(|vault| {
            let kits: Vec<&KitRecord> = match &key {
                Some(id) => vault.kits_of(id),
                None => vault.kits().iter().collect(),
            };
            Ok(kits.into_iter().rev().map(KitInfo::from).collect())
        })
        .await
}

/// `kit_generate_passphrase`: six EFF words for a personal kit, to write on the sheet by
/// hand. Keywarden keeps no copy.
///
/// # Errors
/// `locked`, `no_vault`.
#[tauri::command]
pub async fn kit_generate_passphrase(
    state: State<'_, AppState>,
) -> Result<GeneratedPassphrase, IpcError> {
    state.touch();
    state
        .with_unlocked(|_| {
            let words = generate_passphrase();
            Ok(GeneratedPassphrase {
                passphrase: words.as_str().to_owned(),
                words: PASSPHRASE_WORDS,
            })
        })
        .await
}

/// `kit_prepare`: makes a kit of `keys` (each at its current version), after the vault
/// passphrase (and key file) are checked again, and keeps it until `kit_save` or
/// `kit_discard`, in place of a kit prepared before. A personal kit without a
/// `kitPassphrase` gets a generated one, returned this once. Nothing is written or
/// registered yet; a refusal is audited.
///
/// # Errors
/// `invalid_input` (the arguments, a short kit passphrase, a key that cannot go on
/// paper, a recipient that is not an age recipient), `wrong_passphrase`, key-file
/// errors, `not_allowed` (a compromised, destroyed or pre-activation key),
/// `key_not_found`, `io`, `locked`, `no_vault`.
#[tauri::command]
#[allow(
    clippy::too_many_arguments,
    reason = "one argument per field of the contract"
)]
pub async fn kit_prepare(
    state: State<'_, AppState>,
    keys: Arg<Vec<String>>,
    kind: Arg<String>,
    custodians: Arg<Vec<String>>,
    threshold: Arg<Option<i64>>,
    kit_passphrase: Arg<Option<String>>,
    recipient: Arg<Option<String>>,
    unencrypted_acknowledged: Arg<Option<bool>>,
    paper: Arg<String>,
    passphrase: Arg<String>,
    keyfile_path: Arg<Option<String>>,
) -> Result<PreparedKitInfo, IpcError> {
    state.touch();
    let passphrase = super::passphrase(passphrase.0)?;
    let kit_passphrase = kit_passphrase.0.map(Zeroizing::new);
    if kit_passphrase
        .as_ref()
        .is_some_and(|p| p.chars().count() > MAX_PASSPHRASE_CHARS)
    {
        return Err(IpcError::invalid_input(format!(
            "A kit passphrase has at most {MAX_PASSPHRASE_CHARS} characters."
        )));
    }
    let kind = short(kind.0, "kind of kit", MAX_ID_CHARS)?;
    let keys = kit_keys(keys.0, &kind)?;
    let paper = super::paper(paper.0)?;
    let choice = LockChoice {
        kind,
        custodians: custodians.0,
        threshold: threshold.0,
        kit_passphrase,
        recipient: recipient.0,
        unencrypted_acknowledged: unencrypted_acknowledged.0.unwrap_or(false),
    };
    let (lock, generated) = choice.lock()?;
    let key_file = key_file(keyfile_path.0)?;
    let request = KitRequest { keys, lock, paper };
    // Argon2id for the passphrase, scrypt for a personal kit, then the sheets.
    state
        .with_session_blocking(move |vault, session| {
            let kit = vault.prepare_kit(request, &passphrase, key_file.as_ref())?;
            let summary = summary(vault, &kit, paper, generated)?;
            session.discard_prepared(vault, "replaced by another kit before it was saved");
            session.prepared = Some(Box::new(kit));
            Ok(summary)
        })
        .await
}

/// `kit_preview`: the pages of sheet `sheet` (from 0) of the prepared kit, as SVG.
///
/// # Errors
/// `invalid_input` (no kit prepared, no such sheet), `locked`, `no_vault`.
#[tauri::command]
pub async fn kit_preview(
    state: State<'_, AppState>,
    sheet: Arg<i64>,
) -> Result<SheetPreview, IpcError> {
    state.touch();
    let index = usize::try_from(sheet.0)
        .map_err(|_| IpcError::invalid_input("A sheet is a whole number from 0."))?;
    state
        .with_session_blocking(move |_, session| {
            let kit = prepared(session)?;
            if index >= kit.sheets.len() {
                return Err(IpcError::invalid_input(format!(
                    "This kit has {} sheet(s); there is no sheet {index}.",
                    kit.sheets.len()
                )));
            }
            Ok(SheetPreview {
                sheet: index,
                // Copied into the answer, which wipes them on drop; the engine's are wiped now.
                pages: kit
                    .preview(index)?
                    .iter()
                    .map(|page| page.as_str().to_owned())
                    .collect(),
            })
        })
        .await
}

/// `kit_save`: writes the prepared kit into the folder `directory`: one PDF per sheet
/// and the machine-readable copy, each atomically with mode 0600 and never over an
/// existing file, then enters the kit in the register (audited per key). If a file
/// cannot be written, those already written are removed and the failure is audited;
/// the kit stays prepared, to save elsewhere.
///
/// # Errors
/// `invalid_input` (no kit prepared, not an absolute path to a folder), `file_exists`
/// (nothing written), `io`, `locked`, `no_vault`.
#[tauri::command]
pub async fn kit_save(
    state: State<'_, AppState>,
    directory: Arg<String>,
) -> Result<SavedKit, IpcError> {
    state.touch();
    let directory = file_path(directory.0, "folder")?;
    if !directory.is_dir() {
        return Err(IpcError::invalid_input(format!(
            "{} is not a folder. Choose the folder to save the kit in.",
            directory.display()
        )));
    }
    // Writing and syncing a few files: off the async threads.
    state
        .with_session_blocking(move |vault, session| {
            let kit = prepared(session)?;
            let files = files_of(kit, &directory);
            for (path, _) in &files {
                outfile::check_free(path, false).map_err(|e| refused_existing(e, path))?;
            }
            if let Err(error) = write_all(&files) {
                let why = format!("its files could not be written: {}", error.message);
                if let Err(e) = vault.record_kit_failure(kit, &why) {
                    eprintln!("keywarden: a failed kit save could not be recorded: {e}");
                }
                return Err(error);
            }
            let names: Vec<String> = files.iter().map(|(path, _)| display(path)).collect();
            let paths: Vec<PathBuf> = files.into_iter().map(|(path, _)| path).collect();
            let Some(kit) = session.prepared.take() else {
                return Err(IpcError::internal("the prepared kit went away"));
            };
            match vault.register_kit(*kit) {
                Ok(record) => Ok(SavedKit {
                    kit: KitInfo::from(record),
                    directory: display(&directory),
                    files: names,
                }),
                Err(error) => {
                    // A kit the register does not know must not be left on disk.
                    remove(&paths);
                    Err(error.into())
                }
            }
        })
        .await
}

/// `kit_discard`: drops the prepared kit, if any, and records that it was not saved.
///
/// # Errors
/// `locked`, `no_vault`.
#[tauri::command]
pub async fn kit_discard(state: State<'_, AppState>) -> Result<(), IpcError> {
    state.touch();
    state
        .with_session(|vault, session| {
            session.discard_prepared(vault, "discarded before it was saved");
            Ok(())
        })
        .await
}

/// How a kit is to be locked, as the call gave it, before it is checked.
struct LockChoice {
    kind: String,
    custodians: Vec<String>,
    threshold: Option<i64>,
    kit_passphrase: Option<Zeroizing<String>>,
    recipient: Option<String>,
    unencrypted_acknowledged: bool,
}

impl LockChoice {
    /// The engine's lock, and the kit passphrase when one was generated here (to show
    /// once). Arguments that do not belong to the kind are refused, so that a mistaken
    /// call never makes another kind of kit than the person meant.
    fn lock(self) -> Result<(KitLock, Option<String>), IpcError> {
        let kind = self.kind.trim().to_lowercase();
        if self.custodians.len() > MAX_CUSTODIANS {
            return Err(IpcError::invalid_input(format!(
                "A kit has at most {MAX_CUSTODIANS} custodians."
            )));
        }
        let split = kind == "split";
        let vault = kind == "vault";
        if !split && !vault && self.threshold.is_some() {
            return Err(IpcError::invalid_input(
                "Only a split or vault recovery kit has a threshold.",
            ));
        }
        if kind != "personal" && self.kit_passphrase.is_some() {
            return Err(IpcError::invalid_input(
                "Only a personal kit has a kit passphrase.",
            ));
        }
        if kind != "escrow" && self.recipient.is_some() {
            return Err(IpcError::invalid_input(
                "Only an escrow kit has a recipient.",
            ));
        }
        if kind != "unencrypted" && self.unencrypted_acknowledged {
            return Err(IpcError::invalid_input(
                "Only an unencrypted kit is acknowledged as unencrypted.",
            ));
        }
        if split {
            let count = self.custodians.len();
            let threshold = self
                .threshold
                .and_then(|t| u8::try_from(t).ok())
                .filter(|t| (2..=count).contains(&usize::from(*t)))
                .ok_or_else(|| {
                    IpcError::invalid_input(format!(
                        "Threshold: a whole number of sheets from 2 to the number of \
                         custodians ({count})."
                    ))
                })?;
            return Ok((
                KitLock::Split {
                    threshold,
                    custodians: self.custodians,
                },
                None,
            ));
        }
        if vault {
            let count = self.custodians.len();
            let threshold = match self.threshold {
                None if count == 1 => Some(1),
                None => None,
                Some(t) => u8::try_from(t)
                    .ok()
                    .filter(|t| (2..=count).contains(&usize::from(*t))),
            }
            .ok_or_else(|| {
                IpcError::invalid_input(format!(
                    "Threshold: none for one sheet, else a whole number of sheets from 2 to \
                     the number of custodians ({count})."
                ))
            })?;
            return Ok((
                KitLock::Vault {
                    threshold,
                    custodians: self.custodians,
                },
                None,
            ));
        }
        let custodian = one_custodian(self.custodians, &kind)?;
        match kind.as_str() {
            "personal" => {
                let (passphrase, generated) = match self.kit_passphrase {
                    Some(p) => (p, None),
                    None => {
                        let words = generate_passphrase();
                        let shown = words.as_str().to_owned();
                        (words, Some(shown))
                    }
                };
                Ok((
                    KitLock::Personal {
                        passphrase,
                        custodian,
                    },
                    generated,
                ))
            }
            "unencrypted" if self.unencrypted_acknowledged => {
                Ok((KitLock::Unencrypted { custodian }, None))
            }
            "unencrypted" => Err(IpcError::invalid_input(
                "An unencrypted kit puts the keys themselves on paper: whoever reads the \
                 sheet has them. Confirm that you understand this first.",
            )),
            "escrow" => {
                let recipient = self.recipient.ok_or_else(|| {
                    IpcError::invalid_input("Give the escrow agent's age public key (age1…).")
                })?;
                let recipient = short(recipient, "escrow recipient", MAX_RECIPIENT_CHARS)?;
                Ok((
                    KitLock::Escrow {
                        recipient,
                        agent: custodian,
                    },
                    None,
                ))
            }
            _ => Err(IpcError::invalid_input(
                "The kind of kit is personal, unencrypted, split, escrow or vault.",
            )),
        }
    }
}

/// The one custodian of a single-sheet kit (the escrow agent for an escrow kit).
fn one_custodian(custodians: Vec<String>, kind: &str) -> Result<String, IpcError> {
    let who = if kind == "escrow" {
        "the escrow agent"
    } else {
        "the one person who keeps the sheet"
    };
    match <[String; 1]>::try_from(custodians) {
        Ok([custodian]) => Ok(custodian),
        Err(_) => Err(IpcError::invalid_input(format!(
            "This kind of kit has one sheet: name {who}."
        ))),
    }
}

/// The keys argument: none for a vault recovery kit, else 1 to [`MAX_KIT_KEYS`] key ids.
fn kit_keys(ids: Vec<String>, kind: &str) -> Result<Vec<KeyId>, IpcError> {
    let vault = kind.trim().eq_ignore_ascii_case("vault");
    if vault && !ids.is_empty() {
        return Err(IpcError::invalid_input(
            "A vault recovery kit holds no keys: it opens the whole vault.",
        ));
    }
    if !vault && ids.is_empty() {
        return Err(IpcError::invalid_input(
            "Choose at least one key for the kit.",
        ));
    }
    if ids.len() > MAX_KIT_KEYS {
        return Err(IpcError::invalid_input(format!(
            "A kit holds at most {MAX_KIT_KEYS} keys."
        )));
    }
    ids.iter().map(|id| key_id(id)).collect()
}

/// The answer of `kit_prepare` for `kit`.
fn summary(
    vault: &UnlockedVault,
    kit: &PreparedKit,
    paper: Paper,
    passphrase: Option<String>,
) -> Result<PreparedKitInfo, IpcError> {
    let keys = kit
        .record
        .keys
        .iter()
        .map(|held| {
            let record = vault.get(&held.id)?;
            let version = record
                .versions
                .iter()
                .find(|v| v.number == held.version)
                .ok_or_else(|| IpcError::internal("a kit names a version the key lacks"))?;
            Ok(KitKeyDetail::of_version(&held.name, record, version))
        })
        .collect::<Result<Vec<_>, IpcError>>()?;
    let mut sheets = kit.file_names();
    let payload = sheets.split_off(kit.sheets.len()).pop();
    Ok(PreparedKitInfo::of(
        kit,
        &paper.to_string(),
        sheets,
        payload,
        passphrase,
        keys,
    ))
}

/// The prepared kit, or `invalid_input` when there is none.
fn prepared(session: &Session) -> Result<&PreparedKit, IpcError> {
    session.prepared.as_deref().ok_or_else(|| {
        IpcError::invalid_input("There is no kit waiting to be saved. Make the kit again.")
    })
}

/// Every file of `kit` in `directory` with its content.
fn files_of<'k>(kit: &'k PreparedKit, directory: &Path) -> Vec<(PathBuf, &'k [u8])> {
    let contents = kit
        .sheets
        .iter()
        .map(|s| &s.pdf[..])
        .chain([&kit.payload[..]]);
    kit.file_names()
        .into_iter()
        .map(|name| directory.join(name))
        .zip(contents)
        .collect()
}

/// Writes every file, mode 0600, never over another; on a failure removes the ones
/// already written.
fn write_all(files: &[(PathBuf, &[u8])]) -> Result<(), IpcError> {
    let mut written: Vec<PathBuf> = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        if let Err(error) = outfile::write(path, bytes, SECRET_MODE, false) {
            remove(&written);
            return Err(error);
        }
        written.push(path.clone());
    }
    Ok(())
}

fn remove(paths: &[PathBuf]) {
    for path in paths {
        if let Err(e) = std::fs::remove_file(path) {
            eprintln!("keywarden: {} could not be removed: {e}", path.display());
        }
    }
}

/// A file of the kit exists already: a kit is never saved over files, so the way out is
/// another folder, not replacing the file.
fn refused_existing(error: IpcError, path: &Path) -> IpcError {
    match error.code {
        crate::error::ErrorCode::FileExists => IpcError::new(
            error.code,
            format!(
                "{} already exists. Nothing was written; choose another folder.",
                path.display()
            ),
        ),
        _ => error,
    }
}

fn display(path: &Path) -> String {
    path.display().to_string()
}
