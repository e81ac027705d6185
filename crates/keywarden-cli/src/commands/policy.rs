//! `keywarden policy …`: show the vault's key-management policy, or change one setting.

use crate::args::PolicyCommand;
use crate::failure::{Code, Failure};
use crate::output::{PolicyChange, Report};
use crate::session::Session;

/// Runs one `policy` command.
///
/// # Errors
/// Everything [`Session::unlock`] reports; an unknown setting or a value out of range
/// (`invalid_input`); a reason left empty; a storage failure. A refused change leaves
/// the policy as it was.
pub fn run(session: &Session, command: &PolicyCommand) -> Result<Report, Failure> {
    if let PolicyCommand::Set { reason, .. } = command
        && reason.trim().is_empty()
    {
        return Err(Failure::new(
            Code::InvalidInput,
            "reason: say why; the reason is kept in the audit log",
        ));
    }
    let mut vault = session.unlock()?.vault;
    match command {
        PolicyCommand::Show => Ok(Report::Policy {
            entries: vault.policy().entries(),
            change: None,
        }),
        PolicyCommand::Set {
            name,
            value,
            reason,
        } => {
            let name = name.trim();
            let mut policy = vault.policy().clone();
            policy.set(name, value)?;
            let value_of = |entries: Vec<(String, String)>| {
                entries
                    .into_iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v)
                    .unwrap_or_default()
            };
            let previous = value_of(vault.policy().entries());
            let value = value_of(policy.entries());
            vault.set_policy(policy, reason)?;
            Ok(Report::Policy {
                entries: vault.policy().entries(),
                change: Some(PolicyChange {
                    name: name.to_owned(),
                    previous,
                    value,
                }),
            })
        }
    }
}
