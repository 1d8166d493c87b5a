//! E1 through the Verilated accelerator: a reduced run, its waveform digest,
//! and the time-warp equivalence.

use neuroxbar_cosim::cosim::{BusEvent, CoSim};
use neuroxbar_cosim::units::accelerator::VerilatorAccel;
use neuroxbar_cosim::wave::read_vcd;
use neuroxbar_cosim::Trace;
use neuroxbar_models::device::{DeviceKind, DeviceSpec};
use neuroxbar_models::frontend::{FrontEnd, FrontEndParams};
use neuroxbar_testbenches::letters_stdp::*;

fn sim(cfg: &E1Config, trace: Trace) -> CoSim<VerilatorAccel> {
    let spec = DeviceSpec::load(DeviceKind::FtjLinear, None).unwrap();
    let fe =
        FrontEnd::from_spec(&spec, N_ROWS, N_COLS, FrontEndParams::default(), cfg.seed).unwrap();
    CoSim::new(VerilatorAccel::new(trace).unwrap(), fe, cfg.warp)
}

/// Short pulses and ticks so that a run without warp stays cheap.
fn quick(seed: u64, warp: bool) -> E1Config {
    E1Config {
        epochs: 1,
        tick_s: 50e-6,
        gap_s: 100e-6,
        pulse_width_s: 20e-6,
        pulse_interval_s: 20e-6,
        noise_levels: vec![0.3],
        test_repeats: 1,
        warp,
        ..E1Config::reduced("ftj-linear", seed, 1)
    }
}

#[test]
fn time_warp_gives_identical_spikes_winners_and_pulses() {
    let mut runs = Vec::new();
    for warp in [true, false] {
        let cfg = quick(5, warp);
        let mut s = sim(&cfg, Trace::Off);
        s.log_events = true;
        let res = run_on(&mut s, &cfg, &mut |_, _| {}).unwrap();
        let stats = s.stats();
        runs.push((res, s.events.clone(), stats, s.time_cycles()));
    }
    let (warped, plain) = (&runs[0], &runs[1]);
    assert!(
        warped.2.warped_cycles + warped.2.idle_skipped_cycles > 0,
        "the warped run skipped nothing"
    );
    assert_eq!(plain.2.warped_cycles + plain.2.idle_skipped_cycles, 0);
    assert!(
        warped.2.clocked_cycles * 3 < plain.2.clocked_cycles,
        "{:?} vs {:?}",
        warped.2,
        plain.2
    );
    assert_eq!(warped.3, plain.3, "same simulated time");
    assert_eq!(warped.0.training_winners, plain.0.training_winners);
    assert_eq!(warped.0.letter_winner, plain.0.letter_winner);
    assert_eq!(warped.0.recognition_vs_noise, plain.0.recognition_vs_noise);
    let applies = warped
        .1
        .iter()
        .filter(|e| matches!(e, BusEvent::Apply { on: true, .. }))
        .count();
    assert!(applies > 50, "programming happened: {applies} apply pulses");
    assert_eq!(warped.1, plain.1, "identical bus events at identical times");
    assert_eq!(
        warped.0.weights_s, plain.0.weights_s,
        "identical final conductances"
    );
}

#[test]
fn vcd_time_stamps_are_simulated_time_under_warp() {
    // Every `fe_apply` edge in the VCD of a warped run sits at the simulated
    // time of its bus event (the event log is identical to a plain run's,
    // see above): the clock edge half a cycle before the event's cycle count.
    let dir = std::env::temp_dir().join(format!("neuroxbar-vcdtime-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let vcd = dir.join("warped.vcd");
    let cfg = quick(5, true);
    let window = 4_000;
    let mut s = sim(
        &cfg,
        Trace::Window {
            path: vcd.clone(),
            from: 0,
            to: window,
        },
    );
    s.log_events = true;
    run_on(&mut s, &cfg, &mut |_, _| {}).unwrap();
    let events = s.events.clone();
    drop(s); // closes the VCD
    let wave = read_vcd(&vcd).unwrap();
    let apply = wave
        .signal("top.fe_apply")
        .expect("top.fe_apply in the VCD");
    let period_ps = 10_000;
    let edges: Vec<(u64, bool)> = apply
        .changes
        .windows(2)
        .filter(|w| !w[0].1.same_as(&w[1].1))
        .map(|w| (w[1].0, w[1].1.as_u64() == Some(1)))
        .collect();
    let (_, end) = wave.time_range().unwrap();
    let expected: Vec<(u64, bool)> = events
        .iter()
        .filter_map(|e| match *e {
            BusEvent::Apply { t_cycles, on } => Some((t_cycles * period_ps - period_ps / 2, on)),
            _ => None,
        })
        .filter(|(t, _)| *t <= end)
        .collect();
    assert!(
        expected.len() >= 4,
        "the window holds programming pulses: {expected:?}"
    );
    assert!(
        end > window * period_ps * 3,
        "the VCD spans more simulated time than clocked cycles: {end} ps"
    );
    assert_eq!(edges, expected);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn reduced_e1_report_and_waveform_digest() {
    let dir = std::env::temp_dir().join(format!("neuroxbar-e1-{}", std::process::id()));
    let vcd = dir.join("e1.vcd");
    let cfg = E1Config {
        epochs: 3,
        ..quick(1, true)
    };
    let trace = TraceRequest::Window(vcd.clone(), 0, 3_000);
    let res = run_verilator(&cfg, trace, &mut |_, _| {}).unwrap();
    write_report(&dir, &cfg, &res, 1.0).unwrap();
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    for key in [
        "experiment",
        "device",
        "seed",
        "recognition_vs_noise",
        "wall_time_s",
        "simulated_time_s",
        "cycles",
        "energy_j",
    ] {
        assert!(report.get(key).is_some(), "report.json lacks {key}");
    }
    assert!(res.energy_j > 0.0 && res.programming_pulses > 0);
    for f in [
        "recognition.csv",
        "weights.csv",
        "weight_histogram.svg",
        "recognition_vs_noise.svg",
        "weights_neuron0.svg",
    ] {
        assert!(dir.join(f).exists(), "{f} missing");
    }
    let wave = read_vcd(&vcd).unwrap();
    let digest = format!(
        "signals {}\ndigest {}\nwinners {:?}",
        wave.signals.len(),
        wave.digest(),
        res.training_winners
            .iter()
            .map(|(_, l, w)| format!("{l}:{}", w.map_or("-".into(), |w| w.to_string())))
            .collect::<Vec<_>>()
    );
    insta::assert_snapshot!(digest);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn balance_map_balanced_learns_and_potentiation_dominated_fails() {
    // A reduced map (two points, clean test only, seed 1): the balanced
    // window learns all five letters; A+/A- = 4 (tau+/tau- = 1) lets the
    // weights run up and fails on noise-free letters (Fig S9 of Yang 2022).
    let cfg = E1Config {
        test_repeats: 1,
        ..E1Config::reduced("ftj-linear", 1, 100)
    };
    let map = balance_map(&cfg, &[1.0, 4.0], &[0.0], &mut |_, _| {}).unwrap();
    let rate = |a: f64, t: f64| {
        map.iter()
            .find(|p| p.a_ratio == a && p.tau_ratio == t && p.noise == 0.0)
            .unwrap()
            .rate
    };
    println!("{map:?}");
    assert_eq!(map.len(), 4);
    assert!(rate(1.0, 1.0) >= 0.99, "balanced: {}", rate(1.0, 1.0));
    assert!(rate(4.0, 1.0) <= 0.6, "A+/A- = 4: {}", rate(4.0, 1.0));
    // the registers realise the requested amplitude ratio to within 10 %
    for p in &map {
        assert!((p.a_ratio_realised / p.a_ratio - 1.0).abs() < 0.1, "{p:?}");
    }
    // and the window the map uses keeps the geometric means
    let w = StdpWindow::with_ratios(4.0, 0.25);
    assert!((w.a_plus / w.a_minus - 4.0).abs() < 1e-9);
    assert!((w.tau_plus_s / w.tau_minus_s - 0.25).abs() < 1e-9);
}
