//! Paper recovery kits: a secret split into words on paper, held by several custodians,
//! so that any M of N of them together (and no fewer) can bring it back.
//!
//! Today this module holds the format underneath, [`slip39`] (SatoshiLabs SLIP-0039,
//! Shamir's secret sharing for mnemonic codes), so that kits interoperate with other
//! SLIP-39 tools and can be recovered without Keywarden. The kits themselves (what is
//! split, how shares are printed and handed out, and how the vault records them) are
//! coming; see `docs/slip39.md` for what is implemented now.

pub mod slip39;
