//! nextpnr's log: fmax per clock and the critical path.

use std::collections::BTreeMap;

/// The slowest register-to-register path nextpnr reported after routing.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct CriticalPath {
    pub clock: String,
    pub from: String,
    pub to: String,
    pub delay_ns: f64,
    pub logic_ns: Option<f64>,
    pub routing_ns: Option<f64>,
}

/// fmax per clock from nextpnr's log: the last `Max frequency for clock
/// 'NAME': X MHz` line of each clock (the one after routing; nextpnr pads
/// the names of several clocks with spaces). A constant net nextpnr promoted
/// to a global clock (`$PACKER_GND_NET`, e.g. a DSP's unused clock input)
/// clocks nothing and is left out.
pub fn parse_fmax(log: &str) -> BTreeMap<String, f64> {
    let mut fmax = BTreeMap::new();
    for line in log.lines() {
        let Some((_, rest)) = line.split_once("Max frequency for clock") else {
            continue;
        };
        let Some(rest) = rest.trim_start().strip_prefix('\'') else {
            continue;
        };
        let Some((clock, rest)) = rest.split_once("':") else {
            continue;
        };
        if clock.contains("$PACKER_GND_NET") || clock.contains("$PACKER_VCC_NET") {
            continue;
        }
        let Some(mhz) = rest
            .split_whitespace()
            .next()
            .and_then(|v| v.parse::<f64>().ok())
        else {
            continue;
        };
        fmax.insert(clock.to_string(), mhz);
    }
    fmax
}

/// The critical path of the last `Critical path report for clock` block of
/// nextpnr's log: its clock, first source, last sink and total delay.
pub fn parse_critical_path(log: &str) -> Option<CriticalPath> {
    let lines: Vec<&str> = log.lines().collect();
    let at = lines
        .iter()
        .rposition(|l| l.contains("Critical path report for clock"))?;
    let header = lines[at];
    let clock = header
        .split_once("clock '")
        .and_then(|(_, r)| r.split_once('\''))
        .map_or(String::new(), |(c, _)| c.trim().to_string());
    let mut from = None;
    let mut to = None;
    let mut delay_ns = None;
    let mut logic_ns = None;
    let mut routing_ns = None;
    for l in &lines[at + 1..] {
        let Some(body) = l.strip_prefix("Info:").map(str::trim) else {
            break;
        };
        if body.is_empty() {
            break;
        }
        // `[type] <curr> <total> ...`: the running total
        let nums: Vec<f64> = body
            .split_whitespace()
            .skip_while(|t| t.parse::<f64>().is_err())
            .take(2)
            .map_while(|t| t.parse().ok())
            .collect();
        if let [_, total] = nums[..] {
            delay_ns = Some(total);
        }
        if let Some((_, name)) = body.split_once(" Source ") {
            from.get_or_insert_with(|| name.trim().to_string());
        } else if let Some(name) = body.strip_prefix("Sink ") {
            to = Some(name.trim().to_string());
        } else if let Some((l, r)) = body.split_once(" ns logic, ") {
            logic_ns = l.trim().parse().ok();
            routing_ns = r.trim_end_matches(" ns routing").trim().parse().ok();
            break;
        }
    }
    Some(CriticalPath {
        clock,
        from: from?,
        to: to?,
        delay_ns: delay_ns?,
        logic_ns,
        routing_ns,
    })
}
