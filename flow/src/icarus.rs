//! Replay a port-level stimulus on the generated Verilog of a top under Icarus
//! Verilog, and the same stimulus on its Verilator model, so that the two
//! simulators can be compared cycle for cycle.
//!
//! A [`PortStimulus`] holds, per cycle, the value of every input of the top
//! except `clock`. Both replays apply a cycle's values while the clock is low,
//! then clock one rising edge, then record every output: [`run_icarus`] with a
//! generated testbench (`$readmemh` of the stimulus, `$fwrite` of the outputs)
//! here, and the co-simulation crate's `icarus::run_verilator` through its
//! Verilator harness. Port values are at most 128 bits wide.

use neuroxbar_rtl::verilog::{Dir, GeneratedTop, Port};
use rand::{Rng, SeedableRng};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// How to get the simulators.
pub const SETUP_HINT: &str =
    "run `scripts/setup.sh` (installs Verilator, Yosys and Icarus Verilog)";

/// Widest port a replay handles.
pub const MAX_WIDTH: usize = 128;

/// A failed replay.
#[derive(Debug, thiserror::Error)]
pub enum IcarusError {
    #[error("cannot run `{tool}` ({reason}); {SETUP_HINT}")]
    ToolMissing { tool: &'static str, reason: String },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("`{command}` failed:\n{output}")]
    Failed { command: String, output: String },
    #[error("{0}")]
    Stimulus(String),
    #[error("{path}, line {line}: {reason}")]
    Output {
        path: PathBuf,
        line: usize,
        reason: String,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> IcarusError + '_ {
    move |source| IcarusError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn mask(width: usize) -> u128 {
    if width >= 128 {
        u128::MAX
    } else {
        (1u128 << width) - 1
    }
}

/// Values of a top's inputs (all but the clock), cycle by cycle.
#[derive(Debug, Clone)]
pub struct PortStimulus {
    /// Indices (into the top's port list) of the driven inputs, in port order.
    pub inputs: Vec<usize>,
    /// One row per cycle, one value per entry of `inputs`.
    pub cycles: Vec<Vec<u128>>,
}

impl PortStimulus {
    /// An empty stimulus for a top with `ports`.
    pub fn new(ports: &[Port]) -> Result<Self, IcarusError> {
        check_widths(ports)?;
        Ok(Self {
            inputs: (0..ports.len())
                .filter(|&i| ports[i].dir == Dir::In && !ports[i].is_clock())
                .collect(),
            cycles: Vec::new(),
        })
    }

    /// Append one cycle given as `(port index, value)` pairs that must name
    /// every driven input exactly once.
    pub fn push(
        &mut self,
        values: impl IntoIterator<Item = (usize, u64)>,
    ) -> Result<(), IcarusError> {
        let mut row: Vec<Option<u128>> = vec![None; self.inputs.len()];
        for (port, v) in values {
            let col = self.inputs.iter().position(|&i| i == port).ok_or_else(|| {
                IcarusError::Stimulus(format!("port {port} is not a driven input"))
            })?;
            if row[col].replace(v as u128).is_some() {
                return Err(IcarusError::Stimulus(format!(
                    "port {port} given twice in cycle {}",
                    self.cycles.len()
                )));
            }
        }
        let row = row
            .iter()
            .zip(&self.inputs)
            .map(|(v, port)| {
                v.ok_or_else(|| {
                    IcarusError::Stimulus(format!(
                        "no value for input port {port} in cycle {}",
                        self.cycles.len()
                    ))
                })
            })
            .collect::<Result<_, _>>()?;
        self.cycles.push(row);
        Ok(())
    }

    /// Seeded random values for every driven input of `ports`; a `reset`
    /// input, if there is one, is held high for the first two cycles and then
    /// raised about once every 500 cycles.
    pub fn random(ports: &[Port], seed: u64, cycles: usize) -> Result<Self, IcarusError> {
        let mut s = Self::new(ports)?;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        for c in 0..cycles {
            let row = s
                .inputs
                .iter()
                .map(|&i| {
                    if ports[i].name == "reset" {
                        (c < 2 || rng.gen_ratio(1, 500)) as u128
                    } else {
                        rng.gen::<u128>() & mask(ports[i].width)
                    }
                })
                .collect();
            s.cycles.push(row);
        }
        Ok(s)
    }
}

pub fn check_widths(ports: &[Port]) -> Result<(), IcarusError> {
    match ports.iter().find(|p| p.width > MAX_WIDTH) {
        Some(p) => Err(IcarusError::Stimulus(format!(
            "port `{}` is {} bits; replays handle at most {MAX_WIDTH}",
            p.name, p.width
        ))),
        None => Ok(()),
    }
}

/// Outputs of a replay: one row per cycle, one value per output port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortTrace {
    /// Indices (into the top's port list) of the outputs, in port order.
    pub outputs: Vec<usize>,
    pub cycles: Vec<Vec<u128>>,
}

impl PortTrace {
    /// The first cycle where `self` and `other` differ, described with port
    /// names and both values (`self` first), or `None` if they agree.
    pub fn first_difference(&self, other: &PortTrace, ports: &[Port]) -> Option<String> {
        if self.outputs != other.outputs {
            return Some("the traces record different ports".into());
        }
        if self.cycles.len() != other.cycles.len() {
            return Some(format!(
                "{} cycles against {}",
                self.cycles.len(),
                other.cycles.len()
            ));
        }
        let (c, (a, b)) = self
            .cycles
            .iter()
            .zip(&other.cycles)
            .enumerate()
            .find(|(_, (a, b))| a != b)?;
        let diffs: Vec<String> = self
            .outputs
            .iter()
            .zip(a.iter().zip(b))
            .filter(|(_, (x, y))| x != y)
            .map(|(&p, (x, y))| format!("{} = {x:#x} / {y:#x}", ports[p].name))
            .collect();
        Some(format!("cycle {c}: {}", diffs.join(", ")))
    }
}

pub fn outputs(ports: &[Port]) -> Vec<usize> {
    (0..ports.len())
        .filter(|&i| ports[i].dir == Dir::Out)
        .collect()
}

/// Hex digits of a `width`-bit value.
fn digits(width: usize) -> usize {
    width.div_ceil(4)
}

/// The testbench: the stimulus memory holds every driven input in its own
/// group of hex digits (most significant first), so a line of the `$readmemh`
/// file is the inputs' hex values concatenated.
fn testbench(top: &GeneratedTop, stim: &PortStimulus, stim_file: &Path, out_file: &Path) -> String {
    let ports = &top.ports;
    let word_bits: usize = stim
        .inputs
        .iter()
        .map(|&i| 4 * digits(ports[i].width))
        .sum();
    let mut tb = String::new();
    writeln!(tb, "module tb;").unwrap();
    let clock = ports
        .iter()
        .find(|p| p.is_clock())
        .map_or("clock", |p| p.name.as_str());
    writeln!(tb, "  reg {clock} = 1'b0;").unwrap();
    for p in ports.iter().filter(|p| !p.is_clock()) {
        let kind = if p.dir == Dir::In { "reg " } else { "wire" };
        writeln!(tb, "  {kind} [{}:0] {};", p.width - 1, p.name).unwrap();
    }
    writeln!(
        tb,
        "  reg [{}:0] stim [0:{}];\n  integer c, fd;",
        word_bits.max(1) - 1,
        stim.cycles.len().max(1) - 1
    )
    .unwrap();
    let conns: Vec<String> = ports.iter().map(|p| format!(".{0}({0})", p.name)).collect();
    writeln!(tb, "  top dut({});", conns.join(", ")).unwrap();
    writeln!(tb, "  initial begin").unwrap();
    writeln!(tb, "    $readmemh(\"{}\", stim);", stim_file.display()).unwrap();
    writeln!(tb, "    fd = $fopen(\"{}\", \"w\");", out_file.display()).unwrap();
    writeln!(
        tb,
        "    for (c = 0; c < {}; c = c + 1) begin",
        stim.cycles.len()
    )
    .unwrap();
    let mut hi = word_bits;
    for &i in &stim.inputs {
        let field = 4 * digits(ports[i].width);
        writeln!(
            tb,
            "      {} = stim[c][{}:{}];",
            ports[i].name,
            hi - field + ports[i].width - 1,
            hi - field
        )
        .unwrap();
        hi -= field;
    }
    let outs = outputs(ports);
    let fmt = vec!["%h"; outs.len()].join(" ");
    let args: Vec<&str> = outs.iter().map(|&i| ports[i].name.as_str()).collect();
    writeln!(tb, "      #5 {clock} = 1'b1;").unwrap();
    writeln!(
        tb,
        "      #1 $fwrite(fd, \"{fmt}\\n\", {});",
        args.join(", ")
    )
    .unwrap();
    writeln!(tb, "      #4 {clock} = 1'b0;").unwrap();
    writeln!(
        tb,
        "    end\n    $fclose(fd);\n    $finish;\n  end\nendmodule"
    )
    .unwrap();
    tb
}

fn stimulus_hex(top: &GeneratedTop, stim: &PortStimulus) -> String {
    let mut s = String::new();
    for row in &stim.cycles {
        for (&i, v) in stim.inputs.iter().zip(row) {
            let w = top.ports[i].width;
            write!(s, "{:0d$x}", v & mask(w), d = digits(w)).unwrap();
        }
        s.push('\n');
    }
    s
}

fn run_tool(tool: &'static str, cmd: &mut Command) -> Result<(), IcarusError> {
    let out = cmd.output().map_err(|e| IcarusError::ToolMissing {
        tool,
        reason: e.to_string(),
    })?;
    if out.status.success() {
        Ok(())
    } else {
        Err(IcarusError::Failed {
            command: format!("{cmd:?}"),
            output: format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        })
    }
}

/// Simulate `top`'s generated Verilog under Icarus (`iverilog -g2005`, `vvp`)
/// with `stim`, working in `dir` (created; its files are left for inspection).
pub fn run_icarus(
    top: &GeneratedTop,
    stim: &PortStimulus,
    dir: &Path,
) -> Result<PortTrace, IcarusError> {
    check_widths(&top.ports)?;
    // The single-file Verilog: Icarus expands `$NAME` in `-y` library paths
    // as environment variables, which breaks rust-hdl's `top$sub.v` names.
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let rtl = dir.join("top.v");
    std::fs::write(&rtl, &top.verilog).map_err(io(&rtl))?;
    let (stim_file, out_file) = (dir.join("stimulus.hex"), dir.join("outputs.txt"));
    let (tb_file, vvp_file) = (dir.join("tb.v"), dir.join("tb.vvp"));
    std::fs::write(&stim_file, stimulus_hex(top, stim)).map_err(io(&stim_file))?;
    std::fs::write(&tb_file, testbench(top, stim, &stim_file, &out_file)).map_err(io(&tb_file))?;
    run_tool(
        "iverilog",
        Command::new("iverilog")
            .args(["-g2005", "-s", "tb", "-o"])
            .arg(&vvp_file)
            .arg(&tb_file)
            .arg(&rtl),
    )?;
    run_tool("vvp", Command::new("vvp").args(["-n"]).arg(&vvp_file))?;
    let text = std::fs::read_to_string(&out_file).map_err(io(&out_file))?;
    let outs = outputs(&top.ports);
    let mut cycles = Vec::with_capacity(stim.cycles.len());
    for (n, line) in text.lines().enumerate() {
        let err = |reason: String| IcarusError::Output {
            path: out_file.clone(),
            line: n + 1,
            reason,
        };
        let row = line
            .split_whitespace()
            .zip(&outs)
            .map(|(tok, &i)| {
                u128::from_str_radix(tok, 16).map_err(|_| {
                    err(format!(
                        "output `{}` is `{tok}` (not a defined value)",
                        top.ports[i].name
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        if row.len() != outs.len() {
            return Err(err(format!(
                "{} values, expected {}",
                row.len(),
                outs.len()
            )));
        }
        cycles.push(row);
    }
    Ok(PortTrace {
        outputs: outs,
        cycles,
    })
}
