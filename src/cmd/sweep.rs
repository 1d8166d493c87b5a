//! `neuroxbar sweep PLAN.toml`: run one experiment over a grid (or a list)
//! of its options, seeds and devices, in parallel on the local cores or as a
//! Slurm job array, one complete result folder per point, then a summary.
//!
//! Every point is a child `neuroxbar run EXPERIMENT --opt value ... --out
//! DIR/points/<id>`: the same code path, the same checks and the same
//! complete-or-absent result folder as a single run. A point whose folder
//! exists is finished and skipped on a rerun (resume); a point that fails
//! leaves no folder, and its error is recorded in the summary (and the child's
//! log in `DIR/logs/<id>.log`); the other points go on.

use crate::stdout::outln;
use anyhow::{anyhow, bail, Context};
use neuroxbar_testbenches::report::{line_plot_svg, write_atomic, LinePlot, PlotSeries};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

#[derive(clap::Args, Debug, Default)]
#[command(after_help = PLAN_HELP)]
pub struct Args {
    /// The sweep plan (TOML, see below).
    pub plan: PathBuf,
    /// The sweep folder [default: a fresh out/sweep-<n>]. An existing one is
    /// resumed: points already finished there are skipped (its plan.toml must
    /// be the same plan).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Points run at once, 1..=256 [default: the machine's cores].
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Run only shard I of N (points I, I + N, I + 2N, ...; 0 <= I < N) and
    /// write no summary: the tasks of a Slurm job array (see --slurm), then
    /// --merge.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// Build the summary from the point folders of --out without running
    /// anything.
    #[arg(long, requires = "out")]
    pub merge: bool,
    /// Write DIR/sweep.sbatch (a job array, one task per shard, then a merge
    /// job after it) and submit it with `sbatch`; prints the job ids.
    #[arg(long)]
    pub slurm: bool,
    /// With --slurm: array tasks (shards), 1..=1000 [default: the number of
    /// points, at most 64].
    #[arg(long)]
    pub slurm_tasks: Option<usize>,
    /// With --slurm: CPUs per array task (each runs that many points at
    /// once), 1..=256 [default: 1].
    #[arg(long)]
    pub slurm_cpus: Option<usize>,
}

const PLAN_HELP: &str = "\
Plan (TOML):
  experiment = \"letters-stdp\"        # any `neuroxbar run` experiment
  metric = \"recognition_vs_noise.1.rate\"  # dotted path of a number in report.json
  [options]                          # passed to every point (`run` option names)
  epochs = 20
  [grid]                             # every combination (axes by name)
  seed = [1, 2, 3, 4]
  device = [\"ftj-linear\", \"ftj-reference\"]
  [[points]]                         # explicit points, after the grid's
  seed = 9
  epochs = 40
A value is a string, a number or a boolean (true: the flag is given, false:
left out). `out`, `force`, `vcd` and `vcd-cycles` are the sweep's to set.
Writes DIR/plan.toml, DIR/points/<id>/ (one result folder per point),
DIR/logs/<id>.log, DIR/summary.csv, DIR/summary.json and
DIR/metric-vs-<axis>.svg (the metric against each swept axis, every point
and the mean over the rest, seeds included).";

/// Options a plan may not set (the sweep chooses them per point).
const RESERVED: [&str; 4] = ["out", "force", "vcd", "vcd-cycles"];

/// One option value of a point.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Str(String),
    Num(String),
    Flag(bool),
}

impl Value {
    fn from_toml(file: &str, field: &str, v: &toml::Value) -> anyhow::Result<Self> {
        Ok(match v {
            toml::Value::String(s) => Value::Str(s.clone()),
            toml::Value::Integer(i) => Value::Num(i.to_string()),
            toml::Value::Float(f) if f.is_finite() => Value::Num(f.to_string()),
            toml::Value::Boolean(b) => Value::Flag(*b),
            other => bail!(
                "{file}: field `{field}`: a string, a finite number or a boolean, not {}",
                other.type_str()
            ),
        })
    }

    fn text(&self) -> String {
        match self {
            Value::Str(s) | Value::Num(s) => s.clone(),
            Value::Flag(b) => b.to_string(),
        }
    }

    /// For the summary plot: a number, if it is one.
    fn number(&self) -> Option<f64> {
        match self {
            Value::Num(s) => s.parse().ok(),
            _ => None,
        }
    }
}

/// A parsed, checked plan.
#[derive(Debug)]
struct Plan {
    experiment: String,
    metric: Option<String>,
    /// The swept option names, in plan order.
    axes: Vec<String>,
    points: Vec<Point>,
}

#[derive(Debug, Clone)]
struct Point {
    id: String,
    /// Every option of the point (fixed ones included), in a stable order.
    options: Vec<(String, Value)>,
    /// Its value on each axis (None for a list point that leaves it out).
    on_axes: Vec<Option<Value>>,
}

fn option_name(file: &str, field: &str) -> anyhow::Result<String> {
    let key = field.rsplit('.').next().unwrap_or(field);
    let name = key.replace('_', "-");
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        bail!("{file}: field `{field}`: not an option name (lower-case letters, digits and -)");
    }
    if RESERVED.contains(&name.as_str()) {
        bail!(
            "{file}: field `{field}`: set by the sweep per point; a plan may not set {}",
            RESERVED.join(", ")
        );
    }
    Ok(name)
}

fn table<'a>(
    file: &str,
    field: &str,
    v: &'a toml::Value,
) -> anyhow::Result<&'a toml::map::Map<String, toml::Value>> {
    v.as_table()
        .ok_or_else(|| anyhow!("{file}: field `{field}`: a table, not {}", v.type_str()))
}

/// A short, file-name-safe text of a value for the point id.
fn slug(s: &str) -> String {
    let t: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(24)
        .collect();
    t
}

const MAX_POINTS: usize = 100_000;

fn parse_plan(text: &str, file: &str) -> anyhow::Result<Plan> {
    let doc: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let (line, col) = e
            .span()
            .map(|s| {
                let before = &text[..s.start.min(text.len())];
                (
                    before.matches('\n').count() + 1,
                    before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1,
                )
            })
            .unwrap_or((1, 1));
        anyhow!(
            "{file}: line {line}, column {col}: not a valid TOML file: {}",
            e.message()
        )
    })?;
    for k in doc.keys() {
        if !["experiment", "metric", "options", "grid", "points"].contains(&k.as_str()) {
            bail!(
                "{file}: field `{k}`: unknown (fields: experiment, metric, options, grid, points)"
            );
        }
    }
    let experiment = match doc.get("experiment") {
        Some(toml::Value::String(s)) if !s.is_empty() => s.clone(),
        Some(v) => bail!("{file}: field `experiment`: a name, not {}", v.type_str()),
        None => {
            bail!("{file}: field `experiment`: missing (the `neuroxbar run` experiment to sweep)")
        }
    };
    let metric = match doc.get("metric") {
        Some(toml::Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(v) => bail!(
            "{file}: field `metric`: a dotted path (text), not {}",
            v.type_str()
        ),
        None => None,
    };
    let mut fixed = Vec::new();
    if let Some(v) = doc.get("options") {
        for (k, v) in table(file, "options", v)? {
            let field = format!("options.{k}");
            fixed.push((
                option_name(file, &field)?,
                Value::from_toml(file, &field, v)?,
            ));
        }
    }
    let mut axes: Vec<(String, Vec<Value>)> = Vec::new();
    if let Some(v) = doc.get("grid") {
        for (k, v) in table(file, "grid", v)? {
            let field = format!("grid.{k}");
            let name = option_name(file, &field)?;
            if fixed.iter().any(|(n, _)| *n == name) {
                bail!("{file}: field `{field}`: also set in [options]; set it in one place");
            }
            let list = v.as_array().ok_or_else(|| {
                anyhow!(
                    "{file}: field `{field}`: a list of values, not {}",
                    v.type_str()
                )
            })?;
            if list.is_empty() {
                bail!("{file}: field `{field}`: an empty list gives no point");
            }
            let vals = list
                .iter()
                .enumerate()
                .map(|(i, x)| Value::from_toml(file, &format!("{field}[{i}]"), x))
                .collect::<anyhow::Result<Vec<_>>>()?;
            axes.push((name, vals));
        }
    }
    let mut listed: Vec<Vec<(String, Value)>> = Vec::new();
    if let Some(v) = doc.get("points") {
        let arr = v
            .as_array()
            .ok_or_else(|| anyhow!("{file}: field `points`: a list of tables ([[points]])"))?;
        for (i, p) in arr.iter().enumerate() {
            let field = format!("points[{i}]");
            let mut opts = Vec::new();
            for (k, v) in table(file, &field, p)? {
                let f = format!("{field}.{k}");
                let name = option_name(file, &f)?;
                if fixed.iter().any(|(n, _)| *n == name) {
                    bail!("{file}: field `{f}`: also set in [options]; set it in one place");
                }
                opts.push((name, Value::from_toml(file, &f, v)?));
            }
            listed.push(opts);
        }
    }
    // the grid's product, then the listed points
    let grid_count = axes
        .iter()
        .try_fold(1usize, |n, (_, v)| n.checked_mul(v.len()))
        .filter(|&n| n <= MAX_POINTS)
        .ok_or_else(|| anyhow!("{file}: field `grid`: more than {MAX_POINTS} points"))?;
    let mut axis_names: Vec<String> = axes.iter().map(|(n, _)| n.clone()).collect();
    for opts in &listed {
        for (n, _) in opts {
            if !axis_names.contains(n) {
                axis_names.push(n.clone());
            }
        }
    }
    let mut combos: Vec<Vec<(String, Value)>> = Vec::new();
    if !axes.is_empty() {
        for mut k in 0..grid_count {
            let mut c = Vec::new();
            for (name, vals) in axes.iter().rev() {
                c.push((name.clone(), vals[k % vals.len()].clone()));
                k /= vals.len();
            }
            c.reverse();
            combos.push(c);
        }
    }
    combos.extend(listed);
    if combos.is_empty() {
        combos.push(Vec::new()); // no grid, no points: the fixed options once
    }
    if combos.len() > MAX_POINTS {
        bail!("{file}: more than {MAX_POINTS} points");
    }
    let width = combos.len().to_string().len().max(3);
    let points = combos
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let mut id = format!("p{:0width$}", i + 1);
            for (n, v) in &c {
                id.push_str(&format!("-{}={}", slug(n), slug(&v.text())));
            }
            let on_axes = axis_names
                .iter()
                .map(|a| c.iter().find(|(n, _)| n == a).map(|(_, v)| v.clone()))
                .collect();
            let mut options = fixed.clone();
            options.extend(c);
            Point {
                id,
                options,
                on_axes,
            }
        })
        .collect();
    Ok(Plan {
        experiment,
        metric,
        axes: axis_names,
        points,
    })
}

/// The `neuroxbar run` arguments of a point (without --out).
fn run_args(plan: &Plan, p: &Point) -> Vec<String> {
    let mut a = vec!["run".to_string(), plan.experiment.clone()];
    for (n, v) in &p.options {
        match v {
            Value::Flag(true) => a.push(format!("--{n}")),
            Value::Flag(false) => {}
            Value::Str(s) | Value::Num(s) => {
                a.push(format!("--{n}"));
                a.push(s.clone());
            }
        }
    }
    a
}

/// Check a point's arguments as `neuroxbar run` parses them (unknown options,
/// values of the wrong kind), before anything runs.
fn check_args(plan_file: &str, p: &Point, args: &[String]) -> anyhow::Result<()> {
    #[derive(clap::Parser)]
    #[command(name = "neuroxbar")]
    struct RunOnly {
        #[command(subcommand)]
        cmd: Sub,
    }
    #[derive(clap::Subcommand)]
    enum Sub {
        Run(super::run::Args),
    }
    use clap::Parser;
    RunOnly::try_parse_from(std::iter::once("neuroxbar".to_string()).chain(args.iter().cloned()))
        .map(|_| ())
        .map_err(|e| {
            let msg = e.to_string();
            let first = msg
                .lines()
                .next()
                .unwrap_or("")
                .trim_start_matches("error: ");
            anyhow!("{plan_file}: point {}: {first}", p.id)
        })
}

fn parse_shard(s: &str) -> anyhow::Result<(usize, usize)> {
    let bad = || anyhow!("--shard {s}: expected I/N with 0 <= I < N <= 10000 (e.g. 0/4)");
    let (i, n) = s.split_once('/').ok_or_else(bad)?;
    let (i, n): (usize, usize) = (i.parse().map_err(|_| bad())?, n.parse().map_err(|_| bad())?);
    if n == 0 || n > 10_000 || i >= n {
        return Err(bad());
    }
    Ok((i, n))
}

/// The sweep folder: `--out`, or a fresh `out/sweep-<n>` (created atomically).
fn sweep_dir(out: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(d) = out {
        if d.as_os_str().is_empty() {
            bail!("--out: empty path");
        }
        if let Some(f) = d
            .ancestors()
            .filter(|a| !a.as_os_str().is_empty())
            .find(|a| std::fs::metadata(a).is_ok_and(|m| !m.is_dir()))
        {
            bail!(
                "--out {}: {} exists and is not a folder",
                d.display(),
                f.display()
            );
        }
        return Ok(d.to_path_buf());
    }
    let root = Path::new("out");
    std::fs::create_dir_all(root).with_context(|| format!("creating {}", root.display()))?;
    for n in 1u64.. {
        let d = root.join(format!("sweep-{n}"));
        match std::fs::create_dir(&d) {
            Ok(()) => return Ok(d),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(anyhow!("creating {}: {e}", d.display())),
        }
    }
    unreachable!()
}

/// Record the plan in the sweep folder, or check that the folder holds this
/// plan (a resumed sweep).
fn adopt_folder(dir: &Path, plan_text: &str) -> anyhow::Result<()> {
    let recorded = dir.join("plan.toml");
    match std::fs::read_to_string(&recorded) {
        Ok(t) if t == plan_text => Ok(()),
        Ok(_) => bail!(
            "{}: holds a different plan ({}); resume it with that plan, or choose another --out",
            dir.display(),
            recorded.display()
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if dir.exists()
                && std::fs::read_dir(dir)
                    .with_context(|| format!("reading {}", dir.display()))?
                    .next()
                    .is_some()
            {
                bail!(
                    "--out {}: a non-empty folder that is not a sweep (no plan.toml); choose another --out",
                    dir.display()
                );
            }
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            write_atomic(&recorded, plan_text.as_bytes())
                .with_context(|| format!("writing {}", recorded.display()))
        }
        Err(e) => Err(anyhow!("reading {}: {e}", recorded.display())),
    }
}

#[derive(Debug, Clone)]
enum Outcome {
    Done,
    Skipped,
    Failed(String),
}

/// The running point processes, and whether the sweep is stopping (then no
/// new point starts).
static CHILDREN: Mutex<(bool, Vec<u32>)> = Mutex::new((false, Vec::new()));

/// Whether the sweep is being stopped by a signal.
fn stopping() -> bool {
    CHILDREN.lock().map_or(true, |g| g.0)
}

/// Stop the sweep: start no further point, send SIGTERM to the running ones
/// (each removes its unfinished result folder) and wait up to 10 s for them
/// to end. For the interrupt handler.
pub fn terminate_points() {
    let pids = match CHILDREN.lock() {
        Ok(mut g) => {
            g.0 = true;
            g.1.clone()
        }
        Err(_) => return,
    };
    for &pid in &pids {
        // SAFETY: kill(2) with a process id this sweep started; no memory is shared
        unsafe {
            libc::kill(pid as libc::pid_t, libc::SIGTERM);
        }
    }
    let t0 = std::time::Instant::now();
    while t0.elapsed() < std::time::Duration::from_secs(10) {
        let running = CHILDREN.lock().map(|g| g.1.len()).unwrap_or(0);
        if running == 0 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Run one point as a child process; its result folder is complete or absent.
fn run_point(exe: &Path, dir: &Path, args: &[String], id: &str) -> Outcome {
    let folder = dir.join("points").join(id);
    if folder.join("report.json").exists() {
        return Outcome::Skipped;
    }
    let logs = dir.join("logs");
    if let Err(e) = std::fs::create_dir_all(&logs) {
        return Outcome::Failed(format!("creating {}: {e}", logs.display()));
    }
    let log_path = logs.join(format!("{id}.log"));
    let log = match std::fs::File::create(&log_path) {
        Ok(f) => f,
        Err(e) => return Outcome::Failed(format!("creating {}: {e}", log_path.display())),
    };
    let log2 = match log.try_clone() {
        Ok(f) => f,
        Err(e) => return Outcome::Failed(format!("{}: {e}", log_path.display())),
    };
    let mut cmd = Command::new(exe);
    cmd.args(args)
        .arg("--out")
        .arg(&folder)
        // a stale folder of an interrupted point holds no report: replaced
        .args(folder.exists().then_some("--force"))
        .stdout(log)
        .stderr(log2);
    let child = {
        let mut g = CHILDREN.lock().unwrap_or_else(|p| p.into_inner());
        if g.0 {
            return Outcome::Failed("the sweep was interrupted before this point started".into());
        }
        cmd.spawn().inspect(|c| g.1.push(c.id()))
    };
    let status = child.and_then(|mut c| {
        let s = c.wait();
        if let Ok(mut g) = CHILDREN.lock() {
            g.1.retain(|&p| p != c.id());
        }
        s
    });
    match status {
        Ok(s) if s.success() => Outcome::Done,
        Ok(s) => {
            let text = std::fs::read_to_string(&log_path).unwrap_or_default();
            let err = text
                .lines()
                .rev()
                .find(|l| l.starts_with("error:"))
                .map(|l| l.trim_start_matches("error:").trim().to_string())
                .unwrap_or_else(|| format!("{s}; see {}", log_path.display()));
            Outcome::Failed(err)
        }
        Err(e) => Outcome::Failed(format!("cannot start {}: {e}", exe.display())),
    }
}

/// A number at dotted `path` in `v` (object keys and list indices).
fn lookup(v: &serde_json::Value, path: &str) -> Result<f64, String> {
    let mut cur = v;
    for part in path.split('.') {
        cur = match cur {
            serde_json::Value::Object(m) => m
                .get(part)
                .ok_or_else(|| format!("report.json has no `{part}` on the way to `{path}`"))?,
            serde_json::Value::Array(a) => part
                .parse::<usize>()
                .ok()
                .and_then(|i| a.get(i))
                .ok_or_else(|| {
                    format!(
                        "`{part}` is not an index of a list of {} in `{path}`",
                        a.len()
                    )
                })?,
            _ => return Err(format!("`{path}`: `{part}` is below a single value")),
        };
    }
    cur.as_f64()
        .ok_or_else(|| format!("`{path}` is not a number in report.json"))
}

struct Row {
    point: Point,
    status: &'static str,
    error: Option<String>,
    metric: Result<f64, String>,
    wall_time_s: Option<f64>,
}

fn collect(plan: &Plan, dir: &Path, failed: &BTreeMap<String, String>) -> Vec<Row> {
    plan.points
        .iter()
        .map(|p| {
            let report = dir.join("points").join(&p.id).join("report.json");
            let parsed = std::fs::read_to_string(&report)
                .ok()
                .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok());
            match parsed {
                Some(v) => Row {
                    point: p.clone(),
                    status: "done",
                    error: None,
                    metric: match &plan.metric {
                        Some(m) => lookup(&v, m),
                        None => Err("no metric in the plan".into()),
                    },
                    wall_time_s: v.get("wall_time_s").and_then(|x| x.as_f64()),
                },
                None => {
                    let error = failed.get(&p.id).cloned();
                    Row {
                        point: p.clone(),
                        status: if error.is_some() { "failed" } else { "not run" },
                        metric: Err(error.clone().unwrap_or_else(|| "not run".into())),
                        error,
                        wall_time_s: None,
                    }
                }
            }
        })
        .collect()
}

/// Errors recorded by earlier runs and shards (`logs/<id>.error`).
fn recorded_errors(dir: &Path, plan: &Plan) -> BTreeMap<String, String> {
    plan.points
        .iter()
        .filter_map(|p| {
            std::fs::read_to_string(dir.join("logs").join(format!("{}.error", p.id)))
                .ok()
                .map(|e| (p.id.clone(), e.trim().to_string()))
        })
        .collect()
}

fn write_summary(plan: &Plan, dir: &Path, rows: &[Row]) -> anyhow::Result<()> {
    use neuroxbar_testbenches::report::csv_string;
    let metric_name = plan.metric.clone().unwrap_or_else(|| "metric".into());
    let mut header: Vec<&str> = vec!["point", "status"];
    header.extend(plan.axes.iter().map(String::as_str));
    header.extend([metric_name.as_str(), "wall_time_s", "error"]);
    let csv_rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let mut v = vec![r.point.id.clone(), r.status.to_string()];
            v.extend(
                r.point
                    .on_axes
                    .iter()
                    .map(|a| a.as_ref().map(Value::text).unwrap_or_default()),
            );
            v.push(r.metric.as_ref().map(|m| m.to_string()).unwrap_or_default());
            v.push(r.wall_time_s.map(|t| t.to_string()).unwrap_or_default());
            v.push(r.error.clone().unwrap_or_default());
            v
        })
        .collect();
    write_atomic(
        &dir.join("summary.csv"),
        csv_string(&header, &csv_rows).as_bytes(),
    )
    .with_context(|| format!("writing {}", dir.join("summary.csv").display()))?;
    let json_points: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            let axes: serde_json::Map<String, serde_json::Value> = plan
                .axes
                .iter()
                .zip(&r.point.on_axes)
                .filter_map(|(n, v)| {
                    v.as_ref().map(|v| {
                        (
                            n.clone(),
                            match v {
                                Value::Str(s) => s.clone().into(),
                                Value::Num(s) => s
                                    .parse::<i64>()
                                    .map(serde_json::Value::from)
                                    .or_else(|_| s.parse::<f64>().map(serde_json::Value::from))
                                    .unwrap_or_else(|_| s.clone().into()),
                                Value::Flag(b) => (*b).into(),
                            },
                        )
                    })
                })
                .collect();
            serde_json::json!({
                "point": r.point.id,
                "status": r.status,
                "options": axes,
                "metric": r.metric.as_ref().ok(),
                "metric_missing": r.metric.as_ref().err(),
                "wall_time_s": r.wall_time_s,
                "error": r.error,
                "result": format!("points/{}", r.point.id),
            })
        })
        .collect();
    let done = rows.iter().filter(|r| r.status == "done").count();
    let failed = rows.iter().filter(|r| r.status == "failed").count();
    let summary = serde_json::json!({
        "experiment": plan.experiment,
        "metric": plan.metric,
        "axes": plan.axes,
        "points_total": rows.len(),
        "points_done": done,
        "points_failed": failed,
        "points_not_run": rows.len() - done - failed,
        "points": json_points,
    });
    write_atomic(
        &dir.join("summary.json"),
        serde_json::to_string_pretty(&summary)?.as_bytes(),
    )
    .with_context(|| format!("writing {}", dir.join("summary.json").display()))?;
    // the metric against each swept axis
    for (k, axis) in plan.axes.iter().enumerate() {
        let mut cats: Vec<String> = Vec::new();
        let mut pts: Vec<(f64, f64)> = Vec::new();
        let numeric = rows.iter().all(|r| {
            r.point.on_axes[k]
                .as_ref()
                .is_none_or(|v| v.number().is_some())
        });
        for r in rows {
            let (Some(v), Ok(m)) = (&r.point.on_axes[k], &r.metric) else {
                continue;
            };
            let x = if numeric {
                v.number().unwrap_or(0.0)
            } else {
                let t = v.text();
                match cats.iter().position(|c| *c == t) {
                    Some(i) => i as f64,
                    None => {
                        cats.push(t);
                        (cats.len() - 1) as f64
                    }
                }
            };
            pts.push((x, *m));
        }
        if pts.is_empty() {
            continue;
        }
        let mut xs: Vec<f64> = pts.iter().map(|p| p.0).collect();
        xs.sort_by(f64::total_cmp);
        xs.dedup();
        let stats: Vec<(f64, f64, f64)> = xs
            .iter()
            .map(|&x| {
                let ys: Vec<f64> = pts.iter().filter(|p| p.0 == x).map(|p| p.1).collect();
                let mean = ys.iter().sum::<f64>() / ys.len() as f64;
                let sd = (ys.iter().map(|y| (y - mean).powi(2)).sum::<f64>()
                    / (ys.len().max(2) - 1) as f64)
                    .sqrt();
                (x, mean, sd)
            })
            .collect();
        let x_label = if numeric {
            axis.clone()
        } else {
            format!(
                "{axis} ({})",
                cats.iter()
                    .enumerate()
                    .map(|(i, c)| format!("{i} = {c}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let svg = line_plot_svg(&LinePlot {
            title: format!("{}: {metric_name} vs {axis}", plan.experiment),
            x_label,
            y_label: metric_name.clone(),
            log_x: false,
            log_y: false,
            series: vec![
                PlotSeries {
                    name: "every point".into(),
                    points: pts.clone(),
                    line: false,
                },
                PlotSeries {
                    name: "mean over the other axes and seeds".into(),
                    points: stats.iter().map(|s| (s.0, s.1)).collect(),
                    line: true,
                },
                PlotSeries {
                    name: "mean - sd".into(),
                    points: stats.iter().map(|s| (s.0, s.1 - s.2)).collect(),
                    line: true,
                },
                PlotSeries {
                    name: "mean + sd".into(),
                    points: stats.iter().map(|s| (s.0, s.1 + s.2)).collect(),
                    line: true,
                },
            ],
        })
        .map_err(|e| anyhow!("plotting {metric_name} vs {axis}: {e}"))?;
        let path = dir.join(format!("metric-vs-{}.svg", slug(axis)));
        write_atomic(&path, svg.as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

fn submit_slurm(
    args: &Args,
    plan: &Plan,
    dir: &Path,
    exe: &Path,
    plan_path: &Path,
) -> anyhow::Result<()> {
    let tasks = args.slurm_tasks.unwrap_or(plan.points.len().min(64));
    if !(1..=1000).contains(&tasks) {
        bail!("--slurm-tasks {tasks}: allowed range 1..=1000");
    }
    let cpus = args.slurm_cpus.unwrap_or(1);
    if !(1..=256).contains(&cpus) {
        bail!("--slurm-cpus {cpus}: allowed range 1..=256");
    }
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (exe, dir_abs, plan_abs) = (abs(exe), abs(dir), abs(plan_path));
    let q = |p: &Path| format!("'{}'", p.display().to_string().replace('\'', "'\\''"));
    let script = format!(
        "#!/bin/sh\n\
         # neuroxbar sweep of {exp}: {n} points in {tasks} array tasks\n\
         #SBATCH --job-name=neuroxbar-sweep\n\
         #SBATCH --array=0-{last}\n\
         #SBATCH --cpus-per-task={cpus}\n\
         #SBATCH --output={out}/logs/slurm-%A_%a.out\n\
         exec {exe} sweep {plan} --out {dir} --shard \"$SLURM_ARRAY_TASK_ID/{tasks}\" --jobs {cpus}\n",
        exp = plan.experiment,
        n = plan.points.len(),
        last = tasks - 1,
        out = dir_abs.display(),
        exe = q(&exe),
        plan = q(&plan_abs),
        dir = q(&dir_abs),
    );
    let merge = format!(
        "#!/bin/sh\n\
         #SBATCH --job-name=neuroxbar-sweep-merge\n\
         #SBATCH --output={out}/logs/slurm-merge-%j.out\n\
         exec {exe} sweep {plan} --out {dir} --merge\n",
        out = dir_abs.display(),
        exe = q(&exe),
        plan = q(&plan_abs),
        dir = q(&dir_abs),
    );
    std::fs::create_dir_all(dir.join("logs"))?;
    let (s1, s2) = (dir.join("sweep.sbatch"), dir.join("merge.sbatch"));
    write_atomic(&s1, script.as_bytes()).with_context(|| format!("writing {}", s1.display()))?;
    write_atomic(&s2, merge.as_bytes()).with_context(|| format!("writing {}", s2.display()))?;
    let sbatch = |extra: &[String], file: &Path| -> anyhow::Result<String> {
        let o = Command::new("sbatch")
            .arg("--parsable")
            .args(extra)
            .arg(file)
            .output()
            .map_err(|e| anyhow!("cannot run sbatch (is Slurm installed and on PATH?): {e}"))?;
        if !o.status.success() {
            bail!(
                "sbatch {} failed: {}",
                file.display(),
                String::from_utf8_lossy(&o.stderr).trim()
            );
        }
        Ok(String::from_utf8_lossy(&o.stdout)
            .trim()
            .split(';')
            .next()
            .unwrap_or("")
            .to_string())
    };
    let array = sbatch(&[], &s1)?;
    let merge_id = sbatch(&[format!("--dependency=afterany:{array}")], &s2)?;
    outln!("submitted job array {array} ({tasks} tasks) and merge job {merge_id}");
    outln!("summary when done: {}", dir.join("summary.csv").display());
    Ok(())
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let file = args.plan.display().to_string();
    let text = std::fs::read_to_string(&args.plan)
        .map_err(|e| anyhow!("{file}: cannot read the plan: {e}"))?;
    let plan = parse_plan(&text, &file)?;
    for p in &plan.points {
        check_args(&file, p, &run_args(&plan, p))?;
    }
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    if !(1..=256).contains(&jobs) {
        bail!("--jobs {jobs}: allowed range 1..=256");
    }
    let shard = args.shard.as_deref().map(parse_shard).transpose()?;
    if args.merge && (shard.is_some() || args.slurm) {
        bail!("--merge runs nothing: it does not take --shard or --slurm");
    }
    if args.slurm && shard.is_some() {
        bail!("--slurm submits every shard itself: it does not take --shard");
    }
    if !args.slurm && (args.slurm_tasks.is_some() || args.slurm_cpus.is_some()) {
        bail!("--slurm-tasks and --slurm-cpus apply with --slurm only");
    }
    if args.merge {
        let dir = args.out.clone().expect("clap: --merge requires --out");
        if std::fs::read_to_string(dir.join("plan.toml"))
            .ok()
            .as_deref()
            != Some(text.as_str())
        {
            bail!(
                "{}: not a sweep of this plan (its plan.toml differs or is missing)",
                dir.display()
            );
        }
        let rows = collect(&plan, &dir, &recorded_errors(&dir, &plan));
        write_summary(&plan, &dir, &rows)?;
        report_counts(&rows, &dir)?;
        return Ok(());
    }
    let exe = std::env::current_exe().context("locating the neuroxbar executable")?;
    let dir = sweep_dir(args.out.as_deref())?;
    adopt_folder(&dir, &text)?;
    if args.slurm {
        return submit_slurm(&args, &plan, &dir, &exe, &args.plan);
    }
    let mine: Vec<&Point> = plan
        .points
        .iter()
        .enumerate()
        .filter(|(i, _)| shard.is_none_or(|(k, n)| i % n == k))
        .map(|(_, p)| p)
        .collect();
    eprintln!(
        "sweep of {}: {} points{}, {} at once, in {}",
        plan.experiment,
        mine.len(),
        shard.map_or(String::new(), |(k, n)| format!(
            " (shard {k}/{n} of {})",
            plan.points.len()
        )),
        jobs,
        dir.display()
    );
    let next = AtomicUsize::new(0);
    let outcomes: Mutex<Vec<(String, Outcome)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..jobs.min(mine.len().max(1)) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(p) = mine.get(i) else { break };
                let o = run_point(&exe, &dir, &run_args(&plan, p), &p.id);
                if stopping() {
                    break; // interrupted: the handler ends the process
                }
                let err_file = dir.join("logs").join(format!("{}.error", p.id));
                match &o {
                    Outcome::Failed(e) => {
                        let _ = write_atomic(&err_file, e.as_bytes());
                        eprintln!("{}: failed: {e}", p.id);
                    }
                    Outcome::Done => {
                        if err_file.exists() {
                            let _ = std::fs::remove_file(&err_file); // ours, now stale
                        }
                        eprintln!("{}: done", p.id);
                    }
                    Outcome::Skipped => {}
                }
                outcomes.lock().unwrap().push((p.id.clone(), o));
            });
        }
    });
    if stopping() {
        // interrupted: no summary of a half-run sweep; the interrupt
        // handler ends the process once its points have ended
        loop {
            std::thread::park();
        }
    }
    let outcomes = outcomes.into_inner().unwrap();
    let skipped = outcomes
        .iter()
        .filter(|(_, o)| matches!(o, Outcome::Skipped))
        .count();
    if skipped > 0 {
        eprintln!("{skipped} points already finished: skipped");
    }
    if shard.is_some() {
        let failed = outcomes
            .iter()
            .filter(|(_, o)| matches!(o, Outcome::Failed(_)))
            .count();
        outln!(
            "shard done: {} run, {skipped} skipped, {failed} failed; summary: neuroxbar sweep {} --out {} --merge",
            outcomes.len() - skipped - failed,
            file,
            dir.display()
        );
        return Ok(());
    }
    let rows = collect(&plan, &dir, &recorded_errors(&dir, &plan));
    write_summary(&plan, &dir, &rows)?;
    report_counts(&rows, &dir)
}

fn report_counts(rows: &[Row], dir: &Path) -> anyhow::Result<()> {
    let done = rows.iter().filter(|r| r.status == "done").count();
    let failed = rows.iter().filter(|r| r.status == "failed").count();
    outln!(
        "{done} of {} points done, {failed} failed; summary: {}",
        rows.len(),
        dir.join("summary.csv").display()
    );
    if done == 0 && !rows.is_empty() {
        bail!(
            "no point of the sweep finished (see {})",
            dir.join("summary.csv").display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_expands_by_axis_name_then_the_list() {
        let p = parse_plan(
            "experiment = \"letters-stdp\"\n[options]\nepochs = 2\n[grid]\nseed = [1, 2]\ndevice = [\"a\", \"b\", \"c\"]\n[[points]]\nseed = 9\n",
            "plan.toml",
        )
        .unwrap();
        assert_eq!(p.points.len(), 7);
        assert_eq!(p.axes, ["device", "seed"]);
        assert_eq!(p.points[0].id, "p001-device=a-seed=1");
        assert_eq!(p.points[5].id, "p006-device=c-seed=2");
        assert_eq!(p.points[6].id, "p007-seed=9");
        assert_eq!(
            run_args(&p, &p.points[4]),
            [
                "run",
                "letters-stdp",
                "--epochs",
                "2",
                "--device",
                "c",
                "--seed",
                "1"
            ]
        );
        assert_eq!(p.points[6].on_axes, [None, Some(Value::Num("9".into()))]);
    }

    #[test]
    fn plan_errors_name_the_file_and_field() {
        let e = |t: &str| parse_plan(t, "p.toml").unwrap_err().to_string();
        assert!(e("[grid]\nseed = [1]\n").contains("field `experiment`: missing"));
        assert!(e("experiment = \"x\"\n[grid]\nseed = 1\n").contains("`grid.seed`: a list"));
        assert!(e("experiment = \"x\"\n[grid]\nseed = []\n").contains("`grid.seed`: an empty list"));
        assert!(e("experiment = \"x\"\n[options]\nout = \"d\"\n").contains("`options.out`"));
        assert!(e("experiment = \"x\"\nfoo = 1\n").contains("field `foo`: unknown"));
        assert!(e("experiment = \"x\"\n[options]\nseed = [1]\n").contains("`options.seed`"));
        assert!(
            e("experiment = \"x\"\n[options]\nseed = 1\n[grid]\nseed = [2]\n")
                .contains("also set in [options]")
        );
        assert!(e("experiment = \n").starts_with("p.toml: line 1, column"));
        assert!(e("experiment = \"x\"\n[grid]\na = [1,2,3,4,5,6,7,8,9,10]\nb = [1,2,3,4,5,6,7,8,9,10]\nc = [1,2,3,4,5,6,7,8,9,10]\nd = [1,2,3,4,5,6,7,8,9,10]\ne = [1,2,3,4,5,6,7,8,9,10]\nf = [1,2]\n")
            .contains("more than 100000 points"));
    }

    #[test]
    fn metric_paths_reach_numbers_or_say_why_not() {
        let v: serde_json::Value =
            serde_json::from_str(r#"{"a": [{"r": 0.5}, {"r": 0.75}], "s": "x"}"#).unwrap();
        assert_eq!(lookup(&v, "a.1.r"), Ok(0.75));
        assert!(lookup(&v, "a.2.r").unwrap_err().contains("not an index"));
        assert!(lookup(&v, "b").unwrap_err().contains("no `b`"));
        assert!(lookup(&v, "s").unwrap_err().contains("not a number"));
    }

    #[test]
    fn shards_are_checked() {
        assert_eq!(parse_shard("1/4").unwrap(), (1, 4));
        for bad in ["4/4", "x", "1/0", "-1/2", "1/2/3"] {
            assert!(parse_shard(bad).is_err(), "{bad}");
        }
    }
}
