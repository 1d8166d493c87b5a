//! Model-level properties: closed-form time evolution, variation statistics,
//! reproducibility, the LiWES short-term equations, and error handling.

use neuroxbar_models::device::liwes::{st_response, Liwes, StSet};
use neuroxbar_models::device::{
    ftj_relax, Device, DeviceError, DeviceKind, DeviceSpec, ParamError, ParamSet,
};
use neuroxbar_models::protocol::{self, Options, Protocol};

fn spec(kind: DeviceKind) -> DeviceSpec {
    DeviceSpec::load(kind, None).expect("built-in parameters are valid")
}

/// A programming pulse inside each device's window, and a time scale on
/// which it has a volatile part.
fn stimulus(kind: DeviceKind) -> (f64, f64, f64) {
    match kind {
        DeviceKind::FtjRelax => (1.0, 100e-6, 0.5),
        DeviceKind::Otj => (1.2, 50e-9, 20e-6),
        DeviceKind::Liwes => (0.5, 10e-3, 0.5),
        DeviceKind::Astrocyte => (1.6, 50e-9, 1.0),
        DeviceKind::NAstrocyte => (2.5, 50e-9, 1.0),
        DeviceKind::FtjLinear | DeviceKind::FtjReference => (3.0, 1e-3, 5e-3),
    }
}

#[test]
fn advance_is_closed_form_for_every_device() {
    for kind in DeviceKind::ALL {
        let (v, w, t) = stimulus(kind);
        let mut a = spec(kind).instantiate(7);
        let mut b = spec(kind).instantiate(7);
        a.apply(v, w).unwrap();
        b.apply(v, w).unwrap();
        a.advance(t);
        for _ in 0..1000 {
            b.advance(t / 1000.0);
        }
        let (ga, gb) = (a.conductance_s(), b.conductance_s());
        assert!(
            (ga - gb).abs() <= 1e-9 * ga.abs(),
            "{kind}: one step {ga} vs 1000 steps {gb}"
        );
        // and a + b == a then b, followed by a pulse (state, not just output)
        a.advance(0.3 * t);
        a.advance(0.7 * t);
        b.advance(t);
        a.apply(v, w).unwrap();
        b.apply(v, w).unwrap();
        let (ga, gb) = (a.conductance_s(), b.conductance_s());
        assert!(
            (ga - gb).abs() <= 1e-9 * ga.abs(),
            "{kind}: split advance {ga} vs {gb}"
        );
    }
}

#[test]
fn out_of_window_and_bad_durations_are_errors_not_nan() {
    for kind in DeviceKind::ALL {
        let mut d = spec(kind).instantiate(3);
        let (lo, hi) = d.safe_window_volts();
        for v in [hi + 0.01, lo - 0.01, f64::NAN, f64::INFINITY] {
            match d.apply(v, 1e-6) {
                Err(DeviceError::VoltageOutOfWindow { .. }) => {}
                other => panic!("{kind}: {v} V gave {other:?}"),
            }
        }
        for dur in [-1.0, f64::NAN, f64::INFINITY] {
            assert!(
                matches!(d.apply(0.1, dur), Err(DeviceError::InvalidDuration { .. })),
                "{kind}: duration {dur}"
            );
        }
        d.advance(f64::NAN);
        d.advance(-1.0);
        d.advance(f64::INFINITY);
        assert!(
            d.conductance_s().is_finite() && d.conductance_s() > 0.0,
            "{kind}"
        );
        assert!(
            d.read_current_a(d.read_voltage_volts()).is_finite(),
            "{kind}"
        );
        // the window edges themselves are allowed
        assert!(
            d.apply(hi, 1e-9).is_ok() && d.apply(lo, 1e-9).is_ok(),
            "{kind}"
        );
        assert!(d.current_a(hi).is_finite() && d.last_pulse_energy_j().is_finite());
    }
}

#[test]
fn bad_parameter_files_name_the_field() {
    let text = DeviceKind::FtjLinear.default_params_toml();
    let cases = [
        (text.replace("k_pot = ", "k_pott = "), "k_pott"), // unknown field
        (text.replace("c2c_sd = 0.054", ""), "c2c_sd"),    // missing field
        (text.replace("c2c_sd = 0.054", "c2c_sd = 3.0"), "c2c_sd"), // out of range
        (text.replace("g_hi_s = 98e-6", "g_hi_s = 20e-6"), "g_lo_s"), // inconsistent bounds
        (text.replace("v_th_v = 1.0", "v_th_v = \"high\""), "v_th_v"), // wrong type
    ];
    for (bad, field) in cases {
        match DeviceSpec::from_toml_str(DeviceKind::FtjLinear, &bad, "bad.toml") {
            Err(DeviceError::Param(ParamError {
                file,
                field: f,
                message,
            })) => {
                assert_eq!(file, "bad.toml");
                assert_eq!(f, field, "{message}");
                assert!(!message.is_empty());
            }
            other => panic!("expected a Param error naming {field}, got {other:?}"),
        }
    }
    let tau = DeviceKind::FtjRelax
        .default_params_toml()
        .replace("tau1_pot_s = 0.069", "tau1_pot_s = -1.0");
    let e = DeviceSpec::from_toml_str(DeviceKind::FtjRelax, &tau, "x.toml").unwrap_err();
    assert!(
        e.to_string().contains("tau1_pot_s") && e.to_string().contains("allowed range"),
        "{e}"
    );
    let missing = DeviceSpec::load(
        DeviceKind::Otj,
        Some(std::path::Path::new("/nonexistent/otj.toml")),
    );
    assert!(matches!(
        missing,
        Err(DeviceError::Param(ParamError { .. }))
    ));
}

#[test]
fn every_kind_parses_its_name_and_loads_its_defaults() {
    for kind in DeviceKind::ALL {
        assert_eq!(kind.name().parse::<DeviceKind>().unwrap(), kind);
        assert_eq!(kind.to_string(), kind.name());
        let d = spec(kind).instantiate(0);
        assert_eq!(d.name(), kind.name());
        assert!(d.conductance_s() > 0.0);
    }
    assert!("memristor"
        .parse::<DeviceKind>()
        .unwrap_err()
        .contains("ftj-relax"));
}

fn mean_sd(x: &[f64]) -> (f64, f64) {
    let m = x.iter().sum::<f64>() / x.len() as f64;
    let v = x.iter().map(|a| (a - m).powi(2)).sum::<f64>() / (x.len() - 1) as f64;
    (m, v.sqrt())
}

#[test]
fn ftj_relax_variation_matches_configured_sd() {
    let ParamSet::FtjRelax(p) = spec(DeviceKind::FtjRelax).params else {
        panic!()
    };
    // negative pulses from a fixed state: dG_nv proportional to c2c * d2d
    let mut d = ftj_relax::FtjRelax::new(&p, "ftj-relax", 5);
    let mut dg = vec![];
    for _ in 0..4000 {
        d.g_nv_s = p.g_init_s;
        d.apply(-1.5, 100e-6).unwrap();
        dg.push(p.g_init_s - d.g_nv_s);
        d.advance(100.0);
    }
    let (m, sd) = mean_sd(&dg);
    assert!(
        (sd / m / p.c2c_sd - 1.0).abs() < 0.08,
        "C2C cv {} vs {}",
        sd / m,
        p.c2c_sd
    );
    let first: Vec<f64> = (0..4000)
        .map(|s| {
            let mut d = ftj_relax::FtjRelax::new(&p, "ftj-relax", s);
            d.apply(-1.5, 100e-6).unwrap();
            p.g_init_s - d.g_nv_s
        })
        .collect();
    let (m, sd) = mean_sd(&first);
    let expected =
        (p.c2c_sd.powi(2) + p.d2d_sd.powi(2) + p.c2c_sd.powi(2) * p.d2d_sd.powi(2)).sqrt();
    assert!(
        (sd / m / expected - 1.0).abs() < 0.08,
        "C2C+D2D cv {} vs {expected}",
        sd / m
    );
}

#[test]
fn read_noise_is_seeded_and_has_its_sd() {
    let s = spec(DeviceKind::Otj);
    let mut a = s.instantiate(9);
    let mut b = s.instantiate(9);
    let v = a.read_voltage_volts();
    let xa: Vec<f64> = (0..3000).map(|_| a.read_current_a(v)).collect();
    let xb: Vec<f64> = (0..3000).map(|_| b.read_current_a(v)).collect();
    assert_eq!(xa, xb, "same seed, same noise");
    let (m, sd) = mean_sd(&xa);
    assert!((m / a.current_a(v) - 1.0).abs() < 1e-3);
    assert!(
        (sd / m / 0.002 - 1.0).abs() < 0.08,
        "read noise cv {}",
        sd / m
    );
    let mut c = s.instantiate(10);
    assert_ne!(c.read_current_a(v), xa[0]);
}

#[test]
fn protocols_are_reproducible_from_the_seed() {
    let s = spec(DeviceKind::Liwes);
    let run = |seed| {
        protocol::run(Protocol::Ppf, &s, &Options { seed, cycles: None })
            .unwrap()
            .metrics
    };
    assert_eq!(run(4), run(4));
    assert_ne!(run(4), run(5));
}

/// A LiWES device from the built-in parameters with `st_mode` set to `mode`.
fn liwes_in_st_mode(mode: &str) -> Liwes {
    let text = DeviceKind::Liwes
        .default_params_toml()
        .replace("st_mode = \"stochastic\"", &format!("st_mode = \"{mode}\""));
    let file = format!("{mode}.toml");
    let ParamSet::Liwes(p) = DeviceSpec::from_toml_str(DeviceKind::Liwes, &text, &file)
        .unwrap()
        .params
    else {
        panic!()
    };
    Liwes::new(&p, "liwes", 1)
}

#[test]
fn liwes_short_term_equations_match_hand_computed_values() {
    let s = StSet {
        a1: 0.57,
        tau1_s: 5e-3,
        a2: 0.5,
        tau2_s: 92e-3,
        eta: 0.03,
    };
    let w = 200e-6;
    // rise: (A1 + A2) (t - ti)/w + eta + G_off = 1.07 * 0.5 + 0.03 + 0.2
    assert!((st_response(100e-6, w, &s, 0.2) - 0.765).abs() < 1e-12);
    // decay at 10 ms: 0.67 e^-2 + 0.6 e^-(10/92) + 0.03 = 0.0906747 + 0.5382018 + 0.03
    assert!((st_response(10e-3, w, &s, 0.2) - 0.658876666).abs() < 1e-8);
    // the IDEAL synapse (all sd = 0) as a device: two spikes 50 ms apart
    let mut d = liwes_in_st_mode("ideal");
    d.apply(1.0, 200e-6).unwrap();
    d.advance(50e-3 - 200e-6);
    // G_off = 0.57 e^-10 + 0.5 e^-(50/92) = 0.290388289
    assert!(
        (d.st_value() - 0.290388289).abs() < 1e-8,
        "{}",
        d.st_value()
    );
    d.apply(1.0, 200e-6).unwrap();
    d.advance(20e-3 - 200e-6);
    // (0.57 + G_off/2) e^-4 + (0.5 + G_off/2) e^-(20/92) = 0.532232162
    assert!(
        (d.st_value() - 0.532232162).abs() < 1e-8,
        "{}",
        d.st_value()
    );
    // NO-STP: no short-term response at all
    let mut d = liwes_in_st_mode("no-stp");
    d.apply(1.0, 200e-6).unwrap();
    assert_eq!(d.st_value(), 0.0);
}

#[test]
fn sub_threshold_disturbs_follow_device_physics() {
    // otj: a V/2 disturb of a 2.2 V write (20 ns) is STM only: current rises, then relaxes fully
    let mut d = spec(DeviceKind::Otj).instantiate(2);
    let g0 = d.conductance_s();
    d.apply(1.1, 20e-9).unwrap();
    assert!(d.conductance_s() > g0 * 1.01);
    d.advance(1e-3);
    assert!((d.conductance_s() / g0 - 1.0).abs() < 1e-9);
    // ftj-relax: a 0.5 V disturb gives a partial change that relaxes
    let mut d = spec(DeviceKind::FtjRelax).instantiate(2);
    let g0 = d.conductance_s();
    d.apply(0.5, 100e-6).unwrap();
    let g1 = d.conductance_s();
    d.advance(10.0);
    assert!(g1 > g0 && (d.conductance_s() - g0).abs() < 0.05 * (g1 - g0));
    // astrocyte: V/3 of a set pulse changes nothing
    let mut d = spec(DeviceKind::Astrocyte).instantiate(2);
    d.apply(-1.8, 50e-9).unwrap();
    let g0 = d.conductance_s();
    d.apply(1.6 / 3.0, 50e-9).unwrap();
    assert_eq!(d.conductance_s(), g0);
}

#[test]
fn astrocyte_counts_cycles_cheaply_and_refresh_restores_linearity() {
    let mut d = spec(DeviceKind::Astrocyte).instantiate(1);
    for _ in 0..5 {
        d.apply(1.6, 50e-9).unwrap();
        d.apply(-1.8, 50e-9).unwrap();
    }
    assert_eq!(d.cycles(), 5);
    d.set_cycles(100_000_000_000);
    assert_eq!(d.cycles(), 100_000_000_000);
    let m = protocol::run(
        Protocol::Iv,
        &spec(DeviceKind::Astrocyte),
        &Options {
            seed: 1,
            cycles: Some(100_000_000_000),
        },
    )
    .unwrap()
    .metrics;
    assert!(m["nonlinearity_factor_after_refresh"] < 2.5, "{m:?}");
}

#[test]
fn inapplicable_protocol_lists_the_applicable_ones() {
    let e = protocol::run(
        Protocol::Stdp,
        &spec(DeviceKind::Astrocyte),
        &Options::default(),
    )
    .unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("iv") && msg.contains("endurance") && msg.contains("energy"),
        "{msg}"
    );
}
