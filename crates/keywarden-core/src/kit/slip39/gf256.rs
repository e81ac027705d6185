//! Arithmetic in GF(256), the field of SLIP-39's Shamir sharing: bytes as polynomials
//! over GF(2) modulo the Rijndael polynomial x^8 + x^4 + x^3 + x + 1 (AES, FIPS 197).
//!
//! The log/exp tables are the spec's (generator x + 1, i.e. 3). They are used only for
//! values that are public (share indices, and so the Lagrange basis values); a share
//! byte, which is secret, is only ever multiplied by [`mul`], which takes the same time
//! whatever its operands, so no table lookup is indexed by a secret.

/// The reduction polynomial x^8 + x^4 + x^3 + x + 1.
const POLYNOMIAL: u16 = 0x11B;

/// `EXP[i]` = 3^i, for i in 0..255.
pub(super) const EXP: [u8; 255] = tables().0;

/// `LOG[a]` = log_3(a) for a != 0; `LOG[0]` is 0 and meaningless (0 has no logarithm).
pub(super) const LOG: [u8; 256] = tables().1;

/// Both tables, computed at compile time as in the spec: start at 1 and multiply by
/// x + 1 (`p << 1 ^ p`), reducing by the polynomial when the degree reaches 8.
const fn tables() -> ([u8; 255], [u8; 256]) {
    let mut exp = [0u8; 255];
    let mut log = [0u8; 256];
    let mut poly: u16 = 1;
    let mut i = 0;
    while i < 255 {
        exp[i] = poly as u8;
        log[poly as usize] = i as u8;
        poly = (poly << 1) ^ poly;
        if poly & 0x100 != 0 {
            poly ^= POLYNOMIAL;
        }
        i += 1;
    }
    (exp, log)
}

/// The product `a * b`, without branches or table lookups on the operands: the
/// schoolbook shift-and-add, with masks in place of `if`s.
pub(super) fn mul(a: u8, b: u8) -> u8 {
    let mut a = a;
    let mut b = b;
    let mut product = 0u8;
    for _ in 0..8 {
        // All ones when the low bit of b is set.
        product ^= a & 0u8.wrapping_sub(b & 1);
        // Multiply a by x: shift, and reduce when a bit falls off the top.
        let carry = 0u8.wrapping_sub(a >> 7);
        a = (a << 1) ^ (carry & (POLYNOMIAL as u8));
        b >>= 1;
    }
    product
}

/// `exp(log)` for any integer exponent: 3^(log mod 255).
pub(super) fn exp(log: i64) -> u8 {
    let index = usize::try_from(log.rem_euclid(255)).unwrap_or(0);
    EXP[index]
}

/// The discrete logarithm of a non-zero public value; `None` for 0.
pub(super) fn log(value: u8) -> Option<i64> {
    (value != 0).then(|| i64::from(LOG[usize::from(value)]))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Multiplication by the tables, as the spec's reference implementation does it.
    fn table_mul(a: u8, b: u8) -> u8 {
        match (log(a), log(b)) {
            (Some(la), Some(lb)) => exp(la + lb),
            _ => 0,
        }
    }

    #[test]
    fn the_tables_are_the_specs() {
        // 3 generates the multiplicative group: every non-zero byte appears once.
        let mut seen = [false; 256];
        for &e in &EXP {
            assert!(!seen[usize::from(e)], "{e} twice");
            seen[usize::from(e)] = true;
        }
        assert!(!seen[0]);
        assert_eq!(EXP[..8], [0x01, 0x03, 0x05, 0x0f, 0x11, 0x33, 0x55, 0xff]);
        assert_eq!(EXP[254], 0xf6);
        for (i, &e) in EXP.iter().enumerate() {
            assert_eq!(usize::from(LOG[usize::from(e)]), i);
        }
    }

    #[test]
    fn mul_agrees_with_the_tables_on_every_pair() {
        for a in 0..=255u8 {
            for b in 0..=255u8 {
                assert_eq!(mul(a, b), table_mul(a, b), "{a} * {b}");
            }
        }
    }

    #[test]
    fn known_products_from_fips_197() {
        // FIPS 197 section 4.2: {57} * {83} = {c1}, {57} * {13} = {fe}.
        assert_eq!(mul(0x57, 0x83), 0xc1);
        assert_eq!(mul(0x57, 0x13), 0xfe);
        assert_eq!(mul(0x57, 0x02), 0xae);
    }

    #[test]
    fn field_laws_hold() {
        for a in 0..=255u8 {
            assert_eq!(mul(a, 1), a);
            assert_eq!(mul(a, 0), 0);
            if let Some(la) = log(a) {
                // a * a^-1 = 1, with the inverse from the tables.
                assert_eq!(mul(a, exp(-la)), 1, "inverse of {a}");
            }
            for b in [0x02u8, 0x53, 0xca, 0xff] {
                assert_eq!(mul(a, b), mul(b, a));
                for c in [0x01u8, 0x8d, 0xf6] {
                    assert_eq!(mul(a, b ^ c), mul(a, b) ^ mul(a, c));
                    assert_eq!(mul(mul(a, b), c), mul(a, mul(b, c)));
                }
            }
        }
        assert_eq!(log(0), None);
    }
}
