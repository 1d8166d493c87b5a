//! Yosys' statistics: cell counts, resource classes per family, latches.

use crate::parts::{Capacity, Family};
use std::collections::BTreeMap;

/// Resource classes, in report order.
pub const CLASSES: [&str; 5] = ["LUT", "FF", "CARRY", "BRAM", "DSP"];

/// The resource class a primitive counts against and how many units it takes.
pub fn classify(family: Family, cell: &str) -> Option<(&'static str, u64)> {
    match family {
        Family::Ice40 => match cell {
            "SB_LUT4" => Some(("LUT", 1)),
            "SB_CARRY" => Some(("CARRY", 1)),
            "SB_MAC16" => Some(("DSP", 1)),
            c if c.starts_with("SB_DFF") => Some(("FF", 1)),
            c if c.starts_with("SB_RAM40_4K") => Some(("BRAM", 1)),
            _ => None,
        },
        Family::Ecp5 => match cell {
            "LUT4" => Some(("LUT", 1)),
            // a CCU2C is two LUT4s with their carry chain: counted both as
            // carry and against the LUT4s
            "CCU2C" => Some(("CARRY", 1)),
            "TRELLIS_FF" => Some(("FF", 1)),
            "DP16KD" | "PDPW16KD" => Some(("BRAM", 1)),
            "MULT18X18D" => Some(("DSP", 1)),
            _ => None,
        },
        Family::Xc7 => match cell {
            "LUT1" | "LUT2" | "LUT3" | "LUT4" | "LUT5" | "LUT6" => Some(("LUT", 1)),
            // an inverter takes a LUT1; LUTs used as memory or shift registers
            "INV" | "SRL16E" | "SRLC32E" | "RAM32X1S" | "RAM64X1S" => Some(("LUT", 1)),
            "RAM32X1D" | "RAM64X1D" | "RAM128X1S" => Some(("LUT", 2)),
            "RAM32M" | "RAM64M" | "RAM128X1D" | "RAM256X1S" => Some(("LUT", 4)),
            "FDRE" | "FDSE" | "FDCE" | "FDPE" => Some(("FF", 1)),
            "CARRY4" => Some(("CARRY", 1)),
            "RAMB18E1" => Some(("BRAM", 1)),
            "RAMB36E1" => Some(("BRAM", 2)),
            "DSP48E1" => Some(("DSP", 1)),
            _ => None,
        },
    }
}

/// Primitives of `family` per class, as the report names them.
pub fn primitives(family: Family, class: &str) -> &'static str {
    match (family, class) {
        (Family::Ice40, "LUT") => "SB_LUT4",
        (Family::Ice40, "FF") => "SB_DFF*",
        (Family::Ice40, "CARRY") => "SB_CARRY",
        (Family::Ice40, "BRAM") => "SB_RAM40_4K",
        (Family::Ice40, "DSP") => "SB_MAC16",
        (Family::Ecp5, "LUT") => "LUT4 + 2 per CCU2C",
        (Family::Ecp5, "FF") => "TRELLIS_FF",
        (Family::Ecp5, "CARRY") => "CCU2C",
        (Family::Ecp5, "BRAM") => "DP16KD",
        (Family::Ecp5, "DSP") => "MULT18X18D",
        (Family::Xc7, "LUT") => "LUT1..LUT6 (+ INV, LUT RAM/SRL)",
        (Family::Xc7, "FF") => "FDRE/FDSE/FDCE/FDPE",
        (Family::Xc7, "CARRY") => "CARRY4",
        (Family::Xc7, "BRAM") => "RAMB18E1 (RAMB36E1 = 2)",
        (Family::Xc7, "DSP") => "DSP48E1",
        _ => "",
    }
}

pub fn is_latch(cell: &str) -> bool {
    let c = cell.to_ascii_uppercase();
    c.contains("DLATCH") || c == "LDCE" || c == "LDPE"
}

/// Cell counts of the whole design from Yosys' `stat` text: the last
/// `Number of cells:` block (the design hierarchy's totals, or the only
/// module of a flat design), one `type count` line per cell type. (Yosys
/// 0.23's `stat -json` mixes text into its JSON.)
pub fn parse_stat(text: &str) -> Result<BTreeMap<String, u64>, String> {
    let lines: Vec<&str> = text.lines().collect();
    // Yosys 0.23: `Number of cells:  N` then `TYPE  N` lines; Yosys >= 0.5x:
    // `N cells` then `N   TYPE` lines (then `N submodules`, one space)
    let new_style = |l: &str| {
        let t = l.trim();
        t.strip_suffix(" cells")
            .is_some_and(|n| n.trim().parse::<u64>().is_ok())
    };
    let at = lines
        .iter()
        .rposition(|l| l.trim_start().starts_with("Number of cells:") || new_style(l))
        .ok_or("`stat` printed no `Number of cells:` (or `N cells`)")?;
    let new = new_style(lines[at]);
    let mut cells = BTreeMap::new();
    for l in lines[at + 1..].iter().take_while(|l| !l.trim().is_empty()) {
        let (ty, n) = if new {
            let t = l.trim_start();
            let digits = t.len() - t.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            let (n, rest) = t.split_at(digits);
            // a cell line separates count and type by 3 spaces
            if n.is_empty() || !rest.starts_with("   ") {
                break;
            }
            let mut f = rest.split_whitespace();
            let (Some(ty), None) = (f.next(), f.next()) else {
                break;
            };
            (ty, n)
        } else {
            let mut f = l.split_whitespace();
            let (Some(ty), Some(n), None) = (f.next(), f.next(), f.next()) else {
                break;
            };
            (ty, n)
        };
        let n = n
            .parse::<u64>()
            .map_err(|_| format!("`stat`: bad count in `{}`", l.trim()))?;
        *cells.entry(ty.to_string()).or_insert(0) += n;
    }
    Ok(cells)
}

/// Used units per class, with the cells no class counts.
pub struct Resources {
    pub used: BTreeMap<&'static str, u64>,
    pub other: BTreeMap<String, u64>,
}

pub fn resources(family: Family, cells: &BTreeMap<String, u64>) -> Resources {
    let mut used: BTreeMap<&'static str, u64> = CLASSES.iter().map(|c| (*c, 0)).collect();
    let mut other = BTreeMap::new();
    for (cell, &n) in cells {
        match classify(family, cell) {
            Some((class, units)) => *used.entry(class).or_insert(0) += n * units,
            // Yosys' record of a flattened module's scope: no hardware
            None if cell == "$scopeinfo" => {}
            None if !is_latch(cell) => {
                other.insert(cell.clone(), n);
            }
            None => {}
        }
    }
    if family == Family::Ecp5 {
        let ccu = used["CARRY"];
        *used.entry("LUT").or_insert(0) += 2 * ccu;
    }
    Resources { used, other }
}

pub fn capacity_of(c: &Capacity, class: &str) -> u64 {
    match class {
        "LUT" => c.lut,
        "FF" => c.ff,
        "CARRY" => c.carry,
        "BRAM" => c.bram,
        "DSP" => c.dsp,
        "IO" => c.io,
        _ => 0,
    }
}

pub fn count_latches(cells: &BTreeMap<String, u64>) -> u64 {
    cells
        .iter()
        .filter(|(t, _)| is_latch(t))
        .map(|(_, n)| n)
        .sum()
}
