//! Paper sizes.

use std::fmt;
use std::str::FromStr;

/// The paper a kit or a report is printed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    /// ISO A4, 210 × 297 mm.
    A4,
    /// US Letter, 8.5 × 11 in.
    Letter,
}

impl Paper {
    /// Width and height in PDF points (1/72 in).
    pub fn size_pt(self) -> (f32, f32) {
        match self {
            Paper::A4 => (595.28, 841.89),
            Paper::Letter => (612.0, 792.0),
        }
    }
}

impl fmt::Display for Paper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Paper::A4 => "a4",
            Paper::Letter => "letter",
        })
    }
}

/// A paper name other than `a4` or `letter`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("unknown paper size: use a4 or letter")]
pub struct UnknownPaper;

impl FromStr for Paper {
    type Err = UnknownPaper;

    /// Reads `a4` or `letter`, in any case, ignoring surrounding spaces.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("a4") {
            Ok(Paper::A4)
        } else if s.eq_ignore_ascii_case("letter") {
            Ok(Paper::Letter)
        } else {
            Err(UnknownPaper)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paper_parses_in_any_case_and_prints_its_name() {
        assert_eq!("A4".parse(), Ok(Paper::A4));
        assert_eq!(" letter ".parse(), Ok(Paper::Letter));
        assert_eq!("LeTTeR".parse(), Ok(Paper::Letter));
        assert_eq!("a5".parse::<Paper>(), Err(UnknownPaper));
        assert_eq!("".parse::<Paper>(), Err(UnknownPaper));
        assert_eq!(Paper::A4.to_string(), "a4");
        assert_eq!(Paper::Letter.to_string(), "letter");
        assert_eq!(Paper::Letter.size_pt(), (612.0, 792.0));
        assert_eq!(Paper::A4.size_pt(), (595.28, 841.89));
    }
}
