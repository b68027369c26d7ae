//! What the operating system (Linux) says about this process and the loopback interface.

use std::time::Duration;

/// This process's resident memory in MB.
pub fn resident_mb() -> f64 {
    status_kb("VmRSS:") / 1024.0
}

/// The most resident memory this process ever had, in MB.
pub fn peak_resident_mb() -> f64 {
    status_kb("VmHWM:") / 1024.0
}

fn status_kb(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0)
}

/// Bytes that crossed the loopback interface so far (every node in the bench talks over it):
/// what really went over the wire, with QUIC, UDP and IP headers and acknowledgements.
pub fn loopback_bytes() -> u64 {
    let dev = std::fs::read_to_string("/proc/net/dev").unwrap_or_default();
    dev.lines()
        .find_map(|line| line.trim_start().strip_prefix("lo:"))
        .and_then(|counters| counters.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// The `q` quantile (0.0–1.0) of `samples`, which it sorts.
pub fn quantile(samples: &mut [Duration], q: f64) -> Duration {
    if samples.is_empty() {
        return Duration::ZERO;
    }
    samples.sort();
    samples[((samples.len() - 1) as f64 * q).round() as usize]
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
