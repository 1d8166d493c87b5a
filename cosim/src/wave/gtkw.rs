//! A GTKWave view beside a VCD: a save file (`<stem>.gtkw`) that opens the
//! waveform with its signals grouped (host, front-end bus, analog (line
//! voltages, column currents, probed conductances, when traced), neurons,
//! plasticity, status), the front-end line modes shown by name (`ground`,
//! `drive`, `sense`, `float`, through the translate filter file
//! `<stem>.fe_mode.txt`), signed codes in decimal, and named markers A, B,
//! ... at the first time steps (rising edges of `tick`, or of `read_done` /
//! `fe_apply` where there is no tick).
//!
//! The groups are chosen from the signals the file holds, so the same writer
//! serves the accelerator (E1) and the crossbar controller (E5) traces.

use super::file::WaveReader;
use super::Signal;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The files written and what they hold.
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    pub gtkw: PathBuf,
    pub filter: PathBuf,
    /// `(group, signals)` in display order.
    pub groups: Vec<(String, Vec<String>)>,
    /// Marker times, in the file's time units.
    pub markers: Vec<u64>,
}

/// The view's files for `vcd`: `<stem>.gtkw` and `<stem>.fe_mode.txt` in
/// the VCD's folder.
pub fn view_paths(vcd: &Path) -> (PathBuf, PathBuf) {
    let stem = vcd
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "wave".into());
    let dir = vcd.parent().unwrap_or(Path::new(""));
    (
        dir.join(format!("{stem}.gtkw")),
        dir.join(format!("{stem}.fe_mode.txt")),
    )
}

/// The translate filter of the front-end line modes (`fe_mode`, 2 bits,
/// shown in hex: 0..3).
pub const FE_MODE_FILTER: &str =
    "# neuroxbar front-end line modes (fe_mode)\n0 ground\n1 drive\n2 sense\n3 float\n";

/// Display flags of GTKWave's save format.
const HEX: u32 = 0x22; // hex, right-justified
const BIN: u32 = 0x28; // binary, right-justified
const SIGNED_DEC: u32 = 0x424;
const TRANSLATED_HEX: u32 = 0x2022;
const GROUP_BEGIN: u32 = 0x80_0200;
const GROUP_END: u32 = 0x100_0200;
const MAX_MARKERS: usize = 26;

/// The name GTKWave shows for a signal: its dotted name with the bit range.
fn display_name(s: &Signal) -> String {
    match &s.range {
        Some(r) if !s.name.ends_with(r.as_str()) => format!("{}{}", s.name, r),
        _ => s.name.clone(),
    }
}

/// The top-level scope of the design: `top` (Verilator's wrapper of the
/// module `top`), where the ports are.
fn port_scope(sigs: &[Signal]) -> Option<String> {
    ["top.", "TOP.top.", "TOP."]
        .into_iter()
        .find(|p| {
            sigs.iter()
                .any(|s| s.name.starts_with(p) && s.name[p.len()..].starts_with("fe_"))
        })
        .map(str::to_string)
}

/// Group of a port (`local` is its name without the port scope).
fn port_group(local: &str) -> &'static str {
    let base = local.split('[').next().unwrap_or(local);
    if base.starts_with("fe_") {
        "front-end bus"
    } else if ["spikes", "spikes_valid", "winner", "winner_valid"].contains(&base) {
        "neurons"
    } else if [
        "cfg_error",
        "clamp_error",
        "saturated",
        "overrun",
        "idle",
        "read_done",
        "wait_left",
        "debug_data",
    ]
    .contains(&base)
        || base.starts_with("col_code")
        || base.starts_with("col_sat")
    {
        "status"
    } else if base == "pulse" || base == "pulse_col" {
        "plasticity"
    } else {
        "host"
    }
}

const GROUPS: [&str; 6] = [
    "host",
    "front-end bus",
    "analog",
    "neurons",
    "plasticity",
    "status",
];
/// Real-valued traces (the `analog` scope), shown as a stepped analog curve.
const ANALOG: u32 = 0x8020;

fn flags(local: &str, width: u32) -> u32 {
    let base = local.split('[').next().unwrap_or(local);
    if base == "fe_mode" {
        TRANSLATED_HEX
    } else if base == "fe_code" || base == "fe_rd_data" {
        SIGNED_DEC
    } else if width == 1 {
        BIN
    } else {
        HEX
    }
}

/// Rising-edge times of a 1-bit signal.
fn rising_edges(s: &Signal, limit: usize) -> Vec<u64> {
    let mut out = Vec::new();
    let mut prev = false;
    for (t, v) in s.changes.iter() {
        let high = v.as_u64() == Some(1);
        if high && !prev {
            out.push(*t);
            if out.len() == limit {
                break;
            }
        }
        prev = high;
    }
    out
}

/// Write the view of `vcd` (a VCD, FST or GHW, read to choose signals and
/// markers).
pub fn write_view(vcd: &Path) -> Result<View, String> {
    write_view_for(vcd, vcd)
}

/// The view of the trace `dumpfile` (a VCD or the FST converted from it),
/// chosen from `vcd`, its VCD; the view's files are named after
/// `dumpfile`.
pub fn write_view_for(vcd: &Path, dumpfile: &Path) -> Result<View, String> {
    let reader = WaveReader::open(vcd).map_err(|e| e.to_string())?;
    let header = reader.header().clone();
    let scope = port_scope(&header.signals).ok_or_else(|| {
        format!(
            "{}: no front-end bus (`fe_*` ports) found: not a neuroxbar trace",
            vcd.display()
        )
    })?;
    let mut groups: Vec<(String, Vec<(String, u32)>)> =
        GROUPS.iter().map(|g| (g.to_string(), Vec::new())).collect();
    for s in &header.signals {
        let Some(local) = s.name.strip_prefix(&scope) else {
            continue;
        };
        if local.contains('.') {
            continue; // inside a unit: not a port
        }
        let g = port_group(local);
        let i = GROUPS.iter().position(|x| *x == g).unwrap();
        groups[i].1.push((display_name(s), flags(local, s.width)));
    }
    // the analog side (neuroxbar_cosim::analog), if the run traced it
    for s in &header.signals {
        if s.name.starts_with("analog.") {
            groups[2].1.push((s.name.clone(), ANALOG));
        }
    }
    // plasticity and neuron internals: the units' handshakes and membranes
    let inner = format!("{scope}top.");
    for s in &header.signals {
        let Some(local) = s.name.strip_prefix(&inner) else {
            continue;
        };
        let group = if ["stdp.", "bcm.", "refresh.", "arbiter."]
            .iter()
            .any(|u| local.starts_with(u))
            && local.split('.').count() == 2
            && ["out_valid", "busy", "busy_q", "cmd$valid", "cmd$ready"]
                .iter()
                .any(|n| local.split('.').nth(1) == Some(*n))
        {
            Some(4)
        } else if local.starts_with("layer$v_mem$") {
            Some(3)
        } else {
            None
        };
        if let Some(i) = group {
            groups[i]
                .1
                .push((display_name(s), if s.width == 1 { BIN } else { SIGNED_DEC }));
        }
    }
    // markers: the first time steps
    let edge_source = ["tick", "read_done", "fe_apply"].iter().find_map(|n| {
        header
            .signals
            .iter()
            .position(|s| s.name == format!("{scope}{n}") && s.width == 1)
    });
    let markers = match edge_source {
        Some(i) => {
            let wave = WaveReader::open(vcd)
                .map_err(|e| e.to_string())?
                .read_window(&[i], None, None)
                .map_err(|e| e.to_string())?;
            rising_edges(&wave.signals[0], MAX_MARKERS)
        }
        None => Vec::new(),
    };
    // An FST keeps one name per value (vcd2fst drops the aliases a VCD
    // declares with an id already used): list only the first name of each,
    // and none with a `$` (rust-hdl's flattened names, which GTKWave does
    // not find in an FST either).
    if dumpfile.extension().is_some_and(|e| e == "fst") {
        let mut first: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
        for s in &header.signals {
            if let Some(id) = &s.id_code {
                first.entry(id.as_str()).or_insert(s.name.as_str());
            }
        }
        let is_first = |name: &str| {
            header.signals.iter().any(|s| {
                display_name(s) == name
                    && s.id_code
                        .as_deref()
                        .is_none_or(|id| first.get(id) == Some(&s.name.as_str()))
            })
        };
        for g in &mut groups {
            g.1.retain(|(n, _)| !n.contains('$') && is_first(n));
        }
    }
    let (gtkw, filter) = view_paths(dumpfile);
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let mut t = String::new();
    let _ = writeln!(t, "[*] neuroxbar view of {}", dumpfile.display());
    let _ = writeln!(t, "[dumpfile] \"{}\"", abs(dumpfile).display());
    let _ = writeln!(t, "[savefile] \"{}\"", abs(&gtkw).display());
    let _ = writeln!(t, "[timestart] 0");
    let _ = writeln!(t, "[size] 1400 900");
    let mut named: Vec<String> = markers.iter().map(u64::to_string).collect();
    named.resize(MAX_MARKERS, "-1".into());
    let _ = writeln!(t, "*-24.000000 -1 {}", named.join(" "));
    let _ = writeln!(t, "[treeopen] {scope}");
    let _ = writeln!(t, "[sst_width] 250");
    let _ = writeln!(t, "[signals_width] 260");
    let _ = writeln!(t, "[sst_expanded] 1");
    for (name, sigs) in &groups {
        if sigs.is_empty() {
            continue;
        }
        let _ = writeln!(t, "@{GROUP_BEGIN:x}\n-{name}");
        for (s, f) in sigs {
            if *f == TRANSLATED_HEX {
                let _ = writeln!(t, "@{f:x}\n^1 {}\n{s}", abs(&filter).display());
            } else {
                let _ = writeln!(t, "@{f:x}\n{s}");
            }
        }
        let _ = writeln!(t, "@{GROUP_END:x}\n-{name}");
    }
    let _ = writeln!(t, "[pattern_trace] 1\n[pattern_trace] 0");
    write_file(&filter, FE_MODE_FILTER.as_bytes())?;
    write_file(&gtkw, t.as_bytes())?;
    Ok(View {
        gtkw,
        filter,
        groups: groups
            .into_iter()
            .filter(|g| !g.1.is_empty())
            .map(|(g, s)| (g, s.into_iter().map(|x| x.0).collect()))
            .collect(),
        markers,
    })
}

/// Write `bytes` to `path` whole (a temporary file renamed over it).
fn write_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            format!("{}: cannot write: {e}", path.display())
        })
}
