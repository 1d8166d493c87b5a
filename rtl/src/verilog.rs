//! Verilog generation and top-level port discovery.

use rust_hdl::prelude::*;
use serde::Serialize;

/// Direction of a top-level port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Dir {
    In,
    Out,
}

/// A top-level port as it appears in the generated Verilog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Port {
    /// Verilog name; rust-hdl names array elements `name$3` and interface
    /// fields `interface$field` (`cmd$valid`).
    pub name: String,
    pub width: usize,
    pub dir: Dir,
}

impl Port {
    /// The clock (see [`is_clock_port`]).
    pub fn is_clock(&self) -> bool {
        is_clock_port(&self.name, self.width, self.dir == Dir::In)
    }
}

/// Whether a port is the top's clock: a 1-bit input called `clock` (a unit
/// or core top) or `clk...` (a board top's oscillator pin, `clk_25mhz`).
pub fn is_clock_port(name: &str, width: usize, input: bool) -> bool {
    input && width == 1 && (name == "clock" || name.starts_with("clk"))
}

/// A generated top: its Verilog text and its ports.
#[derive(Debug, Clone, Serialize)]
pub struct GeneratedTop {
    pub name: String,
    #[serde(skip)]
    pub verilog: String,
    pub ports: Vec<Port>,
}

#[derive(Default)]
struct PortProbe {
    depth: usize,
    /// Enclosing interface fields (`cmd` of `cmd$valid`).
    namespace: Vec<String>,
    ports: Vec<Port>,
}

impl Probe for PortProbe {
    fn visit_start_scope(&mut self, _name: &str, _node: &dyn Block) {
        self.depth += 1;
    }
    fn visit_end_scope(&mut self, _name: &str, _node: &dyn Block) {
        self.depth -= 1;
    }
    fn visit_start_namespace(&mut self, name: &str, _node: &dyn Block) {
        self.namespace.push(name.to_string());
    }
    fn visit_end_namespace(&mut self, _name: &str, _node: &dyn Block) {
        self.namespace.pop();
    }
    fn visit_atom(&mut self, name: &str, signal: &dyn Atom) {
        if self.depth != 1 {
            return;
        }
        let dir = match signal.kind() {
            AtomKind::InputParameter => Dir::In,
            AtomKind::OutputParameter | AtomKind::OutputPassthrough => Dir::Out,
            _ => return,
        };
        // rust-hdl names an interface's signals `interface$field`
        let name = self
            .namespace
            .iter()
            .map(String::as_str)
            .chain([name])
            .collect::<Vec<_>>()
            .join("$");
        self.ports.push(Port {
            name,
            width: signal.bits(),
            dir,
        });
    }
}

/// Connect, check and emit `uut` as Verilog module `top`.
///
/// rust-hdl's own `generate_verilog` panics on a failed check; this returns the
/// check failure as an error instead.
pub fn generate<B: Block>(name: &str, uut: &mut B) -> Result<GeneratedTop, String> {
    uut.connect_all();
    check_all(uut).map_err(|e| format!("design `{name}` failed rust-hdl's checks: {e:?}"))?;
    let verilog = generate_verilog_unchecked(uut);
    let mut probe = PortProbe::default();
    uut.accept("top", &mut probe);
    Ok(GeneratedTop {
        name: name.to_string(),
        verilog,
        ports: probe.ports,
    })
}

/// The tops the co-simulation crate binds with Verilator: those of
/// [`crate::tops::TOPS`] marked `cosim`.
///
/// `cosim/build.rs` verilates each of these; adding a top to the table is
/// all it takes to get a typed Verilator model of it.
pub fn cosim_tops() -> Result<Vec<GeneratedTop>, String> {
    crate::tops::TOPS
        .iter()
        .filter(|t| t.cosim)
        .map(|t| (t.generate)())
        .collect()
}

/// Split rust-hdl's single-file output into `(module name, text)` pairs, one
/// per module, so that each module can live in its own `<module>.v` file (what
/// Verilator's `-y` search and its DECLFILENAME lint expect).
pub fn split_modules(verilog: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in verilog.lines() {
        if current.is_none() {
            if let Some(rest) = line.strip_prefix("module ") {
                let name: String = rest
                    .chars()
                    .take_while(|c| *c != '(' && !c.is_whitespace())
                    .collect();
                current = Some((name, String::new()));
            } else {
                continue;
            }
        }
        if let Some((_, text)) = current.as_mut() {
            text.push_str(line);
            text.push('\n');
        }
        if line.starts_with("endmodule") {
            out.extend(current.take());
        }
    }
    out
}

/// Write `top` as one file per module into `dir` (created if missing) and
/// return the path of the top module's file (`dir/top.v`).
pub fn write_split(
    top: &GeneratedTop,
    dir: &std::path::Path,
) -> std::io::Result<std::path::PathBuf> {
    std::fs::create_dir_all(dir)?;
    for (name, text) in split_modules(&top.verilog) {
        std::fs::write(dir.join(format!("{name}.v")), text)?;
    }
    Ok(dir.join("top.v"))
}
