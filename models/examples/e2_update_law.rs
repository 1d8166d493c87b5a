//! The ftj-relax update law as E2's BCM unit drives it: the non-volatile
//! change (read 30 s after, the volatile part relaxed) of one cell after a
//! command of `c` pulses, from G0, for E2's programming pulses.
//!
//! `cargo run --release -p neuroxbar-models --example e2_update_law`
//!
//! Each line: pulse amplitude, width and interval; the change in uS after
//! c = 1, 2, 3, 4, 6, 8, 12, 16 pulses. A command of `c` pulses is `c`
//! pulses `interval` apart (the crossbar controller's PULSE_INTERVAL).
use neuroxbar_models::device::{Device, DeviceKind, DeviceSpec};

const COUNTS: [u32; 8] = [1, 2, 3, 4, 6, 8, 12, 16];

/// A fresh cell depressed from its 500 uS rest to just below `g0_s`, one
/// pulse at a time with 30 s of rest after each (so the volatile part of
/// the depression has relaxed when the conductance is compared).
fn prepared(spec: &DeviceSpec, g0_s: f64) -> Box<dyn Device> {
    let mut d = spec.instantiate(1);
    while d.conductance_s() > g0_s {
        d.apply(-1.8, 100e-6).expect("in the safe window");
        d.advance(30.0);
    }
    d
}

fn line(spec: &DeviceSpec, g0_s: f64, v: f64, width_s: f64, interval_s: f64) {
    print!(
        "{:+.2} V {:>3.0} us every {:>3.0} ms from {:>3.0} uS:",
        v,
        width_s * 1e6,
        interval_s * 1e3,
        g0_s * 1e6
    );
    for c in COUNTS {
        let mut d = prepared(spec, g0_s);
        let g = d.conductance_s();
        for k in 0..c {
            if k > 0 {
                d.advance(interval_s - width_s);
            }
            d.apply(v, width_s).expect("in the safe window");
        }
        d.advance(30.0);
        print!(" {c}:{:+.1}", (d.conductance_s() - g) * 1e6);
    }
    println!();
}

fn main() {
    let spec = DeviceSpec::load(DeviceKind::FtjRelax, None).expect("built-in parameters");
    println!("change of the non-volatile conductance (uS) after c pulses, read 30 s later");
    for g0 in [100e-6, 150e-6, 400e-6] {
        // E2's defaults
        line(&spec, g0, 0.45, 10e-6, 0.15);
        line(&spec, g0, -1.6, 10e-6, 0.15);
        // the pulses below the V/2 half-select thresholds (README, E2)
        line(&spec, g0, 0.28, 40e-6, 0.15);
        line(&spec, g0, -2.4, 40e-6, 0.15);
    }
}
