//! E4 `digits-refresh`, full runs (both devices, 450 test images, cycling
//! 1e0 .. 1e11 / endurance), seeds 1..=5.
//!
//! `cargo bench -p neuroxbar-testbenches --bench e4` writes
//! `testbenches/benches/results/e4.md`: the accuracy through the RTL per
//! device, refresh and cycling history for seed 1 and as mean +- sd over
//! the seeds, the I(V/2)/I(V) ratio seen through the RTL, the software
//! accuracies of the trained networks, and each run's wall time (the same
//! code path as `neuroxbar run digits-refresh --seed S`).

use neuroxbar_testbenches::digits_refresh::*;
use std::fmt::Write as _;
use std::time::Instant;

fn mean_sd(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0).max(1.0);
    (m, var.sqrt())
}

fn main() {
    let seeds: Vec<u64> = (1..=5).collect();
    let mut runs = Vec::new();
    let mut walls = Vec::new();
    for &s in &seeds {
        let cfg = E4Config::full(s);
        let t0 = Instant::now();
        let r = run_verilator(&cfg, &mut |_, _| {}).expect("E4 run");
        let wall = t0.elapsed().as_secs_f64();
        eprintln!("seed {s}: {wall:.1} s wall");
        walls.push(wall);
        runs.push(r);
    }
    let mut md = String::new();
    writeln!(md, "# E4 `digits-refresh`: full runs (seeds 1..5)\n").unwrap();
    writeln!(
        md,
        "Command: `cargo bench -p neuroxbar-testbenches --bench e4` (each run is \
         `target/release/neuroxbar run digits-refresh --seed S`, S = 1..5: both devices, \
         450 test images, cycling 1e0 .. 1e11, n-astrocyte to its endurance 1e5). \
         Machine: {} cores (shared), `{}`.\n",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
        std::env::consts::ARCH
    )
    .unwrap();
    writeln!(
        md,
        "Split 1347 train / 450 test (fixed, split seed 0x{SPLIT_SEED:X}); one ternary layer \
         64 -> 10 (no bias), G+/G- column pairs, 12 tiles of the Verilated 25 x 5 controller; \
         refresh = the Verilated refresh scheduler's +-3.5 V, 50 ns pairs.\n"
    )
    .unwrap();
    let r1 = &runs[0];
    writeln!(
        md,
        "| device | cycles | refresh | accuracy seed 1 (%) | mean +- sd, 5 seeds (%) | I(V/2)/I(V) seed 1 | nonlinearity factor 2+c (model, no refresh) |"
    )
    .unwrap();
    writeln!(md, "|---|---|---|---|---|---|---|").unwrap();
    for (k, p) in r1.points.iter().enumerate() {
        let v: Vec<f64> = runs.iter().map(|r| 100.0 * r.points[k].value).collect();
        let (m, sd) = mean_sd(&v);
        writeln!(
            md,
            "| {} | {:e} | {} | {:.2} | {:.2} +- {:.2} | {:.4} | {:.3} |",
            p.device,
            p.cycles,
            if p.refresh { "yes" } else { "no" },
            100.0 * p.value,
            m,
            sd,
            p.iv_half_ratio,
            p.nonlinearity_factor_no_refresh
        )
        .unwrap();
    }
    writeln!(md).unwrap();
    let sw: Vec<f64> = runs.iter().map(|r| 100.0 * r.net.test_accuracy).collect();
    let swp: Vec<f64> = runs
        .iter()
        .map(|r| 100.0 * r.software_pristine_iv_accuracy)
        .collect();
    let tr: Vec<f64> = runs.iter().map(|r| 100.0 * r.net.train_accuracy).collect();
    let (a, b) = mean_sd(&sw);
    let (c, d) = mean_sd(&swp);
    let (e, f) = mean_sd(&tr);
    writeln!(
        md,
        "- software (no array, no RTL), seed 1 / mean +- sd: train {:.2} / {e:.2} +- {f:.2} %; \
         test with linear inputs {:.2} / {a:.2} +- {b:.2} %; test with the pristine astrocyte \
         I-V as input warping {:.2} / {c:.2} +- {d:.2} %",
        tr[0], sw[0], swp[0]
    )
    .unwrap();
    writeln!(
        md,
        "- paper (Fig 6c-e, MNIST, 784-200-10, astrocyte at 1e8 cycles): {:.2} % without \
         refresh, {:.2} % with",
        100.0 * PAPER_1E8[0].1,
        100.0 * PAPER_1E8[1].1
    )
    .unwrap();
    writeln!(
        md,
        "- per run: {} cycles simulated (all clocked), {:.3} s of device time, {:.3e} J in the arrays",
        r1.cycles, r1.simulated_time_s, r1.energy_j
    )
    .unwrap();
    writeln!(
        md,
        "- wall time per full run (seeds 1..5): {} s",
        walls
            .iter()
            .map(|w| format!("{w:.1}"))
            .collect::<Vec<_>>()
            .join(", ")
    )
    .unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/results/e4.md");
    std::fs::write(&path, md).expect("write e4.md");
    eprintln!("wrote {}", path.display());
}
