//! `neuroxbar sweep --slurm` against a real single-node Slurm (Debian's
//! slurm-wlm and munge, started by `scripts/slurm-up.sh`, which
//! `scripts/test.sh` runs when it runs as root, as CI does): the job array
//! and its merge job give the same summary as the same plan run locally.
//!
//! Without Slurm (`sbatch` / `sinfo` missing or no node up) the test fails
//! under `CI` and is skipped with a notice elsewhere.

mod common;
mod sweep_common;

use std::process::Command;
use std::time::{Duration, Instant};
use sweep_common::{neuroxbar, outcomes, scratch, summary, PLAN};

fn slurm_up() -> bool {
    Command::new("sinfo")
        .args(["-h", "-o", "%t"])
        .output()
        .is_ok_and(|o| {
            o.status.success()
                && String::from_utf8_lossy(&o.stdout)
                    .lines()
                    .any(|l| ["idle", "mix", "alloc"].contains(&l.trim()))
        })
}

#[test]
fn slurm_job_array_gives_the_local_summary() {
    if !slurm_up() {
        let msg = "no Slurm node is up: run `sudo bash scripts/slurm-up.sh` (scripts/test.sh does, as root)";
        if std::env::var_os("CI").is_some() {
            panic!("{msg}");
        }
        eprintln!("skipped: {msg}");
        return;
    }
    let dir = scratch("sweep-slurm");
    std::fs::write(dir.join("plan.toml"), PLAN).unwrap();
    let o = neuroxbar(
        &dir,
        &[
            "sweep",
            "plan.toml",
            "--out",
            "s",
            "--slurm",
            "--slurm-tasks",
            "3",
        ],
    );
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // "submitted job array A (3 tasks) and merge job M"
    let merge_id = out
        .split_whitespace()
        .skip_while(|w| *w != "merge")
        .nth(2)
        .unwrap_or_else(|| panic!("no merge job id in: {out}"))
        .to_string();
    let script = std::fs::read_to_string(dir.join("s/sweep.sbatch")).unwrap();
    assert!(script.contains("#SBATCH --array=0-2"), "{script}");
    let t0 = Instant::now();
    loop {
        let q = Command::new("squeue")
            .args(["-h", "-j", &merge_id, "-o", "%T"])
            .output()
            .unwrap();
        let state = String::from_utf8_lossy(&q.stdout).trim().to_string();
        if state.is_empty() && dir.join("s/summary.json").exists() {
            break;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(600),
            "the Slurm jobs did not finish within 10 minutes (merge job {merge_id}: {state})"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    // every array task ran its shard; the merge wrote the summary
    let logs: Vec<String> = std::fs::read_dir(dir.join("s/logs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for k in 0..3 {
        assert!(
            logs.iter()
                .any(|l| l.starts_with("slurm-") && l.ends_with(&format!("_{k}.out"))),
            "no log of array task {k}: {logs:?}"
        );
    }
    let slurm = outcomes(&summary(&dir.join("s")));
    let o = neuroxbar(
        &dir,
        &["sweep", "plan.toml", "--out", "local", "--jobs", "2"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(slurm, outcomes(&summary(&dir.join("local"))));
    assert_eq!(slurm.iter().filter(|r| r.1 == "done").count(), 6);
    std::fs::remove_dir_all(&dir).ok();
}
