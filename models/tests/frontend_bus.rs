//! Front-end bus semantics: write-disturb schemes, staging/apply, floating
//! lines, lazy time, and errors.

#[path = "frontend_testdevices.rs"]
mod testdevices;

use std::sync::{Arc, Mutex};

use neuroxbar_models::array::Array;
use neuroxbar_models::frontend::{
    ChannelMode, FrontEnd, FrontEndError, FrontEndParams, WriteScheme,
};
use testdevices::{totals, Call, Cubic, Linear, Log, Recorder};

fn quiet() -> FrontEndParams {
    FrontEndParams {
        read_noise_sd_a: 0.0,
        ..Default::default()
    }
}

fn recorder_fe(n_rows: usize, n_cols: usize) -> (FrontEnd, Log) {
    let log: Log = Arc::new(Mutex::new(Vec::new()));
    let l = log.clone();
    let array = Array::from_fn(n_rows, n_cols, move |cell| {
        Box::new(Recorder::new(cell, l.clone()))
    })
    .unwrap();
    (FrontEnd::new(array, quiet(), 0).unwrap(), log)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * (1.0 + a.abs().max(b.abs()))
}

/// Expected cell voltage under a scheme for selected cell (sr, sc).
fn scheme_volts(scheme: WriteScheme, v: f64, sr: usize, sc: usize, r: usize, c: usize) -> f64 {
    match (scheme, r == sr, c == sc) {
        (_, true, true) => v,
        (WriteScheme::HalfV, true, false) | (WriteScheme::HalfV, false, true) => v / 2.0,
        (WriteScheme::HalfV, false, false) => 0.0,
        (WriteScheme::ThirdV, true, false) | (WriteScheme::ThirdV, false, true) => v / 3.0,
        (WriteScheme::ThirdV, false, false) => -v / 3.0,
    }
}

fn check_scheme(scheme: WriteScheme) {
    let (nr, nc) = (3, 4);
    let (mut fe, log) = recorder_fe(nr, nc);
    let (sr, sc, v) = (1, 2, 2.4); // V/2 = 300 codes, V/6 = 100 codes: exact on the DAC grid
    fe.stage_write(sr, sc, v, scheme).unwrap();
    fe.set_apply(1e-6, true).unwrap();
    for r in 0..nr {
        for c in 0..nc {
            let want = scheme_volts(scheme, v, sr, sc, r, c);
            let got = fe.cell_voltage_volts(r, c).unwrap();
            assert!(
                close(got, want),
                "{scheme:?} cell ({r},{c}): {got} V, want {want} V"
            );
        }
    }
    // The lines themselves: selected row +V/2, selected column -V/2.
    assert!(close(fe.line_voltage_volts(sr).unwrap().unwrap(), v / 2.0));
    assert!(close(
        fe.line_voltage_volts(nr + sc).unwrap().unwrap(),
        -v / 2.0
    ));
    fe.advance_to(1.5e-6).unwrap();
    fe.set_apply(3e-6, false).unwrap();
    for r in 0..nr {
        for c in 0..nc {
            assert_eq!(fe.cell_voltage_volts(r, c).unwrap(), 0.0);
        }
    }
    // Each biased cell got exactly one apply call at its voltage for the
    // pulse width (2 us); unbiased cells were not called at all.
    let (vs, _idle, volts) = totals(&log, nr * nc);
    for r in 0..nr {
        for c in 0..nc {
            let k = r * nc + c;
            let want = scheme_volts(scheme, v, sr, sc, r, c);
            if want == 0.0 {
                assert!(
                    volts[k].is_empty(),
                    "unselected cell ({r},{c}) was applied: {:?}",
                    volts[k]
                );
            } else {
                assert_eq!(volts[k].len(), 1, "cell ({r},{c}) applies: {:?}", volts[k]);
                assert!(close(volts[k][0], want));
                assert!(
                    close(vs[k], want * 2e-6),
                    "cell ({r},{c}) volt-seconds {}",
                    vs[k]
                );
                assert_eq!(fe.cell_pulse_count(r, c).unwrap(), 1);
            }
        }
    }
    // After a sync every cell has lived exactly now_s seconds (held + idle).
    fe.advance_to(10e-6).unwrap();
    fe.sync().unwrap();
    let mut lived = vec![0.0; nr * nc];
    for call in log.lock().unwrap().iter() {
        match *call {
            Call::Apply { cell, d_s, .. } => lived[cell] += d_s,
            Call::Advance { cell, dt_s } => lived[cell] += dt_s,
        }
    }
    for (k, t) in lived.iter().enumerate() {
        assert!(close(*t, 10e-6), "cell {k} lived {t} s");
    }
}

#[test]
fn half_v_scheme_biases_selected_half_selected_and_unselected_cells() {
    check_scheme(WriteScheme::HalfV);
}

#[test]
fn third_v_scheme_biases_selected_half_selected_and_unselected_cells() {
    check_scheme(WriteScheme::ThirdV);
}

#[test]
fn half_selected_disturb_follows_device_physics() {
    // Threshold 1.5 V: a 2.4 V write leaves half-selected cells (1.2 V) alone
    // under V/2; a 4 V write (2 V half-select) disturbs them; V/3 of 4 V
    // (1.33 V) does not.
    let run = |v: f64, scheme: WriteScheme| {
        let array = Array::from_fn(3, 3, |_| Box::new(Cubic::new(1e-5, 0.0, 1.5, 1.0))).unwrap();
        let mut fe = FrontEnd::new(array, quiet(), 0).unwrap();
        fe.stage_write(1, 1, v, scheme).unwrap();
        fe.set_apply(0.0, true).unwrap();
        fe.set_apply(1e-6, false).unwrap();
        fe.weights_s().unwrap()
    };
    let g0 = 1e-5;
    let w = run(2.4, WriteScheme::HalfV);
    assert!(close(w[4], g0 + (2.4 - 1.5) * 1e-6), "selected {}", w[4]);
    for k in [0, 1, 2, 3, 5, 6, 7, 8] {
        assert_eq!(w[k], g0, "cell {k} disturbed at 2.4 V / V/2");
    }
    let w = run(4.0, WriteScheme::HalfV);
    assert!(close(w[4], g0 + 2.5e-6));
    for k in [1, 3, 5, 7] {
        assert!(close(w[k], g0 + 0.5e-6), "half-selected cell {k}: {}", w[k]);
    }
    for k in [0, 2, 6, 8] {
        assert_eq!(w[k], g0);
    }
    let w = run(3.996, WriteScheme::ThirdV); // 3.996 / 6 = 0.666 V = 166.5 codes -> rounds
    for k in [0, 1, 2, 3, 5, 6, 7, 8] {
        assert_eq!(w[k], g0, "cell {k} disturbed under V/3");
    }
    assert!(w[4] > g0);
}

#[test]
fn staging_while_apply_is_high_changes_only_the_next_apply() {
    let (mut fe, log) = recorder_fe(2, 2);
    fe.stage_volts(0, 1.0).unwrap();
    fe.set_apply(0.0, true).unwrap();
    fe.stage_volts(0, 2.0).unwrap();
    fe.stage(2, ChannelMode::Drive, 100).unwrap();
    assert!(close(fe.cell_voltage_volts(0, 0).unwrap(), 1.0));
    assert!(close(fe.line_voltage_volts(0).unwrap().unwrap(), 1.0));
    assert_eq!(fe.staged(0).unwrap().code, 500);
    fe.set_apply(1e-6, false).unwrap();
    fe.set_apply(2e-6, true).unwrap();
    assert!(close(fe.cell_voltage_volts(0, 0).unwrap(), 2.0 - 0.4));
    assert!(close(fe.cell_voltage_volts(1, 0).unwrap(), -0.4));
    fe.set_apply(3e-6, false).unwrap();
    let (_, _, volts) = totals(&log, 4);
    assert_eq!(volts[0].len(), 2);
    assert!(close(volts[0][0], 1.0) && close(volts[0][1], 1.6));
}

#[test]
fn repeated_apply_level_only_moves_the_clock() {
    let (mut fe, log) = recorder_fe(1, 1);
    fe.stage_volts(0, 1.0).unwrap();
    fe.set_apply(0.0, true).unwrap();
    fe.set_apply(1e-6, true).unwrap();
    fe.set_apply(2e-6, false).unwrap();
    fe.set_apply(3e-6, false).unwrap();
    assert_eq!(fe.stats().apply_pulses, 1);
    let calls = log.lock().unwrap().clone();
    assert_eq!(
        calls,
        vec![Call::Apply {
            cell: 0,
            v_volts: 1.0,
            d_s: 2e-6
        }]
    );
}

#[test]
fn floating_lines_isolate_their_cells() {
    let array = Array::from_fn(2, 2, |_| Box::new(Linear::resistor(1e-4))).unwrap();
    let mut fe = FrontEnd::new(array, quiet(), 0).unwrap();
    fe.stage_volts(0, 1.0).unwrap();
    fe.stage(1, ChannelMode::Float, 0).unwrap(); // row 1 floats
    fe.stage(2, ChannelMode::Sense, 0).unwrap(); // column 0 senses
    fe.stage(3, ChannelMode::Float, 0).unwrap(); // column 1 floats
    fe.set_apply(0.0, true).unwrap();
    assert_eq!(fe.line_voltage_volts(1).unwrap(), None);
    assert_eq!(fe.line_voltage_volts(3).unwrap(), None);
    assert!(close(fe.cell_voltage_volts(0, 0).unwrap(), 1.0));
    assert_eq!(fe.cell_voltage_volts(0, 1).unwrap(), 0.0);
    assert_eq!(fe.cell_voltage_volts(1, 0).unwrap(), 0.0);
    assert_eq!(fe.cell_voltage_volts(1, 1).unwrap(), 0.0);
    let b = fe.sample(1e-6).unwrap();
    assert_eq!(b.columns.len(), 1);
    assert_eq!(b.columns[0].ch, 2);
    assert!(close(b.columns[0].current_a, 1e-4));
    fe.set_apply(2e-6, false).unwrap();
    fe.sync().unwrap();
    let e = fe.array().cell_energies_j().to_vec();
    assert!(close(e[0], 1e-4 * 2e-6), "{e:?}");
    assert_eq!(&e[1..], &[0.0, 0.0, 0.0]);
    // Apply low: every line grounded.
    assert_eq!(fe.line_voltage_volts(1).unwrap(), Some(0.0));
}

#[test]
fn advance_to_does_not_split_a_held_pulse() {
    let (mut fe, log) = recorder_fe(2, 2);
    fe.stage_write(0, 0, 2.0, WriteScheme::HalfV).unwrap();
    fe.set_apply(0.0, true).unwrap();
    for i in 1..100 {
        fe.advance_to(i as f64 * 1e-6).unwrap();
    }
    fe.set_apply(100e-6, false).unwrap();
    fe.advance_to(1.0).unwrap();
    let calls = log.lock().unwrap().clone();
    // cells (0,0) 2 V, (0,1) and (1,0) 1 V, one call each; (1,1) untouched.
    assert_eq!(calls.len(), 3, "{calls:?}");
    assert!(calls
        .iter()
        .all(|c| matches!(c, Call::Apply { d_s, .. } if close(*d_s, 100e-6))));
    assert_eq!(fe.stats().device_applies, 3);
    assert_eq!(fe.stats().device_advances, 0);
}

#[test]
fn bus_errors_name_the_quantity_and_range() {
    let array = Array::from_fn(2, 3, |_| Box::new(Linear::resistor(1e-5))).unwrap();
    let mut fe = FrontEnd::new(array, quiet(), 0).unwrap();

    let e = fe.stage(5, ChannelMode::Drive, 0).unwrap_err();
    assert!(
        matches!(
            e,
            FrontEndError::Channel {
                ch: 5,
                n_channels: 5,
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains("0..5"), "{e}");

    let e = fe.stage(0, ChannelMode::Drive, 2048).unwrap_err();
    assert!(e.to_string().contains("-2048..=2047"), "{e}");
    assert!(fe.stage(0, ChannelMode::Drive, -2049).is_err());
    let e = fe.stage_volts(0, 9.0).unwrap_err();
    assert!(e.to_string().contains("-8.192"), "{e}");

    let e = fe.stage_bits(0, 4, 0).unwrap_err();
    assert!(matches!(e, FrontEndError::Mode { mode: 4 }), "{e}");
    fe.stage_bits(0, 1, 0xFFF).unwrap();
    assert_eq!(fe.staged(0).unwrap().code, -1);
    assert_eq!(fe.staged(0).unwrap().mode, ChannelMode::Drive);
    assert!(fe.stage_bits(u64::MAX, 1, 0).is_err());

    let e = fe.cell_voltage_volts(2, 0).unwrap_err();
    assert!(e.to_string().contains("rows 0..2, columns 0..3"), "{e}");
    assert!(fe.stage_write(0, 3, 1.0, WriteScheme::HalfV).is_err());
    assert!(fe.stage_read(&[2], 0.1).is_err());

    fe.advance_to(1e-3).unwrap();
    let e = fe.advance_to(0.5e-3).unwrap_err();
    assert!(matches!(e, FrontEndError::TimeWentBackwards { .. }), "{e}");
    assert!(e.to_string().contains(">= 0.001"), "{e}");
    assert!(fe.set_apply(0.0, true).is_err());
    assert!(fe.sample(0.0).is_err());
    assert!(matches!(
        fe.advance_to(f64::NAN).unwrap_err(),
        FrontEndError::BadTime { .. }
    ));
    assert!(fe.advance_to(f64::INFINITY).is_err());
    assert_eq!(fe.now_s(), 1e-3);
    // Equal time is allowed.
    fe.advance_to(1e-3).unwrap();

    let e = fe.set_tia_gain_index(8).unwrap_err();
    assert!(e.to_string().contains("0..8"), "{e}");
    fe.set_tia_gain_index(7).unwrap();
    assert_eq!(fe.tia_lsb_a(), 1e-5);

    assert!(Array::from_fn(0, 3, |_| Box::new(Linear::resistor(1e-5))).is_err());
}

#[test]
fn out_of_window_apply_is_refused_with_lines_grounded() {
    let log: Log = Arc::new(Mutex::new(Vec::new()));
    let l = log.clone();
    let array = Array::from_fn(2, 2, move |cell| Box::new(Recorder::new(cell, l.clone()))).unwrap();
    let mut fe = FrontEnd::new(array, quiet(), 0).unwrap();
    fe.stage_write(1, 0, 6.0, WriteScheme::HalfV).unwrap(); // 6 V > 5 V window
    let e = fe.set_apply(1e-6, true).unwrap_err();
    match &e {
        FrontEndError::Window {
            row,
            col,
            v_volts,
            min_volts,
            max_volts,
            device,
        } => {
            assert_eq!((*row, *col), (1, 0));
            assert!(close(*v_volts, 6.0));
            assert_eq!((*min_volts, *max_volts), (-5.0, 5.0));
            assert_eq!(*device, "test-recorder");
        }
        other => panic!("unexpected error {other}"),
    }
    assert!(e.to_string().contains("[-5, 5] V"), "{e}");
    assert!(!fe.apply_on());
    assert_eq!(fe.line_voltage_volts(1).unwrap(), Some(0.0));
    assert_eq!(fe.cell_voltage_volts(1, 0).unwrap(), 0.0);
    assert_eq!(fe.stats().window_errors, 1);
    assert_eq!(fe.stats().apply_pulses, 0);
    fe.set_apply(2e-6, false).unwrap();
    assert!(log.lock().unwrap().is_empty());
    // A legal write afterwards works.
    fe.stage_write(1, 0, 4.0, WriteScheme::HalfV).unwrap();
    fe.set_apply(3e-6, true).unwrap();
    fe.set_apply(4e-6, false).unwrap();
    assert_eq!(fe.stats().apply_pulses, 1);
}
