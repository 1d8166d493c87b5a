//! E2b report: `report.json`, CSV and SVG.

use super::*;

/// Write `report.json`, CSV and SVG of E2b into `dir`.
pub fn write_e2b_report(
    dir: &std::path::Path,
    cfg: &E2bConfig,
    res: &E2bResult,
    seeds: Option<&AccuracySpread>,
    wall_time_s: f64,
) -> Result<(), ExperimentError> {
    use serde_json::json;
    std::fs::create_dir_all(dir).map_err(|e| ExperimentError::io(dir, e))?;
    let decoded: Vec<_> = res
        .trials
        .iter()
        .map(|t| json!({"orientation_deg": t.orientation_deg, "true": t.true_dir, "decoded": t.decoded}))
        .collect();
    let report = json!({
        "experiment": "moving-direction",
        "device": cfg.learn.device,
        "seed": cfg.learn.seed,
        "parameters": cfg,
        "decoder": "slope of the row means of (G_after_last_position - G_before_pass), summed over the four columns: negative (larger, more recent change at the top) -> up",
        "decoded": decoded,
        "accuracy": res.accuracy,
        "trials": res.trials,
        "learned_neurons": res.learned.neurons,
        "learned_distinct_orientations": res.learned.distinct_orientations,
        "seed_spread": seeds,
        "energy_j": res.energy_j,
        "wall_time_s": wall_time_s,
        "simulated_time_s": res.simulated_time_s,
        "cycles": res.cycles,
        "clocked_cycles": res.clocked_cycles,
    });
    let p = dir.join("report.json");
    let text = serde_json::to_string_pretty(&report)?;
    write_atomic(&p, text.as_bytes()).map_err(ExperimentError::io_at(&p))?;
    let p = dir.join("trail_maps.csv");
    let mut rows = Vec::new();
    for (d, dir_name, trail) in &res.maps {
        for (k, m) in trail.iter().enumerate() {
            for (i, v) in m.iter().enumerate() {
                rows.push(vec![
                    d.to_string(),
                    dir_name.clone(),
                    k.to_string(),
                    format!("{:.4}", (k + 1) as f64 * cfg.step_s),
                    (i / GRID).to_string(),
                    (i % GRID).to_string(),
                    format!("{v:.6e}"),
                ]);
            }
        }
    }
    write_csv(
        &p,
        &[
            "orientation_deg",
            "direction",
            "step",
            "t_s",
            "row",
            "col",
            "dg_s",
        ],
        &rows,
    )
    .map_err(ExperimentError::io_at(&p))?;
    let p = dir.join("trials.csv");
    let rows: Vec<Vec<String>> = res
        .trials
        .iter()
        .map(|t| {
            vec![
                t.orientation_deg.to_string(),
                t.true_dir.clone(),
                t.decoded.clone(),
                format!("{:.6e}", t.slope_s_per_row),
            ]
        })
        .collect();
    write_csv(
        &p,
        &["orientation_deg", "true", "decoded", "slope_s_per_row"],
        &rows,
    )
    .map_err(ExperimentError::io_at(&p))?;
    for (d, dir_name, trail) in &res.maps {
        let n = trail.len();
        for k in [0, n / 2, n - 1] {
            let g_us: Vec<f64> = trail[k].iter().map(|g| g * 1e6).collect();
            let text = heatmap_svg(
                &format!("{d} deg moving {dir_name}, after position {}", k + 1),
                "pixel column",
                "pixel row",
                &grid_map(&g_us),
                "G - G_before (uS, 4 columns)",
            )
            .map_err(ExperimentError::Report)?;
            let p = dir.join(format!("trail_{d}deg_{dir_name}_step{}.svg", k + 1));
            write_atomic(&p, text.as_bytes()).map_err(ExperimentError::io_at(&p))?;
        }
    }
    let plot = LinePlot {
        title: "row centroid of the conductance increase during each pass".into(),
        x_label: "position".into(),
        y_label: "centroid row (0 = top)".into(),
        log_x: false,
        log_y: false,
        series: res
            .trials
            .iter()
            .take(2 * ORIENTATIONS_DEG.len())
            .map(|t| PlotSeries {
                name: format!("{} deg {}", t.orientation_deg, t.true_dir),
                points: t
                    .centroid_rows
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| v.is_finite())
                    .map(|(k, v)| ((k + 1) as f64, *v))
                    .collect(),
                line: true,
            })
            .collect(),
    };
    let p = dir.join("centroids.svg");
    let text = line_plot_svg(&plot).map_err(ExperimentError::Report)?;
    write_atomic(&p, text.as_bytes()).map_err(ExperimentError::io_at(&p))?;
    Ok(())
}
