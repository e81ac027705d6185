//! `keywarden kit …`: recovery kits. [`create`] makes one; this module lists and shows
//! the custody register, and reads kits back from text or scanned sheets: `recover`
//! adds their keys to the vault, `verify` drills them against the register. Both are
//! audited by the engine (`kit-recovered`, `kit-drilled`).

mod create;

use std::path::{Path, PathBuf};

use keywarden_core::kit::recovery::{Recovery, Status};
use keywarden_core::kit::scan::{self, ScanKind};
use keywarden_core::kit::{KitDocument, KitError, KitId, envelope};
use keywarden_core::vault::Restored;
use keywarden_core::{Passphrase, RecordError};
use zeroize::Zeroizing;

use crate::args::{KitCommand, KitReadArgs, KitRecoverArgs};
use crate::failure::{Code, Failure};
use crate::input;
use crate::output::{self, KitRecovered, RecoveredKey, RecoveredOutcome, Report};
use crate::passphrase::Source;
use crate::session::Session;

/// Runs one `kit` command.
///
/// # Errors
/// Everything [`Session::unlock`] reports (not for `recover --dry-run`, which needs no
/// vault); kit data that is refused (`kit_invalid`), a wrong kit passphrase or identity
/// (`wrong_passphrase`), a kit the register does not have (`kit_not_found`), a drill
/// that does not match the register (`check_failed`, exit 1); for `create`, see
/// [`create::run`].
pub fn run(session: &Session, command: &KitCommand) -> Result<Report, Failure> {
    match command {
        KitCommand::Create(args) => create::run(session, args),
        KitCommand::List { key } => {
            let vault = session.unlock()?.vault;
            let kits = match key {
                None => vault.kits().to_vec(),
                Some(reference) => {
                    let id = super::audit::key_id(&vault, reference)?;
                    vault.kits_of(&id).into_iter().cloned().collect()
                }
            };
            Ok(Report::Kits {
                kits,
                filtered: key.is_some(),
            })
        }
        KitCommand::Show { kit } => {
            let vault = session.unlock()?.vault;
            let record = vault.kit(*kit).map_err(|_| not_in_register(*kit))?;
            Ok(Report::Kit(Box::new(record.clone())))
        }
        KitCommand::Recover(args) => recover(session, args),
        KitCommand::Verify(args) => verify(session, args),
    }
}

/// `kit recover`: opens the kit, then adds its keys to the vault (each checked against
/// its fingerprints; keys the vault has are left alone). With `--dry-run`, the vault is
/// not opened.
fn recover(session: &Session, args: &KitRecoverArgs) -> Result<Report, Failure> {
    let document = read_kit(&args.read)?;
    let outcomes: Vec<RecoveredOutcome> = if args.dry_run {
        document
            .entries
            .iter()
            .map(|_| RecoveredOutcome::Checked)
            .collect()
    } else {
        let mut vault = session.unlock()?.vault;
        vault
            .restore_kit(&document)?
            .into_iter()
            .map(|r| match r {
                Restored::Added { id, name } => RecoveredOutcome::Added(id, name),
                Restored::AlreadyPresent { id, name } => RecoveredOutcome::AlreadyPresent(id, name),
            })
            .collect()
    };
    let keys = document
        .entries
        .iter()
        .zip(outcomes)
        .map(|(entry, outcome)| RecoveredKey {
            name: entry.name.clone(),
            kit_key_id: entry.id,
            algorithm: entry.algorithm.id(),
            fingerprint: entry
                .fingerprints
                .first()
                .map(|(kind, value)| format!("{kind} {value}"))
                .unwrap_or_default(),
            outcome,
        })
        .collect();
    Ok(Report::KitRecovered(Box::new(KitRecovered {
        kit: document.kit,
        generation: document.generation,
        made_at: document.made_at,
        keys,
        dry_run: args.dry_run,
    })))
}

/// `kit verify`: a drill. The kit is opened as for `recover`, then checked against the
/// register; only fingerprints are shown.
fn verify(session: &Session, args: &KitReadArgs) -> Result<Report, Failure> {
    let recovery = gather(&args.files)?;
    if recovery.status().only_shares() {
        let secret = recovery.master_secret()?;
        let mut vault = session.unlock()?.vault;
        return match vault.record_vault_drill(&secret) {
            Ok(record) => Ok(Report::KitDrilled(Box::new(record.clone()))),
            Err(RecordError::Kit(KitError::NotThisVault)) => Err(Failure::new(
                Code::CheckFailed,
                format!(
                    "the drill failed: {}; if they are this vault's, make a new vault \
                     recovery kit (a split kit's sheets need their codes too)",
                    KitError::NotThisVault
                ),
            )),
            Err(e) => Err(e.into()),
        };
    }
    let document = open_kit(&recovery, args)?;
    let mut vault = session.unlock()?.vault;
    match vault.record_drill(&document) {
        Ok(record) => Ok(Report::KitDrilled(Box::new(record.clone()))),
        Err(RecordError::NotFound { .. }) => Err(not_in_register(document.kit)),
        Err(RecordError::Kit(KitError::FingerprintMismatch { name })) => Err(Failure::new(
            Code::CheckFailed,
            format!(
                "the drill of kit {} failed: its key \"{}\" is not the one the register \
                 recorded (another version or fingerprint); destroy this kit and make a \
                 new one",
                document.kit,
                output::clean(&name)
            ),
        )),
        Err(e) => Err(e.into()),
    }
}

fn not_in_register(kit: KitId) -> Failure {
    Failure::new(
        Code::KitNotFound,
        format!(
            "kit {kit} is not in this vault's custody register (made from another vault? \
             see keywarden kit list)"
        ),
    )
}

/// Reads every file into one recovery, saying how far it is after each, then opens the
/// kit with what it needs: the shares read, the kit passphrase or the escrow identity.
fn read_kit(args: &KitReadArgs) -> Result<KitDocument, Failure> {
    let recovery = gather(&args.files)?;
    open_kit(&recovery, args)
}

/// Reads every file into one recovery, saying how far it is after each: text files,
/// and scanned sheets (PNG, JPEG, PDF) whose QR codes the engine reads.
pub(crate) fn gather(files: &[PathBuf]) -> Result<Recovery, Failure> {
    let mut recovery = Recovery::new();
    for path in files {
        let name = input::name(path);
        let Some(text) = read_text(path)? else {
            output::progress(&format!("{name}: {}", scan::NO_CODE));
            continue;
        };
        recovery.add_text(&text).map_err(|e| in_file(&name, e))?;
        output::progress(&format!("{name}: {}", progress(&recovery.status())));
    }
    Ok(recovery)
}

/// Opens a kit read into `recovery` with what it needs.
fn open_kit(recovery: &Recovery, args: &KitReadArgs) -> Result<KitDocument, Failure> {
    // Missing codes and typos in typed lines are reported before anything is asked.
    let payload = recovery.payload()?;
    let identity = args.identity.as_deref().map(read_identity).transpose()?;
    let (shares, _) = recovery.status().share_count();
    let locked = envelope::is_encrypted(&payload) && identity.is_none() && shares == 0;
    if locked && args.kit_passphrase_file.is_none() && to_recipient(&payload) {
        return Err(Failure::usage(
            "this kit is encrypted to an escrow agent's age key: give --identity FILE, \
             the agent's identity file",
        ));
    }
    let passphrase = if locked || args.kit_passphrase_file.is_some() {
        let prompt = "Kit passphrase (written by hand on the sheet)";
        Some(kit_passphrase_source(args.kit_passphrase_file.as_deref(), prompt).existing()?)
    } else {
        None
    };
    let passphrase = passphrase.as_ref().map(passphrase_text).transpose()?;
    Ok(recovery.open(passphrase, identity.as_deref().map(String::as_str))?)
}

/// Where a kit passphrase comes from: `--kit-passphrase-file`, else the terminal. There
/// is no environment variable for it.
fn kit_passphrase_source<'a>(file: Option<&'a Path>, prompt: &'a str) -> Source<'a> {
    Source {
        file,
        file_option: "--kit-passphrase-file",
        env: None,
        prompt,
    }
}

/// A passphrase as text.
fn passphrase_text(passphrase: &Passphrase) -> Result<&str, Failure> {
    std::str::from_utf8(passphrase.expose_bytes())
        .map_err(|_| Failure::new(Code::Internal, "a passphrase is not UTF-8"))
}

/// Whether an age file is encrypted to X25519 recipients (an escrow kit) rather than a
/// passphrase: its first recipient stanza (age-encryption.org/v1, `docs/kit-format.md`
/// section 3).
fn to_recipient(payload: &[u8]) -> bool {
    payload.starts_with(b"age-encryption.org/v1\n-> X25519 ")
}

/// "kit KW-28T5-CY4T, codes 3 of 5, shares 1 of 2 needed".
fn progress(status: &Status) -> String {
    let mut parts = Vec::new();
    if let Some(kit) = status.kit {
        parts.push(format!("kit {kit}"));
    }
    let (codes, count) = status.codes;
    if count > 0 {
        parts.push(format!("codes {codes} of {count}"));
    }
    if status.typed_lines > 0 {
        parts.push(format!("{} typed lines", status.typed_lines));
    }
    let (have, need) = status.share_count();
    if need > 0 {
        parts.push(format!("shares {have} of {need} needed"));
    }
    if parts.is_empty() {
        "nothing of a kit yet".to_owned()
    } else {
        parts.join(", ")
    }
}

/// The text of a file: a text file of codes, typed lines or words as it is; a scanned
/// sheet as the texts of its QR codes, one paragraph each (none when it has no code).
fn read_text(path: &Path) -> Result<Option<Zeroizing<String>>, Failure> {
    let data = input::read_up_to(path, "a kit's text or scanned sheet", scan::MAX_SCAN_BYTES)?;
    let name = input::name(path);
    if let Some(kind) = ScanKind::of(&data) {
        let scanned = scan::read(&data).map_err(|e| in_file(&name, e))?;
        if scanned.codes == 0 {
            return Ok(None);
        }
        let images = match (kind, scanned.images) {
            (ScanKind::Pdf, 1) => "1 page".to_owned(),
            (ScanKind::Pdf, n) => format!("{n} pages"),
            _ => "the image".to_owned(),
        };
        let codes = match scanned.codes {
            1 => "1 code".to_owned(),
            n => format!("{n} codes"),
        };
        output::progress(&format!("{name}: read {codes} on {images}"));
        return Ok(Some(scanned.text));
    }
    if data.len() > MAX_TEXT_BYTES {
        return Err(Failure::new(
            Code::InvalidInput,
            format!("{name} is larger than 1 MiB: not the text of a kit"),
        ));
    }
    let text = std::str::from_utf8(&data).map_err(|_| {
        Failure::new(
            Code::InvalidInput,
            format!(
                "{name} is not UTF-8 text or a PNG, JPEG or PDF scan: give a scanned \
                 sheet, the text of its codes (zbarimg --raw), the typed lines or the \
                 share words"
            ),
        )
    })?;
    Ok(Some(Zeroizing::new(text.to_owned())))
}

/// A kit error, its message prefixed with the file it is about.
fn in_file(name: &str, error: KitError) -> Failure {
    let failure = Failure::from(error);
    Failure::new(failure.code, format!("{name}: {}", failure.message))
}

/// The largest text file read: far more than any kit (99 codes of 1000 characters).
const MAX_TEXT_BYTES: usize = 1 << 20;

/// The age identity in an identity file: its first line starting `AGE-SECRET-KEY-1`
/// (`age-keygen` writes comments before it).
fn read_identity(path: &Path) -> Result<Zeroizing<String>, Failure> {
    let data = input::read(path, "an age identity file")?;
    std::str::from_utf8(&data)
        .ok()
        .and_then(|text| {
            text.lines()
                .map(str::trim)
                .find(|l| l.starts_with("AGE-SECRET-KEY-1"))
        })
        .map(|line| Zeroizing::new(line.to_owned()))
        .ok_or_else(|| {
            Failure::new(
                Code::InvalidInput,
                format!(
                    "--identity: {} holds no age identity (a line starting with \
                     AGE-SECRET-KEY-1)",
                    input::name(path)
                ),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escrow_payloads_are_told_from_passphrase_ones() {
        assert!(to_recipient(b"age-encryption.org/v1\n-> X25519 abc\n"));
        assert!(!to_recipient(b"age-encryption.org/v1\n-> scrypt abc 18\n"));
        assert!(!to_recipient(b"Keywarden recovery kit, format 1\n"));
    }
}
