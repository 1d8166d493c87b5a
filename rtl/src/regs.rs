//! Configuration register bus (`cfg_addr`, `cfg_data`, `cfg_we`).
//!
//! A register map is a table of [`Register`]s. Each entry becomes one
//! [`ConfigReg`] of exactly its width in hardware, the same table documents
//! the map (`neuroxbar verilog` writes it out) and drives the golden models.
//! A write is accepted when `cfg_addr` matches and `cfg_data` fits the field
//! (unsigned: bits above the width are 0; signed: `cfg_data` is the 32-bit
//! sign extension of the field). Tops raise a sticky `cfg_error` for writes to
//! unmapped addresses or with out-of-range data; such writes change nothing.

use rust_hdl::prelude::*;
use serde::Serialize;

/// The configuration write bus: every register, register bank and register
/// file takes it as its field `cfg`, and a parent passes it on with
/// `CfgBus::link(&mut self.cfg, &mut child.cfg)`. The generated Verilog
/// names the fields `cfg_addr`, `cfg_data`, `cfg_we` (see
/// [`crate::verilog::FLAT_INTERFACES`]).
#[derive(LogicInterface, Default)]
pub struct CfgBus {
    pub addr: Signal<In, Bits<8>>,
    pub data: Signal<In, Bits<32>>,
    /// Write `data` to `addr` in this cycle.
    pub we: Signal<In, Bit>,
}

/// One configuration register.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Register {
    pub addr: u8,
    pub name: &'static str,
    /// Used bits (`cfg_data[bits-1:0]`).
    pub bits: usize,
    /// Two's-complement signed field.
    pub signed: bool,
    /// Value after reset.
    pub reset: u64,
    /// Number format and meaning, in the field's words.
    pub description: &'static str,
}

impl Register {
    /// The register's reset value masked to its width.
    pub fn reset_value(&self) -> u64 {
        self.reset & mask(self.bits)
    }
}

fn mask(bits: usize) -> u64 {
    if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    }
}

/// Mask of the `cfg_data` bits that must be zero (or, for signed fields, all
/// ones) for a write of `reg` to be in range.
pub fn upper_mask(reg: &Register) -> u32 {
    let first = if reg.signed { reg.bits - 1 } else { reg.bits };
    if first >= 32 {
        0
    } else {
        !((1u32 << first) - 1)
    }
}

/// Whether `data` is an in-range write for `reg`.
pub fn write_in_range(reg: &Register, data: u32) -> bool {
    let m = upper_mask(reg);
    let up = data & m;
    up == 0 || (reg.signed && up == m)
}

/// One configuration register of `W` bits (`1..=32`) at a fixed address.
#[derive(LogicBlock)]
pub struct ConfigReg<const W: usize> {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    /// Configuration writes (`cfg_addr`, `cfg_data`, `cfg_we`).
    pub cfg: CfgBus,
    pub value: Signal<Out, Bits<W>>,
    /// This cycle's write addresses this register.
    pub hit: Signal<Out, Bit>,
    /// This cycle's write addresses this register with out-of-range data.
    pub range_error: Signal<Out, Bit>,
    stored: DFF<Bits<W>>,
    addr: Constant<Bits<8>>,
    reset_value: Constant<Bits<W>>,
    upper: Constant<Bits<32>>,
    sign_extend: Constant<Bit>,
    in_range: Signal<Local, Bit>,
    addressed: Signal<Local, Bit>,
}

impl<const W: usize> ConfigReg<W> {
    pub fn new(reg: &Register) -> Self {
        assert_eq!(
            reg.bits, W,
            "register {} is {} bits, ConfigReg<{W}>",
            reg.name, reg.bits
        );
        assert!((1..=32).contains(&W), "config registers are 1..=32 bits");
        Self {
            clock: Default::default(),
            reset: Default::default(),
            cfg: Default::default(),
            value: Default::default(),
            hit: Default::default(),
            range_error: Default::default(),
            stored: Default::default(),
            addr: Constant::new((reg.addr as u64).into()),
            reset_value: Constant::new(reg.reset_value().into()),
            upper: Constant::new((upper_mask(reg) as u64).into()),
            sign_extend: Constant::new(reg.signed),
            in_range: Default::default(),
            addressed: Default::default(),
        }
    }
}

impl<const W: usize> Logic for ConfigReg<W> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, stored);
        self.in_range.next = !(self.cfg.data.val() & self.upper.val()).any()
            || (self.sign_extend.val()
                && ((self.cfg.data.val() & self.upper.val()) == self.upper.val()));
        // (outputs are never read back here: rust-hdl's simulator would see
        // their previous value)
        self.addressed.next = self.cfg.we.val() && (self.cfg.addr.val() == self.addr.val());
        self.hit.next = self.addressed.val();
        self.range_error.next = self.addressed.val() && !self.in_range.val();
        if self.reset.val() {
            self.stored.d.next = self.reset_value.val();
        } else if self.addressed.val() && self.in_range.val() {
            self.stored.d.next = self.cfg.data.val().get_bits::<W>(0);
        }
        self.value.next = self.stored.q.val();
    }
}

/// Render a register map as a Markdown table.
pub fn map_markdown(title: &str, map: &[Register]) -> String {
    let mut s = format!("## {title}\n\n| addr | name | bits | signed | reset | description |\n|---|---|---|---|---|---|\n");
    for r in map {
        s.push_str(&format!(
            "| 0x{:02x} | `{}` | {} | {} | 0x{:x} | {} |\n",
            r.addr,
            r.name,
            r.bits,
            if r.signed { "yes" } else { "no" },
            r.reset_value(),
            r.description
        ));
    }
    s
}

/// `R` configuration registers of the same width `W`, sharing the bus, with
/// their `hit` and `range_error` folded: a top keeps one bank per width.
#[derive(LogicBlock)]
pub struct RegisterBank<const R: usize, const W: usize> {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    /// Configuration writes (`cfg_addr`, `cfg_data`, `cfg_we`).
    pub cfg: CfgBus,
    pub value: [Signal<Out, Bits<W>>; R],
    /// This cycle's write addresses a register of the bank.
    pub hit: Signal<Out, Bit>,
    /// This cycle's write addresses a register of the bank with out-of-range data.
    pub range_error: Signal<Out, Bit>,
    regs: [ConfigReg<W>; R],
    any_hit: Signal<Local, Bit>,
    any_error: Signal<Local, Bit>,
}

impl<const R: usize, const W: usize> RegisterBank<R, W> {
    /// A bank for `map` (`R` entries, each `W` bits wide).
    pub fn new(map: &[Register]) -> Self {
        assert_eq!(
            map.len(),
            R,
            "bank of {R} registers built from {} entries",
            map.len()
        );
        Self {
            clock: Default::default(),
            reset: Default::default(),
            cfg: Default::default(),
            value: std::array::from_fn(|_| Default::default()),
            hit: Default::default(),
            range_error: Default::default(),
            regs: std::array::from_fn(|i| ConfigReg::new(&map[i])),
            any_hit: Default::default(),
            any_error: Default::default(),
        }
    }
}

impl<const R: usize, const W: usize> Logic for RegisterBank<R, W> {
    #[hdl_gen]
    fn update(&mut self) {
        self.any_hit.next = false;
        self.any_error.next = false;
        for i in 0..R {
            self.regs[i].clock.next = self.clock.val();
            self.regs[i].reset.next = self.reset.val();
            self.regs[i].cfg.addr.next = self.cfg.addr.val();
            self.regs[i].cfg.data.next = self.cfg.data.val();
            self.regs[i].cfg.we.next = self.cfg.we.val();
            self.value[i].next = self.regs[i].value.val();
            self.any_hit.next = self.any_hit.val() || self.regs[i].hit.val();
            self.any_error.next = self.any_error.val() || self.regs[i].range_error.val();
        }
        self.hit.next = self.any_hit.val();
        self.range_error.next = self.any_error.val();
    }
}
