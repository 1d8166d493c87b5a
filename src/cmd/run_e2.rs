//! `neuroxbar run orientation-bcm` (E2) and `neuroxbar run moving-direction` (E2b).

use super::run::{clock_mhz, Args};
use crate::stdout::outln;
use anyhow::{bail, Context};
use neuroxbar_models::device::DeviceKind;
use neuroxbar_testbenches::experiment::OutDir;
use neuroxbar_testbenches::orientation_bcm::{
    self as e2, AccuracySpread, E2Config, E2bConfig, SeedSpread,
};
use neuroxbar_testbenches::progress::Progress;

/// Refuse the options of the other experiments; apply the shared E2 ones.
fn e2_config(args: &Args, experiment: &str) -> anyhow::Result<E2Config> {
    if let Some(d) = args.device {
        if d != DeviceKind::FtjRelax {
            bail!("{experiment} runs on ftj-relax devices (got --device {d})");
        }
    }
    let mut cfg = E2Config::full(args.seed.unwrap_or(1));
    if let Some(e) = args.epochs {
        cfg.epochs = e;
    }
    cfg.rho0_hz = args.rho0_hz.unwrap_or(cfg.rho0_hz);
    cfg.eta = args.eta.unwrap_or(cfg.eta);
    cfg.spikes_per_rho0 = args.spikes_per_rho0.unwrap_or(cfg.spikes_per_rho0);
    cfg.warmup_epochs = args.warmup_epochs.unwrap_or(cfg.warmup_epochs);
    cfg.win_share = args.win_share.unwrap_or(cfg.win_share);
    cfg.theta_windows = args.theta_windows.unwrap_or(cfg.theta_windows);
    cfg.window_s = args.window_s.unwrap_or(cfg.window_s);
    cfg.ticks_per_window = args.window_ticks.unwrap_or(cfg.ticks_per_window);
    cfg.test_repeats = args.test_repeats.unwrap_or(cfg.test_repeats);
    cfg.v_pot_v = args.v_pot_v.unwrap_or(cfg.v_pot_v);
    cfg.v_dep_v = args.v_dep_v.unwrap_or(cfg.v_dep_v);
    if let Some(w) = args.pulse_width_us {
        cfg.pulse_width_s = w * 1e-6;
    }
    cfg.learn_wta = !args.no_wta;
    cfg.dither = cfg.dither || args.bcm_dither;
    if let Some(m) = &args.wta_mode {
        cfg.wta_max_membrane = m == "max";
    }
    cfg.homeostasis = args.homeostasis.unwrap_or(cfg.homeostasis);
    cfg.homeostasis_decay_shift = args
        .homeostasis_decay_shift
        .unwrap_or(cfg.homeostasis_decay_shift);
    cfg.ideal_synapse_step_s = args.ideal_synapse_us.map(|us| us * 1e-6);
    cfg.warp = !args.no_warp;
    cfg.clock_mhz = clock_mhz(args)?;
    Ok(cfg)
}

fn seeds_count(args: &Args) -> anyhow::Result<usize> {
    let seeds = args.seeds.unwrap_or(1);
    if !(1..=100).contains(&seeds) {
        bail!("--seeds {seeds}: allowed range 1..=100");
    }
    Ok(seeds)
}

/// E2 `orientation-bcm`.
pub fn run_e2(args: Args) -> anyhow::Result<()> {
    let experiment = "orientation-bcm";
    let cfg = e2_config(&args, experiment)?;
    cfg.validate().context("orientation-bcm options")?;
    let seeds = seeds_count(&args)?;
    let out = OutDir::from_option(args.out.as_deref(), args.force, experiment)?;
    eprintln!(
        "orientation-bcm: {}, seed {}, {} epochs, rho_0 {} Hz, eta {}, theta over {} windows, window {} s in {} ticks{}",
        match cfg.ideal_synapse_step_s {
            Some(s) => format!(
                "control run, ideal additive synapses of {} uS per pulse from ftj-relax's initial state",
                s * 1e6
            ),
            None => "ftj-relax".to_string(),
        },
        cfg.seed,
        cfg.epochs,
        cfg.rho0_hz,
        cfg.eta,
        cfg.theta_windows,
        cfg.window_s,
        cfg.ticks_per_window,
        if cfg.warp { ", time warp on" } else { "" }
    );
    let mut progress = Progress::new("presentations");
    let t0 = std::time::Instant::now();
    let res = e2::run_verilator(&cfg, &mut |d, t| progress.update(d, t))
        .context("orientation-bcm failed")?;
    progress.finish();
    let wall_seed = t0.elapsed().as_secs_f64();
    let spread = if seeds > 1 {
        let mut all = vec![res.clone()];
        let mut p = Progress::new("seeds");
        for k in 1..seeds {
            let c = E2Config {
                seed: cfg.seed + k as u64,
                ..cfg.clone()
            };
            all.push(
                e2::run_verilator(&c, &mut |_, _| {}).context("orientation-bcm seeds failed")?,
            );
            p.update(k + 1, seeds);
        }
        p.finish();
        Some(SeedSpread::from_results(
            (0..seeds as u64).map(|k| cfg.seed + k).collect(),
            &all,
        ))
    } else {
        None
    };
    let wall = t0.elapsed().as_secs_f64();
    e2::write_report(out.partial(), &cfg, &res, spread.as_ref(), wall_seed)
        .with_context(|| format!("writing the report to {}", out.partial().display()))?;
    let out = out.commit()?;
    outln!("neuron  preferred  selectivity  test spikes per window (0, 45, 90, 135 deg)");
    for n in &res.neurons {
        outln!(
            "  {}     {:>5}      {:.3}        [{}]",
            n.neuron,
            n.preferred_deg
                .map_or("none".to_string(), |d| format!("{d}")),
            n.selectivity,
            n.test_spikes
                .iter()
                .map(|x| format!("{x:.2}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    outln!(
        "expected selectivity of the final weights (mean over neurons): {:.3}",
        e2::expected_selectivity(&res)
    );
    outln!(
        "distinct orientations: {} of 4; winners of the clean test (neuron per orientation): {}",
        res.distinct_orientations,
        res.test_winners
            .iter()
            .map(|w| w.map_or("none".to_string(), |n| n.to_string()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if let Some(s) = &spread {
        outln!(
            "over seeds {:?}: distinct {:?} (mean {:.2}), mean selectivity {:.3} +- {:.3}",
            s.seeds,
            s.distinct_orientations,
            s.distinct_mean,
            s.selectivity_mean,
            s.selectivity_sd
        );
        outln!(
            "  expected selectivity of the final weights {:?}: {:.3} +- {:.3}",
            s.expected_selectivity
                .iter()
                .map(|v| format!("{v:.3}"))
                .collect::<Vec<_>>(),
            s.expected_selectivity_mean,
            s.expected_selectivity_sd
        );
    }
    outln!(
        "{} cycles simulated ({} clocked), {:.1} s of device time, {:.3e} J, {:.1} s wall (seed {}), {:.1} s in all",
        res.cycles,
        res.clocked_cycles,
        res.simulated_time_s,
        res.energy_j,
        wall_seed,
        cfg.seed,
        wall
    );
    outln!("report: {}", out.join("report.json").display());
    Ok(())
}

/// E2b `moving-direction`.
pub fn run_e2b(args: Args) -> anyhow::Result<()> {
    let experiment = "moving-direction";
    let learn = e2_config(&args, experiment)?;
    let mut cfg = E2bConfig::full(learn.seed);
    cfg.learn = E2Config {
        epochs: args.epochs.unwrap_or(cfg.learn.epochs),
        test_repeats: args.test_repeats.unwrap_or(cfg.learn.test_repeats),
        snapshot_every: cfg.learn.snapshot_every,
        ..learn
    };
    cfg.trials = args.trials.unwrap_or(cfg.trials);
    cfg.rest_s = args.rest_s.unwrap_or(cfg.rest_s);
    if let Some(ms) = args.step_ms {
        cfg.step_s = ms / 1e3;
    }
    cfg.validate().context("moving-direction options")?;
    let seeds = seeds_count(&args)?;
    let out = OutDir::from_option(args.out.as_deref(), args.force, experiment)?;
    eprintln!(
        "moving-direction: ftj-relax, seed {}, {} learning epochs, {} trials per orientation and direction, {} ms per position{}",
        cfg.learn.seed,
        cfg.learn.epochs,
        cfg.trials,
        cfg.step_s * 1e3,
        if cfg.learn.warp { ", time warp on" } else { "" }
    );
    let mut progress = Progress::new("presentations and passes");
    let t0 = std::time::Instant::now();
    let res = e2::run_e2b_verilator(&cfg, &mut |d, t| progress.update(d, t))
        .context("moving-direction failed")?;
    progress.finish();
    let wall_seed = t0.elapsed().as_secs_f64();
    let spread = if seeds > 1 {
        let mut acc = vec![res.accuracy];
        let mut p = Progress::new("seeds");
        for k in 1..seeds {
            let mut c = cfg.clone();
            c.learn.seed = cfg.learn.seed + k as u64;
            acc.push(
                e2::run_e2b_verilator(&c, &mut |_, _| {})
                    .context("moving-direction seeds failed")?
                    .accuracy,
            );
            p.update(k + 1, seeds);
        }
        p.finish();
        Some(AccuracySpread::new(
            (0..seeds as u64).map(|k| cfg.learn.seed + k).collect(),
            acc,
        ))
    } else {
        None
    };
    let wall = t0.elapsed().as_secs_f64();
    e2::write_e2b_report(out.partial(), &cfg, &res, spread.as_ref(), wall_seed)
        .with_context(|| format!("writing the report to {}", out.partial().display()))?;
    let out = out.commit()?;
    outln!("orientation  true  decoded  slope (uS per row)");
    for t in &res.trials {
        outln!(
            "  {:>3} deg    {:<5} {:<7}  {:+.3}",
            t.orientation_deg,
            t.true_dir,
            t.decoded,
            t.slope_s_per_row * 1e6
        );
    }
    outln!("accuracy {:.3} ({} passes)", res.accuracy, res.trials.len());
    if let Some(s) = &spread {
        outln!(
            "over seeds {:?}: accuracy {:?}, mean {:.3} +- {:.3}",
            s.seeds,
            s.accuracy,
            s.mean,
            s.sd
        );
    }
    outln!(
        "{} cycles simulated ({} clocked), {:.1} s of device time, {:.3e} J, {:.1} s wall (seed {}), {:.1} s in all",
        res.cycles,
        res.clocked_cycles,
        res.simulated_time_s,
        res.energy_j,
        wall_seed,
        cfg.learn.seed,
        wall
    );
    outln!("report: {}", out.join("report.json").display());
    Ok(())
}
