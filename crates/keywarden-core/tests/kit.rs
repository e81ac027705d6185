//! Recovery kits: printed sheets, read back with the real tools people would use and
//! compared with golden images; the fuzz targets' seeds.
//! (A crate root's `mod` looks beside it, hence the `#[path]`.)

#[path = "kit/sheets.rs"]
mod sheets;

#[path = "kit/golden.rs"]
mod golden;

#[path = "kit/fuzz_seeds.rs"]
mod fuzz_seeds;
