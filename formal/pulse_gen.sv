// Properties of the pulse generator (rtl/src/pulse_gen.rs; rtl/DESIGN.md,
// "PulseGenerator"), on the generated Verilog (`dut.v`, module `top`).
//
// Environment: every input is free in every cycle (start, reset, amplitude,
// width, interval, count, safe window), except the simulation-only `warp`,
// which the harness keeps below `wait_left` (and 0 outside a wait);
// synthesis ties it to 0, which the environment may also choose.
//
// Asserted:
// - width: `apply` stays high exactly `width` cycles per pulse (`width = 0`
//   behaves as 1), counted in simulated cycles (`1 + warp` per clock);
// - interval: low exactly `interval` cycles between two pulses of a train;
// - count: a train raises exactly `count` pulses before `done`;
// - amplitude: `amplitude_out` lies in `[safe_min, safe_max]` (signed) when
//   the window is not empty, equals `amplitude` inside it, and is 0 for an
//   empty window, where a `start` raises no pulse.
// Internal registers tapped for induction (`fv_*`, connected by the .sby
// script after flattening): the latched width, interval and pulses left.
module formal_pulse_gen (
    input clock,
    input reset,
    input start,
    input [11:0] amplitude,
    input [23:0] width,
    input [23:0] interval,
    input [7:0] count,
    input [11:0] safe_max,
    input [11:0] safe_min,
    input [31:0] warp
);
  wire apply, busy, done, clamped, pulse;
  wire [11:0] amplitude_out;
  wire [31:0] wait_left;
  top dut (
      .clock(clock),
      .reset(reset),
      .start(start),
      .amplitude(amplitude),
      .width(width),
      .interval(interval),
      .count(count),
      .safe_max(safe_max),
      .safe_min(safe_min),
      .warp(warp),
      .apply(apply),
      .busy(busy),
      .done(done),
      .amplitude_out(amplitude_out),
      .clamped(clamped),
      .wait_left(wait_left),
      .pulse(pulse)
  );
  (* keep *) wire [23:0] fv_width_q;
  (* keep *) wire [23:0] fv_interval_q;
  (* keep *) wire [7:0] fv_pulses_left;

  // ---- environment: the warp contract
  always @(*) assume (warp == 32'd0 || warp < wait_left);

  // ---- amplitude
  wire window_ok = $signed(safe_min) <= $signed(safe_max);
  wire inside = $signed(amplitude) >= $signed(safe_min) && $signed(amplitude) <= $signed(safe_max);
  always @(*) begin
    if (window_ok) begin
      assert ($signed(amplitude_out) >= $signed(safe_min));
      assert ($signed(amplitude_out) <= $signed(safe_max));
      if (inside) assert (amplitude_out == amplitude);
    end else begin
      assert (amplitude_out == 12'd0);
    end
  end

  // ---- timing
  wire [23:0] width_eff = (width == 24'd0) ? 24'd1 : width;
  wire [23:0] interval_eff = (interval == 24'd0) ? 24'd1 : interval;
  wire take = !reset && start && !busy;  // a start the generator accepts
  reg [23:0] w_lat = 0;  // width of the running train
  reg [23:0] i_lat = 0;  // its interval
  reg [7:0] n_lat = 0;  // its pulse count (0 for an empty window)
  // (25 bits: waits are below 2^24 cycles, and so is `warp` by its contract)
  reg [24:0] hi_t = 0;  // simulated cycles `apply` has been high in this pulse
  reg [24:0] lo_t = 0;  // simulated cycles low since the last pulse of the train
  reg [8:0] n_seen = 0;  // pulses raised in this train before this cycle
  reg was_apply = 0, was_busy = 0, was_reset = 0, took_empty = 0;
  always @(posedge clock) begin
    was_apply <= apply;
    was_busy <= busy;
    was_reset <= reset;
    took_empty <= take && !window_ok;
    hi_t <= apply ? hi_t + 25'd1 + warp[24:0] : 25'd0;
    lo_t <= (busy && !apply) ? lo_t + 25'd1 + warp[24:0] : 25'd0;
    n_seen <= n_seen + {8'd0, pulse};
    if (reset) begin
      w_lat <= 0;
      i_lat <= 0;
    end else if (take) begin
      w_lat <= width_eff;
      i_lat <= interval_eff;
      n_lat <= window_ok ? count : 8'd0;
      n_seen <= 0;
    end
  end
  wire [8:0] n_now = n_seen + {8'd0, pulse};  // pulses so far, this one included

  always @(*) begin
    // width: never longer, and exactly `width` when it falls (a reset may cut it)
    if (apply) assert (hi_t < {1'b0, w_lat});
    if (was_apply && !apply && !was_reset) assert (hi_t == {1'b0, w_lat});
    // interval between two pulses of a train
    if (busy && !apply) assert (lo_t < {1'b0, i_lat});
    if (apply && was_busy && !was_apply && !was_reset) assert (lo_t == {1'b0, i_lat});
    // count
    if (done) assert (n_now == {1'b0, n_lat});
    if (busy) assert (n_now <= {1'b0, n_lat});
    // an empty window runs no pulse
    if (took_empty) assert (!busy && !apply);
    // `pulse` marks exactly the rising edges of `apply`
    if (pulse) assert (apply && !was_apply);
    if (apply && !was_apply) assert (pulse);

    // inductive strengthening (internal registers)
    assert (fv_width_q == w_lat);
    assert (fv_interval_q == i_lat);
    if (apply) assert ({1'b0, w_lat} == hi_t + wait_left[24:0] && wait_left != 0);
    if (busy && !apply) assert ({1'b0, i_lat} == lo_t + wait_left[24:0] && wait_left != 0);
    if (busy) assert ({1'b0, n_lat} + {8'd0, apply} == n_now + {1'b0, fv_pulses_left});
    if (busy) assert (fv_pulses_left != 0 && w_lat != 0 && i_lat != 0);
    if (!busy) assert (wait_left == 0);
    assert (!hi_t[24] && !lo_t[24] && wait_left[31:24] == 8'd0);
  end
endmodule
