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
    /// Verilog name; rust-hdl names array elements `name$3`.
    pub name: String,
    pub width: usize,
    pub dir: Dir,
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
    ports: Vec<Port>,
}

impl Probe for PortProbe {
    fn visit_start_scope(&mut self, _name: &str, _node: &dyn Block) {
        self.depth += 1;
    }
    fn visit_end_scope(&mut self, _name: &str, _node: &dyn Block) {
        self.depth -= 1;
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
        self.ports.push(Port {
            name: name.to_string(),
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

/// The tops the co-simulation crate binds with Verilator, by name.
///
/// `cosim/build.rs` verilates each of these; adding a top here is all it
/// takes to get a typed Verilator model of it.
pub fn cosim_tops() -> Result<Vec<GeneratedTop>, String> {
    Ok(vec![
        generate(
            "lif_wta16",
            &mut crate::lif_wta_top::LifWtaTop::<16>::default(),
        )?,
        generate("wide_acc", &mut crate::testing::WideAccumulator::default())?,
        generate(
            "input_encoder25",
            &mut crate::input_encoder::InputEncoder::<25>::default(),
        )?,
        generate(
            "pulse_gen",
            &mut crate::pulse_gen::PulseGenerator::default(),
        )?,
        generate(
            "xbar_ctrl",
            &mut crate::xbar_ctrl::CrossbarController::<25, 5>::default(),
        )?,
        generate("stdp", &mut crate::stdp::StdpUnit::<25, 5>::default())?,
        generate(
            "refresh",
            &mut crate::refresh::RefreshScheduler::<25, 5>::default(),
        )?,
        generate("arbiter", &mut crate::arbiter::CommandArbiter::default())?,
        generate(
            "accel_25x5",
            &mut *Box::<crate::accelerator::Accelerator<25, 5>>::default(),
        )?,
        generate("bcm", &mut crate::bcm::BcmUnit::<25, 5>::default())?,
        generate(
            "uart_bridge25x5",
            &mut crate::host_link::UartBridge::<25, 5>::new(8),
        )?,
        generate(
            "host_bridge25x5",
            &mut crate::host_link::HostBridge::<25, 5>::new(6),
        )?,
        generate(
            "board_core25x5",
            &mut *Box::new(crate::board::BoardCore::<25, 5>::new(8)),
        )?,
        generate(
            "phy_25x5",
            &mut *Box::<crate::fe_phy::FrontEndPhy<30, 5>>::default(),
        )?,
        generate(
            "accel_81x4",
            &mut *Box::<crate::accelerator::Accelerator<81, 4>>::default(),
        )?,
    ])
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
