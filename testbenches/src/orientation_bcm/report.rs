//! E2 report: `report.json`, CSV data and SVG plots.

use super::*;

pub(crate) fn grid_map(v: &[f64]) -> Vec<Vec<f64>> {
    (0..GRID)
        .map(|r| v[r * GRID..(r + 1) * GRID].to_vec())
        .collect()
}

/// Write `report.json`, CSV data and SVG plots of E2 into `dir`.
pub fn write_report(
    dir: &std::path::Path,
    cfg: &E2Config,
    res: &E2Result,
    seeds: Option<&SeedSpread>,
    wall_time_s: f64,
) -> Result<(), ExperimentError> {
    use serde_json::json;
    std::fs::create_dir_all(dir).map_err(|e| ExperimentError::io(dir, e))?;
    let last = res.snapshots.last().expect("at least the initial snapshot");
    let report = json!({
        "experiment": "orientation-bcm",
        "device": match cfg.ideal_synapse_step_s {
            Some(_) => format!("ideal-additive (control; initial state from {})", cfg.device),
            None => cfg.device.clone(),
        },
        "ideal_synapse_step_s": cfg.ideal_synapse_step_s,
        "seed": cfg.seed,
        "parameters": cfg,
        "rho0_hz": cfg.rho0_hz,
        "eta": cfg.eta,
        "dither": cfg.dither,
        "theta_windows": cfg.theta_windows,
        "window_s": cfg.window_s,
        "registers": {
            "THRESHOLD_codes": res.threshold_codes,
            "BCM_WINDOW": cfg.ticks_per_window,
            "BCM_THETA_SHIFT": cfg.theta_shift(),
            "BCM_COUNT_SHIFT": cfg.eta_shift(),
            "BCM_RHO0_SHIFT": cfg.rho0_shift(),
            "BCM_DITHER": cfg.dither as u32,
            "CTRL_learning": cfg.learn_wta as u32 | (cfg.wta_max_membrane as u32) << 1,
            "THETA_PLUS_q15_8_learning": cfg.theta_plus_codes(),
            "THETA_DECAY_SHIFT": cfg.homeostasis_decay_shift,
            "codes_per_unit_weight_spike": cfg.codes_per_unit(),
        },
        "mapping": "rho_y = sum rho_x W, W = G / g_unit_s; LIF threshold = q * window_s weighted input spikes with q = rho_0 / spikes_per_rho0, so y ~ rho_y / q spikes per window; the BCM unit's theta tracks <y^2> / 2^BCM_RHO0_SHIFT (= spikes_per_rho0), so x y (y - theta) is BCM with target rate rho_0 (theta_hz = q * theta_counts)",
        "spikes_per_rho0": cfg.spikes_per_rho0,
        "initial_response_hz": res.initial_response_hz,
        "background_response_hz": res.background_response_hz,
        "neurons": res.neurons,
        "distinct_orientations": res.distinct_orientations,
        "expected_selectivity": expected_selectivity(res),
        "test_winners": res.test_winners,
        "final_theta_hz": last.theta_hz,
        "final_response_hz": last.response_hz,
        "final_adapt_fraction": last.adapt_fraction,
        "seed_spread": seeds,
        "programming_pulses": res.programming_pulses,
        "overrun": res.overrun,
        "saturated_ticks": res.saturated_ticks,
        "clocked_cycles": res.clocked_cycles,
        "energy_j": res.energy_j,
        "wall_time_s": wall_time_s,
        "simulated_time_s": res.simulated_time_s,
        "cycles": res.cycles,
    });
    let p = dir.join("report.json");
    let text = serde_json::to_string_pretty(&report)?;
    write_atomic(&p, text.as_bytes()).map_err(ExperimentError::io_at(&p))?;

    // snapshots: theta and responses over epochs
    let p = dir.join("theta_response.csv");
    let mut rows = Vec::new();
    for s in &res.snapshots {
        for j in 0..N_COLS {
            let mut r = vec![
                s.epoch.to_string(),
                j.to_string(),
                format!("{:.6}", s.theta_hz[j]),
            ];
            r.extend(s.response_hz[j].iter().map(|v| format!("{v:.6}")));
            rows.push(r);
        }
    }
    write_csv(
        &p,
        &[
            "epoch",
            "neuron",
            "theta_hz",
            "rho_0deg_hz",
            "rho_45deg_hz",
            "rho_90deg_hz",
            "rho_135deg_hz",
        ],
        &rows,
    )
    .map_err(ExperimentError::io_at(&p))?;
    let p = dir.join("weights.csv");
    let mut rows = Vec::new();
    for s in &res.snapshots {
        for j in 0..N_COLS {
            for i in 0..N_ROWS {
                rows.push(vec![
                    s.epoch.to_string(),
                    j.to_string(),
                    (i / GRID).to_string(),
                    (i % GRID).to_string(),
                    format!("{:.6e}", s.weights_s[j][i]),
                ]);
            }
        }
    }
    write_csv(&p, &["epoch", "neuron", "row", "col", "g_s"], &rows)
        .map_err(ExperimentError::io_at(&p))?;
    let p = dir.join("presentations.csv");
    let rows: Vec<Vec<String>> = res
        .presentations
        .iter()
        .map(|q| {
            let mut r = vec![
                q.epoch.to_string(),
                q.orientation_deg.to_string(),
                q.winner.map_or(String::new(), |w| w.to_string()),
            ];
            r.extend(q.spikes.iter().map(|s| s.to_string()));
            r
        })
        .collect();
    write_csv(
        &p,
        &[
            "epoch",
            "orientation_deg",
            "winner",
            "spikes_n0",
            "spikes_n1",
            "spikes_n2",
            "spikes_n3",
        ],
        &rows,
    )
    .map_err(ExperimentError::io_at(&p))?;

    // plots: per neuron theta and responses over epochs; weight maps
    for j in 0..N_COLS {
        let mut series: Vec<PlotSeries> = ORIENTATIONS_DEG
            .iter()
            .enumerate()
            .map(|(k, d)| PlotSeries {
                name: format!("rho_y {d} deg"),
                points: res
                    .snapshots
                    .iter()
                    .map(|s| (s.epoch as f64, s.response_hz[j][k]))
                    .collect(),
                line: true,
            })
            .collect();
        series.push(PlotSeries {
            name: "theta".into(),
            points: res
                .snapshots
                .iter()
                .map(|s| (s.epoch as f64, s.theta_hz[j]))
                .collect(),
            line: true,
        });
        let plot = LinePlot {
            title: format!("neuron {j}: response per orientation and BCM threshold"),
            x_label: "epoch".into(),
            y_label: "Hz".into(),
            log_x: false,
            log_y: false,
            series,
        };
        let p = dir.join(format!("theta_response_n{j}.svg"));
        let text = line_plot_svg(&plot).map_err(ExperimentError::Report)?;
        write_atomic(&p, text.as_bytes()).map_err(ExperimentError::io_at(&p))?;
    }
    let picks: Vec<&Snapshot> = {
        let n = res.snapshots.len();
        let mut v = vec![&res.snapshots[0]];
        if n > 2 {
            v.push(&res.snapshots[n / 2]);
        }
        if n > 1 {
            v.push(&res.snapshots[n - 1]);
        }
        v
    };
    for s in picks {
        for j in 0..N_COLS {
            let g_us: Vec<f64> = s.weights_s[j].iter().map(|g| g * 1e6).collect();
            let text = heatmap_svg(
                &format!("neuron {j}, epoch {}", s.epoch),
                "pixel column",
                "pixel row",
                &grid_map(&g_us),
                "G (uS)",
            )
            .map_err(ExperimentError::Report)?;
            let p = dir.join(format!("weights_e{}_n{j}.svg", s.epoch));
            write_atomic(&p, text.as_bytes()).map_err(ExperimentError::io_at(&p))?;
        }
    }
    Ok(())
}
