// Properties of the crossbar controller (rtl/src/xbar_ctrl.rs;
// rtl/DESIGN.md, "Front-end bus" and "CrossbarController"), on the
// generated Verilog (`dut.v`, module `top`, `CrossbarController<N_ROWS,
// N_COLS>`; the job sets the parameters to the instance it reads).
//
// Environment:
// - configuration, commands, `read_start`, `fe_busy` and the result data are
//   free in every cycle (a host may rewrite any register at any time);
// - the front-end returns result beats (`fe_rd_valid`) only for a sample in
//   flight: from the cycle after `fe_sample` until its `N_COLS`-th beat; a
//   reset abandons the sample in flight (the front-end is reset with it);
// - `warp` obeys the harness contract (0, or below `wait_left`).
//
// Asserted:
// - never stages (`fe_we`) while `fe_apply` is high;
// - never has `fe_apply` high (so never raises it) and never strobes another
//   `fe_sample` while a sample is in flight;
// - every staged code is within the safe window: with
//   `L = max(|safe_min|, |safe_max|)` (0 for an empty window,
//   `safe_min > safe_max`), every staged `|fe_code| <= L`; a PROGRAM /
//   REFRESH stages every line in drive mode at `|code| <= ceil(L' / 2)` (the
//   V/2 halves and the V/3 sixths), `L'` the limit of the window latched
//   when the command left IDLE (a later write applies to the next command);
//   a READ drives its rows within `[safe_min, safe_max]` (at `v_read`, or
//   in the amplitude-code mode `row_amp` at the free per-row `row_code`);
//   a line not driven
//   is staged at code 0.
// Internal registers tapped for the induction (`fv_*`): the state, the pulse
// generator's busy flag and the result-beat counter.
module formal_xbar_ctrl #(
    parameter N_ROWS = 25,
    parameter N_COLS = 5
) (
    input clock,
    input reset,
    input read_start,
    input [N_ROWS-1:0] row_mask,
    input row_amp,
    input [11:0] row_code,
    input cmd_valid,
    input cmd_kind,
    input [7:0] cmd_row,
    input [7:0] cmd_col,
    input cmd_pol,
    input [7:0] cmd_count,
    input [11:0] v_read,
    input [15:0] settle,
    input [11:0] v_pot,
    input [11:0] v_dep,
    input [23:0] width,
    input [23:0] interval,
    input scheme,
    input [11:0] safe_max,
    input [11:0] safe_min,
    input [11:0] refresh_code,
    input [23:0] refresh_width,
    input fe_busy,
    input fe_rd_valid,
    input [7:0] fe_rd_ch,
    input [15:0] fe_rd_data,
    input fe_rd_sat,
    input [31:0] warp
);
  localparam ST_RD_STAGE = 4'd1, ST_RD_COLLECT = 4'd4, ST_PG_STAGE = 4'd5, ST_PG_RUN = 4'd6,
      ST_PG_PREP = 4'd8;
  // (PG_STAGE 5, PG_RUN 6, PG_GROUND 7 and PG_PREP 8 are the states >= 5)
  wire cmd_ready, fe_we, fe_apply, fe_sample, read_done, idle, pulse, clamp_error;
  wire [7:0] fe_ch, pulse_col, row_addr;
  wire [11:0] fe_code;
  wire [1:0] fe_mode;
  wire [31:0] wait_left;
  top dut (
      .clock(clock),
      .reset(reset),
      .read_start(read_start),
      .row_mask(row_mask),
      .row_amp(row_amp),
      .row_code(row_code),
      .cmd$valid(cmd_valid),
      .cmd$ready(cmd_ready),
      .cmd$kind(cmd_kind),
      .cmd$row(cmd_row),
      .cmd$col(cmd_col),
      .cmd$pol(cmd_pol),
      .cmd$count(cmd_count),
      .v_read(v_read),
      .settle(settle),
      .v_pot(v_pot),
      .v_dep(v_dep),
      .width(width),
      .interval(interval),
      .scheme(scheme),
      .safe_max(safe_max),
      .safe_min(safe_min),
      .refresh_code(refresh_code),
      .refresh_width(refresh_width),
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
      .read_done(read_done),
      .idle(idle),
      .pulse(pulse),
      .pulse_col(pulse_col),
      .clamp_error(clamp_error),
      .wait_left(wait_left),
      .row_addr(row_addr)
  );
  (* keep *) wire [3:0] fv_state;
  (* keep *) wire [11:0] fv_win_min;
  (* keep *) wire [11:0] fv_win_max;
  (* keep *) wire fv_pg_busy;
  (* keep *) wire [7:0] fv_beats;
  (* keep *) wire [7:0] fv_ch;
  (* keep *) wire fv_cq_full;
  (* keep *) wire [11:0] fv_amp_out;  // the pulse generator's clamped amplitude (comb.)
  (* keep *) wire [11:0] fv_amp_q;
  (* keep *) wire [11:0] fv_amp2_q;
  (* keep *) wire [11:0] fv_half_q;
  (* keep *) wire [11:0] fv_half_y;  // amp_q >>> 1 (comb.)
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
  always @(*) assume (warp == 32'd0 || warp < wait_left);
  reg in_flight = 0;  // a sample was strobed and not all its beats are back
  reg [7:0] got = 0;  // its beats so far
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

  // ---- the safe window
  wire signed [12:0] lo = $signed(safe_min);
  wire signed [12:0] hi = $signed(safe_max);
  wire window_ok = lo <= hi;
  wire [12:0] abs_lo = lo < 0 ? -lo : lo;
  wire [12:0] abs_hi = hi < 0 ? -hi : hi;
  wire [12:0] limit = !window_ok ? 13'd0 : (abs_lo > abs_hi ? abs_lo : abs_hi);
  // the window latched for the command being staged
  wire signed [12:0] plo = $signed(fv_win_min);
  wire signed [12:0] phi = $signed(fv_win_max);
  wire [12:0] abs_plo = plo < 0 ? -plo : plo;
  wire [12:0] abs_phi = phi < 0 ? -phi : phi;
  wire [12:0] plimit = plo > phi ? 13'd0 : (abs_plo > abs_phi ? abs_plo : abs_phi);
  wire [12:0] phalf_limit = (plimit + 13'd1) >> 1;
  wire signed [12:0] code = $signed(fe_code);
  wire [12:0] abs_code = code < 0 ? -code : code;

  always @(*) begin
    // bus discipline
    assert (!(fe_we && fe_apply));
    if (in_flight) assert (!fe_apply && !fe_sample);
    // line codes
    if (fe_we && fv_state != ST_PG_STAGE) assert (abs_code <= limit);
    if (fe_we && fe_mode != 2'd1) assert (fe_code == 12'd0);
    if (fe_we && fv_state == ST_PG_STAGE) assert (fe_mode == 2'd1 && abs_code <= phalf_limit);
    if (fe_we && fv_state == ST_RD_STAGE && fe_mode == 2'd1) assert (window_ok && lo <= code && code <= hi);

`ifdef INDUCTION
    // inductive strengthening
    // the scheme-code pipeline: PG_PREP counts its 3 cycles on `ch`; from
    // its second cycle `amp_q` holds the clamped amplitude of the latched
    // command, from its third the middle stage holds A, A >>> 1 and A * 1/6,
    // and in PG_STAGE the last stage holds the four staged codes
    // a command being run stays in the one-entry register until IDLE
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
