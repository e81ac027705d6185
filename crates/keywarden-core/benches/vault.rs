//! Benchmarks of the vault (placeholder until the benchmark suite lands).
fn main() {}
