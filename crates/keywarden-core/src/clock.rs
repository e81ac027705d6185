//! Time, injected so tests can fix it: the current instant and the time zone whose calendar
//! days due dates are counted in.

pub use jiff::Timestamp;
use jiff::tz::TimeZone;

/// A source of the current time, and of the person's time zone.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> Timestamp;

    /// The time zone whose calendar days periods and due dates are counted in.
    fn time_zone(&self) -> TimeZone;
}

/// The operating system's clock and time zone (`TZ`, else the system's setting).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }

    fn time_zone(&self) -> TimeZone {
        system_time_zone()
    }
}

/// A clock that always says the same instant, in UTC, for tests.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub Timestamp);

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        self.0
    }

    fn time_zone(&self) -> TimeZone {
        TimeZone::UTC
    }
}

/// The operating system's time zone, or UTC when it cannot be determined.
fn system_time_zone() -> TimeZone {
    TimeZone::try_system().unwrap_or(TimeZone::UTC)
}

/// `n` calendar days after `t` in `tz`: the same wall-clock time `n` days later, so a
/// period that spans a daylight-saving change is 23 or 25 hours longer or shorter than
/// `n` × 24 hours and ends on the day a person counts. A time the change skips moves
/// forward past the gap; a time it repeats is the earlier one. Saturates at
/// [`Timestamp::MAX`].
pub fn days_after(t: Timestamp, n: u32, tz: &TimeZone) -> Timestamp {
    jiff::Span::new()
        .try_days(i64::from(n))
        .and_then(|span| t.to_zoned(tz.clone()).checked_add(span))
        .map_or(Timestamp::MAX, |z| z.timestamp())
}

/// `n` calendar days before `t` in `tz`, as [`days_after`] counts them; saturates at
/// [`Timestamp::MIN`].
pub fn days_before(t: Timestamp, n: u32, tz: &TimeZone) -> Timestamp {
    jiff::Span::new()
        .try_days(-i64::from(n))
        .and_then(|span| t.to_zoned(tz.clone()).checked_add(span))
        .map_or(Timestamp::MIN, |z| z.timestamp())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn a_period_over_spring_forward_keeps_the_wall_clock_time_and_the_day() {
        let berlin = TimeZone::get("Europe/Berlin").unwrap();
        // 23:30 on 2027-03-01 in Berlin (CET, UTC+1). Clocks go forward on 2027-03-28.
        let start = at("2027-03-01T22:30:00Z");
        let end = days_after(start, 30, &berlin);
        // 23:30 on 2027-03-31 in Berlin, now CEST (UTC+2): 23 hours short of 30 × 24.
        assert_eq!(end, at("2027-03-31T21:30:00Z"));
        assert_eq!(
            end.to_zoned(berlin.clone()).date().to_string(),
            "2027-03-31"
        );
        // Naive 24-hour days would end at 00:30 on April 1st, a day late.
        let naive = start
            .checked_add(jiff::SignedDuration::from_hours(24 * 30))
            .unwrap();
        assert_eq!(naive.to_zoned(berlin).date().to_string(), "2027-04-01");
    }

    #[test]
    fn a_period_over_fall_back_is_an_hour_longer_and_days_before_inverts_it() {
        let new_york = TimeZone::get("America/New_York").unwrap();
        // 00:15 on 2027-10-31 in New York (EDT, UTC-4); clocks go back on 2027-11-07.
        let start = at("2027-10-31T04:15:00Z");
        let end = days_after(start, 7, &new_york);
        // 00:15 on 2027-11-07 is still EDT; 7 days later on the 8th would be EST.
        assert_eq!(end, at("2027-11-07T04:15:00Z"));
        let later = days_after(start, 8, &new_york);
        assert_eq!(later, at("2027-11-08T05:15:00Z"));
        assert_eq!(days_before(later, 8, &new_york), start);
    }

    #[test]
    fn a_time_that_the_change_skips_moves_past_the_gap() {
        let berlin = TimeZone::get("Europe/Berlin").unwrap();
        // 02:30 on 2027-02-28 in Berlin; 02:30 does not exist on 2027-03-28.
        let start = at("2027-02-28T01:30:00Z");
        let end = days_after(start, 28, &berlin);
        assert_eq!(
            end.to_zoned(berlin).datetime().to_string(),
            "2027-03-28T03:30:00"
        );
    }

    #[test]
    fn leap_days_are_days_and_utc_has_no_changes() {
        let utc = TimeZone::UTC;
        let start = at("2028-02-28T12:00:00Z");
        assert_eq!(days_after(start, 1, &utc), at("2028-02-29T12:00:00Z"));
        assert_eq!(days_after(start, 2, &utc), at("2028-03-01T12:00:00Z"));
        assert_eq!(days_after(start, 366, &utc), at("2029-02-28T12:00:00Z"));
        assert_eq!(
            days_before(at("2028-03-01T12:00:00Z"), 1, &utc),
            at("2028-02-29T12:00:00Z")
        );
    }

    #[test]
    fn far_dates_saturate() {
        let utc = TimeZone::UTC;
        assert_eq!(days_after(Timestamp::MAX, 1, &utc), Timestamp::MAX);
        assert_eq!(days_before(Timestamp::MIN, 1, &utc), Timestamp::MIN);
        assert_eq!(
            days_after(Timestamp::UNIX_EPOCH, u32::MAX, &utc),
            Timestamp::MAX
        );
    }
}
