//! Why a SLIP-39 operation failed, in words a person can act on.
//!
//! No error carries a share value or a secret. [`Slip39Error::UnknownWord`] quotes the
//! word as typed and list words it resembles: show it to the person typing, and do not
//! log it. Numbers shown to people (word positions, group and member numbers) count
//! from 1.

use std::fmt;

/// A share parameter on which two shares that should belong together disagree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Parameter {
    /// The 15-bit identifier of the share set (the first two words).
    Identifier,
    /// The extendable backup flag.
    Extendable,
    /// The iteration exponent of the encryption.
    IterationExponent,
    /// How many groups are needed.
    GroupThreshold,
    /// How many groups there are.
    GroupCount,
    /// How many members of a group are needed.
    MemberThreshold,
    /// The length of the share value (of the secret).
    Length,
}

impl fmt::Display for Parameter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Identifier => "identifier (first two words)",
            Self::Extendable => "extendable backup flag",
            Self::IterationExponent => "iteration exponent",
            Self::GroupThreshold => "group threshold",
            Self::GroupCount => "group count",
            Self::MemberThreshold => "member threshold",
            Self::Length => "length",
        })
    }
}

/// Why splitting, parsing or combining SLIP-39 shares failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Slip39Error {
    // ---- One mnemonic ----
    /// A word is not in the SLIP-39 word list.
    #[error(
        "word {position} ({word:?}) is not a SLIP-39 word{}",
        did_you_mean(suggestions)
    )]
    UnknownWord {
        /// Its position in the mnemonic, from 1.
        position: usize,
        /// The word as typed (cut to 40 characters).
        word: String,
        /// List words it resembles, best first (maybe none).
        suggestions: Vec<&'static str>,
    },

    /// The mnemonic has a number of words that no SLIP-39 share has.
    #[error(
        "a share of {count} words is not valid: SLIP-39 shares have 20 words (128-bit \
         secret) to 59 words (512-bit secret), for example 20 or 33"
    )]
    WordCount {
        /// How many words were given.
        count: usize,
    },

    /// The checksum (the last three words) does not match the other words.
    #[error("{}", checksum_message(*suspect))]
    Checksum {
        /// The position (from 1) of the only word whose change alone could make the
        /// checksum valid, when there is exactly one such position.
        suspect: Option<usize>,
    },

    /// The share value's padding bits are not zero: not a share any implementation makes.
    #[error("the share is not valid: its padding bits are not zero")]
    Padding,

    /// The share says more groups are needed than there are.
    #[error("the share is not valid: it needs {threshold} groups but says there are only {count}")]
    GroupThresholdAboveCount {
        /// The group threshold it states.
        threshold: u8,
        /// The group count it states.
        count: u8,
    },

    // ---- A set of mnemonics ----
    /// No mnemonic was given.
    #[error("no share was given")]
    NoShares,

    /// A share is from another set than the ones before it, or contradicts them.
    #[error("this share does not belong with the others: its {0} differs")]
    Mismatch(Parameter),

    /// The same share was given twice.
    #[error("share {member} of group {group} was given twice")]
    DuplicateShare {
        /// The group number, from 1.
        group: u8,
        /// The member number, from 1.
        member: u8,
    },

    /// Two different shares claim the same member index in the same group.
    #[error(
        "two different shares both claim to be share {member} of group {group}: one of \
         them is wrong"
    )]
    DuplicateMemberIndex {
        /// The group number, from 1.
        group: u8,
        /// The member number, from 1.
        member: u8,
    },

    /// Shares of too few groups were given.
    #[error("shares of {have} group(s) were given, but {need} groups are needed")]
    NotEnoughGroups {
        /// Groups with at least one share.
        have: u8,
        /// The group threshold.
        need: u8,
    },

    /// A group has too few shares.
    #[error("group {group} has {have} of the {need} shares it needs")]
    NotEnoughMembers {
        /// The group number, from 1.
        group: u8,
        /// Shares given for it.
        have: u8,
        /// Its member threshold.
        need: u8,
    },

    /// Shares of more groups than the group threshold were given to [`combine`],
    /// which the spec forbids (the collector picks the groups itself).
    ///
    /// [`combine`]: super::combine
    #[error("shares of {have} groups were given, but exactly {need} are needed")]
    TooManyGroups {
        /// Groups with at least one share.
        have: u8,
        /// The group threshold.
        need: u8,
    },

    /// A group has more shares than its threshold in [`combine`], which the spec
    /// forbids (the collector picks the shares itself).
    ///
    /// [`combine`]: super::combine
    #[error("group {group} has {have} shares, but exactly {need} are needed")]
    TooManyMembers {
        /// The group number, from 1.
        group: u8,
        /// Shares given for it.
        have: u8,
        /// Its member threshold.
        need: u8,
    },

    /// The shares are well-formed and consistent, but the secret they give fails its
    /// digest check: at least one share is wrong (altered, or made for another secret).
    /// A wrong passphrase does not cause this: SLIP-39 cannot detect one.
    #[error(
        "the shares do not fit together (the recovered secret fails its check): at least \
         one of them is wrong"
    )]
    InvalidDigest,

    // ---- Splitting ----
    /// The master secret is too short, too long or of odd length.
    #[error("the secret is {len} bytes; SLIP-39 needs an even number of bytes from 16 to 64")]
    SecretLength {
        /// Its length in bytes.
        len: usize,
    },

    /// The passphrase has a character outside printable ASCII (32 to 126), which the
    /// spec forbids for interoperability.
    #[error("the passphrase may contain only printable ASCII characters (space to ~)")]
    Passphrase,

    /// The iteration exponent does not fit in its 4 bits.
    #[error("the iteration exponent is {0}; it must be 0 to 15")]
    IterationExponent(u8),

    /// The group list is empty or longer than 16.
    #[error("there are {0} groups; SLIP-39 allows 1 to 16")]
    GroupCount(usize),

    /// The group threshold is 0 or more than the number of groups.
    #[error("the group threshold is {threshold}; it must be 1 to {count} (the number of groups)")]
    GroupThreshold {
        /// The group threshold asked for.
        threshold: u8,
        /// The number of groups.
        count: usize,
    },

    /// A group's member threshold or count is out of range.
    #[error(
        "group {group} asks for {threshold} of {count} shares; it needs 1 to 16 shares and \
         a threshold from 1 to that number"
    )]
    MemberThreshold {
        /// The group number, from 1.
        group: usize,
        /// The member threshold asked for.
        threshold: u8,
        /// The member count asked for.
        count: u8,
    },

    /// A group asks for several shares of which any one suffices: the spec forbids it.
    #[error(
        "group {group} asks for {count} shares of which any 1 suffices; SLIP-39 makes \
         1-of-1 groups instead (print the one share several times)"
    )]
    MemberThresholdOne {
        /// The group number, from 1.
        group: usize,
        /// The member count asked for.
        count: u8,
    },
}

/// "; did you mean X?" or "; did you mean X, Y or Z?", or nothing.
fn did_you_mean(suggestions: &[&str]) -> String {
    match suggestions {
        [] => String::new(),
        [one] => format!("; did you mean \"{one}\"?"),
        [rest @ .., last] => {
            let rest: Vec<String> = rest.iter().map(|w| format!("\"{w}\"")).collect();
            format!("; did you mean {} or \"{last}\"?", rest.join(", "))
        }
    }
}

/// The checksum message, naming the suspect word when there is exactly one. Per the
/// spec, it says where the error may be and never which word to put there.
fn checksum_message(suspect: Option<usize>) -> String {
    match suspect {
        Some(position) => format!(
            "the share's checksum does not match: word {position} looks wrong; check it \
             against the paper"
        ),
        None => {
            "the share's checksum does not match: check every word against the paper".to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_specific() {
        let unknown = Slip39Error::UnknownWord {
            position: 3,
            word: "acadmeic".into(),
            suggestions: vec!["academic"],
        };
        assert_eq!(
            unknown.to_string(),
            "word 3 (\"acadmeic\") is not a SLIP-39 word; did you mean \"academic\"?"
        );
        let several = Slip39Error::UnknownWord {
            position: 1,
            word: "x".into(),
            suggestions: vec!["a", "b", "c"],
        };
        assert!(
            several
                .to_string()
                .ends_with("did you mean \"a\", \"b\" or \"c\"?")
        );
        let checksum = Slip39Error::Checksum { suspect: Some(7) };
        assert!(checksum.to_string().contains("word 7 looks wrong"));
        assert_eq!(
            Slip39Error::NotEnoughMembers {
                group: 1,
                have: 1,
                need: 2
            }
            .to_string(),
            "group 1 has 1 of the 2 shares it needs"
        );
        assert!(
            Slip39Error::Mismatch(Parameter::Identifier)
                .to_string()
                .contains("identifier")
        );
    }
}
