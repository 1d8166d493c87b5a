//! Front-end + array physics: closed-form time splitting, energy accounting,
//! reproducibility from the seed, and arrays of the catalogue devices.

#[path = "frontend_testdevices.rs"]
mod testdevices;

use neuroxbar_models::array::Array;
use neuroxbar_models::device::{DeviceKind, DeviceSpec};
use neuroxbar_models::frontend::{ChannelMode, FrontEnd, FrontEndParams, WriteScheme};
use testdevices::Linear;

fn quiet() -> FrontEndParams {
    FrontEndParams {
        read_noise_sd_a: 0.0,
        ..Default::default()
    }
}

fn rel_close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * a.abs().max(b.abs()).max(1e-300)
}

/// Drifting linear cells: rows 0 / 1 driven at 1.0 / 0.6 V, columns sensed,
/// held 200 us starting at 1 ms; `split` adds samples, advance_to calls and
/// an apply fall/rise at the same instant inside the pulse.
fn linear_run(split: bool, integrate_on_sample: bool) -> (Vec<f64>, Vec<f64>, f64) {
    let array = Array::from_fn(2, 2, |k| {
        Box::new(Linear::drifting(10e-6 * (1.0 + k as f64), 1e-3, 1e-3))
    })
    .unwrap();
    let params = FrontEndParams {
        adc_conversion_s: 10e-6,
        integrate_on_sample,
        ..quiet()
    };
    let mut fe = FrontEnd::new(array, params, 0).unwrap();
    fe.stage_volts(0, 1.0).unwrap();
    fe.stage_volts(1, 0.6).unwrap();
    fe.stage(2, ChannelMode::Sense, 0).unwrap();
    fe.stage(3, ChannelMode::Sense, 0).unwrap();
    let t0 = 1e-3;
    fe.set_apply(t0, true).unwrap();
    if split {
        fe.advance_to(t0 + 10e-6).unwrap();
        fe.sample(t0 + 50e-6).unwrap();
        fe.advance_to(t0 + 70e-6).unwrap();
        fe.set_apply(t0 + 80e-6, false).unwrap();
        fe.set_apply(t0 + 80e-6, true).unwrap();
        fe.sample(t0 + 120e-6).unwrap();
        fe.sync().unwrap();
        fe.advance_to(t0 + 150e-6).unwrap();
    }
    fe.set_apply(t0 + 200e-6, false).unwrap();
    if split {
        fe.advance_to(2e-3).unwrap();
        fe.sync().unwrap();
    }
    fe.advance_to(5e-3).unwrap();
    let w = fe.weights_s().unwrap();
    let e = fe.array().cell_energies_j().to_vec();
    (w, e, fe.energy_j())
}

#[test]
fn one_interval_equals_the_same_time_split_by_events() {
    for integrate in [false, true] {
        let (w1, e1, t1) = linear_run(false, integrate);
        let (w2, e2, t2) = linear_run(true, integrate);
        for k in 0..4 {
            assert!(
                rel_close(w1[k], w2[k], 1e-12),
                "cell {k}: {} vs {}",
                w1[k],
                w2[k]
            );
            assert!(
                rel_close(e1[k], e2[k], 1e-12),
                "cell {k}: {} vs {}",
                e1[k],
                e2[k]
            );
        }
        assert!(rel_close(t1, t2, 1e-12));
        // And both match the hand calculation: g += k V d, then relaxation over
        // 5 ms - 1.2 ms with tau 1 ms; energy V^2 (g0 d + k V d^2 / 2).
        let d: f64 = 200e-6;
        for (k, v) in [(0usize, 1.0f64), (1, 1.0), (2, 0.6), (3, 0.6)] {
            let g0 = 10e-6 * (1.0 + k as f64);
            let g = g0 + 1e-3 * v * d * (-(5e-3 - 1.2e-3) / 1e-3f64).exp();
            assert!(rel_close(w1[k], g, 1e-12), "cell {k}: {} vs {g}", w1[k]);
            let e = v * v * (g0 * d + 1e-3 * v * d * d / 2.0);
            assert!(rel_close(e1[k], e, 1e-12), "cell {k}: {} vs {e}", e1[k]);
        }
    }
}

#[test]
fn a_mid_pulse_sample_sees_the_rising_edge_state_unless_told_to_integrate() {
    for integrate_on_sample in [false, true] {
        let array = Array::from_fn(1, 1, |_| {
            Box::new(Linear::drifting(10e-6, 1e-3, f64::INFINITY))
        })
        .unwrap();
        let params = FrontEndParams {
            integrate_on_sample,
            ..quiet()
        };
        let mut fe = FrontEnd::new(array, params, 0).unwrap();
        fe.set_tia_gain_index(0).unwrap();
        fe.stage_read(&[0], 1.0).unwrap();
        fe.set_apply(0.0, true).unwrap();
        let b = fe.sample(1e-3).unwrap();
        fe.set_apply(2e-3, false).unwrap();
        let g_edge = 10e-6;
        let g_mid = 10e-6 + 1e-3 * 1.0 * 1e-3;
        let want = if integrate_on_sample { g_mid } else { g_edge };
        assert!(
            rel_close(b.columns[0].current_a, want, 1e-12),
            "{integrate_on_sample}: {}",
            b.columns[0].current_a
        );
        // The final state is the same either way (linear closed-form device).
        assert!(rel_close(fe.weights_s().unwrap()[0], 10e-6 + 2e-6, 1e-12));
        let calls = fe.stats().device_applies;
        assert_eq!(calls, if integrate_on_sample { 2 } else { 1 });
    }
}

#[test]
fn energy_is_v_i_t_per_cell_and_in_total() {
    let g = 20e-6;
    let array = Array::from_fn(3, 3, |_| Box::new(Linear::resistor(g))).unwrap();
    let mut fe = FrontEnd::new(array, quiet(), 0).unwrap();
    // V/2 write of 2 V for 1 ms on (0, 0): selected 2 V, four half-selected 1 V.
    fe.stage_write(0, 0, 2.0, WriteScheme::HalfV).unwrap();
    fe.set_apply(0.0, true).unwrap();
    fe.advance_to(0.5e-3).unwrap();
    assert_eq!(
        fe.energy_j(),
        0.0,
        "a pulse in flight is counted when it ends or on sync"
    );
    fe.sync().unwrap();
    assert!(rel_close(fe.energy_j(), 8.0 * g * 0.5e-3, 1e-12));
    fe.set_apply(1e-3, false).unwrap();
    let t = 1e-3;
    let want = [4.0, 1.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0].map(|v2| v2 * g * t);
    for r in 0..3 {
        for c in 0..3 {
            let e = fe.cell_energy_j(r, c).unwrap();
            assert!(
                rel_close(e, want[r * 3 + c], 1e-12) || (e == 0.0 && want[r * 3 + c] == 0.0),
                "({r},{c}) {e}"
            );
        }
    }
    let total: f64 = want.iter().sum();
    assert!(rel_close(fe.energy_j(), total, 1e-12));
    // A read pulse adds V^2 G t on the driven row only.
    fe.stage_read(&[2], 0.1).unwrap();
    fe.set_apply(2e-3, true).unwrap();
    fe.sample(2.001e-3).unwrap();
    fe.set_apply(2.002e-3, false).unwrap();
    let read = 3.0 * 0.01 * g * 2e-6;
    assert!(
        rel_close(fe.energy_j(), total + read, 1e-9),
        "{} vs {}",
        fe.energy_j(),
        total + read
    );
    let sum: f64 = fe.array().cell_energies_j().iter().sum();
    assert!(rel_close(sum, fe.energy_j(), 1e-12));
    fe.array_mut().unwrap().reset_energy();
    assert_eq!(fe.energy_j(), 0.0);
}

#[test]
fn cell_seeds_are_distinct_and_stable() {
    let mut seen = std::collections::HashSet::new();
    for seed in [0u64, 1, 42] {
        for k in 0..64 * 64 {
            assert!(
                seen.insert(Array::cell_seed(seed, k)),
                "seed collision at array seed {seed}, cell {k}"
            );
        }
    }
    assert_eq!(Array::cell_seed(42, 7), Array::cell_seed(42, 7));
}

fn spec(kind: DeviceKind) -> DeviceSpec {
    DeviceSpec::load(kind, None).unwrap()
}

/// A fixed programming + read program on an ftj-linear array; returns the
/// weights and every code read.
fn ftj_program(seed: u64, noisy: bool) -> (Vec<f64>, Vec<i16>) {
    let params = if noisy {
        FrontEndParams {
            read_noise_sd_a: 20e-9,
            device_read_noise: true,
            ..Default::default()
        }
    } else {
        quiet()
    };
    let mut fe = FrontEnd::from_spec(&spec(DeviceKind::FtjLinear), 4, 4, params, seed).unwrap();
    fe.set_tia_gain_index(3).unwrap();
    let mut t = 0.0;
    let mut codes = Vec::new();
    for (i, (r, c, v)) in [
        (0, 0, 3.0),
        (1, 2, 3.5),
        (3, 1, -3.0),
        (2, 3, 4.0),
        (1, 2, -2.5),
    ]
    .into_iter()
    .enumerate()
    {
        for _ in 0..5 {
            fe.stage_write(
                r,
                c,
                v,
                if i % 2 == 0 {
                    WriteScheme::ThirdV
                } else {
                    WriteScheme::HalfV
                },
            )
            .unwrap();
            fe.set_apply(t, true).unwrap();
            t += 1e-3;
            fe.set_apply(t, false).unwrap();
            t += 2e-3;
        }
        fe.stage_read(&[0, 1, 2, 3], 0.1).unwrap();
        fe.set_apply(t, true).unwrap();
        let b = fe.sample(t + 1e-6).unwrap();
        codes.extend(b.columns.iter().map(|s| s.code));
        t = b.ready_at_s;
        fe.set_apply(t, false).unwrap();
        t += 1e-3;
    }
    (fe.weights_s().unwrap(), codes)
}

#[test]
fn an_array_run_is_reproducible_from_its_seed() {
    let (w1, c1) = ftj_program(42, true);
    let (w2, c2) = ftj_program(42, true);
    assert_eq!(w1, w2);
    assert_eq!(c1, c2);
    let (w3, c3) = ftj_program(43, true);
    assert_ne!(w1, w3, "D2D / C2C variation must depend on the seed");
    assert_ne!(c1, c3);
    // Programmed cells spread by D2D + C2C even for the same program.
    let (w, _) = ftj_program(42, false);
    assert!(w.iter().all(|g| g.is_finite() && *g > 0.0));
}

#[test]
fn ftj_linear_array_reads_its_weights_and_v3_protects_half_selected_cells() {
    let kind = DeviceKind::FtjLinear;
    for scheme in [WriteScheme::ThirdV, WriteScheme::HalfV] {
        let mut fe = FrontEnd::from_spec(&spec(kind), 4, 4, quiet(), 9).unwrap();
        fe.set_tia_gain_index(3).unwrap(); // 1 nA / LSB
        assert_eq!(fe.array().device_name(), "ftj-linear");
        let w0 = fe.weights_s().unwrap();
        // Ten +3 V, 1 ms pulses on (1, 2).
        let mut t = 0.0;
        for _ in 0..10 {
            fe.stage_write(1, 2, 3.0, scheme).unwrap();
            fe.set_apply(t, true).unwrap();
            fe.set_apply(t + 1e-3, false).unwrap();
            t += 5e-3;
        }
        assert_eq!(fe.cell_pulse_count(1, 2).unwrap(), 10);
        let w = fe.weights_s().unwrap();
        assert!(
            w[6] > w0[6] + 1e-6,
            "selected cell must potentiate: {} -> {}",
            w0[6],
            w[6]
        );
        for k in 0..16 {
            if k == 6 {
                continue;
            }
            let (r, c) = (k / 4, k % 4);
            let half = r == 1 || c == 2;
            match scheme {
                // 1 V half-select is at the coercive threshold: no switching.
                WriteScheme::ThirdV => {
                    assert_eq!(w[k], w0[k], "cell ({r},{c}) disturbed under V/3")
                }
                // 1.5 V half-select disturbs a little; unselected cells see 0 V.
                WriteScheme::HalfV if half => {
                    assert!(
                        w[k] > w0[k] && w[k] - w0[k] < 0.2 * (w[6] - w0[6]),
                        "cell ({r},{c})"
                    )
                }
                WriteScheme::HalfV => assert_eq!(w[k], w0[k]),
            }
        }
        // Read every row at the device's read voltage: column current = sum G V,
        // with G as of the read pulse's rising edge.
        let v_read = fe.array().cell(0, 0).unwrap().read_voltage_volts();
        fe.stage_read(&[0, 1, 2, 3], v_read).unwrap();
        fe.advance_to(t).unwrap();
        let w = fe.weights_s().unwrap();
        fe.set_apply(t, true).unwrap();
        let b = fe.sample(t + 1e-6).unwrap();
        fe.set_apply(b.ready_at_s, false).unwrap();
        for (c, s) in b.columns.iter().enumerate() {
            let want: f64 = (0..4).map(|r| w[r * 4 + c] * v_read).sum();
            assert!(
                rel_close(s.current_a, want, 1e-9),
                "col {c}: {} vs {want}",
                s.current_a
            );
            assert_eq!(s.code as f64, (want / 1e-9).round());
        }
    }
}

#[test]
fn every_catalogue_device_reads_as_the_sum_of_its_cell_currents() {
    for kind in DeviceKind::ALL {
        let mut fe = FrontEnd::from_spec(&spec(kind), 3, 2, quiet(), 5).unwrap();
        fe.set_tia_gain_index(0).unwrap(); // 1 pA / LSB
        let v_read = fe.array().cell(0, 0).unwrap().read_voltage_volts();
        fe.stage_read(&[0, 2], v_read).unwrap();
        fe.set_apply(1e-3, true).unwrap();
        let b = fe.sample(1e-3 + 1e-6).unwrap();
        for (c, s) in b.columns.iter().enumerate() {
            let want: f64 = [0, 2]
                .iter()
                .map(|&r| fe.array().cell(r, c).unwrap().current_a(v_read))
                .sum();
            assert!(
                want.is_finite() && want != 0.0,
                "{kind}: column {c} current {want}"
            );
            assert!(
                rel_close(s.current_a, want, 1e-12),
                "{kind}: col {c} {} vs {want}",
                s.current_a
            );
        }
        fe.set_apply(2e-3, false).unwrap();
        assert!(
            fe.energy_j() > 0.0 && fe.energy_j().is_finite(),
            "{kind}: energy {}",
            fe.energy_j()
        );
        assert_eq!(
            fe.array().cell_energy_j(1, 0).unwrap(),
            0.0,
            "{kind}: undriven row 1"
        );
    }
}

#[test]
fn cycle_counters_can_be_jumped_through_the_array() {
    let mut fe = FrontEnd::from_spec(&spec(DeviceKind::Astrocyte), 2, 2, quiet(), 1).unwrap();
    let a = fe.array_mut().unwrap();
    a.set_all_cycles(1_000_000_000);
    a.set_cycles(1, 1, 5).unwrap();
    assert!(a.set_cycles(2, 0, 5).is_err());
    assert_eq!(a.cycles(0, 0).unwrap(), 1_000_000_000);
    assert_eq!(a.cycles(1, 1).unwrap(), 5);
}

#[test]
fn time_warp_gives_identical_device_state() {
    // The same pulse program with and without many advance_to calls in idle
    // gaps and inside pulses: the devices see identical calls.
    let run = |warp_steps: usize| {
        let mut fe = FrontEnd::from_spec(&spec(DeviceKind::FtjRelax), 2, 3, quiet(), 3).unwrap();
        let mut t = 0.0;
        for i in 0..6 {
            let v = if i % 3 == 2 { -1.5 } else { 1.5 };
            fe.stage_write(i % 2, i % 3, v, WriteScheme::ThirdV)
                .unwrap();
            fe.set_apply(t, true).unwrap();
            for s in 1..=warp_steps {
                fe.advance_to(t + 100e-6 * s as f64 / (warp_steps + 1) as f64)
                    .unwrap();
            }
            t += 100e-6;
            fe.set_apply(t, false).unwrap();
            for s in 1..=warp_steps {
                fe.advance_to(t + 0.3 * s as f64 / (warp_steps + 1) as f64)
                    .unwrap();
            }
            t += 0.3;
        }
        fe.advance_to(t).unwrap();
        (fe.weights_s().unwrap(), fe.energy_j())
    };
    let (w0, e0) = run(0);
    let (w1, e1) = run(50);
    assert_eq!(w0, w1);
    assert_eq!(e0, e1);
}
