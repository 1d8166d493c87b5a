//! E1 through the Verilated accelerator: a reduced run, its waveform digest,
//! and the time-warp equivalence.

use neuroxbar_cosim::cosim::{BusEvent, CoSim};
use neuroxbar_cosim::units::accelerator::VerilatorAccel;
use neuroxbar_cosim::wave::read_vcd;
use neuroxbar_cosim::Trace;
use neuroxbar_models::device::{DeviceKind, DeviceSpec};
use neuroxbar_models::frontend::FrontEnd;
use neuroxbar_testbenches::experiment::fe_params;
use neuroxbar_testbenches::letters_stdp::*;

fn sim(cfg: &E1Config, trace: Trace) -> CoSim<VerilatorAccel> {
    let spec = DeviceSpec::load(DeviceKind::FtjLinear, None).unwrap();
    let fe = FrontEnd::from_spec(
        &spec,
        N_ROWS,
        N_COLS,
        fe_params(cfg.clock_mhz).unwrap(),
        cfg.seed,
    )
    .unwrap();
    let dut = VerilatorAccel::new(trace).unwrap();
    CoSim::new(dut, fe, cfg.warp).unwrap()
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
    assert!(res.energy_j.unwrap() > 0.0 && res.programming_pulses.unwrap() > 0);
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

#[test]
fn the_array_sees_the_same_pulses_in_seconds_at_100_and_36_mhz() {
    // a reduced E1 (one epoch) with the accelerator at 100 MHz and at 36 MHz
    // (the iCEBreaker's PLL clock): the programming pulses reach the array
    // as the same 1 ms in both, in 100 000 or 36 000 cycles
    let mut runs = Vec::new();
    for clock_mhz in [100.0, 36.0] {
        let cfg = E1Config {
            clock_mhz,
            noise_levels: vec![0.0],
            test_repeats: 1,
            ..E1Config::reduced("ftj-linear", 2, 1)
        };
        let mut s = sim(&cfg, Trace::Off);
        s.fe.log_pulses();
        let res = run_on(&mut s, &cfg, &mut |_, _| {}).unwrap();
        let pulses = s.fe.pulses().to_vec();
        runs.push((clock_mhz, res, pulses));
    }
    let writes = |p: &[neuroxbar_models::frontend::AppliedPulse]| -> Vec<f64> {
        // programming pulses drive 2.5 V (reads 0.1 V)
        p.iter()
            .filter(|p| p.max_abs_volts > 1.0)
            .map(|p| p.width_s)
            .collect()
    };
    let (fast, slow) = (&runs[0], &runs[1]);
    let (wf, ws) = (writes(&fast.2), writes(&slow.2));
    assert!(wf.len() > 50, "{} programming pulses", wf.len());
    for w in wf.iter().chain(&ws) {
        assert!((w - 1e-3).abs() < 1e-12, "programming pulse of {w} s");
    }
    // reads: the DAC settling and ADC conversion rounded up to whole
    // cycles, so within one cycle of the slower clock
    let reads = |p: &[neuroxbar_models::frontend::AppliedPulse]| -> Vec<f64> {
        p.iter()
            .filter(|p| p.max_abs_volts <= 1.0)
            .map(|p| p.width_s)
            .collect()
    };
    let (rf, rs) = (reads(&fast.2), reads(&slow.2));
    assert!(!rf.is_empty() && !rs.is_empty());
    let spread = |v: &[f64]| {
        v.iter().cloned().fold(0.0f64, f64::max) - v.iter().cloned().fold(f64::MAX, f64::min)
    };
    assert!(
        spread(&rf) < 1e-12 && spread(&rs) < 1e-12,
        "reads vary in width"
    );
    // the settling wait (100 ns: 10 cycles, or 4 at 36 MHz) and the sample
    // strobe's cycle: at least the settling time at both clocks, within
    // two cycles of the slower one of each other
    let settle_s = fe_params(100.0).unwrap().dac_settle_s;
    assert!(
        rf[0] >= settle_s && rs[0] >= settle_s,
        "read {} / {} s",
        rf[0],
        rs[0]
    );
    assert!(
        (rf[0] - rs[0]).abs() <= 2e-6 / 36.0,
        "read {} vs {} s",
        rf[0],
        rs[0]
    );
    // the same learning at both clocks: pulses, winners and weights
    let (a, b) = (&fast.1, &slow.1);
    assert_eq!(a.programming_pulses, b.programming_pulses);
    assert_eq!(wf.len(), ws.len());
    assert_eq!(a.training_winners, b.training_winners);
    for (ra, rb) in a
        .weights_s
        .as_ref()
        .unwrap()
        .iter()
        .zip(b.weights_s.as_ref().unwrap())
    {
        for (x, y) in ra.iter().zip(rb) {
            assert!((x - y).abs() <= 0.01 * x.abs(), "weight {x} vs {y}");
        }
    }
    // the same device time in fewer cycles
    let ratio = b.cycles as f64 / a.cycles as f64;
    assert!((ratio - 0.36).abs() < 0.01, "cycle ratio {ratio}");
    assert!((a.simulated_time_s - b.simulated_time_s).abs() < 1e-3 * a.simulated_time_s);
}
