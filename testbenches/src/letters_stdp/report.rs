//! E1's report: `report.json`, CSV data and SVG plots.

use super::*;

/// Write `report.json`, CSV data and SVG plots of a run into `dir`
/// (each file complete or absent).
pub fn write_report(
    dir: &std::path::Path,
    cfg: &E1Config,
    res: &E1Result,
    wall_time_s: f64,
) -> Result<(), ExperimentError> {
    write_report_with(dir, cfg, res, &E1Extras::default(), wall_time_s)
}

/// [`write_report`] with the seed spread (`recognition_vs_noise_seeds`,
/// `recognition_seeds.csv`, mean +- sd beside the seed's own curve in
/// `recognition_vs_noise.svg`) and the STDP balance map (`stdp_balance_map`,
/// `stdp_balance_map.csv`, one heat map per noise level) when given.
pub fn write_report_with(
    dir: &std::path::Path,
    cfg: &E1Config,
    res: &E1Result,
    extras: &E1Extras,
    wall_time_s: f64,
) -> Result<(), ExperimentError> {
    use crate::report::{
        heatmap_svg, line_plot_svg, write_atomic, write_csv, LinePlot, PlotSeries,
    };
    use serde_json::json;
    std::fs::create_dir_all(dir).map_err(|e| ExperimentError::io(dir, e))?;
    let io = ExperimentError::io_at;
    let svg = |name: &str, text: Result<String, String>| -> Result<(), ExperimentError> {
        let p = dir.join(name);
        let text = text.map_err(ExperimentError::Report)?;
        write_atomic(&p, text.as_bytes()).map_err(io(&p))
    };

    // report.json
    let mut report = json!({
        "experiment": "letters-stdp",
        "device": cfg.device,
        "seed": cfg.seed,
        "encoding": cfg.encoding,
        "stdp_window": cfg.window,
        "epochs": cfg.epochs,
        "parameters": cfg,
        "letter_winner": res.letter_winner.iter().map(|(c, w)| json!({"letter": c.to_string(), "neuron": w})).collect::<Vec<_>>(),
        "recognition_vs_noise": res.recognition_vs_noise,
        "wall_time_s": wall_time_s,
        "simulated_time_s": res.simulated_time_s,
        "clock_mhz": cfg.clock_mhz,
        "cycles": res.cycles,
        "clocked_cycles": res.clocked_cycles,
        "energy_j": res.energy_j,
        "programming_pulses": res.programming_pulses,
        "late_strobes": res.late_strobes,
        "back_end": res.back_end,
    });
    if !res.missing_metrics.is_empty() {
        let mut why = serde_json::Map::new();
        for (k, reason) in &res.missing_metrics {
            report[k.as_str()] = serde_json::Value::Null;
            why.insert(k.clone(), reason.clone().into());
        }
        report["missing_metrics"] = why.into();
    }
    if let Some(st) = &extras.seeds {
        report["seeds"] = json!(st.seeds);
        report["recognition_vs_noise_seeds"] = json!(st.points);
    }
    if let Some((map, epochs)) = &extras.balance_map {
        report["stdp_balance_map"] = json!(map);
        report["stdp_balance_map_epochs"] = json!(epochs);
    }
    let p = dir.join("report.json");
    let text = serde_json::to_string_pretty(&report)?;
    write_atomic(&p, text.as_bytes()).map_err(io(&p))?;

    // CSV data
    let p = dir.join("recognition.csv");
    let rows: Vec<Vec<String>> = res
        .recognition_vs_noise
        .iter()
        .map(|r| vec![format!("{:.1}", r.noise), format!("{:.4}", r.rate)])
        .collect();
    write_csv(&p, &["noise", "rate"], &rows).map_err(io(&p))?;
    let p = dir.join("training_winners.csv");
    let rows: Vec<Vec<String>> = res
        .training_winners
        .iter()
        .map(|(e, l, w)| {
            vec![
                e.to_string(),
                l.to_string(),
                w.map_or("none".into(), |w| w.to_string()),
            ]
        })
        .collect();
    write_csv(&p, &["epoch", "letter", "winner"], &rows).map_err(io(&p))?;

    if let Some(weights_s) = &res.weights_s {
        write_weights(dir, weights_s, &svg)?;
    }
    if let Some(by_epoch) = &res.weights_by_epoch_s {
        write_weight_histogram(dir, by_epoch, &svg)?;
    }
    svg(
        "recognition_vs_noise.svg",
        line_plot_svg(&LinePlot {
            title: format!("E1 recognition vs input noise ({})", cfg.device),
            x_label: "noise sd (x input amplitude)".into(),
            y_label: "recognition rate".into(),
            log_x: false,
            log_y: false,
            series: std::iter::once(PlotSeries {
                name: format!("seed {}", cfg.seed),
                points: res
                    .recognition_vs_noise
                    .iter()
                    .map(|r| (r.noise, r.rate))
                    .collect(),
                line: true,
            })
            .chain(extras.seeds.iter().flat_map(|st| {
                let n = st.seeds.len();
                [
                    (format!("mean of {n} seeds"), 0.0, true),
                    (format!("mean - sd ({n} seeds)"), -1.0, false),
                    (format!("mean + sd ({n} seeds)"), 1.0, false),
                ]
                .into_iter()
                .map(|(name, k, line)| PlotSeries {
                    name,
                    points: st
                        .points
                        .iter()
                        .map(|p| (p.noise, p.mean + k * p.sd))
                        .collect(),
                    line,
                })
            }))
            .collect(),
        }),
    )?;
    if let Some(st) = &extras.seeds {
        let p = dir.join("recognition_seeds.csv");
        let rows: Vec<Vec<String>> = st
            .points
            .iter()
            .map(|q| {
                [q.noise, q.mean, q.sd, q.min, q.max]
                    .iter()
                    .chain(q.rates.iter())
                    .map(|v| format!("{v:.4}"))
                    .collect()
            })
            .collect();
        let header: Vec<String> = ["noise", "mean", "sd", "min", "max"]
            .iter()
            .map(|h| h.to_string())
            .chain(st.seeds.iter().map(|s| format!("seed_{s}")))
            .collect();
        let header: Vec<&str> = header.iter().map(|h| h.as_str()).collect();
        write_csv(&p, &header, &rows).map_err(io(&p))?;
    }
    if let Some((map, epochs)) = &extras.balance_map {
        let p = dir.join("stdp_balance_map.csv");
        let rows: Vec<Vec<String>> = map
            .iter()
            .map(|q| {
                vec![
                    format!("{}", q.a_ratio),
                    format!("{}", q.tau_ratio),
                    format!("{:.4}", q.a_ratio_realised),
                    format!("{:.4}", q.tau_ratio_realised),
                    format!("{:.1}", q.noise),
                    format!("{:.4}", q.rate),
                ]
            })
            .collect();
        write_csv(
            &p,
            &[
                "a_ratio",
                "tau_ratio",
                "a_ratio_realised",
                "tau_ratio_realised",
                "noise",
                "rate",
            ],
            &rows,
        )
        .map_err(io(&p))?;
        let mut a_axis: Vec<f64> = map.iter().map(|q| q.a_ratio).collect();
        a_axis.sort_by(f64::total_cmp);
        a_axis.dedup();
        let mut t_axis: Vec<f64> = map.iter().map(|q| q.tau_ratio).collect();
        t_axis.sort_by(f64::total_cmp);
        t_axis.dedup();
        let mut noises: Vec<f64> = map.iter().map(|q| q.noise).collect();
        noises.sort_by(f64::total_cmp);
        noises.dedup();
        let list = |v: &[f64]| {
            v.iter()
                .enumerate()
                .map(|(i, r)| format!("{i}: {r}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        for noise in noises {
            let m: Vec<Vec<f64>> = t_axis
                .iter()
                .map(|t| {
                    a_axis
                        .iter()
                        .map(|a| {
                            map.iter()
                                .find(|q| q.a_ratio == *a && q.tau_ratio == *t && q.noise == noise)
                                .map_or(f64::NAN, |q| q.rate)
                        })
                        .collect()
                })
                .collect();
            svg(
                &format!("stdp_balance_map_noise{noise:.1}.svg"),
                heatmap_svg(
                    &format!(
                        "E1 recognition, noise {noise:.1}, STDP balance ({epochs} epochs, seed {})",
                        cfg.seed
                    ),
                    &format!("A+/A- ({})", list(&a_axis)),
                    &format!("tau+/tau- ({})", list(&t_axis)),
                    &m,
                    "recognition rate",
                ),
            )?;
        }
    }
    Ok(())
}

type SvgWriter<'a> = dyn Fn(&str, Result<String, String>) -> Result<(), ExperimentError> + 'a;

/// `weights.csv` and one weight map per neuron, microsiemens.
fn write_weights(
    dir: &std::path::Path,
    weights_s: &[Vec<f64>],
    svg: &SvgWriter,
) -> Result<(), ExperimentError> {
    use crate::report::{heatmap_svg, write_csv};
    let io = ExperimentError::io_at;
    let p = dir.join("weights.csv");
    let rows: Vec<Vec<String>> = (0..N_ROWS)
        .flat_map(|r| (0..N_COLS).map(move |c| (r, c)))
        .map(|(r, c)| {
            vec![
                r.to_string(),
                c.to_string(),
                format!("{:.6e}", weights_s[r][c]),
            ]
        })
        .collect();
    write_csv(&p, &["row", "neuron", "conductance_s"], &rows).map_err(io(&p))?;
    // weight maps, one per neuron, in microsiemens
    for c in 0..N_COLS {
        let m: Vec<Vec<f64>> = (0..5)
            .map(|r| (0..5).map(|x| weights_s[r * 5 + x][c] * 1e6).collect())
            .collect();
        svg(
            &format!("weights_neuron{c}.svg"),
            heatmap_svg(
                &format!("Neuron {c} weights"),
                "pixel column",
                "pixel row",
                &m,
                "conductance (uS)",
            ),
        )?;
    }
    Ok(())
}

/// `weight_histogram.csv` and `.svg`: one row per epoch, 20 bins.
fn write_weight_histogram(
    dir: &std::path::Path,
    by_epoch: &[Vec<f64>],
    svg: &SvgWriter,
) -> Result<(), ExperimentError> {
    use crate::report::{heatmap_svg, write_csv};
    let io = ExperimentError::io_at;
    // weight histogram over epochs: one heatmap row per epoch, 20 bins
    let all: Vec<f64> = by_epoch.iter().flatten().map(|g| g * 1e6).collect();
    if !all.is_empty() {
        let lo = all.iter().cloned().fold(f64::INFINITY, f64::min);
        let hi = all
            .iter()
            .cloned()
            .fold(f64::NEG_INFINITY, f64::max)
            .max(lo + 1e-9);
        let bins = 20;
        let hist: Vec<Vec<f64>> = by_epoch
            .iter()
            .map(|w| {
                let mut h = vec![0.0; bins];
                for g in w {
                    let k = (((g * 1e6 - lo) / (hi - lo)) * bins as f64) as usize;
                    h[k.min(bins - 1)] += 1.0;
                }
                h
            })
            .collect();
        let p = dir.join("weight_histogram.csv");
        let rows: Vec<Vec<String>> = hist
            .iter()
            .enumerate()
            .map(|(e, h)| {
                std::iter::once(e.to_string())
                    .chain(h.iter().map(|v| v.to_string()))
                    .collect()
            })
            .collect();
        let header: Vec<String> = std::iter::once("epoch".to_string())
            .chain(
                (0..bins)
                    .map(|k| format!("{:.1}uS", lo + (k as f64 + 0.5) * (hi - lo) / bins as f64)),
            )
            .collect();
        let header: Vec<&str> = header.iter().map(|s| s.as_str()).collect();
        write_csv(&p, &header, &rows).map_err(io(&p))?;
        svg(
            "weight_histogram.svg",
            heatmap_svg(
                &format!("Weight histogram per epoch ({lo:.1} .. {hi:.1} uS)"),
                "conductance bin",
                "epoch",
                &hist,
                "cells",
            ),
        )?;
    }
    Ok(())
}
