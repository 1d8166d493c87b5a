//! E2 `orientation-bcm`, full runs (2000 epochs, defaults) on ftj-relax and
//! in the control run with ideal additive synapses (`--ideal-synapse-us
//! 20`), seeds 1..=5 (`E2_BENCH_SEEDS=N` runs seeds 1..=N).
//!
//! `cargo bench -p neuroxbar-testbenches --bench e2` writes
//! `testbenches/benches/results/e2_bench.md`: per synapse and seed the
//! selectivity per neuron, the expected selectivity of the final weights,
//! the distinct orientations, cycles, device time, energy and wall time,
//! then the mean +- sd over the seeds (the same code path as `neuroxbar run
//! orientation-bcm --seed S --seeds 1 [--ideal-synapse-us 20]`).

use neuroxbar_testbenches::orientation_bcm::*;
use std::fmt::Write as _;
use std::time::Instant;

fn main() {
    let n_seeds: u64 = match std::env::var("E2_BENCH_SEEDS") {
        Ok(v) => match v.parse() {
            Ok(n) if (1..=20).contains(&n) => n,
            _ => {
                eprintln!("E2_BENCH_SEEDS={v}: allowed range 1..=20");
                std::process::exit(2);
            }
        },
        Err(_) => 5,
    };
    let seeds: Vec<u64> = (1..=n_seeds).collect();
    let mut md = String::new();
    writeln!(
        md,
        "# E2 `orientation-bcm`: ftj-relax and the ideal additive control (seeds 1..{n_seeds})\n"
    )
    .unwrap();
    writeln!(
        md,
        "Command: `cargo bench -p neuroxbar-testbenches --bench e2` (each run is \
         `target/release/neuroxbar run orientation-bcm --seed S --seeds 1`, and with \
         `--ideal-synapse-us 20` for the control: 2000 epochs, defaults). Machine: {} cores, \
         `{}`; the runs one after another.\n",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
        std::env::consts::ARCH
    )
    .unwrap();
    for (name, step) in [
        ("ftj-relax", None),
        ("ideal additive, 20 uS per pulse", Some(20e-6)),
    ] {
        writeln!(md, "## {name}\n").unwrap();
        writeln!(
            md,
            "| seed | selectivity per neuron | mean | expected selectivity | distinct | clocked cycles | device time (s) | energy (J) | wall (s) |"
        )
        .unwrap();
        writeln!(md, "|---|---|---|---|---|---|---|---|---|").unwrap();
        let mut runs = Vec::new();
        let mut walls = Vec::new();
        for &s in &seeds {
            let cfg = E2Config {
                ideal_synapse_step_s: step,
                ..E2Config::full(s)
            };
            let t0 = Instant::now();
            let r = run_verilator(&cfg, &mut |_, _| {}).expect("E2 run");
            let wall = t0.elapsed().as_secs_f64();
            eprintln!("{name}, seed {s}: {wall:.1} s wall");
            walls.push(wall);
            runs.push(r);
        }
        let sp = SeedSpread::from_results(seeds.clone(), &runs);
        for (k, (r, wall)) in runs.iter().zip(&walls).enumerate() {
            writeln!(
                md,
                "| {} | {} | {:.3} | {:.3} | {} | {} | {:.0} | {:.3e} | {wall:.1} |",
                seeds[k],
                r.neurons
                    .iter()
                    .map(|n| format!("{:.3}", n.selectivity))
                    .collect::<Vec<_>>()
                    .join(", "),
                sp.mean_selectivity[k],
                sp.expected_selectivity[k],
                r.distinct_orientations,
                r.clocked_cycles,
                r.simulated_time_s,
                r.energy_j
            )
            .unwrap();
        }
        writeln!(
            md,
            "\nMean +- sd over the seeds: selectivity {:.3} +- {:.3}, expected selectivity \
             {:.3} +- {:.3}, distinct orientations {:?} (mean {:.1}).\n",
            sp.selectivity_mean,
            sp.selectivity_sd,
            sp.expected_selectivity_mean,
            sp.expected_selectivity_sd,
            sp.distinct_orientations,
            sp.distinct_mean
        )
        .unwrap();
    }
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/results/e2_bench.md");
    std::fs::write(&path, md).expect("write e2_bench.md");
    eprintln!("wrote {}", path.display());
}
