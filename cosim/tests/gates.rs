//! Gates on the generated Verilog of every co-simulated top
//! (`neuroxbar_rtl::verilog::cosim_tops()`, so tops added there are gated
//! too):
//! - lint: `verilator --lint-only -Wall -Wno-WIDTH` reports nothing;
//! - Yosys: after `proc` (where Yosys infers latches from combinational
//!   processes) the flattened design passes `check -assert` and holds no
//!   latch (RTL cells and flip-flop bits per top go to
//!   `target/tmp/gates/synth.md`; technology-mapped resources are
//!   `neuroxbar synth`'s, which counts latches again);
//! - a second simulator: the generated Verilog under Icarus Verilog gives the
//!   same outputs as the Verilator model, cycle for cycle, on the same stimulus.
//!
//! Work files of a failing top stay under `target/tmp/gates/`.

use neuroxbar_cosim::icarus::{self, PortStimulus, PortTrace, SETUP_HINT};
use neuroxbar_cosim::units::lif_wta_top::{random_stimulus, InputPorts};
use neuroxbar_cosim::verilated;
use neuroxbar_cosim::VerilatedTop;
use neuroxbar_flow::tools::output_text;
use neuroxbar_rtl::verilog::{cosim_tops, GeneratedTop};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// Cycles replayed on both simulators, per top.
const REPLAY_CYCLES: usize = 5_000;

fn tops() -> Vec<GeneratedTop> {
    cosim_tops().unwrap_or_else(|e| panic!("{e}"))
}

fn gates_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("gates")
}

/// A fresh work directory for `gate` on `top` (per process: several test
/// runs may share the target directory).
fn work_dir(gate: &str, top: &str) -> PathBuf {
    let d = gates_dir()
        .join(format!("{gate}-{}", std::process::id()))
        .join(top);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display()));
    d
}

/// Panic with the setup hint if `tool` cannot be run.
fn need(tool: &str, version_flag: &str) {
    let ok = Command::new(tool)
        .arg(version_flag)
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        ok,
        "`{tool}` is not installed or does not run; {SETUP_HINT}"
    );
}

/// Run `gate` on every top, two at a time, and fail listing every top it
/// failed on. Returns the per-top results in `tops()` order.
fn for_each_top<T: Send>(
    gate: &str,
    f: impl Fn(&GeneratedTop, &Path) -> Result<T, String> + Sync,
) -> Vec<(String, T)> {
    let tops = tops();
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<T, String>>>> =
        Mutex::new((0..tops.len()).map(|_| None).collect());
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(tops.len());
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(top) = tops.get(i) else { break };
                let dir = work_dir(gate, &top.name);
                let r = f(top, &dir);
                if r.is_ok() {
                    let _ = std::fs::remove_dir_all(&dir);
                }
                results.lock().unwrap()[i] = Some(r);
            });
        }
    });
    // the per-process directory is empty unless some top failed
    let _ = std::fs::remove_dir(gates_dir().join(format!("{gate}-{}", std::process::id())));
    let mut ok = Vec::new();
    let mut failed = Vec::new();
    for (top, r) in tops.iter().zip(results.into_inner().unwrap()) {
        match r.expect("every top ran") {
            Ok(v) => ok.push((top.name.clone(), v)),
            Err(e) => failed.push(format!("--- {gate} failed on `{}`:\n{e}", top.name)),
        }
    }
    assert!(failed.is_empty(), "\n{}", failed.join("\n"));
    ok
}

#[test]
fn verilator_lint_reports_nothing() {
    need("verilator", "--version");
    for_each_top("lint", |top, dir| {
        neuroxbar_flow::lint::lint(top, dir).map_err(|e| e.to_string())
    });
}

/// Cell counts of a top after `proc`.
struct Synth {
    cells: u64,
    flip_flop_bits: u64,
    latch_bits: u64,
    seconds: f64,
}

/// Totals of Yosys' `stat -width` text: the last `Number of cells:` block is
/// the whole design, followed by one `type count` line per cell type, a
/// word-level type carrying its width (`$dff_16  3` is 48 flip-flop bits).
/// Returns (cells, flip-flop bits, latch bits).
/// (Yosys 0.23's `stat -json` interleaves the hierarchy as text, so the JSON
/// does not parse.)
fn parse_stat(text: &str) -> Result<(u64, u64, u64), String> {
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .rposition(|l| l.trim_start().starts_with("Number of cells:"))
        .ok_or("`stat` printed no `Number of cells:`")?;
    let number = |s: &str| {
        s.trim()
            .parse::<u64>()
            .map_err(|_| format!("`stat`: bad count in `{s}`"))
    };
    let cells = number(lines[at].split(':').nth(1).unwrap_or(""))?;
    let (mut flip_flops, mut latches) = (0, 0);
    for l in lines[at + 1..].iter().take_while(|l| !l.trim().is_empty()) {
        let mut f = l.split_whitespace();
        let (Some(ty), Some(n), None) = (f.next(), f.next(), f.next()) else {
            break;
        };
        let n = number(n)?;
        // `$dff_16` is 16 bits wide; a gate-level `$_DFF_P_` is one bit
        let width = match ty.rsplit_once('_') {
            Some((_, w)) if !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit()) => number(w)?,
            _ => 1,
        };
        let ty = ty.to_ascii_uppercase();
        if ty.contains("DFF") {
            flip_flops += n * width;
        } else if ty.contains("DLATCH") {
            latches += n * width;
        }
    }
    Ok((cells, flip_flops, latches))
}

/// The latch gate on one design (top module `top`, Verilog in `verilog`),
/// work files in `dir`: Yosys 0.23 elaborates it, runs `proc` (which turns a
/// combinational process that does not assign a signal on every path into a
/// `$dlatch`), flattens it, and fails on `check -assert` or on any latch.
/// Later passes of `synth` map latches but never create one, so this is the
/// point to look; it takes seconds where a full `synth` of an accelerator
/// takes minutes.
fn latch_gate(verilog: &str, dir: &Path) -> Result<Synth, String> {
    let (src, stat) = (dir.join("top.v"), dir.join("stat.txt"));
    std::fs::write(&src, verilog).map_err(|e| format!("{}: {e}", src.display()))?;
    let script = format!(
        "read_verilog {}; hierarchy -check -top top; proc; flatten; opt_clean; \
         check -assert; tee -q -o {} stat -width; \
         select -assert-none t:*dlatch* t:*DLATCH*",
        src.display(),
        stat.display()
    );
    let t0 = Instant::now();
    let o = Command::new("yosys")
        .args(["-q", "-p", &script])
        .output()
        .map_err(|e| format!("cannot run yosys: {e}"))?;
    let seconds = t0.elapsed().as_secs_f64();
    // the statistics come before the latch assertion, so a failing run
    // still says how many latch bits there are
    let counts = std::fs::read_to_string(&stat)
        .map_err(|e| format!("{}: {e}", stat.display()))
        .and_then(|t| parse_stat(&t));
    if let Ok((_, _, latch_bits)) = counts {
        if latch_bits > 0 {
            return Err(format!(
                "{latch_bits} latch bits after `proc` ({})",
                src.display()
            ));
        }
    }
    if !o.status.success() {
        let text = output_text(&o);
        let tail: Vec<&str> = text.lines().rev().take(40).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(format!(
            "yosys {} ({}):\n{}",
            o.status,
            src.display(),
            tail.join("\n")
        ));
    }
    let (cells, flip_flop_bits, latch_bits) = counts?;
    Ok(Synth {
        cells,
        flip_flop_bits,
        latch_bits,
        seconds,
    })
}

#[test]
fn yosys_infers_no_latch() {
    need("yosys", "-V");
    let results = for_each_top("yosys", |top, dir| latch_gate(&top.verilog, dir));
    let mut md = String::from(
        "Yosys 0.23 after `proc; flatten` (word-level RTL cells), from \
         `cargo test -p neuroxbar-cosim --test gates yosys_infers_no_latch`\n\n\
         | top | RTL cells | flip-flop bits | latch bits | yosys s |\n|---|---:|---:|---:|---:|\n",
    );
    for (name, s) in &results {
        md.push_str(&format!(
            "| {name} | {} | {} | {} | {:.1} |\n",
            s.cells, s.flip_flop_bits, s.latch_bits, s.seconds
        ));
    }
    println!("{md}");
    let path = gates_dir().join("synth.md");
    let tmp = gates_dir().join(format!(".synth.md.{}", std::process::id()));
    std::fs::create_dir_all(gates_dir()).unwrap();
    std::fs::write(&tmp, &md).unwrap();
    std::fs::rename(&tmp, &path).unwrap();
}

/// The gate's own check: a combinational process that leaves `q` unassigned
/// when `en` is low is a latch, and the gate names it; assigning `q` on every
/// path passes, with the flip-flop bits counted by width.
#[test]
fn the_latch_gate_fails_on_a_latch() {
    need("yosys", "-V");
    let dir = work_dir("yosys-self", "latch");
    let design = |body: &str| {
        format!(
            "module top(input clk, input en, input [3:0] d, output reg [3:0] q, output reg [5:0] r);\n\
             always @(*) begin {body} end\n\
             always @(posedge clk) r <= {{2'b0, q}};\n\
             endmodule\n"
        )
    };
    let e = latch_gate(&design("if (en) q = d;"), &dir)
        .err()
        .expect("an incomplete combinational assignment is a latch");
    assert!(e.contains("4 latch bits"), "{e}");
    let ok =
        latch_gate(&design("q = 4'd0; if (en) q = d;"), &dir).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((ok.latch_bits, ok.flip_flop_bits), (0, 6));
    let _ = std::fs::remove_dir_all(gates_dir().join(format!("yosys-self-{}", std::process::id())));
}

/// Replay `stim` on Icarus and on the Verilator model `M` of `top`; describe
/// the first differing cycle.
fn compare<M: VerilatedTop>(
    top: &GeneratedTop,
    stim: PortStimulus,
    dir: &Path,
) -> Result<(), String> {
    replay::<M>(top, stim, dir).map(|_| ())
}

/// [`compare`], and the Verilator trace for further checks.
fn replay<M: VerilatedTop>(
    top: &GeneratedTop,
    stim: PortStimulus,
    dir: &Path,
) -> Result<PortTrace, String> {
    let names: Vec<&str> = M::ports().iter().map(|p| p.name).collect();
    let expected: Vec<&str> = top.ports.iter().map(|p| p.name.as_str()).collect();
    if names != expected {
        return Err(format!(
            "Verilator model ports {names:?} are not the top's {expected:?}"
        ));
    }
    let icarus: PortTrace = icarus::run_icarus(top, &stim, dir).map_err(|e| e.to_string())?;
    let verilator = icarus::run_verilator::<M>(&stim).map_err(|e| e.to_string())?;
    if icarus.cycles.len() != stim.cycles.len() {
        return Err(format!(
            "Icarus wrote {} cycles of {}",
            icarus.cycles.len(),
            stim.cycles.len()
        ));
    }
    if icarus.cycles.iter().all(|row| *row == icarus.cycles[0]) {
        return Err("no output ever changes: the stimulus exercises nothing".into());
    }
    match icarus.first_difference(&verilator, &top.ports) {
        None => Ok(verilator),
        Some(d) => Err(format!(
            "Icarus and Verilator differ (Icarus / Verilator) at {d}; work files in {}",
            dir.display()
        )),
    }
}

/// The neuron core's lockstep stimulus (`random_stimulus`) at the pins.
fn lif_wta_stimulus(top: &GeneratedTop) -> Result<PortStimulus, String> {
    let ports = InputPorts::default();
    let mut s = PortStimulus::new(&top.ports).map_err(|e| e.to_string())?;
    for inp in random_stimulus(7, REPLAY_CYCLES as u64) {
        s.push(ports.port_values(&inp)).map_err(|e| e.to_string())?;
    }
    Ok(s)
}

fn random(top: &GeneratedTop) -> Result<PortStimulus, String> {
    PortStimulus::random(&top.ports, 11, REPLAY_CYCLES).map_err(|e| e.to_string())
}

/// Random port values, except a serial line that carries frames (a write,
/// a step, a peek, a status, a bad CRC), no warp and a reset only at the
/// start: random bits on `uart_rx` would never make a frame.
fn uart(top: &GeneratedTop) -> Result<PortStimulus, String> {
    use neuroxbar_cosim::units::host_link::LINK_CLOCKS_PER_BIT;
    serial_frames(top, "uart_rx", LINK_CLOCKS_PER_BIT, 0)
}

/// The ULX3S board top at its pins: frames on `ftdi_txd` at 25 clocks per
/// bit once the power-on reset is over, FIRE1 released, random ADC pins.
fn board_pins(top: &GeneratedTop) -> Result<PortStimulus, String> {
    use neuroxbar_rtl::board_tops::{POR_CYCLES, ULX3S_CLOCKS_PER_BIT};
    serial_frames(
        top,
        "ftdi_txd",
        ULX3S_CLOCKS_PER_BIT,
        POR_CYCLES as usize + 8,
    )
}

/// The frames that [`serial_frames`] sends, in order: a write, a step, a
/// peek, a status and a write with a bad CRC.
fn replay_frames() -> Vec<Vec<u8>> {
    use neuroxbar_cosim::units::host_link::request_frame;
    use neuroxbar_rtl::host_link::protocol::*;
    let mut bad = request_frame(CMD_WRITE, &[0x11, 0, 0, 0, 1]);
    *bad.last_mut().unwrap() ^= 1;
    vec![
        request_frame(CMD_WRITE, &[0x10, 0, 0, 0, 7]),
        request_frame(CMD_STEP, &[]),
        request_frame(CMD_PEEK, &[0x01, 0x02]),
        request_frame(CMD_STATUS, &[]),
        bad,
    ]
}

/// Random port values, with [`replay_frames`] on the serial line `rx` from
/// cycle `start` on, `clocks_per_bit` clocks per bit. Each frame waits for
/// the time of the longest answer (20 bytes) before the next: the bridge
/// does not listen while it answers.
fn serial_frames(
    top: &GeneratedTop,
    rx: &str,
    clocks_per_bit: u16,
    start: usize,
) -> Result<PortStimulus, String> {
    use neuroxbar_cosim::units::host_link::uart_levels;
    let cpb = clocks_per_bit as usize;
    let mut levels = Vec::new();
    for f in replay_frames() {
        levels.extend(uart_levels(&f, clocks_per_bit, 2 * cpb));
        levels.extend(std::iter::repeat_n(true, 20 * 10 * cpb + 200));
    }
    let cycles = start + levels.len();
    let mut s = PortStimulus::random(&top.ports, 11, cycles).map_err(|e| e.to_string())?;
    assert!(
        top.ports.iter().any(|p| p.name == rx),
        "{}: no port {rx}",
        top.name
    );
    for (i, p) in s.inputs.clone().into_iter().enumerate() {
        let name = top.ports[p].name.as_str();
        for (c, row) in s.cycles.iter_mut().enumerate() {
            match name {
                n if n == rx => {
                    row[i] = (c < start || levels.get(c - start).copied().unwrap_or(true)) as u128
                }
                "warp" => row[i] = 0,
                "reset" => row[i] = (c < 2) as u128,
                "btn_fire1" => row[i] = 0,
                _ => {}
            }
        }
    }
    Ok(s)
}

/// [`compare`] for a top with a serial line, and the answers on its `tx`
/// pin (`clocks_per_bit`): one per frame of [`replay_frames`], for the same
/// command, the bad frame's a CRC error.
fn compare_serial<M: VerilatedTop>(
    top: &GeneratedTop,
    stim: PortStimulus,
    dir: &Path,
    tx: &str,
    clocks_per_bit: u16,
) -> Result<(), String> {
    use neuroxbar_cosim::units::host_link::UartSink;
    use neuroxbar_rtl::host_link::protocol::*;
    let trace = replay::<M>(top, stim, dir)?;
    let port = top
        .ports
        .iter()
        .position(|p| p.name == tx)
        .ok_or(format!("no port {tx}"))?;
    let col = trace
        .outputs
        .iter()
        .position(|&i| i == port)
        .ok_or(format!("{tx} is not an output"))?;
    let mut sink = UartSink::new(clocks_per_bit);
    for row in &trace.cycles {
        sink.push(row[col] != 0);
    }
    let b = sink.bytes;
    let mut answered = Vec::new();
    let mut at = 0;
    while at + 4 <= b.len() {
        if b[at] != SYNC_BOARD {
            return Err(format!(
                "{}: answer without SYNC at byte {at}: {b:?}",
                top.name
            ));
        }
        answered.push((b[at + 1], b[at + 2]));
        at += 5 + b[at + 3] as usize;
    }
    let commands: Vec<u8> = answered.iter().map(|a| a.0).collect();
    let sent: Vec<u8> = replay_frames().iter().map(|f| f[1]).collect();
    if sink.framing_errors != 0 || at != b.len() || commands != sent {
        return Err(format!(
            "{}: answers for commands {commands:?} ({} framing errors), not one for each of {sent:?}: {b:?}",
            top.name, sink.framing_errors
        ));
    }
    if answered.last().map(|a| a.1) != Some(STATUS_BAD_CRC) {
        return Err(format!(
            "{}: the bad frame was answered {answered:?}",
            top.name
        ));
    }
    Ok(())
}

/// Replay on Icarus and Verilator: the neuron core with its lockstep
/// stimulus, the tops listed in the macro call with random port values
/// (`random:`) or with frames on their serial line (`uart:`).
macro_rules! replay {
    ($top:expr, $dir:expr, random: $($name:ident),*; uart: $($uname:ident),*) => {
        match $top.name.as_str() {
            "lif_wta16" => compare::<verilated::lif_wta16::Model>($top, lif_wta_stimulus($top)?, $dir),
            "ulx3s_25x5" => compare_serial::<verilated::ulx3s_25x5::Model>(
                $top,
                board_pins($top)?,
                $dir,
                "ftdi_rxd",
                neuroxbar_rtl::board_tops::ULX3S_CLOCKS_PER_BIT,
            ),
            $(stringify!($name) => compare::<verilated::$name::Model>($top, random($top)?, $dir),)*
            $(stringify!($uname) => compare_serial::<verilated::$uname::Model>(
                $top,
                uart($top)?,
                $dir,
                "uart_tx",
                neuroxbar_cosim::units::host_link::LINK_CLOCKS_PER_BIT,
            ),)*
            other => Err(format!(
                "no Icarus replay for this top: add `{other}` to the `replay!` call \
                 in icarus_matches_verilator (cosim/tests/gates.rs)"
            )),
        }
    };
}

#[test]
fn icarus_matches_verilator() {
    need("iverilog", "-V");
    need("vvp", "-V");
    for_each_top(
        "icarus",
        |top, dir| replay!(top, dir, random: wide_acc, input_encoder25, pulse_gen, xbar_ctrl, stdp, refresh, arbiter, bcm, phy_25x5, phy_lean_25x5, accel_25x5, accel_81x4, host_bridge25x5; uart: uart_bridge25x5, board_core25x5),
    );
}

/// The comparison sees a one-cycle difference in the stimulus, and names the
/// cycle and the port.
#[test]
fn icarus_replay_detects_a_changed_input() {
    need("iverilog", "-V");
    let top = tops()
        .into_iter()
        .find(|t| t.name == "wide_acc")
        .expect("wide_acc top");
    let mut stim = PortStimulus::new(&top.ports).unwrap();
    let (en, a) = (port_index(&top, "en"), port_index(&top, "a"));
    for c in 0..20u64 {
        stim.push([(en, 1), (a, c + 1)]).unwrap();
    }
    let dir = work_dir("detect", &top.name);
    let icarus = icarus::run_icarus(&top, &stim, &dir).unwrap();
    assert_eq!(
        icarus.first_difference(
            &icarus::run_verilator::<verilated::wide_acc::Model>(&stim).unwrap(),
            &top.ports
        ),
        None
    );
    // accumulate 0 instead of 11 in cycle 10: after that edge acc_out is
    // 1 + .. + 10 = 55 instead of 66
    let col = stim.inputs.iter().position(|&i| i == a).unwrap();
    stim.cycles[10][col] = 0;
    let changed = icarus::run_verilator::<verilated::wide_acc::Model>(&stim).unwrap();
    let d = icarus
        .first_difference(&changed, &top.ports)
        .expect("a difference");
    assert_eq!(d, "cycle 10: acc_out = 0x42 / 0x37, low = 0x42 / 0x37");
    let _ = std::fs::remove_dir_all(dir.parent().unwrap());
}

fn port_index(top: &GeneratedTop, name: &str) -> usize {
    top.ports
        .iter()
        .position(|p| p.name == name)
        .unwrap_or_else(|| panic!("no port {name}"))
}

/// The Arty A7 board top (`arty_25x5`, not Verilated: its MMCM and BUFG
/// exist in Verilog only as simulation models) lints clean, and under
/// Icarus, clocked at 100 MHz through its MMCM model, answers the host's
/// frames with the same bytes as the co-simulated ULX3S top under Verilator
/// at 25 MHz: the two tops share their body. A body that answered
/// differently, a wrong MMCM ratio (the UART's bits would be 4x too short
/// or long) or a reset held by an unlocked MMCM fail it.
#[test]
fn the_arty_top_lints_and_answers_like_the_ulx3s_top() {
    use neuroxbar_cosim::units::host_link::{uart_levels, UartSink};
    use neuroxbar_rtl::board_tops::{
        ARTY_MMCM_LOCK_CYCLES, ARTY_OSC_MHZ, BOARD_CLOCKS_PER_BIT, BOARD_CLOCK_MHZ, POR_CYCLES,
    };
    use neuroxbar_rtl::host_link::protocol::*;
    need("verilator", "--version");
    need("iverilog", "-V");
    need("vvp", "-V");
    let gen = |name: &str| (neuroxbar_rtl::tops::find(name).unwrap().generate)().unwrap();
    let (arty, ulx3s) = (gen("arty_25x5"), gen("ulx3s_25x5"));
    let dir = work_dir("arty", "arty_25x5");
    neuroxbar_flow::lint::lint(&arty, &dir.join("lint")).unwrap_or_else(|e| panic!("{e}"));

    // the frames of the other serial gates, the peek (the longest answer)
    // included
    let frames = replay_frames();
    // body cycles between two frames: the host waits for the longest
    // answer (20 bytes) and some slack (the bridge does not listen while it
    // answers), as `serial_frames` does
    const FRAME_GAP: usize = 20 * 10 * BOARD_CLOCKS_PER_BIT as usize + 200;
    let ratio = (ARTY_OSC_MHZ / BOARD_CLOCK_MHZ).round() as usize;
    assert_eq!(ratio, 4);
    let start = POR_CYCLES as usize + 8;
    // a top's stimulus: `rx` carries the frames from cycle `start` on, at
    // `cpb` clocks per bit; `fixed` inputs hold their values
    let stimulus = |top: &GeneratedTop,
                    rx: &str,
                    cpb: u16,
                    start: usize,
                    cycles: usize,
                    fixed: &[(&str, u64)]| {
        let per_body = cpb as usize / BOARD_CLOCKS_PER_BIT as usize;
        let mut levels = Vec::new();
        for f in &frames {
            levels.extend(uart_levels(f, cpb, 120 * per_body));
            levels.extend(std::iter::repeat_n(true, FRAME_GAP * per_body));
        }
        let mut s = PortStimulus::new(&top.ports).unwrap();
        let inputs = s.inputs.clone();
        for c in 0..cycles {
            let row = inputs.iter().map(|&i| {
                let name = top.ports[i].name.as_str();
                let v = if name == rx {
                    (c < start || levels.get(c - start).copied().unwrap_or(true)) as u64
                } else {
                    fixed
                        .iter()
                        .find(|(n, _)| *n == name)
                        .unwrap_or_else(|| panic!("{}: no value for {name}", top.name))
                        .1
                };
                (i, v)
            });
            s.push(row).unwrap();
        }
        s
    };
    // the answer bytes and the cycle after the last one's stop bit
    let answers = |top: &GeneratedTop, trace: &PortTrace, tx: &str, cpb: u16| {
        let port = top.ports.iter().position(|p| p.name == tx).unwrap();
        let col = trace.outputs.iter().position(|&i| i == port).unwrap();
        let mut sink = UartSink::new(cpb);
        let mut last = 0;
        for (c, row) in trace.cycles.iter().enumerate() {
            sink.push(row[col] != 0);
            if row[col] == 0 {
                last = c + cpb as usize;
            }
        }
        assert_eq!(sink.framing_errors, 0, "{}", top.name);
        (sink.bytes, last)
    };
    let adc_idle = [("adc_busy", 0), ("adc_douta", 0)];
    let mut ulx_fixed = vec![("btn_fire1", 0)];
    ulx_fixed.extend(adc_idle);
    let s = stimulus(
        &ulx3s,
        "ftdi_txd",
        BOARD_CLOCKS_PER_BIT,
        start,
        start + frames.len() * (FRAME_GAP + 4_000),
        &ulx_fixed,
    );
    let t = icarus::run_verilator::<verilated::ulx3s_25x5::Model>(&s).unwrap();
    let (expected, done) = answers(&ulx3s, &t, "ftdi_rxd", BOARD_CLOCKS_PER_BIT);
    // five answers (SYNC, command, status, length, payload, CRC): the
    // write, the step, the peek and the status are OK, the bad frame a CRC
    // error
    let mut answered = Vec::new();
    let mut at = 0;
    while at + 4 <= expected.len() {
        assert_eq!(expected[at], SYNC_BOARD, "{expected:?}");
        answered.push((expected[at + 1], expected[at + 2]));
        at += 5 + expected[at + 3] as usize;
    }
    assert_eq!(at, expected.len(), "{expected:?}");
    assert_eq!(
        answered,
        [
            (CMD_WRITE, STATUS_OK),
            (CMD_STEP, STATUS_OK),
            (CMD_PEEK, STATUS_OK),
            (CMD_STATUS, STATUS_OK),
            (CMD_WRITE, STATUS_BAD_CRC)
        ],
        "{expected:?}"
    );
    let body_cycles = done + 100;

    let mut arty_fixed = vec![("ck_rst", 1)];
    arty_fixed.extend(adc_idle);
    let cpb = BOARD_CLOCKS_PER_BIT * ratio as u16;
    // the body's power-on reset counts from the MMCM's first output clock
    // and outlasts its lock, so the frames start at the same body cycle
    assert!((ARTY_MMCM_LOCK_CYCLES as usize) < ratio * POR_CYCLES as usize);
    let arty_start = ratio * start;
    let s = stimulus(
        &arty,
        "uart_txd_in",
        cpb,
        arty_start,
        arty_start + ratio * body_cycles,
        &arty_fixed,
    );
    let t0 = Instant::now();
    let t = icarus::run_icarus(&arty, &s, &dir.join("icarus")).unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "arty_25x5 under Icarus: {} cycles of 100 MHz in {:.1} s",
        s.cycles.len(),
        t0.elapsed().as_secs_f64()
    );
    assert_eq!(answers(&arty, &t, "uart_rxd_out", cpb).0, expected);
    let _ = std::fs::remove_dir_all(&dir);
}
