//! E5's report: `report.json`, `maps.csv` and the SVG heatmaps.

use super::*;

/// Write `report.json`, `maps.csv` and the SVG heatmaps into `dir`.
pub fn write_report(
    dir: &std::path::Path,
    cfg: &E5Config,
    res: &E5Result,
    wall_time_s: f64,
) -> Result<(), ExperimentError> {
    use crate::report::{heatmap_svg, write_atomic, write_csv};
    use serde_json::json;
    std::fs::create_dir_all(dir).map_err(|e| ExperimentError::io(dir, e))?;
    let io = ExperimentError::io_at;
    let report = json!({
        "experiment": "letters-stm-ltm",
        "device": cfg.device,
        "seed": cfg.seed,
        "parameters": cfg,
        "sub_array": "rows 0..5, columns 0..5 of the 25 x 5 crossbar controller",
        "letters": res.letters,
        "h_retention": res.h_retention,
        "h_contrast_kept": res.h_contrast_kept,
        "h_final_delay_s": res.h_final_delay_s,
        "g_hrs_mean_s": res.g_hrs_mean_s,
        "g_final_s": res.g_final_s,
        "maps": res.maps.iter().map(|m| json!({
            "letter": m.letter.to_string(),
            "when": m.when,
            "row_sample_s": m.row_sample_s,
            "row_delay_s": m.row_delay_s,
            "saturated": m.saturated,
            "row_lsb_a": m.row_lsb_a,
            "rereads": m.rereads,
        })).collect::<Vec<_>>(),
        "device_ltm_threshold_v": res.device_ltm_threshold_v.iter().map(|(f, v)| json!({
            "frequency_hz": f,
            "threshold_v": v,
            "note": "one device, no array, no RTL: lowest amplitude of the pulse train leaving a non-volatile change > 0.5 % 1 ms later",
        })).collect::<Vec<_>>(),
        "energy_j": res.energy_j,
        "energy_reset_j": res.energy_reset_j,
        "energy_letters_j": res.energy_letters_j,
        "wall_time_s": wall_time_s,
        "simulated_time_s": res.simulated_time_s,
        "clock_mhz": cfg.clock_mhz,
        "pulse_width_emitted_s": whole_cycles(cfg.pulse_width_s, 1e-6 / cfg.clock_mhz) as f64 * 1e-6 / cfg.clock_mhz,
        "cycles": res.cycles,
        "clocked_cycles": res.clocked_cycles,
        "warped_cycles": res.warped_cycles,
        "idle_skipped_cycles": res.idle_skipped_cycles,
        "program_commands": res.program_commands,
        "apply_pulses": res.apply_pulses,
        "clamp_error": res.clamp_error,
        "unsettled_samples": res.unsettled_samples,
        "min_sample_after_apply_cycles": res.min_sample_after_apply_cycles,
        "settle_cycles": res.settle_cycles,
    });
    let p = dir.join("report.json");
    let text = serde_json::to_string_pretty(&report)?;
    write_atomic(&p, text.as_bytes()).map_err(io(&p))?;

    let p = dir.join("maps.csv");
    let mut rows = Vec::new();
    for m in &res.maps {
        for r in 0..SIDE {
            for c in 0..SIDE {
                rows.push(vec![
                    m.letter.to_string(),
                    m.when.clone(),
                    r.to_string(),
                    c.to_string(),
                    format!("{:.9e}", m.cell_sample_s[r][c]),
                    format!("{:.9e}", m.cell_delay_s[r][c]),
                    m.codes[r][c].to_string(),
                    format!("{:.6e}", m.current_a[r][c]),
                ]);
            }
        }
    }
    write_csv(
        &p,
        &[
            "letter",
            "when",
            "row",
            "col",
            "t_sample_s",
            "delay_s",
            "code",
            "current_a",
        ],
        &rows,
    )
    .map_err(io(&p))?;

    for m in &res.maps {
        let name = match m.letter {
            '-' => "baseline".to_string(),
            '*' => "final".to_string(),
            c => c.to_string(),
        };
        let nano: Vec<Vec<f64>> = m
            .current_a
            .iter()
            .map(|r| r.iter().map(|i| i * 1e9).collect())
            .collect();
        let file = if m.letter == '-' {
            "maps_baseline.svg".to_string()
        } else {
            format!("maps_{name}_{}.svg", m.when)
        };
        let p = dir.join(file);
        let text = heatmap_svg(
            &format!("{name}: read {} (0.1 V)", m.when),
            "column",
            "row",
            &nano,
            "current (nA)",
        )
        .map_err(ExperimentError::Report)?;
        write_atomic(&p, text.as_bytes()).map_err(io(&p))?;
    }
    Ok(())
}
