//! `otj` against Li 2019 beyond the calibration targets of `device_targets.rs`
//! (models/DEVICES.md s2):
//! - Fig 3a: single 100 ns spikes of 0.9 -> 3.6 V each leave a lasting
//!   change, growing with amplitude (the model used to have a hard 1.8 V
//!   threshold for every width and a window ending at 3.0 V);
//! - text: the 1.8 V STM -> LTM threshold is that of 20 ns pulses;
//! - Fig 4b, 4e: the STM of a letter written at 0.9 V, 5 MHz is visible right
//!   after the pulses and gone 25 us later, the bound on `tau_stm_*`.

use neuroxbar_models::device::{Device, DeviceKind, DeviceSpec};

fn otj() -> DeviceSpec {
    DeviceSpec::load(DeviceKind::Otj, None).unwrap()
}

fn otj_with(repl: &[(&str, &str)]) -> DeviceSpec {
    let mut text = DeviceKind::Otj.default_params_toml().to_string();
    for (a, b) in repl {
        assert!(text.contains(a), "`{a}` not in otj.toml");
        text = text.replace(a, b);
    }
    DeviceSpec::from_toml_str(DeviceKind::Otj, &text, "otj-variant.toml").unwrap()
}

/// Fresh device in the HRS (-4.3 V, 100 ms, as the paper's writes), idle 1 ms.
fn hrs(spec: &DeviceSpec, seed: u64) -> Box<dyn Device> {
    let mut d = spec.instantiate(seed);
    d.apply(-4.3, 0.1).unwrap();
    d.advance(1e-3);
    d
}

/// Fig 3a amplitudes: 0.9 -> 3.6 V (the paper gives the end points; 0.3 V
/// steps assumed).
fn amplitudes() -> Vec<f64> {
    (0..10).map(|k| (9 + 3 * k) as f64 / 10.0).collect()
}

/// Lasting relative change of one 100 ns spike of `v` from the HRS, read
/// 1 ms later (the STM relaxed).
fn lasting(spec: &DeviceSpec, v: f64) -> Result<f64, String> {
    let mut d = hrs(spec, 1);
    let g0 = d.conductance_s();
    d.apply(v, 100e-9).map_err(|e| e.to_string())?;
    d.advance(1e-3);
    Ok(d.conductance_s() / g0 - 1.0)
}

/// Fig 3a, on fresh devices: every single 100 ns spike from 0.9 V to 3.6 V
/// leaves a lasting change (> 0.5 %, the threshold protocol's criterion),
/// strictly growing with amplitude until the spike sets the cell fully to
/// the LRS (the paper's 115 nA compliance, which the model does not have,
/// keeps its device well below it: 8.5 -> 65.5 nA).
#[test]
fn single_100ns_spikes_leave_lasting_changes_growing_with_amplitude() {
    let spec = otj();
    let changes: Vec<f64> = amplitudes()
        .iter()
        .map(|&v| lasting(&spec, v).unwrap())
        .collect();
    for (v, c) in amplitudes().iter().zip(&changes) {
        println!("100 ns, {v:.1} V: lasting change {:+.3e}", c);
    }
    // the LRS / HRS ratio: a spike that reaches it cannot be outgrown
    let full = 1.8e8 / 2.7e4 - 1.0;
    assert!(changes.iter().all(|&c| c > 0.005), "{changes:?}");
    assert!(
        changes
            .windows(2)
            .all(|w| w[1] > w[0] || w[0] > 0.99 * full),
        "{changes:?}"
    );
    assert!(changes[9] > 0.99 * full, "{changes:?}");
}

/// Fig 3a as measured, one device: after each spike of the rising sequence
/// the current settles at a stable value above the one before it (until the
/// cell is in the LRS, 3.7 uA at 0.1 V: the model has no compliance).
#[test]
fn the_rising_spike_sequence_raises_the_stable_current_after_each_spike() {
    let mut d = hrs(&otj(), 2);
    let mut stable = vec![d.read_current_a(0.1)];
    for v in amplitudes() {
        d.apply(v, 100e-9).unwrap();
        d.advance(1e-3);
        stable.push(d.read_current_a(0.1));
    }
    println!("stable currents at 0.1 V (A): {stable:?}");
    let i_lrs = 0.1 / 2.7e4;
    assert!(
        stable
            .windows(2)
            .all(|w| w[1] > 1.005 * w[0] || w[0] > 0.95 * i_lrs),
        "{stable:?}"
    );
    assert!(stable[0] < 0.01 * i_lrs && stable[10] > 0.95 * i_lrs);
}

/// The previous model (a hard 1.8 V threshold for every width: no slow set,
/// as an incubation longer than any pulse; window ending at 3.0 V) fails
/// both halves of the Fig 3a check.
#[test]
fn a_hard_threshold_for_every_width_misses_fig3a() {
    let old = otj_with(&[
        ("t_inc_slow_s = 75e-9", "t_inc_slow_s = 1.0"),
        ("v_max_v = 4.0", "v_max_v = 3.0"),
    ]);
    let c09 = lasting(&old, 0.9).unwrap();
    println!("hard threshold: 0.9 V, 100 ns leaves {c09:e}");
    assert!(c09.abs() < 1e-9, "{c09}");
    assert!(lasting(&old, 3.6).is_err(), "3.6 V outside the old window");
}

/// Text: "with the pulse width of 20 ns, STM becomes LTM if the pulse
/// amplitude exceeds the threshold voltage of 1.8 V": at 20 ns 1.75 V leaves
/// nothing and 1.85 V a lasting change, while at 100 ns 0.9 V already does
/// (Fig 3a); at 50 ns neither 0.9 V nor 1.5 V do (the E5 letters, Fig 4).
#[test]
fn the_1v8_threshold_is_a_20ns_threshold() {
    let spec = otj();
    let at = |v: f64, w: f64| {
        let mut d = hrs(&spec, 3);
        let g0 = d.conductance_s();
        d.apply(v, w).unwrap();
        d.advance(1e-3);
        d.conductance_s() / g0 - 1.0
    };
    assert!(at(1.75, 20e-9).abs() < 1e-9);
    assert!(at(1.85, 20e-9) > 0.005);
    assert!(at(0.9, 100e-9) > 0.005);
    assert!(at(0.9, 50e-9).abs() < 1e-9);
    assert!(at(1.5, 50e-9).abs() < 1e-9);
}

/// The incubation belongs to the rectangular pulse: ten 10 ns segments of a
/// 100 ns, 0.9 V spike act as the spike (to the C2C gain drawn per segment,
/// 2 %); two 50 ns halves separated by 10 ns of idle are two short pulses
/// and leave nothing.
#[test]
fn incubation_follows_the_pulse_not_the_segments() {
    let spec = otj();
    let run = |pattern: &dyn Fn(&mut dyn Device)| {
        let mut d = hrs(&spec, 4);
        let g0 = d.conductance_s();
        pattern(d.as_mut());
        d.advance(1e-3);
        d.conductance_s() / g0 - 1.0
    };
    let whole = run(&|d| d.apply(0.9, 100e-9).map(|_| ()).unwrap());
    let split = run(&|d| {
        for _ in 0..10 {
            d.apply(0.9, 10e-9).unwrap();
        }
    });
    let gapped = run(&|d| {
        d.apply(0.9, 50e-9).unwrap();
        d.advance(10e-9);
        d.apply(0.9, 50e-9).unwrap();
    });
    println!("0.9 V: whole {whole:e}, split {split:e}, gapped {gapped:e}");
    assert!(whole > 0.005);
    assert!((split / whole - 1.0).abs() < 0.02, "{whole} vs {split}");
    assert!(gapped.abs() < 1e-9, "{gapped}");
}

/// Read-current excess over the HRS of "C" (10 x 0.9 V, 50 ns, 5 MHz): right
/// after the pulses (0.7 us, E5's read delay) and 25 us after them.
fn c_excess(spec: &DeviceSpec) -> (f64, f64) {
    let mut d = hrs(spec, 5);
    let i0 = d.current_a(0.1);
    for k in 0..10 {
        if k > 0 {
            d.advance(150e-9);
        }
        d.apply(0.9, 50e-9).unwrap();
    }
    d.advance(0.7e-6);
    let after = d.current_a(0.1) / i0 - 1.0;
    d.advance(25e-6 - 0.7e-6);
    (after, d.current_a(0.1) / i0 - 1.0)
}

/// Fig 4b, 4e: C is readable right after writing (excess > 30 % of the HRS
/// current, ~3 x the front-end noise of E5's 0.56 nA reads) and gone 25 us
/// later (< 10 % of that excess left). This bounds tau_stm to ~1.5 - 12 us;
/// the built-in 4.4 us passes, 20 us (gone too slowly) and 0.3 us (never
/// visible) fail.
#[test]
fn stm_of_c_is_visible_right_after_and_gone_25us_later() {
    let check = |spec: &DeviceSpec| {
        let (after, late) = c_excess(spec);
        println!("C excess: right after {after:.3}, 25 us later {late:.4}");
        after > 0.3 && late < 0.1 * after
    };
    assert!(check(&otj()), "built-in tau_stm");
    let slow = otj_with(&[("tau_stm_pos_s = 4.4e-6", "tau_stm_pos_s = 20e-6")]);
    assert!(!check(&slow), "tau_stm 20 us should fail Fig 4e");
    let fast = otj_with(&[("tau_stm_pos_s = 4.4e-6", "tau_stm_pos_s = 0.3e-6")]);
    assert!(!check(&fast), "tau_stm 0.3 us should fail Fig 4b");
}
