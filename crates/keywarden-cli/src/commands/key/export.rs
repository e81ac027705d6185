//! `key export-public` and `key export`: a key's public part, freely; its secret
//! material, only after the passphrase is given again. Both are audited by the engine
//! (`public-exported`, `secret-exported`); files are written whole or not at all.

use keywarden_core::material::Jwk;
use keywarden_core::{Algorithm, Family, KeyRecord, KeyState, SecretUse, UnlockedVault};
use zeroize::Zeroizing;

use super::{confirm_printing, version_failure};
use crate::args::{ExportArgs, ExportPublicArgs};
use crate::failure::{Code, Failure};
use crate::key_format::KeyFormat;
use crate::outfile::{self, PUBLIC_MODE, PendingFile, SECRET_MODE, Target};
use crate::output::{self, Destination, Exported, Report};
use crate::session::{Session, Unlocked};
use crate::terminal;

/// Room for the JSON text of any JWK Keywarden writes (an RSA-4096 private JWK is about
/// 3.2 KB), reserved up front so that the secret is never copied by a growing buffer.
const JWK_CAPACITY: usize = 16 * 1024;

/// What `key export-public` can check before the passphrase is asked.
///
/// # Errors
/// [`Code::Usage`] for a private format or DER for a terminal; [`Code::FileExists`].
pub fn check_public(args: &ExportPublicArgs) -> Result<(), Failure> {
    if let KeyFormat::Standard(format) = args.format
        && format.is_private()
    {
        return Err(Failure::usage(format!(
            "{} is a private format: key export-public writes spki-pem, spki-der, \
             openssh-public, jwk or age-recipient (key export writes secrets)",
            format.id()
        )));
    }
    check_target(
        &Target::from_arg(args.out.as_deref()),
        args.format,
        args.force,
    )
}

/// What `key export` can check before the passphrase is asked.
///
/// # Errors
/// [`Code::Usage`] for a public format, DER for a terminal, or a terminal on standard
/// output that standard input cannot confirm; [`Code::FileExists`].
pub fn check_secret(args: &ExportArgs) -> Result<(), Failure> {
    if let KeyFormat::Standard(format) = args.format
        && !format.is_private()
    {
        return Err(Failure::usage(format!(
            "{} is a public format: use key export-public for it",
            format.id()
        )));
    }
    let target = Target::from_arg(Some(&args.out));
    check_target(&target, args.format, args.force)?;
    if target == Target::Stdout
        && !args.yes
        && terminal::stdout_is_terminal()
        && !terminal::is_interactive()
    {
        return Err(Failure::usage(
            "the secret would be printed on a terminal and standard input cannot confirm \
             it: add --yes, or redirect standard output, or give --out FILE",
        ));
    }
    Ok(())
}

/// DER is never printed on a terminal; a file must be free unless `--force`.
fn check_target(target: &Target, format: KeyFormat, force: bool) -> Result<(), Failure> {
    match target {
        Target::Stdout if format.is_binary() && terminal::stdout_is_terminal() => {
            Err(Failure::usage(format!(
                "{} is binary and standard output is a terminal: give --out FILE, or \
                 redirect standard output",
                format.id()
            )))
        }
        Target::Stdout => Ok(()),
        Target::File(path) => outfile::check_free(path, force),
    }
}

/// `key export-public`: the public part of the key's version in the format asked for,
/// on standard output or in a file of mode 0644. No passphrase beyond unlocking.
///
/// # Errors
/// An unknown key or version; [`Code::InvalidInput`] for a key without a public part
/// or without this form; a file that cannot be written.
pub fn public(vault: &mut UnlockedVault, args: &ExportPublicArgs) -> Result<Report, Failure> {
    let record = vault.find(&args.reference)?.clone();
    let (version, algorithm) = version_of(&record, args.version)?;
    if algorithm.family() != Family::Asymmetric {
        return Err(Failure::new(
            Code::InvalidInput,
            format!(
                "\"{}\" is a {} key, which has no public part; key export writes its secret",
                output::clean(&record.name),
                algorithm.id()
            ),
        ));
    }
    supported(args.format, algorithm, false)?;
    let target = Target::from_arg(args.out.as_deref());
    // Before the export is recorded: an unwritable directory is reported first.
    let pending = pending_file(&target, PUBLIC_MODE, args.force)?;
    let public = vault
        .export_public(&record.id, args.version, args.format.id())
        .map_err(|e| version_failure(e, &record.name, args.version))?;
    let comment = args.comment.as_deref().unwrap_or(&record.name);
    let bytes = match args.format {
        KeyFormat::Standard(format) => Zeroizing::new(public.export(format, comment)?),
        KeyFormat::Jwk => jwk_text(&public.to_jwk()?)?,
    };
    let destination = put(pending, &target, PUBLIC_MODE, bytes)?;
    Ok(Report::Exported(Box::new(Exported {
        id: record.id.to_string(),
        name: record.name,
        version,
        algorithm: algorithm.id(),
        format: args.format.id(),
        secret: false,
        fingerprints: public.fingerprints(),
        destination,
    })))
}

/// `key export`: the secret material of the key's version in the format asked for, in a
/// new file of mode 0600 (or on standard output with `--out -`), after the passphrase
/// is given again.
///
/// # Errors
/// An unknown key or version; [`Code::InvalidInput`] for a format the key has no form
/// in; [`Code::NotConfirmed`]; a wrong passphrase (nothing is written); a file that
/// cannot be written.
pub fn secret(
    session: &Session,
    unlocked: &mut Unlocked,
    args: &ExportArgs,
) -> Result<Report, Failure> {
    let record = unlocked.vault.find(&args.reference)?.clone();
    let (version, algorithm) = version_of(&record, args.version)?;
    supported(args.format, algorithm, true)?;
    let target = Target::from_arg(Some(&args.out));
    if target == Target::Stdout && !args.yes && terminal::stdout_is_terminal() {
        confirm_printing(&record.name, "nothing was exported")?;
    }
    // Before the passphrase is asked: an unwritable directory is reported first, and a
    // refusal from here on removes the temporary file.
    let pending = pending_file(&target, SECRET_MODE, args.force)?;
    let prompt = format!(
        "Passphrase again, to export \"{}\"",
        output::clean(&record.name)
    );
    let passphrase = session.passphrase_source(&prompt).existing()?;
    let key = unlocked
        .vault
        .use_secret(
            &record.id,
            args.version,
            SecretUse::Export(args.format.id()),
            &passphrase,
            unlocked.key_file.as_ref(),
        )
        .map_err(|e| version_failure(e, &record.name, args.version))?;
    let comment = args.comment.as_deref().unwrap_or(&record.name);
    let bytes = match args.format {
        KeyFormat::Standard(format) => key.export(format, comment)?,
        KeyFormat::Jwk => jwk_text(&key.to_jwk(true)?)?,
    };
    let destination = put(pending, &target, SECRET_MODE, bytes)?;
    Ok(Report::Exported(Box::new(Exported {
        id: record.id.to_string(),
        name: record.name,
        version,
        algorithm: algorithm.id(),
        format: args.format.id(),
        secret: true,
        fingerprints: key.fingerprints(),
        destination,
    })))
}

/// The version asked for (or the current one) and its algorithm. A destroyed key has
/// no material left: refused here, before any passphrase is asked.
fn version_of(record: &KeyRecord, version: Option<u32>) -> Result<(u32, Algorithm), Failure> {
    if record.state == KeyState::Destroyed {
        return Err(Failure::new(
            Code::NotAllowed,
            format!(
                "the key \"{}\" was destroyed; its material is gone",
                output::clean(&record.name)
            ),
        ));
    }
    let number = version.unwrap_or(record.current_version);
    record
        .versions
        .iter()
        .find(|v| v.number == number)
        .map(|v| (number, v.algorithm))
        .ok_or_else(|| {
            Failure::new(
                Code::KeyNotFound,
                format!(
                    "\"{}\" has no version {number}",
                    output::clean(&record.name)
                ),
            )
        })
}

/// Refuses a format the key has no form in, naming those it has.
fn supported(format: KeyFormat, algorithm: Algorithm, private: bool) -> Result<(), Failure> {
    if format.supports(algorithm, private) {
        return Ok(());
    }
    let part = if private { "secret" } else { "public" };
    Err(Failure::new(
        Code::InvalidInput,
        format!(
            "{} keys have no {} {part} form; they have: {}",
            algorithm.id(),
            format.id(),
            KeyFormat::ids_for(algorithm, private).join(", ")
        ),
    ))
}

/// The temporary file for a file target.
fn pending_file(target: &Target, mode: u32, force: bool) -> Result<Option<PendingFile>, Failure> {
    match target {
        Target::Stdout => Ok(None),
        Target::File(path) => PendingFile::create(path, mode, force).map(Some),
    }
}

/// Writes the file, or keeps the bytes for standard output.
fn put(
    pending: Option<PendingFile>,
    target: &Target,
    mode: u32,
    bytes: Zeroizing<Vec<u8>>,
) -> Result<Destination, Failure> {
    Ok(match (pending, target) {
        (Some(file), Target::File(path)) => {
            file.commit(&bytes)?;
            Destination::File {
                path: path.clone(),
                mode,
            }
        }
        _ => Destination::Stdout(bytes),
    })
}

/// A JWK as pretty JSON text and a final line break, in a buffer wiped on drop.
fn jwk_text(jwk: &Jwk) -> Result<Zeroizing<Vec<u8>>, Failure> {
    let mut out = Zeroizing::new(Vec::with_capacity(JWK_CAPACITY));
    serde_json::to_writer_pretty(&mut *out, jwk)
        .map_err(|e| Failure::new(Code::Internal, format!("cannot encode the JWK: {e}")))?;
    out.push(b'\n');
    Ok(out)
}
