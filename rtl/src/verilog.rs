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
    /// fields `interface$field` (`cmd$valid`), except the
    /// [`FLAT_INTERFACES`] (`fe_ch`).
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

/// Interfaces whose fields the generated Verilog names `name_field`
/// instead of rust-hdl's `name$field`: the buses at the boundary of the
/// tops that users instantiate in their own Verilog (the front-end bus
/// `fe_ch`, `fe_code`, ... of the accelerator, the controller, the board
/// core and the PHYs; the host bridge's accelerator side `acc_*`; the
/// ADC pins `adc_*` of the PHYs and board tops; the configuration write
/// bus `cfg_addr`, `cfg_data`, `cfg_we` of the accelerator, the neuron core
/// and every register block). A
/// block that has such an interface must not also have a signal of the
/// flattened name ([`generate`] checks the top's ports).
pub const FLAT_INTERFACES: &[&str] = &["fe", "acc", "adc", "cfg"];

/// Interfaces whose fields the generated Verilog names by the field alone
/// (`pins$dac_sync` -> `dac_sync`): the board body's PHY pins
/// ([`crate::board_tops::BodyPins`]), which keep the pin names of the
/// constraint files, and the learning units' step inputs
/// ([`crate::cmd_bus::LearnStep`]: `learn`, `pre_spikes`, ...).
/// [`generate`] checks that no two ports then collide.
pub const BARE_INTERFACES: &[&str] = &["pins", "learn_step"];

/// `verilog` with every `name$` path segment of a [`FLAT_INTERFACES`]
/// name written `name_` (`fe$ch` -> `fe_ch`, `ctrl$fe$ch` -> `ctrl$fe_ch`;
/// `safe$x` is left alone: a segment starts the text or follows a
/// character that is not part of an identifier, or a `$`), and every
/// `name$` segment of a [`BARE_INTERFACES`] name removed (`pins$dac_sync`
/// -> `dac_sync`, `body$pins$sr_clk` -> `body$sr_clk`).
pub fn flatten_interfaces(verilog: &str) -> String {
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let b = verilog.as_bytes();
    let mut out = String::with_capacity(verilog.len());
    let mut i = 0;
    while i < b.len() {
        // the interface of `list` whose `name$` segment starts at `i`
        let segment = |list: &[&'static str]| {
            let starts = i == 0 || !ident(b[i - 1]);
            list.iter().copied().find(|n| {
                starts && b[i..].starts_with(n.as_bytes()) && b.get(i + n.len()) == Some(&b'$')
            })
        };
        if let Some(n) = segment(FLAT_INTERFACES) {
            out.push_str(n);
            out.push('_');
            i += n.len() + 1;
        } else if let Some(n) = segment(BARE_INTERFACES) {
            i += n.len() + 1;
        } else {
            let c = verilog[i..].chars().next().expect("in bounds");
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
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
    let verilog = flatten_interfaces(&generate_verilog_unchecked(uut));
    let mut probe = PortProbe::default();
    uut.accept("top", &mut probe);
    let ports: Vec<Port> = probe
        .ports
        .into_iter()
        .map(|p| Port {
            name: flatten_interfaces(&p.name),
            ..p
        })
        .collect();
    let mut names: Vec<&str> = ports.iter().map(|p| p.name.as_str()).collect();
    names.sort_unstable();
    if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
        return Err(format!(
            "design `{name}` has two ports named `{}` once its interfaces are flattened",
            w[0]
        ));
    }
    Ok(GeneratedTop {
        name: name.to_string(),
        verilog,
        ports,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_interfaces_lose_their_dollar_and_nothing_else_does() {
        assert_eq!(flatten_interfaces("fe$ch"), "fe_ch");
        assert_eq!(
            flatten_interfaces("assign fe$ch = ctrl$fe$ch;"),
            "assign fe_ch = ctrl$fe_ch;"
        );
        assert_eq!(
            flatten_interfaces(".acc$cfg_we(link$acc$cfg_we)"),
            ".acc_cfg_we(link$acc_cfg_we)"
        );
        // a segment that only ends in a flat name, or other interfaces
        for kept in ["safe$x", "cfe$ch", "x_fe$ch", "cmd$valid", "fee$x", "feX$y"] {
            assert_eq!(flatten_interfaces(kept), kept);
        }
        assert_eq!(flatten_interfaces("é fe$ch"), "é fe_ch");
        // a bare interface loses its name
        assert_eq!(
            flatten_interfaces("assign pins$dac_sync = body$pins$dac_sync;"),
            "assign dac_sync = body$dac_sync;"
        );
        for kept in ["spins$x", "pins_x", "x_pins$y", "pinsx$y"] {
            assert_eq!(flatten_interfaces(kept), kept);
        }
    }

    /// The learning units' step inputs keep their bare names (the names of
    /// the formal harnesses and the Verilator bindings), in the unit tops
    /// and inside the accelerator alike.
    #[test]
    fn the_learning_step_ports_keep_their_bare_names() {
        for unit in ["stdp", "bcm"] {
            let top = (crate::tops::find(unit).unwrap().generate)().unwrap();
            for p in [
                "learn",
                "pre_spikes",
                "post_spikes",
                "winner",
                "winner_valid",
                "wta_on",
                "enable",
            ] {
                assert!(top.ports.iter().any(|q| q.name == p), "{unit}: {p}");
            }
            assert!(!top.verilog.contains("learn_step"), "{unit}");
        }
        let acc = (crate::tops::find("accel_25x5").unwrap().generate)().unwrap();
        assert!(!acc.verilog.contains("learn_step"));
        assert!(acc.verilog.contains("stdp$pre_spikes") && acc.verilog.contains("bcm$wta_on"));
    }

    /// The board core's buses are flattened in its ports and body alike,
    /// and no `$` of a flat interface is left anywhere in the text.
    #[test]
    fn the_board_core_has_flat_bus_ports() {
        let top = (crate::tops::find("board_core25x5").unwrap().generate)().unwrap();
        for p in ["fe_ch", "fe_rd_data", "fe_busy"] {
            assert!(top.ports.iter().any(|q| q.name == p), "{p}");
        }
        for n in FLAT_INTERFACES {
            assert!(!top.verilog.contains(&format!(" {n}$")), "{n}$ in the text");
            assert!(
                !top.verilog.contains(&format!("${n}$")),
                "${n}$ in the text"
            );
        }
        assert!(top.verilog.contains("link$acc_cfg_we"));
    }
}
