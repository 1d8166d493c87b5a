//! Board core: the accelerator behind its serial host link.
//!
//! [`BoardCore`] is what a board top puts between its pins: the host's
//! serial line goes through [`UartBridge`](crate::host_link::UartBridge) to
//! the accelerator's host ports, and the accelerator's `fe_*` bus is left
//! at the ports for the front-end PHY (or, in co-simulation, the bus-level
//! front-end model). `reset` (a button or a power-on reset) resets both;
//! the host's `RESET` command resets the accelerator alone.

use crate::accelerator::Accelerator;
use crate::fe_bus::FeBus;
use crate::host_link::UartBridge;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct BoardCore<const N_ROWS: usize, const N_COLS: usize> {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub uart_rx: Signal<In, Bit>,
    pub uart_tx: Signal<Out, Bit>,
    /// The front-end bus (`fe_*` in the Verilog).
    pub fe: FeBus,
    /// Simulation only (tie to 0): time warp for the accelerator's waits
    /// and the link's cycle counter.
    pub warp: Signal<In, Bits<32>>,
    /// The accelerator's `wait_left` and `idle`.
    pub acc_wait_left: Signal<Out, Bits<32>>,
    pub acc_idle: Signal<Out, Bit>,
    /// The link's `wait_left` (a `WAIT_UNTIL` in progress).
    pub link_wait_left: Signal<Out, Bits<32>>,
    /// The link's parser state (`host_link::ST_*`).
    pub link_state: Signal<Out, Bits<3>>,
    link: UartBridge<N_ROWS, N_COLS>,
    accel: Accelerator<N_ROWS, N_COLS>,
}

impl<const N_ROWS: usize, const N_COLS: usize> BoardCore<N_ROWS, N_COLS> {
    pub fn new(clocks_per_bit: u16) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            uart_rx: Default::default(),
            uart_tx: Default::default(),
            fe: Default::default(),
            warp: Default::default(),
            acc_wait_left: Default::default(),
            acc_idle: Default::default(),
            link_wait_left: Default::default(),
            link_state: Default::default(),
            link: UartBridge::new(clocks_per_bit),
            accel: Default::default(),
        }
    }
}

impl<const N_ROWS: usize, const N_COLS: usize> Logic for BoardCore<N_ROWS, N_COLS> {
    #[hdl_gen]
    fn update(&mut self) {
        self.link.clock.next = self.clock.val();
        self.accel.clock.next = self.clock.val();
        self.link.reset.next = self.reset.val();
        self.link.uart_rx.next = self.uart_rx.val();
        self.uart_tx.next = self.link.uart_tx.val();
        self.link.warp.next = self.warp.val();
        self.link.acc.idle.next = self.accel.idle.val();
        self.link.acc.spikes.next = self.accel.spikes.val();
        self.link.acc.spikes_valid.next = self.accel.spikes_valid.val();
        self.link.acc.winner.next = self.accel.winner.val();
        self.link.acc.winner_valid.next = self.accel.winner_valid.val();
        self.link.acc.debug_data.next = self.accel.debug_data.val();
        self.link.acc.cfg_error.next = self.accel.cfg_error.val();
        self.link.acc.clamp_error.next = self.accel.clamp_error.val();
        self.link.acc.saturated.next = self.accel.saturated.val();
        self.link.acc.overrun.next = self.accel.overrun.val();
        self.accel.reset.next = self.reset.val() || self.link.acc.reset.val();
        self.accel.tick.next = self.link.acc.tick.val();
        self.accel.present.next = self.link.acc.present.val();
        self.accel.spikes_in.next = self.link.acc.spikes_in.val();
        self.accel.cfg.addr.next = self.link.acc.cfg_addr.val();
        self.accel.cfg.data.next = self.link.acc.cfg_data.val();
        self.accel.cfg.we.next = self.link.acc.cfg_we.val();
        self.accel.debug_sel.next = self.link.acc.debug_sel.val();
        self.accel.warp.next = self.warp.val();
        FeBus::link(&mut self.fe, &mut self.accel.fe);
        self.acc_wait_left.next = self.accel.wait_left.val();
        self.acc_idle.next = self.accel.idle.val();
        self.link_wait_left.next = self.link.wait_left.val();
        self.link_state.next = self.link.state_out.val();
    }
}
