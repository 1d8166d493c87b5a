//! The front-end bus (`neuroxbar_rtl::fe_bus::FeBus`, golden
//! `FeDrive` / `FeAnswer`) on the back ends of the crossbar controller and
//! the accelerator: the answer driven into the DUT, the drive read out of it.
//!
//! On rust-hdl it is the `fe` interface ([`answer_bus`], [`drive_of_bus`]);
//! on Verilator the ports `fe_*`, through each model's typed accessors
//! ([`fe_answer_verilated!`](crate::fe_answer_verilated),
//! [`fe_drive_verilated!`](crate::fe_drive_verilated)).

use neuroxbar_models::golden::fe_bus::{FeAnswer, FeDrive};
use neuroxbar_rtl::fe_bus::{code_of_bits, FeBus};

/// Drive the front-end's answer `a` into a rust-hdl DUT's bus.
pub fn answer_bus(bus: &mut FeBus, a: &FeAnswer) {
    bus.busy.next = a.busy;
    bus.rd_valid.next = a.rd_valid;
    bus.rd_ch.next = (a.rd_ch as u64).into();
    bus.rd_data.next = (a.rd_data as u16 as u64).into();
    bus.rd_sat.next = a.rd_sat;
}

/// What a rust-hdl DUT drives on its bus.
pub fn drive_of_bus(bus: &FeBus) -> FeDrive {
    FeDrive {
        ch: bus.ch.val().to_u64() as u8,
        code: code_of_bits(bus.code.val().to_u64()),
        mode: bus.mode.val().to_u64() as u8,
        we: bus.we.val(),
        apply: bus.apply.val(),
        sample: bus.sample.val(),
    }
}

/// Drive the front-end's answer `$a` into a Verilated model `$m` with the
/// ports `fe_busy`, `fe_rd_*`.
#[macro_export]
macro_rules! fe_answer_verilated {
    ($m:expr, $a:expr) => {{
        let a: &neuroxbar_models::golden::fe_bus::FeAnswer = $a;
        $m.set_fe_busy(a.busy as u64);
        $m.set_fe_rd_valid(a.rd_valid as u64);
        $m.set_fe_rd_ch(a.rd_ch as u64);
        $m.set_fe_rd_data(a.rd_data as u16 as u64);
        $m.set_fe_rd_sat(a.rd_sat as u64);
    }};
}

/// What a Verilated model `$m` with the ports `fe_ch` ... `fe_sample` drives.
#[macro_export]
macro_rules! fe_drive_verilated {
    ($m:expr) => {{
        let m = $m;
        neuroxbar_models::golden::fe_bus::FeDrive {
            ch: m.fe_ch() as u8,
            code: neuroxbar_rtl::fe_bus::code_of_bits(m.fe_code()),
            mode: m.fe_mode() as u8,
            we: m.fe_we() != 0,
            apply: m.fe_apply() != 0,
            sample: m.fe_sample() != 0,
        }
    }};
}
