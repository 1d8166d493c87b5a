//! E1's host program: the register writes, a presentation, the training
//! and test loop, and the run through the Verilated accelerator.

use super::*;

/// Program the accelerator's registers for E1, for a front-end with
/// `params` (its clock period, DAC step and settling time).
pub fn configure<L: Link + ?Sized>(
    sim: &mut L,
    cfg: &E1Config,
    params: &FrontEndParams,
    learning: bool,
) -> Result<(), CoSimError> {
    let period_s = params.clock_period_s;
    let lsb_v = params.dac_lsb_volts;
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
            params.dac_settle_cycles().clamp(1, 0xFFFF) as u32,
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

/// E1's schedule in absolute cycles of the accelerator's clock: a
/// presentation starts at `T` (the 25 row intensities written before),
/// its time steps are due at `T + k tick` (k = 1 ..= ticks per
/// presentation), and the next presentation starts `gap_s` after the last
/// step is due, or after it ended if it ran late (a step that programs
/// cells can outlast a tick; then the next ones run as soon as the device
/// can, and the rest of the gap is kept). Timed commands make the device
/// see the same pulses at the same cycles on every back end as long as the
/// host stays ahead; strobes taken after their cycle are counted.
#[derive(Debug)]
pub struct Schedule {
    /// Start of the next presentation, cycles.
    next_cycles: u64,
    tick_cycles: u64,
    gap_cycles: u64,
    ticks: usize,
    /// Strobes taken after their cycle.
    pub late_strobes: u64,
    /// Every time step's result, in order.
    pub steps: Vec<StepResult>,
}

impl Schedule {
    /// The first presentation `gap_s` after `start_cycles`.
    pub fn new(cfg: &E1Config, period_s: f64, start_cycles: u64) -> Self {
        let gap_cycles = (cfg.gap_s / period_s).round() as u64;
        Schedule {
            next_cycles: start_cycles + gap_cycles,
            tick_cycles: cfg.tick_cycles(period_s).max(1),
            gap_cycles,
            ticks: cfg.ticks_per_presentation,
            late_strobes: 0,
            steps: Vec::new(),
        }
    }

    /// Present one pattern (intensities 0..1); returns the first winner.
    pub fn present<L: Link + ?Sized>(
        &mut self,
        link: &mut L,
        pixels: &[f64; N_ROWS],
    ) -> Result<Option<u8>, CoSimError> {
        for (i, p) in pixels.iter().enumerate() {
            link.write_reg(
                ROW_INTENSITY_BASE + i as u8,
                (p.clamp(0.0, 1.0) * 255.0).round() as u32,
            )?;
        }
        let t = self.next_cycles;
        let mut late = link.present_timed(t, Late::Allow)? == Timing::Late;
        self.late_strobes += late as u64;
        let mut winner = None;
        for k in 1..=self.ticks as u64 {
            let (r, timing) = link.step_timed(t + k * self.tick_cycles, Late::Allow)?;
            late |= timing == Timing::Late;
            self.late_strobes += (timing == Timing::Late) as u64;
            self.steps.push(r);
            if winner.is_none() {
                winner = r.winner;
            }
        }
        let due = t + self.ticks as u64 * self.tick_cycles + self.gap_cycles;
        // a late presentation keeps its gap after the time the host knows
        self.next_cycles = if late {
            due.max(link.time_cycles() + self.gap_cycles)
        } else {
            due
        };
        Ok(winner)
    }

    /// Start of the next presentation, cycles.
    pub fn next_cycles(&self) -> u64 {
        self.next_cycles
    }
}

/// What E1's host program observes of a run: everything a host at a
/// serial port sees too.
#[derive(Debug, Clone, PartialEq)]
pub struct E1Session {
    /// Neuron that won each letter on clean input after training.
    pub letter_winner: Vec<(char, Option<u8>)>,
    pub recognition_vs_noise: Vec<RecognitionPoint>,
    /// Winner of every training presentation: (epoch, letter, winner).
    pub training_winners: Vec<(usize, char, Option<u8>)>,
    /// Every time step's spikes and winner, in order.
    pub steps: Vec<StepResult>,
    /// Presentations and time steps whose strobe came after its cycle.
    pub late_strobes: u64,
    /// The device's cycle counter at the start and at the end.
    pub start_cycles: u64,
    pub end_cycles: u64,
}

/// E1's host program over any link: reset, configure, train, test.
/// `rng` has drawn the initial weights (so that the presentation order and
/// the noise follow the seed on every back end); `epoch_end` is called
/// after each training epoch (the co-simulation reads the conductances).
pub fn host_program<L: Link>(
    link: &mut L,
    cfg: &E1Config,
    params: &FrontEndParams,
    rng: &mut ChaCha8Rng,
    progress: &mut dyn FnMut(usize, usize),
    epoch_end: &mut dyn FnMut(&mut L) -> Result<(), ExperimentError>,
) -> Result<E1Session, ExperimentError> {
    let start_cycles = link.time_cycles();
    link.reset()?;
    configure(link, cfg, params, true)?;
    let mut sched = Schedule::new(cfg, params.clock_period_s, start_cycles);
    let total = cfg.epochs * LETTERS.len()
        + (cfg.noise_levels.len() * cfg.test_repeats + 1) * LETTERS.len();
    let mut done = 0;
    let mut training_winners = Vec::new();
    let mut order: Vec<usize> = (0..LETTERS.len()).collect();
    for epoch in 0..cfg.epochs {
        order.shuffle(rng);
        for &k in &order {
            let w = sched.present(link, &letter_pixels(k))?;
            training_winners.push((epoch, LETTERS[k].0, w));
            done += 1;
            progress(done, total);
        }
        epoch_end(link)?;
    }
    // test: learning off
    configure(link, cfg, params, false)?;
    let mut letter_winner = Vec::new();
    for k in 0..LETTERS.len() {
        let w = sched.present(link, &letter_pixels(k))?;
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
                let input = noisy(&letter_pixels(k), noise, rng);
                let w = sched.present(link, &input)?;
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
    // the end of the last presentation's gap
    let end = sched.next_cycles();
    link.idle_until(end)?;
    Ok(E1Session {
        letter_winner,
        recognition_vs_noise,
        training_winners,
        steps: sched.steps,
        late_strobes: sched.late_strobes,
        start_cycles,
        end_cycles: link.time_cycles().max(end),
    })
}

/// Random initial weights: before the accelerator starts, every cell gets
/// 0..=40 potentiating pulses (3 V, 1 ms) straight through the array, as a
/// probe station would precondition it.
pub fn initialise_weights(
    fe: &mut neuroxbar_models::frontend::FrontEnd,
    t_s: f64,
    rng: &mut ChaCha8Rng,
) -> Result<(), ExperimentError> {
    let counts = initial_pulse_counts(rng);
    let array = fe
        .array_mut()
        .map_err(|source| CoSimError::FrontEnd { t_s, source })?;
    for r in 0..N_ROWS {
        for c in 0..N_COLS {
            for _ in 0..counts[r * N_COLS + c] {
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

/// E1's array model for `cfg` (device, seed, clock), preconditioned with
/// the seed's initial weights as [`run_on`] does: the array behind a board
/// co-simulation that a host reaches over a serial port.
pub fn preconditioned_front_end(
    cfg: &E1Config,
) -> Result<neuroxbar_models::frontend::FrontEnd, ExperimentError> {
    use neuroxbar_models::device::{DeviceKind, DeviceSpec};
    let kind: DeviceKind = cfg.device.parse().map_err(ExperimentError::Device)?;
    let spec = DeviceSpec::load(kind, None)?;
    let mut fe = neuroxbar_models::frontend::FrontEnd::from_spec(
        &spec,
        N_ROWS,
        N_COLS,
        fe_params(cfg.clock_mhz)?,
        cfg.seed,
    )
    .map_err(|e| ExperimentError::Device(e.to_string()))?;
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed ^ 0xE1);
    initialise_weights(&mut fe, 0.0, &mut rng)?;
    Ok(fe)
}

/// The potentiating pulses of [`initialise_weights`] per cell, row-major
/// (drawn from the run's generator; a run on a board draws them too, so
/// that its presentation order and noise follow the seed as in
/// simulation).
pub fn initial_pulse_counts(rng: &mut ChaCha8Rng) -> Vec<u32> {
    (0..N_ROWS * N_COLS)
        .map(|_| rng.gen_range(0..=40))
        .collect()
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

/// Train and test on the bus-level co-simulation: the initial weights are
/// preconditioned through the array model, then [`host_program`] runs,
/// with the conductances read after each epoch and at the end.
/// `progress(done, total)` is called after every presentation.
pub fn run_on<B: CycleModel<Inputs = AccelInputs, Outputs = AccelOutputs>>(
    sim: &mut CoSim<B>,
    cfg: &E1Config,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<E1Result, ExperimentError> {
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed ^ 0xE1);
    let t_s = sim.time_s();
    initialise_weights(&mut sim.fe, t_s, &mut rng)?;
    let params = sim.fe.params().clone();
    let mut weights_by_epoch_s = Vec::new();
    let session = host_program(sim, cfg, &params, &mut rng, progress, &mut |s| {
        weights_by_epoch_s.push(s.weights_s()?);
        Ok(())
    })?;
    let flat = sim.weights_s()?;
    let weights_s = (0..N_ROWS)
        .map(|r| flat[r * N_COLS..(r + 1) * N_COLS].to_vec())
        .collect();
    let stats = sim.stats();
    let cycles = sim.time_cycles() - session.start_cycles;
    Ok(E1Result {
        letter_winner: session.letter_winner,
        recognition_vs_noise: session.recognition_vs_noise,
        weights_s: Some(weights_s),
        weights_by_epoch_s: Some(weights_by_epoch_s),
        training_winners: session.training_winners,
        late_strobes: session.late_strobes,
        back_end: "bus-level co-simulation (Verilated accelerator + array model)".into(),
        cycles,
        clocked_cycles: Some(stats.clocked_cycles),
        simulated_time_s: cycles as f64 * params.clock_period_s,
        energy_j: Some(sim.fe.energy_j()),
        programming_pulses: Some(sim.fe.stats().apply_pulses),
        missing_metrics: Vec::new(),
    })
}

/// What a host at a serial port cannot observe, and why.
pub const NOT_OVER_A_PORT: [(&str, &str); 5] = [
    (
        "weights_s",
        "conductances are not readable over the host link (the array model is not in the loop)",
    ),
    (
        "weights_by_epoch_s",
        "conductances are not readable over the host link (the array model is not in the loop)",
    ),
    (
        "energy_j",
        "the energy comes from the array model; a board does not measure it",
    ),
    (
        "programming_pulses",
        "the pulses are counted by the array model; the host link does not report them",
    ),
    (
        "clocked_cycles",
        "a board clocks every cycle; only a simulation distinguishes clocked from warped cycles",
    ),
];

/// Train and test over any [`Link`] that has no array model in reach (a
/// board at a serial port): the observable results, with the rest null and
/// its reason in `missing_metrics`. The initial weights are whatever the
/// board's array holds (the generator still draws the simulation's
/// preconditioning, so the presentation order and the noise follow the
/// seed as in simulation).
pub fn run_link<L: Link>(
    link: &mut L,
    cfg: &E1Config,
    back_end: &str,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<E1Result, ExperimentError> {
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed ^ 0xE1);
    let _ = initial_pulse_counts(&mut rng);
    let params = fe_params(cfg.clock_mhz)?;
    let session = host_program(link, cfg, &params, &mut rng, progress, &mut |_| Ok(()))?;
    let cycles = session.end_cycles - session.start_cycles;
    Ok(E1Result {
        letter_winner: session.letter_winner,
        recognition_vs_noise: session.recognition_vs_noise,
        weights_s: None,
        weights_by_epoch_s: None,
        training_winners: session.training_winners,
        late_strobes: session.late_strobes,
        back_end: back_end.to_string(),
        cycles,
        clocked_cycles: None,
        simulated_time_s: cycles as f64 * params.clock_period_s,
        energy_j: None,
        programming_pulses: None,
        missing_metrics: NOT_OVER_A_PORT
            .iter()
            .map(|(k, why)| (k.to_string(), why.to_string()))
            .collect(),
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
    let kind: DeviceKind = cfg.device.parse().map_err(ExperimentError::Device)?;
    let spec = DeviceSpec::load(kind, None)?;
    let fe = FrontEnd::from_spec(&spec, N_ROWS, N_COLS, fe_params(cfg.clock_mhz)?, cfg.seed)
        .map_err(|e| ExperimentError::Device(e.to_string()))?;
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
    let dut = VerilatorAccel::new(trace)?;
    let mut sim = CoSim::new(dut, fe, cfg.warp)?;
    let analog = match (&vcd, probes) {
        (Some(v), Some(p)) => {
            let mut a = neuroxbar_cosim::analog::AnalogTrace::new(v, N_ROWS, N_COLS, p)
                .map_err(CoSimError::Analog)?;
            if window.is_none_or(|(from, _)| from == 0) {
                a.record(&sim.fe, 0.0, true, None)
                    .map_err(CoSimError::Analog)?;
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
        a.merge_into(v).map_err(CoSimError::Analog)?;
    }
    Ok(res)
}
