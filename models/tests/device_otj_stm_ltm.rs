//! `otj`: short- versus long-term memory by amplitude and frequency, the
//! device behaviour behind the 5x5 array experiment (models/DEVICES.md s2,
//! experiment E5): 10 pulses of 50 ns from HRS at 0.9 V / 5 MHz (STM),
//! 1.5 V / 5 MHz (LTM) and 1.5 V / 0.5 MHz (STM).

use neuroxbar_models::device::{Device, DeviceKind, DeviceSpec};

/// Conductance right after a 10-pulse train and 500 s later, relative to HRS.
fn train(v: f64, f_hz: f64, seed: u64) -> (f64, f64) {
    let spec = DeviceSpec::load(DeviceKind::Otj, None).unwrap();
    let mut d: Box<dyn Device> = spec.instantiate(seed);
    d.apply(-4.3, 0.1).unwrap(); // HRS, as the paper's ~100 ms writes
    d.advance(1.0);
    let g_hrs = d.conductance_s();
    for k in 0..10 {
        if k > 0 {
            d.advance(1.0 / f_hz - 50e-9);
        }
        d.apply(v, 50e-9).unwrap();
    }
    let right_after = d.conductance_s() / g_hrs;
    d.advance(500.0);
    (right_after, d.conductance_s() / g_hrs)
}

#[test]
fn only_the_fast_strong_train_is_long_term() {
    for seed in [1, 2, 3] {
        let c = train(0.9, 5e6, seed);
        let h = train(1.5, 5e6, seed);
        let n = train(1.5, 5e5, seed);
        println!("seed {seed}: C {c:?}, H {h:?}, N {n:?}");
        // every train raises the current right after writing (STM)
        for (name, m) in [("C", c), ("H", h), ("N", n)] {
            assert!(m.0 > 1.05, "{name}: STM right after {m:?}");
        }
        // after 500 s only H keeps a change: LTM
        assert!(h.1 > 2.0, "H is long-term: {h:?}");
        assert!((c.1 - 1.0).abs() < 0.01, "C is short-term: {c:?}");
        assert!((n.1 - 1.0).abs() < 0.01, "N is short-term: {n:?}");
    }
}

#[test]
fn half_select_disturbs_do_not_consolidate() {
    // V/3 of a 1.5 V write, alternating polarity a microsecond apart (a cell
    // half-selected by one PROGRAM and unselected by the next) leaves no
    // lasting change, while +-1.2 V spikes (the STDP protocol's) do.
    let spec = DeviceSpec::load(DeviceKind::Otj, None).unwrap();
    let lasting = |v: f64| {
        let mut d = spec.instantiate(5);
        let g0 = d.conductance_s();
        for k in 0..20 {
            let s = if k % 2 == 0 { 1.0 } else { -1.0 };
            d.apply(s * v, 50e-9).unwrap();
            d.advance(1e-6);
        }
        d.advance(1.0);
        d.conductance_s() / g0
    };
    let small = lasting(0.5);
    let spikes = lasting(1.2);
    println!("lasting change: 0.5 V {small}, 1.2 V {spikes}");
    assert!((small - 1.0).abs() < 1e-9, "{small}");
    assert!((spikes - 1.0).abs() > 0.05, "{spikes}");
}

#[test]
fn splitting_a_pulse_into_segments_changes_nothing() {
    // the repetition consolidation is an integral over the pulse: ten 5 ns
    // segments of a 50 ns pulse act as the pulse (to the trace decay within it)
    let spec = DeviceSpec::load(DeviceKind::Otj, None).unwrap();
    let run = |segments: usize| {
        let mut d = spec.instantiate(9);
        for k in 0..10 {
            if k > 0 {
                d.advance(150e-9);
            }
            for _ in 0..segments {
                d.apply(1.5, 50e-9 / segments as f64).unwrap();
            }
        }
        d.advance(1.0);
        d.conductance_s()
    };
    let (whole, split) = (run(1), run(10));
    assert!((split / whole - 1.0).abs() < 0.02, "{whole} vs {split}");
}
