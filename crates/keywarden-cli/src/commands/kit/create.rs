//! `kit create`: a recovery kit of some keys, as one printable PDF per sheet and the
//! machine-readable payload, written into a directory whole or not at all, and only
//! then entered in the custody register (audited `kit-created`, as is a failure).

use std::fs;
use std::path::{Path, PathBuf};

use keywarden_core::kit;
use keywarden_core::vault::{KitLock, KitRequest, MIN_KIT_PASSPHRASE_CHARS, PreparedKit};
use zeroize::Zeroizing;

use super::{kit_passphrase_source, passphrase_text};
use crate::args::{KitCreateArgs, KitKindArg};
use crate::failure::{Code, Failure};
use crate::outfile::{self, PendingFile, SECRET_MODE};
use crate::output::{self, KitCreated, KitFile, KitFileContent, Report};
use crate::session::{Session, display};

/// Makes the kit. Everything that can be checked without the vault is checked first
/// (the directory, the options for the kind, the kit passphrase); the vault passphrase
/// is asked again before anything is made; the files are written before the kit enters
/// the register, and removed again if it cannot.
///
/// # Errors
/// [`Code::Usage`] for options that do not fit the kind, an unencrypted kit without
/// `--yes-unencrypted`, a kit passphrase that cannot be asked; [`Code::InvalidInput`]
/// for a threshold out of range or a short kit passphrase; [`Code::FileExists`] for a
/// directory that holds files (without `--force`); what [`Session::unlock`] reports; a
/// wrong passphrase given again (`wrong_passphrase`, audited); the engine's refusals (a
/// key not in use, bad custodians, a recipient that is not an age recipient); a file
/// that cannot be written (`io`, audited as a failed `kit-created`).
pub fn run(session: &Session, args: &KitCreateArgs) -> Result<Report, Failure> {
    // The directory first: a kit passphrase typed twice is not wasted on it.
    outfile::check_dir(&args.out, args.force)?;
    let (mut lock, generated) = lock_of(args)?;
    let mut unlocked = session.unlock()?;
    let vault = &mut unlocked.vault;
    let keys = args
        .keys
        .iter()
        .map(|reference| vault.find(reference).map(|r| r.id))
        .collect::<Result<Vec<_>, _>>()?;
    let one_custodian = match &mut lock {
        KitLock::Personal { custodian, .. } | KitLock::Unencrypted { custodian } => Some(custodian),
        KitLock::Vault { custodians, .. } if custodians.len() == 1 => custodians.first_mut(),
        _ => None,
    };
    if let Some(custodian) = one_custodian
        && custodian.trim().is_empty()
    {
        vault.actor().clone_into(custodian);
    }
    let passphrase = session
        .passphrase_source("Passphrase again, to make a recovery kit")
        .existing()?;
    let request = KitRequest {
        keys,
        lock,
        paper: args.paper,
    };
    let prepared = vault.prepare_kit(request, &passphrase, unlocked.key_file.as_ref())?;
    let written = match write(&args.out, &prepared, args.force) {
        Ok(written) => written,
        Err(failure) => {
            // The failure is what the person needs to hear; failing to record it too is
            // not allowed to hide it.
            let _ = vault.record_kit_failure(&prepared, &failure.message);
            return Err(failure);
        }
    };
    let record = match vault.register_kit(prepared) {
        Ok(record) => record.clone(),
        Err(e) => {
            written.remove();
            let failure = Failure::from(e);
            return Err(Failure::new(
                failure.code,
                format!(
                    "{}; the kit could not be entered in the register, so its files were \
                     removed again",
                    failure.message
                ),
            ));
        }
    };
    Ok(Report::KitCreated(Box::new(KitCreated {
        record,
        dir: args.out.clone(),
        files: written.files,
        kit_passphrase: generated,
    })))
}

/// The kit's lock from the options, checked against its kind; for a personal kit, with
/// its passphrase (and the passphrase again when it was generated, to show once). The
/// custodian of a one-sheet kit is left empty when not given: the actor, once known.
fn lock_of(args: &KitCreateArgs) -> Result<(KitLock, Option<Zeroizing<String>>), Failure> {
    let kind = args.kind.id();
    let given = [
        ("--custodian", !args.custodians.is_empty()),
        ("--threshold", args.threshold.is_some()),
        ("--recipient", args.recipient.is_some()),
        ("--agent", args.agent.is_some()),
        ("--kit-passphrase-file", args.kit_passphrase_file.is_some()),
        ("--generate-passphrase", args.generate_passphrase),
        ("--yes-unencrypted", args.yes_unencrypted),
    ];
    let allowed: &[&str] = match args.kind {
        KitKindArg::Personal => &[
            "--custodian",
            "--kit-passphrase-file",
            "--generate-passphrase",
        ],
        KitKindArg::Split | KitKindArg::Vault => &["--custodian", "--threshold"],
        KitKindArg::Escrow => &["--recipient", "--agent"],
        KitKindArg::Unencrypted => &["--custodian", "--yes-unencrypted"],
    };
    match (args.kind, args.keys.is_empty()) {
        (KitKindArg::Vault, false) => {
            return Err(Failure::usage(
                "a vault recovery kit holds no keys (it opens the whole vault): name none",
            ));
        }
        (KitKindArg::Vault, true) | (_, false) => {}
        (_, true) => {
            return Err(Failure::usage(format!(
                "name the keys a {kind} kit holds: ids, names or id prefixes"
            )));
        }
    }
    if let Some((option, _)) = given.iter().find(|(o, g)| *g && !allowed.contains(o)) {
        return Err(Failure::usage(format!(
            "{option} does not go with --kind {kind}"
        )));
    }
    let one_custodian = || match &args.custodians[..] {
        [] => Ok(String::new()),
        [one] => Ok(one.clone()),
        _ => Err(Failure::usage(format!(
            "a {kind} kit is one sheet: give --custodian once (a split kit gives each \
             custodian a sheet)"
        ))),
    };
    Ok(match args.kind {
        KitKindArg::Personal => {
            let custodian = one_custodian()?;
            let (passphrase, generated) = kit_passphrase(args)?;
            (
                KitLock::Personal {
                    passphrase,
                    custodian,
                },
                generated,
            )
        }
        KitKindArg::Unencrypted => {
            if !args.yes_unencrypted {
                return Err(Failure::usage(
                    "an unencrypted kit is not protected at all: anyone who holds, copies or \
                     photographs the sheet has the keys. Give --yes-unencrypted to make one \
                     anyway, or make a personal kit",
                ));
            }
            let custodian = one_custodian()?;
            (KitLock::Unencrypted { custodian }, None)
        }
        KitKindArg::Split => {
            let Some(threshold) = args.threshold else {
                return Err(Failure::usage(
                    "a split kit needs --threshold M: how many sheets recover the keys",
                ));
            };
            let count = args.custodians.len();
            if count < 2 {
                return Err(Failure::usage(
                    "a split kit needs two or more --custodian NAME, one per sheet",
                ));
            }
            if threshold < 2 || usize::from(threshold) > count {
                return Err(Failure::new(
                    Code::InvalidInput,
                    format!(
                        "--threshold must be from 2 to the number of custodians ({count}), \
                         not {threshold}"
                    ),
                ));
            }
            let custodians = args.custodians.clone();
            (
                KitLock::Split {
                    threshold,
                    custodians,
                },
                None,
            )
        }
        KitKindArg::Vault => {
            let custodians = if args.custodians.is_empty() {
                vec![String::new()]
            } else {
                args.custodians.clone()
            };
            let count = custodians.len();
            let threshold = match (args.threshold, count) {
                (None, 1) => 1,
                (Some(t), _) if t >= 2 && usize::from(t) <= count => t,
                (Some(t), 1) => {
                    return Err(Failure::usage(format!(
                        "--threshold {t} needs that many --custodian NAME at least, one per \
                         sheet; a vault kit of one sheet needs no --threshold"
                    )));
                }
                (None, _) => {
                    return Err(Failure::usage(
                        "a vault kit of several sheets needs --threshold M: how many open \
                         the vault",
                    ));
                }
                (Some(t), _) => {
                    return Err(Failure::new(
                        Code::InvalidInput,
                        format!(
                            "--threshold must be from 2 to the number of custodians \
                             ({count}), not {t}"
                        ),
                    ));
                }
            };
            (
                KitLock::Vault {
                    threshold,
                    custodians,
                },
                None,
            )
        }
        KitKindArg::Escrow => {
            let (Some(recipient), Some(agent)) = (&args.recipient, &args.agent) else {
                return Err(Failure::usage(
                    "an escrow kit needs --recipient age1… (the agent's age public key) and \
                     --agent NAME",
                ));
            };
            let (recipient, agent) = (recipient.clone(), agent.clone());
            (KitLock::Escrow { recipient, agent }, None)
        }
    })
}

/// A personal kit's passphrase: generated (and kept to show once), from
/// `--kit-passphrase-file`, or asked twice on the terminal.
fn kit_passphrase(
    args: &KitCreateArgs,
) -> Result<(Zeroizing<String>, Option<Zeroizing<String>>), Failure> {
    if args.generate_passphrase {
        let passphrase = kit::generate_passphrase();
        let shown = Zeroizing::new(passphrase.as_str().to_owned());
        return Ok((passphrase, Some(shown)));
    }
    let prompt = "Kit passphrase (to write on the sheet by hand)";
    let given = kit_passphrase_source(args.kit_passphrase_file.as_deref(), prompt).new_one()?;
    let text = Zeroizing::new(passphrase_text(&given)?.to_owned());
    if text.trim().chars().count() < MIN_KIT_PASSPHRASE_CHARS {
        return Err(Failure::new(
            Code::InvalidInput,
            format!(
                "the kit passphrase must have at least {MIN_KIT_PASSPHRASE_CHARS} characters \
                 (--generate-passphrase makes one that is easy to write down)"
            ),
        ));
    }
    Ok((text, None))
}

/// The files of a kit put in place, and whether their directory was made for them.
struct Written {
    files: Vec<KitFile>,
    dir: PathBuf,
    made_dir: bool,
}

impl Written {
    /// Removes the files again (and the directory, if it was made for them), warning
    /// about any that stays.
    fn remove(&self) {
        for file in &self.files {
            if fs::remove_file(&file.path).is_err() {
                output::warn(&format!(
                    "{} could not be removed: remove it",
                    output::clean(&display(&file.path))
                ));
            }
        }
        if self.made_dir {
            let _ = fs::remove_dir(&self.dir);
        }
    }
}

/// Writes every sheet and the payload into `dir` (made if missing, mode 0700), mode
/// 0600: each under a temporary name first, and only when all are written, put in
/// place. On a failure, what was put in place is removed again.
fn write(dir: &Path, kit: &PreparedKit, force: bool) -> Result<Written, Failure> {
    let planned = plan(dir, kit);
    let made_dir = outfile::make_private_dir(dir)?;
    let mut written = Written {
        files: Vec::with_capacity(planned.len()),
        dir: dir.to_owned(),
        made_dir,
    };
    match place_all(&planned, force, &mut written.files) {
        Ok(()) => Ok(written),
        Err(failure) => {
            written.remove();
            Err(failure)
        }
    }
}

/// Every file of the kit and its bytes: the sheets, in share order, then the payload.
fn plan<'a>(dir: &Path, kit: &'a PreparedKit) -> Vec<(KitFile, &'a [u8])> {
    let names = kit.file_names();
    let mut files: Vec<(KitFile, &[u8])> = kit
        .sheets
        .iter()
        .zip(&names)
        .map(|(sheet, name)| {
            let file = KitFile {
                path: dir.join(name),
                content: KitFileContent::Sheet {
                    custodian: sheet.custodian.clone(),
                    share: sheet.share,
                },
            };
            (file, &sheet.pdf[..])
        })
        .collect();
    if let Some(name) = names.get(kit.sheets.len()) {
        let payload = KitFile {
            path: dir.join(name),
            content: KitFileContent::Payload,
        };
        files.push((payload, &kit.payload[..]));
    }
    files
}

/// Makes and writes every temporary file, then puts each in place, noting in `placed`
/// those that are.
fn place_all(
    planned: &[(KitFile, &[u8])],
    force: bool,
    placed: &mut Vec<KitFile>,
) -> Result<(), Failure> {
    let mut pending = Vec::with_capacity(planned.len());
    for (file, bytes) in planned {
        let mut temp = PendingFile::create(&file.path, SECRET_MODE, force)?;
        temp.write(bytes)?;
        pending.push(temp);
    }
    for (temp, (file, _)) in pending.into_iter().zip(planned) {
        temp.place()?;
        placed.push(file.clone());
    }
    Ok(())
}
