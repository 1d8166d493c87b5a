//! E3's report: `report.json`, CSV and SVG.

use super::*;

/// Write `report.json`, `readouts.csv`, `trace.csv` and the SVG plots into `dir`.
pub fn write_report(
    dir: &std::path::Path,
    cfg: &E3Config,
    res: &E3Result,
    wall_time_s: f64,
) -> Result<(), ExperimentError> {
    use crate::report::{line_plot_svg, write_atomic, write_csv, LinePlot, PlotSeries};
    use serde_json::json;
    std::fs::create_dir_all(dir).map_err(|e| ExperimentError::io(dir, e))?;
    let io = ExperimentError::io_at;
    let run_json = |r: &DeviceRun| {
        let (lo, hi) = (
            r.rest_codes.iter().copied().min().unwrap_or(0),
            r.rest_codes.iter().copied().max().unwrap_or(0),
        );
        json!({
            "energy_j": r.energy_j,
            "simulated_time_s": r.simulated_time_s,
            "cycles": r.cycles,
            "clocked_cycles": r.clocked_cycles,
            "warped_cycles": r.warped_cycles,
            "idle_skipped_cycles": r.idle_skipped_cycles,
            "program_commands": r.program_commands,
            "reads": r.reads,
            "max_code": r.max_code,
            "rest_code_min": lo,
            "rest_code_max": hi,
            "read_offset_in_tick_s": r.read_offset_s,
            "floor_code": r.floor_code,
        })
    };
    let report = json!({
        "experiment": "temporal-stp",
        "device": cfg.device,
        "seed": cfg.seed,
        "parameters": cfg,
        "train_ms": cfg.train_ms,
        "gap_ms": cfg.gap_ms,
        "read_ms": cfg.read_ms,
        "classes": cfg.classes,
        "presentations": cfg.presentations,
        "readout": "the single membrane value at t_end + read_ms (1-D; Euclidean distance = |v_a - v_b|), in the paper's synapse units (0.1 uS), tau_m dv/dt = -v + G(t)",
        "synapse_cell": "row 0, column 0 of the 25 x 5 crossbar controller (V/2 scheme)",
        "neuron": "Verilated LifWtaTop<16>: neuron 0 liwes, 1 ideal, 2 no-stp; multiplier leak, threshold register 0x7FFFFF (never reached), WTA off; membrane signed Q16.8 held in the RTL (not on the host)",
        "neuron_input": "i_in = ADC code of the mid-tick read minus the floor code (the rest read before the first gate pulse of the run)",
        "results": res.results,
        "neurons": res.neurons,
        "units_per_code": res.units_per_code,
        "spikes_per_class_mean": res.spikes_per_class_mean,
        "runs": {"liwes": run_json(&res.runs[0]), "ideal": run_json(&res.runs[1])},
        "lif_clocked_cycles": res.lif_clocked_cycles,
        "energy_j": res.energy_j,
        "wall_time_s": wall_time_s,
        "simulated_time_s": res.simulated_time_s,
        "cycles": res.cycles,
    });
    let p = dir.join("report.json");
    let text = serde_json::to_string_pretty(&report)?;
    write_atomic(&p, text.as_bytes()).map_err(io(&p))?;

    let p = dir.join("readouts.csv");
    let mut rows = Vec::new();
    for (ti, tau) in cfg.tau_m_s.iter().enumerate() {
        for (j, name) in SYNAPSES.iter().enumerate() {
            for (c, pc) in res.readouts[ti][j].iter().enumerate() {
                for (k, v) in pc.iter().enumerate() {
                    rows.push(vec![
                        tau.to_string(),
                        name.to_string(),
                        c.to_string(),
                        k.to_string(),
                        format!("{v:.9e}"),
                    ]);
                }
            }
        }
    }
    write_csv(
        &p,
        &["tau_m_s", "synapse", "class", "presentation", "membrane"],
        &rows,
    )
    .map_err(io(&p))?;

    let p = dir.join("trace.csv");
    let mut header = vec![
        "t_ms".to_string(),
        "g_liwes".to_string(),
        "g_ideal".to_string(),
    ];
    for tau in &cfg.tau_m_s {
        for name in SYNAPSES {
            header.push(format!("v_{name}_tau{}ms", tau * 1e3));
        }
    }
    let header_ref: Vec<&str> = header.iter().map(|s| s.as_str()).collect();
    let ticks = cfg.presentation_ticks();
    let rows: Vec<Vec<String>> = (0..ticks)
        .map(|n| {
            let mut r = vec![
                format!("{}", (n as f64 + 0.5) * cfg.tick_ms),
                format!("{:.6e}", res.g_trace[0][n]),
                format!("{:.6e}", res.g_trace[1][n]),
            ];
            for t in &res.traces {
                for s in t {
                    r.push(format!("{:.6e}", s[n]));
                }
            }
            r
        })
        .collect();
    write_csv(&p, &header_ref, &rows).map_err(io(&p))?;

    // conductance and membranes of class 0, presentation 0
    let t_ms = |n: usize| (n as f64 + 0.5) * cfg.tick_ms;
    let plot = LinePlot {
        title: "class 0, presentation 0: synapse conductance above rest".into(),
        x_label: "time (ms)".into(),
        y_label: "G (Table 1 units, 0.1 uS)".into(),
        series: ["liwes", "ideal"]
            .iter()
            .enumerate()
            .map(|(i, n)| PlotSeries {
                name: n.to_string(),
                points: (0..ticks).map(|k| (t_ms(k), res.g_trace[i][k])).collect(),
                line: true,
            })
            .collect(),
        ..Default::default()
    };
    let p = dir.join("conductance.svg");
    let text = line_plot_svg(&plot).map_err(ExperimentError::Report)?;
    write_atomic(&p, text.as_bytes()).map_err(io(&p))?;
    for (ti, tau) in cfg.tau_m_s.iter().enumerate() {
        let ms = tau * 1e3;
        let plot = LinePlot {
            title: format!("class 0, presentation 0: membrane, tau_m = {ms} ms"),
            x_label: "time (ms)".into(),
            y_label: "membrane (Table 1 units)".into(),
            series: SYNAPSES
                .iter()
                .enumerate()
                .map(|(j, n)| PlotSeries {
                    name: n.to_string(),
                    points: (0..ticks)
                        .map(|k| (t_ms(k), res.traces[ti][j][k]))
                        .collect(),
                    line: true,
                })
                .collect(),
            ..Default::default()
        };
        let p = dir.join(format!("membrane_tau{ms}ms.svg"));
        let text = line_plot_svg(&plot).map_err(ExperimentError::Report)?;
        write_atomic(&p, text.as_bytes()).map_err(io(&p))?;
        let plot = LinePlot {
            title: format!("read-outs per class, tau_m = {ms} ms"),
            x_label: "class".into(),
            y_label: "membrane at t_read (Table 1 units)".into(),
            series: SYNAPSES
                .iter()
                .enumerate()
                .map(|(j, n)| PlotSeries {
                    name: n.to_string(),
                    points: res.readouts[ti][j]
                        .iter()
                        .enumerate()
                        .flat_map(|(c, pc)| pc.iter().map(move |&v| (c as f64, v)))
                        .collect(),
                    line: false,
                })
                .collect(),
            ..Default::default()
        };
        let p = dir.join(format!("readouts_tau{ms}ms.svg"));
        let text = line_plot_svg(&plot).map_err(ExperimentError::Report)?;
        write_atomic(&p, text.as_bytes()).map_err(io(&p))?;
    }
    Ok(())
}
