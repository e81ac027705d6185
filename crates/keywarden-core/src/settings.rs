//! Per-vault preferences, sealed like every record.

use serde::{Deserialize, Serialize};

use crate::error::RecordError;

/// Preferences stored in the vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Minutes without activity after which the app locks the vault.
    #[serde(default = "default_auto_lock")]
    pub auto_lock_minutes: u32,
}

/// The row name under which [`Settings`] are stored.
pub(crate) const SETTINGS_ROW: &str = "preferences";

/// Default idle time before the app locks itself.
pub const DEFAULT_AUTO_LOCK_MINUTES: u32 = 5;
/// Longest idle time a person may choose (one day).
pub const MAX_AUTO_LOCK_MINUTES: u32 = 24 * 60;

fn default_auto_lock() -> u32 {
    DEFAULT_AUTO_LOCK_MINUTES
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            auto_lock_minutes: DEFAULT_AUTO_LOCK_MINUTES,
        }
    }
}

impl Settings {
    /// Checks every field.
    ///
    /// # Errors
    /// [`RecordError::Invalid`] naming the field.
    pub fn validate(&self) -> Result<(), RecordError> {
        if !(1..=MAX_AUTO_LOCK_MINUTES).contains(&self.auto_lock_minutes) {
            return Err(RecordError::Invalid {
                field: "auto-lock minutes",
                reason: format!("must be between 1 and {MAX_AUTO_LOCK_MINUTES}"),
            });
        }
        Ok(())
    }
}
