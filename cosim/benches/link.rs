//! Round trip of each host command over the serial link, measured on the
//! board co-simulation (`board_core25x5` at its UART pins, 8 clocks per
//! bit, no time warp) and scaled to a board's clock and baud rate:
//!
//!     cargo bench -p neuroxbar-cosim --bench link
//!
//! Writes `cosim/benches/results/link.md`. A round trip is the cycles from
//! the request's first start bit to the answer's last stop bit: line bits
//! (request and answer bytes, 10 bits each) at `clocks_per_bit`, plus the
//! board's own cycles (receiver latency, execution, turnaround). The scaled
//! figures assume the host sends the next request as soon as the answer is
//! in (no USB or operating-system latency, which a real host adds). The
//! board's own cycles are counted from the receiver's stop-bit sample to
//! the host's (half a bit before the line's end on both sides).

use neuroxbar_cosim::board::{BoardSim, SerialBoard, BOARD_CLOCKS_PER_BIT};
use neuroxbar_cosim::host::Link;
use neuroxbar_cosim::Trace;
use neuroxbar_models::device::{DeviceKind, DeviceSpec};
use neuroxbar_models::frontend::{FrontEnd, FrontEndParams};
use neuroxbar_rtl::host_link::protocol::*;
use std::fmt::Write as _;
use std::path::Path;

/// Boards: name, clock MHz, baud rate.
const BOARDS: &[(&str, f64, f64)] = &[
    ("ULX3S, 25 MHz, 1 Mbaud", 25.0, 1e6),
    ("iCEBreaker, 36 MHz (PLL), 3 Mbaud", 36.0, 3e6),
    ("Arty A7, 100 MHz, 115200 baud", 100.0, 115_200.0),
];

fn main() {
    let spec = DeviceSpec::load(DeviceKind::FtjLinear, None).unwrap();
    let fe = FrontEnd::from_spec(&spec, 25, 5, FrontEndParams::default(), 1).unwrap();
    let mut sim = BoardSim::new(fe, false, Trace::Off).unwrap();
    sim.reset().unwrap();
    let cmds: Vec<(&str, u8, Vec<u8>)> = vec![
        ("WRITE", CMD_WRITE, vec![0x10, 0, 0, 0, 3]),
        ("SPIKES", CMD_SPIKES, vec![0, 0, 0, 1]),
        ("PRESENT", CMD_PRESENT, vec![]),
        ("STEP", CMD_STEP, vec![]),
        ("STEP (timed)", CMD_STEP, vec![0, 0, 0, 0, 0, 0]),
        ("PEEK", CMD_PEEK, vec![0, 0]),
        ("STATUS", CMD_STATUS, vec![]),
    ];
    let cpb = BOARD_CLOCKS_PER_BIT as f64;
    let mut md = String::from(
        "# Serial link round trips\n\n`cargo bench -p neuroxbar-cosim --bench link` \
         (cosim/benches/link.rs): board core at its UART pins, 8 clocks per bit, no warp.\n\n\
         | command | request + answer bytes | round trip, cycles at 8 clocks/bit | board's own cycles |",
    );
    for (name, _, _) in BOARDS {
        write!(md, " {name}: commands/s |").unwrap();
    }
    md.push_str("\n|---|---|---|---|");
    for _ in BOARDS {
        md.push_str("---|");
    }
    md.push('\n');
    for (name, cmd, payload) in cmds {
        let t0 = sim.time_cycles();
        let (status, answer) = sim.request(cmd, &payload).unwrap();
        // the timed step is due at cycle 0: it runs at once, answered LATE,
        // with the bytes of a timed step on schedule
        let want = if payload.len() == TIMED_LEN {
            STATUS_LATE
        } else {
            STATUS_OK
        };
        assert_eq!(status, want, "{name}");
        let cycles = (sim.time_cycles() - t0) as f64;
        // request: sync, command, length, payload, CRC; answer: sync,
        // command, status, length, payload, CRC
        let bytes = (4 + payload.len() + 5 + answer.len()) as f64;
        let own = cycles - bytes * 10.0 * cpb;
        write!(
            md,
            "| {name} | {} + {} | {cycles:.0} | {own:.0} |",
            4 + payload.len(),
            5 + answer.len()
        )
        .unwrap();
        for (_, mhz, baud) in BOARDS {
            let s = bytes * 10.0 / baud + own / (mhz * 1e6);
            write!(md, " {:.0} |", 1.0 / s).unwrap();
        }
        md.push('\n');
    }
    println!("{md}");
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/results/link.md");
    std::fs::write(&out, md).unwrap();
    println!("wrote {}", out.display());
}
