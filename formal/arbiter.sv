// Properties of the command arbiter (rtl/src/arbiter.rs; rtl/DESIGN.md,
// "CommandArbiter"), on the generated Verilog (`dut.v`, module `top`).
//
// Environment (the valid/ready contract): a producer that raised `valid`
// holds it, with the same command, until the cycle it is taken (or a
// reset); the controller's `cmd_ready` and `reset` are free.
//
// Asserted:
// - one grant: at most one producer's command is taken per cycle (a
//   handshake is `valid && ready`), and `grant` is one-hot or zero and names
//   the producer taken at the last edge;
// - no command dropped, none invented: commands taken minus commands handed
//   on (`cmd_valid && cmd_ready`) is exactly the one held (`cmd_valid`), and
//   the held command is the last one taken, field for field, with its
//   `source`.
// Every state is small, so the proof is by k-induction.
module formal_arbiter (
    input clock,
    input reset,
    input refresh_valid,
    input refresh_kind,
    input [7:0] refresh_row,
    input [7:0] refresh_col,
    input refresh_pol,
    input [7:0] refresh_count,
    input stdp_valid,
    input stdp_kind,
    input [7:0] stdp_row,
    input [7:0] stdp_col,
    input stdp_pol,
    input [7:0] stdp_count,
    input bcm_valid,
    input bcm_kind,
    input [7:0] bcm_row,
    input [7:0] bcm_col,
    input bcm_pol,
    input [7:0] bcm_count,
    input cmd_ready
);
  wire refresh_ready, stdp_ready, bcm_ready;
  wire cmd_valid, cmd_kind, cmd_pol, busy;
  wire [7:0] cmd_row, cmd_col, cmd_count;
  wire [1:0] source;
  wire [2:0] grant;
  top dut (
      .clock(clock),
      .reset(reset),
      .refresh$valid(refresh_valid),
      .refresh$kind(refresh_kind),
      .refresh$row(refresh_row),
      .refresh$col(refresh_col),
      .refresh$pol(refresh_pol),
      .refresh$count(refresh_count),
      .refresh$ready(refresh_ready),
      .stdp$valid(stdp_valid),
      .stdp$kind(stdp_kind),
      .stdp$row(stdp_row),
      .stdp$col(stdp_col),
      .stdp$pol(stdp_pol),
      .stdp$count(stdp_count),
      .stdp$ready(stdp_ready),
      .bcm$valid(bcm_valid),
      .bcm$kind(bcm_kind),
      .bcm$row(bcm_row),
      .bcm$col(bcm_col),
      .bcm$pol(bcm_pol),
      .bcm$count(bcm_count),
      .bcm$ready(bcm_ready),
      .cmd$ready(cmd_ready),
      .cmd$valid(cmd_valid),
      .cmd$kind(cmd_kind),
      .cmd$row(cmd_row),
      .cmd$col(cmd_col),
      .cmd$pol(cmd_pol),
      .cmd$count(cmd_count),
      .source(source),
      .grant(grant),
      .busy(busy)
  );

  // {kind, row, col, pol, count} of each producer, with its source code
  wire [26:0] r_cmd = {refresh_kind, refresh_row, refresh_col, refresh_pol, refresh_count};
  wire [26:0] s_cmd = {stdp_kind, stdp_row, stdp_col, stdp_pol, stdp_count};
  wire [26:0] b_cmd = {bcm_kind, bcm_row, bcm_col, bcm_pol, bcm_count};
  wire [26:0] out_cmd = {cmd_kind, cmd_row, cmd_col, cmd_pol, cmd_count};
  wire take_r = refresh_valid && refresh_ready;
  wire take_s = stdp_valid && stdp_ready;
  wire take_b = bcm_valid && bcm_ready;
  wire taken = take_r || take_s || take_b;
  wire handed = cmd_valid && cmd_ready;

  // ---- environment: producers hold a command until it is taken
  reg past_r = 0, past_s = 0, past_b = 0;  // valid and not taken last cycle
  reg [26:0] held_r, held_s, held_b;
  always @(posedge clock) begin
    past_r <= refresh_valid && !refresh_ready && !reset;
    past_s <= stdp_valid && !stdp_ready && !reset;
    past_b <= bcm_valid && !bcm_ready && !reset;
    held_r <= r_cmd;
    held_s <= s_cmd;
    held_b <= b_cmd;
  end
  always @(*) begin
    if (past_r) assume (refresh_valid && r_cmd == held_r);
    if (past_s) assume (stdp_valid && s_cmd == held_s);
    if (past_b) assume (bcm_valid && b_cmd == held_b);
  end

  // ---- shadow: what was taken and not yet handed on
  reg [1:0] in_flight = 0;  // commands taken - commands handed on
  reg [26:0] last_cmd = 0;
  reg [1:0] last_src = 0;
  reg [2:0] last_grant = 0;
  always @(posedge clock) begin
    last_grant <= {take_b, take_s, take_r};
    if (reset) begin
      in_flight <= 0;
    end else begin
      in_flight <= in_flight + {1'b0, taken} - {1'b0, handed};
    end
    if (take_r) begin
      last_cmd <= r_cmd;
      last_src <= 2'd0;
    end else if (take_s) begin
      last_cmd <= s_cmd;
      last_src <= 2'd1;
    end else if (take_b) begin
      last_cmd <= b_cmd;
      last_src <= 2'd2;
    end
  end

  always @(*) begin
    // one grant per cycle
    assert ({1'b0, take_r} + {1'b0, take_s} + {1'b0, take_b} <= 2'd1);
    assert (grant == 3'd0 || grant == 3'd1 || grant == 3'd2 || grant == 3'd4);
    assert (grant == last_grant);
    // nothing dropped or invented
    assert (in_flight == {1'b0, cmd_valid});
    if (cmd_valid) assert (out_cmd == last_cmd && source == last_src);
    assert (busy == cmd_valid);
  end
endmodule
