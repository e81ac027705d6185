//! Integration tests of SLIP-39 (`keywarden_core::kit::slip39`) through its public API:
//! the 45 official test vectors, split/combine round trips over several group
//! configurations, typo reports, the collector, and properties (no input panics).
//!
//! The vectors are `tests/data/slip39-vectors.json` (python-shamir-mnemonic, MIT; see
//! `tests/data/slip39-vectors.NOTICE.md`). Splits use iteration exponent 0 to stay fast.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail by panicking, like the tests that call them; clippy.toml \
              allows it only inside #[test] functions"
)]

use keywarden_core::kit::slip39::{self, Collector, Parameter, Share, Slip39Error, combine, split};
use proptest::prelude::*;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

const VECTORS: &str = include_str!("data/slip39-vectors.json");

/// One official vector: description, mnemonics, master secret in hex ("" = invalid).
type Vector = (String, Vec<String>, String, String);

fn vectors() -> Vec<Vector> {
    serde_json::from_str(VECTORS).unwrap()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether an error is the one expected.
type ErrorCheck = fn(&Slip39Error) -> bool;

/// The error an invalid vector must give, from its description.
fn expected_error(description: &str) -> ErrorCheck {
    let table: [(&str, ErrorCheck); 15] = [
        ("invalid checksum", |e| {
            matches!(e, Slip39Error::Checksum { .. })
        }),
        ("invalid padding", |e| matches!(e, Slip39Error::Padding)),
        ("Basic sharing 2-of-3", |e| {
            matches!(
                e,
                Slip39Error::NotEnoughMembers {
                    have: 1,
                    need: 2,
                    ..
                }
            )
        }),
        ("different identifiers", |e| {
            *e == Slip39Error::Mismatch(Parameter::Identifier)
        }),
        ("different iteration exponents", |e| {
            *e == Slip39Error::Mismatch(Parameter::IterationExponent)
        }),
        ("mismatching group thresholds", |e| {
            *e == Slip39Error::Mismatch(Parameter::GroupThreshold)
        }),
        ("mismatching group counts", |e| {
            *e == Slip39Error::Mismatch(Parameter::GroupCount)
        }),
        ("greater group threshold than group counts", |e| {
            matches!(e, Slip39Error::GroupThresholdAboveCount { .. })
        }),
        ("duplicate member indices", |e| {
            matches!(e, Slip39Error::DuplicateMemberIndex { .. })
        }),
        ("mismatching member thresholds", |e| {
            *e == Slip39Error::Mismatch(Parameter::MemberThreshold)
        }),
        ("invalid digest", |e| *e == Slip39Error::InvalidDigest),
        ("Insufficient number of groups", |e| {
            matches!(e, Slip39Error::NotEnoughGroups { .. })
        }),
        ("insufficient number of members", |e| {
            matches!(e, Slip39Error::NotEnoughMembers { .. })
        }),
        ("insufficient length", |e| {
            matches!(e, Slip39Error::WordCount { count: 19 })
        }),
        ("invalid master secret length", |e| {
            matches!(e, Slip39Error::WordCount { count: 21 })
        }),
    ];
    table
        .into_iter()
        .find(|(words, _)| description.contains(words))
        .map(|(_, check)| check)
        .unwrap_or_else(|| panic!("no expected error for {description:?}"))
}

#[test]
fn the_vector_file_is_the_one_in_the_notice() {
    let digest = Sha256::digest(VECTORS.as_bytes());
    assert_eq!(
        hex(&digest),
        "13ebecebdd869dd2bc2cdf69e7ce3a158cf106cac76c39d17682b1c6cdabbdc4"
    );
    assert_eq!(vectors().len(), 45);
}

#[test]
fn every_official_vector_gives_its_secret_or_its_error() {
    let mut valid = 0;
    for (description, mnemonics, secret, _xprv) in vectors() {
        let mnemonics: Vec<&str> = mnemonics.iter().map(String::as_str).collect();
        let result = combine(&mnemonics, b"TREZOR");
        if secret.is_empty() {
            let error = result.expect_err(&description);
            assert!(
                expected_error(&description)(&error),
                "{description}: wrong error {error:?}"
            );
        } else {
            let got = result.unwrap_or_else(|e| panic!("{description}: {e}"));
            assert_eq!(hex(&got), secret, "{description}");
            valid += 1;
        }
    }
    assert_eq!(valid, 15, "valid vectors");
}

#[test]
fn the_vectors_parameters_read_back() {
    let vectors = vectors();
    let by_number = |n: usize| &vectors[n - 1];
    // 1: no sharing; 42: the same, extendable.
    let one = Share::parse(&by_number(1).1[0]).unwrap();
    assert_eq!(
        (
            one.group_threshold(),
            one.group_count(),
            one.member_threshold()
        ),
        (1, 1, 1)
    );
    assert!(!one.extendable());
    assert!(Share::parse(&by_number(42).1[0]).unwrap().extendable());
    // 4: two shares of a 2-of-3, with distinct member indices.
    let shares: Vec<Share> = by_number(4)
        .1
        .iter()
        .map(|m| Share::parse(m).unwrap())
        .collect();
    assert_eq!(shares[0].identifier(), shares[1].identifier());
    assert_eq!(shares[0].member_threshold(), 2);
    assert_ne!(shares[0].member_index(), shares[1].member_index());
    // 20: a 256-bit secret takes 33 words.
    assert_eq!(by_number(20).1[0].split_whitespace().count(), 33);
}

#[test]
fn a_wrong_passphrase_gives_another_secret_without_error() {
    let vectors = vectors();
    let mnemonics: Vec<&str> = vectors[3].1.iter().map(String::as_str).collect();
    let right = combine(&mnemonics, b"TREZOR").unwrap();
    let wrong = combine(&mnemonics, b"TREZOS").unwrap();
    assert_eq!(wrong.len(), right.len());
    assert_ne!(*wrong, *right);
}

// ---- Round trips ----

fn secret(len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(29).wrapping_add(7))
        .collect()
}

/// Every k-subset of 0..n, in lexicographic order.
fn subsets(n: usize, k: usize) -> Vec<Vec<usize>> {
    if k == 0 {
        return vec![Vec::new()];
    }
    (k - 1..n)
        .flat_map(|last| {
            subsets(last, k - 1).into_iter().map(move |mut s| {
                s.push(last);
                s
            })
        })
        .collect()
}

fn strs<'a>(mnemonics: &[&'a Zeroizing<String>]) -> Vec<&'a str> {
    mnemonics.iter().map(|m| m.as_str()).collect()
}

/// Splits as a single group T-of-N, then checks that every T-subset recovers the
/// secret and every (T-1)-subset reports the missing share.
fn check_single_group(len: usize, t: u8, n: u8, passphrase: &[u8], extendable: bool) {
    let master = secret(len);
    let groups = split(&master, passphrase, 1, &[(t, n)], 0, extendable).unwrap();
    assert_eq!(groups.len(), 1);
    let shares = &groups[0];
    assert_eq!(shares.len(), usize::from(n));
    let words = if len == 16 { 20 } else { 33 };
    assert!(shares.iter().all(|m| m.split(' ').count() == words));
    for pick in subsets(usize::from(n), usize::from(t)) {
        let chosen: Vec<&Zeroizing<String>> = pick.iter().map(|&i| &shares[i]).collect();
        let got = combine(&strs(&chosen), passphrase).unwrap();
        assert_eq!(*got, master, "{t}-of-{n} {pick:?}");
    }
    if t > 1 {
        for pick in subsets(usize::from(n), usize::from(t - 1)) {
            let chosen: Vec<&Zeroizing<String>> = pick.iter().map(|&i| &shares[i]).collect();
            let error = combine(&strs(&chosen), passphrase).unwrap_err();
            assert_eq!(
                error,
                Slip39Error::NotEnoughMembers {
                    group: 1,
                    have: t - 1,
                    need: t
                }
            );
        }
    }
}

#[test]
fn one_of_one_round_trips() {
    for len in [16, 32] {
        for extendable in [false, true] {
            check_single_group(len, 1, 1, b"", extendable);
            check_single_group(len, 1, 1, b"correct horse", extendable);
        }
    }
}

#[test]
fn two_of_three_round_trips() {
    for len in [16, 32] {
        for extendable in [false, true] {
            check_single_group(len, 2, 3, b"", extendable);
            check_single_group(len, 2, 3, b"TREZOR", extendable);
        }
    }
}

#[test]
fn three_of_five_round_trips() {
    check_single_group(16, 3, 5, b"", true);
    check_single_group(32, 3, 5, b"a passphrase ~!", false);
}

#[test]
fn two_groups_round_trip_and_need_both() {
    // Group 1: 2-of-3; group 2: 1-of-1. Both groups are needed.
    for (len, extendable) in [(16, false), (32, true)] {
        let master = secret(len);
        let groups = split(&master, b"pw", 2, &[(2, 3), (1, 1)], 0, extendable).unwrap();
        assert_eq!(groups.iter().map(Vec::len).collect::<Vec<_>>(), [3, 1]);
        for pick in subsets(3, 2) {
            let mut chosen: Vec<&Zeroizing<String>> = pick.iter().map(|&i| &groups[0][i]).collect();
            chosen.push(&groups[1][0]);
            assert_eq!(*combine(&strs(&chosen), b"pw").unwrap(), master);
            // Without the second group.
            chosen.pop();
            assert_eq!(
                combine(&strs(&chosen), b"pw").unwrap_err(),
                Slip39Error::NotEnoughGroups { have: 1, need: 2 }
            );
        }
        // The second group with one share short in the first.
        let short = [groups[0][0].as_str(), groups[1][0].as_str()];
        assert_eq!(
            combine(&short, b"pw").unwrap_err(),
            Slip39Error::NotEnoughMembers {
                group: 1,
                have: 1,
                need: 2
            }
        );
    }
}

#[test]
fn two_of_three_groups_round_trip_with_any_two_groups() {
    let master = secret(16);
    let groups = split(&master, b"", 2, &[(1, 1), (2, 2), (3, 5)], 0, true).unwrap();
    let members = |g: usize| -> Vec<&str> {
        let need = [1, 2, 3][g];
        groups[g][..need].iter().map(|m| m.as_str()).collect()
    };
    for pair in subsets(3, 2) {
        let chosen: Vec<&str> = pair.iter().flat_map(|&g| members(g)).collect();
        assert_eq!(*combine(&chosen, b"").unwrap(), master, "{pair:?}");
    }
    // All three groups: the spec wants exactly the threshold.
    let all: Vec<&str> = (0..3).flat_map(members).collect();
    assert_eq!(
        combine(&all, b"").unwrap_err(),
        Slip39Error::TooManyGroups { have: 3, need: 2 }
    );
}

#[test]
fn shares_state_their_parameters() {
    let groups = split(&secret(16), b"", 2, &[(2, 3), (3, 4)], 2, true).unwrap();
    let first = Share::parse(&groups[0][0]).unwrap();
    for (g, group) in groups.iter().enumerate() {
        for (m, mnemonic) in group.iter().enumerate() {
            let share = Share::parse(mnemonic).unwrap();
            assert_eq!(share.identifier(), first.identifier());
            assert!(share.extendable());
            assert_eq!(share.iteration_exponent(), 2);
            assert_eq!(share.group_index(), g as u8);
            assert_eq!(share.group_threshold(), 2);
            assert_eq!(share.group_count(), 2);
            assert_eq!(share.member_index(), m as u8);
            assert_eq!(share.member_threshold(), [2, 3][g]);
            assert_eq!(*share.to_mnemonic(), **mnemonic);
        }
    }
}

#[test]
fn combine_refuses_repeats_and_strangers() {
    let groups = split(&secret(16), b"", 1, &[(2, 3)], 0, false).unwrap();
    let other = split(&secret(16), b"", 1, &[(2, 3)], 1, false).unwrap();
    let [a, b, _] = &groups[0][..] else { panic!() };
    assert_eq!(
        combine(&[a, a], b"").unwrap_err(),
        Slip39Error::DuplicateShare {
            group: 1,
            member: 1
        }
    );
    assert_eq!(
        combine(&[a, b, b], b"").unwrap_err(),
        Slip39Error::DuplicateShare {
            group: 1,
            member: 2
        }
    );
    // Another split, with another iteration exponent (and almost surely identifier).
    let error = combine(&[a, other[0][1].as_str()], b"").unwrap_err();
    assert!(
        matches!(
            error,
            Slip39Error::Mismatch(Parameter::Identifier | Parameter::IterationExponent)
        ),
        "{error:?}"
    );
    assert_eq!(combine(&[], b"").unwrap_err(), Slip39Error::NoShares);
    assert_eq!(
        combine(&[a, b], "pässword".as_bytes()).unwrap_err(),
        Slip39Error::Passphrase
    );
}

// ---- Typos ----

fn one_share() -> String {
    let groups = split(&secret(32), b"", 1, &[(1, 1)], 0, true).unwrap();
    groups[0][0].to_string()
}

fn replace_word(mnemonic: &str, position: usize, word: &str) -> String {
    let mut words: Vec<&str> = mnemonic.split(' ').collect();
    words[position] = word;
    words.join(" ")
}

#[test]
fn a_wrong_list_word_is_located_but_not_corrected() {
    let mnemonic = one_share();
    let list = slip39::words();
    for position in 0..33 {
        let original = mnemonic.split(' ').nth(position).unwrap();
        let i = list.iter().position(|w| *w == original).unwrap();
        let wrong = list[(i + 1 + position * 31) % 1024];
        let typo = replace_word(&mnemonic, position, wrong);
        let error = Share::parse(&typo).unwrap_err();
        assert_eq!(
            error,
            Slip39Error::Checksum {
                suspect: Some(position + 1)
            },
            "word {}",
            position + 1
        );
        // The spec: say where, never what to put there. The message is exactly the
        // template, so it names neither the word nor a replacement (a substring test
        // flaked: "check" and "paper" are SLIP-39 words and in the template too).
        assert_eq!(
            error.to_string(),
            format!(
                "the share's checksum does not match: word {} looks wrong; check it against the paper",
                position + 1
            )
        );
    }
}

#[test]
fn two_wrong_words_are_reported_without_a_position() {
    let mnemonic = one_share();
    let typo = replace_word(&replace_word(&mnemonic, 5, "zero"), 9, "academic");
    let error = Share::parse(&typo).unwrap_err();
    assert!(matches!(error, Slip39Error::Checksum { .. }), "{error:?}");
    // A distance-4 code can mislocate two errors; it must not pass them.
}

#[test]
fn an_unknown_word_is_named_with_suggestions() {
    let mnemonic = one_share();
    for position in [0, 3, 10, 32] {
        let original = mnemonic.split(' ').nth(position).unwrap();
        // Three kinds of typo: a dropped letter, swapped letters, a wrong ending.
        let dropped = format!("{}{}", &original[..2], &original[3..]);
        let mut swapped: Vec<char> = original.chars().collect();
        swapped.swap(1, 2);
        let swapped: String = swapped.into_iter().collect();
        let ending = format!("{}qq", &original[..4]);
        for typo in [dropped, swapped, ending] {
            if slip39::words().contains(&typo.as_str()) {
                continue;
            }
            let error = Share::parse(&replace_word(&mnemonic, position, &typo)).unwrap_err();
            let Slip39Error::UnknownWord {
                position: p,
                word,
                suggestions,
            } = &error
            else {
                panic!("{error:?}");
            };
            assert_eq!(*p, position + 1);
            assert_eq!(*word, typo);
            assert!(suggestions.contains(&original), "{typo}: {suggestions:?}");
            let message = error.to_string();
            assert!(
                message.starts_with(&format!("word {} ", position + 1)),
                "{message}"
            );
            assert!(message.contains(original), "{message}");
        }
    }
}

#[test]
fn a_wrong_word_count_is_reported_as_such() {
    let mnemonic = one_share();
    let short: Vec<&str> = mnemonic.split(' ').take(32).collect();
    assert_eq!(
        Share::parse(&short.join(" ")).unwrap_err(),
        Slip39Error::WordCount { count: 32 }
    );
    assert_eq!(
        Share::parse("").unwrap_err(),
        Slip39Error::WordCount { count: 0 }
    );
}

// ---- The collector ----

#[test]
fn the_collector_reports_progress_and_refuses_what_does_not_belong() {
    let master = secret(16);
    let groups = split(&master, b"", 2, &[(2, 3), (1, 1)], 0, false).unwrap();
    let mut collector = Collector::new();
    assert_eq!(collector.progress().group_threshold, 0);
    assert_eq!(collector.combine(b"").unwrap_err(), Slip39Error::NoShares);

    let progress = collector.add(&groups[0][2]).unwrap();
    assert_eq!((progress.group_threshold, progress.group_count), (2, 2));
    assert_eq!(progress.groups.len(), 1);
    assert_eq!((progress.groups[0].have, progress.groups[0].need), (1, 2));
    assert!(!progress.is_complete());

    // An exact repeat, and a forged share claiming a taken index.
    assert_eq!(
        collector.add(&groups[0][2]).unwrap_err(),
        Slip39Error::DuplicateShare {
            group: 1,
            member: 3
        }
    );
    // A share of another kit (another shape, and almost surely another identifier).
    let other = split(&master, b"", 1, &[(2, 3)], 0, false).unwrap();
    let error = collector.add(&other[0][0]).unwrap_err();
    assert!(
        matches!(
            error,
            Slip39Error::Mismatch(Parameter::Identifier | Parameter::GroupThreshold)
        ),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .starts_with("this share does not belong with the others")
    );
    assert_eq!(collector.shares().count(), 1, "refusals change nothing");

    let progress = collector.add(&groups[1][0]).unwrap();
    assert_eq!(progress.complete_groups(), 1);
    assert_eq!(
        collector.combine(b"").unwrap_err(),
        Slip39Error::NotEnoughMembers {
            group: 1,
            have: 1,
            need: 2
        }
    );
    let progress = collector.add(&groups[0][0]).unwrap();
    assert!(progress.is_complete());
    // More than needed is fine for the collector.
    collector.add(&groups[0][1]).unwrap();
    assert_eq!(*collector.combine(b"").unwrap(), master);
}

#[test]
fn the_collector_refuses_a_conflicting_member_index() {
    // Vector 11: two different shares with the same member index.
    let vectors = vectors();
    let (description, mnemonics, _, _) = &vectors[10];
    assert!(description.contains("duplicate member indices"));
    let mut collector = Collector::new();
    collector.add(&mnemonics[0]).unwrap();
    let error = collector.add(&mnemonics[1]).unwrap_err();
    assert!(
        matches!(error, Slip39Error::DuplicateMemberIndex { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("one of them is wrong"));
}

// ---- Properties ----

fn any_word() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (0..1024usize).prop_map(|i| slip39::words()[i].to_owned()),
        1 => "[a-zA-Z]{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn parsing_arbitrary_text_never_panics(text in "\\PC{0,400}") {
        let _ = Share::parse(&text);
    }

    #[test]
    fn parsing_word_sequences_never_panics(words in prop::collection::vec(any_word(), 0..70)) {
        let _ = Share::parse(&words.join(" "));
    }

    #[test]
    fn combining_subsets_and_strangers_never_panics(
        pick in prop::collection::vec((0..4usize, 0..4usize), 0..7),
        noise in prop::collection::vec(prop::collection::vec(any_word(), 20..21), 0..2),
    ) {
        let groups = fixture();
        let noise: Vec<String> = noise.into_iter().map(|w| w.join(" ")).collect();
        let mut mnemonics: Vec<&str> = pick
            .iter()
            .filter_map(|&(g, m)| groups.get(g).and_then(|g| g.get(m)))
            .map(|m| m.as_str())
            .collect();
        mnemonics.extend(noise.iter().map(String::as_str));
        if let Ok(secret) = combine(&mnemonics, b"") {
            prop_assert_eq!(&*secret, &secret_fixture()[..]);
        }
    }
}

fn secret_fixture() -> Vec<u8> {
    secret(16)
}

/// One split reused by the property test: 2 of 3 groups (2-of-3, 1-of-1, 3-of-4).
fn fixture() -> &'static Vec<Vec<Zeroizing<String>>> {
    static FIXTURE: std::sync::OnceLock<Vec<Vec<Zeroizing<String>>>> = std::sync::OnceLock::new();
    FIXTURE.get_or_init(|| {
        split(
            &secret_fixture(),
            b"",
            2,
            &[(2, 3), (1, 1), (3, 4)],
            0,
            true,
        )
        .unwrap()
    })
}
