//! E1's host program: the register writes, a presentation, the training
//! and test loop, and the run through the Verilated accelerator.

use super::*;

/// Program the accelerator's registers for E1.
pub fn configure<H: Host>(sim: &mut H, cfg: &E1Config, learning: bool) -> Result<(), CoSimError> {
    let period_s = sim.front_end().params().clock_period_s;
    let lsb_v = sim.front_end().params().dac_lsb_volts;
    let stdp = stdp_registers(
        cfg.window.a_plus,
        cfg.window.a_minus,
        cfg.window.tau_plus_s,
        cfg.window.tau_minus_s,
        cfg.tick_s,
        cfg.pulses_per_percent,
    )
    .map_err(|e| CoSimError::Config(format!("STDP window: {e}")))?;
    let a = |n: &str| addr(n).unwrap_or_else(|| panic!("register {n} is in the map"));
    let ramp = (255.0 / (cfg.ticks_per_presentation as f64 - 2.0)).ceil() as u32;
    let writes: Vec<(u8, u32)> = vec![
        (a("CTRL"), 0b011), // WTA on, max-membrane
        (a("THRESHOLD"), cfg.threshold_codes << 8),
        (a("RESET_V"), 0),
        (a("LEAK_SHIFT"), 3),
        (a("GAIN"), 0x0100),
        (a("REFRACTORY"), 20),
        (a("THETA_PLUS"), cfg.theta_plus_codes << 8),
        (a("THETA_DECAY_SHIFT"), cfg.theta_decay_shift),
        (
            a("INPUT_MODE"),
            if cfg.encoding == Encoding::Latency {
                2
            } else {
                1
            },
        ),
        (a("RAMP_STEP"), ramp.min(255)),
        (a("V_READ"), 25),
        // the DAC's settling time in whole cycles of the clock (10 at 100 MHz)
        (
            a("SETTLE_CYCLES"),
            sim.front_end()
                .params()
                .dac_settle_cycles()
                .clamp(1, 0xFFFF) as u32,
        ),
        (
            a("V_POT"),
            dac_code("v_prog_volts", cfg.v_prog_volts, lsb_v)? as u32,
        ),
        (
            a("V_DEP"),
            dac_code("v_prog_volts", -cfg.v_prog_volts, lsb_v)? as u32,
        ),
        (
            a("PULSE_WIDTH"),
            (cfg.pulse_width_s / period_s).round().max(1.0) as u32,
        ),
        (
            a("PULSE_INTERVAL"),
            (cfg.pulse_interval_s / period_s).round().max(1.0) as u32,
        ),
        (a("SCHEME"), 1),
        (a("PLASTICITY"), learning as u32),
        (a("STDP_A_PLUS"), stdp.a_plus as u32),
        (a("STDP_A_MINUS"), stdp.a_minus as u32),
        (a("STDP_PRE_DECAY_SHIFT"), stdp.pre_decay_shift as u32),
        (a("STDP_POST_DECAY_SHIFT"), stdp.post_decay_shift as u32),
        (a("STDP_TRACE_MAX"), stdp.trace_max as u32),
        (a("STDP_COUNT_SHIFT"), stdp.count_shift as u32),
    ];
    for (ad, d) in writes {
        sim.write_reg(ad, d)?;
    }
    Ok(())
}

/// Present one pattern (intensities 0..1) for a presentation; returns the
/// first winner.
pub fn present<B: CycleModel<Inputs = AccelInputs, Outputs = AccelOutputs>>(
    sim: &mut CoSim<B>,
    cfg: &E1Config,
    pixels: &[f64; N_ROWS],
) -> Result<Option<u8>, CoSimError> {
    let period_s = sim.fe.params().clock_period_s;
    for (i, p) in pixels.iter().enumerate() {
        sim.write_reg(
            ROW_INTENSITY_BASE + i as u8,
            (p.clamp(0.0, 1.0) * 255.0).round() as u32,
        )?;
    }
    sim.present()?;
    let start = sim.time_cycles();
    let tick = cfg.tick_cycles(period_s);
    let mut winner = None;
    for k in 0..cfg.ticks_per_presentation {
        sim.idle_until(start + k as u64 * tick)?;
        let r = sim.step(50_000_000)?;
        if winner.is_none() {
            winner = r.winner;
        }
    }
    let gap = (cfg.gap_s / period_s).round() as u64;
    let now = sim.time_cycles();
    sim.idle_until(now + gap)?;
    Ok(winner)
}

/// Random initial weights: before the accelerator starts, every cell gets
/// 0..=40 potentiating pulses (3 V, 1 ms) straight through the array, as a
/// probe station would precondition it.
pub fn initialise_weights(
    fe: &mut neuroxbar_models::frontend::FrontEnd,
    t_s: f64,
    rng: &mut ChaCha8Rng,
) -> Result<(), ExperimentError> {
    let array = fe
        .array_mut()
        .map_err(|source| CoSimError::FrontEnd { t_s, source })?;
    for r in 0..N_ROWS {
        for c in 0..N_COLS {
            for _ in 0..rng.gen_range(0..=40) {
                array
                    .apply_cell(r, c, 3.0, 1e-3)
                    .map_err(|source| CoSimError::FrontEnd {
                        t_s,
                        source: source.into(),
                    })?;
            }
        }
    }
    array.reset_energy();
    Ok(())
}

pub(super) fn noisy(pixels: &[f64; N_ROWS], noise: f64, rng: &mut ChaCha8Rng) -> [f64; N_ROWS] {
    let mut out = *pixels;
    if noise > 0.0 {
        let n = Normal::new(0.0, noise).expect("finite sd");
        for p in out.iter_mut() {
            *p = (*p + n.sample(rng)).clamp(0.0, 1.0);
        }
    }
    out
}

/// Train and test. `progress(done, total)` is called after every presentation.
pub fn run_on<B: CycleModel<Inputs = AccelInputs, Outputs = AccelOutputs>>(
    sim: &mut CoSim<B>,
    cfg: &E1Config,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<E1Result, ExperimentError> {
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed ^ 0xE1);
    let t_s = sim.time_s();
    initialise_weights(&mut sim.fe, t_s, &mut rng)?;
    sim.reset()?;
    configure(sim, cfg, true)?;
    let total = cfg.epochs * LETTERS.len()
        + (cfg.noise_levels.len() * cfg.test_repeats + 1) * LETTERS.len();
    let mut done = 0;
    let mut weights_by_epoch_s = Vec::new();
    let mut training_winners = Vec::new();
    let mut order: Vec<usize> = (0..LETTERS.len()).collect();
    for epoch in 0..cfg.epochs {
        order.shuffle(&mut rng);
        for &k in &order {
            let w = present(sim, cfg, &letter_pixels(k))?;
            training_winners.push((epoch, LETTERS[k].0, w));
            done += 1;
            progress(done, total);
        }
        weights_by_epoch_s.push(sim.weights_s()?);
    }
    // test: learning off
    configure(sim, cfg, false)?;
    let mut letter_winner = Vec::new();
    for k in 0..LETTERS.len() {
        let w = present(sim, cfg, &letter_pixels(k))?;
        letter_winner.push((LETTERS[k].0, w));
        done += 1;
        progress(done, total);
    }
    // a letter counts only if its clean winner is its own (no other letter shares it)
    let distinct: Vec<bool> = letter_winner
        .iter()
        .map(|(_, w)| w.is_some() && letter_winner.iter().filter(|(_, v)| v == w).count() == 1)
        .collect();
    let mut recognition_vs_noise = Vec::new();
    for &noise in &cfg.noise_levels {
        let mut hits = 0usize;
        let mut trials = 0usize;
        for _ in 0..cfg.test_repeats {
            for k in 0..LETTERS.len() {
                let input = noisy(&letter_pixels(k), noise, &mut rng);
                let w = present(sim, cfg, &input)?;
                trials += 1;
                if distinct[k] && w.is_some() && w == letter_winner[k].1 {
                    hits += 1;
                }
                done += 1;
                progress(done, total);
            }
        }
        recognition_vs_noise.push(RecognitionPoint {
            noise,
            rate: hits as f64 / trials as f64,
        });
    }
    let flat = sim.weights_s()?;
    let weights_s = (0..N_ROWS)
        .map(|r| flat[r * N_COLS..(r + 1) * N_COLS].to_vec())
        .collect();
    let stats = sim.stats();
    Ok(E1Result {
        letter_winner,
        recognition_vs_noise,
        weights_s,
        weights_by_epoch_s,
        training_winners,
        cycles: sim.time_cycles(),
        clocked_cycles: stats.clocked_cycles,
        simulated_time_s: sim.time_s(),
        energy_j: sim.fe.energy_j(),
        programming_pulses: sim.fe.stats().apply_pulses,
    })
}

/// VCD tracing of an experiment run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TraceRequest {
    Off,
    Whole(std::path::PathBuf),
    /// Clocked cycles `from..to`.
    Window(std::path::PathBuf, u64, u64),
}

/// Run E1 through the Verilated accelerator against the array model.
pub fn run_verilator(
    cfg: &E1Config,
    trace: TraceRequest,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<E1Result, ExperimentError> {
    run_verilator_analog(cfg, trace, None, progress)
}

/// [`run_verilator`] with the analog side in the VCD (`analog` scope: line
/// voltages, column currents and the conductances of `probes`; see
/// [`neuroxbar_cosim::analog`]) when a VCD is written and `probes` is given.
pub fn run_verilator_analog(
    cfg: &E1Config,
    trace: TraceRequest,
    probes: Option<&neuroxbar_cosim::analog::Probes>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<E1Result, ExperimentError> {
    use neuroxbar_cosim::units::accelerator::VerilatorAccel;
    use neuroxbar_cosim::Trace;
    use neuroxbar_models::device::{DeviceKind, DeviceSpec};
    use neuroxbar_models::frontend::FrontEnd;
    let kind: DeviceKind = cfg.device.parse().map_err(ExperimentError::Invalid)?;
    let spec = DeviceSpec::load(kind, None).map_err(|e| ExperimentError::Invalid(e.to_string()))?;
    let fe = FrontEnd::from_spec(&spec, N_ROWS, N_COLS, fe_params(cfg.clock_mhz)?, cfg.seed)
        .map_err(|e| ExperimentError::Invalid(e.to_string()))?;
    let (vcd, window) = match &trace {
        TraceRequest::Off => (None, None),
        TraceRequest::Whole(p) => (Some(p.clone()), None),
        TraceRequest::Window(p, from, to) => (Some(p.clone()), Some((*from, *to))),
    };
    let trace = match trace {
        TraceRequest::Off => Trace::Off,
        TraceRequest::Whole(p) => Trace::Whole(p),
        TraceRequest::Window(path, from, to) => Trace::Window { path, from, to },
    };
    let dut = VerilatorAccel::new(trace).map_err(|e| ExperimentError::Invalid(e.to_string()))?;
    let mut sim = CoSim::new(dut, fe, cfg.warp)?;
    let analog = match (&vcd, probes) {
        (Some(v), Some(p)) => {
            let mut a = neuroxbar_cosim::analog::AnalogTrace::new(v, N_ROWS, N_COLS, p)
                .map_err(ExperimentError::Invalid)?;
            if window.is_none_or(|(from, _)| from == 0) {
                a.record(&sim.fe, 0.0, true, None)
                    .map_err(ExperimentError::Invalid)?;
            }
            Some((a, window))
        }
        _ => None,
    };
    sim.analog = analog;
    let res = run_on(&mut sim, cfg, progress)?;
    let analog = sim.analog.take();
    drop(sim); // closes the VCD
    if let (Some((a, _)), Some(v)) = (analog, &vcd) {
        a.merge_into(v).map_err(ExperimentError::Invalid)?;
    }
    Ok(res)
}
