//! The analog side in the waveform: `neuroxbar run --vcd FILE --probe-cells`
//! adds the `analog` scope (line voltages, column currents, probed
//! conductances) to the RTL's VCD on the same time base, and its values
//! change exactly where the bus says they should.

mod common;

use common::scratch;
use neuroxbar_cosim::wave::{read_vcd, Signal, Waveform};
use std::process::Command;

fn sig<'a>(w: &'a Waveform, name: &str) -> &'a Signal {
    w.signal(name).unwrap_or_else(|| panic!("no signal {name}"))
}

/// Times at which a 1-bit signal rises (`true`) or falls (`false`).
fn edges(s: &Signal) -> Vec<(u64, bool)> {
    let mut out = Vec::new();
    let mut prev = None;
    for (t, v) in s.changes.iter() {
        let high = v.as_u64() == Some(1);
        if prev.is_some_and(|p| p != high) {
            out.push((*t, high));
        }
        prev = Some(high);
    }
    out
}

fn real_at(s: &Signal, t: u64) -> f64 {
    match s.value_at(t) {
        Some(neuroxbar_cosim::wave::Value::Real(r)) => *r,
        other => panic!("{}: no real value at {t}: {other:?}", s.name),
    }
}

fn change_times(s: &Signal) -> Vec<u64> {
    s.changes.iter().map(|(t, _)| *t).collect()
}

/// The analog scope of `w` (`n_rows` + `n_cols` line voltages, `n_cols`
/// column currents, `probed` conductances) against the bus: lines driven at
/// apply edges and back to 0 V at their falls, conductances stepping only at
/// apply edges (some of them), currents only at samples. The front end acts
/// at the end of a cycle, `half_period_ps` after the edge the VCD shows.
fn check_analog(w: &Waveform, n_rows: usize, n_cols: usize, probed: usize, half_period_ps: u64) {
    let analog: Vec<&Signal> = w
        .signals
        .iter()
        .filter(|s| s.name.starts_with("analog."))
        .collect();
    assert_eq!(
        analog.len(),
        n_rows + n_cols + n_cols + probed,
        "row and column lines, currents, {probed} cells"
    );
    let apply = edges(sig(w, "top.fe_apply"));
    assert!(apply.len() > 10, "{apply:?}");
    let rows: Vec<&Signal> = (0..n_rows)
        .map(|i| sig(w, &format!("analog.row_v{i}")))
        .collect();
    let mut pulses_with_drive = 0;
    for &(t_bus, on) in &apply {
        let t = t_bus + half_period_ps;
        let v: Vec<f64> = rows.iter().map(|s| real_at(s, t)).collect();
        if on {
            pulses_with_drive += usize::from(v.iter().any(|x| *x != 0.0));
        } else {
            assert!(
                v.iter().all(|x| *x == 0.0),
                "lines still driven after the fall at {t}: {v:?}"
            );
        }
    }
    assert!(pulses_with_drive > 5, "no driven line at the apply edges");
    // conductances change only at apply edges, and some pulse changes one
    let edge_times: Vec<u64> = apply.iter().map(|e| e.0 + half_period_ps).collect();
    let mut stepped = 0;
    for g in analog.iter().filter(|s| s.name.starts_with("analog.g_")) {
        let times = change_times(g);
        for t in &times[1..] {
            assert!(
                edge_times.contains(t),
                "{} changed at {t}, not at an apply edge",
                g.name
            );
        }
        stepped += times.len() - 1;
    }
    assert!(
        stepped > 0,
        "no programming pulse changed a probed conductance"
    );
    // column currents change only where the ADC sampled
    let samples: Vec<u64> = edges(sig(w, "top.fe_sample"))
        .into_iter()
        .filter(|e| e.1)
        .map(|e| e.0 + half_period_ps)
        .collect();
    assert!(!samples.is_empty());
    for j in 0..n_cols {
        let times = change_times(sig(w, &format!("analog.col_i{j}")));
        assert!(!times.is_empty(), "col_i{j} never sampled");
        for t in &times {
            assert!(
                samples.contains(t),
                "col_i{j} changed at {t}, not at the end of a sample strobe's cycle"
            );
        }
    }
}

#[test]
fn analog_traces_follow_the_bus() {
    let dir = scratch("analog");
    let o = Command::new(env!("CARGO_BIN_EXE_neuroxbar"))
        .current_dir(&dir)
        .args([
            "run",
            "--epochs",
            "1",
            "--seeds",
            "1",
            "--clock-mhz",
            "1",
            "--out",
            "res",
            "--vcd",
            "e1.vcd",
            "--vcd-cycles",
            "0..6000",
            "--probe-cells",
            "all",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let w = read_vcd(dir.join("e1.vcd")).unwrap();
    // the front end acts on a cycle's bus outputs at the end of that cycle:
    // the VCD shows them from the rising edge, half a clock period (0.5 us
    // at 1 MHz) earlier
    check_analog(&w, 25, 5, 125, 500_000);
    // errors: --probe-cells without --vcd, and a cell outside the array
    for (args, needle) in [
        (
            vec!["run", "--probe-cells", "0:0"],
            "--probe-cells needs --vcd",
        ),
        (
            vec!["run", "--vcd", "x.vcd", "--probe-cells", "25:0"],
            "row `25` outside 0..=24",
        ),
        (
            vec!["run", "temporal-stp", "--probe-cells", "0:0"],
            "--probe-cells does not apply to temporal-stp",
        ),
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_neuroxbar"))
            .current_dir(&dir)
            .args(&args)
            .output()
            .unwrap();
        let e = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success() && e.contains(needle), "{args:?}: {e}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// E5 (the crossbar controller's trace, 100 MHz): the same analog scope,
/// checked the same way, over the reset of the first cells to the HRS.
#[test]
fn letters_stm_ltm_traces_its_analog_side() {
    use neuroxbar_cosim::units::xbar_ctrl::{N_COLS, N_ROWS};
    let dir = scratch("analog-e5");
    let o = Command::new(env!("CARGO_BIN_EXE_neuroxbar"))
        .current_dir(&dir)
        .args([
            "run",
            "letters-stm-ltm",
            "--out",
            "res",
            "--vcd",
            "e5.vcd",
            "--vcd-cycles",
            "0..3000",
            "--probe-cells",
            "0:0,0:1,1:0",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let w = read_vcd(dir.join("e5.vcd")).unwrap();
    check_analog(&w, N_ROWS, N_COLS, 3, 5_000);
    std::fs::remove_dir_all(&dir).ok();
}
