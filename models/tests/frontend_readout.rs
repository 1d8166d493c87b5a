//! Front-end readout: column currents from nonlinear cell I-Vs, TIA/ADC
//! quantization and saturation, conversion latency and busy, read noise.

#[path = "frontend_testdevices.rs"]
mod testdevices;

use neuroxbar_models::array::Array;
use neuroxbar_models::frontend::{ChannelMode, FrontEnd, FrontEndError, FrontEndParams};
use testdevices::{Cubic, Linear};

fn quiet() -> FrontEndParams {
    FrontEndParams {
        read_noise_sd_a: 0.0,
        ..Default::default()
    }
}

/// Cell (r, c) of a 4 x 3 cubic array: a = (1 + r + 10 c) uS, b = (r + 1) uA/V^3.
fn cubic_array() -> Array {
    Array::from_fn(4, 3, |k| {
        let (r, c) = (k / 3, k % 3);
        Box::new(Cubic::new(
            (1.0 + r as f64 + 10.0 * c as f64) * 1e-6,
            (r as f64 + 1.0) * 1e-6,
            10.0,
            0.0,
        ))
    })
    .unwrap()
}

fn cubic_i(r: usize, c: usize, v: f64) -> f64 {
    (1.0 + r as f64 + 10.0 * c as f64) * 1e-6 * v + (r as f64 + 1.0) * 1e-6 * v * v * v
}

#[test]
fn column_current_is_the_sum_of_nonlinear_cell_currents() {
    let mut fe = FrontEnd::new(cubic_array(), quiet(), 0).unwrap();
    fe.set_tia_gain_index(0).unwrap(); // 1 pA / LSB
                                       // Row 0 at 0.3 V, row 1 grounded, row 2 at -0.52 V, row 3 at 0.8 V; columns sensed.
    let drives = [(0usize, 0.3), (2, -0.52), (3, 0.8)];
    for (r, v) in drives {
        fe.stage_volts(r, v).unwrap();
    }
    for c in 0..3 {
        fe.stage(4 + c, ChannelMode::Sense, 0).unwrap();
    }
    fe.set_apply(0.0, true).unwrap();
    fe.set_tia_gain_index(3).unwrap(); // 1 nA / LSB (the TIA gain register may change any time)
    let batch = fe.sample(1e-6).unwrap();
    assert!(batch.settled);
    assert_eq!(
        batch.columns.iter().map(|s| s.ch).collect::<Vec<_>>(),
        vec![4, 5, 6]
    );
    for (c, s) in batch.columns.iter().enumerate() {
        let want: f64 = drives.iter().map(|&(r, v)| cubic_i(r, c, v)).sum();
        assert!(
            (s.current_a - want).abs() <= 1e-15 * want.abs().max(1e-12),
            "col {c}: {} vs {want}",
            s.current_a
        );
        // The linear part alone would be off by far more than one LSB:
        let linear: f64 = drives
            .iter()
            .map(|&(r, v)| (1.0 + r as f64 + 10.0 * c as f64) * 1e-6 * v)
            .sum();
        assert!((want - linear).abs() > 100.0 * 1e-9);
        assert_eq!(s.code as f64, (want / 1e-9).round(), "col {c}");
        assert!(!s.saturated);
    }
}

#[test]
fn a_sensed_row_sees_the_negated_sum_of_its_cells() {
    let mut fe = FrontEnd::new(cubic_array(), quiet(), 0).unwrap();
    fe.set_tia_gain_index(1).unwrap(); // 10 pA / LSB
    fe.stage_volts(4 + 1, 0.6).unwrap(); // column 1 driven
    fe.stage(2, ChannelMode::Sense, 0).unwrap(); // row 2 sensed
    fe.set_apply(0.0, true).unwrap();
    let b = fe.sample(1e-6).unwrap();
    assert_eq!(b.columns.len(), 1);
    assert_eq!(b.columns[0].ch, 2);
    // Cell (2,1) sees V_row - V_col = -0.6 V; the current into the row's TIA is -I(-0.6 V) > 0.
    let want = -cubic_i(2, 1, -0.6);
    assert!(want > 0.0);
    assert!((b.columns[0].current_a - want).abs() < 1e-18);
}

#[test]
fn quantization_follows_the_tia_gain_and_saturates() {
    // One 100 uS cell read at 0.1 V: 10 uA.
    let make = |params: FrontEndParams| {
        let array = Array::from_fn(1, 1, |_| Box::new(Linear::resistor(100e-6))).unwrap();
        let mut fe = FrontEnd::new(array, params, 0).unwrap();
        fe.stage_read(&[0], 0.1).unwrap();
        fe.set_apply(0.0, true).unwrap();
        fe
    };
    let mut fe = make(quiet());
    let mut t = 1e-6;
    let want_a = 100e-6 * 0.1;
    for (gain, code, sat) in [
        (4usize, 1000i16, false), // 10 nA/LSB
        (5, 100, false),          // 100 nA/LSB
        (7, 1, false),            // 10 uA/LSB
        (3, 10000, false),        // 1 nA/LSB
        (2, i16::MAX, true),      // 100 pA/LSB: 100000 codes -> clamps
    ] {
        fe.set_tia_gain_index(gain).unwrap();
        let b = fe.sample(t).unwrap();
        t = b.ready_at_s;
        assert!((b.columns[0].current_a - want_a).abs() < 1e-18);
        assert_eq!(
            (b.columns[0].code, b.columns[0].saturated),
            (code, sat),
            "gain {gain}"
        );
    }
    assert_eq!(fe.stats().saturated_codes, 1);
    // Negative saturation, and a 12-bit ADC clamps at 2047 / -2048.
    let mut fe = make(FrontEndParams {
        adc_bits: 12,
        ..quiet()
    });
    let b = fe.sample(1e-6).unwrap();
    assert_eq!((b.columns[0].code, b.columns[0].saturated), (1000, false));
    fe.set_tia_gain_index(3).unwrap();
    let b = fe.sample(b.ready_at_s).unwrap();
    assert_eq!((b.columns[0].code, b.columns[0].saturated), (2047, true));
    let array = Array::from_fn(1, 1, |_| Box::new(Linear::resistor(100e-6))).unwrap();
    let mut fe = FrontEnd::new(array, quiet(), 0).unwrap();
    fe.stage_read(&[0], -0.5).unwrap();
    fe.set_tia_gain_index(3).unwrap();
    fe.set_apply(0.0, true).unwrap();
    let b = fe.sample(1e-6).unwrap();
    assert_eq!(
        (b.columns[0].code, b.columns[0].saturated),
        (i16::MIN, true)
    );
}

#[test]
fn conversion_latency_busy_and_streaming_times() {
    let array = Array::from_fn(2, 3, |_| Box::new(Linear::resistor(10e-6))).unwrap();
    let params = FrontEndParams {
        adc_conversion_s: 0.995e-6,
        dac_settle_s: 200e-9,
        ..quiet()
    };
    let mut fe = FrontEnd::new(array, params, 0).unwrap();
    assert_eq!(fe.params().adc_conversion_cycles(), 100); // rounded up to whole cycles
    assert_eq!(fe.params().dac_settle_cycles(), 20);
    fe.stage_read(&[0, 1], 0.1).unwrap();
    fe.set_apply(1e-6, true).unwrap();
    // Sampled 100 ns after the apply edge: before the DAC settled.
    let b = fe.sample(1.1e-6).unwrap();
    assert!(!b.settled);
    assert_eq!(fe.stats().unsettled_samples, 1);
    assert_eq!(b.conversion_cycles, 100);
    assert!((b.ready_at_s - (1.1e-6 + 1e-6)).abs() < 1e-15);
    assert_eq!(b.columns.len(), 3);
    for k in 0..3 {
        assert!((b.valid_at_s(k) - (2.1e-6 + k as f64 * 10e-9)).abs() < 1e-15);
    }
    assert!(fe.is_busy(1.5e-6));
    assert!(fe.is_busy(b.ready_at_s - 10e-9));
    assert!(!fe.is_busy(b.ready_at_s));
    let e = fe.sample(1.5e-6).unwrap_err();
    assert!(matches!(e, FrontEndError::AdcBusy { .. }), "{e}");
    assert!(e.to_string().contains("busy until"), "{e}");
    let b2 = fe.sample(b.ready_at_s).unwrap();
    assert!(b2.settled);
    assert_eq!(fe.stats().samples, 2);
}

#[test]
fn sample_with_apply_low_reads_staged_sense_channels_at_zero() {
    let array = Array::from_fn(2, 2, |_| Box::new(Linear::resistor(10e-6))).unwrap();
    let mut fe = FrontEnd::new(array, quiet(), 0).unwrap();
    fe.stage_read(&[0, 1], 0.5).unwrap();
    let b = fe.sample(0.0).unwrap();
    assert_eq!(b.columns.len(), 2);
    assert!(b
        .columns
        .iter()
        .all(|s| s.code == 0 && s.current_a == 0.0 && !s.saturated));
    // Reuse a batch buffer.
    let mut buf = b;
    fe.set_apply(2e-6, true).unwrap();
    fe.sample_into(3e-6, &mut buf).unwrap();
    assert_eq!(buf.columns.len(), 2);
    // Rows 0 and 1 at 0.5 V through two 10 uS cells: 10 uA at 10 nA/LSB.
    assert_eq!(buf.columns[0].code, 1000);
    assert_eq!(buf.columns[1].code, 1000);
}

#[test]
fn read_noise_has_the_configured_sd_and_is_reproducible() {
    let sd = 50e-9;
    let run = |seed: u64| {
        let array = Array::from_fn(1, 2, |_| Box::new(Linear::resistor(10e-6))).unwrap();
        let params = FrontEndParams {
            read_noise_sd_a: sd,
            adc_conversion_s: 0.0,
            ..Default::default()
        };
        let mut fe = FrontEnd::new(array, params, seed).unwrap();
        fe.set_tia_gain_index(3).unwrap(); // 1 nA / LSB
        fe.stage_read(&[0], 0.1).unwrap(); // 1 uA per column
        fe.set_apply(0.0, true).unwrap();
        let mut codes = Vec::new();
        let mut currents = Vec::new();
        for i in 0..4000 {
            let b = fe.sample(i as f64 * 1e-6).unwrap();
            for s in &b.columns {
                codes.push(s.code);
                currents.push(s.current_a);
            }
        }
        (codes, currents)
    };
    let (codes, currents) = run(7);
    let n = currents.len() as f64;
    let mean = currents.iter().sum::<f64>() / n;
    let var = currents.iter().map(|i| (i - mean).powi(2)).sum::<f64>() / (n - 1.0);
    assert!((mean - 1e-6).abs() < 4.0 * sd / n.sqrt(), "mean {mean}");
    assert!((var.sqrt() / sd - 1.0).abs() < 0.05, "sd {}", var.sqrt());
    // Both columns get independent noise.
    assert_ne!(currents[0], currents[1]);
    assert_eq!(run(7).0, codes);
    assert_ne!(run(8).0, codes);
}

#[test]
fn a_sample_exactly_settle_cycles_after_the_edge_is_settled_at_any_time() {
    // times computed as cycles x period, as the co-simulation does, up to
    // 1e11 cycles (1000 s): rounding must not make a settled sample look early
    let array = Array::from_fn(1, 1, |_| Box::new(Linear::resistor(10e-6))).unwrap();
    let mut fe = FrontEnd::new(array, quiet(), 0).unwrap();
    let period = fe.params().clock_period_s;
    let settle = fe.params().dac_settle_cycles();
    fe.stage_read(&[0], 0.1).unwrap();
    for k in 0..200u64 {
        let edge = 3 + k * 499_999_997; // up to ~1e11 cycles
        fe.set_apply(edge as f64 * period, true).unwrap();
        let b = fe.sample((edge + settle) as f64 * period).unwrap();
        assert!(b.settled, "edge at cycle {edge}");
        fe.set_apply((edge + settle + 1) as f64 * period, false)
            .unwrap();
        fe.advance_to((edge + settle + 1_000) as f64 * period)
            .unwrap();
    }
    assert_eq!(fe.stats().unsettled_samples, 0);
    // one cycle early is still caught
    let edge = 100_000_000_000u64;
    fe.set_apply(edge as f64 * period, true).unwrap();
    let b = fe.sample((edge + settle - 1) as f64 * period).unwrap();
    assert!(!b.settled);
}
