//! E4's report: `report.json`, CSV and SVG.

use super::*;

/// Write `report.json`, `accuracy.csv`, `weights.csv` and the SVG plots.
pub fn write_report(
    dir: &std::path::Path,
    cfg: &E4Config,
    res: &E4Result,
    wall_time_s: f64,
) -> Result<(), ExperimentError> {
    use crate::report::{
        heatmap_svg, line_plot_svg, write_atomic, write_csv, LinePlot, PlotSeries,
    };
    use serde_json::json;
    std::fs::create_dir_all(dir).map_err(|e| ExperimentError::io(dir, e))?;
    let io = ExperimentError::io_at;
    let accuracy: Vec<_> = res
        .points
        .iter()
        .map(|p| json!({"device": p.device, "refresh": p.refresh, "cycles": p.cycles, "value": p.value}))
        .collect();
    let fe = fe_params(cfg);
    let mut device_params = serde_json::Map::new();
    for d in &cfg.devices {
        let kind: DeviceKind = d.parse().map_err(ExperimentError::Device)?;
        let spec = DeviceSpec::load(kind, None)?;
        let p = astro(&spec)?;
        device_params.insert(
            d.clone(),
            json!({
                "params": spec.source,
                "set_pulse_v": p.v_set_ref_v,
                "reset_pulse_v": -p.v_reset_ref_v,
                "safe_window_v": [p.v_min_v, p.v_max_v],
                "refresh_enabled": p.refresh_enabled,
                "endurance_cycles": p.endurance_cycles,
                "nonlinearity_factor_pristine": nonlinearity_factor_at(p, 0.0),
            }),
        );
    }
    let report = json!({
        "experiment": "digits-refresh",
        "devices": cfg.devices,
        "seed": cfg.seed,
        "parameters": cfg,
        "dataset": {
            "name": "Optical Recognition of Handwritten Digits (UCI; scikit-learn's 8x8 digits), CC BY 4.0, E. Alpaydin and C. Kaynak (1998)",
            "file": "testbenches/data/digits.csv",
            "images": N_IMAGES,
        },
        "split": {
            "train": N_TRAIN,
            "test": N_TEST,
            "test_images_inferred": cfg.test_images,
            "split_seed": SPLIT_SEED,
            "how": "all 1797 images shuffled with ChaCha8(split_seed), the first 1347 train, the other 450 test; the same split for every --seed",
        },
        "network": {
            "layers": 1,
            "shape": "64 inputs (pixels / 16) -> 10 outputs, no bias",
            "weights": "ternary {-1, 0, +1}: TWN threshold 0.7 mean|w|, straight-through training, softmax cross-entropy with a trained logit scale, minibatch SGD",
            "train_accuracy": res.net.train_accuracy,
            "software_test_accuracy_linear": res.net.test_accuracy,
            "software_test_accuracy_pristine_iv": res.software_pristine_iv_accuracy,
            "nonzero_fraction": res.net.nonzero_fraction,
            "logit_scale": res.net.logit_scale,
        },
        "mapping": "class k: column 2k (G+) and 2k+1 (G-); +1: G+ LRS, G- HRS; -1: the reverse; 0: both HRS; prediction argmax_k I(2k) - I(2k+1)",
        "rtl": {
            "controller": "CrossbarController<25, 5> (Verilated), amplitude-code READ mode: row i at DAC code pixel_i * pixel_codes, clamped into the device's safe window",
            "tiles": format!("{ROW_TILES} row tiles (rows 0-24, 25-49, 50-63) x {COL_TILES} column tiles of 5 columns; each tile its own 25 x 5 array; the host sums the tiles' partial column currents"),
            "refresh_scheduler": "RefreshScheduler<25, 5> (Verilated), budget = refresh_budget PROGRAM pulses per column; its REFRESH commands go to the controller before the host's PROGRAM commands",
            "writes": "every cell written twice through PROGRAM commands (one pulse at the device's paper set / reset amplitude, 50 ns, V/3); pass 1 spends the refresh budget, pass 2 rewrites the weights after the refresh left the cells at the HRS",
            "read_full_scale_v": 16.0 * cfg.pixel_codes as f64 * fe.dac_lsb_volts,
            "tia_lsb_a": fe.tia_lsb_table_a[cfg.tia_gain_index],
            "dac_lsb_v": fe.dac_lsb_volts,
            "clock_mhz": 1e-6 / fe.clock_period_s,
            "pulse_width_emitted_s": whole_cycles(cfg.pulse_width_s, fe.clock_period_s).max(1) as f64 * fe.clock_period_s,
            "refresh_width_emitted_s": whole_cycles(cfg.refresh_width_s, fe.clock_period_s).max(1) as f64 * fe.clock_period_s,
        },
        "clock_mhz": cfg.clock_mhz,
        "device_params": device_params,
        "front_end": fe,
        "cycling": "every cell's cycle counter jumped to the history (Device::set_cycles), not simulated; decades 1e0 .. max_cycles, n-astrocyte up to its endurance (1e5)",
        "accuracy": accuracy,
        "points": res.points,
        "paper": {
            "source": "Cheng et al. 2021, Fig 6c-e: MNIST 28x28, 784-200-10 ternary MLP, amplitude-coded inputs, astrocyte after 1e8 cycles",
            "accuracy_1e8_no_refresh": PAPER_1E8[0].1,
            "accuracy_1e8_refresh": PAPER_1E8[1].1,
        },
        "energy_j": res.energy_j,
        "wall_time_s": wall_time_s,
        "simulated_time_s": res.simulated_time_s,
        "cycles": res.cycles,
        "clocked_cycles": res.clocked_cycles,
    });
    let p = dir.join("report.json");
    let text = serde_json::to_string_pretty(&report)?;
    write_atomic(&p, text.as_bytes()).map_err(io(&p))?;

    let p = dir.join("accuracy.csv");
    let rows: Vec<Vec<String>> = res
        .points
        .iter()
        .map(|q| {
            vec![
                q.device.clone(),
                q.refresh.to_string(),
                format!("{:e}", q.cycles),
                format!("{:.6}", q.value),
                format!("{:.6}", q.software_iv_accuracy),
                format!("{:.4}", q.nonlinearity_factor_no_refresh),
                format!("{:.6}", q.iv_half_ratio),
                q.refresh_commands.to_string(),
                format!("{:.6e}", q.energy_j),
            ]
        })
        .collect();
    write_csv(
        &p,
        &[
            "device",
            "refresh",
            "cycles",
            "accuracy",
            "software_iv_accuracy",
            "nonlinearity_factor_no_refresh",
            "iv_half_ratio",
            "refresh_commands",
            "energy_j",
        ],
        &rows,
    )
    .map_err(io(&p))?;

    let p = dir.join("weights.csv");
    let rows: Vec<Vec<String>> = res
        .net
        .w
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let mut r = vec![i.to_string()];
            r.extend(w.iter().map(|v| v.to_string()));
            r
        })
        .collect();
    let mut header = vec!["pixel".to_string()];
    header.extend((0..N_CLASSES).map(|k| format!("class{k}")));
    let h: Vec<&str> = header.iter().map(|s| s.as_str()).collect();
    write_csv(&p, &h, &rows).map_err(io(&p))?;

    let p = dir.join("predictions.csv");
    let mut header = vec!["test_image".to_string(), "label".to_string()];
    for q in &res.points {
        header.push(format!(
            "{}_{}_{:e}",
            q.device,
            if q.refresh { "refresh" } else { "no_refresh" },
            q.cycles
        ));
    }
    let h: Vec<&str> = header.iter().map(|s| s.as_str()).collect();
    let rows: Vec<Vec<String>> = res
        .test_labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut r = vec![res.test_idx[i].to_string(), l.to_string()];
            r.extend(res.points.iter().map(|q| q.predictions[i].to_string()));
            r
        })
        .collect();
    write_csv(&p, &h, &rows).map_err(io(&p))?;

    let mut series = Vec::new();
    for d in &cfg.devices {
        for refresh in [false, true] {
            let pts: Vec<(f64, f64)> = res
                .points
                .iter()
                .filter(|q| &q.device == d && q.refresh == refresh)
                .map(|q| (q.cycles, 100.0 * q.value))
                .collect();
            series.push(PlotSeries {
                name: format!("{d}, {}", if refresh { "refresh" } else { "no refresh" }),
                points: pts,
                line: true,
            });
        }
    }
    let plot = LinePlot {
        title: "digits test accuracy through the RTL vs cycling history".into(),
        x_label: "cycles".into(),
        y_label: "test accuracy (%)".into(),
        log_x: true,
        series,
        ..Default::default()
    };
    let p = dir.join("accuracy_vs_cycles.svg");
    let text = line_plot_svg(&plot).map_err(ExperimentError::Report)?;
    write_atomic(&p, text.as_bytes()).map_err(io(&p))?;

    let mut series = Vec::new();
    for d in &cfg.devices {
        for refresh in [false, true] {
            series.push(PlotSeries {
                name: format!("{d}, {}", if refresh { "refresh" } else { "no refresh" }),
                points: res
                    .points
                    .iter()
                    .filter(|q| &q.device == d && q.refresh == refresh)
                    .map(|q| (q.cycles, q.iv_half_ratio))
                    .collect(),
                line: true,
            });
        }
    }
    let plot = LinePlot {
        title: "I(half amplitude) / I(full amplitude) through the RTL (0.5 = linear)".into(),
        x_label: "cycles".into(),
        y_label: "I(0.48 V) / I(0.96 V)".into(),
        log_x: true,
        series,
        ..Default::default()
    };
    let p = dir.join("iv_half_ratio.svg");
    let text = line_plot_svg(&plot).map_err(ExperimentError::Report)?;
    write_atomic(&p, text.as_bytes()).map_err(io(&p))?;

    let values: Vec<Vec<f64>> = res
        .net
        .w
        .iter()
        .map(|w| w.iter().map(|&v| v as f64).collect())
        .collect();
    let p = dir.join("weights.svg");
    let text = heatmap_svg(
        "ternary weights (pixel x class)",
        "class",
        "pixel (row-major 8x8)",
        &values,
        "weight",
    )
    .map_err(ExperimentError::Report)?;
    write_atomic(&p, text.as_bytes()).map_err(io(&p))?;
    Ok(())
}
