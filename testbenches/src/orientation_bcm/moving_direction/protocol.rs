//! E2b through the RTL: the moving phase's registers and the passes.

use super::*;

/// Registers of the moving phase: every tick is a BCM window of one step,
/// theta held at 0 (shift 15 after a reset), count = 1: one positive pulse
/// per spiking row in the winner's column; the LIF passes any input
/// (threshold 1 code, full leak) and the max-membrane WTA picks the neuron
/// that answers the bar most.
pub fn configure_move<B: CycleModel<Inputs = AccelInputs, Outputs = AccelOutputs>>(
    sim: &mut CoSim<B>,
    cfg: &E2bConfig,
) -> Result<(), ExperimentError> {
    let period_s = sim.fe.params().clock_period_s;
    let lsb_v = sim.fe.params().dac_lsb_volts;
    let dac = |what: &str, v: f64| dac_code(what, v, lsb_v).map(|c| c as i32 as u32);
    let cyc = |t: f64| (t / period_s).round().max(1.0) as u32;
    sim.reset().map_err(cfg_err)?;
    let l = &cfg.learn;
    let writes: Vec<(u8, u32)> = vec![
        (a("CTRL"), 0b011),
        (a("THRESHOLD"), 1 << 8),
        (a("RESET_V"), 0),
        (a("LEAK_SHIFT"), 0),
        (a("GAIN"), 0x0100),
        (a("REFRACTORY"), 0),
        (a("THETA_PLUS"), 0),
        (a("INPUT_MODE"), 0),
        (a("V_READ"), dac("read_v", l.read_v)?),
        (
            a("SETTLE_CYCLES"),
            sim.fe.params().dac_settle_cycles().clamp(1, 0xFFFF) as u32,
        ),
        (a("V_POT"), dac("v_move_v", cfg.v_move_v)?),
        (a("V_DEP"), dac("v_dep_v", l.v_dep_v)?),
        (a("PULSE_WIDTH"), cyc(cfg.move_pulse_width_s)),
        (a("PULSE_INTERVAL"), cyc(l.pulse_interval_s)),
        (a("SCHEME"), l.scheme_v3 as u32),
        (a("REFRESH_BUDGET"), 0),
        (a("PLASTICITY"), 2),
        (a("BCM_WINDOW"), 1),
        (a("BCM_THETA_SHIFT"), 15),
        (a("BCM_COUNT_SHIFT"), 0),
        (a("BCM_RHO0_SHIFT"), 0),
        // one pulse per spiking row: no dither (the learning's, if any, ends here)
        (a("BCM_DITHER"), 0),
    ];
    write_all(sim, &writes)
}

/// Learn (E2), then move bars over the array.
pub fn run_e2b_on<B: CycleModel<Inputs = AccelInputs, Outputs = AccelOutputs>>(
    sim: &mut CoSim<B>,
    cfg: &E2bConfig,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<E2bResult, ExperimentError> {
    cfg.validate()?;
    let learn_total = cfg.learn.epochs + cfg.learn.test_repeats * 4 + 4;
    let total = learn_total + ORIENTATIONS_DEG.len() * 2 * cfg.trials;
    let learned = run_on(sim, &cfg.learn, &mut |d, _| progress(d, total))?;
    let mut done = learn_total;
    configure_move(sim, cfg)?;
    let period_s = sim.fe.params().clock_period_s;
    let step = (cfg.step_s / period_s).round() as u64;
    let mut trials = Vec::new();
    let mut maps = Vec::new();
    let mut order: Vec<(u32, &str)> = Vec::new();
    for _ in 0..cfg.trials {
        for &d in &ORIENTATIONS_DEG {
            order.push((d, "up"));
            order.push((d, "down"));
        }
    }
    for (n, &(d, dir)) in order.iter().enumerate() {
        let now = sim.time_cycles();
        sim.idle_until(now + (cfg.rest_s / period_s).round() as u64)
            .map_err(cfg_err)?;
        let base = pixel_sum(&sim.weights_s().map_err(cfg_err)?);
        let shifts: Vec<i32> = if dir == "down" {
            cfg.shifts.clone()
        } else {
            cfg.shifts.iter().rev().cloned().collect()
        };
        let mut winners = Vec::new();
        let mut centroid_rows = Vec::new();
        let mut trail = Vec::new();
        let mut last = base.clone();
        for s in shifts {
            sim.present().map_err(cfg_err)?;
            let t0 = sim.time_cycles();
            sim.set_spikes_in(bar_pixels(d, s));
            let r = sim.step(500_000_000).map_err(cfg_err)?;
            sim.set_spikes_in(0);
            sim.wait_idle(500_000_000).map_err(cfg_err)?;
            winners.push(r.winner);
            sim.idle_until(t0 + step).map_err(cfg_err)?;
            last = pixel_sum(&sim.weights_s().map_err(cfg_err)?);
            let dg: Vec<f64> = last.iter().zip(&base).map(|(g, b)| g - b).collect();
            centroid_rows.push(centroid_row(&dg));
            trail.push(dg);
        }
        let dg: Vec<f64> = last.iter().zip(&base).map(|(g, b)| g - b).collect();
        let slope = row_slope(&dg);
        if n < 2 * ORIENTATIONS_DEG.len() {
            maps.push((d, dir.to_string(), trail));
        }
        trials.push(Trial {
            orientation_deg: d,
            true_dir: dir.to_string(),
            decoded: decode(slope).to_string(),
            slope_s_per_row: slope,
            winners,
            centroid_rows,
        });
        done += 1;
        progress(done, total);
    }
    let accuracy =
        trials.iter().filter(|t| t.true_dir == t.decoded).count() as f64 / trials.len() as f64;
    let stats = sim.stats();
    Ok(E2bResult {
        learned,
        trials,
        accuracy,
        maps,
        cycles: sim.time_cycles(),
        clocked_cycles: stats.clocked_cycles,
        simulated_time_s: sim.time_s(),
        energy_j: sim.fe.energy_j(),
    })
}

/// Run E2b through the Verilated accelerator.
pub fn run_e2b_verilator(
    cfg: &E2bConfig,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<E2bResult, ExperimentError> {
    cfg.validate()?;
    let l = &cfg.learn;
    let mut sim = verilator_sim(&l.device, l.seed, l.clock_mhz, l.tia_gain_index, l.warp)?;
    run_e2b_on(&mut sim, cfg, progress)
}
