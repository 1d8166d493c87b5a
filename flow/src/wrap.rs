//! Verilog wrappers around a generated top for synthesis (`synth_top`: the
//! simulation-only `warp` input tied to 0, every other port on a pin) and
//! for place and route on few pins (`pnr_top`: the ports on shift
//! registers).

use neuroxbar_rtl::verilog::{Dir, GeneratedTop, Port};

/// Inputs tied off for synthesis: the simulation-only time warp.
pub fn tied_off(p: &Port) -> bool {
    p.dir == Dir::In && p.name == "warp"
}

/// The clock input (rust-hdl names it `clock`).
pub fn is_clock(p: &Port) -> bool {
    p.dir == Dir::In && p.width == 1 && p.name == "clock"
}

/// `name` or `[w-1:0] name`.
fn range_name(width: usize, name: &str) -> String {
    if width == 1 {
        name.to_string()
    } else {
        format!("[{}:0] {name}", width - 1)
    }
}

fn decl(p: &Port) -> String {
    let dir = match p.dir {
        Dir::In => "input",
        Dir::Out => "output",
    };
    format!("{dir} wire {}", range_name(p.width, &p.name))
}

/// Module `synth_top`: `top` with every port on a same-named port, except the
/// tied-off inputs, which are driven with zeros.
pub fn synth_wrapper(top: &GeneratedTop) -> String {
    let pins: Vec<&Port> = top.ports.iter().filter(|p| !tied_off(p)).collect();
    let mut s = format!(
        "// `{}` for synthesis: every port of `top` on a same-named port, the\n\
         // simulation-only `warp` input tied to 0.\n\
         module synth_top(\n",
        top.name
    );
    let decls: Vec<String> = pins.iter().map(|p| format!("    {}", decl(p))).collect();
    s.push_str(&decls.join(",\n"));
    s.push_str("\n);\n    top u_top (\n");
    let conns: Vec<String> = top
        .ports
        .iter()
        .map(|p| {
            if tied_off(p) {
                format!("        .{}({}'d0)", p.name, p.width)
            } else {
                format!("        .{0}({0})", p.name)
            }
        })
        .collect();
    s.push_str(&conns.join(",\n"));
    s.push_str("\n    );\nendmodule\n");
    s
}

/// Module `pnr_top`: `synth_top` with its ports on registers, for place and
/// route on a package with fewer pins than the ports: the inputs (but the
/// clock) are the bits of a shift register fed from `scan_in`; the outputs
/// are loaded into a shift register when `scan_load` is high and shifted out
/// on `scan_out` otherwise. Every output bit reaches a pin, so nothing is
/// optimized away.
pub fn pnr_wrapper(top: &GeneratedTop) -> String {
    let pins: Vec<&Port> = top.ports.iter().filter(|p| !tied_off(p)).collect();
    let ins: Vec<&Port> = pins
        .iter()
        .copied()
        .filter(|p| p.dir == Dir::In && !is_clock(p))
        .collect();
    let outs: Vec<&Port> = pins.iter().copied().filter(|p| p.dir == Dir::Out).collect();
    let n_in: usize = ins.iter().map(|p| p.width).sum();
    let n_out: usize = outs.iter().map(|p| p.width).sum();
    let clock = pins
        .iter()
        .find(|p| is_clock(p))
        .map_or("clock", |p| p.name.as_str());
    let mut s = format!(
        "// `{}` for place and route on few pins: the ports of `synth_top` on\n\
         // registers ({n_in} input bits shifted in from scan_in, {n_out} output bits\n\
         // loaded on scan_load and shifted out on scan_out).\n\
         module pnr_top(\n    input wire {clock},\n    input wire scan_in,\n    \
         input wire scan_load,\n    output wire scan_out\n);\n",
        top.name
    );
    let n_in_reg = n_in.max(1);
    let n_out_reg = n_out.max(1);
    s.push_str(&format!(
        "    reg [{}:0] in_q;\n    reg [{}:0] out_q;\n",
        n_in_reg - 1,
        n_out_reg - 1
    ));
    for p in &outs {
        s.push_str(&format!(
            "    wire {};\n",
            range_name(p.width, &format!("o_{}", p.name))
        ));
    }
    let shift = |n: usize, name: &str, fill: &str| {
        if n == 1 {
            fill.to_string()
        } else {
            format!("{{{name}[{}:0], {fill}}}", n - 2)
        }
    };
    s.push_str(&format!(
        "    always @(posedge {clock}) in_q <= {};\n",
        shift(n_in_reg, "in_q", "scan_in")
    ));
    let out_cat: Vec<String> = outs.iter().map(|p| format!("o_{}", p.name)).collect();
    let out_value = if out_cat.is_empty() {
        "1'b0".to_string()
    } else {
        format!("{{{}}}", out_cat.join(", "))
    };
    s.push_str(&format!(
        "    always @(posedge {clock}) out_q <= scan_load ? {out_value} : {};\n\
         \x20   assign scan_out = out_q[{}];\n",
        shift(n_out_reg, "out_q", "1'b0"),
        n_out_reg - 1
    ));
    s.push_str("    synth_top u_synth_top (\n");
    let mut conns = Vec::new();
    let mut at = 0;
    for p in &pins {
        let c = if is_clock(p) {
            format!("        .{0}({0})", p.name)
        } else if p.dir == Dir::In {
            let bits = if p.width == 1 {
                format!("{at}")
            } else {
                format!("{}:{at}", at + p.width - 1)
            };
            let c = format!("        .{}(in_q[{bits}])", p.name);
            at += p.width;
            c
        } else {
            format!("        .{0}(o_{0})", p.name)
        };
        conns.push(c);
    }
    s.push_str(&conns.join(",\n"));
    s.push_str("\n    );\nendmodule\n");
    s
}

/// Pins `synth_top` needs.
pub fn pin_count(top: &GeneratedTop) -> u64 {
    top.ports
        .iter()
        .filter(|p| !tied_off(p))
        .map(|p| p.width as u64)
        .sum()
}
