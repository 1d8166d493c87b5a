// The accelerator top (rtl/src/accelerator.rs, `Accelerator<25, 5>`, the
// generated module `top` of accel_25x5): whatever the host writes to the
// configuration bus, in any cycle, no line code on the front-end bus leaves
// the safe window the host configured.
//
// Environment: every host input (`cfg_*`, `tick`, `present`, `spikes_in`,
// `debug_sel`) and the front-end's `fe_busy` / result data are free in every
// cycle; the front-end returns result beats only for a sample in flight (as
// in formal/xbar_ctrl.sv); `warp` obeys the harness contract (0, or below
// `wait_left`). The job cuts the neuron layer, winner-take-all, STDP, BCM,
// refresh scheduler, arbiter and input encoder out of the design (their
// outputs become free in every cycle: any command, any read request, any
// row mask), so the proof holds whatever those units do; the register file,
// the top's own sequencing and the crossbar controller stay as generated.
//
// The safe window is modelled here from the bus alone: `SAFE_MAX` (0x25)
// and `SAFE_MIN` (0x26) are 12-bit signed registers, reset to +-1250, and a
// write takes effect when `cfg_data` is the 32-bit sign extension of a
// 12-bit value (rtl/src/regs.rs). Asserted, with `L(w)` the largest
// magnitude of window `w` (0 when empty, min > max):
// - a READ drives its rows within `[SAFE_MIN, SAFE_MAX]` as written;
// - a PROGRAM / REFRESH stages every line at `|code| <= ceil(L(w) / 2)` with
//   `w` the window written when the command left IDLE (a later write
//   applies to the next command), every line in drive mode;
// - every other staged line is at code 0; never `|fe_code| > L` of the
//   window in effect.
module formal_accel (
    input clock,
    input reset,
    input tick,
    input present,
    input [24:0] spikes_in,
    input [7:0] cfg_addr,
    input [31:0] cfg_data,
    input cfg_we,
    input fe_busy,
    input fe_rd_valid,
    input [7:0] fe_rd_ch,
    input [15:0] fe_rd_data,
    input fe_rd_sat,
    input [31:0] warp,
    input [11:0] debug_sel
);
  localparam N_ROWS = 25, N_COLS = 5;
  localparam ST_IDLE = 4'd0, ST_RD_STAGE = 4'd1, ST_RD_COLLECT = 4'd4, ST_PG_STAGE = 4'd5,
      ST_PG_RUN = 4'd6, ST_PG_PREP = 4'd8;
  // (PG_STAGE 5, PG_RUN 6, PG_GROUND 7 and PG_PREP 8 are the states >= 5)
  wire [7:0] fe_ch, winner;
  wire [11:0] fe_code;
  wire [1:0] fe_mode;
  wire fe_we, fe_apply, fe_sample, idle, spikes_valid, winner_valid;
  wire cfg_error, clamp_error, saturated, overrun;
  wire [31:0] wait_left, debug_data;
  wire [4:0] spikes;
  top dut (
      .clock(clock),
      .reset(reset),
      .tick(tick),
      .present(present),
      .spikes_in(spikes_in),
      .cfg_addr(cfg_addr),
      .cfg_data(cfg_data),
      .cfg_we(cfg_we),
      .fe_busy(fe_busy),
      .fe_rd_valid(fe_rd_valid),
      .fe_rd_ch(fe_rd_ch),
      .fe_rd_data(fe_rd_data),
      .fe_rd_sat(fe_rd_sat),
      .warp(warp),
      .fe_ch(fe_ch),
      .fe_code(fe_code),
      .fe_mode(fe_mode),
      .fe_we(fe_we),
      .fe_apply(fe_apply),
      .fe_sample(fe_sample),
      .idle(idle),
      .wait_left(wait_left),
      .spikes(spikes),
      .spikes_valid(spikes_valid),
      .winner(winner),
      .winner_valid(winner_valid),
      .cfg_error(cfg_error),
      .clamp_error(clamp_error),
      .saturated(saturated),
      .overrun(overrun),
      .debug_sel(debug_sel),
      .debug_data(debug_data)
  );
  // Internal signals tapped for the induction (connected by the .sby job).
  (* keep *) wire [11:0] fv_reg_max;  // the register file's SAFE_MAX
  (* keep *) wire [11:0] fv_reg_min;  // and SAFE_MIN
  (* keep *) wire [3:0] fv_state;
  (* keep *) wire [11:0] fv_win_min;
  (* keep *) wire [11:0] fv_win_max;
  (* keep *) wire fv_pg_busy;
  (* keep *) wire [7:0] fv_beats;
  (* keep *) wire [7:0] fv_ch;
  (* keep *) wire fv_cq_full;
  (* keep *) wire [11:0] fv_amp_out;
  (* keep *) wire [11:0] fv_amp_q;
  (* keep *) wire [11:0] fv_amp2_q;
  (* keep *) wire [11:0] fv_half_q;
  (* keep *) wire [11:0] fv_half_y;
  (* keep *) wire [31:0] fv_prod_q;
  (* keep *) wire [31:0] fv_prod_p;  // the sixths' signed product (comb.)
  // the rounded sixth of prod_q: round_half_even(prod_q / 2^16)
  wire [11:0] fv_sixth = {{2{fv_prod_q[25]}}, fv_prod_q[25:16]}
      + {11'd0, fv_prod_q[15] && (|fv_prod_q[14:0] || fv_prod_q[16])};
  (* keep *) wire [11:0] fv_sel_row_q;
  (* keep *) wire [11:0] fv_sel_col_q;
  (* keep *) wire [11:0] fv_other_row_q;
  (* keep *) wire [11:0] fv_other_col_q;

  // ---- environment
  // The board resets the design in its first cycle (before that, every
  // register holds its power-on 0: the window is [0, 0] and nothing runs).
  reg was_reset = 0;
  always @(posedge clock) if (reset) was_reset <= 1;
  initial assume (reset);
  always @(*) assume (warp == 32'd0 || warp < wait_left);
  reg in_flight = 0;
  reg [7:0] got = 0;
  always @(posedge clock) begin
    if (reset) begin
      in_flight <= 0;
      got <= 0;
    end else if (fe_sample) begin
      in_flight <= 1;
      got <= 0;
    end else if (fe_rd_valid) begin
      got <= got + 8'd1;
      if (got + 8'd1 == N_COLS) begin
        in_flight <= 0;
        got <= 0;
      end
    end
  end
  always @(*) if (fe_rd_valid) assume (in_flight);

  // ---- the safe window, as the host wrote it
  wire in_range = cfg_data[31:11] == 21'd0 || cfg_data[31:11] == {21{1'b1}};
  reg [11:0] host_max = 12'd1250;
  reg [11:0] host_min = -12'sd1250;
  // the window in effect for the command being staged: the one of the last
  // IDLE cycle (the controller latches it when it leaves IDLE)
  reg [11:0] cmd_max = 12'd1250;
  reg [11:0] cmd_min = -12'sd1250;
  always @(posedge clock) begin
    if (reset) begin
      host_max <= 12'd1250;
      host_min <= -12'sd1250;
    end else if (cfg_we && in_range && cfg_addr == 8'h25) begin
      host_max <= cfg_data[11:0];
    end else if (cfg_we && in_range && cfg_addr == 8'h26) begin
      host_min <= cfg_data[11:0];
    end
    if (fv_state == ST_IDLE) begin
      cmd_max <= host_max;
      cmd_min <= host_min;
    end
  end

  function [12:0] limit_of(input [11:0] wmin, input [11:0] wmax);
    reg signed [12:0] lo, hi;
    reg [12:0] al, ah;
    begin
      lo = $signed(wmin);
      hi = $signed(wmax);
      al = lo < 0 ? -lo : lo;
      ah = hi < 0 ? -hi : hi;
      limit_of = lo > hi ? 13'd0 : (al > ah ? al : ah);
    end
  endfunction

  wire signed [12:0] lo = $signed(host_min);
  wire signed [12:0] hi = $signed(host_max);
  wire [12:0] limit = limit_of(host_min, host_max);
  wire [12:0] cmd_half_limit = (limit_of(cmd_min, cmd_max) + 13'd1) >> 1;
  wire signed [12:0] code = $signed(fe_code);
  wire [12:0] abs_code = code < 0 ? -code : code;

  always @(*) if (was_reset) begin
    // line codes
    if (fe_we && fv_state != ST_PG_STAGE) assert (abs_code <= limit);
    if (fe_we && fe_mode != 2'd1) assert (fe_code == 12'd0);
    if (fe_we && fv_state == ST_PG_STAGE) assert (fe_mode == 2'd1 && abs_code <= cmd_half_limit);
    if (fe_we && fv_state == ST_RD_STAGE && fe_mode == 2'd1) assert (lo <= hi && lo <= code && code <= hi);

`ifdef INDUCTION
    // inductive strengthening: the register file holds what the host wrote,
    // the controller holds the window of its command, and the controller's
    // own invariants (as in formal/xbar_ctrl.sv)
    assert (fv_reg_max == host_max && fv_reg_min == host_min);
    if (fv_state >= ST_PG_STAGE) assert (fv_win_max == cmd_max && fv_win_min == cmd_min);
    if (fv_state >= ST_PG_STAGE) assert (fv_cq_full);
    if (fv_state == ST_PG_PREP) assert (fv_ch <= 8'd2);
    if (fv_state == ST_PG_STAGE) assert (fv_ch < N_ROWS + N_COLS);
    if ((fv_state == ST_PG_PREP && fv_ch >= 8'd1) || fv_state == ST_PG_STAGE)
      assert (fv_amp_q == fv_amp_out);
    if ((fv_state == ST_PG_PREP && fv_ch == 8'd2) || fv_state == ST_PG_STAGE) begin
      assert (fv_amp2_q == fv_amp_q);
      assert (fv_half_q == fv_half_y);
      assert (fv_prod_q == fv_prod_p);
    end
    if (fv_state == ST_PG_STAGE) begin
      assert (fv_sel_row_q == fv_amp2_q - fv_half_q);
      assert (fv_sel_col_q == 12'd0 - fv_half_q);
      assert (fv_other_row_q == 12'd0 - fv_sixth);
      assert (fv_other_col_q == fv_sixth);
    end
    if (fv_pg_busy) assert (fv_state == ST_PG_RUN);
    assert (in_flight == (fv_state == ST_RD_COLLECT));
    if (in_flight) assert (fv_beats == got && got < N_COLS);
`endif
  end
endmodule
