//! `neuroxbar run temporal-stp`: option errors (no simulation runs).

mod common;

use common::fails_with;

#[test]
fn temporal_stp_options_are_checked() {
    fails_with(&["temporal-stp", "--gap-ms", "0.5"], "--gap-ms 0.5");
    fails_with(
        &["temporal-stp", "--classes", "1"],
        "--classes 1: allowed range 2..=200",
    );
    fails_with(&["temporal-stp", "--train-ms=-3"], "--train-ms -3");
    fails_with(
        &["temporal-stp", "--presentations", "0"],
        "--presentations 0",
    );
    fails_with(
        &["temporal-stp", "--device", "otj"],
        "runs on liwes devices",
    );
    fails_with(
        &["temporal-stp", "--epochs", "3"],
        "--epochs does not apply to temporal-stp",
    );
}

#[test]
fn temporal_stp_options_are_errors_elsewhere() {
    fails_with(
        &["letters-stdp", "--gap-ms", "50"],
        "--gap-ms does not apply to letters-stdp (temporal-stp only)",
    );
    fails_with(
        &["letters-stm-ltm", "--short-term-only"],
        "--short-term-only does not apply to letters-stm-ltm (temporal-stp only)",
    );
    fails_with(
        &["temporal-stp", "--clock-mhz", "0.05"],
        "--clock-mhz 0.05: allowed range 0.1 ..= 500 MHz",
    );
}

/// Two classes of 100 ms trains, two presentations each, at a 1 MHz clock:
/// the presentations' 2 s rests are skipped either way, the rest is clocked
/// cycle by cycle with --no-warp (about 1e6 cycles, under a second).
#[test]
fn temporal_stp_no_warp_gives_the_same_numbers() {
    common::warp_vs_no_warp(
        "e3-warp",
        &[
            "run",
            "temporal-stp",
            "--classes",
            "2",
            "--presentations",
            "2",
            "--train-ms",
            "100",
            "--gap-ms",
            "10",
            "--clock-mhz",
            "1",
        ],
    );
}
