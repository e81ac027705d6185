//! Gathering shares one by one, as a person types them in, with progress and a precise
//! refusal of any share that does not belong.

use std::collections::BTreeMap;

use zeroize::Zeroizing;

use super::cipher::{self, CipherParams};
use super::error::Parameter;
use super::shamir::{self, RawShare};
use super::{Share, Slip39Error};

/// Collects the shares of one split and recovers the secret once enough are in.
///
/// The first share fixes the set (identifier, flags, group threshold and count, length);
/// any later share must agree, and shares of one group must agree on the member
/// threshold. An exact repeat and a different share with a taken member index are
/// refused, each with its own error, and leave the collector unchanged.
///
/// Unlike [`combine`](super::combine), the collector accepts more shares than needed:
/// it recovers from the first `group threshold` complete groups (lowest group index
/// first), with the `member threshold` lowest-indexed shares of each.
#[derive(Debug, Default, Clone)]
pub struct Collector {
    /// Groups by group index; each holds its shares by member index.
    groups: BTreeMap<u8, BTreeMap<u8, Share>>,
}

/// How far a collection is: what is needed, and what each group has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Groups needed (0 before the first share).
    pub group_threshold: u8,
    /// Groups in the split (0 before the first share).
    pub group_count: u8,
    /// The groups that have at least one share, by group index.
    pub groups: Vec<GroupProgress>,
}

/// One group's progress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupProgress {
    /// The group index, from 0.
    pub group_index: u8,
    /// Shares collected.
    pub have: u8,
    /// The member threshold.
    pub need: u8,
}

impl GroupProgress {
    /// Whether the group has all the shares it needs.
    pub fn is_complete(&self) -> bool {
        self.have >= self.need
    }
}

impl Progress {
    /// How many groups have all the shares they need.
    pub fn complete_groups(&self) -> u8 {
        let complete = self.groups.iter().filter(|g| g.is_complete()).count();
        u8::try_from(complete).unwrap_or(u8::MAX)
    }

    /// Whether enough groups are complete to recover the secret.
    pub fn is_complete(&self) -> bool {
        self.group_threshold > 0 && self.complete_groups() >= self.group_threshold
    }
}

impl Collector {
    /// An empty collector.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses a mnemonic and adds it; see [`Collector::add_share`].
    ///
    /// # Errors
    /// Any error of [`Share::parse`] or [`Collector::add_share`].
    pub fn add(&mut self, mnemonic: &str) -> Result<Progress, Slip39Error> {
        self.add_share(Share::parse(mnemonic)?)
    }

    /// Adds a share and returns the progress.
    ///
    /// # Errors
    /// [`Slip39Error::Mismatch`] for a share of another set or a contradicting one,
    /// [`Slip39Error::DuplicateShare`] for a repeat, and
    /// [`Slip39Error::DuplicateMemberIndex`] for another share with a taken index.
    pub fn add_share(&mut self, share: Share) -> Result<Progress, Slip39Error> {
        if let Some(first) = self.first() {
            check_same_set(first, &share)?;
        }
        let group = self.groups.entry(share.group_index()).or_default();
        if let Some(member) = group.values().next()
            && member.member_threshold() != share.member_threshold()
        {
            return Err(Slip39Error::Mismatch(Parameter::MemberThreshold));
        }
        if let Some(existing) = group.get(&share.member_index()) {
            let (group, member) = (share.group_index() + 1, share.member_index() + 1);
            return Err(if *existing == share {
                Slip39Error::DuplicateShare { group, member }
            } else {
                Slip39Error::DuplicateMemberIndex { group, member }
            });
        }
        group.insert(share.member_index(), share);
        Ok(self.progress())
    }

    /// The progress so far.
    pub fn progress(&self) -> Progress {
        let first = self.first();
        Progress {
            group_threshold: first.map_or(0, Share::group_threshold),
            group_count: first.map_or(0, Share::group_count),
            groups: self
                .groups
                .iter()
                .filter_map(|(&group_index, members)| {
                    let need = members.values().next()?.member_threshold();
                    Some(GroupProgress {
                        group_index,
                        have: u8::try_from(members.len()).unwrap_or(u8::MAX),
                        need,
                    })
                })
                .collect(),
        }
    }

    /// The shares collected, by group then member index.
    pub fn shares(&self) -> impl Iterator<Item = &Share> {
        self.groups.values().flat_map(BTreeMap::values)
    }

    /// Recovers the master secret with the passphrase.
    ///
    /// A wrong passphrase cannot be detected: it gives a different secret, without
    /// error (SLIP-39 by design; see `docs/slip39.md`).
    ///
    /// # Errors
    /// [`Slip39Error::NoShares`], [`Slip39Error::NotEnoughGroups`] or
    /// [`Slip39Error::NotEnoughMembers`] when too few shares are in,
    /// [`Slip39Error::Passphrase`] for a passphrase outside printable ASCII, and
    /// [`Slip39Error::InvalidDigest`] when the shares do not fit together.
    pub fn combine(&self, passphrase: &[u8]) -> Result<Zeroizing<Vec<u8>>, Slip39Error> {
        super::check_passphrase(passphrase)?;
        let first = self.first().ok_or(Slip39Error::NoShares)?;
        let group_shares = self.recover_groups(first.group_threshold())?;
        let encrypted = shamir::recover_secret(first.group_threshold(), &group_shares)?;
        let params = CipherParams {
            identifier: first.identifier(),
            extendable: first.extendable(),
            iteration_exponent: first.iteration_exponent(),
        };
        Ok(cipher::decrypt(&encrypted, passphrase, params))
    }

    /// The group shares of the first `group_threshold` complete groups.
    fn recover_groups(&self, group_threshold: u8) -> Result<Vec<RawShare>, Slip39Error> {
        let progress = self.progress();
        if !progress.is_complete() {
            return Err(shortfall(&progress));
        }
        self.groups
            .iter()
            .filter(|(_, members)| complete(members))
            .take(usize::from(group_threshold))
            .map(|(&group_index, members)| {
                let threshold = members.values().next().map_or(1, Share::member_threshold);
                let raw: Vec<RawShare> = members
                    .values()
                    .take(usize::from(threshold))
                    .map(|s| RawShare {
                        x: s.member_index(),
                        value: Zeroizing::new(s.value().to_vec()),
                    })
                    .collect();
                Ok(RawShare {
                    x: group_index,
                    value: shamir::recover_secret(threshold, &raw)?,
                })
            })
            .collect()
    }

    /// The first share added (the lowest-indexed one: all agree on the set).
    fn first(&self) -> Option<&Share> {
        self.shares().next()
    }
}

/// Whether a group has at least its member threshold of shares.
fn complete(members: &BTreeMap<u8, Share>) -> bool {
    members
        .values()
        .next()
        .is_some_and(|s| members.len() >= usize::from(s.member_threshold()))
}

/// The error that says what is missing: groups first, then the first short group.
pub(super) fn shortfall(progress: &Progress) -> Slip39Error {
    let have = u8::try_from(progress.groups.len()).unwrap_or(u8::MAX);
    if have < progress.group_threshold {
        return Slip39Error::NotEnoughGroups {
            have,
            need: progress.group_threshold,
        };
    }
    match progress.groups.iter().find(|g| !g.is_complete()) {
        Some(g) => Slip39Error::NotEnoughMembers {
            group: g.group_index + 1,
            have: g.have,
            need: g.need,
        },
        None => Slip39Error::NoShares,
    }
}

/// Checks that two shares are of one split: the first differing parameter, if any.
fn check_same_set(first: &Share, share: &Share) -> Result<(), Slip39Error> {
    let checks = [
        (
            first.identifier() == share.identifier(),
            Parameter::Identifier,
        ),
        (
            first.extendable() == share.extendable(),
            Parameter::Extendable,
        ),
        (
            first.iteration_exponent() == share.iteration_exponent(),
            Parameter::IterationExponent,
        ),
        (
            first.group_threshold() == share.group_threshold(),
            Parameter::GroupThreshold,
        ),
        (
            first.group_count() == share.group_count(),
            Parameter::GroupCount,
        ),
        (
            first.value().len() == share.value().len(),
            Parameter::Length,
        ),
    ];
    match checks.iter().find(|(same, _)| !same) {
        Some(&(_, parameter)) => Err(Slip39Error::Mismatch(parameter)),
        None => Ok(()),
    }
}
