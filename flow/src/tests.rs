//! The flow's parsers and wrappers on recorded tool output and on the
//! accelerator top.

use crate::nextpnr::{parse_critical_path, parse_fmax};
use crate::parts::Family;
use crate::tools::output_text;
use crate::wrap::{pin_count, pnr_wrapper, synth_wrapper};
use crate::yosys::{is_latch, parse_stat, resources};
use neuroxbar_rtl::verilog::{Dir, GeneratedTop};
use std::collections::BTreeMap;
use std::process::Command;

/// `stat` after `synth_ice40 -dsp` (pulse_gen, Yosys 0.23).
const ICE40_STAT: &str = "
7. Printing statistics.

=== synth_top ===

   Number of wires:                227
   Number of wire bits:           1327
   Number of public wires:         227
   Number of public wire bits:    1327
   Number of memories:               0
   Number of memory bits:            0
   Number of processes:              0
   Number of cells:                440
 SB_CARRY                       96
 SB_DFFESR                      82
 SB_DFFSR                        3
 SB_LUT4                       259
 SB_MAC16                        2
 SB_RAM40_4K                     1

8. Executing SYNTH_ICE40 pass.
";

/// `stat` after `synth_ecp5` (pulse_gen, Yosys 0.23, plus a RAM and a
/// multiplier).
const ECP5_STAT: &str = "
=== synth_top ===

   Number of wires:                616
   Number of wire bits:           1702
   Number of public wires:         616
   Number of public wire bits:    1702
   Number of memories:               0
   Number of memory bits:            0
   Number of processes:              0
   Number of cells:                703
 CCU2C                          51
 DP16KD                          2
 L6MUX21                        66
 LUT4                          349
 MULT18X18D                      1
 PFUMX                         152
 TRELLIS_FF                     85

End of script. Logfile hash: 5335bcae0e, CPU: user 0.51s system 0.01s, MEM: 34.28 MB peak
";

/// `stat` after `synth_xilinx -flatten` (pulse_gen, Yosys 0.23, plus
/// block RAM, a DSP and a latch).
const XC7_STAT: &str = "
=== synth_top ===

   Number of wires:                186
   Number of wire bits:           1131
   Number of public wires:          86
   Number of public wire bits:     705
   Number of memories:               0
   Number of memory bits:            0
   Number of processes:              0
   Number of cells:                405
 BUFG                            1
 CARRY4                         14
 DSP48E1                         3
 FDCE                            2
 FDRE                           85
 IBUF                           95
 INV                            32
 LDCE                            1
 LUT2                           10
 LUT4                            8
 LUT5                           50
 LUT6                           54
 MUXF7                           5
 MUXF8                           2
 OBUF                           49
 RAMB18E1                        1
 RAMB36E1                        2
";

/// `stat` of a hierarchical design before mapping: the totals are the
/// last block.
const HIERARCHY_STAT: &str = "
=== top$left ===

   Number of wires:                  4
   Number of cells:                  2
 $dff                            1
 $dlatch                         1

=== design hierarchy ===

   synth_top                         1
 top                             1
   top$left                      1

   Number of wires:                552
   Number of cells:                200
 $dff                            8
 $dlatch                         2
 $mux                          154
";

fn cells(text: &str) -> BTreeMap<String, u64> {
    parse_stat(text).unwrap()
}

#[test]
fn ice40_stat_counts_luts_ffs_carries_ram_and_dsp() {
    let r = resources(Family::Ice40, &cells(ICE40_STAT));
    assert_eq!(r.used["LUT"], 259);
    assert_eq!(r.used["FF"], 85, "every SB_DFF flavour");
    assert_eq!(r.used["CARRY"], 96);
    assert_eq!(r.used["BRAM"], 1);
    assert_eq!(r.used["DSP"], 2);
    assert!(r.other.is_empty(), "{:?}", r.other);
}

#[test]
fn ecp5_stat_counts_ccu2c_against_the_luts() {
    let r = resources(Family::Ecp5, &cells(ECP5_STAT));
    assert_eq!(r.used["LUT"], 349 + 2 * 51);
    assert_eq!(r.used["CARRY"], 51);
    assert_eq!(r.used["FF"], 85);
    assert_eq!(r.used["BRAM"], 2);
    assert_eq!(r.used["DSP"], 1);
    assert_eq!(r.other.keys().collect::<Vec<_>>(), ["L6MUX21", "PFUMX"]);
}

#[test]
fn xc7_stat_counts_luts_ffs_ram_halves_dsp_and_latches() {
    let c = cells(XC7_STAT);
    let r = resources(Family::Xc7, &c);
    assert_eq!(r.used["LUT"], 10 + 8 + 50 + 54 + 32);
    assert_eq!(r.used["FF"], 87);
    assert_eq!(r.used["CARRY"], 14);
    assert_eq!(r.used["BRAM"], 1 + 2 * 2, "RAMB18 halves");
    assert_eq!(r.used["DSP"], 3);
    assert!(!r.other.contains_key("LDCE"), "a latch is no other cell");
    let latches: u64 = c.iter().filter(|(t, _)| is_latch(t)).map(|(_, n)| n).sum();
    assert_eq!(latches, 1);
    assert_eq!(r.other["IBUF"], 95);
    // Yosys 0.70 keeps a `$scopeinfo` cell per flattened module: no resource
    let mut flat = c.clone();
    flat.insert("$scopeinfo".into(), 829);
    let r = resources(Family::Xc7, &flat);
    assert!(!r.other.contains_key("$scopeinfo"), "{:?}", r.other);
    assert_eq!(r.used["LUT"], 10 + 8 + 50 + 54 + 32);
}

#[test]
fn stat_of_a_hierarchy_takes_the_totals() {
    let c = cells(HIERARCHY_STAT);
    assert_eq!(c["$mux"], 154);
    assert_eq!(c["$dlatch"], 2);
    assert!(parse_stat("no statistics here").is_err());
    assert!(parse_stat("   Number of cells: 3\n     SB_LUT4   x\n").is_err());
}

/// `stat` of Yosys 0.70 (the YoWASP build): counts first, then a
/// submodule line that is not a cell.
const NEW_STAT: &str = "
=== design hierarchy ===

    +----------Count including submodules.
    | 
   21 wires
    - memories
    3 cells
    8   CCU2C
    1   MULT18X18D
   16   TRELLIS_FF
    1 submodules
    1   sub
";

#[test]
fn stat_of_yosys_0_70_counts_first() {
    let c = cells(NEW_STAT);
    assert_eq!(c.len(), 3, "{c:?}");
    assert_eq!((c["CCU2C"], c["MULT18X18D"], c["TRELLIS_FF"]), (8, 1, 16));
}

/// A critical path report of nextpnr-ecp5 0.11 (cut).
const CRITICAL_PATH: &str = "\
Info: Critical path report for clock '$glbnet$clk$TRELLIS_IO_IN' (posedge -> posedge):
Info:       type curr  total name
Info:   clk-to-q  0.52  0.52 Source y_TRELLIS_FF_Q_15.Q
Info:    routing  0.83  1.36 Net y[0]$TRELLIS_IO_OUT (18,12) -> (18,12)
Info:                          Sink y_CCU2C_S1$CCU2_COMB0.A
Info:                          Defined in:
Info:                               t.v:1.57-1.58
Info:      logic  0.45  1.81 Source y_CCU2C_S1$CCU2_COMB0.F
Info:    routing  0.90  2.71 Net y_D (18,12) -> (18,12)
Info:                          Sink y_TRELLIS_FF_Q.DI
Info:      setup  0.13  2.84 Source y_TRELLIS_FF_Q.DI
Info: 1.87 ns logic, 0.96 ns routing

Info: Max frequency for clock '$glbnet$clk$TRELLIS_IO_IN': 352.11 MHz (PASS at 100.00 MHz)
";

#[test]
fn critical_path_runs_from_the_first_source_to_the_last_sink() {
    let c = parse_critical_path(CRITICAL_PATH).unwrap();
    assert_eq!(c.clock, "$glbnet$clk$TRELLIS_IO_IN");
    assert_eq!(c.from, "y_TRELLIS_FF_Q_15.Q");
    assert_eq!(c.to, "y_TRELLIS_FF_Q.DI");
    assert_eq!(c.delay_ns, 2.84);
    assert_eq!((c.logic_ns, c.routing_ns), (Some(1.87), Some(0.96)));
    // nextpnr-ice40 0.4 (Debian): no type column
    let old = "Info: Critical path report for clock 'clk' (posedge -> posedge):\n\
               Info: curr total\n\
               Info:  0.54  0.54  Source a_DFF.Q\n\
               Info:  0.90  1.44    Net n budget 1.0 ns (1,1) -> (1,2)\n\
               Info:                Sink b_LC.I0\n\
               Info:  0.10  1.54  Setup b_LC.I0\n\
               Info: 0.64 ns logic, 0.90 ns routing\n";
    let c = parse_critical_path(old).unwrap();
    assert_eq!(
        (c.from.as_str(), c.to.as_str(), c.delay_ns),
        ("a_DFF.Q", "b_LC.I0", 1.54)
    );
    assert!(parse_critical_path("Info: no report").is_none());
}

#[test]
fn fmax_is_the_last_report_of_each_clock() {
    let log = "\
Info: Max frequency for clock 'clock$SB_IO_IN_$glb_clk': 36.00 MHz (FAIL at 100.00 MHz)
Info: Max delay <async> -> posedge clock$SB_IO_IN_$glb_clk: 9.02 ns
Warning: Max frequency for clock 'clock$SB_IO_IN_$glb_clk': 33.28 MHz (FAIL at 100.00 MHz)
";
    let f = parse_fmax(log);
    assert_eq!(f.len(), 1);
    assert_eq!(f["clock$SB_IO_IN_$glb_clk"], 33.28);
    assert!(parse_fmax("Info: Program finished normally.\n").is_empty());
    // several clocks: names padded; a constant net promoted to a clock
    // (a DSP's unused clock input) is no clock
    let log = "\
Info: Max frequency for clock  'clock$SB_IO_IN_$glb_clk': 25.91 MHz (FAIL at 100.00 MHz)
Info: Max frequency for clock '$PACKER_GND_NET_$glb_clk': 256.81 MHz (PASS at 100.00 MHz)
";
    let f = parse_fmax(log);
    assert_eq!(
        f.into_iter().collect::<Vec<_>>(),
        [("clock$SB_IO_IN_$glb_clk".to_string(), 25.91)]
    );
}

fn accel() -> GeneratedTop {
    (neuroxbar_rtl::tops::find("accel_25x5").unwrap().generate)().unwrap()
}

#[test]
fn accelerator_wrapper_ties_warp_to_zero_and_keeps_every_other_port() {
    let top = accel();
    assert!(
        top.ports
            .iter()
            .any(|p| p.name == "warp" && p.dir == Dir::In && p.width == 32),
        "the accelerator has a 32-bit warp input"
    );
    let w = synth_wrapper(&top);
    let start = w.find("module synth_top(").unwrap();
    let header = &w[start..start + w[start..].find(");").unwrap()];
    assert!(w.contains(".warp(32'd0)"), "{w}");
    assert!(!header.contains("warp"), "warp is no port of synth_top");
    for p in top.ports.iter().filter(|p| p.name != "warp") {
        assert!(
            header.contains(&format!(" {}\n", p.name))
                || header.contains(&format!(" {},\n", p.name)),
            "{} missing",
            p.name
        );
        assert!(
            w.contains(&format!(".{0}({0})", p.name)),
            "{} not connected",
            p.name
        );
    }
    assert_eq!(
        pin_count(&top),
        top.ports.iter().map(|p| p.width as u64).sum::<u64>() - 32
    );
}

#[test]
fn accelerator_wrappers_elaborate_in_yosys() {
    let top = accel();
    let dir = std::env::temp_dir().join(format!("neuroxbar-synth-unit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let v = format!(
        "{}\n{}\n{}",
        top.verilog,
        synth_wrapper(&top),
        pnr_wrapper(&top)
    );
    std::fs::write(dir.join("w.v"), v).unwrap();
    let o = Command::new("yosys")
        .args([
            "-q",
            "-p",
            "read_verilog w.v; hierarchy -check -top pnr_top; check -assert",
        ])
        .current_dir(&dir)
        .output()
        .expect("yosys runs (bash scripts/setup.sh installs it)");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(o.status.success(), "{}", output_text(&o));
}
