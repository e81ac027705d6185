//! Recovery kits: printed sheets, read back with the real tools people would use.
//! (A crate root's `mod` looks beside it, hence the `#[path]`.)

#[path = "kit/sheets.rs"]
mod sheets;
