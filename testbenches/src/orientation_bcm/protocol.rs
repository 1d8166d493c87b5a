//! E2 through the RTL: the host program (registers, presentations of
//! Poisson bars, the weight and threshold read-outs) and the run.

use super::*;

/// Write registers; one the accelerator refuses (`cfg_error`) is an error naming it.
pub(crate) fn write_all<B: CycleModel<Inputs = AccelInputs, Outputs = AccelOutputs>>(
    sim: &mut CoSim<B>,
    writes: &[(u8, u32)],
) -> Result<(), ExperimentError> {
    for &(ad, d) in writes {
        sim.write_reg(ad, d).map_err(cfg_err)?;
        sim.cycle().map_err(cfg_err)?;
        if sim.outputs().cfg_error {
            let name = neuroxbar_rtl::accel_regs::register_map(N_ROWS)
                .iter()
                .find(|r| r.addr == ad)
                .map_or("?", |r| r.name);
            return Err(ExperimentError::Hardware(format!(
                "the accelerator refused {d:#x} in register {name} (cfg_error)"
            )));
        }
    }
    Ok(())
}

pub(crate) fn cfg_err(e: CoSimError) -> ExperimentError {
    ExperimentError::CoSim(e)
}

pub(crate) fn a(n: &str) -> u8 {
    addr(n).unwrap_or_else(|| panic!("register {n} is in the map"))
}

/// Registers of the learning phase (`learning` false: BCM off; `wta` false:
/// WTA off); homeostasis on while learning with WTA.
pub fn configure<B: CycleModel<Inputs = AccelInputs, Outputs = AccelOutputs>>(
    sim: &mut CoSim<B>,
    cfg: &E2Config,
    learning: bool,
    wta: bool,
) -> Result<(), ExperimentError> {
    configure_phase(sim, cfg, learning, wta, learning && wta)
}

/// As [`configure`], with the homeostasis (`THETA_PLUS`) set apart: the
/// warm-up runs WTA and homeostasis without programming.
pub fn configure_phase<B: CycleModel<Inputs = AccelInputs, Outputs = AccelOutputs>>(
    sim: &mut CoSim<B>,
    cfg: &E2Config,
    learning: bool,
    wta: bool,
    homeostasis: bool,
) -> Result<(), ExperimentError> {
    let period_s = sim.fe.params().clock_period_s;
    let lsb_v = sim.fe.params().dac_lsb_volts;
    let dac = |what: &str, v: f64| dac_code(what, v, lsb_v).map(|c| c as i32 as u32);
    let cyc = |t: f64| (t / period_s).round().max(1.0) as u32;
    let writes: Vec<(u8, u32)> = vec![
        // bit 0 WTA, bit 1 max-membrane, shift leak
        (a("CTRL"), wta as u32 | (cfg.wta_max_membrane as u32) << 1),
        (a("THRESHOLD"), (cfg.threshold_codes().round() as u32) << 8),
        (a("RESET_V"), 0),
        (a("LEAK_SHIFT"), 31), // v >>> 31 = 0: no leak over the window
        (a("GAIN"), 0x0100),
        (a("REFRACTORY"), 0),
        // homeostasis only while learning with WTA
        (
            a("THETA_PLUS"),
            if homeostasis && wta {
                cfg.theta_plus_codes() as u32
            } else {
                0
            },
        ),
        (a("THETA_DECAY_SHIFT"), cfg.homeostasis_decay_shift),
        (a("INPUT_MODE"), 0),
        (a("V_READ"), dac("read_v", cfg.read_v)?),
        (
            a("SETTLE_CYCLES"),
            sim.fe.params().dac_settle_cycles().clamp(1, 0xFFFF) as u32,
        ),
        (a("V_POT"), dac("v_pot_v", cfg.v_pot_v)?),
        (a("V_DEP"), dac("v_dep_v", cfg.v_dep_v)?),
        (a("PULSE_WIDTH"), cyc(cfg.pulse_width_s)),
        (a("PULSE_INTERVAL"), cyc(cfg.pulse_interval_s)),
        (a("SCHEME"), cfg.scheme_v3 as u32),
        (a("REFRESH_BUDGET"), 0),
        (a("PLASTICITY"), if learning { 2 } else { 0 }),
        (a("BCM_WINDOW"), cfg.ticks_per_window as u32),
        (a("BCM_THETA_SHIFT"), cfg.theta_shift().unwrap_or(4)),
        (a("BCM_COUNT_SHIFT"), cfg.eta_shift().unwrap_or(0)),
        (a("BCM_RHO0_SHIFT"), cfg.rho0_shift().unwrap_or(0)),
        (a("BCM_DITHER"), cfg.dither as u32),
    ];
    write_all(sim, &writes)
}

/// Spike mask of one tick: each pixel spikes with probability `rate * tick`.
pub fn tick_mask(cfg: &E2Config, bar: u128, rng: &mut ChaCha8Rng) -> u128 {
    let mut m = 0u128;
    let dt = cfg.tick_s();
    for i in 0..N_ROWS {
        let rate = if (bar >> i) & 1 == 1 {
            cfg.rate_bar_hz
        } else {
            cfg.rate_background_hz
        };
        if rng.gen::<f64>() < rate * dt {
            m |= 1 << i;
        }
    }
    m
}

/// Present a bar for one window; returns the first winner and the spike
/// counts per neuron. Then `gap_s` passes.
pub fn present_window<B: CycleModel<Inputs = AccelInputs, Outputs = AccelOutputs>>(
    sim: &mut CoSim<B>,
    cfg: &E2Config,
    bar: u128,
    rng: &mut ChaCha8Rng,
    saturated: &mut u64,
) -> Result<(Option<u8>, [u32; N_COLS]), ExperimentError> {
    let period_s = sim.fe.params().clock_period_s;
    let tick = (cfg.tick_s() / period_s).round() as u64;
    sim.present().map_err(cfg_err)?;
    let start = sim.time_cycles();
    let mut winner = None;
    let mut spikes = [0u32; N_COLS];
    for k in 0..cfg.ticks_per_window {
        sim.idle_until(start + k as u64 * tick).map_err(cfg_err)?;
        sim.set_spikes_in(tick_mask(cfg, bar, rng));
        let r = sim.step(500_000_000).map_err(cfg_err)?;
        if sim.outputs().saturated {
            *saturated += 1;
        }
        if winner.is_none() {
            winner = r.winner;
        }
        for (j, s) in spikes.iter_mut().enumerate() {
            *s += ((r.spikes >> j) & 1) as u32;
        }
    }
    sim.set_spikes_in(0);
    // the window's last step runs the BCM scan and its programming
    sim.wait_idle(500_000_000).map_err(cfg_err)?;
    let now = sim.time_cycles();
    sim.idle_until(now + (cfg.gap_s / period_s).round() as u64)
        .map_err(cfg_err)?;
    Ok((winner, spikes))
}

/// The array behind the front-end, for work on its cells that does not go
/// through the accelerator, and the time (for errors).
fn cells<B: CycleModel<Inputs = AccelInputs, Outputs = AccelOutputs>>(
    sim: &mut CoSim<B>,
) -> Result<(&mut neuroxbar_models::array::Array, f64), ExperimentError> {
    let t_s = sim.time_s();
    let array = sim.fe.array_mut().map_err(fe_err(t_s))?;
    Ok((array, t_s))
}

/// A front-end error at `t_s` as the experiment's error.
fn fe_err<E: Into<neuroxbar_models::frontend::FrontEndError>>(
    t_s: f64,
) -> impl Fn(E) -> ExperimentError {
    move |e| {
        ExperimentError::CoSim(CoSimError::FrontEnd {
            t_s,
            source: e.into(),
        })
    }
}

/// Low random initial conductances: from the device's resting state, each
/// cell gets a random number of depressing pulses straight through the
/// array (a probe station's preconditioning), then 10 s of rest.
pub fn initialise_weights<B: CycleModel<Inputs = AccelInputs, Outputs = AccelOutputs>>(
    sim: &mut CoSim<B>,
    cfg: &E2Config,
    rng: &mut ChaCha8Rng,
) -> Result<(), ExperimentError> {
    let (array, t_s) = cells(sim)?;
    for r in 0..N_ROWS {
        for c in 0..N_COLS {
            for _ in 0..rng.gen_range(cfg.init_dep_pulses.0..=cfg.init_dep_pulses.1) {
                array.apply_cell(r, c, -1.8, 100e-6).map_err(fe_err(t_s))?;
            }
        }
    }
    array.reset_energy();
    let period_s = sim.fe.params().clock_period_s;
    let now = sim.time_cycles();
    sim.idle_until(now + (10.0 / period_s) as u64)
        .map_err(cfg_err)?;
    Ok(())
}

/// The control run: every cell becomes an [`IdealSynapse`] reading the
/// current it reads ([`IdealSynapse::g_matching`]), stepping
/// `step_s` per programming pulse.
///
/// [`IdealSynapse`]: super::control::IdealSynapse
pub fn use_ideal_synapses<B: CycleModel<Inputs = AccelInputs, Outputs = AccelOutputs>>(
    sim: &mut CoSim<B>,
    cfg: &E2Config,
    step_s: f64,
) -> Result<(), ExperimentError> {
    use super::control::IdealSynapse;
    let (array, t_s) = cells(sim)?;
    for r in 0..N_ROWS {
        for c in 0..N_COLS {
            let g_s = IdealSynapse::g_matching(array.cell(r, c).map_err(fe_err(t_s))?);
            let ideal = IdealSynapse::for_pulses(g_s, step_s, cfg.v_pot_v, cfg.v_dep_v);
            array
                .replace_cell(r, c, Box::new(ideal))
                .map_err(fe_err(t_s))?;
        }
    }
    Ok(())
}

/// `[neuron][pixel]` conductances, siemens.
pub fn weight_maps<B: CycleModel<Inputs = AccelInputs, Outputs = AccelOutputs>>(
    sim: &mut CoSim<B>,
) -> Result<Vec<Vec<f64>>, ExperimentError> {
    let flat = sim.weights_s().map_err(cfg_err)?;
    Ok((0..N_COLS)
        .map(|j| (0..N_ROWS).map(|i| flat[i * N_COLS + j]).collect())
        .collect())
}

pub(crate) fn snapshot<B: CycleModel<Inputs = AccelInputs, Outputs = AccelOutputs>>(
    sim: &mut CoSim<B>,
    cfg: &E2Config,
    epoch: usize,
) -> Result<Snapshot, ExperimentError> {
    let weights_s = weight_maps(sim)?;
    let mut theta_counts = Vec::new();
    for j in 0..N_COLS {
        let raw = sim.peek(4, j as u16).map_err(cfg_err)?;
        theta_counts.push(raw as f64 / 256.0);
    }
    let mut adapt_fraction = Vec::new();
    for j in 0..N_COLS {
        let raw = sim.peek(9, j as u16).map_err(cfg_err)? as i32;
        adapt_fraction.push(raw as f64 / 256.0 / cfg.threshold_codes().round());
    }
    let theta_hz = theta_counts
        .iter()
        .map(|t| t * cfg.spike_quantum_hz())
        .collect();
    let response_hz = weights_s
        .iter()
        .map(|w| {
            ORIENTATIONS_DEG
                .iter()
                .map(|&d| expected_response_hz(cfg, w, d))
                .collect()
        })
        .collect();
    Ok(Snapshot {
        epoch,
        weights_s,
        theta_counts,
        theta_hz,
        response_hz,
        adapt_fraction,
    })
}

/// Train with BCM + WTA, then test. `progress(done, total)` after every presentation.
pub fn run_on<B: CycleModel<Inputs = AccelInputs, Outputs = AccelOutputs>>(
    sim: &mut CoSim<B>,
    cfg: &E2Config,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<E2Result, ExperimentError> {
    cfg.validate()?;
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed ^ 0xE2_BC);
    // reset first: the weights' 10 s of rest are clocked without warp, and
    // an accelerator out of reset could drive the array meanwhile
    sim.reset().map_err(cfg_err)?;
    initialise_weights(sim, cfg, &mut rng)?;
    if let Some(step_s) = cfg.ideal_synapse_step_s {
        use_ideal_synapses(sim, cfg, step_s)?;
    }
    // warm-up: the BCM unit's theta (and the homeostatic thresholds) run
    // from 0 to their running values on the initial weights, programming off
    configure_phase(sim, cfg, false, cfg.learn_wta, cfg.learn_wta)?;
    let total = cfg.warmup_epochs + cfg.epochs + cfg.test_repeats * 4 + 4;
    let mut done = 0;
    let mut saturated = 0u64;
    for _ in 0..cfg.warmup_epochs {
        let d = ORIENTATIONS_DEG[rng.gen_range(0..4)];
        present_window(sim, cfg, bar_pixels(d, 0), &mut rng, &mut saturated)?;
        done += 1;
        progress(done, total);
    }
    configure(sim, cfg, true, cfg.learn_wta)?;
    let w0 = weight_maps(sim)?;
    let mean_w: f64 = w0.iter().flatten().sum::<f64>() / (N_ROWS * N_COLS) as f64;
    let flat: Vec<f64> = vec![mean_w; N_ROWS];
    let initial_response_hz = expected_response_hz(cfg, &flat, 0);
    let background_response_hz = N_ROWS as f64 * cfg.rate_background_hz * mean_w / cfg.g_unit_s;
    let mut snapshots = vec![snapshot(sim, cfg, 0)?];
    let mut presentations = Vec::new();
    for epoch in 1..=cfg.epochs {
        {
            let d = ORIENTATIONS_DEG[rng.gen_range(0..4)];
            let (winner, spikes) =
                present_window(sim, cfg, bar_pixels(d, 0), &mut rng, &mut saturated)?;
            presentations.push(Presentation {
                epoch,
                orientation_deg: d,
                winner,
                spikes,
            });
            done += 1;
            progress(done, total);
        }
        if epoch % cfg.snapshot_every == 0 || epoch == cfg.epochs {
            snapshots.push(snapshot(sim, cfg, epoch)?);
        }
    }
    let overrun = sim.outputs().overrun;
    // test: learning off; WTA on (winners), then WTA off (each neuron's own response)
    configure(sim, cfg, false, true)?;
    let mut test_winners = Vec::new();
    for &d in &ORIENTATIONS_DEG {
        let (w, _) = present_window(sim, cfg, bar_pixels(d, 0), &mut rng, &mut saturated)?;
        test_winners.push(w);
        done += 1;
        progress(done, total);
    }
    configure(sim, cfg, false, false)?;
    let mut test_spikes = vec![vec![0.0; 4]; N_COLS];
    for _ in 0..cfg.test_repeats {
        for (k, &d) in ORIENTATIONS_DEG.iter().enumerate() {
            let (_, s) = present_window(sim, cfg, bar_pixels(d, 0), &mut rng, &mut saturated)?;
            for j in 0..N_COLS {
                test_spikes[j][k] += s[j] as f64 / cfg.test_repeats as f64;
            }
            done += 1;
            progress(done, total);
        }
    }
    let (neurons, distinct_orientations) = neuron_maps(&test_spikes);
    let stats = sim.stats();
    Ok(E2Result {
        snapshots,
        presentations,
        neurons,
        distinct_orientations,
        test_winners,
        initial_response_hz,
        background_response_hz,
        threshold_codes: cfg.threshold_codes().round() as u32,
        programming_pulses: sim.fe.stats().apply_pulses,
        overrun,
        saturated_ticks: saturated,
        cycles: sim.time_cycles(),
        clocked_cycles: stats.clocked_cycles,
        simulated_time_s: sim.time_s(),
        energy_j: sim.fe.energy_j(),
    })
}

/// A co-simulation of the Verilated `accel_81x4` against an `ftj-relax` array.
pub fn verilator_sim(
    device: &str,
    seed: u64,
    clock_mhz: f64,
    tia_gain_index: usize,
    warp: bool,
) -> Result<CoSim<neuroxbar_cosim::units::accelerator::VerilatorAccel81x4>, ExperimentError> {
    use neuroxbar_cosim::units::accelerator::VerilatorAccel81x4;
    let kind: DeviceKind = device.parse().map_err(ExperimentError::Device)?;
    if kind != DeviceKind::FtjRelax {
        return Err(ExperimentError::Device(format!(
            "orientation-bcm and moving-direction run on ftj-relax (got {device})"
        )));
    }
    let spec = DeviceSpec::load(kind, None)?;
    let mut params = fe_params(clock_mhz)?;
    params.tia_gain_index = tia_gain_index;
    let fe = FrontEnd::from_spec(&spec, N_ROWS, N_COLS, params, seed)
        .map_err(|e| ExperimentError::Device(e.to_string()))?;
    let dut = VerilatorAccel81x4::new(neuroxbar_cosim::Trace::Off)?;
    Ok(CoSim::new(dut, fe, warp)?)
}

/// Run E2 through the Verilated accelerator.
pub fn run_verilator(
    cfg: &E2Config,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<E2Result, ExperimentError> {
    cfg.validate()?;
    let mut sim = verilator_sim(
        &cfg.device,
        cfg.seed,
        cfg.clock_mhz,
        cfg.tia_gain_index,
        cfg.warp,
    )?;
    run_on(&mut sim, cfg, progress)
}
