//! Time, injected so tests can fix it.

pub use jiff::Timestamp;

/// A source of the current time.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> Timestamp;
}

/// The operating system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that always says the same instant, for tests.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub Timestamp);

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        self.0
    }
}

/// Seconds since the Unix epoch, the on-disk form of a timestamp.
pub(crate) fn to_unix(t: Timestamp) -> i64 {
    t.as_second()
}

/// The inverse of [`to_unix`]; out-of-range values (only in a damaged record) clamp.
pub(crate) fn from_unix(s: i64) -> Timestamp {
    Timestamp::from_second(s).unwrap_or(if s < 0 {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    })
}
