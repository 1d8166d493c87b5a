//! `neuroxbar sweep`: a reduced E1 grid run in parallel, a failing point
//! recorded while the others go on, resume, shards + merge, plan errors.

mod common;
mod sweep_common;

use sweep_common::{neuroxbar, outcomes, scratch, stderr, summary, PLAN};

#[test]
fn a_grid_runs_every_point_records_the_failure_resumes_and_merges_shards() {
    let dir = scratch("sweep");
    std::fs::write(dir.join("plan.toml"), PLAN).unwrap();
    let o = neuroxbar(&dir, &["sweep", "plan.toml", "--out", "s", "--jobs", "2"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = dir.join("s");
    let v = summary(&s);
    assert_eq!(v["points_total"], 7);
    assert_eq!(v["points_done"], 6);
    assert_eq!(v["points_failed"], 1);
    let rows = outcomes(&v);
    // every finished point's metric is its own report's number
    for (id, status, metric) in &rows[..6] {
        assert_eq!(status, "done");
        let report: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(s.join("points").join(id).join("report.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(
            *metric,
            report["recognition_vs_noise"][0]["rate"].as_f64(),
            "{id}"
        );
        assert_eq!(
            report["epochs"],
            v["points"][rows.iter().position(|r| r.0 == *id).unwrap()]["options"]["epochs"]
        );
    }
    let failed = &v["points"][6];
    assert_eq!(failed["status"], "failed");
    assert!(
        failed["error"]
            .as_str()
            .unwrap()
            .contains("--epochs 0: allowed range"),
        "{failed}"
    );
    assert!(!s.join("points").join(&rows[6].0).exists());
    for f in [
        "summary.csv",
        "metric-vs-seed.svg",
        "metric-vs-epochs.svg",
        "plan.toml",
    ] {
        assert!(s.join(f).exists(), "{f}");
    }
    // the points differ (seeds and epochs matter): not one number copied
    let metrics: Vec<f64> = rows[..6].iter().map(|r| r.2.unwrap()).collect();
    assert!(metrics.iter().any(|m| *m != metrics[0]), "{metrics:?}");

    // resume: finished points are skipped, their folders untouched
    let report0 = s.join("points").join(&rows[0].0).join("report.json");
    let before = std::fs::metadata(&report0).unwrap().modified().unwrap();
    let o = neuroxbar(&dir, &["sweep", "plan.toml", "--out", "s", "--jobs", "2"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("6 points already finished: skipped"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::metadata(&report0).unwrap().modified().unwrap(),
        before
    );
    assert_eq!(outcomes(&summary(&s)), rows);

    // the same plan in two shards, then --merge: the same summary
    for shard in ["0/2", "1/2"] {
        let o = neuroxbar(
            &dir,
            &["sweep", "plan.toml", "--out", "t", "--shard", shard],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(
            !dir.join("t/summary.json").exists(),
            "a shard wrote the summary"
        );
        if shard == "0/2" {
            // points 1, 3, 5 and 7 (which fails): three result folders
            let n = std::fs::read_dir(dir.join("t/points")).unwrap().count();
            assert_eq!(n, 3, "shard 0/2 ran other points");
        }
    }
    let o = neuroxbar(&dir, &["sweep", "plan.toml", "--out", "t", "--merge"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(outcomes(&summary(&dir.join("t"))), rows);

    // another plan into the same folder is refused
    std::fs::write(
        dir.join("other.toml"),
        PLAN.replace("seed = [1, 2, 3]", "seed = [5]"),
    )
    .unwrap();
    let o = neuroxbar(&dir, &["sweep", "other.toml", "--out", "s"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("holds a different plan"),
        "{}",
        stderr(&o)
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn plan_and_option_errors_come_before_anything_runs() {
    let dir = scratch("sweep-errors");
    let bad = |name: &str, text: &str, args: &[&str], needle: &str| {
        std::fs::write(dir.join(name), text).unwrap();
        let mut a = vec!["sweep", name];
        a.extend(args);
        let o = neuroxbar(&dir, &a);
        assert!(!o.status.success(), "{name} {args:?} succeeded");
        let e = stderr(&o);
        assert!(e.contains(needle) && !e.contains("panicked"), "{name}: {e}");
    };
    bad(
        "a.toml",
        "experiment = \"letters-stdp\"\n[grid]\nnope = [1]\n",
        &[],
        "--nope",
    );
    bad(
        "b.toml",
        "experiment = \"letters-stdp\"\n[grid]\nepochs = [\"x\"]\n",
        &[],
        "--epochs",
    );
    bad(
        "c.toml",
        "experiment = \"letters-stdp\"\n[options]\nout = \"x\"\n",
        &[],
        "options.out",
    );
    bad("d.toml", "experiment = [1]\n", &[], "field `experiment`");
    bad(
        "e.toml",
        "experiment = \"letters-stdp\"\n",
        &["--jobs", "0"],
        "--jobs 0",
    );
    bad(
        "f.toml",
        "experiment = \"letters-stdp\"\n",
        &["--shard", "2/2"],
        "--shard 2/2",
    );
    bad(
        "g.toml",
        "experiment = \"letters-stdp\"\n",
        &["--merge"],
        "--out",
    );
    bad(
        "h.toml",
        "experiment = \"letters-stdp\"\n",
        &["--slurm-tasks", "3"],
        "--slurm",
    );
    let o = neuroxbar(&dir, &["sweep", "missing.toml"]);
    assert!(
        stderr(&o).contains("missing.toml: cannot read the plan"),
        "{}",
        stderr(&o)
    );
    // nothing was created: no out/ folder
    assert!(!dir.join("out").exists());
    std::fs::remove_dir_all(&dir).ok();
}

/// The parent processes' ids of the running processes (from /proc).
fn children_of(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(p) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ppid ...: comm may hold spaces, so split after ')'
        let after = stat.rsplit_once(')').map_or("", |x| x.1);
        let ppid = after.split_whitespace().nth(1).and_then(|x| x.parse().ok());
        let state = after.split_whitespace().next().unwrap_or("");
        if ppid == Some(pid) && state != "Z" {
            out.push(p);
        }
    }
    out
}

/// SIGTERM to the sweep (as `kill` or a job scheduler sends it) stops its
/// running points too: each removes its unfinished result folder, no point
/// process outlives the sweep, and nothing half-written is left in points/.
#[test]
fn a_terminated_sweep_stops_its_points() {
    let dir = scratch("sweep-term");
    // E5 clocked cycle by cycle: tens of seconds per point
    std::fs::write(
        dir.join("plan.toml"),
        "experiment = \"letters-stm-ltm\"\nmetric = \"energy_j\"\n[options]\nno-warp = true\n[grid]\nseed = [1, 2, 3]\n",
    )
    .unwrap();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_neuroxbar"))
        .current_dir(&dir)
        .args(["sweep", "plan.toml", "--out", "sw", "--jobs", "2"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let t0 = std::time::Instant::now();
    let mut points = Vec::new();
    while points.len() < 2 && t0.elapsed() < std::time::Duration::from_secs(30) {
        std::thread::sleep(std::time::Duration::from_millis(100));
        points = children_of(child.id());
    }
    assert_eq!(points.len(), 2, "two points running");
    std::thread::sleep(std::time::Duration::from_millis(500));
    let k = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(k.success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    for p in points {
        assert!(
            !std::path::Path::new(&format!("/proc/{p}")).exists()
                || std::fs::read_to_string(format!("/proc/{p}/stat")).is_ok_and(|s| s
                    .rsplit_once(')')
                    .is_some_and(|x| x.1.trim_start().starts_with('Z'))),
            "point process {p} outlived the sweep"
        );
    }
    let left: Vec<String> = std::fs::read_dir(dir.join("sw").join("points"))
        .map(|r| {
            r.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    assert!(left.is_empty(), "left in points/: {left:?}");
    std::fs::remove_dir_all(&dir).ok();
}
